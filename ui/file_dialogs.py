"""File dialogs that start where the clerk last was (remembered per user), not in the program's folder."""

from __future__ import annotations

from contextlib import suppress
from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QWidget

from services.app_state import load_state, update_state
from services.errors import NianbaoError


def start_folder(data_dir: str | None) -> Path:
    """The folder of the last file opened or saved; the user's documents folder the first time."""
    folder = load_state(data_dir).folder
    if folder and Path(folder).is_dir():
        return Path(folder)
    documents = Path.home() / "Documents"
    return documents if documents.is_dir() else Path.home()


def remember_folder(data_dir: str | None, path: Path) -> None:
    with suppress(NianbaoError):  # a folder not remembered is no reason to bother the clerk
        update_state(data_dir, folder=str(path.parent))


def open_files(parent: QWidget | None, caption: str, kinds: str, data_dir: str | None) -> list[Path]:
    names, _ = QFileDialog.getOpenFileNames(parent, caption, str(start_folder(data_dir)), kinds)
    paths = [Path(n) for n in names]
    if paths:
        remember_folder(data_dir, paths[0])
    return paths


def save_file(
    parent: QWidget | None, caption: str, name: str, kinds: str, data_dir: str | None
) -> tuple[Path, str] | None:
    """The chosen path and filter, the dialog opened in the remembered folder with `name` proposed."""
    chosen, kind = QFileDialog.getSaveFileName(parent, caption, str(start_folder(data_dir) / name), kinds)
    if not chosen:
        return None
    path = Path(chosen)
    remember_folder(data_dir, path)
    return path, kind


def choose_folder(parent: QWidget | None, caption: str, data_dir: str | None) -> Path | None:
    """A folder, the dialog opened in the remembered folder; the folder itself is remembered (not its parent),
    so the export that follows starts in it."""
    chosen = QFileDialog.getExistingDirectory(parent, caption, str(start_folder(data_dir)))
    if not chosen:
        return None
    folder = Path(chosen)
    with suppress(NianbaoError):
        update_state(data_dir, folder=str(folder))
    return folder
