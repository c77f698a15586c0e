"""The check engine (审核): errors that block finalising, and warnings a clerk may keep by explaining them.

Pure functions of a report (and of last year's report for the cross-year rules): no Qt, no database. The table
identities come entirely from the format's `rules`, so nothing here names a row or column of a particular
format. Per-format lookups are built once; a full check of a filled report takes well under a millisecond, so
the UI re-runs it after every edit.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Literal

from services import text_checks
from services.cross_year import cross_year_issues
from services.errors import FormatFileError, ValueParseError
from services.explanations import explained
from services.formats import CellKey, CellKind, ReportFormat, Row, Table, format_for_year, per_format
from services.report import Report
from services.text_checks import Issue, TextScanner, difference
from services.values import MAX_VALUE, CellValue, check_value, format_for_display, is_valid, normalise_amount

Severity = Literal["error", "warning"]

MAX_TERMS = 8
"""Longer sums list only their nonzero terms, so a message stays readable."""
_MISSING_NAMED = 3
_LOWEST: Mapping[str, int] = {"count": 0, "signed": -MAX_VALUE, "amount": 0}
_KIND_NAMES: Mapping[str, str] = {
    "count": "件数（非负整数）",
    "signed": "增减数（整数）",
    "amount": "金额（万元）",
}


@dataclass(frozen=True)
class Finding:
    """One result of a check: where, what, and whether the clerk has explained it."""

    rule: str
    severity: Severity
    message: str
    cells: tuple[CellKey, ...]
    key: str
    explanation: str | None = None
    texts: tuple[str, ...] = ()
    """The narratives it is about, for a finding on texts (where a click on it leads)."""
    stored_explanation: str | None = None
    """What the clerk wrote for it, even when that does not count (see explanation_note)."""
    explanation_note: str | None = None
    """Why the stored explanation does not count: too thin, or written for other values."""

    @property
    def explained(self) -> bool:
        return self.explanation is not None

    def to_json(self) -> dict[str, object]:
        return {
            "rule": self.rule,
            "severity": self.severity,
            "message": self.message,
            "cells": [list(cell) for cell in self.cells],
        }


@dataclass(frozen=True)
class IdentityResult:
    """One instance (a column or a row) of an identity rule, for a live totals panel.

    An empty cell (not read from a published page, not typed yet) is not 0: its term reads None, and an
    instance with one is not judged (`judged`), neither balanced nor failing; its sides add up what is there."""

    rule: str
    table: str
    line: str
    left_terms: tuple[tuple[str, CellValue | None], ...]
    right_terms: tuple[tuple[str, CellValue | None], ...]
    left: CellValue
    right: CellValue
    cells: tuple[CellKey, ...]
    missing: tuple[CellKey, ...] = ()
    """Its empty cells."""

    @property
    def judged(self) -> bool:
        return not self.missing

    @property
    def ok(self) -> bool:
        """Not failing: balanced, or not judged yet."""
        return not self.judged or self.left == self.right


# ---------------------------------------------------------------- per-format plan


@dataclass(frozen=True)
class _Instance:
    rule: str
    table: str
    line: str
    computes: bool
    heading: str
    left: tuple[CellKey, ...]
    right: tuple[CellKey, ...]
    left_labels: tuple[str, ...]
    right_labels: tuple[str, ...]
    cells: tuple[CellKey, ...]


@dataclass(frozen=True)
class _Plan:
    fmt: ReportFormat
    instances: tuple[_Instance, ...]
    computing: tuple[_Instance, ...]
    kinds: Mapping[CellKey, CellKind]
    table_cells: tuple[tuple[str, str, tuple[CellKey, ...], tuple[CellKey, ...]], ...]
    """(table key, table name, cells, the cells a clerk types: not computed) per table"""
    cell_names: Mapping[CellKey, str]
    text_names: Mapping[str, str]
    scanner: TextScanner


_FORMATS: dict[str, ReportFormat] = {}


def _format_of(report: Report) -> ReportFormat:
    # Same object as report.format (the registry is loaded once per process) without resolving its folder.
    fmt = _FORMATS.get(report.format_id)
    if fmt is None:
        fmt = _FORMATS[report.format_id] = report.format
    return fmt


def _plan(fmt: ReportFormat) -> _Plan:
    return _cached_plan(fmt)


def row_name(table: Table, row: Row) -> str:
    """A row as a clerk finds it in the printed table: its label under its group labels."""
    path = [*row.parents]
    if not path:
        path += [g.label for g in table.row_groups if row.key in g.rows and g.label != row.label]
    return " › ".join((*path, row.label))


def _build_plan(fmt: ReportFormat) -> _Plan:
    instances: list[_Instance] = []
    for rule in fmt.rules:
        table = fmt.table(rule.table)
        if rule.per == "column":
            lines = [(col, f"{table.name}“{table.column(col).label}”列：") for col in table.column_keys()]
        else:
            lines = [(row.key, f"{table.name}“{row_name(table, row)}”行：") for row in table.rows()]
        for line, heading in lines:
            sides = []
            for keys in (rule.left, rule.right):
                if rule.per == "column":
                    side = [((table.key, k, line), table.row(k).short) for k in keys if table.cell(k, line)]
                else:
                    side = [((table.key, line, k), table.column(k).label) for k in keys if table.cell(line, k)]
                sides.append(side)
            left, right = sides
            if not left or not right:
                continue
            instances.append(
                _Instance(
                    rule.id,
                    table.key,
                    line,
                    rule.computes,
                    heading,
                    tuple(k for k, _ in left),
                    tuple(k for k, _ in right),
                    tuple(label for _, label in left),
                    tuple(label for _, label in right),
                    tuple(k for k, _ in left + right),
                )
            )
    cell_names: dict[CellKey, str] = {}
    for table in fmt.tables:
        for row in table.rows():
            for col in table.block_of(row.key).columns:
                name = f"{table.name}“{row_name(table, row)}”行“{col.label}”列"
                cell_names[(table.key, row.key, col.key)] = name
    return _Plan(
        fmt=fmt,
        instances=tuple(instances),
        computing=tuple(i for i in instances if i.computes),
        kinds={spec.key: spec.kind for spec in fmt.cell_specs()},
        table_cells=tuple(
            (t.key, t.name, tuple(s.key for s in t.cells), tuple(s.key for s in t.cells if not s.computed))
            for t in fmt.tables
        ),
        cell_names=cell_names,
        text_names=text_checks.text_names(fmt),
        scanner=TextScanner(fmt.text_numbers),
    )


# ---------------------------------------------------------------- sums


_cached_plan = per_format(_build_plan)


def cell_name(fmt: ReportFormat, key: CellKey) -> str:
    """A cell named as on the form, e.g. 表三·三、本年度办理结果·（一）予以公开·自然人."""
    return _plan(fmt).cell_names[key]


def _number(cells: Mapping[CellKey, object], key: CellKey) -> CellValue:
    """A cell's value for sums: empty, and anything not a number (VALUE_TYPE reports it), count as 0."""
    value = cells.get(key, 0)
    if isinstance(value, int | Decimal) and not isinstance(value, bool):
        return value
    return 0


