"""Tables t2/t3/t4 on paper: the grid of services.grid_layout with every cell bordered and merged cells spanned.

Column widths are computed to fill exactly the 156 mm type area: value columns wide enough for their headers
in at most two lines, the row labels the rest; t4's fifteen columns share the width equally in smaller type.
"""

from __future__ import annotations

from math import ceil, floor

from reportlab.lib.colors import black
from reportlab.lib.enums import TA_CENTER, TA_LEFT
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Flowable, KeepTogether, Table, TableStyle

from services.grid_layout import GridCell, GridLayout, grid_layout
from services.pdf.fonts import FontSet
from services.pdf.page import TYPE_WIDTH
from services.pdf.text import CJKParagraph, markup
from services.report import Report
from services.values import to_text

TYPE_SIZES = {"blocks": 12.0, "grid": 10.5, "wide": 10.0}
"""Table type by layout: t2 小四, t3 五号, t4 with fifteen columns a little smaller."""
PADDINGS = {"blocks": 3.0, "grid": 3.0, "wide": 2.0}
LINE_WIDTH = 0.5
LEADING = 1.25
LABEL_SHARE = 0.3
"""Row labels never get less than this share of the width, however short they are."""


def cell_text(report: Report, cell: GridCell) -> str:
    """A cell as printed: its label, or its value (0 for zero, blank when a draft leaves it empty)."""
    if cell.key is None:
        return cell.text
    value = report.get(*cell.key)
    if value is None:
        return ""
    unit = report.format.table(cell.key[0]).column(cell.key[2]).unit_in_cell
    return to_text(value) + (unit or "")


def _group_width(layout: GridLayout, col: int, size: float, pad: float) -> float:
    """A column of labels standing over several rows (三、本年度办理结果, （三）不予公开): as few characters per
    line as keep the label within the rows it spans."""
    row_height = size * LEADING + 2 * pad
    chars = 1
    for cell in layout.cells:
        if cell.role == "label" and cell.col == col and cell.colspan == 1:
            lines = max(1, floor((cell.rowspan * row_height - 2 * pad) / (size * LEADING)))
            chars = max(chars, ceil(len(cell.text) / lines))
    return chars * size + 2 * pad + 1


def column_widths(layout: GridLayout, texts: dict[tuple[int, int], str], size: float, pad: float,
                  available: float = TYPE_WIDTH) -> list[float]:
    """Widths of the grid's columns, summing to `available`."""
    value_cols = sorted({c.col for c in layout.value_cells()})
    if len(value_cols) == layout.cols:
        return [available / layout.cols] * layout.cols
    label_cols = [c for c in range(layout.cols) if c not in value_cols]
    group_cols = [c for c in label_cols[:-1]
                  if any(g.role == "label" and g.col == c and g.rowspan > 1 for g in layout.cells)]
    plain_cols = [c for c in label_cols if c not in group_cols]
    widths = dict.fromkeys(range(layout.cols), 0.0)
    for c in group_cols:
        widths[c] = _group_width(layout, c, size, pad)
    rest = available - sum(widths.values())

    headers = [c.text for c in layout.cells if c.role == "header" and c.colspan == 1 and c.col in value_cols]
    values = [texts[(c.row, c.col)] for c in layout.value_cells() if c.colspan == 1]
    value_need = max([ceil(len(h) / 2) * size for h in headers] + [len(v) * size * 0.6 for v in values]
                     + [2 * size]) + 2 * pad + 1
    label_need = max((len(c.text) * size + 2 * pad for c in layout.cells
                      if c.role in ("label", "corner") and c.col in plain_cols), default=0.0)
    label_part = max(min(label_need, rest - value_need * len(value_cols)), LABEL_SHARE * available)
    for c in plain_cols:
        widths[c] = label_part / len(plain_cols)
    for c in value_cols:
        widths[c] = (rest - label_part) / len(value_cols)
    return [widths[c] for c in range(layout.cols)]


def table(fonts: FontSet, report: Report, table_key: str, where: str) -> Flowable:
    """One report table as a bordered platypus Table; header rows repeat when it breaks across pages."""
    layout = grid_layout(report.format, table_key)
    kind = report.format.table(table_key).layout
    size, pad = TYPE_SIZES[kind], PADDINGS[kind]
    texts = {(c.row, c.col): cell_text(report, c) for c in layout.cells}
    widths = column_widths(layout, texts, size, pad)
    centred = ParagraphStyle(f"{table_key}-centred", fontName=fonts.primary("table").name, fontSize=size,
                             leading=size * LEADING, alignment=TA_CENTER, wordWrap="CJK")
    left = ParagraphStyle(f"{table_key}-left", parent=centred, alignment=TA_LEFT)

    data: list[list[Flowable | str]] = [["" for _ in range(layout.cols)] for _ in range(layout.rows)]
    commands: list[tuple[object, ...]] = [
        ("GRID", (0, 0), (-1, -1), LINE_WIDTH, black),
        # blank cells are plain strings, which the Table sets in Helvetica (an unembedded font) unless told
        ("FONTNAME", (0, 0), (-1, -1), fonts.primary("table").name),
        ("FONTSIZE", (0, 0), (-1, -1), size), ("LEADING", (0, 0), (-1, -1), size * LEADING),
        ("ALIGN", (0, 0), (-1, -1), "CENTER"),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("LEFTPADDING", (0, 0), (-1, -1), pad), ("RIGHTPADDING", (0, 0), (-1, -1), pad),
        ("TOPPADDING", (0, 0), (-1, -1), pad), ("BOTTOMPADDING", (0, 0), (-1, -1), pad),
    ]
    for cell in layout.cells:
        text = texts[(cell.row, cell.col)]
        place = f"{where}·表格第{cell.row + 1}行第{cell.col + 1}列"
        # row labels read left-aligned; a label standing over several rows is centred in its column
        style = left if cell.role == "label" and cell.rowspan == 1 else centred
        runs = fonts.runs(text, "table", place) if text else []
        if cell.key is not None and len(runs) == 1 and runs[0][0] == fonts.primary("table"):
            # a number in the table's own face: a plain string, centred by the style below — a Paragraph per
            # cell would triple the time to lay out t3
            data[cell.row][cell.col] = text
        else:
            data[cell.row][cell.col] = CJKParagraph(markup(fonts, text, "table", place), style) if text else ""
        if cell.rowspan > 1 or cell.colspan > 1:
            commands.append(("SPAN", (cell.col, cell.row), (cell.col + cell.colspan - 1, cell.row + cell.rowspan - 1)))
    grid = Table(data, colWidths=widths, repeatRows=layout.header_rows, hAlign="CENTER",
                 style=TableStyle(commands))
    # t2 repeats no header (each block has its own): it is short, so it moves to the next page whole.
    return grid if layout.header_rows else KeepTogether([grid])
