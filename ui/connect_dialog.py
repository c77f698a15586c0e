"""数据库 › 连接办公室共享数据库: server, port, database, user and password, 测试连接 with the reason in words,
and 记住密码 (kept in Windows 凭据管理器 / the system's keyring, never in a file)."""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from services.errors import NianbaoError
from services.passwords import NO_STORE_MESSAGE, store_name
from services.server_settings import DEFAULT_DATABASE, DEFAULT_PORT, ServerSettings
from services.shared_database import check_server

OK_STYLE = "color: #1b6e20"
ERROR_STYLE = "color: #b00020"


@dataclass(frozen=True)
class ConnectRequest:
    settings: ServerSettings
    password: str
    remember: bool


class ConnectDialog(QDialog):
    def __init__(
        self,
        parent: QWidget | None,
        settings: ServerSettings | None = None,
        password: str = "",
        problem: str = "",
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("连接办公室共享数据库")
        self.setMinimumWidth(480)
        intro = QLabel(
            "办公室的几位同志可以在同一个数据库中编写报告。服务器的地址、数据库名称和用户名请向本单位的IT人员索取"
            "（设置方法见“共享数据库.md”）。"
        )
        intro.setWordWrap(True)
        given = settings or ServerSettings("", DEFAULT_PORT, DEFAULT_DATABASE, "")
        self.host = QLineEdit(given.host)
        self.host.setPlaceholderText("如 192.168.1.10 或 bangongshi-pc")
        self.port = QSpinBox()
        self.port.setRange(1, 65535)
        self.port.setValue(given.port)
        self.database = QLineEdit(given.database)
        self.user = QLineEdit(given.user)
        self.password = QLineEdit(password)
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.remember = QCheckBox("记住密码（保存在 Windows 凭据管理器中，不写入任何文件）")
        self.store_note = QLabel()
        self.store_note.setWordWrap(True)
        self.store_note.setStyleSheet("color: #a15c00")
        if store_name() is None:
            # No store: the box stays, unticked and disabled, with the reason beside it.
            self.remember.setEnabled(False)
            self.store_note.setText(NO_STORE_MESSAGE)
        else:
            self.remember.setChecked(True)
            self.store_note.hide()
        form = QFormLayout()
        form.addRow("服务器：", self.host)
        form.addRow("端口：", self.port)
        form.addRow("数据库：", self.database)
        form.addRow("用户名：", self.user)
        form.addRow("密码：", self.password)
        form.addRow("", self.remember)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.setTextFormat(Qt.TextFormat.RichText)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        if problem:
            self.show_problem(problem)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.test_button = buttons.addButton("测试连接", QDialogButtonBox.ButtonRole.ActionRole)
        self.connect_button = buttons.addButton("连接", QDialogButtonBox.ButtonRole.AcceptRole)
        self.connect_button.setDefault(True)
        self.test_button.clicked.connect(self.test)
        self.connect_button.clicked.connect(self._connect)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.store_note)
        layout.addWidget(self.status)
        layout.addWidget(buttons)
        (self.password if given.host and given.user else self.host).setFocus()

    def settings(self) -> ServerSettings:
        return ServerSettings(
            self.host.text().strip(), self.port.value(), self.database.text().strip(), self.user.text()
        )

    def request(self) -> ConnectRequest:
        return ConnectRequest(self.settings(), self.password.text(), self.remember.isChecked())

    def test(self) -> bool:
        """测试连接: one connection to the server; the result, or the reason, under the fields."""
        self.status.setStyleSheet("")
        self.status.setText("正在连接…")
        QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        self.status.repaint()  # the connect may take up to its timeout: show that something is happening
        try:
            check = check_server(self.settings(), self.password.text())
        except NianbaoError as exc:
            self.show_problem(exc.message, exc.problems)
            return False
        finally:
            QGuiApplication.restoreOverrideCursor()
        self.status.setStyleSheet(OK_STYLE)
        tables = "数据库中已有年报的数据表" if check.has_schema else "数据库是空的，连接时将建立年报的数据表"
        self.status.setText(f"✓ 连接成功：PostgreSQL {check.version}，{tables}。")
        return True

    def show_problem(self, message: str, details: list[str] | None = None) -> None:
        """The reason in red; libpq's own words, for the IT person, smaller and grey under it."""
        self.status.setStyleSheet("")
        shown = f"<span style='{ERROR_STYLE}'>{escape(message)}</span>"
        if details:
            said = escape(" ".join(" ".join(details).split()))
            shown += f"<br><span style='color: #666; font-size: small'>详细信息（供IT人员参考）：{said}</span>"
        self.status.setText(shown)

    def _connect(self) -> None:
        if self.test():
            self.accept()

    @classmethod
    def ask(
        cls, parent: QWidget | None, settings: ServerSettings | None = None, password: str = "", problem: str = ""
    ) -> ConnectRequest | None:
        """The connection the clerk asked for (tested once), or None when they cancelled."""
        dialog = cls(parent, settings, password, problem)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        return dialog.request()