def _term(cells: Mapping[CellKey, object], key: CellKey) -> CellValue | None:
    """A cell's value as a term of an identity: None when empty."""
    return None if cells.get(key) is None else _number(cells, key)


def _safe_sum(cells: Mapping[CellKey, object], keys: Iterable[CellKey]) -> CellValue:
    total: CellValue = 0
    for key in keys:
        total += _number(cells, key)
    return total


def _total(values: Iterable[CellValue]) -> CellValue:
    total: CellValue = 0
    for value in values:
        total += value
    return total


EMPTY_TERM = "未填"
"""How an empty cell reads in a side of an identity: `二(未填)`."""


def terms_text(pairs: Sequence[tuple[str, CellValue | None]], *, abbreviate: bool = True) -> str:
    """One side of an identity as the clerk reads it, `一(6) + 二(0)`, an empty cell `二(未填)`; beyond MAX_TERMS
    terms the zeros and the empty cells are counted rather than listed. The check messages and the panel both
    write sides this way."""
    shown = list(pairs)
    zeros = empty = 0
    if abbreviate and len(shown) > MAX_TERMS:
        shown = [pair for pair in pairs if pair[1] is not None and pair[1] != 0]
        empty = sum(1 for _, value in pairs if value is None)
        zeros = len(pairs) - len(shown) - empty
    parts = [f"{label}({EMPTY_TERM if value is None else format_for_display(value)})" for label, value in shown]
    if zeros:
        parts.append(f"其余 {zeros} 项(0)" if parts else f"{zeros} 项(均为 0)")
    if empty:
        parts.append(f"{empty} 项({EMPTY_TERM})")
    return " + ".join(parts)


