"""The office's server stops in the middle of a clerk's edits and starts again: every edit saved before the stop
is there, the one typed while it was down stays on screen and is saved once it is back — once, not twice.

The server is a throwaway cluster of this test's own (tests/postgres.own_cluster), even in CI: stopping the
shared test server would pull it from under every other test.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLineEdit, QPlainTextEdit
from pytestqt.qtbot import QtBot

from models.database import Database, open_database
from services import storage
from services.formats import CellKey
from services.report import empty_report
from tests.postgres import ThrowawayCluster, own_cluster
from tests.test_main_window import keys, press, t3, window_on

AGENCY = "某区司法局"
TYPED: list[tuple[CellKey, str]] = [
    (("t3", "new", "natural"), "11"),
    (("t3", "new", "business"), "12"),
    (("t3", "new", "research"), "13"),
]
WHILE_DOWN: tuple[CellKey, str] = (("t3", "new", "ngo"), "14")
NARRATIVE = "服务器停止期间写下的文字。"


@pytest.fixture
def cluster() -> Iterator[ThrowawayCluster]:
    with own_cluster() as server:
        yield server


@pytest.fixture
def shared(cluster: ThrowawayCluster) -> Iterator[Database]:
    db = open_database(cluster.url)  # the cluster is the test's alone, and goes with it
    yield db
    db.dispose()


def stored_cells(url: str, report_id: int) -> tuple[dict[CellKey, object], list[str]]:
    """The cells and the change log as a fresh connection reads them (not the window's engine)."""
    db = open_database(url)
    try:
        with db.transaction() as session:
            report = storage.load_report(session, report_id)
            log = [entry.what for entry in storage.revisions(session, report_id)]
        return {key: report.get(*key) for key, _ in [*TYPED, WHILE_DOWN]}, log
    finally:
        db.dispose()


def fresh_text(url: str, report_id: int) -> str:
    db = open_database(url)
    try:
        with db.transaction() as session:
            return storage.load_report(session, report_id).text("s1_active")
    finally:
        db.dispose()


def test_a_server_stopped_mid_edits_loses_nothing_and_saves_the_waiting_edit_once(
    qtbot: QtBot, shared: Database, cluster: ThrowawayCluster, tmp_path: object
) -> None:
    url = shared.url.render_as_string(hide_password=False)
    with shared.transaction() as session:
        report_id = storage.save_report(session, empty_report(AGENCY, 2022, "2021"))
    window = window_on(qtbot, shared, tmp_path)  # type: ignore[arg-type]
    window.open_report(report_id)
    watch = window.database_menu.watch
    assert watch.timer.isActive()  # a shared database is watched
    watch.retry_ms = 300
    tab = t3(window)
    for key, text in TYPED:
        tab.view.select_key(key)
        keys(tab.view, text)
        press(tab.view, Qt.Key.Key_Return)
        assert "已保存" in window.message.text()
    _, log_before = stored_cells(url, report_id)

    cluster.halt()
    key, text = WHILE_DOWN
    tab.view.select_key(key)
    keys(tab.view, text)
    press(tab.view, Qt.Key.Key_Return)
    assert "无法连接共享数据库的服务器" in window.message.text()
    qtbot.waitUntil(lambda: isinstance(QApplication.focusWidget(), QLineEdit))
    assert QApplication.focusWidget().text() == text  # type: ignore[union-attr]
    qtbot.waitUntil(lambda: watch.lost and watch.label.isVisible())
    assert "正在重试" in watch.label.text() and "连接恢复后自动保存" in watch.label.toolTip()
    assert shared.unreachable.is_set()
    narrative = window.findChild(QPlainTextEdit, "text_s1_active")
    assert narrative is not None
    narrative.setPlainText(NARRATIVE)  # saved a second after typing stops: refused, kept on screen
    qtbot.waitUntil(lambda: "未保存" in window.message.text())
    assert narrative.toPlainText() == NARRATIVE

    cluster.resume()
    qtbot.waitUntil(lambda: not watch.lost, timeout=20_000)
    assert "已重新连接" in watch.label.text()
    cells, log_after = stored_cells(url, report_id)
    assert cells == {k: int(t) for k, t in [*TYPED, WHILE_DOWN]}
    new = log_after[len(log_before) :]
    assert log_after[: len(log_before)] == log_before
    # each waiting edit written once: the cell (with its total) and the narrative
    assert sorted(new) == ["cell t3.new.ngo", "cell t3.new.total", "text s1_active"]
    assert window.session is not None and window.session.editor.report.get(*key) == int(text)
    assert window.session.editor.report.text("s1_active") == NARRATIVE
    assert fresh_text(url, report_id) == NARRATIVE
    assert not isinstance(QApplication.focusWidget(), QLineEdit)  # the cell editor closed: the value is saved
