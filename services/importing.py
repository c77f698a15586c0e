"""Importing a report that came from a file: the same for the command line and the window."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from services.catalogue import refresh_counts_after_save
from services.checks import Finding
from services.report import Report
from services.storage import finalising_findings, save_report


@dataclass(frozen=True)
class ImportResult:
    report_id: int
    report: Report
    demoted: tuple[Finding, ...] = ()
    """Why a file marked final was stored as a draft: a final report cannot hold errors (checks.md)."""

    def notice(self) -> str | None:
        if not self.demoted:
            return None
        return (f"文件标为“已定稿”，但审核发现 {len(self.demoted)} 个问题（错误或未说明的提示），"
                "已作为草稿导入，请修改后重新定稿。")


def import_report(session: Session, report: Report, *, replace: bool = False) -> ImportResult:
    """Store a report read from a file, with its check counts; a 'final' one that fails its checks is kept as
    a draft."""
    demoted: tuple[Finding, ...] = ()
    if report.status == "final":
        demoted = tuple(finalising_findings(session, report))
        if demoted:
            report = report.copy()
            report.status = "draft"
    report_id = save_report(session, report, replace=replace)
    refresh_counts_after_save(session, report_id)
    return ImportResult(report_id, report, demoted)
