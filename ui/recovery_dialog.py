"""When the database file is damaged: say so, never touch it, and offer the backups to restore."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from services.backup import BackupInfo, list_backups, restore_backup
from services.errors import NianbaoError

REASONS = {"daily": "每日自动备份", "manual": "立即备份", "before-restore": "恢复前的原文件"}


def reason_text(reason: str) -> str:
    if reason.startswith("before-migration"):
        return "升级数据结构前"
    return REASONS.get(reason, reason)


class RecoveryDialog(QDialog):
    def __init__(self, problem: str, db_path: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("数据库文件已损坏")
        self.resize(640, 380)
        self.db_path = db_path
        self.backups: list[BackupInfo] = list_backups(db_path)
        text = QLabel(
            f"{problem}\n\n数据库文件：{db_path}\n该文件不会被改动或删除。"
            + (
                "可以从下列备份中选一个恢复（原文件会先移到一旁保存）："
                if self.backups
                else "没有找到可用的备份。请联系维护人员，并保留该文件。"
            )
        )
        text.setWordWrap(True)
        self.table = QTableWidget(len(self.backups), 4)
        self.table.setHorizontalHeaderLabels(["备份时间", "原因", "报告数", "大小"])
        self.table.verticalHeader().hide()
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        for row, info in enumerate(self.backups):
            cells = (
                f"{info.made_at:%Y-%m-%d %H:%M}",
                reason_text(info.reason),
                "无法读取" if info.reports is None else str(info.reports),
                f"{info.size / 1024:.0f} KB",
            )
            for col, value in enumerate(cells):
                self.table.setItem(row, col, QTableWidgetItem(value))
        if self.backups:
            self.table.selectRow(0)
        self.message = QLabel()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.restore_button = buttons.addButton("恢复所选备份", QDialogButtonBox.ButtonRole.AcceptRole)
        self.restore_button.setEnabled(bool(self.backups))
        self.restore_button.clicked.connect(self._restore)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(text)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.message)
        layout.addWidget(buttons)

    def _restore(self) -> None:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            self.message.setText("请先选择一个备份。")
            return
        try:
            aside = restore_backup(self.db_path, self.backups[rows[0].row()].path)
        except NianbaoError as exc:
            self.message.setText(str(exc))
            return
        self.message.setText(f"已恢复。原文件保存在 {aside}" if aside else "已恢复。")
        self.accept()

    @classmethod
    def ask(cls, parent: QWidget | None, problem: str, db_path: Path) -> bool:
        """True when a backup was restored and the database can be opened again."""
        return cls(problem, db_path, parent).exec() == QDialog.DialogCode.Accepted
