"""The Excel template: exact round trips, a clerk's harmless edits, and refusal of altered or unsafe files."""

from __future__ import annotations

import io
import re
import struct
import zipfile
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from openpyxl.cell.cell import Cell, MergedCell
from openpyxl.styles import Font, PatternFill
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from services.checks import recompute_totals
from services.documents import read_document
from services.excel import (
    MAP_SHEET,
    MAX_FILE_BYTES,
    TEXT_SHEET,
    UNITS_TOTAL_SHEET,
    ExcelError,
    parse_excel,
    parse_report_workbook,
    read_excel,
    read_report_xlsx,
    report_workbook_bytes,
    write_report_xlsx,
    write_units_xlsx,
)
from services.excel.write import amount_cell_value
from services.exchange import read_exchange
from services.formats import CellKey
from services.grid_layout import grid_layout
from services.report import Fees, Report
from tests.factories import filled_report, sample_report

TRICKY_TEXTS = {
    "s1_active": "第一段。\n第二段：“引号”\t制表符。\r\n第三段",
    "s1_request": "=SUM(A1)",
    "s1_management": "@x",
    "s1_platform": "-1 是减号开头，+2 是加号",
    "s1_oversight": "Word 的软换行\x0b与字面的 _x0041_ 都要原样保留",
}


def _coord(report: Report, key: CellKey) -> str:
    """Where the exporter puts a value cell: the table's grid one row below the sheet's title."""
    row, col = grid_layout(report.format, key[0]).position(key)
    return f"{openpyxl.utils.get_column_letter(col + 1)}{row + 2}"


def _totals(report: Report) -> list[CellKey]:
    """The computed cells as the format file marks them (not as the writer finds them)."""
    return [spec.key for spec in report.format.cell_specs() if spec.computed]


def _formula_cells(wb: Workbook) -> set[tuple[str, str]]:
    return {
        (ws.title, c.coordinate) for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.data_type == "f"
    }


_TERM = re.compile(r"([+-]?)(?:SUM\(([^()]*)\)|(\$?[A-Z]{1,3}\$?[0-9]+))")


def _evaluate(ws: Worksheet, formula: str) -> int | Decimal:
    """A tiny spreadsheet: =SUM(refs and ranges) and refs joined by + and -, over numbers, blanks and formulas."""
    body = formula.removeprefix("=").replace(" ", "").upper()
    terms = list(_TERM.finditer(body))
    assert "".join(m.group(0) for m in terms) == body and terms, f"not a sum: {formula}"
    total: int | Decimal = 0
    for sign, args, ref in (m.groups() for m in terms):
        refs = [ref] if ref else args.split(",")
        value = sum((_value(ws, cell) for part in refs for cell in _cells(ws, part)), start=0)
        total += -value if sign == "-" else value
    return total


def _cells(ws: Worksheet, ref: str) -> list[Cell]:
    found = ws[ref.replace("$", "")]
    if isinstance(found, tuple):  # a range: rows of cells
        return [cell for row in found for cell in (row if isinstance(row, tuple) else (row,))]
    return [found]


def _value(ws: Worksheet, cell: Cell) -> int | Decimal:
    if cell.data_type == "f":
        return _evaluate(ws, str(cell.value))
    if cell.value is None:
        return 0
    assert isinstance(cell.value, int | float) and not isinstance(cell.value, bool), (cell.coordinate, cell.value)
    return cell.value if isinstance(cell.value, int) else Decimal(repr(cell.value))


def _tricky_2021() -> Report:
    report = filled_report("2021", seed=7)
    report.texts.update(TRICKY_TEXTS)
    report.agency = '=HYPERLINK("http://x")某局'
    report.signed_by = "+某某局"
    report.agency_code = "0012345"
    report.title = "某某局2022年政府信息公开工作年度报告（修订版）"
    report.cells[("t2", "fees", "amount")] = Decimal("533.410001")
    report.fees = Fees(notices=3, amount_yuan=Decimal("125.5"))
    report.explanations = {"SIGN_DATE": "因机构改革延期。", "T3_SUM:natural": "原件如此。"}
    report.status = "final"
    return report


def _save(wb: Workbook, path: Path) -> Path:
    wb.save(path)
    return path


