"""The window on the office screens of issue 12 item 9: at 1366×768 and 1024×768 every number column of every
table, 总计 included, is in view without scrolling sideways, and the tab titles are whole."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from models.database import Database
from services import storage
from tests.factories import filled_report
from tests.test_main_window import window_on


def columns_in_view(window: object, table: str) -> tuple[int, int]:
    """(value columns fully in the grid's viewport, value columns)."""
    tab = window.table_tab(table)  # type: ignore[attr-defined]
    window.tabs.setCurrentWidget(tab)  # type: ignore[attr-defined]
    QApplication.processEvents()
    view = tab.view
    cols = {cell.col for cell in tab.model.layout.value_cells()}
    width = view.viewport().width()
    shown = [
        c
        for c in cols
        if view.columnViewportPosition(c) >= 0 and view.columnViewportPosition(c) + view.columnWidth(c) <= width
    ]
    return len(shown), len(cols)


@pytest.mark.parametrize("format_id", ["2019", "2021"])
@pytest.mark.parametrize("size", [(1366, 768), (1024, 768)])
def test_every_number_column_is_in_view(
    qtbot: QtBot, db: Database, tmp_path: Path, format_id: str, size: tuple[int, int]
) -> None:
    with db.transaction() as session:
        report_id = storage.save_report(session, filled_report(format_id))
    window = window_on(qtbot, db, tmp_path)
    window.resize(*size)
    window.open_report(report_id)
    qtbot.waitUntil(lambda: window.width() == size[0])
    QApplication.processEvents()
    for table in ("t2", "t3", "t4"):
        shown, total = columns_in_view(window, table)
        assert shown == total, f"{table} at {size}: {shown} of {total} number columns in view"
    bar = window.tabs.tabBar()
    assert all("…" not in window.tabs.tabText(i) for i in range(window.tabs.count()))
    assert sum(bar.tabRect(i).width() for i in range(bar.count())) <= window.tabs.width()
    assert window.nav_dock.isVisible() == (size[0] >= 1100)  # at 1024 the list of reports gives way (F9)


def test_the_window_opens_as_it_was_left(qtbot: QtBot, db: Database, tmp_path: Path) -> None:
    window = window_on(qtbot, db, tmp_path)
    window.resize(640, 470)  # within the test screen (offscreen: 800×600), which Qt fits a restored window to
    qtbot.waitUntil(lambda: window.width() == 640)
    window.close()
    again = window_on(qtbot, db, tmp_path)
    assert (again.width(), again.height()) == (640, 470)
