"""Keys as in Excel and WPS (issue 12 item 7), driven with real key and mouse events in the main window."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QPoint, Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QMenu
from pytestqt.qtbot import QtBot

from models.database import Database
from services import storage
from tests.factories import filled_report
from tests.test_main_window import fresh, keys, press, t3, window_on
from ui.main_window import MainWindow
from ui.narrative_tab import NarrativeTab

PARTIES = ("natural", "business", "research", "ngo", "legal", "other_org")


def opened(qtbot: QtBot, db: Database, tmp_path: Path) -> MainWindow:
    with db.transaction() as session:
        report_id = storage.save_report(session, filled_report("2021", agency="某县教育局"))
    window = window_on(qtbot, db, tmp_path)
    window.open_report(report_id)
    return window


def popup_entries(qtbot: QtBot, show: Callable[[], None]) -> list[str]:
    """The entries of the menu `show` pops up (offscreen: no real context event, so the signal is emitted)."""
    seen: list[list[str]] = []

    def look() -> None:
        menu = QApplication.activePopupWidget()
        assert isinstance(menu, QMenu)
        seen.append([a.text() for a in menu.actions() if not a.isSeparator()])
        menu.close()

    QTimer.singleShot(200, look)
    show()
    qtbot.waitUntil(lambda: bool(seen))
    return seen[0]


def test_a_row_typed_with_tabs_then_enter_goes_to_the_next_rows_start(
    qtbot: QtBot, db: Database, tmp_path: Path
) -> None:
    window = opened(qtbot, db, tmp_path)
    tab = t3(window)
    tab.view.select_key(("t3", "new", "natural"))
    for n, party in enumerate(PARTIES, start=1):
        keys(tab.view, str(n))
        press(tab.view, Qt.Key.Key_Return if party == "other_org" else Qt.Key.Key_Tab)
    assert tab.view.current_key() == ("t3", "carried_in", "natural")  # not under 其他组织, not on 总计
    saved = fresh(db, "某县教育局", 2022)
    assert [saved.get("t3", "new", p) for p in PARTIES] == [1, 2, 3, 4, 5, 6]


def test_tab_passes_over_the_computed_total_and_the_arrows_still_reach_it(
    qtbot: QtBot, db: Database, tmp_path: Path
) -> None:
    window = opened(qtbot, db, tmp_path)
    tab = t3(window)
    tab.view.select_key(("t3", "carried_in", "other_org"))
    press(tab.view, Qt.Key.Key_Tab)
    assert tab.view.current_key() != ("t3", "carried_in", "total")
    tab.view.select_key(("t3", "carried_in", "other_org"))
    press(tab.view, Qt.Key.Key_Right)
    assert tab.view.current_key() == ("t3", "carried_in", "total")
    press(tab.view, Qt.Key.Key_Tab, Qt.KeyboardModifier.ShiftModifier)  # Shift+Tab back: a value cell
    assert tab.view.current_key() == ("t3", "carried_in", "other_org")


def test_clicking_an_error_puts_the_keyboard_in_its_cell(qtbot: QtBot, db: Database, tmp_path: Path) -> None:
    window = opened(qtbot, db, tmp_path)
    tab = t3(window)
    tab.view.select_key(("t3", "new", "natural"))
    keys(tab.view, "999")
    press(tab.view, Qt.Key.Key_Return)
    window.tabs.setCurrentIndex(0)
    assert window.panel is not None
    tree = window.panel.tree
    tree.setFocus()
    item = next(
        tree.topLevelItem(i).child(j)  # type: ignore[union-attr]
        for i in range(tree.topLevelItemCount())
        for j in range(tree.topLevelItem(i).childCount())  # type: ignore[union-attr]
        if tree.topLevelItem(i).child(j).text(0).startswith("✗ 自然人列")  # type: ignore[union-attr]
    )
    assert item is not None
    tree.scrollToItem(item)
    QTest.mouseClick(tree.viewport(), Qt.MouseButton.LeftButton, pos=tree.visualItemRect(item).center())
    assert window.tabs.currentWidget() is tab
    assert QApplication.focusWidget() is tab.view
    keys(tab.view, "5")  # the clerk types the fix straight away
    press(tab.view, Qt.Key.Key_Return)
    assert fresh(db, "某县教育局", 2022).get("t3", "new", "natural") == 5


def test_ctrl_tab_and_ctrl_page_down_switch_tabs_from_a_grid_and_from_a_text(
    qtbot: QtBot, db: Database, tmp_path: Path
) -> None:
    window = opened(qtbot, db, tmp_path)
    tab = t3(window)
    at = window.tabs.indexOf(tab)
    press(tab.view, Qt.Key.Key_Tab, Qt.KeyboardModifier.ControlModifier)
    assert window.tabs.currentIndex() == at + 1
    press(window, Qt.Key.Key_PageUp, Qt.KeyboardModifier.ControlModifier)
    assert window.tabs.currentIndex() == at
    text_tab = next(t for t in window.section_tabs if isinstance(t, NarrativeTab) and t.has_key("s1_active"))
    window.tabs.setCurrentWidget(text_tab)
    text_tab.editors["s1_active"].setFocus()
    QApplication.processEvents()
    before = text_tab.editors["s1_active"].toPlainText()
    press(text_tab.editors["s1_active"], Qt.Key.Key_PageDown, Qt.KeyboardModifier.ControlModifier)
    assert window.tabs.currentIndex() == window.tabs.indexOf(text_tab) + 1
    assert text_tab.editors["s1_active"].toPlainText() == before


def test_the_edit_menu_acts_on_the_grid_with_the_keyboard(qtbot: QtBot, db: Database, tmp_path: Path) -> None:
    window = opened(qtbot, db, tmp_path)
    menus = {a.text(): a for a in window.menuBar().actions()}
    assert "编辑(&E)" in menus
    names = [a.text() for a in window.edit_actions]
    assert names == ["撤销(&U)", "恢复(&R)", "剪切(&T)", "复制(&C)", "粘贴(&P)", "删除(&D)"]
    tab = t3(window)
    key = ("t3", "new", "natural")
    was = fresh(db, "某县教育局", 2022).get(*key)
    tab.view.select_key(key)
    keys(tab.view, "77")
    press(tab.view, Qt.Key.Key_Return)
    assert fresh(db, "某县教育局", 2022).get(*key) == 77
    window.edit_actions[0].trigger()  # 编辑 › 撤销, the grid still holding the keyboard
    assert fresh(db, "某县教育局", 2022).get(*key) == was
    window.edit_actions[1].trigger()
    assert fresh(db, "某县教育局", 2022).get(*key) == 77
    tab.view.select_key(key)
    window.edit_actions[2].trigger()  # 剪切: copied, then cleared
    assert QApplication.clipboard().text() == "77" and fresh(db, "某县教育局", 2022).get(*key) is None


def test_a_right_click_on_a_grid_offers_the_cell_commands(qtbot: QtBot, db: Database, tmp_path: Path) -> None:
    window = opened(qtbot, db, tmp_path)
    tab = t3(window)
    point: QPoint = tab.view.visualRect(tab.model.index_of(("t3", "new", "natural"))).center()
    entries = popup_entries(qtbot, lambda: tab.view.customContextMenuRequested.emit(point))
    assert entries == ["剪切", "复制", "粘贴", "清除内容", "撤销", "恢复"]


def test_a_right_click_on_the_list_of_reports_offers_what_can_be_done_to_it(
    qtbot: QtBot, db: Database, tmp_path: Path
) -> None:
    window = opened(qtbot, db, tmp_path)
    agency = window.navigator.topLevelItem(0)
    assert agency is not None
    year = agency.child(0)
    assert year is not None
    point = window.navigator.visualItemRect(year).center()
    entries = popup_entries(qtbot, lambda: window.navigator.customContextMenuRequested.emit(point))
    assert entries == ["打开", "修改历史…", "重命名单位…", "删除报告…"]


def test_a_count_typed_with_its_unit_is_taken(qtbot: QtBot, db: Database, tmp_path: Path) -> None:
    from tests.test_table_ui import type_text as type_in_grid

    window = opened(qtbot, db, tmp_path)
    tab = t3(window)
    tab.view.select_key(("t3", "new", "natural"))
    type_in_grid(tab.view, "12件")
    press(tab.view, Qt.Key.Key_Return)
    assert fresh(db, "某县教育局", 2022).get("t3", "new", "natural") == 12
