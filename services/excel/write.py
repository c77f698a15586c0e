"""Writing a report as an Excel workbook laid out like the paper form, with a hidden map for reading it back.

Sheets: one per table (表二, 表三, 表四) drawn from `grid_layout`, so merged headers and labels match the
printed form; "文字与基本信息" with the metadata and every narrative text; the veryHidden "_nianbao" map.
Counts are written as numbers; an amount as a number only when the float Excel keeps reads back as exactly
the same Decimal (`amount_cell_value`), otherwise as text; the reader accepts both. In the template a total is
a live `=SUM(…)` over its parts (`totals`), so it stays right while the clerk types; the reader recomputes it.
"""

from __future__ import annotations

import io
import math
import unicodedata
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.utils.cell import absolute_coordinate
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.worksheet import Worksheet

from services.errors import ExchangeError
from services.excel.labels import explanation_labels, text_label
from services.excel.sheet_map import (
    MAP_MARKER,
    MAP_SCHEMA_VERSION,
    MAP_SHEET,
    RANGE_NAME,
    STATUS_LABELS,
    TEXT_SHEET,
    UNITS_TOTAL_SHEET,
    EntryKind,
    ExcelError,
    MapEntry,
    cell_key_text,
    put_escaped,
    put_text,
    split_text,
)
from services.excel.totals import sum_formula, total_terms
from services.exchange import to_exchange_dict
from services.files import write_atomically
from services.formats import CellKind, ReportFormat, Table
from services.grid_layout import GridLayout, grid_layout
from services.report import Report
from services.values import CellValue

_THIN = Side(style="thin")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_HEADER_FILL = PatternFill("solid", fgColor="D9D9D9")
_COMPUTED_FILL = PatternFill("solid", fgColor="F2F2F2")
_BOLD = Font(bold=True)
_TITLE = Font(bold=True, size=12)
_CENTRE = Alignment(horizontal="center", vertical="center", wrap_text=True)
_LABEL = Alignment(horizontal="left", vertical="center", wrap_text=True)
_VALUE = Alignment(horizontal="right", vertical="center")
_TEXT = Alignment(horizontal="left", vertical="top", wrap_text=True)
AMOUNT_FORMAT = "0.00####"
"""At least 2 decimals as on paper, up to the 6 that make an amount in 万元 exact to the fen."""
EXCEL_DIGITS = 15
_LINE_HEIGHT = 15.0
_MAX_ROW_HEIGHT = 409.0  # Excel's limit
_LABEL_WIDTH = 34.0
_CONTENT_WIDTH = 90.0


