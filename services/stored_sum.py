"""汇总 of stored reports in the database's terms: one row per report (its packed value cells, services/summands.py,
its fees and stored error count), never the reports themselves, so that a province's 10,000 units sum in well
under a second on SQLite and on PostgreSQL (benchmarks/bench_exchange.py).

It gives what services.aggregate.aggregate_stored gives for the same units (tests/test_stored_sum.py holds the two
equal), with two differences: `units` is empty (the reports are not loaded; a workbook of one sheet per unit is
for a county's dozens, made by aggregate_stored), and `erroneous` names the units whose stored check count has
errors — the count the navigator and the 报送 board show, last year's report taken into account.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal, Inexact, localcontext
from itertools import islice
from typing import TypeVar

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session

from models.tables import Agency, ReportRecord
from services.aggregate import (
    DECIMAL_DIGITS,
    AggregateResult,
    UnitStatus,
    children,
    not_a_number,
    other_format,
    sum_format,
)
from services.catalogue import refresh_counts
from services.checks import REQUIRED, check_report, recompute_totals
from services.formats import ReportFormat
from services.names import clean_name
from services.report import Fees, empty_report
from services.storage import store_summands
from services.summands import layout, unpack, well_formed
from services.values import normalise_amount

T = TypeVar("T")
_CHUNK = 500
"""Names per IN (…) when units are given by name: well inside every database's limit of bound parameters."""


@dataclass(frozen=True)
class _Row:
    report_id: int
    agency: str
    format_id: str
    summands: str | None
    errors: int | None
    fee_notices: int | None
    fee_amount: str | None


def sum_stored(
    session: Session,
    name: str,
    year: int,
    format_id: str | None,
    *,
    agencies: Sequence[str] | None = None,
    parent: str | None = None,
) -> AggregateResult:
    """Sum the stored reports of `year` of the listed agencies, or of every unit directly under `parent`; the
    format is the year's official one unless given. Packs and counts missing from older reports are made first."""
    fmt = sum_format(year, format_id, agencies, parent)
    asked = children(session, parent) if parent is not None else _names(agencies or ())
    # names read from the database are stored clean; names given are made so, once
    wanted = asked if parent is not None else list(dict.fromkeys(a for a in map(clean_name, asked) if a))
    rows = _fill_missing(session, fmt, _rows(session, year, wanted, parent))
    by_name = {row.agency: row for row in rows}
    present = [by_name[agency] for agency in wanted if agency in by_name]
    same_format = [row for row in present if row.format_id == fmt.id]
    counts, amounts, not_numbers = _add_up(fmt, same_format)
    included = [row for row in same_format if row.agency not in not_numbers]
    refused = [
        (row.agency, other_format(row.format_id, fmt.id) if row.format_id != fmt.id else not_numbers[row.agency])
        for row in present
        if row.format_id != fmt.id or row.agency in not_numbers
    ]
    notices = [row.fee_notices for row in included if row.fee_notices is not None]
    fee_amounts = [Decimal(row.fee_amount) for row in included if row.fee_amount is not None]
    shape = layout(fmt)
    total = empty_report(name, year, fmt.id)
    total.cells.update(zip(shape.counts, counts, strict=True))
    total.cells.update(zip(shape.amounts, (normalise_amount(a) for a in amounts), strict=True))
    recompute_totals(total)
    total.fees = Fees(
        sum(notices) if notices else None, normalise_amount(_exact_sum(fee_amounts)) if fee_amounts else None
    )
    reported = {row.agency for row in present}
    return AggregateResult(
        total,
        tuple(row.agency for row in included),
        tuple(agency for agency in wanted if agency not in reported),
        tuple(UnitStatus(row.agency, year, row.errors) for row in included if row.errors),
        tuple(refused),
        tuple(f for f in check_report(total) if f.rule != REQUIRED),
    )