def _edited(tmp_path: Path, report: Report, edit: Callable[[Workbook], None]) -> Path:
    """The report exported, opened with openpyxl, changed by `edit` and saved, as a clerk's tool would."""
    path = tmp_path / "edited.xlsx"
    write_report_xlsx(report, path)
    wb = openpyxl.load_workbook(path)
    edit(wb)
    return _save(wb, path)


def _rezip(data: bytes, replace: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info.filename, replace.pop(info.filename, src.read(info.filename)))
        for name, content in replace.items():
            dst.writestr(name, content)
    return out.getvalue()


def _refused(path: Path) -> ExcelError:
    with pytest.raises(ExcelError) as info:
        read_report_xlsx(path)
    assert any("\u4e00" <= c <= "\u9fff" for c in str(info.value)), str(info.value)
    return info.value


# --- round trips ---------------------------------------------------------------------------------------


def test_sample_2019_round_trips_exactly(tmp_path: Path) -> None:
    report = sample_report()
    path = tmp_path / "sample.xlsx"
    write_report_xlsx(report, path)
    assert read_report_xlsx(path) == report


def test_2021_round_trips_tricky_texts_amounts_and_metadata(tmp_path: Path) -> None:
    report = _tricky_2021()
    path = tmp_path / "r.xlsx"
    write_report_xlsx(report, path)
    back = read_report_xlsx(path)
    assert back == report
    assert back.cells[("t2", "fees", "amount")] == Decimal("533.410001")
    assert back.texts["s1_request"] == "=SUM(A1)"
    assert back.texts["s1_oversight"] == TRICKY_TEXTS["s1_oversight"]


def test_formula_like_texts_are_stored_as_text(tmp_path: Path) -> None:
    report = _tricky_2021()
    wb = openpyxl.load_workbook(io.BytesIO(report_workbook_bytes(report)))
    ws = wb[TEXT_SHEET]
    by_key = {row[0].value: row[2] for row in ws.iter_rows(min_row=2, max_col=3)}
    for key in ("agency", "signed_by", "s1_request", "s1_management", "s1_platform"):
        cell = by_key[key]
        assert cell.data_type == "s", key
        assert cell.quotePrefix, key
    assert by_key["s1_request"].value == "=SUM(A1)"
    assert by_key["agency"].value.startswith("=HYPERLINK")
    assert _formula_cells(wb) == {(report.format.table(k[0]).name, _coord(report, k)) for k in _totals(report)}


def test_signed_counts_and_the_largest_amount_round_trip() -> None:
    report = filled_report("2019", seed=3)
    report.cells[("t2", "licensing", "change")] = -7
    report.cells[("t2", "procurement", "amount")] = Decimal("999999999.999999")  # 15 digits, all Excel keeps
    data = report_workbook_bytes(report)
    back = parse_report_workbook(data)
    assert back == report
    assert back.cells[("t2", "licensing", "change")] == -7
    ws = openpyxl.load_workbook(io.BytesIO(data))["表二"]
    assert ws[_coord(report, ("t2", "procurement", "amount"))].value == 999999999.999999
    assert ws[_coord(report, ("t2", "licensing", "change"))].value == -7


@pytest.mark.parametrize(
    ("amount", "cell"),
    [
        (Decimal("533.410001"), 533.410001),
        (Decimal("0.000001"), 1e-06),
        (Decimal("1234567890.123456"), "1234567890.123456"),  # 16 digits: Excel would round it, so text
    ],
)
def test_amounts_are_numbers_only_when_excel_keeps_them_exactly(amount: Decimal, cell: float | str) -> None:
    assert amount_cell_value(amount) == cell


def test_layout_follows_the_paper_grid() -> None:
    report = filled_report("2021")
    wb = openpyxl.load_workbook(io.BytesIO(report_workbook_bytes(report)))
    assert wb.sheetnames == ["表二", "表三", "表四", TEXT_SHEET, MAP_SHEET]
    assert wb[MAP_SHEET].sheet_state == "veryHidden"
    assert wb[MAP_SHEET]["A2"].value == "format" and wb[MAP_SHEET]["B2"].value == "2021"
    ws = wb["表三"]
    merged = {str(r) for r in ws.merged_cells.ranges}
    assert {"A2:C4", "D2:J2", "E3:I3", "A7:A28"} <= merged
    assert ws["A2"].value == "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
    assert ws["C9"].value == "1.属于国家秘密"
    assert ws.freeze_panes == "D5"
    new_natural = ws[_coord(report, ("t3", "new", "natural"))]
    assert new_natural.value == report.cells[("t3", "new", "natural")]
    assert isinstance(new_natural.value, int)
    # every cell has its border; a merged range's border is kept on its edge cells, as Excel draws it
    for row in ws.iter_rows(min_row=2, max_row=29, max_col=10):
        for cell in row:
            if not isinstance(cell, MergedCell):
                assert cell.border.left.style == cell.border.top.style == "thin", cell.coordinate
    assert ws["C4"].border.right.style == ws["C4"].border.bottom.style == "thin"
    t2 = wb["表二"]
    amount = t2[_coord(report, ("t2", "fees", "amount"))]
    assert isinstance(amount.value, float) and amount.number_format == "0.00####"
    assert set(wb.defined_names) == {"_nianbao_t2", "_nianbao_t3", "_nianbao_t4"}


