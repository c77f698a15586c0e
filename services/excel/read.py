"""Reading a report back from an Excel workbook in the project's template. Reading a file never trusts it.

The hidden map says where every value, text and label is. A clerk may retype values (also as text such as
"１２" or "1,234"), restyle cells or write notes outside the tables; but if a label is no longer at its
recorded cell with its exact text, or a table's hidden range name has moved, a row or column inside a table
was inserted, moved or deleted and the file is refused rather than read into the wrong cells. Formulas and
error values in mapped value cells are refused too: a formula's cached value may be stale or absent. Every
problem is collected with its sheet!cell, and the file is refused as a whole.

A total is never read: whatever its cell holds (the template's formula, a number typed over it, a blank) it
is recomputed from its parts, and a clerk told (a notice, not a refusal) when a typed number or a changed
formula said otherwise.
"""

from __future__ import annotations

import io
import re
import unicodedata
import warnings
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any, cast

from defusedxml import DefusedXmlException
from openpyxl import load_workbook
from openpyxl.cell.cell import Cell
from openpyxl.utils.cell import absolute_coordinate, column_index_from_string
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.formula import ArrayFormula, DataTableFormula

from services.checks import recompute_totals
from services.errors import ValueParseError
from services.excel.archive import check_archive, read_checked
from services.excel.labels import cell_name
from services.excel.sheet_map import (
    ENTRY_KINDS,
    MAP_FIRST_ROW,
    MAP_MARKER,
    MAP_SCHEMA_VERSION,
    MAP_SHEET,
    RANGE_NAME,
    READ_SCHEMA_VERSIONS,
    STATUS_LABELS,
    ExcelError,
    MapEntry,
    cell_key_text,
    unescape_text,
)
from services.excel.totals import same_formula, sum_formula, total_terms
from services.exchange_read import MAX_NAME, RULE_ID
from services.formats import CellKey, CellKind, ReportFormat, all_formats
from services.grid_layout import grid_layout
from services.names import clean_name
from services.report import YEAR_RANGE, Fees, Report, Status, text_too_long
from services.values import (
    AMOUNT_PLACES,
    MAX_VALUE,
    CellValue,
    check_value,
    check_yuan,
    format_for_display,
    parse_value,
    parse_yuan,
)

_COORD = re.compile(r"([A-Z]{1,3})([1-9][0-9]{0,6})")
_RANGE = re.compile(r"[A-Z]{1,3}[1-9][0-9]{0,6}:[A-Z]{1,3}[1-9][0-9]{0,6}")
_CN_DATE = re.compile(r"([0-9]{4})年([0-9]{1,2})月([0-9]{1,2})日")
_STATUS = {**{v: k for k, v in STATUS_LABELS.items()}, **{k: k for k in STATUS_LABELS}}
_NOT_TEMPLATE = "不是年报程序导出的Excel模板"
REQUIRED_META = ("agency", "year", "format", "status")


def _load(data: bytes, source: str) -> Workbook:
    try:
        with warnings.catch_warnings():
            # openpyxl warns about Excel features it does not keep (data validation extensions, slicers, …);
            # they do not touch the cells read here, and a clerk's file should not fail because of them.
            warnings.simplefilter("ignore")
            return load_workbook(io.BytesIO(data), data_only=False, keep_links=False, rich_text=False)
    except Exception as exc:  # a damaged file can fail anywhere inside openpyxl; this is input, not a bug
        if _unsafe_xml(exc):
            raise ExcelError(
                f"文件 {source} 无法导入：其中含有不安全的 XML 内容（实体或文档类型声明），"
                "可能是恶意构造的文件，未导入任何内容"
            ) from None
        raise ExcelError(
            f"文件 {source} 已损坏，无法作为 Excel 工作簿读取（{type(exc).__name__}），未导入任何内容"
        ) from None


def _unsafe_xml(exc: BaseException) -> bool:
    """A refusal by defusedxml (sheets, shared strings) or by libxml2's entity limits (workbook.xml, read with
    lxml); openpyxl re-raises the first as ValueError("Unable to read workbook…") from it."""
    seen: BaseException | None = exc
    for _ in range(10):
        if seen is None:
            return False
        if isinstance(seen, DefusedXmlException) or "entity amplification" in str(seen):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def _valid_coord(text: str) -> bool:
    match = _COORD.fullmatch(text)
    return match is not None and column_index_from_string(match.group(1)) <= 16384 and int(match.group(2)) <= 1048576


MAX_MAP_ROWS = 20_000


