"""The 数据库 menu and what shows which database is open: 连接办公室共享数据库, 使用本机数据库, 把本机报告上传到共享
数据库, 备份与恢复; the database named in the status bar and the window title; the watch over a shared server."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QLabel, QMenu

from services.app_state import load_state, update_state
from services.errors import NianbaoError
from services.paths import default_database_path
from services.shared_database import database_names
from ui.connection_watch import ConnectionWatch
from ui.dialogs import ConfirmDialog, show_problems

if TYPE_CHECKING:
    from models.database import Database
    from ui.main_window import MainWindow

TITLE_MARK = " ［"
"""Where the database's name begins in the window title."""


class DatabaseMenu(QObject):
    def __init__(self, window: MainWindow, menu: QMenu, data_dir: str | None) -> None:
        super().__init__(window)
        self.window = window
        self.data_dir = data_dir
        self.connect_action = menu.addAction("连接办公室共享数据库…", self.connect_shared)
        self.local_action = menu.addAction("使用本机数据库", self.use_local)
        self.upload_action = menu.addAction("把本机报告上传到共享数据库…", self.upload)
        menu.addSeparator()
        self.backup_action = menu.addAction("备份与恢复…", self.backups)
        self.where_label = QLabel()
        self.lost_label = QLabel()
        self.lost_label.hide()
        window.statusBar().addPermanentWidget(self.lost_label)
        window.statusBar().addPermanentWidget(self.where_label)
        self.watch = ConnectionWatch(window, self.lost_label)
        shown = self._display()
        self.local_path = Path(shown) if "://" not in shown else default_database_path(data_dir)
        """The SQLite file 使用本机数据库 goes back to (the one the app started on, or the default)."""
        window.windowTitleChanged.connect(self._title_changed)
        self.refresh()
        self.watch.follow(self._shared_db())

    def _display(self) -> str:
        return str(self.window.workspace.db.url_for_display)

    def _shared_db(self) -> Database | None:
        if not self.shared:
            return None  # before models.database: a fast start paints before SQLAlchemy is imported
        from models.database import Database

        db = self.window.workspace.db
        return db if isinstance(db, Database) else None

    @property
    def shared(self) -> bool:
        return "://" in self._display()

    def _live(self) -> bool:
        """Whether the window's database is open (not while a fast start is still opening it)."""
        from models.database import Database

        if isinstance(self.window.workspace.db, Database):
            return True
        self.window.message.setText("正在打开数据库，请稍候再试。")
        return False

    def refresh(self) -> None:
        """Name the open database in the status bar and the title; enable what applies to it."""
        self._title_changed(self.window.windowTitle())

    def _title_changed(self, title: str) -> None:
        # The window sets its title in several places (a report opened, the sample, a deletion) and switches
        # databases in some (the sample): the database's name is put in the title and the status bar here, once,
        # whichever of them it was.
        short, long = database_names(self._display())
        self.where_label.setText(short)
        self.where_label.setToolTip(long)
        shared = self.shared
        self.local_action.setEnabled(shared)
        self.upload_action.setEnabled(shared)
        self.backup_action.setEnabled(not shared)
        self.backup_action.setToolTip("共享数据库由服务器管理员备份（见“共享数据库.md”）。" if shared else "")
        wanted = f"{title.split(TITLE_MARK)[0]}{TITLE_MARK}{short}］"
        if title != wanted:
            self.window.setWindowTitle(wanted)

    # ------------------------------------------------------------ switching

    def _switch(self, db: Database) -> None:
        self.window.switch_database(db)
        self.refresh()
        self.watch.follow(self._shared_db())

    def connect_shared(self) -> None:
        """Ask for the server (tested in the dialog), open it, remember the choice and the password if wished."""
        from services.passwords import recall
        from services.shared_database import open_shared, remember_connection
        from ui.connect_dialog import ConnectDialog

        if not self._live():
            return
        settings = load_state(self.data_dir).server
        password = (recall(settings) or "") if settings is not None else ""
        problem = ""
        while True:
            request = ConnectDialog.ask(self.window, settings, password, problem)
            if request is None:
                return
            try:
                db = open_shared(request.settings, request.password)
            except NianbaoError as exc:  # the dialog's test passed, then the server changed its mind
                settings, password, problem = request.settings, request.password, exc.message
                continue
            break
        self._switch(db)
        try:
            note = remember_connection(self.data_dir, request.settings, request.password, request.remember)
        except NianbaoError as exc:  # the state file could not be written: this connection works all the same
            note = str(exc)
        self.window.message.setText(f"已连接办公室共享数据库 {request.settings.label}。{note}")

    def use_local(self) -> None:
        from models.database import open_database

        if not self._live():
            return
        try:
            db = open_database(self.local_path)
            update_state(self.data_dir, database="local")
        except NianbaoError as exc:
            show_problems(self.window, "无法打开本机数据库", str(exc), ())
            return
        self._switch(db)
        self.window.message.setText(f"已改用本机数据库：{self.local_path}")

    # ------------------------------------------------------------ moving in

    def upload(self) -> None:
        """Every report of the local database into the shared one, with the import's questions; none deleted."""
        from services.upload import local_reports, upload_label
        from ui.file_import import import_files_of_reports

        try:
            reports = local_reports(self.local_path)
        except NianbaoError as exc:
            show_problems(self.window, "未上传", str(exc), ())
            return
        if not reports:
            show_problems(self.window, "未上传", f"本机数据库（{self.local_path}）中没有报告。", ())
            return
        question = (
            f"把本机数据库中的 {len(reports)} 份报告上传到共享数据库吗？\n"
            "共享数据库中已有同一单位同一年度的报告时，会逐一询问替换还是保留。本机的报告不会删除。"
        )
        if not ConfirmDialog.ask(self.window, "上传本机报告", question, "上传"):
            return
        outcome = import_files_of_reports(self.window.workspace, reports, self.window, upload_label)
        self.window.refresh_navigator()
        kept = len(reports) - len(outcome.imported)
        summary = f"已上传 {len(outcome.imported)} 份报告" + (f"，{kept} 份未上传" if kept else "") + "。"
        if outcome.cancelled:
            summary += "上传已取消，其余报告未上传。"
        self.window.message.setText(summary)
        if outcome.messages:
            show_problems(self.window, "上传结果", summary, tuple(outcome.messages))

    # ------------------------------------------------------------ backups

    def backups(self) -> None:
        from models.database import sqlite_file
        from ui.backup_dialog import BackupDialog

        if not self._live():
            return
        path = sqlite_file(self.window.workspace.db.url) if not self.shared else None
        if path is None:
            show_problems(self.window, "备份与恢复", "共享数据库由服务器管理员备份和恢复（见“共享数据库.md”）。", ())
            return
        BackupDialog(self.window, path, self.data_dir, self.restore).exec()

    def restore(self, backup: Path) -> str:
        """Put a backup in place of the open local database and go on working on it."""
        from services.backup import restore_database
        from ui.connection_watch import save_what_is_typed

        save_what_is_typed(self.window)  # typed text reaches the file that is kept aside
        restored = restore_database(self.window.workspace.db, backup)
        self._switch(restored.db)
        kept = f"原文件保存在 {restored.aside}" if restored.aside else ""
        said = f"已从备份恢复数据库。{kept}"
        self.window.message.setText(said)
        return said
