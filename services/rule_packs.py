"""规则包 (上级要求): a superior office's own rules, applied on top of the official checks.

A rule pack is data (a JSON file read by services.rule_pack_reader) that an office sends its units: texts no
longer than so many characters, figures the prose must state (and equal to the tables), fields that must be
filled, figures to be confirmed with another office, an earlier internal deadline. Its findings are ordinary
`Finding`s, warnings unless the pack marks a rule "error", whose messages name the pack (【某市要求】…) and whose
keys (`PACK_LENGTH:<pack id>:<rule id>`) hold the clerk's 审核说明 like any other warning's. A pack never changes
an official finding: it only adds its own. Pure functions of the report: no Qt, no database, no clock.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from services.checks import Finding, Severity, cell_name, check_report, errors, unexplained_warnings
from services.explanations import explained
from services.formats import CellKey, ReportFormat, get_format
from services.report import Report
from services.text_checks import difference, text_names
from services.values import CellValue, format_for_display

FIELD_NAMES = {
    "title": "标题",
    "signed_by": "署名机关",
    "signed_on": "成文日期",
    "fees.notices": "信息处理费·收费通知件数",
    "fees.amount_yuan": "信息处理费·实际收取金额（元）",
}
"""The report's fields a pack may name besides texts and cells, as the clerk reads them."""
NUMBER_FIELDS = ("fees.notices", "fees.amount_yuan")

LENGTH, MENTION, FIGURE, REQUIRED, CONFIRM, DEADLINE = (
    "PACK_LENGTH",
    "PACK_MENTION",
    "PACK_FIGURE",
    "PACK_REQUIRED",
    "PACK_CONFIRM",
    "PACK_DEADLINE",
)
"""The findings' rule ids: one per kind of pack rule, a figure not written (MENTION) apart from a figure that
differs from the tables (FIGURE)."""

_FULL_WIDTH_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")
_SPACE = re.compile(r"\s+")
_SNIPPET_MAX = 40


@dataclass(frozen=True)
class MaxChars:
    id: str
    severity: Severity
    text: str
    """A text key, or a section key (its texts together)."""
    max: int
    note: str | None = None


@dataclass(frozen=True)
class Mention:
    id: str
    severity: Severity
    text: str
    what: str
    """The figure as the office names it: 通过政府网站主动公开政府信息条数."""
    pattern: re.Pattern[str]
    """Finds the figure; its only group (or the group named n) is the number."""
    example: str | None
    """How the office would write it (the template with N), shown when it is missing."""
    equals: tuple[str, ...] = ()
    """The cells or number fields it must equal (their sum); empty: it must only be stated."""
    note: str | None = None


@dataclass(frozen=True)
class Required:
    id: str
    severity: Severity
    fields: tuple[str, ...]
    """Text keys, section keys, cell keys (t2.rules.issued) or FIELD_NAMES."""
    note: str | None = None


@dataclass(frozen=True)
class Confirm:
    """A figure to be agreed with another office (规章、规范性文件 with the justice bureau): a warning until the
    clerk writes in its 审核说明 how it was agreed; its message shows the figures, so a changed figure asks again."""

    id: str
    what: str
    about: tuple[str, ...] = ()
    note: str | None = None

    severity: Severity = "warning"  # always: an error could not be confirmed by any 审核说明


@dataclass(frozen=True)
class Deadline:
    """The office's own date for the report, earlier than the law's: the signing date (成文日期) must not be later."""

    id: str
    severity: Severity
    month: int
    day: int
    note: str | None = None

    def date_for(self, report_year: int) -> date:
        return date(report_year + 1, self.month, self.day)


PackRule = MaxChars | Mention | Required | Confirm | Deadline


