"""The report's words on paper: title, headings, body paragraphs and the signature block (GB/T 9704).

Text is set on the grid by services.pdf.grid_text, each character drawn by a face that has it (FontSet.runs); a
character no face has raises MissingGlyphError naming it and where it is. CJKParagraph (ReportLab's Paragraph with
the Chinese line-breaking rules) remains for the 审核报告, a working document that needs no grid.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from datetime import date
from decimal import Decimal
from itertools import combinations, pairwise
from math import ceil
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib.enums import TA_JUSTIFY
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Flowable, Paragraph, Spacer
from reportlab.platypus.paragraph import ParaLines, cjkU, makeCJKParaLine

from services.pdf.fonts import FontSet, Role
from services.pdf.grid_text import GridText, char_faces, char_width
from services.pdf.linebreak import NO_LINE_END, NO_LINE_START, Line, joined
from services.pdf.page import BODY_SIZE, GRID_PITCH, INDENT, LINE_PITCH, TYPE_WIDTH, runs_width
from services.report import Fees

TITLE_SIZE = 22.0
"""2号."""
TITLE_LEADING = 36.0
SEAL_LINES = 3
TAIL_LINES = 2
"""Lines of the last paragraph that always stand on the signature's page."""
"""Blank lines between the last paragraph and the signature, where the seal's upper part presses."""
DATE_RIGHT_INDENT = 4 * GRID_PITCH
"""The date stands four characters in from the right edge."""

_NATURAL_BEFORE = ("关于", "政府信息公开", "信息公开")
_AGENCY_WORD_ENDS = (
    "自治区",
    "自治州",
    "自治县",
    "人民政府",
    "办公厅",
    "办公室",
    "委员会",
    "管理委员会",
    "省",
    "市",
    "县",
    "区",
    "旗",
    "盟",
    "镇",
    "乡",
    "街道",
    "局",
    "厅",
    "署",
    "中心",
)
"""Where an agency name may break between words when it is too long for a line of its own."""
_UNBREAKABLE = re.compile(r"[0-9A-Za-z.%]")
_MAX_PUSH_BACK = 6
"""Characters a line may give up to the next one to keep a digit run or a punctuation rule intact."""
_FUZZ = 1e-6


def _keeps_together(before: str, after: str) -> bool:
    return (
        after in NO_LINE_START
        or before in NO_LINE_END
        or bool(_UNBREAKABLE.match(before) and _UNBREAKABLE.match(after))
    )


class CJKParagraph(Paragraph):  # type: ignore[misc]
    """(审核报告) A Paragraph whose CJK lines never start with closing punctuation or end with an opening one, and never
    split a number.

    ReportLab's own CJK wrap knows only the Japanese rules (so '，' may start a line) and lets a forbidden
    character hang past the right margin, outside the type area; here the line gives up characters instead
    and justification spreads the gap.
    """

    def breakLinesCJK(self, maxWidths: Any) -> Any:
        if hasattr(self, "blPara") and getattr(self, "_splitpara", False):
            return self.blPara
        # Platypus wraps the same paragraph at the same width several times (tables measure their cells for
        # each split attempt, KeepTogether measures again): break it once per width.
        key = tuple(maxWidths) if isinstance(maxWidths, list | tuple) else maxWidths
        cached = getattr(self, "_broken", None)
        if cached is not None and cached[0] == key:
            return cached[1]
        lines = self._break_lines_cjk(maxWidths)
        self._broken = (key, lines)
        return lines

    def _break_lines_cjk(self, maxWidths: Any) -> Any:
        widths = list(maxWidths) if isinstance(maxWidths, list | tuple) else [maxWidths]
        # A <br/> arrives as an empty frag with a lineBreak attribute: keep it as a zero-width mark.
        chars = [cjkU(ch, frag, "utf8") for frag in self.frags for ch in (frag.text or [""])]
        lines: list[Any] = []
        start = used = 0
        limit = widths[0]
        i = 0
        while i < len(chars):
            if hasattr(chars[i].frag, "lineBreak"):
                line_width = sum(c.width for c in chars[start:i])
                lines.append(makeCJKParaLine(chars[start:i], limit, line_width, limit - line_width, True, False))
                start, used, i = i + 1, 0, i + 1
                limit = widths[min(len(lines), len(widths) - 1)]
                continue
            width = chars[i].width
            if used + width > limit + _FUZZ and i > start:
                cut = i
                while cut > max(start + 1, i - _MAX_PUSH_BACK) and _keeps_together(chars[cut - 1], chars[cut]):
                    cut -= 1
                if _keeps_together(chars[cut - 1], chars[cut]):
                    cut = i  # nowhere better within reach: break where the line is full
                line_width = sum(c.width for c in chars[start:cut])
                lines.append(makeCJKParaLine(chars[start:cut], limit, line_width, limit - line_width, False, False))
                start, used, i = cut, 0, cut
                limit = widths[min(len(lines), len(widths) - 1)]
                continue
            used += width
            i += 1
        if start < len(chars):
            lines.append(makeCJKParaLine(chars[start:], limit, used, limit - used, False, False))
        return ParaLines(kind=1, lines=lines)