def display_width(text: str) -> int:
    """Width in Excel's character units: a CJK character is about two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def amount_cell_value(value: Decimal) -> float | str:
    """A number when Excel can hold it exactly (15 significant digits, as Excel keeps), else exact text.

    Every valid amount (below 10⁹ 万元, 6 decimals) fits; the text form guards what a later format may allow."""
    digits = len(value.normalize().as_tuple().digits)
    as_float = float(value)
    return as_float if digits <= EXCEL_DIGITS and Decimal(repr(as_float)) == value else format(value, "f")


def _put_value(cell: Cell, value: CellValue | None) -> None:
    if value is None:
        return
    if isinstance(value, Decimal):
        number = amount_cell_value(value)
        if isinstance(number, str):
            put_text(cell, number)
        else:
            cell.value = number
        cell.number_format = AMOUNT_FORMAT
    else:
        cell.value = value
        cell.number_format = "0"


def _column_widths(layout: GridLayout) -> list[float]:
    widths = [12.0] * layout.cols
    for cell in layout.cells:
        if cell.role == "label" and cell.colspan == 1 and cell.rowspan == 1:
            widths[cell.col] = max(widths[cell.col], min(48.0, display_width(cell.text) + 2.0))
        elif cell.role == "label" and cell.rowspan > 1:
            # a group label standing beside its rows reads fine wrapped in a narrow column
            widths[cell.col] = max(min(widths[cell.col], 8.0), 6.0)
    return widths


def _put_total(cell: Cell, formula: str, kind: CellKind) -> None:
    # openpyxl cannot cache the value beside the formula: Excel and WPS compute it on opening (fullCalcOnLoad)
    cell.value = formula
    cell.number_format = AMOUNT_FORMAT if kind == "amount" else "0"


def draw_table(
    ws: Worksheet, fmt: ReportFormat, table: Table, report: Report, top: int, entries: list[MapEntry] | None = None
) -> int:
    """Draw one table with its top-left corner at row `top` (1-based) and column A; returns the next free row.

    With `entries` (the template), totals are live formulas and the map entries of its value cells, labels and
    range are appended; without (汇总), totals are numbers, which every reader of the file sees."""
    layout = grid_layout(fmt, table.key)
    terms = total_terms(fmt) if entries is not None else {}
    widths = _column_widths(layout)
    for i, width in enumerate(widths):
        letter = get_column_letter(i + 1)
        # a sheet holding several tables (汇总) keeps each column wide enough for all of them
        known = ws.column_dimensions[letter].width if letter in ws.column_dimensions else 0.0
        ws.column_dimensions[letter].width = max(known, width)
    lines = [1] * layout.rows
    for g in layout.cells:
        row, col = top + g.row, g.col + 1
        for r in range(row, row + g.rowspan):
            for c in range(col, col + g.colspan):
                ws.cell(row=r, column=c).border = _BORDER
        if g.rowspan > 1 or g.colspan > 1:
            ws.merge_cells(start_row=row, start_column=col, end_row=row + g.rowspan - 1, end_column=col + g.colspan - 1)
        cell = ws.cell(row=row, column=col)
        if g.key is not None:
            if g.key in terms:
                spec = table.cell(g.key[1], g.key[2])
                _put_total(cell, sum_formula(layout, top, terms[g.key]), spec.kind if spec else "count")
            else:
                _put_value(cell, report.cells.get(g.key))
            cell.alignment = _VALUE
            if g.role == "computed":
                cell.fill = _COMPUTED_FILL
            if entries is not None:
                entries.append(MapEntry("cell", cell_key_text(g.key), ws.title, (cell.coordinate,)))
            continue
        if g.text:
            put_text(cell, g.text)
            if entries is not None:
                entries.append(MapEntry("label", table.key, ws.title, (cell.coordinate,), g.text))
        if g.role == "label":
            cell.alignment = _LABEL
            width = sum(widths[g.col : g.col + g.colspan])
            needed = math.ceil(display_width(g.text) / max(width - 1, 1))
            lines[g.row] = max(lines[g.row], math.ceil(needed / g.rowspan))
        else:
            cell.alignment = _CENTRE
            cell.font = _BOLD
            cell.fill = _HEADER_FILL
    for i, count in enumerate(lines):
        if count > 1:
            ws.row_dimensions[top + i].height = min(_MAX_ROW_HEIGHT, _LINE_HEIGHT * count)
    if entries is not None:
        first = ws.cell(row=top, column=1).coordinate
        last = ws.cell(row=top + layout.rows - 1, column=layout.cols).coordinate
        entries.append(MapEntry("range", table.key, ws.title, (f"{first}:{last}",)))
    return top + layout.rows


def _section_title(fmt: ReportFormat, table: Table) -> str:
    return next((s.title for s in fmt.sections if s.table == table.key), table.name)


def _fit_to_page_width(ws: Worksheet) -> None:
    """Printed across, as many pages down as needed: a table or a text is never cut at the right edge."""
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True


def _table_sheet(wb: Workbook, fmt: ReportFormat, table: Table, report: Report, entries: list[MapEntry]) -> None:
    ws = wb.create_sheet(table.name)
    put_text(ws["A1"], _section_title(fmt, table))
    ws["A1"].font = _TITLE
    draw_table(ws, fmt, table, report, 2, entries)
    layout = grid_layout(fmt, table.key)
    label_cols = 1 if table.layout == "blocks" else table.label_columns if table.layout == "grid" else 0
    ws.freeze_panes = f"{get_column_letter(1 + label_cols)}{2 + layout.header_rows}"
    _fit_to_page_width(ws)
    name = RANGE_NAME.format(table=table.key)
    coords = next(e.cells[0] for e in entries if e.kind == "range" and e.key == table.key)
    target = f"{quote_sheetname(ws.title)}!{absolute_coordinate(coords)}"
    wb.defined_names[name] = DefinedName(name, attr_text=target, hidden=True)


def _text_rows(fmt: ReportFormat, report: Report) -> list[tuple[EntryKind, str, str, object]]:
    """(kind, key, label, value) for the metadata, the narratives and the explanations, in order."""
    rows: list[tuple[EntryKind, str, str, object]] = [
        ("meta", "agency", "机关名称", report.agency),
        ("meta", "agency_code", "机关代码（统一社会信用代码）", report.agency_code),
        ("meta", "year", "报告年度", report.year),
        ("meta", "format", "报告格式（不可修改）", fmt.id),
        ("meta", "title", "标题（留空即为标准标题）", report.title),
        ("meta", "signed_by", "署名机关", report.signed_by),
        ("meta", "signed_on", "成文日期", report.signed_on),
        ("meta", "status", "状态（草稿／定稿）", STATUS_LABELS[report.status]),
    ]
    if fmt.has_fee_fields() or report.fees.is_set():
        rows += [
            ("meta", "fee_notices", "信息处理费：发出收费通知书件数", report.fees.notices),
            ("meta", "fee_amount_yuan", "信息处理费：实际收取金额（元）", report.fees.amount_yuan),
        ]
    rows += [("text", spec.key, text_label(fmt, spec.key), report.texts.get(spec.key)) for spec in fmt.text_specs()]
    labels = explanation_labels(report)
    rows += [("explanation", key, labels[key], text) for key, text in sorted(report.explanations.items())]
    return rows


def _lines(text: str, width: float) -> int:
    """How many lines a text wraps to in a column `width` characters wide."""
    per_line = max(width - 2, 1)
    return sum(math.ceil(max(display_width(part), 1) / per_line) for part in text.split("\n"))


def _text_sheet(wb: Workbook, fmt: ReportFormat, report: Report, entries: list[MapEntry]) -> None:
    ws = wb.create_sheet(TEXT_SHEET)
    for col, (heading, width) in enumerate((("键", 16.0), ("项目", _LABEL_WIDTH), ("内容", _CONTENT_WIDTH)), start=1):
        cell = ws.cell(row=1, column=col)
        put_text(cell, heading)
        cell.font, cell.fill, cell.border, cell.alignment = _BOLD, _HEADER_FILL, _BORDER, _CENTRE
        ws.column_dimensions[get_column_letter(col)].width = width
    # the keys are for a reader of the file, not the clerk: the map is what import reads
    ws.column_dimensions["A"].hidden = True
    ws.freeze_panes = "C2"
    ws.print_title_rows = "1:1"
    _fit_to_page_width(ws)
    for row, (kind, key, label, value) in enumerate(_text_rows(fmt, report), start=2):
        for col, text in ((1, key), (2, label)):
            cell = ws.cell(row=row, column=col)
            put_text(cell, text)
            cell.border, cell.alignment = _BORDER, _TEXT
        cell = ws.cell(row=row, column=3)
        cell.border, cell.alignment = _BORDER, _TEXT
        coords = [cell.coordinate]
        if isinstance(value, str):
            pieces = split_text(value)
            put_escaped(cell, pieces[0])
            for col, piece in enumerate(pieces[1:], start=4):
                extra = ws.cell(row=row, column=col)
                put_escaped(extra, piece)
                extra.alignment = _TEXT
                coords.append(extra.coordinate)
        elif isinstance(value, Decimal):  # 信息处理费 in 元
            _put_value(cell, value)
            cell.number_format = "0.00"
        elif value is not None:
            cell.value = value
            if key == "signed_on":
                cell.number_format = "yyyy-mm-dd"
            cell.alignment = Alignment(horizontal="left", vertical="top")
        lines = max(_lines(label, _LABEL_WIDTH), _lines(value, _CONTENT_WIDTH) if isinstance(value, str) else 1)
        if lines > 1:
            ws.row_dimensions[row].height = min(_MAX_ROW_HEIGHT, _LINE_HEIGHT * lines)
        entries.append(MapEntry(kind, key, ws.title, tuple(coords)))


def _map_sheet(wb: Workbook, fmt: ReportFormat, entries: list[MapEntry]) -> None:
    ws = wb.create_sheet(MAP_SHEET)
    ws.sheet_state = "veryHidden"
    ws.append([MAP_MARKER, MAP_SCHEMA_VERSION])
    ws.append(["format", fmt.id])
    ws.append(["kind", "key", "sheet", "cells", "text"])
    for entry in entries:
        row = ws.max_row + 1
        for col, text in enumerate((entry.kind, entry.key, entry.sheet, " ".join(entry.cells), entry.text), start=1):
            if text is not None:
                put_text(ws.cell(row=row, column=col), text)


def _validated(report: Report) -> ReportFormat:
    """The report's format, once it is known that every value fits its cell (as for the exchange file)."""
    try:
        to_exchange_dict(report)
    except ExchangeError as exc:
        raise ExcelError(exc.message.replace("数据包", "Excel 文件"), exc.problems) from None
    return report.format


