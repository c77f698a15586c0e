"""What the navigator lists: every stored report with its status and the number of findings."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from services.checks import check_report, errors
from services.storage import list_reports, load_report, previous_report


@dataclass(frozen=True)
class ReportLine:
    report_id: int
    agency: str
    year: int
    format_id: str
    status: str
    errors: int
    warnings: int


def report_lines(session: Session) -> list[ReportLine]:
    lines = []
    for summary in list_reports(session):
        report = load_report(session, summary.id)
        findings = check_report(report, previous_report(session, report), finalising=summary.status == "final")
        n_err = len(errors(findings))
        lines.append(ReportLine(summary.id, summary.agency, summary.year, summary.format_id, summary.status,
                                n_err, len(findings) - n_err))
    return lines
