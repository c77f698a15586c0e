"""批量审核 results as a file to circulate: an Excel workbook (the rows; every finding and note per file; the
counts) or one self-contained web page. Both are written whole or not at all (files.write_atomically)."""

from __future__ import annotations

import html
import io
import math
from collections.abc import Iterator, Sequence
from datetime import datetime
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from services.audit import AUDIT_MARK, AuditResult, AuditRow
from services.errors import NianbaoError
from services.excel.sheet_map import put_text
from services.excel.write import display_width
from services.files import write_atomically

WRITABLE = (".xlsx", ".html", ".htm")
TITLE = "政府信息公开工作年度报告批量审核结果"
ROW_HEADERS = (
    "文件",
    "文件类型",
    "机关",
    "年度",
    "格式",
    "读取情况",
    "错误",
    "提示",
    "未取得单元格",
    "表格读取率",
    "主要问题",
)
DETAIL_HEADERS = ("文件", "类别", "规则", "级别", "说明")
_MAX_WIDTH = {"文件": 40, "机关": 30, "主要问题": 90, "说明": 90}
_HEADER_FILL = PatternFill("solid", fgColor="D9D9D9")
_STATUS_FILL = {"部分读取": PatternFill("solid", fgColor="FFF2CC"), "无法读取": PatternFill("solid", fgColor="F8CBAD")}
_WRAP = Alignment(vertical="top", wrap_text=True)
_TOP = Alignment(vertical="top")
_LINE_HEIGHT = 15.0
_MAX_ROW_HEIGHT = 409.0  # Excel's limit


class AuditWriteError(NianbaoError):
    """The results cannot be written: an unknown kind of file, or the disk refused."""


def refuse_unwritable(path: Path) -> None:
    """Before a long run: the kind is known and the folder exists (the disk may still refuse at the end)."""
    if path.suffix.lower() not in WRITABLE:
        raise AuditWriteError(
            f"无法写入“{path.name}”：审核结果只能保存为 {'、'.join(WRITABLE)}（扩展名“{path.suffix or '无'}”）。"
        )
    if not path.parent.is_dir():
        raise AuditWriteError(f"无法写入 {path}：文件夹 {path.parent} 不存在。")


def write_audit(result: AuditResult, path: Path) -> None:
    """The results as .xlsx or .html, by the file name."""
    refuse_unwritable(path)
    xlsx = path.suffix.lower() == ".xlsx"
    content = audit_workbook_bytes(result) if xlsx else audit_html(result).encode("utf-8")
    write_atomically(path, content, AuditWriteError, "无法写入审核结果")


def row_values(row: AuditRow) -> tuple[object, ...]:
    """One file's row as written and shown, in the order of ROW_HEADERS (None where there is nothing)."""
    read = row.status != "无法读取"
    return (
        row.file,
        row.kind,
        row.agency or ("（未写明）" if read else None),
        row.year,
        row.format_id or None,
        row.status,
        row.errors if read else None,
        row.warnings if read else None,
        row.unread if read else None,
        row.read_share,
        "\n".join(row.problems()),
    )


def detail_lines(row: AuditRow) -> Iterator[tuple[str, str, str, str]]:
    """Every finding and import note of one file: (类别, 规则, 级别, 说明)."""
    if row.status == "无法读取":
        yield "无法读取", "", "", row.reason
        for problem in row.reason_details:
            yield "无法读取", "", "", problem
    for finding in row.findings:
        yield "审核结果", finding.rule, finding.severity, finding.message
    for note in row.not_understood:
        yield "未能识别", "", "", note
    for notice in row.notices:
        yield "读取说明", "", "", notice


def summary_lines(result: AuditResult, when: datetime | None = None) -> list[tuple[str, str]]:
    """The counts at the top of the page and on the workbook's last sheet."""
    lines = [
        ("审核时间", f"{when or datetime.now():%Y-%m-%d %H:%M}"),
        ("审核范围", "；".join(str(p) for p in result.roots)),
        ("文件数", f"{len(result.rows)}" + (f"（共找到 {result.total} 个，审核中途取消）" if result.cancelled else "")),
        ("已读取", str(result.count("已读取"))),
        ("部分读取", str(result.count("部分读取"))),
        ("无法读取", str(result.count("无法读取"))),
        ("表格有错误的文件", str(result.with_errors)),
    ]
    return lines


