"""The last report read at start-up with the standard library's sqlite3: no SQLAlchemy, no engine, no migration.

The window paints this report first; the database is opened after (integrity check, migrations, backups) and the
window goes live on it (ui/fast_start.py). So the read must give exactly what `services.storage.load_report`,
`report_version`, `previous_report` and `services.catalogue.report_lines` give (tests/test_fast_start.py compares
them). It never writes: the file is opened read-only, and a report whose counts were never stored (which
`report_lines` would check and write) is left to the normal path.

On any doubt — not a file, a schema revision other than the one this module reads, locked, damaged, a value it
does not expect — it returns None and the normal start runs. Nothing here imports SQLAlchemy.
"""

from __future__ import annotations

import sqlite3
from contextlib import closing
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import get_args

from services.errors import NianbaoError
from services.formats import CellKey, CellKind, get_format
from services.names import clean_name
from services.report import AgencyKind, Fees, Report, Status
from services.report_line import ReportLine
from services.values import CellValue

SCHEMA = "0004"
"""The schema revision (alembic_version) whose tables this module reads; tests hold it equal to
models.database.SCHEMA_HEAD, so a migration cannot land without this reader being looked at."""
LOCK_WAIT_S = 0.1
"""A database someone holds locked is not worth waiting for here: the normal start waits and says why."""

STATUSES: tuple[Status, ...] = get_args(Status)
AGENCY_KINDS: tuple[AgencyKind, ...] = get_args(AgencyKind)


@dataclass(frozen=True)
class QuickRead:
    report_id: int
    report: Report
    version: int
    previous: Report | None
    """The same agency's report of the year before, for the cross-year checks (storage.previous_report)."""
    lines: tuple[ReportLine, ...]
    """Every stored report, ordered as storage.list_reports orders them."""


class _Doubt(Exception):
    """Something this reader does not expect: leave the start to the normal path."""


def read_last_report(path: Path, agency: str, year: int) -> QuickRead | None:
    """The report of `agency` and `year` in the SQLite file at `path`, with last year's and the navigator's lines,
    all read in one snapshot; None when the normal start should decide (see the module's docstring)."""
    if not path.is_file():
        return None  # a new database is created by the normal path; a folder or a device is its to refuse
    try:
        with closing(_connect(path)) as conn:
            conn.execute("BEGIN")  # one read transaction: the report, its version and the list agree
            if [row[0] for row in conn.execute("SELECT version_num FROM alembic_version")] != [SCHEMA]:
                return None
            report_id = _find_report(conn, agency, year)
            if report_id is None:
                return None
            report, version = _load_report(conn, report_id)
            previous_id = _find_report(conn, report.agency, report.year - 1)
            previous = None if previous_id is None else _load_report(conn, previous_id)[0]
            lines = _lines(conn)
    except (sqlite3.Error, OSError, NianbaoError, _Doubt, ValueError, ArithmeticError, TypeError):
        return None
    return QuickRead(report_id, report, version, previous, lines)


def _connect(path: Path) -> sqlite3.Connection:
    # A URI, percent-encoded by pathlib (a folder name with "?" or "#" stays part of the path), read-only.
    return sqlite3.connect(f"{path.absolute().as_uri()}?mode=ro", uri=True, timeout=LOCK_WAIT_S)


def _find_report(conn: sqlite3.Connection, agency: str, year: int) -> int | None:
    # as storage.find_report: by the cleaned name
    row = conn.execute(
        "SELECT report.id FROM report JOIN agency ON agency.id = report.agency_id"
        " WHERE agency.name = ? AND report.year = ?",
        (clean_name(agency), year),
    ).fetchone()
    return None if row is None else _int(row[0])


def _load_report(conn: sqlite3.Connection, report_id: int) -> tuple[Report, int]:
    """The report as storage.load_report builds it, and its version."""
    row = conn.execute(
        "SELECT agency.name, agency.code, agency.kind, report.year, report.format_id, report.status, report.title,"
        " report.signed_by, report.signed_on, report.fee_notices, report.fee_amount_yuan, report.version"
        " FROM report JOIN agency ON agency.id = report.agency_id WHERE report.id = ?",
        (report_id,),
    ).fetchone()
    if row is None:
        raise _Doubt
    name, code, kind, year, format_id, status, title, signed_by, signed_on, notices, amount, version = row
    fmt = get_format(_text(format_id))
    cells: dict[CellKey, CellValue] = {}
    query = "SELECT table_key, row_key, col_key, value FROM cell WHERE report_id = ?"
    for table, row_key, col, text in conn.execute(query, (report_id,)):
        key = (_text(table), _text(row_key), _text(col))
        spec = fmt.cell_spec(key)
        cells[key] = _from_stored(_text(text), spec.kind if spec else None)
    texts = conn.execute("SELECT key, text FROM report_text WHERE report_id = ?", (report_id,))
    explanations = conn.execute(
        "SELECT key, text, written_for FROM explanation WHERE report_id = ?", (report_id,)
    ).fetchall()
    report = Report(
        agency=_text(name),
        year=_int(year),
        format_id=fmt.id,
        agency_code=_optional_text(code),
        agency_kind=kind if kind in AGENCY_KINDS else None,
        title=_optional_text(title),
        signed_by=_optional_text(signed_by),
        signed_on=None if signed_on is None else date.fromisoformat(_text(signed_on)),
        status=_status(status),
        cells=cells,
        texts={_text(key): _text(text) for key, text in texts},
        fees=Fees(
            notices=None if notices is None else _int(notices),
            amount_yuan=None if amount is None else Decimal(_text(amount)),
        ),
        explanations={_text(key): _text(text) for key, text, _ in explanations},
        explained_for={_text(key): _text(written) for key, _, written in explanations if written is not None},
    )
    return report, _int(version)


def _lines(conn: sqlite3.Connection) -> tuple[ReportLine, ...]:
    """storage.list_reports as catalogue.report_lines shows it; counts never stored are the normal path's."""
    lines: list[ReportLine] = []
    query = (
        "SELECT report.id, agency.name, report.year, report.format_id, report.status, report.error_count,"
        " report.warning_count FROM report JOIN agency ON agency.id = report.agency_id"
        " ORDER BY agency.name, report.year"
    )
    for report_id, name, year, format_id, status, n_err, n_warn in conn.execute(query):
        if n_err is None or n_warn is None:
            raise _Doubt  # report_lines would check and store them: a write, not for a read-only start
        lines.append(
            ReportLine(
                _int(report_id), _text(name), _int(year), _text(format_id), _status(status), _int(n_err), _int(n_warn)
            )
        )
    return tuple(lines)


def _from_stored(text: str, kind: CellKind | None) -> CellValue:
    # as storage._from_stored
    if kind == "amount" or "." in text:
        return Decimal(text)
    return int(text)


def _status(value: object) -> Status:
    for status in STATUSES:
        if value == status:
            return status
    raise _Doubt


def _text(value: object) -> str:
    if not isinstance(value, str):
        raise _Doubt
    return value


def _optional_text(value: object) -> str | None:
    return None if value is None else _text(value)


def _int(value: object) -> int:
    if type(value) is not int:
        raise _Doubt
    return value
