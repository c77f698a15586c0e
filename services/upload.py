"""把本机报告上传到共享数据库: the reports of this PC's database, read (never changed or deleted there), to be
stored in the shared one through the import's own call (`Workspace.store`), with the import's questions."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from services.report import Report


def local_reports(db_path: Path) -> list[Report]:
    """Every report of the local database file, oldest year first (last year's is there before this year's
    is checked against it); a missing file is a StorageError, not an empty database made on the spot."""
    from models.database import open_database
    from services.storage import list_reports, load_report

    db = open_database(db_path, create=False)
    try:
        with db.transaction() as session:
            lines = sorted(list_reports(session), key=lambda line: (line.year, line.agency))
            return [load_report(session, line.id) for line in lines]
    finally:
        db.dispose()


def upload_label(report: Report) -> str:
    """How one uploaded report is named in the questions and the messages."""
    return f"本机的“{report.agency}”{report.year} 年报告"