# --- a clerk's edits that are fine ---------------------------------------------------------------------


def test_values_typed_as_text_or_numbers_are_read(tmp_path: Path) -> None:
    report = filled_report("2021")
    keys = [("t3", "new", "natural"), ("t3", "new", "business"), ("t3", "granted", "ngo"), ("t4", "review", "upheld")]

    def edit(wb: Workbook) -> None:
        wb["表三"][_coord(report, keys[0])] = "１２"
        wb["表三"][_coord(report, keys[1])] = 12
        wb["表三"][_coord(report, keys[2])] = "1,234"
        wb["表四"][_coord(report, keys[3])] = 12.0
        wb["表二"][_coord(report, ("t2", "fees", "amount"))] = "251000元"
        wb["表二"][_coord(report, ("t2", "rules", "issued"))] = None

    back = read_report_xlsx(_edited(tmp_path, report, edit))
    assert [back.cells[k] for k in keys] == [12, 12, 1234, 12]
    assert back.cells[("t2", "fees", "amount")] == Decimal("25.1")
    assert ("t2", "rules", "issued") not in back.cells


def test_amount_as_excel_writes_its_float_reads_exactly() -> None:
    # Excel writes 17 significant digits: 533.41 is saved as 533.40999999999997
    report = filled_report("2021")
    report.cells[("t2", "fees", "amount")] = Decimal("533.41")
    data = report_workbook_bytes(report)
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        name = next(n for n in z.namelist() if n.startswith("xl/worksheets/") and b"533.41" in z.read(n))
        xml = z.read(name)
    data = _rezip(data, {name: xml.replace(b"<v>533.41</v>", b"<v>533.40999999999997</v>")})
    assert parse_report_workbook(data).cells[("t2", "fees", "amount")] == Decimal("533.41")


def test_styles_and_notes_outside_the_tables_are_fine(tmp_path: Path) -> None:
    report = sample_report()

    def edit(wb: Workbook) -> None:
        ws = wb["表三"]
        for row in ws.iter_rows(min_row=2, max_row=10):
            for cell in row:
                cell.font = Font(name="黑体", size=14, color="FF0000")
                cell.fill = PatternFill("solid", fgColor="FFFF00")
        ws["Z100"] = "备注：已核对"
        ws["A40"] = "=SUM(D5:D6)"
        wb[TEXT_SHEET]["F3"] = "请于1月20日前报送"
        ws.column_dimensions["C"].width = 80

    assert read_report_xlsx(_edited(tmp_path, report, edit)) == report


def test_date_typed_in_chinese_is_read(tmp_path: Path) -> None:
    def edit(wb: Workbook) -> None:
        ws = wb[TEXT_SHEET]
        row = next(r for r in ws.iter_rows(min_row=2) if r[0].value == "signed_on")
        row[2].value = "2021年2月3日"

    back = read_report_xlsx(_edited(tmp_path, sample_report(), edit))
    assert back.signed_on == date(2021, 2, 3)


# --- altered tables are refused ------------------------------------------------------------------------


def test_row_inserted_above_a_table_is_refused(tmp_path: Path) -> None:
    error = _refused(_edited(tmp_path, sample_report(), lambda wb: wb["表三"].insert_rows(1)))
    assert "移动或删除" in error.message
    assert any(p.startswith("表三!A2 应为“（本列数据") for p in error.problems), error.problems


def test_row_inserted_inside_a_table_is_refused(tmp_path: Path) -> None:
    error = _refused(_edited(tmp_path, sample_report(), lambda wb: wb["表三"].insert_rows(10)))
    assert any(p.startswith("表三!C10 应为“2.其他法律行政法规禁止公开”") for p in error.problems), error.problems


