"""Reading the exchange file (报送数据包, ../shared/spec/exchange.md). Reading a file never trusts it.

Every problem is collected with its JSON path (`$.tables.t3.new.natural：…`) and the file is refused as a
whole with one ExchangeError, so nothing is imported from a file that is not valid throughout. Required keys:
kind, version, agency, year, format, status, tables; title, signed_by, signed_on, texts, fees, explanations
and sha256 may be absent (read as null or empty). Totals are kept exactly as given, never recomputed.
"""

from __future__ import annotations

import json
import re
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any, NoReturn, cast

from services.errors import ExchangeError, ValueParseError, describe_os_error
from services.exchange_write import EXCHANGE_KIND, EXCHANGE_VERSION, HASH_KEY, report_hash
from services.formats import CellKey, CellKind, ReportFormat, Table, all_formats
from services.json_errors import describe_value, json_error_reason
from services.names import clean_name
from services.report import EXPLANATION_KEY_MAX, YEAR_RANGE, Fees, Report, Status, text_too_long
from services.values import CellValue, check_value, check_yuan, normalise_amount

MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_DEPTH = 32
TOP_KEYS = (
    "kind",
    "version",
    "agency",
    "year",
    "format",
    "title",
    "signed_by",
    "signed_on",
    "status",
    "tables",
    "texts",
    "fees",
    "explanations",
    HASH_KEY,
)
REQUIRED_KEYS = ("kind", "version", "agency", "year", "format", "status", "tables")
# a rule id, optionally with the finding's detail (X_SWING:t3/new/total, TEXT_NUMBER:s1_request:收到申请)
RULE_ID = re.compile(r"[A-Z][A-Z0-9_]*(?::[^\x00-\x1f]{1,200})?")
MAX_NAME = 200
_DECIMAL_TEXT = re.compile(r"-?[0-9]+(?:\.[0-9]+)?")
_DATE_TEXT = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_HEX64 = re.compile(r"[0-9a-f]{64}")
_PLAIN_KEY = re.compile(r"[^\s.\[\]\"'$]+")


class _JsonObject(dict[str, Any]):
    """A parsed JSON object that remembers keys given more than once (the last one would silently win)."""

    duplicates: list[str]


def _object(pairs: list[tuple[str, Any]]) -> _JsonObject:
    obj = _JsonObject()
    obj.duplicates = []
    for key, value in pairs:
        if key in obj:
            obj.duplicates.append(key)
        obj[key] = value
    return obj


class _BadConstant(Exception):
    pass


def _constant(name: str) -> NoReturn:
    raise _BadConstant(name)


def _key_path(path: str, key: str) -> str:
    return f"{path}.{key}" if _PLAIN_KEY.fullmatch(key) else f"{path}[{json.dumps(key, ensure_ascii=False)}]"


def _refuse(source: str, problems: list[str]) -> NoReturn:
    raise ExchangeError(f"文件 {source} 不是有效的年报数据包，未导入任何内容", problems)


def _load_json(text: str, source: str) -> Any:
    try:
        return json.loads(text, parse_float=Decimal, object_pairs_hook=_object, parse_constant=_constant)
    except json.JSONDecodeError as exc:
        reason = json_error_reason(exc)
        if not exc.doc[exc.pos :].strip() and exc.msg != "Extra data":
            reason = "文件在此处意外结束，内容不完整（可能被截断）"
        where = f"第 {exc.lineno} 行第 {exc.colno} 列"
        raise ExchangeError(
            f"文件 {source} 不是有效的 JSON（{where}：{reason}），未导入任何内容",
            [f"$：JSON 语法错误，{where}：{reason}"],
        ) from None
    except _BadConstant as exc:
        _refuse(source, [f"$：JSON 中不允许 {exc.args[0]}，数值应为有限的数字"])
    except RecursionError:
        _refuse(source, ["$：嵌套层数过深，不是年报数据包"])
    except ValueError as exc:  # e.g. an integer with thousands of digits
        _refuse(source, [f"$：无法解析 JSON（数字位数过多或内容异常）：{exc}"])


def _structure_problems(source: str, data: Any) -> list[str]:
    """Duplicate keys anywhere; nesting far deeper than any exchange file refuses at once (no recursion)."""
    problems: list[str] = []
    stack: list[tuple[Any, str, int]] = [(data, "$", 1)]
    while stack:
        value, path, depth = stack.pop()
        if depth > MAX_DEPTH:
            _refuse(source, [f"{path}：嵌套层数过深（超过 {MAX_DEPTH} 层）"])
        if isinstance(value, _JsonObject):
            problems += [
                f"{_key_path(path, k)}：键重复出现，无法确定以哪个为准" for k in dict.fromkeys(value.duplicates)
            ]
            stack += [(v, _key_path(path, k), depth + 1) for k, v in reversed(value.items())]
        elif isinstance(value, list):
            stack += [(v, f"{path}[{i}]", depth + 1) for i, v in reversed(list(enumerate(value)))]
    return problems


