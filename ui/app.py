"""Starting the desktop app: Qt application, Chinese translations, database, main window, excepthook."""

from __future__ import annotations

import argparse
import logging
import sys
import traceback
from collections.abc import Sequence
from types import TracebackType

from PySide6.QtCore import QLibraryInfo, QLocale, QTranslator
from PySide6.QtWidgets import QApplication, QMessageBox

from services.errors import NianbaoError
from ui.error_dialog import ErrorDialog


def _install_translations(app: QApplication) -> None:
    # Qt's own zh_CN strings make standard dialogs and buttons Chinese (取消, 确定 …).
    translator = QTranslator(app)
    path = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    if translator.load(QLocale("zh_CN"), "qtbase", "_", path):
        app.installTranslator(translator)


def _install_excepthook(log_path: str) -> None:
    logging.basicConfig(filename=log_path, level=logging.INFO, encoding="utf-8")

    def hook(kind: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        details = "".join(traceback.format_exception(kind, exc, tb))
        logging.getLogger("nianbao").error("未处理的异常\n%s", details)
        ErrorDialog.show_bug(details, log_path)

    sys.excepthook = hook


def run_app(argv: Sequence[str]) -> int:
    from models.database import open_database
    from services.paths import default_database_path, user_data_dir
    from ui.main_window import MainWindow

    parser = argparse.ArgumentParser(prog="nianbao")
    parser.add_argument("--db")
    parser.add_argument("--data-dir")
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
    try:
        db = open_database(args.db or str(default_database_path(args.data_dir)))
    except NianbaoError as exc:
        QMessageBox.critical(None, "无法打开数据库", str(exc))
        return 2
    window = MainWindow(db, args.data_dir)
    window.show()
    code = app.exec()
    db.engine.dispose()
    return code