@dataclass(frozen=True)
class RulePack:
    id: str
    """Short and stable (it is in the keys of the clerks' 审核说明): a new version of a pack keeps its id."""
    name: str
    """某市政务公开办 2025 年度报告要求"""
    short: str
    """How findings name it: 【某市要求】"""
    office: str
    version: str
    formats: tuple[str, ...]
    """Format ids it applies to (every key it names exists in each)."""
    year_from: int | None
    year_to: int | None
    rules: tuple[PackRule, ...]
    description: str | None = None

    def applies(self, report: Report) -> str | None:
        """Why the pack does not apply to this report (another format or year), or None when it does."""
        if report.format_id not in self.formats:
            return f"规则包适用于 {'、'.join(self.formats)} 格式，本报告为 {report.format_id} 格式"
        if (self.year_from is not None and report.year < self.year_from) or (
            self.year_to is not None and report.year > self.year_to
        ):
            return f"规则包适用于{self.years_text()}的报告，本报告为 {report.year} 年度"
        return None

    def years_text(self) -> str:
        if self.year_from is None and self.year_to is None:
            return "各年度"
        if self.year_from == self.year_to:
            return f" {self.year_from} 年度"
        if self.year_to is None:
            return f" {self.year_from} 年度起"
        if self.year_from is None:
            return f" {self.year_to} 年度及以前"
        return f" {self.year_from}–{self.year_to} 年度"

    def label(self) -> str:
        """What the window's status bar says is in force."""
        return f"上级要求：{self.name}"


def finding_key(rule_id: str, pack: RulePack, rule: PackRule) -> str:
    """Where a pack finding's 审核说明 is kept: stable across the pack's versions and the report's edits."""
    return f"{rule_id}:{pack.id}:{rule.id}"


# ---------------------------------------------------------------- what a key names


def cell_key(term: str) -> CellKey | None:
    parts = term.split(".")
    return (parts[0], parts[1], parts[2]) if len(parts) == 3 else None


def term_name(fmt: ReportFormat, term: str) -> str:
    """A key of the pack as the clerk reads it: 表二“规章”行“本年制发件数”列, “一、总体情况”, 署名机关."""
    if term in FIELD_NAMES:
        return FIELD_NAMES[term]
    key = cell_key(term)
    if key is not None:
        return cell_name(fmt, key)
    section = next((s for s in fmt.sections if s.key == term), None)
    return f"“{section.title if section else text_names(fmt).get(term, term)}”"


def text_keys_of(fmt: ReportFormat, term: str) -> tuple[str, ...]:
    """The narrative keys a text or section key stands for."""
    section = next((s for s in fmt.sections if s.key == term), None)
    return tuple(spec.key for spec in section.texts) if section is not None else (term,)


def _text(report: Report, keys: tuple[str, ...]) -> str:
    return "\n".join(report.texts.get(key, "") for key in keys)


def _number(report: Report, term: str) -> CellValue | None:
    if term == "fees.notices":
        return report.fees.notices
    if term == "fees.amount_yuan":
        return report.fees.amount_yuan
    key = cell_key(term)
    value = report.cells.get(key) if key is not None else None
    return value if isinstance(value, int | Decimal) and not isinstance(value, bool) else None


def _filled(report: Report, fmt: ReportFormat, term: str) -> bool:
    if term in NUMBER_FIELDS or cell_key(term) is not None:
        return _number(report, term) is not None
    if term == "signed_on":
        return report.signed_on is not None
    if term in ("title", "signed_by"):
        return bool((getattr(report, term) or "").strip())
    return bool(_text(report, text_keys_of(fmt, term)).strip())


# ---------------------------------------------------------------- findings


def pack_findings(report: Report, pack: RulePack) -> list[Finding]:
    """The pack's findings on the report, in the pack's order; none when the pack does not apply to it."""
    if pack.applies(report) is not None:
        return []
    fmt = get_format(report.format_id)
    findings = []
    for rule in pack.rules:
        for rule_id, message, cells, texts in _judge(report, fmt, rule):
            tag = f"【{pack.short}】{message}" + (f"；{rule.note}" if rule.note else "")
            key = finding_key(rule_id, pack, rule)
            if rule.severity == "error":
                findings.append(Finding(rule_id, "error", tag, cells, key, texts=texts))
                continue
            state = explained(report, (key,), tag)
            findings.append(Finding(rule_id, "warning", tag, cells, key, state.counts, texts, state.stored, state.note))
    return findings


_Judged = tuple[str, str, tuple[CellKey, ...], tuple[str, ...]]


