"""The ruled tables of a PDF page → grids with every cell at its position, a table split by a page break joined.

pdfplumber finds the tables by their ruling lines and gives each position of the grid a cell's text, or None
where a merged cell covers it; a real empty cell is ''. A table the page break split (表三 going on over the
next page) continues when the next page opens with a table on the same columns: its rows are appended, on the
union of both pieces' columns (the second piece of 表二 draws fewer column lines than the first).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from pdfplumber.page import Page

from services.published.matching import Grid
from services.published.pdf_lines import clean

_SETTINGS = {"vertical_strategy": "lines", "horizontal_strategy": "lines"}
_MAX_EDGES = 5000
"""A page with more ruling lines than this is a drawing, not a report's table: the finder (quadratic in the
lines) is not run on it, so a hostile page cannot take minutes."""
_MAX_CELL = 300
"""A longer cell is prose: a box drawn around the text, not a table."""
_SAME_X = 4.0
"""Points within which two pieces' column lines are the same line (WPS moves a piece's outer lines a little)."""

Cells = list[list[str | None]]
"""Rows of cell texts; None where a merged cell covers the position."""


@dataclass
class PdfTable:
    rows: Cells
    lefts: list[float]
    """Each column's left x; with `right`, where the column lines stand."""
    right: float
    page: int
    top: float
    bottom: float
    pieces: list[int] = field(default_factory=list)
    """The pages the table runs over (more than one once a continuation is joined)."""

    def grid(self) -> Grid:
        covered = frozenset((r, c) for r, row in enumerate(self.rows) for c, cell in enumerate(row) if cell is None)
        return Grid(tuple(tuple(cell or "" for cell in row) for row in self.rows), covered)


def cell_text(text: str | None) -> str | None:
    """A wrapped label's lines join without a space (商业企\\n业 is 商业企业)."""
    return None if text is None else clean(re.sub(r"\s*\n\s*", "", text))


def page_tables(page: Page, number: int) -> list[PdfTable]:
    """The data tables of a page, top to bottom: a one-column box around prose is not one (its text is read as
    text)."""
    if len(page.edges) > _MAX_EDGES:
        return []
    tables: list[PdfTable] = []
    for found in page.find_tables(_SETTINGS):
        rows = [[cell_text(cell) for cell in row] for row in found.extract()]
        lefts = [column.bbox[0] for column in found.columns]
        if len(lefts) < 2 or len(rows) < 2 or any(len(c or "") > _MAX_CELL for row in rows for c in row):
            continue
        _, top, x1, bottom = found.bbox
        tables.append(PdfTable(rows, lefts, x1, number, top, bottom, [number]))
    return sorted(tables, key=lambda t: t.top)


def _union(a: list[float], b: list[float]) -> list[float] | None:
    """The column lines of two pieces of one table, or None when they are not one table: same outer lines,
    and one piece's inner lines among the other's."""
    if abs(a[0] - b[0]) > _SAME_X:
        return None
    small, large = (a, b) if len(a) <= len(b) else (b, a)
    if not all(any(abs(x - y) <= _SAME_X for y in large) for x in small):
        return None
    return list(large)


def continues(before: PdfTable, after: PdfTable) -> bool:
    """`after` (opening its page) goes on with `before` (closing the page before)."""
    return (
        after.page == before.pieces[-1] + 1
        and abs(after.right - before.right) <= _SAME_X
        and _union(before.lefts, after.lefts) is not None
    )


def _nearest(lefts: list[float], x: float) -> int:
    return min(range(len(lefts)), key=lambda i: abs(lefts[i] - x))


def _spread(table: PdfTable, lefts: list[float]) -> Cells:
    """The table's rows on the columns `lefts` (a superset of its own): a cell wider than one of them covers
    the others."""
    starts = [_nearest(lefts, x) for x in table.lefts]
    ends = [*starts[1:], len(lefts)]
    rows: Cells = []
    for row in table.rows:
        spread: list[str | None] = [None] * len(lefts)
        for cell, start in zip(row, starts, strict=True):
            spread[start] = cell
        for start, end in zip(starts, ends, strict=True):
            for i in range(start + 1, end):
                spread[i] = None
        rows.append(spread)
    return rows


def join(before: PdfTable, after: PdfTable) -> PdfTable:
    """One table of the two pieces. Empty cells opening the second piece's first row, before any text, are the
    rest of merged labels the break cut (三、本年度办理结果), not blanks: a row starts with its label, and a
    blank number stands after it."""
    lefts = _union(before.lefts, after.lefts) or before.lefts
    upper, lower = _spread(before, lefts), _spread(after, lefts)
    for c, cell in enumerate(lower[0] if lower else []):
        if cell:
            break
        lower[0][c] = None
    return PdfTable(
        upper + lower, lefts, before.right, before.page, before.top, after.bottom, [*before.pieces, after.page]
    )