def _terms(labels: tuple[str, ...], keys: tuple[CellKey, ...], cells: Mapping[CellKey, object]) -> str:
    return terms_text([(label, _number(cells, k)) for label, k in zip(labels, keys, strict=True)])


def _identity_message(inst: _Instance, cells: Mapping[CellKey, object], left: CellValue, right: CellValue) -> str:
    lhs = _terms(inst.left_labels, inst.left, cells)
    rhs = _terms(inst.right_labels, inst.right, cells)
    diff = format_for_display(difference(left, right))
    if inst.computes:
        return f"{inst.heading}{lhs} ≠ {rhs} = {format_for_display(right)}，相差 {diff}"
    return f"{inst.heading}{lhs} = {format_for_display(left)}，但 {rhs} = {format_for_display(right)}，相差 {diff}"


def identity_results(report: Report) -> list[IdentityResult]:
    """Every instance of every identity rule of the report's format, balanced, failing or not judged."""
    cells = report.cells
    results = []
    for inst in _plan(_format_of(report)).instances:
        left_terms = tuple((label, _term(cells, k)) for label, k in zip(inst.left_labels, inst.left, strict=True))
        right_terms = tuple((label, _term(cells, k)) for label, k in zip(inst.right_labels, inst.right, strict=True))
        results.append(
            IdentityResult(
                inst.rule,
                inst.table,
                inst.line,
                left_terms,
                right_terms,
                _total(v for _, v in left_terms if v is not None),
                _total(v for _, v in right_terms if v is not None),
                inst.cells,
                tuple(k for k in inst.cells if cells.get(k) is None),
            )
        )
    return results


Incomplete = Literal["sum", "empty", "keep"]


def recompute_totals(
    report: Report, changed: Iterable[CellKey] | None = None, *, incomplete: Incomplete = "sum"
) -> dict[CellKey, CellValue | None]:
    """Fill computed cells from their parts; return the cells whose value changed (None: emptied).

    A total whose parts are all filled is their sum. One whose parts are all empty is empty, not 0 (nothing says
    it is 0). One with some parts empty depends on `incomplete`:
    - "sum": the sum of the parts that are there, as Excel's SUM shows it (a file read whole: the template);
    - "empty": empty, not known until its parts are (an edit: a total over an empty cell judged in an identity
      would turn the empty cell into an error);
    - "keep": left as it is, and so is a total of empty parts (采用计算的合计: a published total whose parts
      were not all read stays until they are).
    With `changed`, only the totals that depend (directly or through other totals) on those cells are
    recomputed: an imported report keeps its published totals elsewhere until the clerk accepts them.
    """
    plan = _plan(_format_of(report))
    cells = report.cells
    dirty = None if changed is None else set(changed)
    before = {inst.left[0]: cells.get(inst.left[0]) for inst in plan.computing}
    # Totals may feed other totals (the grand total of t3 is both a row and a column total): settle them.
    for _ in range(len(plan.fmt.rules) + 1):
        moved = False
        for inst in plan.computing:
            if dirty is not None and dirty.isdisjoint(inst.right):
                continue
            target = inst.left[0]
            filled = [k for k in inst.right if cells.get(k) is not None]
            whole = len(filled) == len(inst.right)
            if not whole and incomplete == "keep":
                continue
            total: CellValue | None = None
            if filled and (whole or incomplete == "sum"):
                total = _safe_sum(cells, filled)
                if plan.kinds[target] == "amount":
                    total = normalise_amount(Decimal(total))
            current = cells.get(target)
            if current != total or type(current) is not type(total):
                report.set(*target, total)
                moved = True
                if dirty is not None:
                    dirty.add(target)
        if not moved:
            break
    return {
        key: new for key, old in before.items() if (new := cells.get(key)) != old or type(new) is not type(old)
    }  # a total left empty whose parts did not change stays empty (and is not a change)


# ---------------------------------------------------------------- errors