def _add_up(fmt: ReportFormat, rows: list[_Row]) -> tuple[list[int], list[Decimal], dict[str, str]]:
    """The column sums of the reports' packs, and the reports refused (agency: why) for a value that is not a
    whole number where a count must be. All packs are parsed as one text: 1.7 million numbers at 10,000 reports,
    which a loop over the reports would spend most of a second on."""
    shape = layout(fmt)
    n, m = len(shape.counts), len(shape.amounts)
    start = len(shape.tag) + 1
    pieces = [(row.summands or "")[start:].rpartition("|") for row in rows]
    try:
        ints = list(map(int, ",".join(p[0] for p in pieces).split(","))) if rows and n else []
    except ValueError:
        ints = []
    if len(ints) != n * len(rows):  # rare: a count holding a fraction; find its reports, add up the others
        refused = {}
        for row in rows:
            unpacked = unpack(fmt, row.summands or "")
            assert unpacked is not None  # _fill_missing made every pack well formed
            bad = next((i for i, text in enumerate(unpacked[0]) if not _is_int(text)), None)
            if bad is not None:
                refused[row.agency] = not_a_number(shape.counts[bad], unpacked[0][bad])
        counts, amounts, _ = _add_up(fmt, [row for row in rows if row.agency not in refused])
        return counts, amounts, refused
    amount_texts = ",".join(p[2] for p in pieces).split(",") if rows and m else []
    return (
        [sum(ints[i::n]) for i in range(n)],
        [_exact_sum(map(Decimal, amount_texts[i::m])) for i in range(m)],
        {},
    )


def _exact_sum(amounts: Iterable[Decimal]) -> Decimal:
    with localcontext() as ctx:
        # as aggregate_reports: amounts add exactly, or raise
        ctx.prec = DECIMAL_DIGITS
        ctx.traps[Inexact] = True
        return sum(amounts, Decimal(0))


def _is_int(text: str) -> bool:
    try:
        int(text)
    except ValueError:
        return False
    return True


def _names(agencies: Sequence[str]) -> list[str]:
    return list(dict.fromkeys(n for n in (a.strip() for a in agencies) if n))


_COLUMNS = (
    ReportRecord.id,
    Agency.name,
    ReportRecord.format_id,
    ReportRecord.summands,
    ReportRecord.error_count,
    ReportRecord.fee_notices,
    ReportRecord.fee_amount_yuan,
)


def _read(session: Session, *where: ColumnElement[bool]) -> list[_Row]:
    query = select(*_COLUMNS).join(Agency, Agency.id == ReportRecord.agency_id).where(*where)
    return [
        _Row(id_, agency, fmt, packed, n_err, notices, amount)
        for id_, agency, fmt, packed, n_err, notices, amount in session.execute(query)
    ]


def _rows(session: Session, year: int, names: list[str], parent: str | None) -> list[_Row]:
    if parent is not None:
        parent_id = session.scalar(select(Agency.id).where(Agency.name == clean_name(parent)))
        return _read(session, Agency.parent_id == parent_id, ReportRecord.year == year)
    return [
        row for chunk in _chunks(names) for row in _read(session, Agency.name.in_(chunk), ReportRecord.year == year)
    ]


def _chunks(items: Iterable[T]) -> Iterator[list[T]]:
    it = iter(items)
    while chunk := list(islice(it, _CHUNK)):
        yield chunk


def _fill_missing(session: Session, fmt: ReportFormat, rows: list[_Row]) -> list[_Row]:
    """Pack the reports of this format stored without a pack (before revision 0004, or under another version of
    the format file) and count those never checked, then read their rows again."""
    unpacked = [
        r.report_id for r in rows if r.format_id == fmt.id and (r.summands is None or not well_formed(fmt, r.summands))
    ]
    uncounted = [r.report_id for r in rows if r.errors is None]
    if not unpacked and not uncounted:
        return rows
    for report_id in unpacked:
        store_summands(session, report_id)
    refresh_counts(session, uncounted)
    fresh = {
        row.report_id: row
        for chunk in _chunks(set(unpacked) | set(uncounted))
        for row in _read(session, ReportRecord.id.in_(chunk))
    }
    return [fresh.get(r.report_id, r) for r in rows]