def markup(fonts: FontSet, text: str, role: Role, where: str) -> str:
    """Paragraph markup for `text`, one <font> per fallback run; raises MissingGlyphError."""
    return "".join(f'<font name="{face.name}">{escape(part)}</font>' for face, part in fonts.runs(text, role, where))


def paragraphs(text: str) -> list[str]:
    """A narrative split into paragraphs on newlines; blank lines and the clerk's own indents dropped."""
    return [p for p in (line.strip(" \t\u3000") for line in text.splitlines()) if p]


def body_style(fonts: FontSet, name: str = "body", role: Role = "body", **kw: Any) -> ParagraphStyle:
    base: dict[str, Any] = {
        "fontName": fonts.primary(role).name,
        "fontSize": BODY_SIZE,
        "leading": LINE_PITCH,
        "firstLineIndent": INDENT,
        "alignment": TA_JUSTIFY,
        "wordWrap": "CJK",
        "allowWidows": 0,
        "allowOrphans": 0,
    }
    base.update(kw)
    return ParagraphStyle(name, **base)


def grid_paragraph(fonts: FontSet, text: str, role: Role, where: str) -> GridText:
    """One paragraph on the body grid: 3号, first line two grid cells in, justified to the type area."""
    return GridText.paragraph(fonts, text, role, where, BODY_SIZE, LINE_PITCH, TYPE_WIDTH, INDENT)


def body(fonts: FontSet, text: str, where: str) -> list[Flowable]:
    """One grid paragraph per paragraph of a narrative."""
    return [grid_paragraph(fonts, p, "body", f"{where} 第{i}段") for i, p in enumerate(paragraphs(text), start=1)]


def heading(fonts: FontSet, text: str, level: int) -> GridText:
    """`一、…` in 黑体 (level 1) or `（一）…` in 楷体 (level 2), on its own line, indented like the body."""
    role: Role = "heading1" if level == 1 else "heading2"
    return grid_paragraph(fonts, text, role, text)


# ---------------------------------------------------------------- title


def _break_cost(text: str, i: int, natural: set[int], words: set[int]) -> float | None:
    """Cost of a line break before text[i]: 0 at a natural break, less between an agency's words, None where
    it is forbidden."""
    if joined(text, i):
        return None
    if i in natural:
        return 0.0
    return 0.5 if i in words else 2.0


def _natural_breaks(text: str, agency: str | None) -> set[int]:
    found: set[int] = set()
    if agency and text.startswith(agency):
        found.add(len(agency))
    for match in re.finditer(r"\d{4}年(度)?", text):
        found.update((match.start(), match.end()))
    for word in _NATURAL_BEFORE:
        found.update(m.start() for m in re.finditer(word, text))
    return {i for i in found if 0 < i < len(text)}


def _agency_words(text: str, agency: str | None) -> set[int]:
    if not agency or not text.startswith(agency):
        return set()
    return {m.end() for word in _AGENCY_WORD_ENDS for m in re.finditer(word, agency) if 1 < m.end() < len(agency)}


