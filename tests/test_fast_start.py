"""The window at once (ui/fast_start.py): the last report, read with sqlite3 (services/quick_read.py), is what
SQLAlchemy reads; the real window shows it before the database is open, goes live and saves; any doubt about the
file leaves the start to the normal path, damage included (the recovery dialog)."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from contextlib import closing
from dataclasses import fields
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from models.database import SCHEMA_HEAD, Database, open_database
from services import storage
from services.app_state import AppState, save_state
from services.catalogue import report_lines
from services.formats import CellKey
from services.importing import import_report
from services.quick_read import SCHEMA, QuickRead, read_last_report
from services.report import Fees, Report
from tests.factories import filled_report
from tests.fixtures.make_schema_fixture import fixture_reports
from ui.app import start_window
from ui.basic_tab import BasicTab
from ui.fast_start import OPENING_MESSAGE, first_window, is_live
from ui.main_window import MainWindow
from ui.recovery_dialog import RecoveryDialog
from ui.table_tab import TableTab

T3: CellKey = ("t3", "new", "natural")


def dressed(format_id: str, year: int, seed: int) -> Report:
    """A filled report with every field the store keeps set: agency code and kind, title, signature, fees, an
    explanation, an amount cell."""
    report = filled_report(format_id, year=year, agency="某市某某局\u200b", seed=seed)
    report.agency_code = "11520100MB1234567X"
    report.agency_kind = "department"
    report.title = f"某市某某局{year}年政府信息公开工作年度报告"
    report.signed_by = "某市某某局"
    report.signed_on = date(year + 1, 1, 20)
    report.fees = Fees(notices=3, amount_yuan=Decimal("120.50"))
    report.explanations["X_SWING"] = "本年度申请量因专项整治大幅增加。"
    report.explained_for["X_SWING"] = "表三“总计”：本年 90，上年 9，为上年的 10.00 倍"
    return report


def store(folder: Path, format_id: str = "2021") -> tuple[Path, str, Report]:
    """A database holding the report of `format_id`, last year's and another agency's, remembered as the last
    report worked on; returns the file, the data folder and the report."""
    year = 2022 if format_id == "2021" else 2020
    path, data_dir = folder / "n.sqlite3", folder / "data"
    db = open_database(path)
    report = dressed(format_id, year, 1)
    for stored_report in (dressed(format_id, year - 1, 2), report, filled_report("2021", agency="另一个局", seed=3)):
        with db.transaction() as session:
            import_report(session, stored_report)
    save_state(data_dir, AppState((report.agency, report.year), db.url_for_display))
    db.dispose()
    return path, str(data_dir), report


def quick(path: Path, report: Report) -> QuickRead | None:
    return read_last_report(path, report.agency, report.year)


def sql(path: Path, *statements: str) -> None:
    with closing(sqlite3.connect(path)) as conn:
        for statement in statements:
            conn.execute(statement)
        conn.commit()


# ---------------------------------------------------------------- the reader


@pytest.mark.parametrize("format_id", ["2019", "2021"])
def test_the_quick_read_is_what_storage_loads(tmp_path: Path, format_id: str) -> None:
    path, _, report = store(tmp_path, format_id)
    got = quick(path, report)
    assert got is not None
    db = open_database(path)
    try:
        with db.transaction() as session:
            report_id = storage.find_report(session, report.agency, report.year)
            assert report_id is not None
            loaded = storage.load_report(session, report_id)
            version = storage.report_version(session, report_id)
            previous = storage.previous_report(session, loaded)
            lines = report_lines(session)
    finally:
        db.dispose()
    assert (got.report_id, got.version) == (report_id, version)
    assert got.report == loaded == report
    # not part of ==: the message each explanation was written for (import ties it to the file's values)
    assert got.report.explained_for == loaded.explained_for and "X_SWING" in loaded.explained_for
    assert previous is not None and got.previous == previous
    assert got.lines == tuple(lines)
    # exactly: a Decimal 12 equals an int 12, so the kinds of values are compared too
    for loaded_report, quick_report in ((loaded, got.report), (previous, got.previous)):
        assert {k: type(v) for k, v in quick_report.cells.items()} == {
            k: type(v) for k, v in loaded_report.cells.items()
        }
        assert type(quick_report.fees.amount_yuan) is type(loaded_report.fees.amount_yuan)
    assert {type(v) for v in got.report.cells.values()} == {int, Decimal}


def test_the_reader_reads_the_current_schema_and_every_field_of_a_report() -> None:
    # a migration or a new field of Report must come with this reader's update (and the test above)
    assert SCHEMA == SCHEMA_HEAD
    assert {f.name for f in fields(Report)} == {
        "agency",
        "year",
        "format_id",
        "agency_code",
        "agency_kind",
        "title",
        "signed_by",
        "signed_on",
        "status",
        "cells",
        "texts",
        "fees",
        "explanations",
        "explained_for",
    }


def _other_revision(path: Path) -> None:
    sql(path, "UPDATE alembic_version SET version_num = '0001'")


def _no_counts(path: Path) -> None:
    sql(path, "UPDATE report SET error_count = NULL WHERE id = (SELECT min(id) FROM report)")


def _garbage(path: Path) -> None:
    path.write_bytes(b"this is not a database" * 500)


def _truncated(path: Path) -> None:
    with path.open("r+b") as file:
        file.truncate(path.stat().st_size // 3)


def _bad_status(path: Path) -> None:
    sql(path, "PRAGMA ignore_check_constraints = ON", "UPDATE report SET status = 'lost'")


def _bad_value(path: Path) -> None:
    sql(path, "UPDATE cell SET value = 'x1' WHERE rowid = (SELECT min(rowid) FROM cell)")


def _gone(path: Path) -> None:
    path.unlink()


DOUBTS = [_other_revision, _no_counts, _garbage, _truncated, _bad_status, _bad_value, _gone]


@pytest.mark.parametrize("doubt", DOUBTS, ids=[d.__name__.strip("_") for d in DOUBTS])
def test_any_doubt_leaves_the_start_to_the_normal_path(tmp_path: Path, doubt: object) -> None:
    path, _, report = store(tmp_path)
    assert quick(path, report) is not None
    assert callable(doubt)
    doubt(path)
    assert quick(path, report) is None


def test_a_database_held_locked_is_not_waited_for(tmp_path: Path) -> None:
    path, _, report = store(tmp_path)
    with closing(sqlite3.connect(path, isolation_level=None)) as holder:
        holder.execute("PRAGMA locking_mode = EXCLUSIVE")
        holder.execute("BEGIN EXCLUSIVE")
        holder.execute("UPDATE report SET title = title")
        assert quick(path, report) is None
    assert quick(path, report) is not None


def test_a_report_not_in_the_file_is_the_normal_paths(tmp_path: Path) -> None:
    path, _, report = store(tmp_path)
    assert read_last_report(path, report.agency, 1999) is None
    assert read_last_report(tmp_path, report.agency, report.year) is None  # a folder


# ---------------------------------------------------------------- the window


def table_texts(window: MainWindow) -> dict[CellKey, str]:
    texts = {}
    for tab in window.section_tabs:
        if isinstance(tab, TableTab):
            for spec in window.session.editor.format.cell_specs() if window.session else ():
                if spec.key[0] == tab.table_key:
                    texts[spec.key] = str(tab.model.index_of(spec.key).data(Qt.ItemDataRole.DisplayRole))
    return texts


def what_is_shown(window: MainWindow) -> dict[str, object]:
    """Everything the clerk sees of a report: title, tabs, every grid cell, the panel, the navigator, status."""
    assert window.panel is not None
    tree = window.panel.tree
    panel = []
    for i in range(tree.topLevelItemCount()):
        group = tree.topLevelItem(i)
        assert group is not None
        panel.append(group.text(0))
        panel += [child.text(0) for j in range(group.childCount()) if (child := group.child(j)) is not None]
    nav = window.navigator
    return {
        "title": window.windowTitle(),
        "tabs": [window.tabs.tabText(i) for i in range(window.tabs.count())],
        "cells": table_texts(window),
        "panel": panel,
        "navigator": [nav.topLevelItem(i).text(0) for i in range(nav.topLevelItemCount())],  # type: ignore[union-attr]
        "current": nav.current_report_id(),
        "deadline": window.deadline_label.text(),
        "message": window.message.text(),
    }


@pytest.fixture
def normal_db(tmp_path: Path) -> Iterator[list[Database]]:
    opened: list[Database] = []
    yield opened
    for db in opened:
        db.dispose()


def test_the_window_shows_the_stored_report_before_the_database_is_open(
    qtbot: QtBot, tmp_path: Path, normal_db: list[Database]
) -> None:
    path, data_dir, report = store(tmp_path)
    window = first_window(str(path), data_dir)
    assert window is not None, "no fast start"
    qtbot.addWidget(window)
    # the first frame needs the current tab (基本信息) and the panel; the other tabs are built once it is painted
    assert [type(tab) for tab in window.section_tabs][:2] == [BasicTab, QWidget]
    assert window.tabs.count() == len(window.section_tabs) and window.panel is not None
    window.show()
    qtbot.waitUntil(lambda: QWidget not in {type(tab) for tab in window.section_tabs})
    assert not is_live(window)
    assert table_texts(window)[T3] == str(report.get(*T3))
    fast = what_is_shown(window)
    # the same window as a normal start on the open database shows
    normal_db.append(open_database(path))
    normal = MainWindow(normal_db[0], data_dir)
    qtbot.addWidget(normal)
    assert what_is_shown(normal) == fast
    # an edit before the database is open is refused, with the reason, and nothing is written
    tab = window.table_tab("t3")
    assert tab is not None
    assert not tab.model.setData(tab.model.index_of(T3), "99")
    assert OPENING_MESSAGE in window.message.text()
    assert table_texts(window)[T3] == str(report.get(*T3))
    with normal_db[0].transaction() as session:
        report_id = storage.find_report(session, report.agency, report.year)
        assert report_id is not None
        assert storage.load_report(session, report_id).get(*T3) == report.get(*T3)


def declined(asked: list[Path], path: Path) -> bool:
    """The recovery dialog, answered 不恢复."""
    asked.append(path)
    return False


class Start:
    """start_window's two callbacks, recorded."""

    def __init__(self) -> None:
        self.shown: list[tuple[bool, str]] = []
        self.opened: list[Database | None] = []

    def on_shown(self, window: MainWindow) -> None:
        value = window.session.editor.report.get(*T3) if window.session is not None else None
        self.shown.append((is_live(window), str(value)))

    def on_opened(self, window: MainWindow, db: Database | None) -> None:
        self.opened.append(db)