class _Reader:
    """Walks the parsed JSON against the format, collecting problems instead of stopping at the first."""

    def __init__(self) -> None:
        self.problems: list[str] = []

    def add(self, path: str, problem: str) -> None:
        self.problems.append(f"{path}：{problem}")

    def obj(self, value: Any, path: str) -> dict[str, Any] | None:
        if isinstance(value, dict):
            return value
        self.add(path, f"应为对象（{{…}}），实际为{describe_value(value)}")
        return None

    def unknown_keys(self, obj: dict[str, Any], known: tuple[str, ...] | set[str], path: str) -> None:
        for key in obj:
            if key not in known:
                self.add(_key_path(path, key), f"未知的键 {json.dumps(key, ensure_ascii=False)}")

    def opt_str(self, obj: dict[str, Any], key: str, path: str) -> str | None:
        value = obj.get(key)
        if value is None or isinstance(value, str):
            return value
        self.add(_key_path(path, key), f"应为字符串或 null，实际为{describe_value(value)}")
        return None

    def count(self, value: Any, path: str, kind: CellKind) -> int | None:
        if isinstance(value, bool) or not isinstance(value, int):
            what = "件数应为非负整数" if kind == "count" else "增减数应为整数（可为负）"
            self.add(path, f"{what}，实际为{describe_value(value)}")
            return None
        return self.checked(value, kind, path)  # type: ignore[return-value]

    def amount(self, value: Any, path: str, what: str) -> Decimal | None:
        if isinstance(value, str) and _DECIMAL_TEXT.fullmatch(value):
            value = Decimal(value)
        elif isinstance(value, bool) or not isinstance(value, int | Decimal):
            self.add(path, f'{what}应为数字或十进制数字字符串（如 "533.41"），实际为{describe_value(value)}')
            return None
        return self.checked(value, "amount", path)  # type: ignore[return-value]

    def checked(self, value: int | Decimal, kind: CellKind, path: str) -> CellValue | None:
        try:
            return check_value(value, kind)
        except ValueParseError as exc:
            self.add(path, exc.message)
            return None


def _label_hint(key: str, labels: dict[str, str], what: str) -> str:
    stripped = key.strip()
    if stripped in labels:
        return f"；“{stripped}”是{what}的名称，应使用键 {labels[stripped]}"
    return ""


def _read_table(r: _Reader, table: Table, raw: Any, path: str, cells: dict[CellKey, CellValue]) -> None:
    rows = r.obj(raw, path)
    if rows is None:
        return
    row_labels = {label: row.key for row in table.rows() for label in (row.label, row.short)}
    col_labels = {col.label: col.key for block in table.blocks for col in block.columns}
    row_keys = {row.key for row in table.rows()}
    for row_key, row_raw in rows.items():
        row_path = _key_path(path, row_key)
        if row_key not in row_keys:
            hint = _label_hint(row_key, row_labels, "行")
            if not hint and (row_key in col_labels or row_key in table.column_keys()):
                hint = "；这是列，不是行：列应写在行对象之内"
            r.add(row_path, f"{table.key} 表没有行键 {json.dumps(row_key, ensure_ascii=False)}{hint}")
            continue
        row_obj = r.obj(row_raw, row_path)
        if row_obj is None:
            continue
        block_cols = [c.key for c in table.block_of(row_key).columns]
        for col_key, value in row_obj.items():
            col_path = _key_path(row_path, col_key)
            spec = table.cell(row_key, col_key)
            if spec is None:
                hint = _label_hint(col_key, col_labels, "列")
                r.add(
                    col_path,
                    f"{row_key} 行没有列键 {json.dumps(col_key, ensure_ascii=False)}{hint}"
                    f"（本行的列：{'、'.join(block_cols)}）",
                )
                continue
            if value is None:
                continue
            cell = r.amount(value, col_path, "金额") if spec.kind == "amount" else r.count(value, col_path, spec.kind)
            if cell is not None:
                cells[spec.key] = cell


def _read_tables(r: _Reader, fmt: ReportFormat, raw: Any) -> dict[CellKey, CellValue]:
    cells: dict[CellKey, CellValue] = {}
    tables = r.obj(raw, "$.tables")
    if tables is None:
        return cells
    by_name = {t.name: t.key for t in fmt.tables}
    for key, table_raw in tables.items():
        path = _key_path("$.tables", key)
        try:
            table = fmt.table(key)
        except KeyError:
            known = "、".join(t.key for t in fmt.tables)
            r.add(
                path,
                f"{fmt.id} 格式没有表 {json.dumps(key, ensure_ascii=False)}"
                f"{_label_hint(key, by_name, '表')}（表键：{known}）",
            )
            continue
        _read_table(r, table, table_raw, path, cells)
    return cells


