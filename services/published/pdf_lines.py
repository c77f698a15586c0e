"""The text lines of a PDF (outside its tables) → the report's paragraphs.

A PDF has no paragraphs, only lines placed on pages: a paragraph the page wrapped is one paragraph again, the
title set large over two lines is one title, and the page's furniture (page numbers, running heads and feet
repeated on every page) is dropped. Pure: the lines come from `pdf.py`, no pdfplumber here.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

_CJK = r"[^\x00-\x7f]"
_SPACE_BY_CJK = re.compile(rf"(?<={_CJK})\s+|\s+(?={_CJK})")
"""A space beside a Chinese character is the layout's gap (between 2024 and 年, or justification), not text."""
PAGE_NUMBER = re.compile(
    r"^\s*(?:[-—–－]\s*\d{1,3}\s*[-—–－]|第\s*\d{1,3}\s*页(?:\s*[，,/]?\s*共\s*\d{1,3}\s*页)?)\s*$"
)
"""A page's number as a PDF prints it (- 5 -, — 5 —, 第5页 共6页); a bare number is dropped as a recurring foot."""
_LATIN_GAP = 0.15
_CJK_GAP = 0.35
"""Gaps (shares of the type size) that are a space between two Latin characters, or beside a Chinese one."""
_ENDS = tuple("。！？!?；;：:")
_STARTS_A_PART = re.compile(r"^\s*(?:[一二三四五六七八九十]+\s*、|[（(]\s*[一二三四五六七八九十\d]+\s*[)）])")
"""一、 or （一）: a heading starts a paragraph of its own, wherever the line before it ended."""
_TITLE_SCALE = 1.2
"""Lines at the top of the first page set this much larger than the body are the title."""
_MARGIN_SHARE = 0.8
"""A line ending within this share of a character of the right margin reaches it (the page wrapped it)."""
_SPACE_SHARE = 0.15
"""A line stopping this share of a character short of the margin (or starting this far in) lost a space there."""
_SIZE_SHARE = 0.15
"""How far a line's type size may be from the body's and still be body text."""
_RAGGED_SHARE = 2.0
"""Lines ending within this many characters of the margin are full or nearly: where most of them end right at
the margin, the text is justified."""
_INDENT_SHARE = 1.0
"""A line starting a character or more right of the left margin is indented: a paragraph's first line."""


@dataclass(frozen=True)
class Line:
    text: str
    page: int
    x0: float
    x1: float
    top: float
    size: float
    """The type size of the line's first character: the title is set larger than the body."""
    lead: float = 0.0
    """The width of the number or Latin word opening the line: the line before may stop short by that much and
    still be full (the word did not fit on it, as 2,345 or 12345 kept whole)."""


def clean(text: str) -> str:
    """A cell's text: a space beside a Chinese character is the layout's gap, never the text's."""
    return _SPACE_BY_CJK.sub("", text).strip()


def lead_width(chars: Sequence[Mapping[str, Any]]) -> float:
    """How wide the run of Latin letters and digits (with their , . %) opening a line is."""
    run: list[Mapping[str, Any]] = []
    for char in sorted(chars, key=lambda c: float(c["x0"])):
        if not (str(char["text"]).isascii() and str(char["text"]).strip()):
            break
        run.append(char)
    return float(run[-1]["x1"]) - float(run[0]["x0"]) if run else 0.0


def line_text(chars: Sequence[Mapping[str, Any]]) -> str:
    """A line's text from its characters, a space only where one is drawn or the gap is a space's width: the
    narrower gap a layout leaves between Chinese and Latin (WPS: 2024 年) or a justified line's spread is none."""
    out: list[str] = []
    previous: Mapping[str, Any] | None = None
    for char in sorted(chars, key=lambda c: float(c["x0"])):
        text = str(char["text"])
        if previous is not None and text.strip() and out and not out[-1].isspace():
            gap = float(char["x0"]) - float(previous["x1"])
            latin = str(previous["text"]).isascii() and text.isascii()
            if gap > (_LATIN_GAP if latin else _CJK_GAP) * float(char["size"]):
                out.append(" ")
        out.append(" " if text.isspace() else text)
        previous = char
    return re.sub(r"\s+", " ", "".join(out)).strip()


def drop_furniture(lines: Sequence[Line]) -> list[Line]:
    """Without page numbers (- 3 -, 第3页 共6页) and without the first or last line of a page that recurs (its
    digits aside) at the top or foot of most pages: a running head or foot, not the report's text."""
    lines = [line for line in lines if not PAGE_NUMBER.match(line.text)]
    pages = sorted({line.page for line in lines})
    if len(pages) < 3:
        return lines
    ends: dict[int, set[int]] = {}
    for page in pages:
        on_page = [i for i, line in enumerate(lines) if line.page == page]
        ends[page] = {on_page[0], on_page[-1]}
    shapes = Counter(_shape(lines[i].text) for found in ends.values() for i in found)
    recurring = {shape for shape, n in shapes.items() if n * 2 >= len(pages)}
    furniture = {i for found in ends.values() for i in found if _shape(lines[i].text) in recurring}
    return [line for i, line in enumerate(lines) if i not in furniture]


