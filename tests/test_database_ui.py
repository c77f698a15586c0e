"""The 数据库 menu driven as a clerk drives it: connect to the office's server (a wrong password first), see where
the window is, go back to the local file, upload the local reports with a conflict — and the password in no file."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from models.database import Database, open_database
from services import storage
from services.app_state import load_state
from services.server_settings import ServerSettings
from tests.factories import filled_report
from tests.memory_keyring import MemoryKeyring, memory_keyring, no_keyring  # noqa: F401  (fixtures)
from tests.postgres import fresh_database
from tests.test_main_window import TODAY
from tests.test_shared_connection import settings_of
from ui import database_menu as database_menu_module
from ui import start_database
from ui.connect_dialog import ConnectDialog, ConnectRequest
from ui.dialogs import ConfirmDialog
from ui.file_import import ConflictDialog
from ui.main_window import MainWindow

AGENCY = "某区司法局"


@pytest.fixture
def shared_url(pg_url: str) -> Iterator[str]:
    with fresh_database(pg_url) as url:
        yield url


@pytest.fixture
def local(tmp_path: Path) -> Iterator[Database]:
    """The clerk's own database, in the data folder as on a real PC, with two reports."""
    db = open_database(tmp_path / "data" / "nianbao.sqlite3")
    with db.transaction() as session:
        storage.save_report(session, filled_report("2021", agency=AGENCY))
        storage.save_report(session, filled_report("2021", agency="某区财政局"))
    yield db
    db.dispose()


@pytest.fixture
def opened() -> Iterator[list[MainWindow]]:
    """The windows of a test: whatever database each ends on (the shared one, a local one reopened) is closed
    afterwards, its connections with it."""
    windows: list[MainWindow] = []
    yield windows
    for window in windows:
        db = window.workspace.db
        if isinstance(db, Database):
            db.dispose()


def window_on(qtbot: QtBot, db: Database, data_dir: Path, opened: list[MainWindow]) -> MainWindow:
    window = MainWindow(db, str(data_dir), today=TODAY)
    qtbot.addWidget(window)
    opened.append(window)
    window.show()
    qtbot.waitExposed(window)
    return window


def shared_now(window: MainWindow) -> Database:
    db = window.workspace.db
    assert isinstance(db, Database) and db.url.get_backend_name() == "postgresql"
    return db


def every_byte_under(folder: Path) -> bytes:
    return b"".join(p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file())


def test_connect_with_a_wrong_password_then_the_right_one_and_back_to_the_local_database(
    qtbot: QtBot,
    local: Database,
    tmp_path: Path,
    shared_url: str,
    memory_keyring: MemoryKeyring,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
    opened: list[MainWindow],
) -> None:
    data = tmp_path / "data"
    window = window_on(qtbot, local, data, opened)
    menu = window.database_menu
    assert menu.where_label.text() == "本机数据库" and window.windowTitle().endswith("［本机数据库］")
    assert not menu.local_action.isEnabled() and not menu.upload_action.isEnabled()
    settings, password = settings_of(shared_url)
    asked: list[str] = []
    answers = iter([ConnectRequest(settings, password + "x", True), ConnectRequest(settings, password, True)])

    def answer(cls: object, parent: object, given: object = None, typed: str = "", problem: str = "") -> object:
        asked.append(problem)
        return next(answers)

    monkeypatch.setattr(ConnectDialog, "ask", classmethod(answer))
    menu.connect_action.trigger()

    assert asked[0] == "" and "用户名或密码不正确" in asked[1]  # asked again, with the reason
    shared_now(window)
    short = f"共享数据库 {settings.label}"
    assert menu.where_label.text() == short and window.windowTitle().endswith(f"［{short}］")
    assert settings.user in menu.where_label.toolTip()
    assert menu.local_action.isEnabled() and menu.upload_action.isEnabled() and not menu.backup_action.isEnabled()
    assert "已连接办公室共享数据库" in window.message.text()
    state = load_state(data)
    assert state.database == "shared" and state.server == settings
    assert memory_keyring.kept == {("Nianbao 年报 共享数据库", settings.account): password}

    # the app's files hold no password: the state, the log, the local database, its backups
    with shared_now(window).transaction() as session:
        report_id = storage.save_report(session, filled_report("2021", agency="某县档案局"))
    window.open_report(report_id)
    window.close()
    written = every_byte_under(data)
    assert written and password.encode() not in written and password.encode("utf-16-le") not in written

    window.show()
    menu.local_action.trigger()
    assert menu.where_label.text() == "本机数据库" and load_state(data).database == "local"
    assert window.workspace.db.url_for_display == str(data / "nianbao.sqlite3")
    assert {line.agency for line in window.workspace.lines()} == {AGENCY, "某区财政局"}