def _read_texts(r: _Reader, fmt: ReportFormat, raw: Any) -> dict[str, str]:
    texts: dict[str, str] = {}
    obj = r.obj(raw, "$.texts")
    if obj is None:
        return texts
    known = fmt.text_keys()
    labels = {spec.label: spec.key for spec in fmt.text_specs()}
    labels |= {spec.heading: spec.key for spec in fmt.text_specs() if spec.heading}
    for key, value in obj.items():
        path = _key_path("$.texts", key)
        if key not in known:
            hint = _label_hint(key, labels, "段落") or f"（文字键：{'、'.join(known)}）"
            r.add(path, f"{fmt.id} 格式没有文字键 {json.dumps(key, ensure_ascii=False)}{hint}")
        elif not isinstance(value, str):
            r.add(path, f"应为字符串，实际为{describe_value(value)}")
        elif (too_long := text_too_long(value)) is not None:
            r.add(path, too_long)
        else:
            texts[key] = value
    return texts


def _read_fees(r: _Reader, raw: Any) -> Fees:
    fees = Fees()
    obj = r.obj(raw, "$.fees")
    if obj is None:
        return fees
    r.unknown_keys(obj, ("fee_notices", "fee_amount_yuan"), "$.fees")
    notices = obj.get("fee_notices")
    if notices is not None:
        fees.notices = r.count(notices, "$.fees.fee_notices", "count")
    amount = obj.get("fee_amount_yuan")
    if amount is not None:
        value = r.amount(amount, "$.fees.fee_amount_yuan", "信息处理费金额（元）")
        if value is not None:
            try:
                fees.amount_yuan = normalise_amount(check_yuan(value, str(amount)))
            except ValueParseError as exc:
                r.add("$.fees.fee_amount_yuan", f"信息处理费：{exc}")
    return fees


def _read_explanations(r: _Reader, raw: Any) -> dict[str, str]:
    explanations: dict[str, str] = {}
    obj = r.obj(raw, "$.explanations")
    for key, value in (obj or {}).items():
        path = _key_path("$.explanations", key)
        if not RULE_ID.fullmatch(key):
            shown = json.dumps(key, ensure_ascii=False)
            r.add(path, f"说明的键应为检查规则编号（如 SIGN_DATE 或 T3_SUM:natural），实际为 {shown}")
        elif len(key) > EXPLANATION_KEY_MAX:
            r.add(path, f"说明的键过长（{len(key)} 个字符，最多 {EXPLANATION_KEY_MAX} 个）")
        elif not isinstance(value, str):
            r.add(path, f"应为字符串，实际为{describe_value(value)}")
        elif (too_long := text_too_long(value)) is not None:
            r.add(path, too_long)
        else:
            explanations[key] = value
    return explanations


def _check_hash(r: _Reader, root: dict[str, Any], status: Any) -> None:
    given = root.get(HASH_KEY)
    if given is None:
        if status == "final":
            r.add(f"$.{HASH_KEY}", "定稿（status 为 final）的数据包必须带校验码 sha256")
        return
    if not isinstance(given, str) or not _HEX64.fullmatch(given):
        r.add(f"$.{HASH_KEY}", f"校验码应为 64 位小写十六进制字符串，实际为{describe_value(given)}")
    elif given != report_hash(root):
        # an unkeyed checksum: it finds damage and edits made without recomputing it, and proves nothing more
        r.add(f"$.{HASH_KEY}", "内容与校验码不符：文件在定稿后被改动或已损坏")


def _read_date(r: _Reader, value: Any) -> date | None:
    if value is None:
        return None
    if isinstance(value, str) and _DATE_TEXT.fullmatch(value):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    r.add("$.signed_on", f"应为 YYYY-MM-DD 格式的有效日期或 null，实际为{describe_value(value)}")
    return None


