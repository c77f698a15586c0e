"""Backups of a local database, for the window and the command line: list, make, restore.

The mechanics live in models.backup, because opening a database (models.database) makes the backup before a
schema upgrade and checks a file's integrity before touching it; the use cases are named here, in the layer the
window and the CLI call.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from models.backup import (
    BEFORE_RESTORE,
    DAILY,
    DEFAULT_KEEP,
    MANUAL,
    BackupInfo,
    backup_folder,
    copy_backup,
    daily_backup,
    integrity_problems,
    list_backups,
    make_backup,
    restore_backup,
    sqlite_reason,
)
from models.errors import StorageError

if TYPE_CHECKING:
    from models.database import Database

__all__ = [
    "BEFORE_RESTORE",
    "DAILY",
    "DEFAULT_KEEP",
    "MANUAL",
    "BackupInfo",
    "BackupRun",
    "Restored",
    "backup_folder",
    "backup_now",
    "copy_backup",
    "daily_backup",
    "daily_backup_with_copy",
    "integrity_problems",
    "list_backups",
    "make_backup",
    "restore_backup",
    "restore_database",
    "sqlite_reason",
]


@dataclass(frozen=True)
class BackupRun:
    """A backup made (or not needed today) and its copy in the second folder, if the clerk chose one."""

    made: Path | None
    copied: Path | None = None
    copy_problem: str | None = None
    """Why the copy failed (stick pulled out, share offline): the backup itself is made all the same."""

    def notice(self) -> str | None:
        """What the status bar says; None when there is nothing to say (today's backup exists already)."""
        if self.made is None:
            return None
        said = f"已备份数据库：{self.made}"
        if self.copied is not None:
            said += f"；已复制到 {self.copied.parent}"
        if self.copy_problem is not None:
            said += f"；但{self.copy_problem}"
        return said


def _with_copy(db_path: Path, made: Path | None, copies: Path | None) -> BackupRun:
    if made is None or copies is None:
        return BackupRun(made)
    try:
        return BackupRun(made, copy_backup(db_path, made, copies))
    except StorageError as exc:
        return BackupRun(made, copy_problem=exc.message)


def daily_backup_with_copy(db_path: Path, copies: Path | None, keep: int = DEFAULT_KEEP) -> BackupRun:
    """The start-up backup (once a day), copied to the second folder too; a failed copy fails nothing."""
    return _with_copy(db_path, daily_backup(db_path, keep), copies)


def backup_now(db_path: Path, copies: Path | None, keep: int = DEFAULT_KEEP) -> BackupRun:
    """立即备份: a backup now, and its copy in the second folder."""
    return _with_copy(db_path, make_backup(db_path, MANUAL, keep), copies)


@dataclass(frozen=True)
class Restored:
    db: Database
    """The database opened again on the restored file (its schema brought to the head, as on any open)."""
    aside: Path | None
    """Where the file it replaced was kept."""


def restore_database(db: Database, backup: Path) -> Restored:
    """Restore the open local database from one of its backups: its connections closed first (Windows will not
    move an open file), the current file kept aside, the restored file opened. On failure `db` is as it was."""
    from models.database import open_database, sqlite_file

    path = sqlite_file(db.url)
    if path is None:
        raise StorageError("共享的 PostgreSQL 数据库由服务器管理员备份和恢复，本程序只恢复本机的数据库文件。")
    db.dispose()  # closes the pooled connections; the engine would open new ones if asked again
    aside = restore_backup(path, backup)
    return Restored(open_database(path), aside)
