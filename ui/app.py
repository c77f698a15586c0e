"""Starting the desktop app: Qt application, Chinese translations, database, main window, excepthook.

The window comes first when it can (ui/fast_start.py): the last report, read with sqlite3, is painted before the
database is opened; then it is opened as on any start (integrity check, recovery, migrations, daily backup) and the
window goes live. Otherwise the database is opened first and the window built on it.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING

from services.errors import CorruptDatabaseError, NianbaoError
from ui.fast_start import after_first_paint, first_window  # first: it loads our modules before Qt's (see there)

# isort: split
from PySide6.QtCore import QEvent, QLibraryInfo, QLocale, QObject, QTimer, QTranslator
from PySide6.QtWidgets import QApplication, QMessageBox

from ui.error_dialog import ErrorDialog
from ui.main_window import MainWindow

if TYPE_CHECKING:
    from models.database import Database


class _SmokeHook(QObject):
    """Test hook for packaging/smoke_test.py (the frozen bundle), inert unless NIANBAO_SMOKE_EXIT_MS is set:
    prints "window shown" after the first paint, opens the sample when NIANBAO_SMOKE_OPEN_SAMPLE=1, and quits
    the app after that many milliseconds."""

    def __init__(self, app: QApplication, window: MainWindow, exit_ms: int) -> None:
        super().__init__(window)
        self._window = window
        self._painted = False
        window.installEventFilter(self)
        window.update()  # a fast start has painted already: paint again, for this hook to see it
        QTimer.singleShot(exit_ms, app.quit)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # Qt's name
        if not self._painted and event.type() == QEvent.Type.Paint:
            self._painted = True
            QTimer.singleShot(0, self._after_first_paint)
        return False

    def _after_first_paint(self) -> None:
        print("window shown", flush=True)  # a windowed Windows exe has no stdout: print() then does nothing
        if os.environ.get("NIANBAO_SMOKE_OPEN_SAMPLE") == "1":
            self._window.open_sample()
            opened = self._window.session is not None
            print("sample opened" if opened else "sample NOT opened", flush=True)


def _install_translations(app: QApplication) -> None:
    # Qt's own zh_CN strings make standard dialogs and buttons Chinese (取消, 确定 …).
    translator = QTranslator(app)
    path = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    QLocale.setDefault(QLocale(QLocale.Language.Chinese, QLocale.Country.China))  # dates, calendars, numbers
    if translator.load(QLocale("zh_CN"), "qtbase", "_", path):
        app.installTranslator(translator)


def _install_excepthook(log_path: str) -> None:
    logging.basicConfig(filename=log_path, level=logging.INFO, encoding="utf-8")

    def hook(kind: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        details = "".join(traceback.format_exception(kind, exc, tb))
        logging.getLogger("nianbao").error("未处理的异常\n%s", details)
        ErrorDialog.show_bug(details, log_path)

    sys.excepthook = hook


def open_or_recover(target: str) -> Database | None:
    """Open the database; a damaged file is left untouched and the clerk is offered its backups."""
    from models.database import make_url_for, open_database, sqlite_file
    from ui.recovery_dialog import RecoveryDialog

    try:
        return open_database(target)
    except CorruptDatabaseError as exc:
        path = sqlite_file(make_url_for(target))
        if path is None or not RecoveryDialog.ask(None, str(exc), path):
            return None
    except NianbaoError as exc:
        QMessageBox.critical(None, "无法打开数据库", str(exc))
        return None
    try:
        return open_database(target)
    except NianbaoError as exc:
        QMessageBox.critical(None, "无法打开数据库", str(exc))
        return None


def take_daily_backup(target: str, data_dir: str | None = None) -> str | None:
    """At most once a day, a copy of the SQLite file (a shared PostgreSQL server is backed up by its DBA), copied
    to the clerk's second backup folder too; a failed copy is said, the backup stands."""
    from models.database import make_url_for, sqlite_file
    from services.app_state import load_state
    from services.backup import daily_backup_with_copy

    path = sqlite_file(make_url_for(target))
    if path is None:
        return None
    copies = load_state(data_dir).backup_copies
    try:
        run = daily_backup_with_copy(path, Path(copies) if copies else None)
    except NianbaoError as exc:
        return f"今天的自动备份未能完成：{exc}"
    notice = run.notice()
    return notice.replace("已备份", "已自动备份", 1) if notice else None


def start_window(
    target: str,
    data_dir: str | None,
    opened: Callable[[MainWindow, Database | None], None],
    shown: Callable[[MainWindow], None] | None = None,
) -> MainWindow | None:
    """Show the window on the last report; None when the database could not be opened (nothing shown).

    `shown` runs once the window is painted; `opened` once the database is open — on a fast start after the first
    paint, with None if it could not be opened after all (the clerk declined the recovery, say)."""
    window = first_window(target, data_dir)
    if window is None:
        db = open_or_recover(target)
        if db is None:
            return None
        window = MainWindow(db, data_dir)
        if shown is not None:
            after_first_paint(window, lambda: shown(window))
        window.show()
        opened(window, db)
        return window
    fast = window

    def go_live() -> None:
        if shown is not None:
            shown(fast)
        db = open_or_recover(target)
        if db is not None:
            fast.attach_database(db)
        opened(fast, db)

    after_first_paint(fast, go_live)
    fast.show()
    return fast


def run_app(argv: Sequence[str], shown: Callable[[MainWindow], None] | None = None) -> int:
    """The desktop app; `shown` runs once the window is painted (benchmarks/ui_startup_child.py)."""
    from services.paths import user_data_dir
    from ui.start_database import start_target

    parser = argparse.ArgumentParser(prog="nianbao")
    parser.add_argument("--db")
    parser.add_argument("--data-dir")
    parser.add_argument("--open", help="a report file to import and open (Explorer's 打开方式)")
    args, qt_args = parser.parse_known_args(argv)

    app = QApplication([sys.argv[0], *qt_args])
    app.setApplicationName("年报")
    _install_translations(app)
    try:
        log_dir = user_data_dir(args.data_dir)
    except NianbaoError as exc:
        QMessageBox.critical(None, "无法启动", str(exc))
        return 2
    _install_excepthook(str(log_dir / "nianbao.log"))
    target = args.db or start_target(args.data_dir)  # the first start asks: this PC, or the office's server
    databases: list[Database] = []

    def opened(window: MainWindow, db: Database | None) -> None:
        if db is None:
            window.close()
            app.exit(2)
            return
        databases.append(db)
        smoke_ms = os.environ.get("NIANBAO_SMOKE_EXIT_MS", "")
        if smoke_ms.isdigit():  # once the database is open: the hook may open the sample, a write
            _SmokeHook(app, window, int(smoke_ms))
        notice = take_daily_backup(target, args.data_dir)
        if notice:
            window.message.setText(notice)
        if args.open:
            from ui.dialogs import show_problems

            problems = window.import_files([Path(args.open)])
            if problems:
                show_problems(window, "导入结果", "文件未导入或有提示：", tuple(problems))

    window = start_window(target, args.data_dir, opened, shown)
    if window is None:
        return 2
    code = app.exec()
    for db in databases:
        db.engine.dispose()
    return code
