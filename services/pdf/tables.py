"""Tables t2/t3/t4 on paper: the grid of services.grid_layout with every cell bordered and merged cells spanned.

The type size and column widths come from services.pdf.table_setting (numbers never touch a border; the 2021
表三 fits one page). A table too tall for the space left breaks only between row groups, repeats its header rows
and continues a spanning label with （续）; no piece has fewer than three rows.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from reportlab.lib.colors import black
from reportlab.lib.enums import TA_CENTER, TA_LEFT
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable, Table, TableStyle

from services.grid_layout import GridCell, GridLayout, grid_layout
from services.pdf.fonts import FontSet
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
from services.pdf.text import CJKParagraph, markup
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


class ReportTable(Flowable):  # type: ignore[misc]
    """A report table, or the piece of it from body row `start` to `end`, with its header rows on top."""

    def __init__(self, fonts: FontSet, layout: GridLayout, texts: Mapping[tuple[int, int], str],
                 setting: TableSetting, where: str, start: int | None = None, end: int | None = None) -> None:
        super().__init__()
        self.fonts = fonts
        self.layout = layout
        self.texts = texts
        self.setting = setting
        self.where = where
        self.start = layout.header_rows if start is None else start
        self.end = layout.rows if end is None else end
        self._built: Table | None = None

    def rows(self) -> list[int]:
        return [*range(self.layout.header_rows), *range(self.start, self.end)]

    def platypus(self) -> Table:
        if self._built is None:
            self._built = build(self.fonts, self.layout, self.texts, self.setting, self.where, self.rows())
        return self._built

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        self.width, self.height = self.platypus().wrap(availWidth, availHeight)
        return self.width, self.height

    def piece(self, start: int, end: int) -> ReportTable:
        return ReportTable(self.fonts, self.layout, self.texts, self.setting, self.where, start, end)

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:
        tiers = break_tiers(self.layout)

        def fits(r: int) -> bool:
            return float(self.piece(self.start, r).wrap(availWidth, availHeight)[1]) <= availHeight

        # at the top of a page nothing better will come: break inside a group rather than not at all
        r = choose_break(self.start, self.end, tiers, fits, 2 if availHeight >= _AT_TOP else 0)
        if r is None:
            return []
        return [self.piece(self.start, r), self.piece(r, self.end)]

    def first_piece_height(self, availWidth: float = TYPE_WIDTH) -> float:
        """The least height that lets the table start on a page: its header and first row group (at least
        MIN_FRAGMENT rows), or the whole table when it cannot break between groups."""
        tiers = break_tiers(self.layout)
        first = min((r for r, t in tiers.items() if t == 0 and self.start + MIN_FRAGMENT <= r
                     and self.end - r >= MIN_FRAGMENT), default=self.end)
        return float(self.piece(self.start, first).wrap(availWidth, TYPE_HEIGHT)[1])

    def draw(self) -> None:
        self.platypus().drawOn(self.canv, 0, 0)


def build(fonts: FontSet, layout: GridLayout, texts: Mapping[tuple[int, int], str], setting: TableSetting,
          where: str, rows: Sequence[int]) -> Table:
    """A platypus Table of the given rows (header rows first); a span cut at the piece's top continues its
    label with （续）."""
    size, pad = setting.size, setting.pad
    face = fonts.primary("table")
    centred = ParagraphStyle(f"{layout.table}-centred", fontName=face.name, fontSize=size,
                             leading=size * LEADING, alignment=TA_CENTER, wordWrap="CJK")
    left = ParagraphStyle(f"{layout.table}-left", parent=centred, alignment=TA_LEFT)
    new_row = {r: i for i, r in enumerate(rows)}
    data: list[list[Any]] = [["" for _ in range(layout.cols)] for _ in rows]
    commands: list[tuple[object, ...]] = [
        ("GRID", (0, 0), (-1, -1), LINE_WIDTH, black),
        # blank cells are plain strings, which the Table sets in Helvetica (an unembedded font) unless told
        ("FONTNAME", (0, 0), (-1, -1), face.name),
        ("FONTSIZE", (0, 0), (-1, -1), size), ("LEADING", (0, 0), (-1, -1), size * LEADING),
        ("ALIGN", (0, 0), (-1, -1), "CENTER"),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("LEFTPADDING", (0, 0), (-1, -1), pad), ("RIGHTPADDING", (0, 0), (-1, -1), pad),
        ("TOPPADDING", (0, 0), (-1, -1), pad), ("BOTTOMPADDING", (0, 0), (-1, -1), pad),
    ]
    for cell in layout.cells:
        inside = [r for r in range(cell.row, cell.row + cell.rowspan) if r in new_row]
        if not inside:
            continue
        top, bottom = new_row[inside[0]], new_row[inside[-1]]
        text = texts[(cell.row, cell.col)]
        if inside[0] != cell.row and text:
            text = continued(text)
        place = f"{where}·表格第{cell.row + 1}行第{cell.col + 1}列"
        # row labels read left-aligned; a label standing over several rows is centred in its column
        style = left if cell.role == "label" and cell.rowspan == 1 else centred
        runs = fonts.runs(text, "table", place) if text else []
        if cell.key is not None and len(runs) == 1 and runs[0][0] == face:
            # a number in the table's own face: a plain string, centred by the style — a Paragraph per cell
            # would triple the time to lay out t3
            data[top][cell.col] = text
        else:
            data[top][cell.col] = CJKParagraph(markup(fonts, text, "table", place), style) if text else ""
        if bottom > top or cell.colspan > 1:
            commands.append(("SPAN", (cell.col, top), (cell.col + cell.colspan - 1, bottom)))
    header = sum(1 for r in rows if r < layout.header_rows)
    return Table(data, colWidths=list(setting.widths), repeatRows=header, hAlign="CENTER",
                 style=TableStyle(commands))


def table(fonts: FontSet, report: Report, table_key: str, where: str) -> ReportTable:
    """One report table, set as large as lets its numbers clear the borders and (where it can) the whole table
    fit one page under its heading; raises TableOverflowError naming a number too wide at any size."""
    layout = grid_layout(report.format, table_key)
    kind = report.format.table(table_key).layout
    texts = {(c.row, c.col): cell_text(report, c) for c in layout.cells}
    def measure(text: str, size: float) -> float:
        return float(sum(stringWidth(part, f.name, size) for f, part in fonts.runs(text, "table", where)))

    def height(setting: TableSetting) -> float:
        whole = build(fonts, layout, texts, setting, where, list(range(layout.rows)))
        return float(whole.wrap(TYPE_WIDTH, TYPE_HEIGHT)[1])

    setting = choose_setting(layout, texts, kind, TYPE_WIDTH, TYPE_HEIGHT - LINE_PITCH, measure, height,
                             lambda r, c: f"{where}·{cell_name(layout, r, c)}")
    return ReportTable(fonts, layout, texts, setting, where)