def _read_map(wb: Workbook, source: str) -> tuple[ReportFormat, list[MapEntry]]:
    if MAP_SHEET not in wb.sheetnames:
        raise ExcelError(
            f"文件 {source} {_NOT_TEMPLATE}（缺少隐藏的对照表 {MAP_SHEET}），未导入任何内容。"
            "请先在年报程序中导出 Excel 模板，在模板中填写后再导入"
        )
    broken = f"文件 {source} 中隐藏的对照表已损坏，无法导入"
    if wb[MAP_SHEET].max_row > MAX_MAP_ROWS:  # a map has a few hundred rows; iterating a million costs a minute
        raise ExcelError(broken, [f"{MAP_SHEET}：行数 {wb[MAP_SHEET].max_row} 超出正常范围"])
    rows = [
        tuple(row[:5]) + (None,) * (5 - len(row[:5])) for row in wb[MAP_SHEET].iter_rows(max_col=5, values_only=True)
    ]
    if len(rows) < MAP_FIRST_ROW - 1 or rows[0][0] != MAP_MARKER:
        raise ExcelError(f"文件 {source} {_NOT_TEMPLATE}（对照表无法识别），未导入任何内容")
    version = rows[0][1]
    if isinstance(version, int) and version > MAP_SCHEMA_VERSION:
        raise ExcelError(
            f"文件 {source} 由较新版本的年报程序导出（模板版本 {version}，本程序只能读取到版本 "
            f"{MAP_SCHEMA_VERSION}），请升级年报程序"
        )
    formats = all_formats()
    format_id = rows[1][1]
    if version not in READ_SCHEMA_VERSIONS or rows[1][0] != "format" or format_id not in formats:
        raise ExcelError(broken, [f"{MAP_SHEET}：模板版本或报告格式无法识别"])
    problems: list[str] = []
    entries: list[MapEntry] = []
    for number, (kind, key, sheet, cells, text) in enumerate(rows[MAP_FIRST_ROW - 1 :], start=MAP_FIRST_ROW):
        coords = tuple(cells.split()) if isinstance(cells, str) else ()
        valid = (
            _RANGE.fullmatch(coords[0]) is not None
            if kind == "range" and len(coords) == 1
            else bool(coords) and all(_valid_coord(c) for c in coords)
        )
        if (
            kind not in ENTRY_KINDS
            or not isinstance(key, str)
            or not isinstance(sheet, str)
            or not valid
            or (kind == "label" and not isinstance(text, str))
        ):
            problems.append(f"{MAP_SHEET}!A{number}：对照表的这一行无法识别")
            continue
        label = unescape_text(text) if isinstance(text, str) else None
        entries.append(MapEntry(kind, unescape_text(key), unescape_text(sheet), coords, label))
    present = {e.key for e in entries if e.kind == "meta"}
    problems += [f"{MAP_SHEET}：缺少 {key}" for key in REQUIRED_META if key not in present]
    fmt = formats[cast(str, format_id)]
    mapped = {e.key for e in entries if e.kind == "cell"}
    problems += [
        f"{MAP_SHEET}：缺少单元格 {cell_key_text(s.key)}"
        for s in fmt.cell_specs()
        if cell_key_text(s.key) not in mapped
    ]
    if problems:
        raise ExcelError(broken, problems)
    return fmt, entries


def _shown(value: Any) -> str:
    text = "" if value is None else unescape_text(value) if isinstance(value, str) else str(value)
    return text if len(text) <= 40 else text[:40] + "…"


def _structure_problems(wb: Workbook, entries: list[MapEntry]) -> list[str]:
    problems: list[str] = []
    missing = sorted({e.sheet for e in entries if e.sheet not in wb.sheetnames})
    problems += [f"找不到工作表“{name}”（工作表被改名或删除）" for name in missing]
    for entry in entries:
        if entry.sheet in missing:
            continue
        if entry.kind == "range":
            problems += _range_problems(wb, entry)
        elif entry.kind == "label":
            actual = wb[entry.sheet][entry.cells[0]].value
            if not isinstance(actual, str) or unescape_text(actual) != entry.text:
                problems.append(f"{entry.sheet}!{entry.cells[0]} 应为“{entry.text}”，实际为“{_shown(actual)}”")
    return problems


def _range_problems(wb: Workbook, entry: MapEntry) -> list[str]:
    """Excel moves a defined name with its cells: a table range that moved means rows or columns moved."""
    name = wb.defined_names.get(RANGE_NAME.format(table=entry.key))
    if name is None:  # some programs drop hidden names; the labels are still checked
        return []
    expected = (entry.sheet, absolute_coordinate(entry.cells[0]))
    try:
        found = list(name.destinations)
    except Exception:  # an unparsable reference (#REF! after a deletion) is itself the answer
        found = []
    if found == [expected]:
        return []
    now = "、".join(f"{sheet}!{ref.replace('$', '')}" for sheet, ref in found) or str(name.attr_text)
    return [f"{entry.sheet}!{entry.cells[0]} 的表格范围已变为 {now}"]


