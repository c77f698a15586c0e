"""汇总: summing the reports of several units of one year and format into one report, and re-checking it.

A county office sums its units' reports for its own statistics. The sum takes only the value cells (what a
clerk types) and recomputes every total from them, so the summed tables keep their identities whenever every
unit's do. Units are chosen by name or as the children (Agency.parent_id) of a parent agency.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal, Inexact, localcontext
from itertools import repeat
from operator import add

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.tables import Agency
from services.checks import REQUIRED, Finding, check_report, errors, recompute_totals
from services.errors import FormatFileError, StorageError
from services.formats import CellKey, ReportFormat, format_for_year, get_format, per_format
from services.names import clean_name
from services.report import Fees, Report, empty_report
from services.storage import find_report, load_report
from services.values import CellValue, normalise_amount

DECIMAL_DIGITS = 60
"""Precision of the amount sums: far beyond 1,000 units × 10^9 万元 to the 6th place, so adding is exact."""


@dataclass(frozen=True)
class UnitStatus:
    """A summed unit whose own report has check errors (the superior should chase it)."""

    agency: str
    year: int
    errors: int


@dataclass(frozen=True)
class AggregateResult:
    report: Report
    """The sum: the aggregating body as agency, value cells summed, totals recomputed, texts empty, a draft."""
    included: tuple[str, ...]
    """Agencies whose reports are in the sum, in the order given."""
    missing: tuple[str, ...]
    """Agencies asked for that have no report of the year (a report of another year does not count)."""
    erroneous: tuple[UnitStatus, ...]
    """Included units whose own report has check errors: summed all the same."""
    refused: tuple[tuple[str, str], ...]
    """(agency, reason) of each report not summed: another year or format, a second copy, a value not a number."""
    findings: tuple[Finding, ...]
    """check_report of the sum."""
    units: tuple[Report, ...] = ()
    """The very reports summed, in the order of `included` (for the workbook of one sheet per unit)."""


@dataclass(frozen=True)
class _Plan:
    fmt: ReportFormat
    counts: tuple[CellKey, ...]
    """Value cells holding ints (counts and signed counts)."""
    amounts: tuple[CellKey, ...]
    """Value cells holding Decimal amounts."""


@per_format
def _plan(fmt: ReportFormat) -> _Plan:
    values = [spec for spec in fmt.cell_specs() if not spec.computed]
    return _Plan(
        fmt,
        tuple(spec.key for spec in values if spec.kind != "amount"),
        tuple(spec.key for spec in values if spec.kind == "amount"),
    )


def aggregate_reports(
    name: str, year: int, format_id: str, reports: Sequence[Report], asked: Sequence[str] = ()
) -> AggregateResult:
    """Sum the reports of `year` in format `format_id` into one report of `name`; `asked` names the agencies
    expected (those without a report of the year are `missing`). Pure: the given reports are not changed.

    Only value cells are summed; every total is then recomputed from the summed parts. Summing the units'
    published totals instead would carry any unit's arithmetic slip into the sum, so the sum's totals would
    disagree with its own parts. Recomputing keeps the sum exact and self-consistent: each total is the total of
    the summed parts, which equals the sum of the units' totals whenever those are right. A unit whose totals
    (or any other identity) are wrong is still summed and listed in `erroneous`.
    """
    plan = _plan(get_format(format_id))
    counts: list[CellValue] = [0] * len(plan.counts)
    amounts: list[CellValue] = [Decimal(0)] * len(plan.amounts)
    fee_notices: int | None = None
    fee_amount: Decimal | None = None
    included: list[Report] = []
    summed: set[str] = set()
    refused: list[tuple[str, str]] = []
    present: set[str] = set()  # agencies with a report of the year, summed or not
    with localcontext() as ctx:
        # Amounts must add exactly: a rounding would raise rather than pass unnoticed.
        ctx.prec = DECIMAL_DIGITS
        ctx.traps[Inexact] = True
        for report in reports:
            agency = clean_name(report.agency)
            reason = _refusal(report, year, plan, agency in summed)
            if report.year == year:
                present.add(agency)
            if reason is not None:
                refused.append((report.agency, reason))
                continue
            included.append(report)
            summed.add(agency)
            get = report.cells.get
            counts = list(map(add, counts, map(get, plan.counts, repeat(0))))
            amounts = list(map(add, amounts, map(get, plan.amounts, repeat(0))))
            if report.fees.notices is not None:
                fee_notices = (fee_notices or 0) + report.fees.notices
            if report.fees.amount_yuan is not None:
                fee_amount = (fee_amount or Decimal(0)) + report.fees.amount_yuan

    total = empty_report(name, year, plan.fmt.id)
    total.cells.update(zip(plan.counts, counts, strict=True))
    total.cells.update(zip(plan.amounts, (normalise_amount(Decimal(a)) for a in amounts), strict=True))
    recompute_totals(total)
    total.fees = Fees(fee_notices, None if fee_amount is None else normalise_amount(fee_amount))

    erroneous = []
    for report in included:
        found = len(errors(check_report(report)))
        if found:
            erroneous.append(UnitStatus(report.agency, report.year, found))
    missing = tuple(dict.fromkeys(a for a in (clean_name(x) for x in asked) if a and a not in present))
    return AggregateResult(
        total,
        tuple(r.agency for r in included),
        missing,
        tuple(erroneous),
        tuple(refused),
        # the sum has no narrative or signature yet (the office writes its own): only its tables are judged
        tuple(f for f in check_report(total) if f.rule != REQUIRED),
        tuple(included),
    )


def _refusal(report: Report, year: int, plan: _Plan, repeated: bool) -> str | None:
    """Why a report cannot be added to this sum, or None."""
    if report.year != year:
        return f"年度为 {report.year}，与本次汇总的 {year} 年度不同，不能相加"
    if report.format_id != plan.fmt.id:
        return other_format(report.format_id, plan.fmt.id)
    if repeated:
        return "同一单位的报告重复，只计入第一份"
    get = report.cells.get
    for key in plan.counts:
        value = get(key, 0)
        if type(value) is not int:
            return not_a_number(key, value)
    for key in plan.amounts:
        value = get(key, 0)
        if not (type(value) is int or (type(value) is Decimal and value.is_finite())):
            return not_a_number(key, value)
    return None


def other_format(format_id: str, summed: str) -> str:
    """Why a report of another format is not summed (services/stored_sum.py says it alike)."""
    return f"格式为 {format_id}，与本次汇总的 {summed} 格式不同，不能相加"


def not_a_number(key: CellKey, value: object) -> str:
    return f"单元格 {'/'.join(key)} 的值“{value!s}”不是有效的数字，不能相加"


def sum_format(year: int, format_id: str | None, agencies: Sequence[str] | None, parent: str | None) -> ReportFormat:
    """The format a 汇总 of stored reports is made in (the year's official one unless given), once it is clear
    whose reports are summed: the listed agencies or a parent's units, one of the two."""
    if (agencies is None) == (parent is None):
        raise StorageError("请指定要汇总的单位，或指定上级机关以汇总其全部下属单位（二者选其一）。")
    try:
        return get_format(format_id) if format_id else format_for_year(year)
    except FormatFileError as exc:
        raise StorageError(exc.message) from None


def aggregate_stored(
    session: Session,
    name: str,
    year: int,
    format_id: str | None,
    agencies: Sequence[str] | None = None,
    parent: str | None = None,
) -> AggregateResult:
    """Sum the stored reports of `year` of the listed agencies, or of every child of `parent`; the format is
    the year's official one unless given."""
    fmt = sum_format(year, format_id, agencies, parent)
    names = _names(agencies) if agencies is not None else children(session, parent or "")
    reports = []
    for agency in names:
        report_id = find_report(session, agency, year)
        if report_id is not None:
            reports.append(load_report(session, report_id))
    return aggregate_reports(name, year, fmt.id, reports, asked=names)


def children(session: Session, parent: str) -> list[str]:
    """The names of the agencies directly under `parent`, by name."""
    parent_id = _agency(session, parent).id
    query = select(Agency.name).where(Agency.parent_id == parent_id).order_by(Agency.name)
    return list(session.scalars(query))


def set_agency_parent(session: Session, name: str, parent_name: str | None) -> None:
    """Put an agency under a parent agency (None: under none), for summing a parent's units."""
    agency = _agency(session, name)
    if parent_name is None:
        agency.parent_id = None
        session.flush()
        return
    parent = _agency(session, parent_name)
    # Walk up from the new parent: meeting the agency itself would make a loop (A under B under A).
    step: Agency | None = parent
    while step is not None:
        if step.id == agency.id:
            raise StorageError(f"不能把“{agency.name}”设为“{parent.name}”的下属：二者会互为上级。")
        step = session.get(Agency, step.parent_id) if step.parent_id is not None else None
    agency.parent_id = parent.id
    session.flush()


def _agency(session: Session, name: str) -> Agency:
    agency = session.scalar(select(Agency).where(Agency.name == name.strip()))
    if agency is None:
        raise StorageError(f"机构“{name.strip()}”不存在（可能已被其他人改名）。")
    return agency


def _names(agencies: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(n for n in (a.strip() for a in agencies) if n))
