"""The dialog shown for a bug: a plain apology, where the log is, and a button that copies the details."""

from __future__ import annotations

from PySide6.QtWidgets import QApplication, QMessageBox


class ErrorDialog:
    @staticmethod
    def show_bug(details: str, log_path: str) -> None:
        box = QMessageBox(
            QMessageBox.Icon.Critical,
            "程序出错",
            f"很抱歉，程序遇到了内部错误。已保存的数据不受影响。\n详细信息已记录在：{log_path}",
        )
        box.setDetailedText(details)
        copy = box.addButton("复制详细信息", QMessageBox.ButtonRole.ActionRole)
        box.addButton(QMessageBox.StandardButton.Close)
        box.exec()
        if box.clickedButton() is copy:
            QApplication.clipboard().setText(details)