def _save(wb: Workbook) -> bytes:
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def report_workbook_bytes(report: Report) -> bytes:
    """The report as an .xlsx in the project's template (tables, texts, hidden map)."""
    fmt = _validated(report)
    wb = Workbook()
    wb.remove(wb.active)
    entries: list[MapEntry] = []
    for table in fmt.tables:
        _table_sheet(wb, fmt, table, report, entries)
    _text_sheet(wb, fmt, report, entries)
    _map_sheet(wb, fmt, entries)
    wb.active = 0
    return _save(wb)


def write_report_xlsx(report: Report, path: Path) -> None:
    """Write the report's workbook atomically: nothing half-written, the old file kept on failure."""
    write_atomically(Path(path), report_workbook_bytes(report), ExcelError, "无法写入 Excel 文件")


_BAD_SHEET_CHARS = str.maketrans({c: "_" for c in "[]:*?/\\"})


def _sheet_name(name: str, taken: set[str]) -> str:
    """A name Excel accepts (≤ 31 characters, none of []:*?/\\, unique ignoring case) for a unit's sheet."""
    base = name.translate(_BAD_SHEET_CHARS).strip().strip("'") or "单位"
    candidate, n = base[:31], 1
    while candidate.casefold() in taken:
        n += 1
        suffix = f"（{n}）"
        candidate = base[: 31 - len(suffix)] + suffix
    taken.add(candidate.casefold())
    return candidate