def _from_float(value: float, kind: CellKind) -> CellValue:
    """Excel keeps numbers as binary floats ('1.1' may come back as 1.1000000000000001): an amount is the
    6-decimal number whose nearest float this is; a count must be whole."""
    number = Decimal(repr(value))
    if (
        kind == "amount"
        and number.is_finite()
        and abs(number) <= MAX_VALUE
        and cast(int, number.as_tuple().exponent) < -AMOUNT_PLACES
    ):
        rounded = number.quantize(Decimal(1).scaleb(-AMOUNT_PLACES))
        if float(rounded) == value:
            number = rounded
    return check_value(number, kind, format(number, "f") if number.is_finite() else repr(value))


def _is_formula(cell: Cell) -> bool:
    return cell.data_type == "f" or isinstance(cell.value, ArrayFormula | DataTableFormula)


def _formula_text(value: object) -> str:
    return _shown(value.text if isinstance(value, ArrayFormula) else value)


def _number(cell: Cell, kind: CellKind) -> CellValue | None:
    """The value of a number cell; raises ValueParseError saying what is wrong with it."""
    value = cell.value
    if _is_formula(cell):
        raise ValueParseError(
            f"是公式（{_formula_text(value)}）。只有合计单元格可以是公式，这里请直接填写数字"
            "（可复制后“选择性粘贴→数值”）"
        )
    if cell.data_type == "e":
        raise ValueParseError(f"是错误值 {value}，请填写数字")
    if value is None:
        return None
    if isinstance(value, bool):
        raise ValueParseError(f"“{value}”是逻辑值，不是数字")
    if isinstance(value, datetime | date | time | timedelta):
        raise ValueParseError("是日期或时间，不是数字（请把单元格格式改为“常规”或“数值”后重新填写）")
    if isinstance(value, int):
        return check_value(value, kind)
    if isinstance(value, float):
        return _from_float(value, kind)
    return parse_value(unescape_text(str(value)), kind)


class _Reader:
    def __init__(self, wb: Workbook) -> None:
        self.wb = wb
        self.problems: list[str] = []

    def cell(self, entry: MapEntry, index: int = 0) -> Cell:
        return cast(Cell, self.wb[entry.sheet][entry.cells[index]])

    def where(self, entry: MapEntry, index: int = 0) -> str:
        return f"{entry.sheet}!{entry.cells[index]}"

    def number(self, entry: MapEntry, kind: CellKind, name: str | None = None) -> CellValue | None:
        """A number cell's value; `name` is the cell as on the form, said beside its sheet!cell."""
        try:
            return _number(self.cell(entry), kind)
        except ValueParseError as exc:
            named = f"（{name}）" if name else ""
            self.problems.append(f"{self.where(entry)}{named}：{exc.message}")
            return None

    def text(self, entry: MapEntry) -> str | None:
        """A text cell (with its continuation cells); None when empty or not text."""
        parts: list[str] = []
        for i in range(len(entry.cells)):
            cell = self.cell(entry, i)
            value = cell.value
            if _is_formula(cell):
                self.problems.append(f"{self.where(entry, i)}：是公式，请直接填写文字")
            elif isinstance(value, str):
                parts.append(unescape_text(value))
            elif isinstance(value, int) and not isinstance(value, bool):
                parts.append(str(value))  # e.g. an agency code that Excel took for a number
            elif value is not None:
                self.problems.append(f"{self.where(entry, i)}：应为文字，实际为“{_shown(value)}”")
        return "".join(parts) or None

    def year(self, entry: MapEntry) -> int | None:
        value = self.cell(entry).value
        text = unicodedata.normalize("NFKC", str(value)).strip() if value is not None else ""
        if (
            isinstance(value, int | str)
            and not isinstance(value, bool)
            and text.isascii()
            and text.isdigit()
            and YEAR_RANGE[0] <= int(text) <= YEAR_RANGE[1]
        ):
            return int(text)
        self.problems.append(
            f"{self.where(entry)}：报告年度应为 {YEAR_RANGE[0]} 到 {YEAR_RANGE[1]} 之间的整数，实际为“{_shown(value)}”"
        )
        return None

    def date(self, entry: MapEntry) -> date | None:
        value = self.cell(entry).value
        if value is None or isinstance(value, date):
            return value.date() if isinstance(value, datetime) else value
        text = unicodedata.normalize("NFKC", unescape_text(str(value))).strip()
        match = _CN_DATE.fullmatch(text)
        try:
            if match:
                return date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
            if re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", text):
                return date.fromisoformat(text)
        except ValueError:
            pass
        if not text:
            return None
        self.problems.append(
            f"{self.where(entry)}：成文日期应为日期（如 2023-01-20 或 2023年1月20日），实际为“{_shown(value)}”"
        )
        return None