def _shape(text: str) -> str:
    return re.sub(r"\d+", "#", re.sub(r"\s+", "", text))


def take_title(lines: list[Line]) -> tuple[str | None, list[Line]]:
    """The title: the first page's opening lines set larger than the body, joined (a title set over two lines,
    the agency, then the year and the words); the other lines follow."""
    if not lines:
        return None, lines
    body = _body_size(lines)
    n = 0
    while n < len(lines) and lines[n].page == lines[0].page and lines[n].size >= body * _TITLE_SCALE:
        n += 1
    if n == 0:
        return None, lines
    return "".join(line.text.strip() for line in lines[:n]), lines[n:]


def _body_size(lines: Sequence[Line]) -> float:
    sizes = Counter(round(line.size) for line in lines for _ in line.text)
    return float(sizes.most_common(1)[0][0])


@dataclass(frozen=True)
class Layout:
    """The body text's measures, taken once over the whole document."""

    size: float
    left: float
    right: float
    indenting: bool
    """Paragraphs open with an indented line (two characters, as Chinese documents do)."""
    justified: bool
    """Full lines end at the margin; in ragged text a full line may stop anywhere in the last characters."""

    @classmethod
    def of(cls, lines: Sequence[Line]) -> Layout:
        if not lines:
            return cls(0.0, 0.0, 0.0, False, False)
        size = _body_size(lines)
        left = _edge([line.x0 for line in lines], min)
        right = _edge([line.x1 for line in lines], max)
        indented = sum(1 for line in lines if line.x0 >= left + _INDENT_SHARE * size)
        near = [line.x1 for line in lines if line.x1 >= right - _RAGGED_SHARE * size]
        at_margin = sum(1 for x1 in near if x1 >= right - _SPACE_SHARE * size)
        return cls(size, left, right, indented >= 2, at_margin >= 0.8 * len(near))


def paragraphs(lines: Sequence[Line], layout: Layout) -> list[str]:
    """Lines joined into paragraphs: a line that reaches the right margin and does not end a sentence goes on
    in the next (across a page break too), unless that one starts a heading; where the paragraphs are indented,
    a full line followed by an unindented one goes on even after a sentence's end. The pieces join without a
    space: a Chinese line wraps anywhere, a number or an address included."""
    out: list[str] = []
    previous: Line | None = None
    for line in lines:
        text = line.text.strip()
        if not text:
            continue
        if previous is not None and not _STARTS_A_PART.match(text) and _body(previous, layout) and _body(line, layout):
            full = previous.x1 >= layout.right - _MARGIN_SHARE * layout.size - line.lead
            indented = line.x0 >= layout.left + _INDENT_SHARE * layout.size
            ended = previous.text.strip().endswith(_ENDS)
            if full and (not ended or (layout.indenting and not indented)):
                out[-1] += " " + text if _wrapped_at_space(out[-1], text, previous, line, layout) else text
                previous = line
                continue
        out.append(text)
        previous = line
    return out


def _body(line: Line, layout: Layout) -> bool:
    """Set in the body's size: smaller type (a table without lines, a note) is never a wrapped paragraph's."""
    return abs(line.size - layout.size) <= _SIZE_SHARE * layout.size


def _wrapped_at_space(before: str, after: str, previous: Line, line: Line, layout: Layout) -> bool:
    """A Latin word beside a wrap was apart from what stands across it when the line before stops short of the
    margin (in justified text, where a full line ends at it) or the line after starts a little in (the space
    drawn at either end); a word the wrap cut (a long name) runs on. Between Chinese characters a wrap is never a
    space, however a line is set."""
    if not (_latin(before[-1:]) or _latin(after[:1])):
        return False
    gap = _SPACE_SHARE * layout.size
    return (layout.justified and previous.x1 < layout.right - gap) or line.x0 > layout.left + gap


def _latin(char: str) -> bool:
    return char.isascii() and char.isalnum()


def _edge(values: list[float], pick: Callable[[list[int]], int]) -> float:
    """A margin: the leftmost (or rightmost) place where lines often start (end). Not the most common one:
    where most paragraphs are two lines, as many lines start indented as at the margin."""
    counted = Counter(round(v) for v in values)
    often = [x for x, n in counted.items() if n >= max(2, len(values) / 10)]
    return float(pick(often)) if often else float(counted.most_common(1)[0][0])
