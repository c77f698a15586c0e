"""Tables t2/t3/t4 on paper: the grid of services.grid_layout with every cell bordered and merged cells spanned,
set and drawn here on the canvas (like the body text) rather than by platypus' Table.

The type size and column widths come from services.pdf.table_setting (numbers never touch a border; the 2021
表三 fits one page). A cell's text is broken by the body's line breaker (禁则, numbers whole) into lines of even
length. A table too tall for the space left breaks only between row groups, repeats its header rows and
continues a spanning label with （续）; no piece has fewer than three rows.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from reportlab.platypus import Flowable

from services.grid_layout import GridCell, GridLayout, grid_layout
from services.pdf.fonts import Face, FontSet, MissingGlyphError
from services.pdf.grid_text import ASCENT, char_faces, char_width, draw_line
from services.pdf.linebreak import Line, break_lines
from services.pdf.page import LINE_PITCH, TYPE_HEIGHT, TYPE_WIDTH
from services.pdf.table_setting import (
    LEADING,
    MIN_FRAGMENT,
    PADDINGS,
    TYPE_SIZES,
    TableSetting,
    break_tiers,
    cell_name,
    choose_break,
    choose_setting,
    column_widths,
    continued,
)
from services.report import Report
from services.values import to_text

__all__ = ["LEADING", "PADDINGS", "TYPE_SIZES", "ReportTable", "cell_text", "column_widths", "table"]

LINE_WIDTH = 0.5
_AT_TOP = TYPE_HEIGHT - 1.0
"""Available height at or above which a piece starts a page (the frame is the type area)."""


def cell_text(report: Report, cell: GridCell) -> str:
    """A cell as printed: its label, or its value (0 for zero, blank when a draft leaves it empty)."""
    if cell.key is None:
        return cell.text
    value = report.get(*cell.key)
    if value is None:
        return ""
    unit = report.format.table(cell.key[0]).column(cell.key[2]).unit_in_cell
    return to_text(value) + (unit or "")


@dataclass(frozen=True)
class SetCell:
    """A cell's text broken into lines for its column width."""

    text: str
    faces: tuple[Face, ...]
    lines: tuple[Line, ...]
    centred: bool


def balanced_lines(widths: Sequence[float], text: str, room: float) -> list[Line]:
    """Lines of at most `room`, as even as the same number of lines allows (no 商业企 / 业, no lone 开)."""
    lines = break_lines(text, widths, room, justify=False)
    if len(lines) < 2:
        return lines
    low, high = sum(widths) / len(lines), room
    for _ in range(12):  # bisect the narrowest width that still needs no more lines
        mid = (low + high) / 2
        if len(break_lines(text, widths, mid, justify=False)) <= len(lines):
            high = mid
        else:
            low = mid
    return break_lines(text, widths, high, justify=False)


class TableSet:
    """One table set at one size: every cell's lines and every row's height, for the whole table or a piece."""

    def __init__(
        self,
        fonts: FontSet,
        layout: GridLayout,
        texts: Mapping[tuple[int, int], str],
        setting: TableSetting,
        where: str,
    ) -> None:
        self.layout = layout
        self.setting = setting
        self.fonts = fonts
        self.where = where
        self.texts = texts
        self.cells: dict[tuple[int, int, bool], SetCell] = {}
        for cell in layout.cells:
            self.cells[(cell.row, cell.col, False)] = self._set(cell, texts[(cell.row, cell.col)])

    def _set(self, cell: GridCell, text: str) -> SetCell:
        size, pad = self.setting.size, self.setting.pad
        try:
            faces = tuple(char_faces(self.fonts, text, "table", self.where))
        except MissingGlyphError as exc:  # named by its row and column only now: naming costs a walk of the grid
            place = f"{self.where}·{cell_name(self.layout, cell.row, cell.col) or cell.text}"
            raise MissingGlyphError(exc.char, place) from None
        widths = [char_width(face, ch, size) for face, ch in zip(faces, text, strict=True)]
        room = sum(self.setting.widths[cell.col : cell.col + cell.colspan]) - 2 * pad
        centred = not (cell.role == "label" and cell.rowspan == 1)  # row labels read left-aligned
        lines = balanced_lines(widths, text, room) if text else []
        return SetCell(text, faces, tuple(lines), centred)

    def cell(self, cell: GridCell, cut: bool) -> SetCell:
        """The cell's lines; `cut`: a spanning label continued from the page before, marked （续）."""
        key = (cell.row, cell.col, cut)
        if key not in self.cells:
            self.cells[key] = self._set(cell, continued(self.texts[(cell.row, cell.col)]))
        return self.cells[key]

    def heights(self, rows: Sequence[int]) -> list[float]:
        """Row heights of a piece made of `rows`: each row as tall as its cells' lines, a spanning cell's extra
        need shared by the rows it spans."""
        leading, pad = self.setting.leading, self.setting.pad
        index = {r: i for i, r in enumerate(rows)}
        heights = [leading + 2 * pad] * len(rows)
        spanning: list[tuple[list[int], float]] = []
        for cell, inside, cut in self.placed(rows, index):
            need = len(self.cell(cell, cut).lines) * leading + 2 * pad
            if len(inside) == 1:
                heights[inside[0]] = max(heights[inside[0]], need)
            else:
                spanning.append((inside, need))
        for inside, need in spanning:
            short = need - sum(heights[i] for i in inside)
            if short > 0:
                for i in inside:
                    heights[i] += short / len(inside)
        return heights

    def placed(self, rows: Sequence[int], index: Mapping[int, int]) -> list[tuple[GridCell, list[int], bool]]:
        """The cells of a piece: each with the piece's rows it covers, and whether its span was cut at the top."""
        out = []
        for cell in self.layout.cells:
            inside = [index[r] for r in range(cell.row, cell.row + cell.rowspan) if r in index]
            if inside:
                cut = rows[inside[0]] != cell.row and bool(self.texts[(cell.row, cell.col)])
                out.append((cell, inside, cut))
        return out

    def height(self, rows: Sequence[int]) -> float:
        return sum(self.heights(rows))

    def draw(self, canvas: Any, rows: Sequence[int], height: float) -> None:
        """Borders on every cell and each cell's lines, centred vertically (and, but row labels, horizontally)."""
        setting = self.setting
        index = {r: i for i, r in enumerate(rows)}
        heights = self.heights(rows)
        tops = [height - sum(heights[:i]) for i in range(len(rows) + 1)]
        lefts = [sum(setting.widths[:c]) for c in range(len(setting.widths) + 1)]
        canvas.saveState()
        canvas.setLineWidth(LINE_WIDTH)
        for cell, inside, cut in self.placed(rows, index):
            top, bottom = tops[inside[0]], tops[inside[-1] + 1]
            left, right = lefts[cell.col], lefts[cell.col + cell.colspan]
            canvas.rect(left, bottom, right - left, top - bottom, stroke=1, fill=0)
            self._draw_text(canvas, self.cell(cell, cut), left, right, top, bottom)
        canvas.restoreState()

    def _draw_text(self, canvas: Any, cell: SetCell, left: float, right: float, top: float, bottom: float) -> None:
        if not cell.lines:
            return
        size, leading, pad = self.setting.size, self.setting.leading, self.setting.pad
        block = len(cell.lines) * leading
        first = top - (top - bottom - block) / 2 - (leading - size) / 2 - ASCENT * size
        for k, line in enumerate(cell.lines):
            width = sum(char_width(cell.faces[i], cell.text[i], size) for i in range(line.start, line.end))
            width += line.spacing * max(0, line.end - line.start - 1)
            x = left + (right - left - width) / 2 if cell.centred else left + pad
            draw_line(
                canvas,
                cell.text,
                cell.faces,
                Line(line.start, line.end, 0.0, line.spacing, line.last),
                first - k * leading,
                size,
                x,
            )


