"""数据库 › 备份与恢复: the list, 立即备份, a restore that keeps the current file aside, and the second folder every
backup is copied to (a failed copy fails nothing) — in the dialog, and at the daily start-up backup."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from models.database import Database, open_database
from services import storage
from services.app_state import load_state
from services.backup import daily_backup_with_copy, list_backups, make_backup
from tests.factories import filled_report
from tests.test_main_window import window_on
from ui.app import take_daily_backup
from ui.backup_dialog import BackupDialog
from ui.dialogs import ConfirmDialog
from ui.main_window import MainWindow


@pytest.fixture
def local(tmp_path: Path) -> Iterator[Database]:
    db = open_database(tmp_path / "data" / "nianbao.sqlite3")
    with db.transaction() as session:
        storage.save_report(session, filled_report("2021", agency="某区司法局"))
    yield db
    db.dispose()


def dialog_of(qtbot: QtBot, local: Database, tmp_path: Path) -> tuple[MainWindow, BackupDialog]:
    window = window_on(qtbot, local, tmp_path / "data")
    dialog = BackupDialog(
        window, tmp_path / "data" / "nianbao.sqlite3", str(tmp_path / "data"), window.database_menu.restore
    )
    qtbot.addWidget(dialog)
    return window, dialog


def rows(dialog: BackupDialog) -> list[list[str]]:
    table = dialog.table
    return [[table.item(r, c).text() for c in range(table.columnCount())] for r in range(table.rowCount())]  # type: ignore[union-attr]


def test_the_list_and_back_up_now(qtbot: QtBot, local: Database, tmp_path: Path) -> None:
    path = tmp_path / "data" / "nianbao.sqlite3"
    make_backup(path, "daily", now=datetime(2024, 1, 9, 8, 30))
    _, dialog = dialog_of(qtbot, local, tmp_path)
    assert rows(dialog) == [["2024-01-09 08:30", "每日自动备份", "1", rows(dialog)[0][3]]]
    assert rows(dialog)[0][3].endswith("KB")
    QTest.mouseClick(dialog.backup_button, Qt.MouseButton.LeftButton)
    assert len(rows(dialog)) == 2 and rows(dialog)[0][1] == "立即备份" and rows(dialog)[0][2] == "1"
    assert "已备份数据库" in dialog.message.text()
    assert [b.reason for b in list_backups(path)] == ["manual", "daily"]


def test_restoring_a_backup_keeps_the_current_file_aside_and_the_window_works_on(
    qtbot: QtBot, local: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "data" / "nianbao.sqlite3"
    make_backup(path, "daily", now=datetime(2024, 1, 9, 8, 30))
    with local.transaction() as session:
        storage.save_report(session, filled_report("2021", agency="后来加的单位"))
    window, dialog = dialog_of(qtbot, local, tmp_path)
    assert {line.agency for line in window.workspace.lines()} == {"某区司法局", "后来加的单位"}
    asked: list[str] = []
    monkeypatch.setattr(ConfirmDialog, "ask", classmethod(lambda cls, p, title, text, action: asked.append(text)))
    QTest.mouseClick(dialog.restore_button, Qt.MouseButton.LeftButton)
    assert asked and "2024-01-09 08:30" in asked[0]  # declined: nothing happened
    assert len(rows(dialog)) == 1

    monkeypatch.setattr(ConfirmDialog, "ask", classmethod(lambda cls, *a: True))
    QTest.mouseClick(dialog.restore_button, Qt.MouseButton.LeftButton)
    assert "已从备份恢复数据库" in dialog.message.text() and "原文件保存在" in dialog.message.text()
    assert [line.agency for line in window.workspace.lines()] == ["某区司法局"]
    aside = [b for b in list_backups(path) if b.reason == "before-restore"]
    assert len(aside) == 1 and aside[0].reports == 2  # the replaced file, kept with the later report
    assert "恢复前的原文件" in [row[1] for row in rows(dialog)]
    with window.workspace.db.transaction() as session:
        storage.save_report(session, filled_report("2021", agency="恢复后新建"))  # the restored file is live
    window.workspace.db.dispose()  # the database the restore opened: the window's now, not the fixture's


def test_a_second_folder_receives_every_backup_and_a_failed_copy_fails_nothing(
    qtbot: QtBot, local: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "data" / "nianbao.sqlite3"
    stick = tmp_path / "U盘" / "年报备份"
    _, dialog = dialog_of(qtbot, local, tmp_path)
    monkeypatch.setattr("ui.file_dialogs.choose_folder", lambda *a: stick)
    dialog.choose_copies()
    assert load_state(tmp_path / "data").backup_copies == str(stick)
    assert str(stick) in dialog.copies_label.text()
    QTest.mouseClick(dialog.backup_button, Qt.MouseButton.LeftButton)
    copied = sorted(p.name for p in stick.iterdir())
    assert copied == [list_backups(path)[0].path.name] and "已复制到" in dialog.message.text()
    assert (stick / copied[0]).read_bytes()[:16] == b"SQLite format 3\x00"

    # the stick pulled out (here: its folder is a file): the backup is made, the copy's failure said
    stick.parent.rename(tmp_path / "gone")
    stick.parent.write_text("not a folder")
    QTest.mouseClick(dialog.backup_button, Qt.MouseButton.LeftButton)
    assert len(rows(dialog)) == 2
    assert "但无法把备份复制到" in dialog.message.text()

    # the start-up backup copies too, and says a failed copy in the status bar's words
    run = daily_backup_with_copy(path, tmp_path / "gone" / "年报备份")
    assert run.made is not None and run.copied is not None and run.copied.exists()
    notice = take_daily_backup(str(path), str(tmp_path / "data"))
    assert notice is None  # today's is made already

    QTest.mouseClick(dialog.stop_copies_button, Qt.MouseButton.LeftButton)
    assert load_state(tmp_path / "data").backup_copies is None


def test_the_daily_backup_at_start_says_when_its_copy_failed(tmp_path: Path, local: Database) -> None:
    from services.app_state import update_state

    path = tmp_path / "data" / "nianbao.sqlite3"
    (tmp_path / "blocked").write_text("a file where the folder should be")
    update_state(tmp_path / "data", backup_copies=str(tmp_path / "blocked" / "copies"))
    notice = take_daily_backup(str(path), str(tmp_path / "data"))
    assert notice is not None and notice.startswith("已自动备份数据库") and "但无法把备份复制到" in notice
    assert len(list_backups(path)) == 1
