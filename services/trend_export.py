"""历年对比 as files: one PNG per chart, and the figures as CSV (for any program) and as a workbook (a flagged
change filled red, and a sheet saying which format each year used)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from services.errors import NianbaoError
from services.files import write_atomically
from services.pdf.fonts import FontSet
from services.trend_charts import TrendChart, trend_charts
from services.trends import GROUPS, Trends, value_text

PNG_SCALE = 3.0
"""Pixels per point: a chart 156 mm wide is about 1,300 pixels, sharp when pasted into a Word page."""
TABLE_STEM = "历年对比"
_FLAG_FILL = "F8D7DA"


def chart_file_name(chart: TrendChart) -> str:
    """收到申请.png…: the chart's title without its table reference."""
    return f"{chart.title.split('（', 1)[0]}.png"


def chart_png(chart: TrendChart, scale: float = PNG_SCALE) -> bytes:
    from services.chart_png import drawing_png  # Pillow only when a picture is made

    return drawing_png(chart.drawing, chart.face, scale)


def table_rows(trends: Trends) -> list[list[str]]:
    """The figures as text rows: a header of years, then a row per series, its group first."""
    rows = [["分组", "项目", *(trends.year_label(y) for y in trends.years)]]
    for group in GROUPS:
        for series in trends.in_group(group.key):
            rows.append([group.title, series.label, *(value_text(v) for v in series.values)])
    return rows


def write_trend_files(trends: Trends, fonts: FontSet, folder: Path) -> list[Path]:
    """Every chart as PNG, the table as 历年对比.csv and 历年对比.xlsx, in `folder` (made if missing)."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise NianbaoError(f"无法建立文件夹 {folder}：{exc.strerror or exc}") from None
    written = []
    for chart in trend_charts(trends, fonts):
        path = folder / chart_file_name(chart)
        write_atomically(path, chart_png(chart))
        written.append(path)
    written.append(write_csv(trends, folder / f"{TABLE_STEM}.csv"))
    written.append(write_xlsx(trends, folder / f"{TABLE_STEM}.xlsx"))
    return written


def write_csv(trends: Trends, path: Path) -> Path:
    text = io.StringIO()
    csv.writer(text, lineterminator="\r\n").writerows(table_rows(trends))
    write_atomically(path, text.getvalue().encode("utf-8-sig"))  # the BOM: Excel then reads it as UTF-8
    return path


def write_xlsx(trends: Trends, path: Path) -> Path:
    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import Font, PatternFill

    wb = Workbook()
    sheet = wb.active
    assert sheet is not None
    sheet.title = "历年对比"
    rows = table_rows(trends)
    sheet.append(rows[0])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    fill = PatternFill("solid", fgColor=_FLAG_FILL)
    r = 2
    for group in GROUPS:
        for series in trends.in_group(group.key):
            sheet.append([group.title, series.label, *series.values])
            for i, flag in enumerate(series.flags):
                if flag is not None:
                    cell = sheet.cell(r, 3 + i)
                    cell.fill = fill
                    cell.comment = Comment(flag, "年报")
            r += 1
    sheet.column_dimensions["A"].width = 26
    sheet.column_dimensions["B"].width = 30
    about = wb.create_sheet("说明")
    about.append([trends.subject])
    for span in trends.formats:
        about.append([span.text()])
    for note in trends.notes:
        about.append([note])
    if trends.swing_rule:
        about.append([trends.swing_rule + "（表中红底的单元格）："])
    for swing in trends.swings():
        about.append([f"{swing.year}年 {swing.message}"])
    about.column_dimensions["A"].width = 120
    out = io.BytesIO()
    wb.save(out)
    write_atomically(path, out.getvalue())
    return path