def _meta(r: _Reader, fmt: ReportFormat, entries: list[MapEntry]) -> dict[str, Any]:
    meta: dict[str, Any] = {"fees": Fees()}
    for entry in entries:
        key, where = entry.key, r.where(entry)
        if key == "year":
            meta["year"] = r.year(entry)
        elif key == "signed_on":
            meta["signed_on"] = r.date(entry)
        elif key == "fee_notices":
            notices = r.number(entry, "count")
            meta["fees"].notices = notices if isinstance(notices, int) else None
        elif key == "fee_amount_yuan":
            typed = r.cell(entry).value
            try:
                if isinstance(typed, str):  # '1,200元', '0.12万元': in 元 (a table amount would be 万元)
                    meta["fees"].amount_yuan = parse_yuan(unescape_text(typed))
                else:
                    amount = r.number(entry, "amount")
                    meta["fees"].amount_yuan = None if amount is None else check_yuan(amount)
            except ValueParseError as exc:
                r.problems.append(f"{where}：信息处理费{exc.message}")
        else:
            meta[key] = r.text(entry)
    agency = clean_name(meta.get("agency") or "")
    if not agency or len(agency) > MAX_NAME:
        r.problems.append(f"{r.where(_entry(entries, 'agency'))}：机关名称应填写（不超过 {MAX_NAME} 字）")
    meta["agency"] = agency
    if (meta.get("format") or "").strip() != fmt.id:
        r.problems.append(f"{r.where(_entry(entries, 'format'))}：报告格式不可修改（本模板为 {fmt.id}）")
    status = _STATUS.get((meta.get("status") or "").strip())
    if status is None:
        r.problems.append(
            f"{r.where(_entry(entries, 'status'))}：状态应为“草稿”或“定稿”，实际为“{meta.get('status') or ''}”"
        )
    meta["status"] = status
    return meta


def _entry(entries: list[MapEntry], key: str) -> MapEntry:
    return next(e for e in entries if e.key == key)  # present: _read_map refuses a map without it


@dataclass(frozen=True)
class ExcelRead:
    """A report read from the template, and what the clerk should be told about how it was read."""

    report: Report
    notices: tuple[str, ...] = ()
    """Totals whose cell said otherwise than their parts (a number typed over the formula, a changed formula)."""


def _cell_entries(
    r: _Reader, fmt: ReportFormat, entries: list[MapEntry], source: str
) -> tuple[dict[CellKey, CellValue], dict[CellKey, MapEntry]]:
    """The value cells read, and the totals' entries (recomputed, never read)."""
    terms = total_terms(fmt)
    cells: dict[CellKey, CellValue] = {}
    totals: dict[CellKey, MapEntry] = {}
    for entry in entries:
        if entry.kind != "cell":
            continue
        parts = entry.key.split("/")
        spec = fmt.cell_spec((parts[0], parts[1], parts[2])) if len(parts) == 3 else None
        if spec is None:
            raise ExcelError(f"文件 {source} 中隐藏的对照表已损坏，无法导入", [f"未知的单元格 {entry.key}"])
        if spec.key in terms:
            totals[spec.key] = entry
            continue
        value = r.number(entry, spec.kind, cell_name(fmt, spec.key))
        if value is not None:
            cells[spec.key] = value
    return cells, totals


def _template_formula(fmt: ReportFormat, key: CellKey, entry: MapEntry) -> str:
    """The formula the template wrote in a total's cell (its table placed by where the map says the total is)."""
    layout = grid_layout(fmt, key[0])
    match = _COORD.fullmatch(entry.cells[0])
    top = int(match.group(2)) - layout.position(key)[0] if match else 0
    return sum_formula(layout, top, total_terms(fmt)[key])


def _what_was_there(cell: Cell, kind: CellKind, ours: str, now: CellValue) -> str | None:
    """What a total's cell said that its parts do not (recomputed: `now`); None when it agrees or is blank."""
    value = cell.value
    if value is None:
        return None
    if _is_formula(cell):
        if isinstance(value, str) and same_formula(value, ours):
            return None
        return f"文件中为公式 {_formula_text(value)}，未采用"
    try:
        typed = _number(cell, kind)
    except ValueParseError:
        return f"文件中为“{_shown(value)}”"
    if typed is None or typed == now:
        return None
    return f"文件中为 {format_for_display(typed)}"


