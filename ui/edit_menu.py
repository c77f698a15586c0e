"""The 编辑 menu and the tab keys: 撤销 / 恢复 / 剪切 / 复制 / 粘贴 / 删除 act on whatever has the keyboard — a
paper-form grid (through the report's undo and all-or-nothing paste) or a text field (its own undo) — and
Ctrl+Tab / Ctrl+PgDn switch the report's tabs, as in Excel and WPS."""

from __future__ import annotations

from functools import partial

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QApplication, QLineEdit, QMainWindow, QPlainTextEdit, QTabWidget, QWidget

_GRID = {
    "undo": "undo",
    "redo": "redo",
    "cut": "cut_selection",
    "copy": "copy_selection",
    "paste": "paste_clipboard",
    "delete": "clear_selection_values",
}
"""ReportTableView's methods (ui.table_view loads with the first grid, after the window's first paint)."""
_TEXT = {"undo": "undo", "redo": "redo", "cut": "cut", "copy": "copy", "paste": "paste", "delete": "del_"}


def act_on_focus(what: str) -> None:
    """Do `what` on the focused grid or text field; elsewhere (the navigator, a button) nothing happens."""
    from ui.table_view import ReportTableView

    widget: QWidget | None = QApplication.focusWidget()
    while widget is not None and not isinstance(widget, ReportTableView | QLineEdit | QPlainTextEdit):
        widget = widget.parentWidget()  # a grid's open cell editor belongs to the grid's viewport
    if isinstance(widget, ReportTableView):
        getattr(widget, _GRID[what])()
    elif isinstance(widget, QLineEdit):
        getattr(widget, _TEXT[what])()
    elif isinstance(widget, QPlainTextEdit):
        if what == "delete":
            widget.textCursor().removeSelectedText()
        else:
            getattr(widget, what)()


def build_edit_menu(window: QMainWindow) -> list[QAction]:
    menu = window.menuBar().addMenu("编辑(&E)")
    actions = []
    for text, key, what in (
        ("撤销(&U)", QKeySequence.StandardKey.Undo, "undo"),
        ("恢复(&R)", QKeySequence.StandardKey.Redo, "redo"),
        (None, None, ""),
        ("剪切(&T)", QKeySequence.StandardKey.Cut, "cut"),
        ("复制(&C)", QKeySequence.StandardKey.Copy, "copy"),
        ("粘贴(&P)", QKeySequence.StandardKey.Paste, "paste"),
        ("删除(&D)", QKeySequence.StandardKey.Delete, "delete"),
    ):
        if text is None:
            menu.addSeparator()
            continue
        # the shortcut is shown, not taken: the focused grid or text field handles the key itself
        assert key is not None
        action = menu.addAction(text, partial(act_on_focus, what))
        action.setShortcut(QKeySequence(key))
        action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        actions.append(action)
    return actions


def add_tab_keys(window: QMainWindow, tabs: QTabWidget) -> None:
    """Ctrl+Tab / Ctrl+PgDn to the next tab, Ctrl+Shift+Tab / Ctrl+PgUp to the previous, from anywhere in the
    window (a grid or text field would otherwise keep the keys)."""

    def step(by: int) -> None:
        if tabs.count():
            tabs.setCurrentIndex((tabs.currentIndex() + by) % tabs.count())

    for keys, by in (
        (("Ctrl+Tab", "Ctrl+PgDown"), 1),
        (("Ctrl+Shift+Tab", "Ctrl+Backtab", "Ctrl+PgUp"), -1),
    ):
        action = QAction(window)
        action.setShortcuts([QKeySequence(k) for k in keys])
        action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        action.triggered.connect(lambda _=False, by=by: step(by))
        window.addAction(action)