def test_deleted_column_is_refused(tmp_path: Path) -> None:
    error = _refused(_edited(tmp_path, sample_report(), lambda wb: wb["表四"].delete_cols(3)))
    assert any(p.startswith("表四!C4 应为“其他结果”，实际为“尚未审结”") for p in error.problems), error.problems


def test_moved_range_name_is_refused(tmp_path: Path) -> None:
    # what Excel does when a clerk inserts a row between t4's header and its data row: the name moves
    def edit(wb: Workbook) -> None:
        wb.defined_names["_nianbao_t4"].attr_text = "'表四'!$A$2:$O$6"

    error = _refused(_edited(tmp_path, sample_report(), edit))
    assert error.problems == ["表四!A2:O5 的表格范围已变为 表四!A2:O6"]


def test_renamed_sheet_is_refused(tmp_path: Path) -> None:
    def edit(wb: Workbook) -> None:
        wb["表四"].title = "Sheet4"

    error = _refused(_edited(tmp_path, sample_report(), edit))
    assert "找不到工作表“表四”（工作表被改名或删除）" in error.problems


def test_bad_values_are_all_listed_with_their_cells(tmp_path: Path) -> None:
    report = filled_report("2021")
    natural = _coord(report, ("t3", "new", "natural"))
    legal = _coord(report, ("t3", "partial", "legal"))
    upheld = _coord(report, ("t4", "review", "upheld"))
    amount = _coord(report, ("t2", "fees", "amount"))

    def edit(wb: Workbook) -> None:
        wb["表三"][natural] = "abc"
        wb["表三"][legal] = -3
        wb["表四"][upheld] = 1.5
        wb["表二"][amount] = "1.0000001"
        ws = wb[TEXT_SHEET]
        rows = {r[0].value: r[2] for r in ws.iter_rows(min_row=2, max_col=3)}
        rows["year"].value = "明年"
        rows["status"].value = "已完成"
        rows["agency"].value = None

    error = _refused(_edited(tmp_path, report, edit))
    problems = "\n".join(error.problems)
    assert f"表三!{natural}（表三 · 一、本年新收政府信息公开申请数量 · 自然人）：“abc”不是数字" in problems
    assert f"表三!{legal}（" in problems and "：“-3”是负数" in problems
    assert f"表四!{upheld}（表四 · 行政复议 · 结果维持）：“1.5”不是整数" in problems
    assert f"表二!{amount}（" in problems and "：金额“1.0000001”精度超过分" in problems
    assert "报告年度应为" in problems and "状态应为“草稿”或“定稿”" in problems and "机关名称应填写" in problems
    assert len(error.problems) == 7


def test_formula_in_a_value_cell_is_refused(tmp_path: Path) -> None:
    report = sample_report()
    where = _coord(report, ("t3", "new", "natural"))

    def edit(wb: Workbook) -> None:
        wb["表三"][where] = "=D6+1"

    error = _refused(_edited(tmp_path, report, edit))
    assert error.problems == [
        f"表三!{where}（表三 · 一、本年新收政府信息公开申请数量 · 自然人）：是公式（=D6+1）。"
        "只有合计单元格可以是公式，这里请直接填写数字（可复制后“选择性粘贴→数值”）"
    ]


def test_workbook_without_the_hidden_map_is_refused(tmp_path: Path) -> None:
    def edit(wb: Workbook) -> None:
        del wb[MAP_SHEET]

    error = _refused(_edited(tmp_path, sample_report(), edit))
    assert "不是年报程序导出的Excel模板" in error.message


def test_any_other_workbook_is_refused(tmp_path: Path) -> None:
    wb = Workbook()
    wb.active["A1"] = "自己做的表"
    assert "不是年报程序导出的Excel模板" in _refused(_save(wb, tmp_path / "other.xlsx")).message


def test_newer_template_version_is_refused(tmp_path: Path) -> None:
    def edit(wb: Workbook) -> None:
        wb[MAP_SHEET]["B1"] = 99

    assert "模板版本 99" in _refused(_edited(tmp_path, sample_report(), edit)).message


# --- unsafe or foreign files ---------------------------------------------------------------------------