def _format_year(report: Report, fmt: ReportFormat) -> Iterator[Finding]:
    if fmt.covers_year(report.year):
        return
    span = f"{fmt.year_from}–{fmt.year_to}" if fmt.year_to is not None else f"{fmt.year_from} 年起的"
    try:
        right = format_for_year(report.year)
        hint = f"，应使用“{right.name}”（格式 {right.id}）"
    except FormatFileError:
        hint = ""
    message = f"{report.year} 年度的报告使用了“{fmt.name}”（格式 {fmt.id}，适用于 {span} 年度）{hint}"
    state = explained(report, ("FORMAT_YEAR",), message)
    yield Finding(
        "FORMAT_YEAR",
        "warning" if state.counts else "error",
        message,
        (),
        "FORMAT_YEAR",
        state.counts,
        (),
        state.stored,
        state.note,
    )


def _value_type(report: Report, plan: _Plan) -> Iterator[Finding]:
    kinds = plan.kinds
    for key, value in report.cells.items():
        kind = kinds.get(key)
        # Fast path for the common case, equivalent to values.is_valid for a plain int.
        if type(value) is int and kind is not None and _LOWEST[kind] <= value <= MAX_VALUE:
            continue
        if kind is None:
            where = "/".join(map(str, key))
            yield Finding(
                "VALUE_TYPE",
                "error",
                f"单元格 {where}（值 {value!s}）不属于“{plan.fmt.name}”（格式 {plan.fmt.id}）的任何表格",
                (key,),
                f"VALUE_TYPE:{where}",
            )
        elif not is_valid(value, kind):
            try:
                check_value(value, kind)
                reason = f"应为{_KIND_NAMES[kind]}，实际是 {type(value).__name__} 类型"
            except ValueParseError as exc:
                reason = exc.message
            yield Finding(
                "VALUE_TYPE",
                "error",
                f"{plan.cell_names[key]}的值“{value!s}”无效：{reason}",
                (key,),
                f"VALUE_TYPE:{'/'.join(key)}",
            )


def _value_missing(report: Report, plan: _Plan, *, finalising: bool) -> Iterator[Finding]:
    """VALUE_MISSING per table with an empty cell. At 定稿 every such table. In a draft only a table with a
    value given (typed or imported; a total the app computes does not count), whose empty cells leave some
    identities unjudged: a table with nothing in it says nothing yet, so a new report is not a wall of errors.

    In a draft it is an error all the same, not a warning: a warning asks for a 审核说明, and no explanation
    lets an empty cell through 定稿. Like REQUIRED, it lists while drafting what 定稿 will ask for; a clerk
    typing cell by cell sees one line per table, not one per identity, and it goes once the table is full."""
    cells = report.cells
    for table, name, keys, given in plan.table_cells:
        missing = tuple(k for k in keys if cells.get(k) is None)
        if not missing:
            continue
        if finalising:
            why = "（定稿时不能留空，没有的填 0）"
        elif any(cells.get(k) is not None for k in given):
            why = "（导入时未读取或尚未填写），有关的勾稽关系暂不核对；没有的请填 0"
        else:
            continue
        named = "、".join(plan.cell_names[k] for k in missing[:_MISSING_NAMED])
        more = f"等 {len(missing)} 个" if len(missing) > _MISSING_NAMED else ""
        yield Finding(
            "VALUE_MISSING",
            "error",
            f"{name}有 {len(missing)} 个单元格未填写{why}：{named}{more}",
            missing,
            f"VALUE_MISSING:{table}",
        )


def _identity_errors(report: Report, plan: _Plan, *, clean: bool) -> Iterator[Finding]:
    """The identities that fail. One with an empty cell is not judged, in a draft or at 定稿 (VALUE_MISSING
    stands there): an unread cell of a published report is not a 0 that breaks its sums. (An edit leaves no
    total adding up only some of its parts: recompute_totals(incomplete="empty").)"""
    cells = report.cells
    has, at = cells.__contains__, cells.__getitem__
    for inst in plan.instances:
        if clean:  # numbers only (a None would be a VALUE_TYPE): empty is absent
            if not all(map(has, inst.cells)):
                continue
            left: CellValue = sum(map(at, inst.left))
            right: CellValue = sum(map(at, inst.right))
        else:
            if any(cells.get(k) is None for k in inst.cells):
                continue
            left, right = _safe_sum(cells, inst.left), _safe_sum(cells, inst.right)
        if left != right:
            yield Finding(
                inst.rule, "error", _identity_message(inst, cells, left, right), inst.cells, f"{inst.rule}:{inst.line}"
            )


# ---------------------------------------------------------------- warnings