def title_shape(widths: Sequence[float], slack: float = 0.0) -> bool:
    """梯形 (each line no wider than the one below) or 菱形 (widest in the middle, narrower above and below)."""
    if all(a <= b + slack for a, b in pairwise(widths)):
        return True
    top = max(range(len(widths)), key=lambda k: widths[k])
    return (
        0 < top < len(widths) - 1
        and all(a <= b + slack for a, b in pairwise(widths[: top + 1]))
        and all(a + slack >= b for a, b in pairwise(widths[top:]))
    )


def title_lines(
    text: str, width: Callable[[str], float], available: float, agency: str | None = None, max_lines: int = 4
) -> list[str]:
    """Break a title into lines that fit: between words, in a 梯形 or 菱形 (GB/T 9704), as even as that allows.

    Never a line of one or two characters, never a line shorter than a third of the longest; e.g. agency /
    year + 政府信息公开工作年度报告.
    """
    if width(text) <= available:
        return [text]
    natural = _natural_breaks(text, agency)
    words = _agency_words(text, agency)
    costs = {i: c for i in range(1, len(text)) if (c := _break_cost(text, i, natural, words)) is not None}
    least = ceil(width(text) / available)
    best: tuple[float, list[str]] | None = None
    for n in range(least, min(least + 1, max_lines) + 1):
        if n - 1 > len(costs):
            break
        candidates = sorted(costs) if len(costs) <= 40 else sorted(costs, key=lambda i: costs[i])[:40]
        for cut in combinations(sorted(candidates), n - 1):
            bounds = (0, *cut, len(text))
            lines = [text[a:b] for a, b in pairwise(bounds)]
            widths = [width(line) for line in lines]
            longest = max(widths)
            if longest > available or min(len(line) for line in lines) <= 2 or min(widths) < longest / 3:
                continue
            if not title_shape(widths):
                continue
            cost = sum(costs[i] for i in cut) + (longest - min(widths)) / longest * 2 + (n - least)
            if best is None or cost < best[0]:
                best = (cost, lines)
    if best is not None:
        return best[1]
    return _greedy(text, width, available)  # only for absurd titles: lines that fit, whatever their shape


def _greedy(text: str, width: Callable[[str], float], available: float) -> list[str]:
    lines: list[str] = []
    start = 0
    while start < len(text):
        end = start + 1
        while end < len(text) and width(text[start : end + 1]) <= available:
            end += 1
        lines.append(text[start:end])
        start = end
    return lines


def title(fonts: FontSet, text: str, agency: str | None) -> list[Flowable]:
    """The report title, 2号 centred, broken into a 梯形 or 菱形, followed by one blank line."""
    faces = char_faces(fonts, text, "title", "标题")
    widths = [char_width(face, char, TITLE_SIZE) for face, char in zip(faces, text, strict=True)]

    def measure_span(a: int, b: int) -> float:
        return sum(widths[a:b])

    lines: list[Line] = []
    start = 0
    for part in title_lines(text, lambda s: measure_text(fonts, s), TYPE_WIDTH, agency):
        end = start + len(part)
        indent = max(0.0, (TYPE_WIDTH - measure_span(start, end)) / 2)
        lines.append(Line(start, end, indent, 0.0, True))
        start = end
    return [
        GridText(text, faces, lines, TITLE_SIZE, TITLE_LEADING, TYPE_WIDTH, splittable=False),
        Spacer(TYPE_WIDTH, LINE_PITCH),
    ]


def measure_text(fonts: FontSet, text: str) -> float:
    return runs_width(fonts.runs(text, "title", "标题"), TITLE_SIZE)


# ---------------------------------------------------------------- section 六 and signature


def _yuan(amount: Decimal) -> str:
    places = Decimal(1) if amount == amount.to_integral_value() else Decimal("0.01")
    return format(amount.quantize(places), "f")


