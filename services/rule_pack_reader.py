"""Reading a rule pack (上级要求, services.rule_packs) from its JSON file. Reading a file never trusts it.

Every problem is collected with its JSON path (`rules[2].equals：应为单元格键…，实际为整数 5`) and the pack is
refused as a whole with one RulePackError: the office that wrote it sees everything to correct at once, and a
unit never works under half a pack. Every text, section and cell key it names must exist in each format it
applies to, so a typo is caught when the pack is loaded, not by a finding that never fires.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any, cast

from services.checks import Severity
from services.errors import RulePackError, describe_os_error
from services.files import require_regular_file
from services.formats import ReportFormat, all_formats
from services.json_errors import describe_value, json_error_reason
from services.rule_packs import (
    FIELD_NAMES,
    NUMBER_FIELDS,
    Confirm,
    Deadline,
    MaxChars,
    Mention,
    PackRule,
    Required,
    RulePack,
    cell_key,
)

PACK_KIND = "nianbao-rule-pack"
PACK_SCHEMA = 1
MAX_FILE_BYTES = 1024 * 1024
MAX_ID = 16
"""Characters of a pack's or a rule's id: both are in the keys of the clerks' 审核说明 (at most 64 characters)."""
MAX_PATTERN = 300
_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]*")
_MONTH_DAY = re.compile(r"([0-9]{2})-([0-9]{2})")
_NUMBER = r"\s*((?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.[0-9]+)?)\s*"
_WORDS = r"[^。；;，,：:！!？?\n0-9]{0,20}?"
"""{*} in a template: a few words within one clause, no figure (so it never reaches another figure's number)."""
_PLACEHOLDER = re.compile(r"\{n\}|\{\*\}")

_TOP_KEYS = ("kind", "schema", "id", "name", "short", "office", "version", "description", "applies_to", "rules")
_COMMON = ("id", "kind", "severity", "note")
_RULE_KEYS: dict[str, tuple[str, ...]] = {
    "max_chars": (*_COMMON, "text", "max"),
    "mention": (*_COMMON, "text", "what", "template", "regex", "example", "equals"),
    "required": (*_COMMON, "fields"),
    "confirm": (*_COMMON, "what", "about"),
    "deadline": (*_COMMON, "date"),
}


