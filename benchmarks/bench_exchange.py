"""Speed of the exchange use cases, each against a floor measured in the same run; one printed line each.

    python benchmarks/bench_exchange.py [--reports 1000] [--units 10000] [--only NAME …]

1. 汇总: summing N filled 2021 reports (aggregate_reports: value cells summed, totals recomputed, every unit
   and the sum checked). Floor: a bare loop adding the same value cells of the same reports into a dict — the
   least any 汇总 must do. Target: N=1000 within 1 s.
2. Excel export of the sample report (the paper-form sheets, the text sheet, the hidden key map) against bare
   openpyxl writing the same values into one plain sheet. Target ≤ 0.3 s.
3. Excel import of that workbook (zip checks, label checks, every value parsed) against bare openpyxl
   opening the same file and reading every cell. Target ≤ 0.3 s.
4. 批量审核, per file: every report file of ../shared/corpus (real published pages, text, PDF and their
   exchange files; without ../shared, the sample written as .json, .xlsx, .html and its published .txt) read,
   checked and made a row (services.audit), against reading the same files alone (documents.read_document,
   failures caught): what the audit adds to the readers. Target ≤ 0.5 s per file (a county's 100 units'
   reports in under a minute).
5. The 报送 board and 汇总 from it over a province: N stored reports (default 10,000) of as many units under one
   parent, loaded in bulk (benchmarks/board_data.py), on SQLite and, when a server can be had (tests/postgres.py:
   NIANBAO_TEST_PG_URL or the installed server binaries), on PostgreSQL. The board (every unit's state, counts,
   and the file and time of its import) against a bare query of the same units' report ids and status, target
   ≤ 0.5 s; 汇总 (sum, totals, the sum checked) against a bare query reading the same reports' packed values,
   target ≤ 1 s. A line more gives a peer: the same sum as SQL GROUP BY over the cell rows.
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from services.aggregate import aggregate_reports
from services.formats import CellKey
from services.values import CellValue
from tests.factories import filled_report, sample_report

if TYPE_CHECKING:
    from models.database import Database


@dataclass(frozen=True)
class Measured:
    """One measurement and its floor, in seconds."""

    what: str
    median: float
    floor_what: str
    floor: float
    target: float

    def line(self) -> str:
        verdict = "ok" if self.median <= self.target else "MISSED"
        return (
            f"{self.what}: median {self.median:.4f} s; floor ({self.floor_what}) {self.floor:.4f} s; "
            f"ratio {self.median / self.floor:.1f}x; target ≤ {self.target:g} s: {verdict}"
        )


def median_seconds(fn: Callable[[], object], repeat: int = 5) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def bench_aggregate(n: int = 1000) -> Measured:
    """汇总 of n filled 2021 reports (built in memory, not timed) against summing their value cells bare."""
    reports = [filled_report("2021", agency=f"单位{i}", seed=i) for i in range(n)]
    year = reports[0].year
    value_keys = [spec.key for spec in reports[0].format.cell_specs() if not spec.computed]

    def floor() -> object:
        sums: dict[CellKey, CellValue] = {}
        for report in reports:
            cells = report.cells
            for key in value_keys:
                sums[key] = sums.get(key, 0) + cells[key]
        return sums

    ours = median_seconds(lambda: aggregate_reports("某县人民政府办公室", year, "2021", reports))
    base = median_seconds(floor)
    return Measured(
        f"汇总 {n} filled 2021 reports (sum value cells, recompute totals, check units and sum)",
        ours,
        "bare loop adding the same value cells into a dict",
        base,
        1.0,
    )


def bench_excel_export() -> Measured:
    from openpyxl import Workbook

    from services.excel import report_workbook_bytes
    from services.values import to_text

    report = sample_report()

    def floor() -> object:
        book = Workbook()
        sheet = book.active
        assert sheet is not None
        for i, (key, value) in enumerate(report.cells.items(), start=1):
            sheet.cell(i, 1, "/".join(key))
            sheet.cell(i, 2, to_text(value))
        for j, text in enumerate(report.texts.values(), start=len(report.cells) + 1):
            sheet.cell(j, 2, text)
        buffer = io.BytesIO()
        book.save(buffer)
        return buffer.getvalue()

    ours = median_seconds(lambda: report_workbook_bytes(report), repeat=9)
    base = median_seconds(floor, repeat=9)
    return Measured(
        "Excel export of the sample report", ours, "bare openpyxl, same values in one plain sheet", base, 0.3
    )


def bench_excel_import() -> Measured:
    from openpyxl import load_workbook

    from services.excel import read_report_xlsx, write_report_xlsx

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "sample.xlsx"
        write_report_xlsx(sample_report(), path)

        def floor() -> object:
            book = load_workbook(path)
            return [cell.value for sheet in book.worksheets for row in sheet.iter_rows() for cell in row]

        ours = median_seconds(lambda: read_report_xlsx(path), repeat=9)
        base = median_seconds(floor, repeat=9)
    return Measured(
        "Excel import of the sample report", ours, "bare openpyxl opening it and reading every cell", base, 0.3
    )


CORPUS = Path(__file__).resolve().parent.parent.parent / "shared" / "corpus"


def _audit_folder(tmp: Path) -> tuple[Path, str]:
    """The corpus when it is beside the checkout, else the sample in every kind the app reads."""
    if CORPUS.is_dir():
        return CORPUS, "../shared/corpus"
    from services.documents import write_report_file
    from tests.factories import SAMPLE_TEXT

    for suffix in (".json", ".xlsx", ".html"):
        write_report_file(sample_report(), tmp / f"sample{suffix}")
    (tmp / "sample.txt").write_bytes(SAMPLE_TEXT.read_bytes())
    return tmp, "the sample as .json, .xlsx, .html, .txt"


def bench_audit() -> Measured:
    from services.audit import audit_paths, find_report_files
    from services.documents import read_document
    from services.errors import NianbaoError

    with tempfile.TemporaryDirectory() as tmp:
        folder, which = _audit_folder(Path(tmp))
        files = [path for path, _ in find_report_files([folder])]

        def floor() -> object:
            read = []
            for path in files:
                with suppress(NianbaoError):  # a file the audit lists as 无法读取
                    read.append(read_document(path))
            return read

        audit_paths([folder])  # the readers' modules imported once, as in a clerk's second run
        ours = median_seconds(lambda: audit_paths([folder]), repeat=3) / len(files)
        base = median_seconds(floor, repeat=3) / len(files)
    return Measured(
        f"批量审核 per file, {len(files)} files of {which} (read, check, row)",
        ours,
        "read_document alone on the same files",
        base,
        0.5,
    )


def _province(db: Database, reports: int) -> list[Measured]:
    """The 报送 board and 汇总 from it over a province's database (benchmarks/board_data.py)."""
    from board_data import PARENT, YEAR, load_province
    from sqlalchemy import and_, select

    from models.tables import Agency, ReportRecord
    from services.workspace import Workspace

    kind = "PostgreSQL" if db.engine.dialect.name == "postgresql" else "SQLite"
    units = load_province(db, reports)
    space = Workspace(db)
    listing = and_(ReportRecord.agency_id == Agency.id, ReportRecord.year == YEAR)

    def bare_list() -> object:
        with db.transaction() as session:
            query = (
                select(Agency.name, ReportRecord.id, ReportRecord.status)
                .select_from(Agency)
                .outerjoin(ReportRecord, listing)
                .where(Agency.parent_id == 1)
            )
            return session.execute(query).all()

    def bare_packs() -> object:
        with db.transaction() as session:
            query = select(ReportRecord.summands).join(Agency, listing).where(Agency.parent_id == 1)
            return session.scalars(query).all()

    shown = space.board(PARENT, YEAR)  # the first listing as a clerk's second: nothing left to count
    assert len(shown.lines) == units and len(shown.with_reports()) == reports
    summed = space.board_sum("某省（汇总）", PARENT, YEAR)
    assert len(summed.included) == reports
    board = median_seconds(lambda: space.board(PARENT, YEAR))
    total = median_seconds(lambda: space.board_sum("某省（汇总）", PARENT, YEAR))
    _print_cell_peer(db, total, kind)
    return [
        Measured(
            f"报送 board of {units:,} units, {reports:,} reports ({kind}: states, counts, each import's file and time)",
            board,
            "bare query of the same units' report ids and status",
            median_seconds(bare_list),
            0.5,
        ),
        Measured(
            f"汇总 from the board of {reports:,} stored reports ({kind}: sum, totals, the sum checked)",
            total,
            "bare query reading the same reports' packed values",
            median_seconds(bare_packs),
            1.0,
        ),
    ]


