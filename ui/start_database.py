"""Which database the window starts on when no `--db` is given: the first start asks (本机 or the office's shared
database), later starts go where the clerk last chose — a shared one with its remembered password, or the
connect dialog when there is none or the server refuses; cancelling works locally this time."""

from __future__ import annotations

from contextlib import suppress
from pathlib import Path

from PySide6.QtWidgets import QMessageBox, QWidget

from services.app_state import load_state, update_state
from services.errors import NianbaoError
from services.paths import default_database_path
from services.server_settings import DatabaseKind, ServerSettings


class FirstStartDialog:
    @classmethod
    def ask(cls, parent: QWidget | None) -> DatabaseKind:
        box = QMessageBox(
            QMessageBox.Icon.Question,
            "欢迎使用年报",
            "报告保存在哪里？\n\n"
            "• 本机：报告保存在这台电脑上（一个人编写，或不确定时选这个）。\n"
            "• 办公室共享数据库：几位同志在同一个数据库中编写，需要本单位IT人员提供的服务器地址和密码。\n\n"
            "以后可在“数据库”菜单中随时更改。",
            parent=parent,
        )
        local = box.addButton("在本机保存", QMessageBox.ButtonRole.AcceptRole)
        box.addButton("连接办公室共享数据库…", QMessageBox.ButtonRole.ActionRole)
        box.setDefaultButton(local)
        box.exec()
        return "local" if box.clickedButton() is local else "shared"


def start_target(data_dir: str | None) -> str:
    """The database to open: the local file's path, or the shared database's address (with its password, kept
    in memory only)."""
    state = load_state(data_dir)
    local = default_database_path(data_dir)
    kind = state.database
    if kind is None:
        # Someone who has worked here before this question existed keeps working locally, unasked.
        kind = "local" if local.exists() else FirstStartDialog.ask(None)
        if kind == "local":
            _keep(data_dir, "local")
    if kind == "shared":
        address = connect_at_start(data_dir, state.server)
        if address is not None:
            return address
    return str(local)


def connect_at_start(data_dir: str | None, settings: ServerSettings | None) -> str | None:
    """The shared database's address once its server answers; None when the clerk gave up (local this time)."""
    from services.passwords import recall
    from services.shared_database import check_server, remember_connection, server_url
    from ui.connect_dialog import ConnectDialog

    password = recall(settings) if settings is not None else None
    problem = ""
    if settings is not None and password is not None:
        try:
            check_server(settings, password)
            return server_url(settings, password).render_as_string(hide_password=False)
        except NianbaoError as exc:
            problem = exc.message
    request = ConnectDialog.ask(None, settings, password or "", problem)  # it tests the server before closing
    if request is None:
        QMessageBox.information(None, "使用本机数据库", "没有连接共享数据库，这次使用本机的数据库。")
        return None
    with suppress(NianbaoError):  # not remembered: asked again next time, no reason to stop this start
        remember_connection(data_dir, request.settings, request.password, request.remember)
    return server_url(request.settings, request.password).render_as_string(hide_password=False)


def _keep(data_dir: str | Path | None, kind: DatabaseKind) -> None:
    with suppress(NianbaoError):  # asked again next time
        update_state(data_dir, database=kind)