def parse_exchange(data: bytes | str, source: str = "<内存>") -> Report:
    """Read an exchange file's content; raises ExchangeError listing every problem with its JSON path."""
    if isinstance(data, bytes):
        raw = data
        try:
            data = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            line = raw[: exc.start].count(b"\n") + 1
            where = f"第 {line} 行，第 {exc.start + 1} 个字节 0x{raw[exc.start]:02X} 无法解码"
            raise ExchangeError(
                f"文件 {source} 不是 UTF-8 编码（{where}；可能以 GBK 等编码另存过），未导入任何内容",
                [f"$：不是 UTF-8 编码，{where}"],
            ) from None
    root_raw = _load_json(data.removeprefix("\ufeff"), source)
    r = _Reader()
    r.problems += _structure_problems(source, root_raw)
    root = r.obj(root_raw, "$")
    if root is None:
        _refuse(source, r.problems)
    if root.get("kind") != EXCHANGE_KIND:
        shown = describe_value(root.get("kind"))
        _refuse(source, [*r.problems, f'$.kind：不是年报数据包（应为 "{EXCHANGE_KIND}"，实际为{shown}）'])
    version = root.get("version")
    if isinstance(version, int) and not isinstance(version, bool) and version > EXCHANGE_VERSION:
        message = f"数据包版本为 {version}，本程序只能读取到版本 {EXCHANGE_VERSION}，请升级年报程序"
        raise ExchangeError(f"文件 {source} 无法导入：{message}。未导入任何内容", [f"$.version：{message}"])
    for key in REQUIRED_KEYS:
        if key not in root:
            r.add(f"$.{key}", "缺少此项")
    r.unknown_keys(root, TOP_KEYS, "$")
    if "version" in root and (type(version) is not int or version != EXCHANGE_VERSION):  # not true, not 1.0
        r.add("$.version", f"应为整数版本号 {EXCHANGE_VERSION}，实际为{describe_value(version)}")

    agency, code = "", None
    agency_obj = r.obj(root.get("agency"), "$.agency") if "agency" in root else None
    if agency_obj is not None:
        r.unknown_keys(agency_obj, ("name", "code"), "$.agency")
        name = agency_obj.get("name")
        name = clean_name(name) if isinstance(name, str) else name
        if isinstance(name, str) and name and len(name) <= MAX_NAME:
            agency = name
        elif isinstance(name, str) and name:
            r.add("$.agency.name", f"机关名称过长（{len(name)} 字，最多 {MAX_NAME} 字）")
        else:
            r.add("$.agency.name", f"应为非空字符串（机关名称），实际为{describe_value(name)}")
        code = r.opt_str(agency_obj, "code", "$.agency")

    year = root.get("year")
    if "year" in root and (
        isinstance(year, bool) or not isinstance(year, int) or not YEAR_RANGE[0] <= year <= YEAR_RANGE[1]
    ):
        r.add("$.year", f"应为 {YEAR_RANGE[0]} 到 {YEAR_RANGE[1]} 之间的整数年份，实际为{describe_value(year)}")

    formats = all_formats()
    format_id = root.get("format")
    fmt = formats.get(format_id) if isinstance(format_id, str) else None
    if "format" in root and fmt is None:
        r.add("$.format", f"未知的报告格式：{describe_value(format_id)}（本程序支持：{'、'.join(formats)}）")

    status = root.get("status")
    if "status" in root and status not in ("draft", "final"):
        r.add("$.status", f'应为 "draft"（草稿）或 "final"（定稿），实际为{describe_value(status)}')

    title = r.opt_str(root, "title", "$")
    signed_by = r.opt_str(root, "signed_by", "$")
    signed_on = _read_date(r, root.get("signed_on"))
    cells: dict[CellKey, CellValue] = {}
    texts: dict[str, str] = {}
    if fmt is not None:
        cells = _read_tables(r, fmt, root.get("tables")) if "tables" in root else {}
        texts = _read_texts(r, fmt, root["texts"]) if root.get("texts") is not None else {}
    fees = _read_fees(r, root["fees"]) if root.get("fees") is not None else Fees()
    explanations = _read_explanations(r, root["explanations"]) if root.get("explanations") is not None else {}
    _check_hash(r, root, status)

    if r.problems or fmt is None:
        _refuse(source, r.problems)
    return Report(
        agency=agency,
        year=cast(int, year),
        format_id=fmt.id,
        agency_code=code,
        title=title,
        signed_by=signed_by,
        signed_on=signed_on,
        status=cast(Status, status),
        cells=cells,
        texts=texts,
        fees=fees,
        explanations=explanations,
    )


def read_exchange(path: Path) -> Report:
    """Read an exchange file from disk; too large or unreadable files are refused with an ExchangeError."""
    path = Path(path)
    limit = f"{MAX_FILE_BYTES // (1024 * 1024)} MB"
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise ExchangeError(
                f"文件 {path} 过大（{size / 1024 / 1024:.1f} MB，年报数据包不超过 {limit}），未导入任何内容"
            )
        with path.open("rb") as fh:
            data = fh.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise ExchangeError(f"无法读取文件 {path}：{describe_os_error(exc)}") from None
    if len(data) > MAX_FILE_BYTES:  # grew since stat, or a device that reports no size
        raise ExchangeError(f"文件 {path} 过大（年报数据包不超过 {limit}），未导入任何内容")
    return parse_exchange(data, str(path))
