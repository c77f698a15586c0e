"""Short database steps for tests: each one short transaction, as a second window or a fresh query would do."""

from __future__ import annotations

from models.database import Database
from services import storage
from services.report import Report


def save(db: Database, report: Report, *, replace: bool = False) -> int:
    with db.transaction() as session:
        return storage.save_report(session, report, replace=replace)


def load(db: Database, report_id: int) -> Report:
    with db.transaction() as session:
        return storage.load_report(session, report_id)


def version(db: Database, report_id: int) -> int:
    with db.transaction() as session:
        return storage.report_version(session, report_id)


def log(db: Database, report_id: int) -> list[storage.RevisionEntry]:
    with db.transaction() as session:
        return storage.revisions(session, report_id)
