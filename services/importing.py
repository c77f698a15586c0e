"""Importing a report that came from a file: the same for the command line and the window."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from sqlalchemy.orm import Session

from services.catalogue import refresh_counts_after_save
from services.checks import Finding, check_report
from services.report import Report
from services.storage import finalising_findings, find_report, previous_report, save_report

OnExisting = Literal["refuse", "replace", "keep"]
"""What to do when the database already has that agency's report for that year."""
IMPORTED_FROM = "导入自文件："
"""How the log line of an imported report's save begins, the file's name after it: the 报送 board reads when and
from which file each unit's report came (services/board.py) from there, with no column of its own."""


@dataclass(frozen=True)
class ImportResult:
    report_id: int
    report: Report
    demoted: tuple[Finding, ...] = ()
    """Why a file marked final was stored as a draft: a final report cannot hold errors (checks.md)."""
    kept: bool = False
    """The database already had this report and kept it (on_existing="keep"): nothing was written."""

    def notice(self) -> str | None:
        if self.kept:
            return f"数据库中已有{self.report.agency} {self.report.year} 年的报告，已保留原有的，未导入文件中的。"
        if not self.demoted:
            return None
        return (
            f"文件标为“已定稿”，但审核发现 {len(self.demoted)} 个问题（错误或未说明的提示），"
            "已作为草稿导入，请修改后重新定稿。"
        )


def existing_report(session: Session, report: Report) -> int | None:
    """The stored report this file would replace, if any (to ask the clerk before importing)."""
    return find_report(session, report.agency, report.year)


def import_report(
    session: Session, report: Report, *, on_existing: OnExisting = "refuse", source: str | None = None
) -> ImportResult:
    """Store a report read from a file, with its check counts; a 'final' one that fails its checks is kept as
    a draft. An agency+year already stored is refused (StorageError), replaced, or kept, as asked. `source`,
    the file's name, is logged with the save."""
    if on_existing == "keep":
        stored = existing_report(session, report)
        if stored is not None:
            return ImportResult(stored, report, kept=True)
    report = _tie_explanations(session, report)
    demoted: tuple[Finding, ...] = ()
    if report.status == "final":
        demoted = tuple(finalising_findings(session, report))
        if demoted:
            report = report.copy()
            report.status = "draft"
    note = None if source is None else IMPORTED_FROM + source
    report_id = save_report(session, report, replace=on_existing == "replace", note=note)
    refresh_counts_after_save(session, report_id)
    return ImportResult(report_id, report, demoted)


def _tie_explanations(session: Session, report: Report) -> Report:
    """A file's explanations were written for the values the file carries: tie each to its finding's message
    now, so that it stops counting when the clerk later changes those values (services/explanations.py)."""
    loose = [key for key in report.explanations if key not in report.explained_for]
    if not loose:
        return report
    findings = check_report(report, previous_report(session, report))
    tied = report.copy()
    for key in loose:
        message = next((f.message for f in findings if key in (f.key, f.rule)), None)
        if message is not None:
            tied.explained_for[key] = message
    return tied
