"""What the navigator lists: every stored report with its status and the numbers of findings.

The numbers are stored with the report (storage.set_counts) whenever it is checked, so listing 1,000 reports
reads one query instead of checking each. Reports never checked since the counts were added (an upgraded
database, a report saved by older code) are checked once, on the first listing.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.tables import Agency, ReportRecord
from services.checks import check_report, errors, unexplained_warnings
from services.report import Report
from services.report_line import ReportLine as ReportLine  # named here too (the navigator's lines)
from services.storage import find_report, list_reports, load_report, previous_report, set_counts


def report_lines(session: Session) -> list[ReportLine]:
    """Every stored report with its stored counts; only reports without counts are checked (and stored)."""
    summaries = list_reports(session)
    if any(s.errors is None or s.warnings is None for s in summaries):
        refresh_counts(session)
        summaries = list_reports(session)
    return [
        ReportLine(s.id, s.agency, s.year, s.format_id, s.status, s.errors or 0, s.warnings or 0) for s in summaries
    ]


def count_findings(session: Session, report: Report) -> tuple[int, int]:
    """(errors, warnings) of a report, checked against the same agency's report of the year before."""
    n_err, n_warn, _ = _counts(session, report)
    return n_err, n_warn


def _counts(session: Session, report: Report) -> tuple[int, int, int]:
    """(errors, warnings, unexplained warnings), as set_counts stores them."""
    findings = check_report(report, previous_report(session, report), finalising=report.status == "final")
    n_err = len(errors(findings))
    return n_err, len(findings) - n_err, len(unexplained_warnings(findings))


def refresh_counts(session: Session, report_ids: Iterable[int] | None = None) -> int:
    """Check the given reports (None: every report without stored counts) and store their counts.

    Returns how many reports were checked.
    """
    if report_ids is None:
        query = select(ReportRecord.id).where(
            (ReportRecord.error_count.is_(None)) | (ReportRecord.warning_count.is_(None))
        )
        ids = list(session.scalars(query.order_by(ReportRecord.id)))
    else:
        ids = list(dict.fromkeys(report_ids))
    for report_id in ids:
        set_counts(session, report_id, *_counts(session, load_report(session, report_id)))
    return len(ids)


def refresh_counts_after_save(session: Session, report_id: int) -> int:
    """Store the counts of a report just saved, and of the same agency's next-year report whose cross-year
    checks read it. Returns how many reports were checked."""
    row = session.execute(
        select(Agency.name, ReportRecord.year).join(Agency).where(ReportRecord.id == report_id)
    ).one_or_none()
    ids = [report_id]
    if row is not None:
        following = find_report(session, row.name, row.year + 1)
        if following is not None:
            ids.append(following)
    return refresh_counts(session, ids)