class ReportTable(Flowable):  # type: ignore[misc]
    """A report table, or the piece of it from body row `start` to `end`, with its header rows on top."""

    def __init__(self, setter: TableSet, start: int | None = None, end: int | None = None) -> None:
        super().__init__()
        self.setter = setter
        layout = setter.layout
        self.start = layout.header_rows if start is None else start
        self.end = layout.rows if end is None else end
        self.width = TYPE_WIDTH
        self.height = setter.height(self.rows())

    def rows(self) -> list[int]:
        return [*range(self.setter.layout.header_rows), *range(self.start, self.end)]

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        return self.width, self.height

    def piece(self, start: int, end: int) -> ReportTable:
        return ReportTable(self.setter, start, end)

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:
        tiers = break_tiers(self.setter.layout)

        def fits(r: int) -> bool:
            return self.setter.height([*range(self.setter.layout.header_rows), *range(self.start, r)]) <= availHeight

        # at the top of a page nothing better will come: break inside a group rather than not at all
        r = choose_break(self.start, self.end, tiers, fits, 2 if availHeight >= _AT_TOP else 0)
        if r is None:
            return []
        return [self.piece(self.start, r), self.piece(r, self.end)]

    def first_piece_height(self) -> float:
        """The least height that lets the table start on a page: its header and first row group (at least
        MIN_FRAGMENT rows), or the whole table when it cannot break between groups."""
        tiers = break_tiers(self.setter.layout)
        first = min(
            (r for r, t in tiers.items() if t == 0 and self.start + MIN_FRAGMENT <= r and self.end - r >= MIN_FRAGMENT),
            default=self.end,
        )
        return self.piece(self.start, first).height

    def draw(self) -> None:
        self.setter.draw(self.canv, self.rows(), self.height)


def table(fonts: FontSet, report: Report, table_key: str, where: str) -> ReportTable:
    """One report table, set as large as lets its numbers clear the borders and (where it can) the whole table
    fit one page under its heading; raises TableOverflowError naming a number too wide at any size."""
    layout = grid_layout(report.format, table_key)
    kind = report.format.table(table_key).layout
    texts = {(c.row, c.col): cell_text(report, c) for c in layout.cells}
    setters: dict[TableSetting, TableSet] = {}

    def setter(setting: TableSetting) -> TableSet:
        if setting not in setters:
            setters[setting] = TableSet(fonts, layout, texts, setting, where)
        return setters[setting]

    def measure(text: str, size: float) -> float:
        faces = char_faces(fonts, text, "table", where)
        return sum(char_width(face, ch, size) for face, ch in zip(faces, text, strict=True))

    setting = choose_setting(
        layout,
        texts,
        kind,
        TYPE_WIDTH,
        TYPE_HEIGHT - LINE_PITCH,
        measure,
        lambda s: setter(s).height(range(layout.rows)),
        lambda r, c: f"{where}·{cell_name(layout, r, c)}",
    )
    return ReportTable(setter(setting))