def _unit_sheet(wb: Workbook, name: str, report: Report, fmt: ReportFormat) -> None:
    ws = wb.create_sheet(name)
    put_text(ws["A1"], f"{report.agency} {report.year}年")
    ws["A1"].font = _TITLE
    row = 3
    for table in fmt.tables:
        put_text(ws.cell(row=row, column=1), _section_title(fmt, table))
        ws.cell(row=row, column=1).font = _BOLD
        row = draw_table(ws, fmt, table, report, row + 1) + 2


def write_units_xlsx(total: Report, units: Sequence[Report], path: Path) -> None:
    """汇总 workbook: the sum on sheet "汇总", then one sheet per unit, each with the report's tables."""
    fmt = _validated(total)
    others = sorted({u.format_id for u in units if u.format_id != fmt.id})
    if others:
        raise ExcelError(f"无法导出汇总表：各单位的报告格式不一致（汇总为 {fmt.id}，另有 {'、'.join(others)}）")
    for unit in units:
        _validated(unit)
    wb = Workbook()
    wb.remove(wb.active)
    taken = {UNITS_TOTAL_SHEET}
    _unit_sheet(wb, UNITS_TOTAL_SHEET, total, fmt)
    for unit in units:
        _unit_sheet(wb, _sheet_name(unit.agency, taken), unit, fmt)
    write_atomically(Path(path), _save(wb), ExcelError, "无法写入 Excel 文件")
