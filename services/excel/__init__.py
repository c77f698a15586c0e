"""The Excel template: a report as an .xlsx laid out like the paper form, read back through a hidden map.

Writing lives in `write`, reading in `read` (after the zip checks of `archive`); what both agree on — sheet
names, the hidden map, safe text — in `sheet_map`. Code elsewhere imports from here.
"""

from __future__ import annotations

from services.excel.archive import MAX_FILE_BYTES, MAX_RATIO, MAX_UNCOMPRESSED_BYTES
from services.excel.read import ExcelRead, parse_excel, parse_report_workbook, read_excel, read_report_xlsx
from services.excel.sheet_map import MAP_SHEET, TEXT_SHEET, UNITS_TOTAL_SHEET, ExcelError
from services.excel.write import report_workbook_bytes, write_report_xlsx, write_units_xlsx

__all__ = [
    "MAP_SHEET",
    "MAX_FILE_BYTES",
    "MAX_RATIO",
    "MAX_UNCOMPRESSED_BYTES",
    "TEXT_SHEET",
    "UNITS_TOTAL_SHEET",
    "ExcelError",
    "ExcelRead",
    "parse_excel",
    "parse_report_workbook",
    "read_excel",
    "read_report_xlsx",
    "report_workbook_bytes",
    "write_report_xlsx",
    "write_units_xlsx",
]
