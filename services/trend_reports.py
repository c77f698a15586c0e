"""The reports 历年对比 compares, read from the database (read-only): an agency's own, year by year, or the sums
of a parent body's units year by year (汇总, as services/aggregate.py sums them)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from services.aggregate import aggregate_stored, children
from services.report import Report
from services.report_admin import list_agencies
from services.storage import list_reports, load_report
from services.trends import Trends, build_trends

UNITS_SUFFIX = "（下属单位逐年汇总）"


@dataclass(frozen=True)
class TrendSubject:
    """What the 历年对比 window offers: an agency with reports, or the units of a parent body summed."""

    agency: str
    units: bool = False

    @property
    def label(self) -> str:
        return self.agency + (UNITS_SUFFIX if self.units else "")


def trend_subjects(session: Session) -> list[TrendSubject]:
    """Every agency with a stored report, and every parent body whose units have reports, by name."""
    with_reports = {s.agency for s in list_reports(session)}
    parents = {a.parent for a in list_agencies(session) if a.parent is not None and a.name in with_reports}
    out = [TrendSubject(name) for name in sorted(with_reports)]
    out += [TrendSubject(name, units=True) for name in sorted(parents)]
    return sorted(out, key=lambda s: (s.agency, s.units))


def stored_trends(session: Session, subject: TrendSubject, current: Report | None = None) -> Trends:
    """The trends of a subject; `current` (a report being printed, perhaps not stored as it is) stands for its
    agency's stored report of that year."""
    if subject.units:
        return build_trends(subject.label, unit_sums(session, subject.agency))
    reports = [load_report(session, s.id) for s in list_reports(session) if s.agency == subject.agency]
    if current is not None and current.agency == subject.agency:
        reports = [r for r in reports if r.year != current.year] + [current]
    return build_trends(subject.label, reports)


def unit_sums(session: Session, parent: str) -> list[Report]:
    """For each year any unit of `parent` reported, the sum of its units' reports of that year (the year's
    format; a unit in another format is left out of that year's sum, as 汇总 does)."""
    units = set(children(session, parent))
    years = sorted({s.year for s in list_reports(session) if s.agency in units})
    name = parent + UNITS_SUFFIX
    return [aggregate_stored(session, name, year, None, parent=parent).report for year in years]