def _print_cell_peer(db: Database, ours: float, kind: str) -> None:
    """What summing the cell rows in SQL (GROUP BY cell) costs: why 汇总 reads packs (services/summands.py)."""
    from sqlalchemy import text

    query = text(
        "SELECT cell.table_key, cell.row_key, cell.col_key, SUM(CAST(cell.value AS BIGINT)) FROM cell"
        " JOIN report ON report.id = cell.report_id JOIN agency ON agency.id = report.agency_id"
        " WHERE agency.parent_id = 1 AND cell.value NOT LIKE '%.%'"
        " GROUP BY cell.table_key, cell.row_key, cell.col_key"
    )

    def grouped() -> object:
        with db.engine.connect() as conn:
            return conn.execute(query).all()

    seconds = median_seconds(grouped, repeat=1)
    print(
        f"peer ({kind}): the same sum as SQL GROUP BY over the cell rows, {seconds:.2f} s ({seconds / ours:.0f}x ours)"
    )


def bench_province(reports: int) -> list[Measured]:
    """The board and 汇总 at `reports` on SQLite, then on PostgreSQL when a server can be had (tests/postgres.py)."""
    from models.database import open_database

    measured = []
    with tempfile.TemporaryDirectory() as tmp:
        db = open_database(Path(tmp) / "province.sqlite3")
        try:
            measured += _province(db, reports)
        finally:
            db.dispose()
    from tests.postgres import ENV_URL, _server_bindir, fresh_database, postgres_url

    if not os.environ.get(ENV_URL) and _server_bindir() is None:
        print(f"PostgreSQL: not measured (no server binaries, no {ENV_URL})", flush=True)
        return measured
    with postgres_url() as server, fresh_database(server) as url:
        db = open_database(url)
        try:
            measured += _province(db, reports)
        finally:
            db.dispose()
    return measured


# ---------------------------------------------------------------- every measurement, in printed order
MEASUREMENTS: dict[str, Callable[[argparse.Namespace], Measured | list[Measured]]] = {
    "aggregate": lambda args: bench_aggregate(args.reports),
    "excel-export": lambda args: bench_excel_export(),
    "excel-import": lambda args: bench_excel_import(),
    "audit": lambda args: bench_audit(),
    "board": lambda args: bench_province(args.units),
}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--reports", type=int, default=1000, help="units summed by the 汇总 measurement")
    parser.add_argument(
        "--units", type=int, default=10_000, help="reports of the province for the 报送 board and its 汇总"
    )
    parser.add_argument("--only", nargs="+", choices=sorted(MEASUREMENTS), help="run only these measurements")
    args = parser.parse_args()
    for name, measure in MEASUREMENTS.items():
        if args.only is None or name in args.only:
            done = measure(args)
            for one in done if isinstance(done, list) else [done]:
                print(one.line(), flush=True)


if __name__ == "__main__":
    main()
