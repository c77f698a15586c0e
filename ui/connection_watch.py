"""Losing the shared database's server mid-work: what the clerk typed stays on screen (the cell editor reopens with
it, a narrative keeps its text, as for any refused write), the status bar says the server cannot be reached, the
server is asked again in the background, and what is on screen is saved once it answers.

Nothing is written twice: a write whose answer was lost (the server took it, then the connection broke) is refused
on the retry by the report's version check, and the report is read again with the value in it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QAbstractItemDelegate, QAbstractItemView, QLabel

from services.reconnect import ServerWatch

if TYPE_CHECKING:
    from models.database import Database
    from ui.main_window import MainWindow

POLL_MS = 500
"""How often the window looks at the database's flag (no I/O: a flag read)."""
RETRY_MS = 5_000
"""How often the lost server is asked again."""
LOST_STYLE = "color: #b00020; font-weight: bold"


class ConnectionWatch(QObject):
    """Watches the window's database while it is a shared one."""

    def __init__(self, window: MainWindow, label: QLabel) -> None:
        super().__init__(window)
        self.window = window
        self.label = label
        self.lost = False
        self._watch: ServerWatch | None = None
        self._since_ask = 0
        self.retry_ms = RETRY_MS
        self.timer = QTimer(self)
        self.timer.setInterval(POLL_MS)
        self.timer.timeout.connect(self.poll)

    def follow(self, db: Database | None) -> None:
        """Watch this database (None: a local file, nothing to watch)."""
        self._watch = ServerWatch(db) if db is not None else None
        self.lost = False
        self.label.hide()
        if db is None:
            self.timer.stop()
        else:
            self.timer.start()

    def poll(self) -> None:
        watch = self._watch
        if watch is None:
            return
        if not watch.answered:
            if not self.lost:
                self.lost = True
                self._since_ask = self.retry_ms  # the first question at once: a restart may be over already
                self.label.setStyleSheet(LOST_STYLE)
                # short: the status bar also shows why the last edit was not saved
                self.label.setText("⚠ 服务器连接中断，正在重试")
                self.label.setToolTip(
                    "无法连接共享数据库服务器（服务器关机、重启或网络中断）。您填写的内容留在屏幕上，"
                    "程序每隔几秒重试，连接恢复后自动保存。请不要关闭程序。"
                )
                self.label.show()
            else:
                self._since_ask += self.timer.interval()
            if self._since_ask >= self.retry_ms:
                self._since_ask = 0
                watch.ask()
            return
        if self.lost:
            self.lost = False
            self.label.setStyleSheet("color: #1b6e20")
            self.label.setText("已重新连接服务器")
            self.label.setToolTip("")
            save_what_is_typed(self.window)


def save_what_is_typed(window: MainWindow) -> None:
    """Save what is on screen but not saved: narratives and fields that differ from the report, and a value left in
    a grid's cell editor (committed as Enter would, without moving on)."""
    from ui.basic_tab import BasicTab
    from ui.narrative_tab import NarrativeTab

    for tab in window.section_tabs:
        if isinstance(tab, NarrativeTab | BasicTab):
            tab.flush()
            continue
        view = getattr(tab, "view", None)
        if isinstance(view, QAbstractItemView) and view.state() == QAbstractItemView.State.EditingState:
            editor = view.indexWidget(view.currentIndex())
            if editor is not None:
                view.commitData(editor)
                view.closeEditor(editor, QAbstractItemDelegate.EndEditHint.NoHint)
