"""File dialogs that start where the clerk last was (remembered per user), not in the program's folder."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QWidget

from services.app_state import load_state, save_state
from services.errors import NianbaoError


def start_folder(data_dir: str | None) -> Path:
    """The folder of the last file opened or saved; the user's documents folder the first time."""
    folder = load_state(data_dir).folder
    if folder and Path(folder).is_dir():
        return Path(folder)
    documents = Path.home() / "Documents"
    return documents if documents.is_dir() else Path.home()


def remember_folder(data_dir: str | None, path: Path) -> None:
    try:
        state = load_state(data_dir)
        save_state(data_dir, replace(state, folder=str(path.parent)))
    except NianbaoError:
        pass  # a folder not remembered is no reason to bother the clerk


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
