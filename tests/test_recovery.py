"""A damaged database at start: the file is never touched, the backups are offered, and one is restored —
from the window's start-up and from the command line."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from main import run
from models.database import open_database
from services import storage
from services.backup import list_backups, make_backup
from tests.factories import filled_report
from ui import app as app_module
from ui.recovery_dialog import RecoveryDialog


def database_with_a_backup(tmp_path: Path) -> Path:
    path = tmp_path / "nianbao.sqlite3"
    db = open_database(path)
    with db.transaction() as session:
        storage.save_report(session, filled_report("2021", agency="某县教育局"))
    db.dispose()
    make_backup(path, "daily")
    return path


def damage(path: Path) -> str:
    data = bytearray(path.read_bytes())
    data[100:4096] = b"\xff" * (4096 - 100)
    path.write_bytes(bytes(data))
    for suffix in ("-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_start_offers_the_backups_and_restores_one(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = database_with_a_backup(tmp_path)
    digest = damage(path)
    seen: list[RecoveryDialog] = []

    def choose_first(cls: type[RecoveryDialog], parent: object, problem: str, db_path: Path) -> bool:
        dialog = RecoveryDialog(problem, db_path)
        qtbot.addWidget(dialog)
        seen.append(dialog)
        assert hashlib.sha256(path.read_bytes()).hexdigest() == digest  # untouched while the clerk decides
        assert dialog.table.rowCount() == 1 and dialog.table.item(0, 2).text() == "1"  # type: ignore[union-attr]
        dialog.restore_button.click()
        return dialog.result() == RecoveryDialog.DialogCode.Accepted

    monkeypatch.setattr(RecoveryDialog, "ask", classmethod(choose_first))
    db = app_module.open_or_recover(str(path))
    assert db is not None and seen and "损坏" in seen[0].windowTitle()
    with db.transaction() as session:
        assert [r.agency for r in storage.list_reports(session)] == ["某县教育局"]
    db.dispose()
    assert [b.reason for b in list_backups(path)].count("before-restore") == 1, "the damaged file is kept aside"


def test_declining_leaves_the_damaged_file_alone(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = database_with_a_backup(tmp_path)
    digest = damage(path)
    monkeypatch.setattr(RecoveryDialog, "ask", classmethod(lambda cls, parent, problem, db_path: False))
    assert app_module.open_or_recover(str(path)) is None
    assert hashlib.sha256(path.read_bytes()).hexdigest() == digest


def test_backups_and_restore_from_the_command_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = database_with_a_backup(tmp_path)
    out = io.StringIO()
    assert run(["--db", str(path), "backups"], out) == 0
    listing = out.getvalue()
    assert "1 份报告" in listing and "daily" in listing
    backup = list_backups(path)[0].path
    damage(path)
    assert run(["--db", str(path), "check", str(tmp_path / "none.json")]) == 2  # unrelated command still fine
    out = io.StringIO()
    assert run(["--db", str(path), "restore", str(backup)], out) == 0
    assert "已用" in out.getvalue()
    db = open_database(path)
    with db.transaction() as session:
        assert len(storage.list_reports(session)) == 1
    db.dispose()


def test_backups_and_restore_take_the_database_after_the_command_as_the_readme_writes_it(tmp_path: Path) -> None:
    path = database_with_a_backup(tmp_path)
    out = io.StringIO()
    assert run(["backups", "--db", str(path)], out) == 0
    assert "1 份报告" in out.getvalue()
    backup = list_backups(path)[0].path
    damage(path)
    out = io.StringIO()
    assert run(["restore", str(backup), "--db", str(path)], out) == 0
    assert "已用" in out.getvalue()


def test_backup_commands_refuse_a_shared_database(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["--db", "postgresql+psycopg://u:p@localhost/x", "backups"]) == 2
    assert "PostgreSQL" in capsys.readouterr().err