def test_the_dialog_tests_the_connection_and_says_why_it_failed(
    qtbot: QtBot,
    shared_url: str,
    memory_keyring: MemoryKeyring,  # noqa: F811
) -> None:
    settings, password = settings_of(shared_url)
    dialog = ConnectDialog(None, settings, password + "x")
    qtbot.addWidget(dialog)
    assert dialog.remember.isEnabled() and dialog.remember.isChecked()
    QTest.mouseClick(dialog.test_button, Qt.MouseButton.LeftButton)
    assert "用户名或密码不正确" in dialog.status.text()
    dialog.password.setText(password)
    QTest.mouseClick(dialog.test_button, Qt.MouseButton.LeftButton)
    assert dialog.status.text().startswith("✓ 连接成功：PostgreSQL") and "数据库是空的" in dialog.status.text()
    dialog.database.setText("no_such_db")
    QTest.mouseClick(dialog.connect_button, Qt.MouseButton.LeftButton)
    assert dialog.result() != ConnectDialog.DialogCode.Accepted  # the dialog stays open, saying why
    assert "no_such_db" in dialog.status.text()


def test_without_a_credential_store_the_dialog_says_so_and_remembers_nothing(
    qtbot: QtBot,
    no_keyring: None,  # noqa: F811
) -> None:
    dialog = ConnectDialog(None, ServerSettings("192.168.1.10", 5432, "nianbao", "zhang"))
    qtbot.addWidget(dialog)
    assert not dialog.remember.isEnabled() and not dialog.remember.isChecked()
    assert dialog.store_note.text().startswith("本机没有可用的密码保管库")
    assert not dialog.request().remember


def test_uploading_the_local_reports_asks_about_a_conflict_and_deletes_nothing_locally(
    qtbot: QtBot,
    local: Database,
    tmp_path: Path,
    shared_url: str,
    memory_keyring: MemoryKeyring,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
    opened: list[MainWindow],
) -> None:
    theirs = filled_report("2021", agency=AGENCY)
    theirs.texts["s1_active"] = "同事已在共享数据库中写好的文字"
    shared = open_database(shared_url)
    with shared.transaction() as session:
        storage.save_report(session, theirs)
    shared.dispose()
    data = tmp_path / "data"
    window = window_on(qtbot, local, data, opened)
    settings, password = settings_of(shared_url)
    monkeypatch.setattr(ConnectDialog, "ask", classmethod(lambda cls, *a: ConnectRequest(settings, password, False)))
    window.database_menu.connect_action.trigger()
    assert memory_keyring.kept == {}  # 记住密码 unticked

    questions: list[tuple[str, int, str]] = []

    def keep_theirs(cls: object, parent: object, agency: str, year: int, label: str) -> str:
        questions.append((agency, year, label))
        return "keep"

    monkeypatch.setattr(ConflictDialog, "ask", classmethod(keep_theirs))
    monkeypatch.setattr(ConfirmDialog, "ask", classmethod(lambda cls, *a: True))
    shown: list[tuple[str, ...]] = []
    monkeypatch.setattr(database_menu_module, "show_problems", lambda parent, title, text, items: shown.append(items))
    window.database_menu.upload_action.trigger()

    assert questions == [(AGENCY, 2022, f"本机的“{AGENCY}”2022 年报告")]
    assert "已上传 1 份报告，1 份未上传" in window.message.text()
    assert shown and any("已保留原有的" in line for line in shown[0])
    on_server = {line.agency: line for line in window.workspace.lines()}
    assert set(on_server) == {AGENCY, "某区财政局"}
    kept = window.workspace.load(on_server[AGENCY].report_id)
    assert kept.text("s1_active") == "同事已在共享数据库中写好的文字"
    again = open_database(data / "nianbao.sqlite3")
    with again.transaction() as session:
        assert len(storage.list_reports(session)) == 2  # nothing deleted locally
    again.dispose()


def test_the_first_start_asks_once_and_later_starts_go_where_the_clerk_chose(
    tmp_path: Path,
    shared_url: str,
    memory_keyring: MemoryKeyring,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    data = str(tmp_path / "data")
    asked: list[str] = []

    def first_question(cls: object, parent: object) -> str:
        asked.append("?")
        return "local"

    monkeypatch.setattr(start_database.FirstStartDialog, "ask", classmethod(first_question))
    assert start_database.start_target(data) == str(Path(data) / "nianbao.sqlite3")
    assert asked == ["?"] and load_state(data).database == "local"
    start_database.start_target(data)
    assert asked == ["?"]  # remembered: not asked again

    # an existing user (a database already there) is not asked either
    other = tmp_path / "other"
    open_database(other / "nianbao.sqlite3").dispose()
    start_database.start_target(str(other))
    assert asked == ["?"]

    # shared, with the password kept: straight to the server, no dialog
    settings, password = settings_of(shared_url)
    from services.shared_database import remember_connection

    remember_connection(data, settings, password, True)
    monkeypatch.setattr(ConnectDialog, "ask", classmethod(lambda cls, *a: pytest.fail("asked")))
    target = start_database.start_target(data)
    assert target.startswith("postgresql+psycopg://") and settings.host in target

    # the password no longer works: the dialog, with the reason; cancelled: local this time, shared kept
    memory_keyring.kept[("Nianbao 年报 共享数据库", settings.account)] = "stale"
    problems: list[str] = []
    monkeypatch.setattr(ConnectDialog, "ask", classmethod(lambda cls, p, s, pw, problem: problems.append(problem)))
    monkeypatch.setattr(QMessageBox, "information", lambda *a: None)
    assert start_database.start_target(data) == str(Path(data) / "nianbao.sqlite3")
    assert "用户名或密码不正确" in problems[0] and load_state(data).database == "shared"