class _Reader:
    """Walks the parsed JSON, collecting every problem instead of stopping at the first."""

    def __init__(self, formats: dict[str, ReportFormat]) -> None:
        self.problems: list[str] = []
        self.formats = formats

    def add(self, path: str, problem: str) -> None:
        self.problems.append(f"{path}：{problem}")

    def unknown(self, obj: dict[str, Any], known: tuple[str, ...], path: str) -> None:
        for key in obj:
            if key not in known:
                self.add(f"{path}.{key}" if path else key, f"未知的键 {json.dumps(key, ensure_ascii=False)}")

    def text(self, obj: dict[str, Any], key: str, path: str, *, optional: bool = False, limit: int = 200) -> str:
        value = obj.get(key)
        if value is None and optional:
            return ""
        if not isinstance(value, str) or not value.strip():
            self.add(path, f"应为非空字符串，实际为{describe_value(value) if key in obj else '缺少此项'}")
            return ""
        if len(value) > limit:
            self.add(path, f"过长（{len(value)} 字，最多 {limit} 字）")
        return value.strip()

    def ident(self, obj: dict[str, Any], path: str) -> str:
        value = self.text(obj, "id", path)
        if value and (not _ID.fullmatch(value) or len(value) > MAX_ID):
            self.add(
                path, f"标识 {json.dumps(value, ensure_ascii=False)} 只能由字母、数字、- 和 _ 组成，最多 {MAX_ID} 个"
            )
        return value

    def integer(self, obj: dict[str, Any], key: str, path: str, least: int = 1) -> int:
        value = obj.get(key)
        if isinstance(value, bool) or not isinstance(value, int) or value < least:
            self.add(path, f"应为不小于 {least} 的整数，实际为{describe_value(value) if key in obj else '缺少此项'}")
            return least
        return value

    # ------------------------------------------------------------ keys of the report

    def text_key(self, value: Any, path: str) -> str:
        """A narrative key (s1_active) or a section key with texts (s1), in every format of the pack."""
        if not isinstance(value, str) or not value:
            self.add(path, f'应为文字部分的键（如 "s1" 或 "s1_active"），实际为{describe_value(value)}')
            return ""
        for fmt in self.formats.values():
            sections = {s.key for s in fmt.sections if s.texts}
            if value not in sections and value not in fmt.text_keys():
                self.add(path, f"{fmt.id} 格式中没有文字部分 {json.dumps(value, ensure_ascii=False)}")
        return value

    def quantity(self, value: Any, path: str) -> str:
        """A cell (t2.rules.issued) or a number field (fees.amount_yuan), in every format of the pack."""
        if not isinstance(value, str) or not (cell_key(value) or value in NUMBER_FIELDS):
            fields = "、".join(NUMBER_FIELDS)
            self.add(path, f'应为单元格键（如 "t3.new.total"）或 {fields}，实际为{describe_value(value)}')
            return ""
        self._exists(value, path)
        return value

    def field(self, value: Any, path: str) -> str:
        """Anything that can be filled: a text or section, a cell, or one of FIELD_NAMES."""
        if isinstance(value, str) and (value in FIELD_NAMES or cell_key(value)):
            self._exists(value, path)
            return value
        if isinstance(value, str) and "." not in value:
            return self.text_key(value, path)
        names = "、".join(FIELD_NAMES)
        self.add(path, f'应为文字部分的键、单元格键（如 "t2.rules.issued"）或 {names}，实际为{describe_value(value)}')
        return ""

    def _exists(self, value: str, path: str) -> None:
        key = cell_key(value)
        for fmt in self.formats.values():
            if key is not None and fmt.cell_spec(key) is None:
                self.add(path, f"{fmt.id} 格式中没有单元格 {json.dumps(value)}")
            elif value in NUMBER_FIELDS and not fmt.has_fee_fields():
                self.add(path, f"{fmt.id} 格式没有信息处理费的填写项（{value}）")

    def keys(
        self, obj: dict[str, Any], key: str, path: str, read: Callable[[Any, str], str], *, optional: bool = False
    ) -> tuple[str, ...]:
        """One key or an array of keys (a quantity that is their sum)."""
        value = obj.get(key)
        if value is None and optional and key not in obj:
            return ()
        items = value if isinstance(value, list) else [value]
        if isinstance(value, list) and not value:
            self.add(path, "应至少有一项")
        return tuple(read(item, f"{path}[{i}]" if isinstance(value, list) else path) for i, item in enumerate(items))


def _pattern(r: _Reader, rule: dict[str, Any], path: str) -> tuple[re.Pattern[str] | None, str | None]:
    """The mention's pattern, from a template (主动公开政府信息{n}条) or a regular expression."""
    if ("template" in rule) == ("regex" in rule):
        r.add(path, "应有 template（含 {n} 的句式）或 regex（正则表达式）二者之一")
        return None, None
    if "template" in rule:
        template = r.text(rule, "template", f"{path}.template", limit=MAX_PATTERN)
        if template and template.count("{n}") != 1:
            r.add(f"{path}.template", "句式中应有且只有一个 {n}（数字所在的位置）")
            return None, None
        parts = _PLACEHOLDER.split(template)
        holes = _PLACEHOLDER.findall(template)
        body = re.escape(parts[0]) + "".join(
            (_NUMBER if hole == "{n}" else _WORDS) + re.escape(part)
            for hole, part in zip(holes, parts[1:], strict=True)
        )
        example = r.text(rule, "example", f"{path}.example", optional=True) or template.replace("{n}", "N")
        return (re.compile(body) if template else None), example.replace("{*}", "…")
    regex = r.text(rule, "regex", f"{path}.regex", limit=MAX_PATTERN)
    try:
        pattern = re.compile(regex)
    except re.error as exc:
        r.add(f"{path}.regex", f"不是有效的正则表达式：{exc}")
        return None, None
    if regex and pattern.groups != 1 and "n" not in pattern.groupindex:
        r.add(f"{path}.regex", "正则表达式应有一个捕获组（数字），或名为 n 的组 (?P<n>…)")
        return None, None
    return pattern, r.text(rule, "example", f"{path}.example", optional=True) or None