def _live_totals(terms: Mapping[CellKey, tuple[CellKey, ...]], filled: set[CellKey]) -> set[CellKey]:
    """The totals with a filled part, directly or through another total, or themselves filled."""
    live = {key for key in terms if key in filled}
    grown = True
    while grown:
        grown = False
        for key, parts in terms.items():
            if key not in live and any(part in filled or part in live for part in parts):
                live.add(key)
                grown = True
    return live


def _settle_totals(r: _Reader, fmt: ReportFormat, report: Report, totals: dict[CellKey, MapEntry]) -> list[str]:
    """Fill the totals from their parts as the workbook's SUM showed them: a total with some parts empty adds up
    those there (an edit in the app leaves it empty until they are all filled); as in the app, a total whose
    parts are all empty stays empty, unless a number was typed over it (answered with its parts' 0, and so are
    the totals it feeds). A notice for each total cell that said otherwise than its parts."""
    terms = total_terms(fmt)
    typed = {key for key, entry in totals.items() if r.cell(entry).value is not None and not _is_formula(r.cell(entry))}
    live = _live_totals(terms, set(report.cells) | typed)
    recompute_totals(report)
    # what recompute_totals left empty has only empty parts, down to the value cells: their sum is 0
    for key in live - report.cells.keys():
        spec = fmt.cell_spec(key)
        report.cells[key] = Decimal(0) if spec is not None and spec.kind == "amount" else 0
    notices: list[str] = []
    for key, entry in totals.items():
        now = report.cells.get(key, 0)
        spec = fmt.cell_spec(key)
        kind: CellKind = spec.kind if spec else "count"
        said = _what_was_there(r.cell(entry), kind, _template_formula(fmt, key, entry), now)
        if said is not None:
            notices.append(
                f"{cell_name(fmt, key)}（{r.where(entry)}）：{said}，按各项重算为 {format_for_display(now)}，"
                "已按重算结果导入"
            )
    return notices


def parse_excel(data: bytes, source: str = "<内存>") -> ExcelRead:
    """Read a workbook's bytes; raises ExcelError listing every problem with its sheet!cell."""
    check_archive(data, source)
    wb = _load(data, source)
    fmt, entries = _read_map(wb, source)
    moved = _structure_problems(wb, entries)
    if moved:
        raise ExcelError(
            f"文件 {source} 中表格的行或列被移动或删除，未导入任何内容"
            "（请在原样式的模板中修改数值，不要插入或删除表格内的行和列）",
            moved,
        )
    r = _Reader(wb)
    cells, totals = _cell_entries(r, fmt, entries, source)
    meta = _meta(r, fmt, [e for e in entries if e.kind == "meta"])
    texts = {e.key: r.text(e) or "" for e in entries if e.kind == "text" and e.key in fmt.text_keys()}
    labels = {spec.key: spec.label for spec in fmt.text_specs()}
    r.problems += [
        f"{labels.get(key, key)}：{why}" for key, text in texts.items() if (why := text_too_long(text)) is not None
    ]
    explanations: dict[str, str] = {}
    for entry in (e for e in entries if e.kind == "explanation"):
        if RULE_ID.fullmatch(entry.key):
            explanations[entry.key] = r.text(entry) or ""
    if r.problems:
        raise ExcelError(f"文件 {source} 中有 {len(r.problems)} 处内容无法导入，未导入任何内容", r.problems)
    report = Report(
        agency=meta["agency"],
        year=meta["year"],
        format_id=fmt.id,
        agency_code=meta.get("agency_code"),
        title=meta.get("title"),
        signed_by=meta.get("signed_by"),
        signed_on=meta.get("signed_on"),
        status=cast(Status, meta["status"]),
        cells=cells,
        texts=texts,
        fees=meta["fees"],
        explanations=explanations,
    )
    return ExcelRead(report, tuple(_settle_totals(r, fmt, report, totals)))


def parse_report_workbook(data: bytes, source: str = "<内存>") -> Report:
    """`parse_excel` without its notices."""
    return parse_excel(data, source).report


def read_excel(path: Path) -> ExcelRead:
    """Read a report from an .xlsx in the project's template; raises ExcelError and never writes anything."""
    path = Path(path)
    return parse_excel(read_checked(path), str(path))


def read_report_xlsx(path: Path) -> Report:
    """`read_excel` without its notices."""
    return read_excel(path).report
