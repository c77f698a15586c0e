"""Where bundled resources and user data live, in the source tree and in a PyInstaller bundle alike."""

from __future__ import annotations

import sys
from functools import cache
from pathlib import Path

from services.errors import StorageError, describe_os_error

APP_NAME = "Nianbao"
APP_AUTHOR = "Nianbao"


@cache
def resource_root() -> Path:
    """The folder holding `resources/`: the source tree, or the unpacked bundle when frozen."""
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        return Path(bundle)
    return Path(__file__).resolve().parent.parent


def resource_path(*parts: str) -> Path:
    return resource_root().joinpath("resources", *parts)


def guide_path() -> Path:
    """使用说明 with its pictures (docs/guide/), in the source tree and in the bundle alike."""
    return resource_root() / "docs" / "使用说明.md"


def user_data_dir(override: str | Path | None = None) -> Path:
    """The per-user data folder (%APPDATA%\\Nianbao on Windows), created if missing."""
    if override is not None:
        path = Path(override)
    else:
        from platformdirs import user_data_path

        path = user_data_path(APP_NAME, APP_AUTHOR, roaming=True)
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StorageError(f"无法使用数据目录 {path}：{describe_os_error(exc)}") from None
    return path


def default_database_path(data_dir: str | Path | None = None) -> Path:
    return user_data_dir(data_dir) / "nianbao.sqlite3"


def sample_database_path(data_dir: str | Path | None = None) -> Path:
    """The database of the sample report (打开示例报告): tried freely, never among the clerk's own reports."""
    return user_data_dir(data_dir) / "sample.sqlite3"