def test_macro_workbooks_are_refused(tmp_path: Path) -> None:
    data = report_workbook_bytes(sample_report())
    renamed = tmp_path / "r.xlsm"
    renamed.write_bytes(data)
    assert "宏" in _refused(renamed).message
    with_vba = tmp_path / "vba.xlsx"
    with_vba.write_bytes(_rezip(data, {"xl/vbaProject.bin": b"\xd0\xcf\x11\xe0 macro"}))
    assert "宏" in _refused(with_vba).message


LAUGHS = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">'
    + b"".join(b'<!ENTITY lol%d "%s">' % (i, (b"&lol%d;" % (i - 1) if i > 1 else b"&lol;") * 10) for i in range(1, 10))
    + b"]>\n"
)
SST = (
    b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="1">'
    b"<si><t>&lol9;</t></si></sst>"
)
SST_TYPE = (
    b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
    b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>'
)


def _bomb(data: bytes, part: str) -> bytes:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        original = z.read(part) if part in z.namelist() else b""
        types = z.read("[Content_Types].xml")
    if part == "xl/sharedStrings.xml":
        return _rezip(data, {part: LAUGHS + SST, "[Content_Types].xml": types.replace(b"</Types>", SST_TYPE)})
    body = original.split(b"?>", 1)[1] if original.startswith(b"<?xml") else original
    body = body.replace(b"<sheetData>", b"<sheetData>&lol9;", 1)
    body = body.replace(b"<definedName ", b'<definedName comment="&lol9;" ', 1)
    return _rezip(data, {part: LAUGHS + body})


def test_openpyxl_parses_with_defusedxml() -> None:
    # openpyxl picks defusedxml up only when it is installed; a build without it would read bombs unguarded
    import openpyxl.xml

    assert openpyxl.xml.DEFUSEDXML is True


@pytest.mark.parametrize("part", ["xl/sharedStrings.xml", "xl/worksheets/sheet1.xml", "xl/workbook.xml"])
def test_xml_bombs_are_refused(tmp_path: Path, part: str) -> None:
    path = tmp_path / "bomb.xlsx"
    path.write_bytes(_bomb(report_workbook_bytes(sample_report()), part))
    assert "不安全的 XML" in _refused(path).message


def test_zip_that_is_not_a_workbook_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "x.xlsx"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("word/document.xml", "<w:document/>")
    assert "不是 Excel 文件" in _refused(path).message


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (b"just some text, not a zip", "不是 Excel 工作簿"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "旧版 Excel（.xls）"),
        (b"", "不是 Excel 工作簿"),
    ],
)
def test_non_zip_files_are_refused(tmp_path: Path, content: bytes, words: str) -> None:
    path = tmp_path / "x.xlsx"
    path.write_bytes(content)
    assert words in _refused(path).message


def test_missing_and_too_large_files_are_refused(tmp_path: Path) -> None:
    assert "文件不存在" in _refused(tmp_path / "none.xlsx").message
    big = tmp_path / "big.xlsx"
    with big.open("wb") as fh:
        fh.truncate(MAX_FILE_BYTES + 1)
    assert "文件过大" in _refused(big).message


def test_huge_declared_size_is_refused(tmp_path: Path) -> None:
    data = report_workbook_bytes(sample_report())
    # set the uncompressed size of one member in the central directory to 3 GB
    at = data.index(b"PK\x01\x02")
    data = data[: at + 24] + struct.pack("<I", 3 * 1024**3) + data[at + 28 :]
    path = tmp_path / "huge.xlsx"
    path.write_bytes(data)
    assert "解压后的内容过大" in _refused(path).message


def test_high_compression_ratio_is_refused(tmp_path: Path) -> None:
    data = _rezip(report_workbook_bytes(sample_report()), {"xl/media/zeros.bin": b"\0" * (16 * 1024 * 1024)})
    path = tmp_path / "ratio.xlsx"
    path.write_bytes(data)
    assert "压缩比异常" in _refused(path).message


def test_reading_writes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "r.xlsx"
    write_report_xlsx(sample_report(), path)
    before = {p: p.stat().st_mtime_ns for p in tmp_path.iterdir()}
    read_report_xlsx(path)
    (tmp_path / "bad.xlsx").write_bytes(b"nope")
    _refused(tmp_path / "bad.xlsx")
    after = {p: p.stat().st_mtime_ns for p in tmp_path.iterdir() if p.name != "bad.xlsx"}
    assert after == before


