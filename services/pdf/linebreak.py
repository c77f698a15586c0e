"""Line breaking on the GB/T 9704 document grid, with the Chinese rules (禁则); no drawing, no ReportLab.

A line holds 28 full-width characters: each advances by its natural width plus the grid's tracking (156 mm / 28
minus the type size, about −0.21 pt at 16 pt, as Word's `linesAndChars` grid). Half-width runs (digits, Latin, %)
keep their natural width. Every line but a paragraph's last is then justified exactly to the right edge by
spreading what is left over the gaps between its characters.

Where a break would put closing punctuation at a line start, opening punctuation at a line end, or split a number
(1,250 / 4.34% / -3 / 2020), characters are pushed to the next line; nothing ever hangs into the margin.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

GRID_CHARS = 28
"""Characters per line of full-width text (GB/T 9704)."""

NO_LINE_START = frozenset("，。、；：？！）》」』〕】］｝”’%％‰·…—–,.;:?!)]}")
NO_LINE_END = frozenset("（《「『〔【［｛“‘([{")
_WORD = re.compile(r"[0-9A-Za-z０-９]")
_SEPARATOR = frozenset(",，.．:：/")
_SIGN = frozenset("+-−－")
_THOUSANDS = frozenset(",，")
_FUZZ = 0.01
MAX_SPREAD = 2.5
"""Points per gap a justified line may open up; a wider gap would read (and extract) as a space."""


MAX_SQUEEZE = 0.5
"""Points per gap a line may be compressed to take in a closing mark (so never in a line of a few characters)."""


@dataclass(frozen=True)
class Line:
    start: int
    end: int
    """The line holds text[start:end]."""
    indent: float
    spacing: float
    """Extra advance after each character (PDF Tc): the grid's tracking, or the justification spread."""
    last: bool


def _word(char: str) -> bool:
    return bool(_WORD.match(char))


def joined(text: str, i: int) -> bool:
    """Whether a break before text[i] is forbidden (禁则, or inside a number or word)."""
    before, after = text[i - 1], text[i]
    if after in NO_LINE_START or before in NO_LINE_END:
        return True
    if _word(before) and _word(after):
        return True
    # a separator inside a number (1,250 / 4.34 / 10:30) and a sign before one (-3)
    if after in _SEPARATOR and _word(before) and _separates(text, i):
        return True
    if before in _SEPARATOR and _word(after) and i >= 2 and _word(text[i - 2]) and _separates(text, i - 1):
        return True
    return before in _SIGN and _word(after) and (i < 2 or not _word(text[i - 2]))


def _separates(text: str, i: int) -> bool:
    """Whether text[i], a separator between two digits or letters, belongs to one number: a comma only as a
    thousands separator (exactly three digits follow: 1,250 / 1，250, but not the list 678，4)."""
    if i + 1 >= len(text) or not _word(text[i + 1]):
        return False
    if text[i] not in _THOUSANDS:
        return True
    group = text[i + 1 : i + 5]
    return len(group) >= 3 and group[:3].isdigit() and (len(group) == 3 or not group[3].isdigit())


def grid_tracking(width: float, size: float) -> float:
    """The tracking that makes GRID_CHARS full-width characters of `size` fill `width` (negative at 16 pt)."""
    return width / GRID_CHARS - size


def break_lines(
    text: str,
    widths: Sequence[float],
    width: float,
    track: float = 0.0,
    indent: float = 0.0,
    max_spread: float = MAX_SPREAD,
    justify: bool = True,
) -> list[Line]:
    """Break one paragraph into lines of `width`; `widths` are its characters' natural advances, each of which
    takes `track` more on the grid (grid_tracking).

    The first line starts `indent` in. Every line but the last is justified to `width` exactly (unless not
    `justify`: table cells).
    """
    if not text:
        return []
    # the width a run of characters takes on the grid: natural widths plus the tracking between them
    lines: list[tuple[int, int]] = []
    start = 0
    n = len(text)
    while start < n:
        room = width - (indent if not lines else 0.0)
        used = 0.0
        end = start
        while end < n:
            step = widths[end] + track  # a character fills its grid cell, tracking included
            if used + step > room + _FUZZ and end > start:
                break
            used += step
            end += 1
        if end < n:
            end = _back_off(text, widths, start, end, room, track, max_spread)
        lines.append((start, end))
        start = end
    _no_lone_last_char(text, lines)
    out: list[Line] = []
    for k, (a, b) in enumerate(lines):
        room = width - (indent if k == 0 else 0.0)
        last = k == len(lines) - 1
        fill = (room - sum(widths[a:b])) / (b - a - 1) if b - a > 1 else track
        # justified, except a paragraph's last line, which keeps the grid's tracking unless a squeezed-in
        # closing mark needs it compressed
        spacing = min(track, fill) if last or b - a < 2 or not justify else fill
        out.append(Line(a, b, indent if k == 0 else 0.0, spacing, last))
    return out


def _back_off(
    text: str, widths: Sequence[float], start: int, end: int, room: float, track: float, max_spread: float
) -> int:
    """Where a full line really ends: the latest break at or before `end` that the rules allow.

    Punctuation rules always hold: a closing mark is first squeezed in (compressing the line), else characters
    are pushed to the next line. A number or word is split only when keeping it whole would open gaps wider
    than max_spread (a run of digits longer than a few characters at the end of a line), or when it is longer
    than the line itself.
    """
    # a closing mark that would start the next line stays on this one when compressing the line by at most
    # half the mark's width makes room (its glyph fills only half its em)
    overflow = sum(widths[start : end + 1]) + track * (end - start) - room
    if (
        text[end] in NO_LINE_START
        and (end + 1 == len(text) or not joined(text, end + 1))
        and overflow <= min(widths[end] / 2, MAX_SQUEEZE * (end - start))
    ):
        return end + 1
    cut = end
    while cut > start + 1 and joined(text, cut):
        cut -= 1
    if not joined(text, cut):
        spread = (room - sum(widths[start:cut])) / max(1, cut - start - 1)
        if spread <= max_spread or _punctuation_rule(text, end):
            return cut
    # no break within the line, or only one that would gape: split the run where the line is full, unless a
    # punctuation rule forbids it there (then the char before it is pushed too)
    cut = end
    while cut > start + 1 and _punctuation_rule(text, cut):
        cut -= 1
    return cut


def _punctuation_rule(text: str, i: int) -> bool:
    return text[i] in NO_LINE_START or text[i - 1] in NO_LINE_END


def _no_lone_last_char(text: str, lines: list[tuple[int, int]]) -> None:
    """A paragraph never ends with one character alone on its line: the line before gives up characters."""
    if len(lines) < 2 or lines[-1][1] - lines[-1][0] > 1:
        return
    (a, b), (_, end) = lines[-2], lines[-1]
    for cut in range(b - 1, a + 1, -1):
        if not joined(text, cut):
            lines[-2:] = [(a, cut), (cut, end)]
            return
