"""文件 › 导入文件夹… and files or folders dropped on the window: every report file under them (found as 批量审核
finds them: subfolders too, hidden and ~$ temporary files left out) imported in one go by the window's own import
(ui/file_import.py: progress, the 替换 / 保留 question for a report already stored), each named in its report's
history by its path in the folder."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, cast

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtGui import QDropEvent
from PySide6.QtWidgets import QWidget

from services.errors import NianbaoError
from ui.dialogs import show_problems
from ui.file_dialogs import choose_folder

if TYPE_CHECKING:
    from ui.main_window import MainWindow


class FolderChoice:
    @classmethod
    def ask(cls, parent: QWidget | None, data_dir: str | None) -> Path | None:
        return choose_folder(parent, "导入文件夹：选择存放各单位报告文件的文件夹", data_dir)


def import_folder(window: MainWindow, parent: QWidget | None = None, data_dir: str | None = None) -> bool:
    """Ask for a folder and import every report file under it; False when the clerk chose none."""
    folder = FolderChoice.ask(parent or window, data_dir)
    if folder is None:
        return False
    import_paths(window, [folder], parent)
    return True


def import_paths(window: MainWindow, paths: list[Path], parent: QWidget | None = None) -> None:
    """Import the report files among `paths` and under the folders among them; what went wrong is shown."""
    from services.audit import find_report_files  # the readers' modules: not before the window's first paint

    try:
        found = find_report_files(paths)
    except NianbaoError as exc:
        show_problems(parent or window, "未导入", str(exc), ())
        return
    messages = window.import_files([path for path, _ in found], [label for _, label in found])
    if messages:
        show_problems(parent or window, "导入结果", "部分文件未导入或有提示：", tuple(messages))


def dropped_paths(event: QDropEvent) -> list[Path]:
    """The local files and folders a drag carries (a link from a web page is none)."""
    mime = event.mimeData()
    if not mime.hasUrls():
        return []
    return [Path(url.toLocalFile()) for url in mime.urls() if url.isLocalFile()]


class FileDrop(QObject):
    """Files or folders dropped on `target` are handed to `on_drop` (an event filter: the window keeps its own
    event handlers, and the board window takes drops alike)."""

    def __init__(self, target: QWidget, on_drop: Callable[[list[Path]], None]) -> None:
        super().__init__(target)
        self._on_drop = on_drop
        target.setAcceptDrops(True)
        target.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind in (QEvent.Type.DragEnter, QEvent.Type.DragMove, QEvent.Type.Drop):
            drag = cast("QDropEvent", event)
            paths = dropped_paths(drag)
            if paths:
                drag.acceptProposedAction()
                if kind == QEvent.Type.Drop:
                    # after the drop returns: questions asked inside it would keep Explorer waiting on the drag
                    QTimer.singleShot(0, lambda: self._on_drop(paths))
                return True
        return super().eventFilter(watched, event)