COLUMN_NOTES = (
    ("错误", "勾稽关系不符、数值无效、格式与年度不符等错误的条数（不含署名、日期、章节未填写，这些见“审核明细”）"),
    ("提示", "需要说明的提示条数"),
    ("未取得单元格", "报告格式的表格单元格中，未能识别或原文空白的个数"),
    ("表格读取率", "已取得的表格单元格占格式全部单元格的比例"),
)


# ---------------------------------------------------------------- Excel


def _header(ws: Worksheet, headers: Sequence[str]) -> None:
    for col, text in enumerate(headers, start=1):
        cell = ws.cell(row=1, column=col)
        put_text(cell, text)
        cell.font = Font(bold=True)
        cell.fill = _HEADER_FILL
    ws.freeze_panes = "A2"
    # printed across on landscape pages, the header on each: the office prints it for a meeting
    ws.print_title_rows = "1:1"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True


def _put(ws: Worksheet, row: int, col: int, value: object) -> None:
    cell = ws.cell(row=row, column=col)
    if isinstance(value, str):
        put_text(cell, value)  # a file name or message starting with = never becomes a formula
        cell.alignment = _WRAP
    elif value is not None:
        cell.value = value
        cell.alignment = _TOP


def _shown(value: object) -> str:
    return f"{value:.0%}" if isinstance(value, float) else "" if value is None else str(value)


def _lines(text: str, width: float) -> int:
    per_line = max(width - 2, 1)
    return sum(math.ceil(max(display_width(part), 1) / per_line) for part in text.split("\n"))


def _table(ws: Worksheet, headers: Sequence[str], lines: Sequence[Sequence[object]]) -> None:
    """Header, rows, columns as wide as their text (up to a limit), rows as tall as their wrapped text (which
    LibreOffice does not work out itself), and the autofilter."""
    _header(ws, headers)
    widths = [
        min(_MAX_WIDTH.get(h, 14), max([display_width(h), *(display_width(_shown(r[c])) for r in lines)]) + 2)
        for c, h in enumerate(headers)
    ]
    for c, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(c)].width = width
    for r, line in enumerate(lines, start=2):
        for c, value in enumerate(line, start=1):
            _put(ws, r, c, value)
        tallest = max(_lines(v, w) for v, w in zip(line, widths, strict=True) if isinstance(v, str))
        if tallest > 1:
            ws.row_dimensions[r].height = min(_MAX_ROW_HEIGHT, _LINE_HEIGHT * tallest)
    ws.auto_filter.ref = f"A1:{get_column_letter(len(headers))}{max(2, len(lines) + 1)}"


def _rows_sheet(ws: Worksheet, result: AuditResult) -> None:
    ws.title = "审核结果"
    _table(ws, ROW_HEADERS, [row_values(row) for row in result.rows])
    share_col = get_column_letter(ROW_HEADERS.index("表格读取率") + 1)
    status_col = ROW_HEADERS.index("读取情况") + 1
    for r, row in enumerate(result.rows, start=2):
        ws[f"{share_col}{r}"].number_format = "0%"
        if row.status in _STATUS_FILL:
            ws.cell(row=r, column=status_col).fill = _STATUS_FILL[row.status]


def _detail_sheet(ws: Worksheet, result: AuditResult) -> None:
    _table(
        ws,
        DETAIL_HEADERS,
        [(row.file, *(v or None for v in line)) for row in result.rows for line in detail_lines(row)],
    )


def _summary_sheet(ws: Worksheet, result: AuditResult) -> None:
    put_text(ws["A1"], TITLE)
    ws["A1"].font = Font(bold=True, size=12)
    lines = [*summary_lines(result), ("", ""), *(("说明：" + name, note) for name, note in COLUMN_NOTES)]
    for r, (name, value) in enumerate(lines, start=3):
        if name:
            _put(ws, r, 1, name)
            _put(ws, r, 2, value)
    ws.column_dimensions["A"].width = 20
    ws.column_dimensions["B"].width = 90