def start(qtbot: QtBot, path: Path, data_dir: str, record: Start) -> MainWindow | None:
    window = start_window(str(path), data_dir, record.on_opened, record.on_shown)
    if window is not None:
        qtbot.addWidget(window)
        qtbot.waitUntil(lambda: bool(record.opened and record.shown), timeout=10_000)
    return window


def test_the_fast_start_goes_live_and_saves_an_edit(qtbot: QtBot, tmp_path: Path) -> None:
    path, data_dir, report = store(tmp_path)
    record = Start()
    window = start(qtbot, path, data_dir, record)
    assert window is not None
    try:
        # painted from the quick read, before the database was opened
        assert record.shown == [(False, str(report.get(*T3)))]
        assert is_live(window)
        db = record.opened[0]
        assert db is not None
        tab = window.table_tab("t3")
        assert tab is not None
        assert tab.model.setData(tab.model.index_of(T3), "7")
        assert window.table_tab("t3") is tab, "going live kept the tabs: nothing was rebuilt"
        with db.transaction() as session:
            report_id = storage.find_report(session, report.agency, report.year)
            assert report_id is not None
            assert storage.load_report(session, report_id).get(*T3) == 7
    finally:
        for db in record.opened:
            if db is not None:
                db.dispose()


def test_a_report_changed_before_going_live_is_read_again(qtbot: QtBot, tmp_path: Path) -> None:
    path, data_dir, report = store(tmp_path)
    window = first_window(str(path), data_dir)
    assert window is not None
    qtbot.addWidget(window)
    db = open_database(path)
    try:
        with db.transaction() as session:
            report_id = storage.find_report(session, report.agency, report.year)
            assert report_id is not None
            version = storage.report_version(session, report_id)
            storage.set_cell(session, report_id, T3, 5, version)
        window.attach_database(db)
        assert is_live(window)
        assert table_texts(window)[T3] == "5"
    finally:
        db.dispose()