def fee_sentence(fees: Fees) -> str | None:
    """The 信息处理费 sentence of section 六 (2021 format), stating only what the fee fields say; None when both
    are empty (a draft then shows 【未填写】 instead)."""
    notices, amount = fees.notices, fees.amount_yuan
    if notices is None and amount is None:
        return None
    if not notices and not amount:
        return "本年度未收取信息处理费。"
    said = []
    if notices is not None:
        said.append(f"共发出收费通知{notices}件")
    if amount is not None:
        said.append(f"实际收取信息处理费{_yuan(amount)}元")
    return "本年度" + "，".join(said) + "。"


def date_text(day: date | None) -> str:
    """`2021年1月20日`: Arabic numerals, full year, no zero padding; blanks to fill in by hand when unset."""
    if day is None:
        return "\u3000\u3000\u3000\u3000年\u3000\u3000月\u3000\u3000日"
    return f"{day.year}年{day.month}月{day.day}日"


class KeepTail(Flowable):  # type: ignore[misc]
    """The signature block with the last lines of the paragraph before it.

    KeepTogether would not do: when the last paragraph and the block together are taller than a page, it
    splits like plain flow and can leave the signature alone on the last page. Here a split always leaves at
    least TAIL_LINES lines of the paragraph with the block.
    """

    def __init__(self, last: Flowable | None, block: Sequence[Flowable]) -> None:
        super().__init__()
        self.last = last
        self.block = list(block)
        self._sizes: list[tuple[float, float]] = []

    def _parts(self) -> list[Flowable]:
        return [self.last, *self.block] if self.last is not None else list(self.block)

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        self._sizes = [part.wrap(availWidth, availHeight) for part in self._parts()]
        self.width, self.height = availWidth, sum(h for _, h in self._sizes)
        return self.width, self.height

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:
        last = self.last
        if not isinstance(last, GridText) or not last.splittable:
            return []  # the block alone is short: the document moves it to the next page whole
        first = min(int((availHeight + 1e-6) // last.pitch), len(last.lines) - TAIL_LINES)
        if first < 2:
            return []  # nothing, or a lone orphan line, would stay behind
        head, tail = last.lines[:first], last.lines[first:]
        return [last.part(head), KeepTail(last.part(tail), self.block)]

    def draw(self) -> None:
        y = self.height
        for part, (_, height) in zip(self._parts(), self._sizes, strict=True):
            y -= height
            part.drawOn(self.canv, 0, y)


def _single_line(fonts: FontSet, text: str, where: str, right: float | None, centre: float | None) -> GridText:
    """One unjustified grid line ending at `right`, or centred on `centre`; wrapped flush left when too long."""
    faces = char_faces(fonts, text, "body", where)
    track = GRID_PITCH - BODY_SIZE
    width = sum(char_width(f, c, BODY_SIZE) for f, c in zip(faces, text, strict=True)) + track * (len(text) - 1)
    if width > TYPE_WIDTH:
        return GridText.paragraph(fonts, text, "body", where, BODY_SIZE, LINE_PITCH, TYPE_WIDTH, 0.0)
    x = (right - width) if right is not None else (centre or 0.0) - width / 2
    x = min(max(0.0, x), TYPE_WIDTH - width)
    return GridText(
        text, faces, [Line(0, len(text), x, track, True)], BODY_SIZE, LINE_PITCH, TYPE_WIDTH, splittable=False
    )


def signature(fonts: FontSet, last: Flowable | None, name: str, day: date | None) -> KeepTail:
    """Agency name centred over the date, the date four characters in from the right, room for the seal
    above; kept with the end of the last paragraph so the block never stands alone on a page."""
    date_str = date_text(day)
    date_line = _single_line(fonts, date_str, "落款日期", TYPE_WIDTH - DATE_RIGHT_INDENT, None)
    date_width = date_line.line_width(date_line.lines[0])
    centre = TYPE_WIDTH - DATE_RIGHT_INDENT - date_width / 2
    name_line = _single_line(fonts, name, "落款机关", None, centre)
    return KeepTail(last, [Spacer(TYPE_WIDTH, SEAL_LINES * LINE_PITCH), name_line, date_line])
