"""A province's database for the 报送 board and 汇总 measurements, loaded in bulk: N units under one parent, all but
one in twenty with a filled 2021-format report of the year (every cell, its pack, its check counts), each report's
log with the import line naming its file and a few cell edits.

Loading through save_report would take minutes at 10,000 reports; the rows are the ones it writes (the same cell
texts, services/summands.pack, services/importing.IMPORTED_FROM), inserted with executemany (SQLite) or COPY
(PostgreSQL). Twenty filled reports are cycled: the measurements read rows, not distinct numbers.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import insert

from models.database import Database
from models.tables import Agency, ReportRecord, Revision
from services.importing import IMPORTED_FROM
from services.summands import pack
from services.values import to_text
from tests.factories import filled_report

PARENT = "某省人民政府办公厅"
YEAR = 2024
PROTOTYPES = 20
MISSING_EVERY = 20
"""One unit in twenty has not reported (未报送)."""


def unit_name(i: int) -> str:
    return f"某省第{i:05d}号单位"


def load_province(db: Database, reports: int) -> int:
    """Fill an empty database of the current schema; returns the number of units (reports plus the missing)."""
    protos = [filled_report("2021", year=YEAR, agency="样本", seed=seed) for seed in range(PROTOTYPES)]
    cell_texts = [{key: to_text(value) for key, value in proto.cells.items()} for proto in protos]
    packs = [pack(proto.format, texts) for proto, texts in zip(protos, cell_texts, strict=True)]
    units = reports + reports // (MISSING_EVERY - 1)
    now = datetime.now(UTC)
    agencies: list[dict[str, Any]] = [{"id": 1, "name": PARENT}]
    records: list[dict[str, Any]] = []
    revisions: list[dict[str, Any]] = []
    cells: list[tuple[int, str, str, str, str]] = []
    for i in range(1, units + 1):
        agencies.append({"id": i + 1, "name": unit_name(i), "parent_id": 1})
        if i % MISSING_EVERY == 0 or len(records) == reports:
            continue
        report_id = len(records) + 1
        n = report_id % PROTOTYPES
        final = report_id % 3 == 0
        records.append(
            {
                "id": report_id,
                "agency_id": i + 1,
                "year": YEAR,
                "format_id": "2021",
                "status": "final" if final else "draft",
                "created_at": now,
                "updated_at": now,
                "version": 5,
                "error_count": 2 if report_id % 17 == 0 else 0,
                "warning_count": 3,
                "unexplained_count": 0 if final else 1,
                "summands": packs[n],
            }
        )
        note = f"{IMPORTED_FROM}{unit_name(i)}.json" if report_id % 2 else None
        log = {"report_id": report_id, "agency": unit_name(i), "year": YEAR, "changed_at": now, "version": 1}
        revisions.append({**log, "what": "report", "old_value": None, "new_value": "created", "reason": note})
        revisions += [
            {**log, "what": f"cell t3.new.{col}", "old_value": "0", "new_value": "1", "reason": None}
            for col in ("natural", "business", "research", "ngo")
        ]
        cells += [(report_id, *key, text) for key, text in cell_texts[n].items()]
    with db.transaction() as session:
        session.execute(insert(Agency), agencies)
        session.execute(insert(ReportRecord), records)
        session.execute(insert(Revision), revisions)
    _insert_cells(db, cells)
    return units


def _insert_cells(db: Database, cells: list[tuple[int, str, str, str, str]]) -> None:
    raw = db.engine.raw_connection()
    try:
        cursor = raw.cursor()
        if db.engine.dialect.name == "postgresql":
            with cursor.copy("COPY cell (report_id, table_key, row_key, col_key, value) FROM STDIN") as copy:
                for row in cells:
                    copy.write_row(row)
        else:
            cursor.executemany("INSERT INTO cell VALUES (?, ?, ?, ?, ?)", cells)
        raw.commit()
    finally:
        raw.close()
    # the planner's statistics, as a database in use has them (autovacuum, SQLite's optimize)
    with db.engine.connect() as conn:
        conn.exec_driver_sql("ANALYZE")
        conn.commit()
