"""数据库 › 备份与恢复 (a local database): the backups with their date, reason, reports and size; 立即备份; restoring
one (the current file kept aside, as `main.py restore` does); and a second folder — a USB stick or a network share —
that every backup is copied to as well."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from services.app_state import load_state, update_state
from services.backup import BackupInfo, backup_folder, backup_now, copy_backup, list_backups
from services.errors import NianbaoError
from ui.dialogs import ConfirmDialog
from ui.recovery_dialog import reason_text

ERROR_STYLE = "color: #b00020"


def size_text(size: int) -> str:
    return f"{size / 2**20:.1f} MB" if size >= 2**20 else f"{max(1, round(size / 1024))} KB"


class BackupDialog(QDialog):
    def __init__(
        self,
        parent: QWidget | None,
        db_path: Path,
        data_dir: str | None,
        restore: Callable[[Path], str],
    ) -> None:
        """`restore` puts a backup in place of the open database and says what it did (the window's call: it
        closes and reopens its database around the restore)."""
        super().__init__(parent)
        self.setWindowTitle("备份与恢复")
        self.resize(720, 460)
        self.db_path = db_path
        self.data_dir = data_dir
        self._restore_with = restore
        self.backups: list[BackupInfo] = []
        self.where = QLabel(
            f"数据库文件：{db_path}\n备份文件夹：{backup_folder(db_path)}\n"
            "程序每天第一次启动时和升级数据结构前自动备份，保留最近 10 份。"
        )
        self.where.setWordWrap(True)
        self.table = QTableWidget(0, 4)
        self.table.setHorizontalHeaderLabels(["备份时间", "原因", "报告数", "大小"])
        self.table.verticalHeader().hide()
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableWidget.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.backup_button = QPushButton("立即备份")
        self.backup_button.clicked.connect(self.back_up)
        self.restore_button = QPushButton("恢复所选备份…")
        self.restore_button.clicked.connect(self.restore_selected)
        folder_button = QPushButton("打开备份文件夹")
        folder_button.clicked.connect(lambda: self._open(backup_folder(self.db_path)))
        row = QHBoxLayout()
        for button in (self.backup_button, self.restore_button, folder_button):
            row.addWidget(button)
        row.addStretch(1)

        self.copies_label = QLabel()
        self.copies_label.setWordWrap(True)
        choose = QPushButton("选择第二备份文件夹…")
        choose.clicked.connect(self.choose_copies)
        self.stop_copies_button = QPushButton("不再复制")
        self.stop_copies_button.clicked.connect(lambda: self.set_copies(None))
        copies_row = QHBoxLayout()
        copies_row.addWidget(choose)
        copies_row.addWidget(self.stop_copies_button)
        copies_row.addStretch(1)

        self.message = QLabel()
        self.message.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.where)
        layout.addWidget(self.table, 1)
        layout.addLayout(row)
        layout.addWidget(self.copies_label)
        layout.addLayout(copies_row)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        self.refresh()

    # ------------------------------------------------------------ the list

    def refresh(self) -> None:
        try:
            self.backups = list_backups(self.db_path)
        except NianbaoError as exc:
            self.backups = []
            self.say(str(exc), error=True)
        self.table.setRowCount(len(self.backups))
        for row, info in enumerate(self.backups):
            cells = (
                f"{info.made_at:%Y-%m-%d %H:%M}",
                reason_text(info.reason),
                "无法读取" if info.reports is None else str(info.reports),
                size_text(info.size),
            )
            for col, value in enumerate(cells):
                self.table.setItem(row, col, QTableWidgetItem(value))
        if self.backups:
            self.table.selectRow(0)
        elif not self.message.text():
            self.say("还没有备份。点“立即备份”做第一份。")
        self.restore_button.setEnabled(bool(self.backups))
        copies = self.copies()
        self.copies_label.setText(
            f"第二备份文件夹：{copies}（每次备份后也复制一份到这里）"
            if copies
            else "第二备份文件夹：未设置。可选一个U盘或网络共享文件夹，每次备份后也复制一份到那里，电脑损坏时不致丢失。"
        )
        self.stop_copies_button.setEnabled(copies is not None)

    def say(self, text: str, *, error: bool = False) -> None:
        self.message.setStyleSheet(ERROR_STYLE if error else "")
        self.message.setText(text)

    # ------------------------------------------------------------ actions

    def copies(self) -> Path | None:
        folder = load_state(self.data_dir).backup_copies
        return Path(folder) if folder else None

    def back_up(self) -> None:
        """立即备份, and the copy in the second folder (a failed copy is said, the backup stands)."""
        try:
            run = backup_now(self.db_path, self.copies())
        except NianbaoError as exc:
            self.say(str(exc), error=True)
            return
        self.refresh()
        self.say(run.notice() or "", error=run.copy_problem is not None)

    def restore_selected(self) -> None:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            self.say("请先选择一个备份。", error=True)
            return
        info = self.backups[rows[0].row()]
        question = (
            f"用 {info.made_at:%Y-%m-%d %H:%M} 的备份（{reason_text(info.reason)}）恢复数据库吗？\n"
            "此后所做的修改将不在恢复后的数据库中；当前的数据库文件会先移到备份文件夹中保存，不会删除。"
        )
        if not ConfirmDialog.ask(self, "从备份恢复", question, "恢复"):
            return
        try:
            said = self._restore_with(info.path)
        except NianbaoError as exc:
            self.say(str(exc), error=True)
            return
        self.refresh()
        self.say(said)

    def choose_copies(self) -> None:
        from ui.file_dialogs import choose_folder

        folder = choose_folder(self, "选择第二备份文件夹（U盘或网络共享）", self.data_dir)
        if folder is not None:
            self.set_copies(folder)

    def set_copies(self, folder: Path | None) -> None:
        """Copy every backup to this folder from now on (None: stop), and copy the newest one there now."""
        try:
            update_state(self.data_dir, backup_copies=str(folder) if folder else None)
        except NianbaoError as exc:
            self.say(str(exc), error=True)
            return
        self.refresh()
        if folder is None:
            self.say("以后的备份不再复制到第二备份文件夹。")
            return
        said = f"以后每次备份都会复制一份到 {folder}。"
        if self.backups:  # the newest one at once: the folder is tried while the clerk is looking
            try:
                copy_backup(self.db_path, self.backups[0].path, folder)
            except NianbaoError as exc:
                self.say(f"{said}但现在复制最近的备份没有成功：{exc}", error=True)
                return
            said += "最近的备份已复制过去。"
        self.say(said)

    @staticmethod
    def _open(folder: Path) -> None:
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))
