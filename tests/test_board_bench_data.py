"""The province the board benchmark loads in bulk (benchmarks/board_data.py) is what the app itself would have
stored: its packs are those storage makes, its board and 汇总 read as for reports saved one by one."""

from __future__ import annotations

import sys
from pathlib import Path

from models.database import Database
from models.tables import ReportRecord
from services import storage
from services.aggregate import aggregate_stored
from services.stored_sum import sum_stored
from services.workspace import Workspace

ROOT = Path(__file__).resolve().parent.parent


def test_the_bulk_loaded_province_reads_as_reports_saved_one_by_one(any_db: Database) -> None:
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        from board_data import PARENT, YEAR, load_province, unit_name
    finally:
        sys.path.remove(str(ROOT / "benchmarks"))
    units = load_province(any_db, 40)
    shown = Workspace(any_db).board(PARENT, YEAR)
    assert len(shown.lines) == units == 42 and len(shown.with_reports()) == 40
    assert shown.lines[0].unit == unit_name(1) and shown.lines[0].source == f"{unit_name(1)}.json"
    assert shown.units_in("未报送") == (unit_name(20), unit_name(40))
    with any_db.transaction() as session:
        record = session.get(ReportRecord, 7)
        assert record is not None and record.summands is not None
        bulk = record.summands
        storage.store_summands(session, 7)  # as storage packs it
        session.refresh(record)
        assert record.summands == bulk
        ours = sum_stored(session, "汇总", YEAR, None, parent=PARENT)
        theirs = aggregate_stored(session, "汇总", YEAR, None, parent=PARENT)
    assert ours.report == theirs.report and ours.included == theirs.included and ours.missing == theirs.missing
