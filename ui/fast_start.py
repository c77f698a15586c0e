"""The window at once: the last report, read with sqlite3 (services/quick_read.py), shown in the real window
before the database is opened; ui/app.py then opens it the normal way and the window goes live.

Until then the window holds `Opening` where its database will be: it shows, scrolls and selects, and an edit is
refused with a reason ("正在打开数据库") and nothing written — the integrity check, the recovery dialog, the
migrations and the daily backup all run before the first write, as on a normal start.

The first frame is painted before SQLAlchemy is imported (tests/test_fast_start.py starts the app in a process of
its own and looks): it needs the navigator, every tab's title, the current tab (基本信息) and the panel; the other
tabs, and the grids' modules with them, are built right after it is painted (MainWindow.finish_tabs).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn, cast

# Our modules before Qt's: once PySide6 is loaded it reads the source of every module imported after it (its
# __feature__ import hook), some 0.2 ms a module.
from services.app_state import load_state
from services.checks import check_report, identity_results
from services.editing import ReportEditor
from services.errors import NianbaoError, StorageError
from services.quick_read import read_last_report
from services.report_line import ReportLine

# isort: split
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QWidget

from ui.main_window import MainWindow

if TYPE_CHECKING:
    from models.database import Database

OPENING_MESSAGE = "正在打开数据库，请稍候再试。"


class Opening:
    """Stands in for the database while it is being opened: names it, and refuses every unit of work."""

    def __init__(self, display: str) -> None:
        self.url_for_display = display
        """As Database.url_for_display shows a SQLite file: the remembered last report is looked up by it."""

    def transaction(self) -> NoReturn:
        raise StorageError(OPENING_MESSAGE)


@dataclass(frozen=True)
class FirstView:
    """What the window shows before its database is open: the last report's editor and the navigator's lines."""

    editor: ReportEditor
    lines: tuple[ReportLine, ...]


def first_window(target: str, data_dir: str | None) -> MainWindow | None:
    """The real window on the last report, read without SQLAlchemy; None when the normal start must run: a server
    database, no remembered report, or any doubt about the file (services.quick_read)."""
    if "://" in target:
        return None  # a URL: PostgreSQL, or SQLite spelled as a URL — the normal start reads those
    path = Path(target).expanduser().absolute()  # as models.database.make_url_for makes a path absolute
    key = load_state(data_dir).last_report_in(str(path))
    if key is None:
        return None
    quick = read_last_report(path, *key)
    if quick is None:
        return None
    opening = cast("Database", Opening(str(path)))
    report, previous = quick.report, quick.previous
    try:  # the checks as ReportEditor.open runs them (its _recheck); going live compares the two
        findings, identities = check_report(report, previous), identity_results(report)
    except NianbaoError:
        return None  # a report the checks cannot read: the normal start says why
    editor = ReportEditor(opening, quick.report_id, report, quick.version, previous, findings, identities)
    window = MainWindow(opening, data_dir, first=FirstView(editor, quick.lines))
    after_first_paint(window, window.finish_tabs)
    return window


def is_live(window: MainWindow) -> bool:
    """Whether the window's report is saved to an open database (False while a fast start is opening it)."""
    return window.session is None or not isinstance(window.session.editor.db, Opening)


class _FirstPaint(QObject):
    def __init__(self, widget: QWidget, then: Callable[[], None]) -> None:
        super().__init__(widget)
        self._then: Callable[[], None] | None = then
        widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # Qt's name
        if self._then is not None and event.type() == QEvent.Type.Paint:
            # after this paint event the children paint and the backing store is flushed: run on the next turn
            QTimer.singleShot(0, self._then)
            self._then = None
            watched.removeEventFilter(self)
        return False


def after_first_paint(widget: QWidget, then: Callable[[], None]) -> None:
    """Run `then` once the widget has been painted on screen for the first time."""
    _FirstPaint(widget, then)