def _cn(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def _sign_date(report: Report) -> Iterator[Issue]:
    signed = report.signed_on
    if signed is None:
        return  # REQUIRED says so, as an error: shown while drafting too, so the panel lists what 定稿 asks for
    start = date(report.year + 1, 1, 1)
    department = report.kind == "department"
    end = date(report.year + 1, 1, 31) if department else date(report.year + 1, 3, 31)
    who = "部门" if department else "人民政府"
    if signed < start:
        yield Issue(
            "SIGN_DATE",
            "SIGN_DATE",
            f"成文日期为 {_cn(signed)}，早于 {report.year} 年度结束：应在{_cn(start)}至{_cn(end)}之间",
        )
    elif signed > end:
        yield Issue("SIGN_DATE", "SIGN_DATE", f"成文日期为 {_cn(signed)}，晚于{who}年度报告的公布期限{_cn(end)}")


REQUIRED = "REQUIRED"


def _required(report: Report, fmt: ReportFormat) -> Iterator[Finding]:
    """REQUIRED: what a printed report cannot be without, whatever is explained — the signature, its date, and
    each section the format requires written (a bare heading otherwise)."""
    if not (report.signed_by or "").strip():
        yield Finding(REQUIRED, "error", "未填写署名（发布报告的机关）", (), "REQUIRED:signed_by")
    if report.signed_on is None:
        yield Finding(REQUIRED, "error", "未填写成文日期", (), "REQUIRED:signed_on")
    for section in fmt.sections:
        keys = tuple(spec.key for spec in section.texts)
        if section.required and not any(report.texts.get(key, "").strip() for key in keys):
            yield Finding(REQUIRED, "error", f"“{section.title}”尚未填写", (), f"REQUIRED:{section.key}", None, keys)


def _warning(report: Report, issue: Issue) -> Finding:
    state = explained(report, (issue.key, issue.rule), issue.message)
    return Finding(
        issue.rule,
        "warning",
        issue.message,
        issue.cells,
        issue.key,
        state.counts,
        issue.texts,
        state.stored,
        state.note,
    )


def check_report(report: Report, previous: Report | None = None, *, finalising: bool = False) -> list[Finding]:
    """Every finding on the report: errors first (catalogue order), then warnings with their explanations."""
    if previous is not None and previous.year != report.year - 1:
        raise ValueError(f"previous is the {previous.year} report, not the one for {report.year - 1}")
    fmt = _format_of(report)
    plan = _plan(fmt)
    findings = list(_format_year(report, fmt))
    bad = list(_value_type(report, plan))
    findings += bad
    findings += _value_missing(report, plan, finalising=finalising)
    findings += _identity_errors(report, plan, clean=not bad)
    findings += _required(report, fmt)

    issues: list[Issue] = []
    if previous is not None:
        before = _plan(_format_of(previous))
        issues += cross_year_issues(report, previous, plan.fmt, plan.kinds, before.kinds, plan.cell_names)
        issues += text_checks.repeat_text_issues(report, previous, fmt, plan.text_names)
    issues += text_checks.text_number_issues(report, plan.scanner, plan.text_names, plan.cell_names)
    issues += text_checks.s5_issues(report, fmt)
    issues += text_checks.s6_fee_issues(report, fmt)
    issues += _sign_date(report)
    issues += text_checks.narrative_empty_issues(report, fmt, plan.text_names)
    findings += (_warning(report, issue) for issue in issues)
    return findings


def errors(findings: Iterable[Finding]) -> list[Finding]:
    """The findings that block finalising whatever the clerk writes."""
    return [f for f in findings if f.severity == "error"]


def unexplained_warnings(findings: Iterable[Finding]) -> list[Finding]:
    """The warnings still waiting for an explanation (审核说明)."""
    return [f for f in findings if f.severity == "warning" and not f.explained]


def finalise_blockers(report: Report, previous: Report | None = None) -> list[Finding]:
    """The one rule of 定稿: what stands in the way is every error (missing values count then) and every
    unexplained warning, last year's report taken into account."""
    findings = check_report(report, previous, finalising=True)
    return errors(findings) + unexplained_warnings(findings)


def blockers_summary(blocking: Sequence[Finding]) -> str:
    n_err = sum(1 for f in blocking if f.severity == "error")
    return f"还有 {n_err} 个错误、{len(blocking) - n_err} 个未说明的提示，不能定稿"


def can_finalise(findings: Iterable[Finding]) -> bool:
    """True when no error stands and every warning is explained."""
    items = list(findings)
    return not errors(items) and not unexplained_warnings(items)
