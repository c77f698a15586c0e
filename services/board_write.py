"""The 报送 board as a workbook to print or circulate: a sheet of the units (state, counts, when and from which file
each report came) under a heading with the deadline and the counts, and a sheet with the 催报 notice. Written whole
or not at all (files.write_atomically)."""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from services.board import Board, BoardLine, days_text, reminder_text
from services.errors import NianbaoError
from services.excel.sheet_map import put_text
from services.excel.write import display_width
from services.files import write_atomically

HEADERS = ("序号", "单位", "状态", "错误", "未说明的提示", "格式", "报告保存（导入）时间", "来源文件")
STATE_FILL = {
    "未报送": PatternFill("solid", fgColor="F8CBAD"),
    "有错误": PatternFill("solid", fgColor="FFF2CC"),
    "已定稿": PatternFill("solid", fgColor="E2EFDA"),
}
_HEADER_FILL = PatternFill("solid", fgColor="D9D9D9")
_MAX_WIDTH = 50


class BoardWriteError(NianbaoError):
    """The workbook cannot be written (the disk refused, the folder is gone)."""


def shown_time(at: datetime | None) -> str:
    """A stored UTC time as the clerk's clock shows it."""
    return "" if at is None else f"{at.astimezone():%Y-%m-%d %H:%M}"


def line_values(number: int, line: BoardLine) -> tuple[object, ...]:
    """One unit's row as written and shown, in the order of HEADERS."""
    reported = line.report_id is not None
    return (
        number,
        line.unit,
        line.state,
        line.errors if reported else None,
        line.unexplained if reported else None,
        line.format_id,
        shown_time(line.saved_at) or None,
        line.source,
    )


def board_workbook_bytes(board: Board, deadline: date, today: date) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "报送情况"
    heading = [
        f"{board.parent} {board.year} 年度政府信息公开工作年度报告报送情况",
        f"{days_text(deadline, today)}；导出日期 {today.isoformat()}",
        board.summary(),
    ]
    for r, text in enumerate(heading, start=1):
        put_text(sheet.cell(r, 1), text)
    sheet.cell(1, 1).font = Font(bold=True, size=14)
    first = len(heading) + 2
    rows = [line_values(i, line) for i, line in enumerate(board.lines, start=1)]
    _table(sheet, first, rows)
    for r, line in enumerate(board.lines, start=first + 1):
        if line.state in STATE_FILL:
            sheet.cell(r, HEADERS.index("状态") + 1).fill = STATE_FILL[line.state]
    notice = book.create_sheet("催报通知")
    notice.column_dimensions["A"].width = 100
    for r, text in enumerate(reminder_text(board, deadline, today).split("\n"), start=1):
        put_text(notice.cell(r, 1), text)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def write_board(board: Board, deadline: date, today: date, path: Path) -> None:
    if path.suffix.lower() != ".xlsx":
        raise BoardWriteError(f"无法写入“{path.name}”：报送情况只能保存为 .xlsx。")
    write_atomically(path, board_workbook_bytes(board, deadline, today), BoardWriteError, "无法写入报送情况")


def _table(sheet: Worksheet, first: int, rows: Sequence[tuple[object, ...]]) -> None:
    for c, text in enumerate(HEADERS, start=1):
        cell = sheet.cell(first, c)
        put_text(cell, text)
        cell.font = Font(bold=True)
        cell.fill = _HEADER_FILL
        cell.alignment = Alignment(horizontal="center")
    for r, row in enumerate(rows, start=first + 1):
        for c, value in enumerate(row, start=1):
            if isinstance(value, str):
                put_text(sheet.cell(r, c), value)  # a unit or file named "=…" never becomes a formula
            elif value is not None:
                sheet.cell(r, c).value = value
    for c, header in enumerate(HEADERS, start=1):
        widest = max([display_width(header), *(display_width(str(row[c - 1] or "")) for row in rows)])
        sheet.column_dimensions[get_column_letter(c)].width = min(_MAX_WIDTH, widest + 2)
    sheet.freeze_panes = sheet.cell(first + 1, 1).coordinate
    last = get_column_letter(len(HEADERS))
    sheet.auto_filter.ref = f"A{first}:{last}{max(first + 1, first + len(rows))}"
    sheet.print_title_rows = f"{first}:{first}"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