# --- writing -------------------------------------------------------------------------------------------


def test_invalid_report_is_not_exported(tmp_path: Path) -> None:
    report = sample_report()
    report.cells[("t3", "new", "natural")] = -1
    with pytest.raises(ExcelError) as info:
        write_report_xlsx(report, tmp_path / "r.xlsx")
    assert any("t3.new.natural" in p for p in info.value.problems)
    assert not (tmp_path / "r.xlsx").exists()


def test_unwritable_target_gives_an_excel_error(tmp_path: Path) -> None:
    with pytest.raises(ExcelError, match="无法写入 Excel 文件"):
        write_report_xlsx(sample_report(), tmp_path / "no such folder" / "r.xlsx")


def _label_row_value(ws: openpyxl.worksheet.worksheet.Worksheet, label: str, offset: int) -> object:
    for row in ws.iter_rows():
        for cell in row:
            if cell.value == label:
                return ws.cell(row=cell.row, column=cell.column + offset).value
    raise AssertionError(label)


def test_units_workbook_has_the_sum_and_one_sheet_per_unit(tmp_path: Path) -> None:
    units = [
        filled_report("2021", agency="某某局", seed=1),
        filled_report("2021", agency="某某局", seed=2),
        filled_report("2021", agency="市/区[试点]单位" * 5, seed=3),
    ]
    total = filled_report("2021", agency="某某市（汇总）", seed=1)
    for spec in total.format.cell_specs():
        total.cells[spec.key] = sum((u.number(*spec.key) for u in units), start=total.cells[spec.key] * 0)
    path = tmp_path / "units.xlsx"
    write_units_xlsx(total, units, path)
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames[:3] == [UNITS_TOTAL_SHEET, "某某局", "某某局（2）"]
    assert len(wb.sheetnames) == 4 and len(wb.sheetnames[3]) <= 31 and "/" not in wb.sheetnames[3]
    label = "一、本年新收政府信息公开申请数量"
    summed = _label_row_value(wb[UNITS_TOTAL_SHEET], label, 3)
    assert summed == sum(u.cells[("t3", "new", "natural")] for u in units) == total.cells[("t3", "new", "natural")]
    assert _label_row_value(wb["某某局（2）"], label, 3) == units[1].cells[("t3", "new", "natural")]
    # 汇总 is read by other programs, which see no value in a formula openpyxl wrote: its totals are numbers
    assert _label_row_value(wb[UNITS_TOTAL_SHEET], label, 9) == total.cells[("t3", "new", "total")]


def test_units_of_another_format_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ExcelError, match="报告格式不一致"):
        write_units_xlsx(filled_report("2021"), [filled_report("2019")], tmp_path / "u.xlsx")


def test_a_long_text_is_cut_for_excel_without_splitting_an_escape() -> None:
    from services.excel.sheet_map import EXCEL_MAX_CHARS, split_text, unescape_text

    for offset in range(EXCEL_MAX_CHARS - 16, EXCEL_MAX_CHARS + 2):
        for tail in ("_x0041_\x01甲", "\x01\x02_x005F_乙", "_" + "x0041_"):
            text = "年" * offset + tail + "报" * 5
            pieces = split_text(text)
            assert all(len(piece) <= EXCEL_MAX_CHARS for piece in pieces)
            assert "".join(unescape_text(piece) for piece in pieces) == text, (offset, tail)


def test_the_fee_typed_as_text_in_excel_is_in_yuan(tmp_path: Path) -> None:
    report = filled_report("2021")
    for typed, expected in (
        ("1,200元", Decimal(1200)),
        ("0.12万元", Decimal(1200)),
        ("１２００", Decimal(1200)),
        (80.5, Decimal("80.5")),
    ):

        def edit(wb: Workbook, typed: object = typed) -> None:
            for ws in wb.worksheets:
                for row in ws.iter_rows():
                    for cell in row:
                        if cell.value == "信息处理费：实际收取金额（元）":
                            ws.cell(row=cell.row, column=cell.column + 1).value = typed

        back = read_report_xlsx(_edited(tmp_path, report, edit))
        assert back.fees.amount_yuan == expected, typed


# --- live totals, the texts sheet in Chinese, files of the previous version -----------------------------

OLD_FILE = Path(__file__).resolve().parent / "data" / "excel-v1-2021.xlsx"
"""Written by the previous version (template 1: totals as numbers, keys shown on the texts sheet), with the
exchange file of the same report beside it."""


