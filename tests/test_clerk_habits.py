"""Small habits of issue 12 item 10, driven in the window: the sample in its own database, the guide under 帮助,
file dialogs that start where the clerk last was, button texts that say what they take."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer, QUrl
from PySide6.QtGui import QTextDocument
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QFileDialog
from pytestqt.qtbot import QtBot

from models.database import Database
from services import storage
from services.paths import guide_path
from tests.factories import SAMPLE, filled_report
from tests.test_main_window import window_on
from ui import main_window as main_window_module
from ui.file_import import ConflictDialog
from ui.guide import GuideDialog


def stored_agencies(db: Database) -> list[str]:
    with db.transaction() as session:
        return [line.agency for line in storage.list_reports(session)]


def test_the_sample_opens_in_a_database_of_its_own_and_the_clerk_goes_back(
    qtbot: QtBot, db: Database, tmp_path: Path
) -> None:
    window = window_on(qtbot, db, tmp_path)
    QTest.mouseClick(window.welcome_buttons["sample"], Qt.MouseButton.LeftButton)
    assert window.session is not None and window.session.editor.report.agency == "贵阳市人民防空办公室"
    assert "【示例】" in window.windowTitle() and window.sample_label.isVisible()
    assert stored_agencies(db) == []  # nothing in the clerk's own database, so nothing in their 汇总
    assert (tmp_path / "sample.sqlite3").is_file()
    assert window.home_action.isVisible()
    window.home_action.trigger()
    assert window.session is None and window.stack.currentWidget() is window.welcome
    assert not window.sample_label.isVisible() and "【示例】" not in window.windowTitle()
    assert window.navigator.topLevelItemCount() == 0
    assert window.workspace.agencies() == []


def test_f1_opens_the_guide_with_its_pictures(qtbot: QtBot, db: Database, tmp_path: Path) -> None:
    assert guide_path().is_file()
    window = window_on(qtbot, db, tmp_path)
    seen: list[tuple[str, bool]] = []

    def look() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, GuideDialog)
        document = dialog.browser.document()
        picture = document.resource(QTextDocument.ResourceType.ImageResource, QUrl("guide/welcome.png"))
        seen.append((document.toPlainText()[:40], picture is not None and not picture.isNull()))
        dialog.reject()

    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    QTimer.singleShot(200, look)
    QTest.keyClick(QApplication.focusWidget() or window, Qt.Key.Key_F1)
    qtbot.waitUntil(lambda: bool(seen))
    assert seen and seen[0][0].startswith("年报 使用说明") and seen[0][1]
    assert [a.text() for a in window.menuBar().actions()][-1] == "帮助(&H)"


def test_the_import_dialog_starts_in_the_folder_last_used(
    qtbot: QtBot, db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "U盘" / "报送"
    folder.mkdir(parents=True)
    shutil.copy(SAMPLE, folder / "a.json")
    window = window_on(qtbot, db, tmp_path / "data")
    started_in: list[str] = []

    def dialog(parent: object, caption: str, where: str, kinds: str) -> tuple[list[str], str]:
        started_in.append(where)
        return [str(folder / "a.json")], ""

    monkeypatch.setattr(QFileDialog, "getOpenFileNames", staticmethod(dialog))
    monkeypatch.setattr(ConflictDialog, "ask", classmethod(lambda cls, *args: "keep"))  # the second time
    monkeypatch.setattr(main_window_module, "show_problems", lambda *args: None)  # "已保留原有的"
    window._ask_import()
    window._ask_import()  # the second time (or the next day): where the clerk was
    assert Path(started_in[0]) != folder and Path(started_in[1]) == folder


def test_the_import_button_names_every_kind_of_file_it_takes(qtbot: QtBot, db: Database, tmp_path: Path) -> None:
    window = window_on(qtbot, db, tmp_path)
    text = window.welcome_buttons["import"].text()
    assert all(kind in text for kind in ("数据包", "Excel", "网页", "文本")) and ".json）" not in text


def test_the_calendar_speaks_chinese_under_any_system_locale(qtbot: QtBot, db: Database, tmp_path: Path) -> None:
    from PySide6.QtCore import QLocale

    from ui.basic_tab import BasicTab

    before = QLocale()
    QLocale.setDefault(QLocale.c())  # a PC whose locale is C (as the was)
    try:
        with db.transaction() as session:
            report_id = storage.save_report(session, filled_report("2021"))
        window = window_on(qtbot, db, tmp_path)
        window.open_report(report_id)
        basic = window.section_tabs[0]
        assert isinstance(basic, BasicTab)
        calendar = basic.date_edit.calendarWidget()
        assert calendar.locale().language() == QLocale.Language.Chinese
        assert calendar.locale().monthName(11) == "十一月"
    finally:
        QLocale.setDefault(before)


def test_after_an_export_the_clerk_can_open_its_folder_and_the_next_save_starts_there(
    qtbot: QtBot, db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from PySide6.QtGui import QDesktopServices

    out = tmp_path / "导出"
    out.mkdir()
    with db.transaction() as session:
        report_id = storage.save_report(session, filled_report("2021"))
    window = window_on(qtbot, db, tmp_path / "data")
    window.open_report(report_id)
    proposed: list[str] = []

    def dialog(parent: object, caption: str, where: str, kinds: str) -> tuple[str, str]:
        proposed.append(where)
        return str(out / "报告.docx"), ""

    opened: list[QUrl] = []

    def open_url(url: QUrl) -> bool:
        opened.append(url)
        return True

    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(dialog))
    monkeypatch.setattr(QDesktopServices, "openUrl", staticmethod(open_url))
    assert not window.folder_button.isVisible()
    window.export_as()
    assert (out / "报告.docx").is_file() and window.folder_button.isVisible()
    QTest.mouseClick(window.folder_button, Qt.MouseButton.LeftButton)
    assert [Path(url.toLocalFile()) for url in opened] == [out]
    window.export_as()
    assert Path(proposed[1]).parent == out and Path(proposed[0]).parent != out


def test_the_guides_pictures_fit_its_window(qtbot: QtBot) -> None:
    dialog = GuideDialog()
    qtbot.addWidget(dialog)
    dialog.resize(900, 700)
    dialog.show()
    qtbot.waitExposed(dialog)
    assert dialog.browser.horizontalScrollBar().maximum() == 0  # screenshots scaled down, no sideways scrolling