def _rule(r: _Reader, raw: Any, path: str) -> PackRule | None:
    if not isinstance(raw, dict):
        r.add(path, f"应为对象（{{…}}），实际为{describe_value(raw)}")
        return None
    kind = raw.get("kind")
    if kind not in _RULE_KEYS:
        kinds = "、".join(_RULE_KEYS)
        r.add(f"{path}.kind", f"应为 {kinds} 之一，实际为{describe_value(kind) if 'kind' in raw else '缺少此项'}")
        return None
    r.unknown(raw, _RULE_KEYS[kind], path)
    rule_id = r.ident(raw, f"{path}.id")
    severity = raw.get("severity", "warning")
    if severity not in ("warning", "error"):
        r.add(
            f"{path}.severity",
            f'应为 "warning"（提示，可写审核说明）或 "error"（错误），实际为{describe_value(severity)}',
        )
    elif kind == "confirm" and severity == "error":
        r.add(f"{path}.severity", "confirm 规则只能是 warning：核对情况写在审核说明中，错误则不能说明")
    level = cast(Severity, severity if severity in ("warning", "error") else "warning")
    note = r.text(raw, "note", f"{path}.note", optional=True) or None
    if kind == "max_chars":
        return MaxChars(
            rule_id, level, r.text_key(raw.get("text"), f"{path}.text"), r.integer(raw, "max", f"{path}.max"), note
        )
    if kind == "mention":
        pattern, example = _pattern(r, raw, path)
        text = r.text_key(raw.get("text"), f"{path}.text")
        what = r.text(raw, "what", f"{path}.what", limit=60)
        equals = r.keys(raw, "equals", f"{path}.equals", r.quantity, optional=True)
        if pattern is None:
            return None
        return Mention(rule_id, level, text, what, pattern, example, equals, note)
    if kind == "required":
        return Required(rule_id, level, r.keys(raw, "fields", f"{path}.fields", r.field), note)
    if kind == "confirm":
        what = r.text(raw, "what", f"{path}.what", limit=120)
        return Confirm(rule_id, what, r.keys(raw, "about", f"{path}.about", r.quantity, optional=True), note)
    value = raw.get("date")
    match = _MONTH_DAY.fullmatch(value) if isinstance(value, str) else None
    try:
        due = date(2001, int(match.group(1)), int(match.group(2))) if match else None
    except ValueError:
        due = None  # 02-30; and 02-29, which most years do not have
    if due is None:
        r.add(
            f"{path}.date",
            f'应为次年的月-日（如 "01-15"），实际为{describe_value(value) if "date" in raw else "缺少此项"}',
        )
        return None
    return Deadline(rule_id, level, due.month, due.day, note)


def _applies_to(r: _Reader, raw: Any) -> tuple[tuple[str, ...], int | None, int | None]:
    known = all_formats()
    if raw is None:
        return tuple(known), None, None
    if not isinstance(raw, dict):
        r.add("applies_to", f"应为对象（{{…}}），实际为{describe_value(raw)}")
        return tuple(known), None, None
    r.unknown(raw, ("formats", "years"), "applies_to")
    formats = raw.get("formats", list(known))
    if not isinstance(formats, list) or not formats:
        r.add("applies_to.formats", f'应为格式编号的数组（如 ["2021"]），实际为{describe_value(formats)}')
        formats = list(known)
    for i, fid in enumerate(formats):
        if fid not in known:
            r.add(f"applies_to.formats[{i}]", f"未知的格式 {describe_value(fid)}（本程序支持：{'、'.join(known)}）")
    years = raw.get("years", {})
    year_from = year_to = None
    if not isinstance(years, dict):
        r.add("applies_to.years", f'应为对象（如 {{"from": 2025, "to": 2025}}），实际为{describe_value(years)}')
    else:
        r.unknown(years, ("from", "to"), "applies_to.years")
        for end in ("from", "to"):
            value = years.get(end)
            if value is not None and (
                isinstance(value, bool) or not isinstance(value, int) or not 1990 <= value <= 2100
            ):
                r.add(f"applies_to.years.{end}", f"应为年份或 null，实际为{describe_value(value)}")
            elif end == "from":
                year_from = value
            else:
                year_to = value
        if year_from is not None and year_to is not None and year_to < year_from:
            r.add("applies_to.years", f"结束年度 {year_to} 早于起始年度 {year_from}")
    return tuple(f for f in dict.fromkeys(formats) if f in known), year_from, year_to


