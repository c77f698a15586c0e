"""The use cases the window offers, each one call in its own transaction: the window opens none, and the command
line makes the same calls (an import from either asks the same questions and says the same things)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # nothing of SQLAlchemy is imported before a use case runs (the window paints first)
    from pathlib import Path

    from models.database import Database
    from services.aggregate import AggregateResult
    from services.board import Board
    from services.catalogue import ReportLine
    from services.documents import ReadReport
    from services.importing import ImportResult, OnExisting
    from services.report import Report
    from services.report_admin import AgencyLine, CreatedReport
    from services.storage import RevisionEntry
    from services.trend_reports import TrendSubject
    from services.trends import Trends
    from services.units import UnitsImported


@dataclass(frozen=True)
class ToDelete:
    """What the clerk is asked before a deletion, and the version they were shown (a later change refuses it)."""

    report_id: int
    name: str
    final: bool
    version: int


@dataclass
class StoredImport:
    """One file's import: where it went, and everything the clerk should read about it."""

    report_id: int | None
    replaced: bool = False
    messages: list[str] = field(default_factory=list)


def read_notes(label: str, read: ReadReport) -> list[str]:
    """What a reader could not place and what it put right (Excel totals recomputed…), as the clerk reads it."""
    notes = [f"{label}：注意：{line}" for line in read.notices]
    if read.not_understood:
        notes.append(
            f"{label}：以下内容未能识别，请核对后手工填写：\n" + "\n".join(f"  {line}" for line in read.not_understood)
        )
    return notes


def result_notes(label: str, result: ImportResult) -> list[str]:
    notice = result.notice()
    return [f"{label}：{notice}"] if notice else []


class Workspace:
    """One database as the clerk works with it."""

    def __init__(self, db: Database) -> None:
        self.db = db

    # ------------------------------------------------------------ lists

    def lines(self) -> list[ReportLine]:
        from services.catalogue import report_lines

        with self.db.transaction() as session:
            return report_lines(session)

    def agencies(self) -> list[str]:
        from services.report_admin import list_agencies

        with self.db.transaction() as session:
            return [a.name for a in list_agencies(session)]

    def find(self, agency: str, year: int) -> int | None:
        from services.storage import find_report

        with self.db.transaction() as session:
            return find_report(session, agency, year)

    def load(self, report_id: int) -> Report:
        from services.storage import load_report

        with self.db.transaction() as session:
            return load_report(session, report_id)

    def history(self, report_id: int) -> list[RevisionEntry]:
        from services.storage import revisions

        with self.db.transaction() as session:
            return revisions(session, report_id)

    # ------------------------------------------------------------ changes

    def create(self, agency: str, year: int, format_id: str | None) -> CreatedReport:
        from services.report_admin import create_report

        with self.db.transaction() as session:
            return create_report(session, agency, year, format_id)

    def rename_agency(self, old: str, new: str) -> None:
        from services.report_admin import rename_agency

        with self.db.transaction() as session:
            rename_agency(session, old, new)

    def to_delete(self, report_id: int) -> ToDelete:
        from services.storage import load_report, report_version

        with self.db.transaction() as session:
            report = load_report(session, report_id)
            version = report_version(session, report_id)
        return ToDelete(report_id, f"{report.agency} {report.year} 年报告", report.status == "final", version)

    def delete(self, what: ToDelete, reason: str | None) -> None:
        from services.report_admin import delete_report_checked

        with self.db.transaction() as session:
            delete_report_checked(session, what.report_id, reason, what.version)

    # ------------------------------------------------------------ import

    def stored_as(self, report: Report) -> int | None:
        """The stored report a file's report would replace (to ask the clerk before anything is written)."""
        from services.importing import existing_report

        with self.db.transaction() as session:
            return existing_report(session, report)

    def store(
        self, label: str, read: ReadReport, on_existing: OnExisting, *, source: str | None = None
    ) -> StoredImport:
        """Store one report read from a file, as decided; raises NianbaoError when it cannot be stored. `source`
        names the file in the report's history (and on the 报送 board)."""
        from services.importing import import_report

        with self.db.transaction() as session:
            result = import_report(session, read.report, on_existing=on_existing, source=source)
        done = StoredImport(None if result.kept else result.report_id, on_existing == "replace" and not result.kept)
        done.messages += result_notes(label, result)
        done.messages += read_notes(label, read)
        return done

    # ------------------------------------------------------------ 汇总

    def aggregate(self, name: str, year: int, format_id: str | None, agencies: Sequence[str]) -> AggregateResult:
        from services.aggregate import aggregate_stored

        with self.db.transaction() as session:
            return aggregate_stored(session, name, year, format_id, agencies=list(agencies))

    # ------------------------------------------------------------ 报送 board and units

    def board(self, parent: str, year: int) -> Board:
        """Where each unit under `parent` stands with its report of `year` (services/board.py)."""
        from services.board import board

        with self.db.transaction() as session:
            return board(session, parent, year)

    def board_sum(self, name: str, parent: str, year: int) -> AggregateResult:
        """汇总 from the board: the reports of `year` of the units under `parent`, summed in the database."""
        from services.stored_sum import sum_stored

        with self.db.transaction() as session:
            return sum_stored(session, name, year, None, parent=parent)

    def agency_lines(self) -> list[AgencyLine]:
        """Every agency with its parent, by name: the tree of units."""
        from services.report_admin import list_agencies

        with self.db.transaction() as session:
            return list_agencies(session)

    def add_unit(self, name: str, parent: str | None) -> str:
        from services.units import add_unit

        with self.db.transaction() as session:
            return add_unit(session, name, parent)

    def move_unit(self, name: str, parent: str | None) -> None:
        from services.units import move_unit

        with self.db.transaction() as session:
            move_unit(session, name, parent)

    def remove_unit(self, name: str) -> str:
        from services.units import remove_unit

        with self.db.transaction() as session:
            return remove_unit(session, name)

    def import_units(self, path: Path) -> UnitsImported:
        """The office's Excel list of units and parents, all or nothing (services/unit_list.py)."""
        from services.unit_list import read_unit_list
        from services.units import import_units

        rows = read_unit_list(path)
        with self.db.transaction() as session:
            return import_units(session, rows)

    # ------------------------------------------------------------ 历年对比

    def trend_subjects(self) -> list[TrendSubject]:
        from services.trend_reports import trend_subjects

        with self.db.transaction() as session:
            return trend_subjects(session)

    def trends(self, subject: TrendSubject, current: Report | None = None) -> Trends:
        """历年对比 of an agency (or of a parent body's units summed year by year); reads only."""
        from services.trend_reports import stored_trends

        with self.db.transaction() as session:
            return stored_trends(session, subject, current)