def test_an_older_schema_falls_back_to_the_normal_start(qtbot: QtBot, tmp_path: Path) -> None:
    path, data_dir = tmp_path / "n.sqlite3", str(tmp_path / "data")
    shutil.copy(Path(__file__).parent / "fixtures" / "schema-0001.sqlite3", path)
    wanted = fixture_reports()[1]
    save_state(data_dir, AppState((wanted.agency, wanted.year), str(path)))
    record = Start()
    window = start(qtbot, path, data_dir, record)
    assert window is not None
    try:
        # the normal start: migrated first, painted after, with the report
        assert record.shown == [(True, str(wanted.get(*T3)))]
        assert window.session is not None and window.session.editor.report == wanted
    finally:
        for db in record.opened:
            if db is not None:
                db.dispose()


def test_a_damaged_file_gets_the_recovery_dialog(qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path, data_dir, _ = store(tmp_path)
    _garbage(path)
    asked: list[Path] = []
    monkeypatch.setattr(RecoveryDialog, "ask", lambda _parent, _problem, p: declined(asked, p))
    record = Start()
    assert start(qtbot, path, data_dir, record) is None
    assert asked == [path] and record.shown == []


def test_damage_the_quick_read_does_not_see_still_gets_the_recovery_dialog(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the quick read looks at the report's rows only; the integrity check of the normal open looks at every page
    path, data_dir, report = store(tmp_path)
    monkeypatch.setattr("models.database.integrity_problems", lambda _path: ["*** in database main ***"])
    asked: list[Path] = []
    monkeypatch.setattr(RecoveryDialog, "ask", lambda _parent, _problem, p: declined(asked, p))
    record = Start()
    window = start(qtbot, path, data_dir, record)
    assert window is not None
    assert record.shown == [(False, str(report.get(*T3)))]
    assert asked == [path] and record.opened == [None]
    assert not is_live(window)


# ---------------------------------------------------------------- what the first paint waits for

FIRST_PAINT_CHILD = """
import os, sys
from ui.app import run_app
from ui.fast_start import is_live

def shown(window):
    loaded = sorted(m for m in ("sqlalchemy", "alembic") if m in sys.modules)
    print("normal" if is_live(window) else "fast", *loaded, flush=True)
    os._exit(0)

run_app(["--db", sys.argv[1], "--data-dir", sys.argv[2]], shown)
"""


def test_the_first_paint_comes_before_sqlalchemy_is_imported(tmp_path: Path) -> None:
    # in a process of its own: the tests' own imports (storage, models) would load SQLAlchemy here
    path, data_dir, _ = store(tmp_path)
    done = subprocess.run(
        [sys.executable, "-c", FIRST_PAINT_CHILD, str(path), data_dir],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=Path(__file__).resolve().parent.parent,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.strip() == "fast", "imported before the first paint: " + done.stdout