def _workbook(report: Report) -> Workbook:
    return openpyxl.load_workbook(io.BytesIO(report_workbook_bytes(report)))


def _sheet(wb: Workbook, report: Report, key: CellKey) -> Worksheet:
    return wb[report.format.table(key[0]).name]


@pytest.mark.parametrize("format_id", ["2019", "2021"])
def test_every_total_is_a_formula_over_exactly_its_parts(format_id: str) -> None:
    report = filled_report(format_id, seed=5)
    wb = _workbook(report)
    assert wb.calculation.fullCalcOnLoad  # no value is cached beside a formula: Excel and WPS compute on opening
    totals = _totals(report)
    for key in totals:
        cell = _sheet(wb, report, key)[_coord(report, key)]
        assert cell.data_type == "f" and str(cell.value).startswith("=SUM("), (key, cell.value)
        assert _evaluate(_sheet(wb, report, key), str(cell.value)) == report.cells[key], key
    # the clerk types into each value cell in turn: every formula moves exactly as the app's recomputation
    for spec in report.format.cell_specs():
        if spec.computed:
            continue
        ws = _sheet(wb, report, spec.key)
        cell = ws[_coord(report, spec.key)]
        before = cell.value
        cell.value = (before or 0) + 1000
        expected = report.copy()
        expected.cells[spec.key] = expected.cells[spec.key] + 1000
        recompute_totals(expected)
        got = {k: _evaluate(_sheet(wb, report, k), str(_sheet(wb, report, k)[_coord(report, k)].value)) for k in totals}
        assert got == {k: expected.cells[k] for k in totals}, spec.key
        cell.value = before


@pytest.mark.parametrize("format_id", ["2019", "2021"])
def test_export_then_import_gives_the_same_report(format_id: str) -> None:
    report = filled_report(format_id, seed=9)
    report.explanations = {"SIGN_DATE": "因机构改革延期。", "X_SWING:t3/new/total": "本年申请集中。"}
    read = parse_excel(report_workbook_bytes(report))
    assert read.report == report
    assert read.notices == ()


def test_totals_of_empty_parts_stay_empty() -> None:
    # as in the app, a total whose parts are all empty is empty: a half-filled draft comes back as it was
    report = filled_report("2021")
    for col in report.format.table("t4").column_keys():
        del report.cells[("t4", "review", col)]
    assert parse_report_workbook(report_workbook_bytes(report)) == report


def test_a_total_holding_a_sum_typed_by_hand_imports(tmp_path: Path) -> None:
    report = filled_report("2021")
    key = ("t3", "new", "total")
    first, last = _coord(report, ("t3", "new", "natural")), _coord(report, ("t3", "new", "other_org"))

    def edit(wb: Workbook) -> None:
        wb["表三"][_coord(report, key)] = f"=sum(${first[0]}${first[1:]}:{last})"

    read = read_excel(_edited(tmp_path, report, edit))
    assert read.report == report
    assert read.notices == ()


def test_a_stale_number_in_a_total_imports_recomputed_with_a_notice(tmp_path: Path) -> None:
    report = filled_report("2021")
    stale, right = ("t3", "total_handled", "total"), ("t3", "new", "total")
    where = _coord(report, stale)

    def edit(wb: Workbook) -> None:
        ws = wb["表三"]
        ws[where] = report.cells[stale] - 1  # typed over the formula, then a part changed
        ws[_coord(report, right)] = report.cells[right]  # a right number says nothing
        wb["表四"][_coord(report, ("t4", "review", "total"))] = None

    read = read_excel(_edited(tmp_path, report, edit))
    assert read.report == report
    total = report.cells[stale]
    assert read.notices == (
        f"表三 · 三、本年度办理结果 › （七）总计 · 总计（表三!{where}）：文件中为 {total - 1}，"
        f"按各项重算为 {total}，已按重算结果导入",
    )
    assert read_document(tmp_path / "edited.xlsx").notices == read.notices


