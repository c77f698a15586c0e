"""The first main window: lists what the database holds and imports exchange files through the services."""

from __future__ import annotations

import json
from pathlib import Path

from pytestqt.qtbot import QtBot

from models.database import open_database
from services.storage import list_reports
from ui.main_window import MainWindow


def test_lists_imported_reports_and_reports_bad_files(qtbot: QtBot, tmp_path: Path, sample_json_path: Path) -> None:
    db = open_database(tmp_path / "n.sqlite3")
    window = MainWindow(db)
    qtbot.addWidget(window)
    assert window.empty_hint.isVisibleTo(window)
    assert window.table.rowCount() == 0

    bad = tmp_path / "bad.json"
    data = json.loads(sample_json_path.read_text(encoding="utf-8"))
    data["tables"]["t3"]["new"]["natural"] = "六"
    bad.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    problems = window.import_files([sample_json_path, bad])

    assert len(problems) == 1 and "bad.json" in problems[0] and "$.tables.t3.new.natural" in problems[0]
    assert not window.empty_hint.isVisibleTo(window)
    row = [item.text() if (item := window.table.item(0, c)) else "" for c in range(6)]
    assert row == ["贵阳市人民防空办公室", "2020", "2019", "草稿", "0", "1"]
    with db.transaction() as session:
        assert [(r.agency, r.year) for r in list_reports(session)] == [("贵阳市人民防空办公室", 2020)]
    db.dispose()