def audit_workbook_bytes(result: AuditResult) -> bytes:
    wb = Workbook()
    wb.properties.subject = AUDIT_MARK  # so that a later audit of this folder knows its own summary
    rows_ws = wb.active
    assert rows_ws is not None  # a new workbook has its one sheet
    _rows_sheet(rows_ws, result)
    _detail_sheet(wb.create_sheet("审核明细"), result)
    _summary_sheet(wb.create_sheet("统计"), result)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


# ---------------------------------------------------------------- web page

_CSS = """
body { font-family: "Microsoft YaHei", "PingFang SC", "Noto Sans CJK SC", SimSun, sans-serif; margin: 2em;
       color: #222; font-size: 14px; }
h1 { font-size: 20px; } h2 { font-size: 17px; margin-top: 2em; }
table { border-collapse: collapse; margin: 0.5em 0; }
th, td { border: 1px solid #999; padding: 3px 6px; vertical-align: top; }
th { background: #d9d9d9; position: sticky; top: 0; white-space: nowrap; }
td.n { text-align: right; white-space: nowrap; } td.nowrap, td.status { white-space: nowrap; }
tr.partly td.status { background: #fff2cc; } tr.failed td.status { background: #f8cbad; }
table.summary th { text-align: left; position: static; }
p.note { color: #555; font-size: 12px; }
@media print { @page { size: A4 landscape; margin: 12mm; } body { margin: 0; font-size: 11px; } }
"""
_ROW_CLASS = {"已读取": "read", "部分读取": "partly", "无法读取": "failed"}
_CELL_CLASS = {
    **dict.fromkeys(("年度", "错误", "提示", "未取得单元格", "表格读取率"), "n"),
    **dict.fromkeys(("文件", "文件类型", "格式"), "nowrap"),
    "读取情况": "status",
}


def _td(header: str, value: object) -> str:
    if header == "表格读取率" and isinstance(value, float):
        value = f"{value:.0%}"
    css = f' class="{_CELL_CLASS[header]}"' if header in _CELL_CLASS else ""
    return f"<td{css}>{html.escape('' if value is None else str(value)).replace(chr(10), '<br>')}</td>"


def audit_html(result: AuditResult, when: datetime | None = None) -> str:
    """One page, no scripts or outside files, that a 政务公开 office can send round or print."""
    esc = html.escape
    parts = [
        "<!DOCTYPE html>",
        f'<html lang="zh-CN"><head><meta charset="utf-8"><meta name="generator" content="{AUDIT_MARK}">',
        f"<title>{TITLE}</title><style>{_CSS}</style></head><body>",
        f"<h1>{TITLE}</h1>",
        '<table class="summary">',
        *(f"<tr><th>{esc(name)}</th><td>{esc(value)}</td></tr>" for name, value in summary_lines(result, when)),
        "</table>",
        '<p class="note">' + "<br>".join(esc(f"{name}：{note}") for name, note in COLUMN_NOTES) + "</p>",
        "<h2>各文件审核结果</h2>",
        '<table class="rows"><thead><tr>' + "".join(f"<th>{esc(h)}</th>" for h in ROW_HEADERS) + "</tr></thead>",
        "<tbody>",
    ]
    for row in result.rows:
        cells = "".join(_td(h, v) for h, v in zip(ROW_HEADERS, row_values(row), strict=True))
        parts.append(f'<tr class="{_ROW_CLASS[row.status]}">{cells}</tr>')
    parts += [
        "</tbody></table>",
        "<h2>审核明细</h2>",
        '<table class="details"><thead><tr>'
        + "".join(f"<th>{esc(h)}</th>" for h in DETAIL_HEADERS)
        + "</tr></thead><tbody>",
    ]
    for row in result.rows:
        for line in detail_lines(row):
            parts.append("<tr>" + "".join(f"<td>{esc(v)}</td>" for v in (row.file, *line)) + "</tr>")
    parts += ["</tbody></table>", "</body></html>", ""]
    return "\n".join(parts)