def parse_rule_pack(data: Any, source: str) -> RulePack:
    """The pack in parsed JSON; RulePackError listing every problem with its JSON path."""
    if not isinstance(data, dict):
        raise RulePackError(f"规则包 {source} 有误，未载入", [f"$：应为对象（{{…}}），实际为{describe_value(data)}"])
    if data.get("kind") != PACK_KIND:
        what = "报送数据包" if data.get("kind") == "nianbao-report" else "规则包"
        hint = f"这是{what}，不是规则包" if what != "规则包" else f'应为 "{PACK_KIND}"'
        raise RulePackError(
            f"{source} 不是年报的规则包，未载入", [f"kind：{hint}，实际为{describe_value(data.get('kind'))}"]
        )
    if data.get("schema") != PACK_SCHEMA:
        raise RulePackError(
            f"规则包 {source} 的版本（schema {data.get('schema')!r}）本程序不能读取，未载入",
            [f"schema：本程序读取 schema {PACK_SCHEMA} 的规则包；若是更新的版本，请升级年报程序"],
        )
    r = _Reader({})
    formats, year_from, year_to = _applies_to(r, data.get("applies_to"))
    r.formats = {fid: all_formats()[fid] for fid in formats}
    r.unknown(data, _TOP_KEYS, "")
    pack_id = r.ident(data, "id")
    name = r.text(data, "name", "name", limit=80)
    short = r.text(data, "short", "short", limit=12)
    office = r.text(data, "office", "office", limit=80)
    version = r.text(data, "version", "version", limit=40)
    description = r.text(data, "description", "description", optional=True, limit=2000) or None
    raw_rules = data.get("rules")
    rules: list[PackRule] = []
    if not isinstance(raw_rules, list) or not raw_rules:
        r.add("rules", f"应为非空数组，实际为{describe_value(raw_rules) if 'rules' in data else '缺少此项'}")
        raw_rules = []
    seen: dict[str, int] = {}
    for i, raw in enumerate(raw_rules):
        rule = _rule(r, raw, f"rules[{i}]")
        if rule is None:
            continue
        if rule.id in seen:
            r.add(f"rules[{i}].id", f"与 rules[{seen[rule.id]}] 的标识 {json.dumps(rule.id)} 重复")
        seen.setdefault(rule.id, i)
        rules.append(rule)
    if r.problems:
        raise RulePackError(f"规则包 {source} 有 {len(r.problems)} 处错误，未载入", r.problems)
    return RulePack(pack_id, name, short, office, version, formats, year_from, year_to, tuple(rules), description)


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    obj: dict[str, Any] = {}
    for key, value in pairs:
        if key in obj:
            raise RulePackError("", [f"键 {json.dumps(key, ensure_ascii=False)} 重复出现，无法确定以哪个为准"])
        obj[key] = value
    return obj


def read_rule_pack(text: str, source: str) -> RulePack:
    """A pack from its JSON text."""
    try:
        data = json.loads(text, object_pairs_hook=_no_duplicates)
    except json.JSONDecodeError as exc:
        reason = json_error_reason(exc)
        raise RulePackError(
            f"规则包 {source} 不是有效的 JSON，未载入",
            [f"第 {exc.lineno} 行第 {exc.colno} 列：JSON 语法错误，{reason}"],
        ) from None
    except RulePackError as exc:
        raise RulePackError(f"规则包 {source} 有误，未载入", exc.problems) from None
    except (RecursionError, ValueError):
        raise RulePackError(f"规则包 {source} 不是有效的 JSON，未载入", ["$：嵌套过深或数字位数过多"]) from None
    return parse_rule_pack(data, source)


def load_rule_pack(path: Path) -> RulePack:
    """A pack from its file (a regular file of at most 1 MB, UTF-8 with or without BOM, as Notepad saves it)."""
    return read_pack_file(path)[0]


def read_pack_file(path: Path) -> tuple[RulePack, bytes]:
    """The pack and the very bytes it was read from (what is copied into the data folder)."""
    require_regular_file(path, RulePackError)
    try:
        with Path(path).open("rb") as file:
            raw = file.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise RulePackError(f"无法读取规则包 {path}：{describe_os_error(exc)}") from None
    if len(raw) > MAX_FILE_BYTES:
        raise RulePackError(f"{path} 过大（超过 {MAX_FILE_BYTES // 1024} KB），不是规则包")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise RulePackError(f"规则包 {path} 不是 UTF-8 编码的文本，未载入") from None
    return read_rule_pack(text, Path(path).name), raw
