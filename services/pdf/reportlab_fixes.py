"""One correction to ReportLab, applied when the PDF modules load.

ReportLab (up to 5.1 at least) writes the ToUnicode map of a TrueType subset as `<XX> <%04X>`: a character above
U+FFFF — the rare characters of people's and place names, CJK Ext-B and beyond, which SimSun-ExtB draws — comes
out as five hex digits (`<20000>`), which no reader understands, so copying the text out of the PDF loses it. The
PDF reference wants UTF-16BE there: a surrogate pair (`<D840DC00>`).
"""

from __future__ import annotations

from collections.abc import Sequence

from reportlab.pdfbase import ttfonts

_original = ttfonts.makeToUnicodeCMap


def _utf16_hex(code: int) -> str:
    return "".join(
        f"{unit:04X}"
        for unit in (
            (code,) if code <= 0xFFFF else (0xD800 + ((code - 0x10000) >> 10), 0xDC00 + ((code - 0x10000) & 0x3FF))
        )
    )


def make_to_unicode_cmap(fontname: str, subset: Sequence[int]) -> str:
    """ReportLab's CMap, each entry's destination in UTF-16BE."""
    text: str = _original(fontname, subset)
    head, sep, rest = text.partition("beginbfchar\n")
    entries, end, tail = rest.partition("\nendbfchar")
    fixed = [f"<{i:02X}> <{_utf16_hex(code)}>" for i, code in enumerate(subset)]
    assert len(fixed) == len(entries.splitlines()), "ReportLab changed its ToUnicode CMap layout"
    return head + sep + "\n".join(fixed) + end + tail


def apply() -> None:
    ttfonts.makeToUnicodeCMap = make_to_unicode_cmap