def _judge(report: Report, fmt: ReportFormat, rule: PackRule) -> Iterator[_Judged]:
    if isinstance(rule, MaxChars):
        keys = text_keys_of(fmt, rule.text)
        length = len(_SPACE.sub("", _text(report, keys)))
        if length > rule.max:
            yield LENGTH, f"{term_name(fmt, rule.text)}超过 {rule.max} 字（现 {length} 字）", (), keys
    elif isinstance(rule, Mention):
        yield from _mention(report, fmt, rule)
    elif isinstance(rule, Required):
        missing = [term for term in rule.fields if not _filled(report, fmt, term)]
        if missing:
            cells = tuple(k for t in missing if (k := cell_key(t)) is not None)
            texts = tuple(k for t in missing if t not in FIELD_NAMES and not cell_key(t) for k in text_keys_of(fmt, t))
            yield REQUIRED, "须填写：" + "、".join(term_name(fmt, t) for t in missing), cells, texts
    elif isinstance(rule, Confirm):
        figures = f"（现为 {_figures(report, fmt, rule.about)}）" if rule.about else ""
        cells = tuple(k for t in rule.about if (k := cell_key(t)) is not None)
        yield CONFIRM, f"{rule.what}{figures}：核对后请在审核说明中写明核对情况", cells, ()
    else:
        due = rule.date_for(report.year)
        if report.signed_on is not None and report.signed_on > due:
            yield DEADLINE, f"成文日期为 {_cn(report.signed_on)}，晚于上级要求的报送期限 {_cn(due)}", (), ()


def _mention(report: Report, fmt: ReportFormat, rule: Mention) -> Iterator[_Judged]:
    keys = text_keys_of(fmt, rule.text)
    text = _text(report, keys).translate(_FULL_WIDTH_DIGITS)
    where = term_name(fmt, rule.text)
    found: list[tuple[Decimal, str]] = []
    for match in rule.pattern.finditer(text):
        number = _parse_number(match.group("n") if "n" in rule.pattern.groupindex else match.group(1))
        if number is not None:
            found.append((number, _snippet(match.group(0))))
    if not found:
        example = f"，如“{rule.example}”" if rule.example else ""
        # what is missing first: a narrow panel shows a line's start, and many a rule looks in the same section
        yield MENTION, f"未写明{rule.what}（{where}中{example}）", (), keys
        return
    expected = _sum(report, rule.equals)
    if expected is None or any(number == expected for number, _ in found):
        return  # nothing to compare with (a cell not filled: VALUE_MISSING says so), or one of them is right
    number, snippet = found[0]
    parts = [f"{term_name(fmt, t)}({_shown(_number(report, t))})" for t in rule.equals]
    side = parts[0] if len(parts) == 1 else " + ".join(parts) + f" = {_shown(expected)}"
    cells = tuple(k for t in rule.equals if (k := cell_key(t)) is not None)
    yield (
        FIGURE,
        f"{rule.what}与表中不符：{where}中写“{snippet}”（{_shown(number)}），但表中 {side}，"
        f"相差 {format_for_display(difference(number, expected))}",
        cells,
        keys,
    )


def _figures(report: Report, fmt: ReportFormat, terms: tuple[str, ...]) -> str:
    """Figures as the clerk checks them, the cells of one row together: 表二“规章”行 本年制发件数 9、本年废止件数 1."""
    groups: list[tuple[str, list[str]]] = []
    for term in terms:
        key = cell_key(term)
        if key is None:
            groups.append(("", [f"{term_name(fmt, term)} {_shown(_number(report, term))}"]))
            continue
        table = fmt.table(key[0])
        head = f"{table.name}“{table.row(key[1]).label}”行"
        if not groups or groups[-1][0] != head:
            groups.append((head, []))
        groups[-1][1].append(f"{table.column(key[2]).label} {_shown(_number(report, term))}")
    return "；".join(f"{head} {'、'.join(items)}" if head else items[0] for head, items in groups)


def _parse_number(text: str | None) -> Decimal | None:
    if not text:
        return None
    try:
        return Decimal(text.replace(",", ""))
    except ArithmeticError:
        return None