def test_a_changed_formula_or_text_in_a_total_is_not_taken(tmp_path: Path) -> None:
    report = filled_report("2019")
    handled, upheld = ("t3", "total_handled", "natural"), ("t4", "review", "total")

    def edit(wb: Workbook) -> None:
        wb["表三"][_coord(report, handled)] = "=SUM(D7:D24)+5"
        wb["表四"][_coord(report, upheld)] = "很多"

    read = read_excel(_edited(tmp_path, report, edit))
    assert read.report == report
    assert [n.split("：", 1)[1] for n in read.notices] == [
        f"文件中为公式 =SUM(D7:D24)+5，未采用，按各项重算为 {report.cells[handled]}，已按重算结果导入",
        f"文件中为“很多”，按各项重算为 {report.cells[upheld]}，已按重算结果导入",
    ]


def test_a_number_over_a_total_of_empty_parts_is_answered_with_zero(tmp_path: Path) -> None:
    report = filled_report("2021")
    for col in report.format.table("t4").column_keys():
        del report.cells[("t4", "review", col)]

    def edit(wb: Workbook) -> None:
        wb["表四"][_coord(report, ("t4", "review", "total"))] = 7

    read = read_excel(_edited(tmp_path, report, edit))
    assert read.report.cells[("t4", "review", "total")] == 0
    assert read.notices == ("表四 · 行政复议 · 总计（表四!E5）：文件中为 7，按各项重算为 0，已按重算结果导入",)


def _visible_texts(ws: Worksheet) -> list[str]:
    hidden = {letter for letter, dim in ws.column_dimensions.items() if dim.hidden}
    return [
        str(c.value) for row in ws.iter_rows() for c in row if c.value is not None and c.column_letter not in hidden
    ]


def test_the_texts_sheet_names_everything_in_chinese() -> None:
    report = _tricky_2021()
    report.explanations["TEXT_NUMBER:s1_request:收到申请"] = "含上年结转。"
    report.texts["s1_request"] = "本年收到申请 999 件。"
    wb = _workbook(report)
    ws = wb[TEXT_SHEET]
    labels = {row[0].value: row[1].value for row in ws.iter_rows(min_row=2, max_col=2)}
    assert labels["s1_active"] == "一、总体情况 · （一）主动公开"
    assert labels["s5_problems"] == "五、存在的主要问题及改进情况 · 存在的主要问题"
    assert labels["s6_other"] == "六、其他需要报告的事项"
    assert labels["SIGN_DATE"].startswith("审核说明 · 成文日期")
    assert labels["TEXT_NUMBER:s1_request:收到申请"].startswith(
        "审核说明 · 文字与表格数字不符\n“一、总体情况·（二）依申请公开”中写“本年收到申请999件”"
    )
    assert labels["T3_SUM:natural"] == "审核说明（自然人）"
    assert ws.column_dimensions["A"].hidden
    assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToWidth == 1  # printed, not cut at the edge
    keys = set(labels) - {None}
    shown = _visible_texts(ws)
    assert not keys & set(shown), keys & set(shown)
    coded = re.compile(r"[A-Z][A-Z0-9]*_[A-Z0-9_]+|s[0-9]_[a-z]+")
    assert not [label for label in labels.values() if coded.search(label)], labels
    assert parse_report_workbook(report_workbook_bytes(report)) == report


def test_a_cross_year_explanation_is_named_by_what_it_is_about() -> None:
    report = filled_report("2021")
    report.explanations = {"X_SWING:t3/new/total": "本年申请集中。", "X_CARRY_OVER:natural": "上年报告有误。"}
    labels = {row[0].value: row[1].value for row in _workbook(report)[TEXT_SHEET].iter_rows(min_row=2, max_col=2)}
    assert (
        labels["X_SWING:t3/new/total"]
        == "审核说明 · 与上年相比变化大（表三 · 一、本年新收政府信息公开申请数量 · 总计）"
    )
    assert labels["X_CARRY_OVER:natural"] == "审核说明 · 上年结转（自然人）"


def test_a_file_of_the_previous_version_still_imports() -> None:
    wb = openpyxl.load_workbook(OLD_FILE)
    assert wb[MAP_SHEET]["B1"].value == 1 and not _formula_cells(wb)
    labels = [row[1] for row in wb[TEXT_SHEET].iter_rows(min_row=2, max_col=2, values_only=True)]
    assert "审核提示的说明：TEXT_NUMBER:s1_request:收到申请" in labels
    read = read_excel(OLD_FILE)
    assert read.report == read_exchange(OLD_FILE.with_suffix(".json"))
    assert read.notices == ()
    assert read.report.explanations["TEXT_NUMBER:s1_request:收到申请"] == "文字中的数字含上年结转。"