def _sum(report: Report, terms: tuple[str, ...]) -> Decimal | None:
    if not terms:
        return None
    total = Decimal(0)
    for term in terms:
        value = _number(report, term)
        if value is None:
            return None
        total += value
    return total


def _shown(value: CellValue | None) -> str:
    if value is None:
        return "未填"
    if isinstance(value, Decimal) and value == value.to_integral_value():
        return format_for_display(int(value))
    return format_for_display(value)


def _snippet(text: str) -> str:
    text = _SPACE.sub("", text)
    return text if len(text) <= _SNIPPET_MAX else "…" + text[-_SNIPPET_MAX:]


def _cn(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


# ---------------------------------------------------------------- with the official checks


def check_with_pack(
    report: Report, previous: Report | None = None, pack: RulePack | None = None, *, finalising: bool = False
) -> list[Finding]:
    """The official checks, then the pack's findings (if a pack is in force)."""
    findings = check_report(report, previous, finalising=finalising)
    return findings + pack_findings(report, pack) if pack is not None else findings


def pack_blockers(report: Report, pack: RulePack | None) -> list[Finding]:
    """What the pack adds to what stands in the way of 定稿: its errors and its unexplained warnings."""
    if pack is None:
        return []
    findings = pack_findings(report, pack)
    return errors(findings) + unexplained_warnings(findings)


def rule_title(fmt: ReportFormat, rule: PackRule) -> str:
    """A rule as the office put it, for the list of units that fail it."""
    if isinstance(rule, MaxChars):
        return f"{term_name(fmt, rule.text)}不超过 {rule.max} 字"
    if isinstance(rule, Mention):
        return f"{term_name(fmt, rule.text)}写明{rule.what}" + ("并与表中一致" if rule.equals else "")
    if isinstance(rule, Required):
        return "须填写" + "、".join(term_name(fmt, t) for t in rule.fields)
    if isinstance(rule, Confirm):
        return rule.what
    return f"次年 {rule.month} 月 {rule.day} 日前成文"


@dataclass(frozen=True)
class RuleFailures:
    """One rule of a pack and the units that fail it (an explained warning is not a failure)."""

    rule: PackRule
    title: str
    units: tuple[str, ...]


@dataclass(frozen=True)
class UnitsAgainstPack:
    pack: RulePack
    failures: tuple[RuleFailures, ...]
    """Only the rules some unit fails, in the pack's order."""
    not_applicable: tuple[tuple[str, str], ...]
    """(agency, why) of each unit the pack does not apply to."""

    def failing_units(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(u for f in self.failures for u in f.units))

    def has_errors(self) -> bool:
        return any(f.rule.severity == "error" for f in self.failures)

    def lines(self) -> list[str]:
        """What 汇总 says of the units against the pack."""
        failing = self.failing_units()
        head = (
            f"{self.pack.label()}：{len(failing)} 个单位未达要求" if failing else f"{self.pack.label()}：各单位均达要求"
        )
        lines = [head]
        for failure in self.failures:
            level = "（错误）" if failure.rule.severity == "error" else ""
            lines.append(f"  {failure.title}{level}：{'、'.join(failure.units)}")
        lines += [f"  不适用：{agency}（{why}）" for agency, why in self.not_applicable]
        return lines


def units_against_pack(units: Sequence[Report], pack: RulePack) -> UnitsAgainstPack:
    """汇总 against a pack: for each rule, the units whose report fails it."""
    failing: dict[str, list[str]] = {}
    not_applicable = []
    for unit in units:
        why = pack.applies(unit)
        if why is not None:
            not_applicable.append((unit.agency, why))
            continue
        for finding in pack_findings(unit, pack):
            if not finding.explained:
                rule_id = finding.key.rsplit(":", 1)[1]
                names = failing.setdefault(rule_id, [])
                if unit.agency not in names:
                    names.append(unit.agency)
    fmt = get_format(pack.formats[0])
    failures = tuple(
        RuleFailures(rule, rule_title(fmt, rule), tuple(failing[rule.id])) for rule in pack.rules if rule.id in failing
    )
    return UnitsAgainstPack(pack, failures, tuple(not_applicable))
