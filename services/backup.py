"""Backups of a local database, for the window and the command line: list, make, restore.

The mechanics live in models.backup, because opening a database (models.database) makes the backup before a
schema upgrade and checks a file's integrity before touching it; the use cases are named here, in the layer the
window and the CLI call.
"""

from __future__ import annotations

from models.backup import (
    BEFORE_RESTORE,
    DAILY,
    DEFAULT_KEEP,
    BackupInfo,
    backup_folder,
    daily_backup,
    integrity_problems,
    list_backups,
    make_backup,
    restore_backup,
    sqlite_reason,
)

__all__ = [
    "BEFORE_RESTORE",
    "DAILY",
    "DEFAULT_KEEP",
    "BackupInfo",
    "backup_folder",
    "daily_backup",
    "integrity_problems",
    "list_backups",
    "make_backup",
    "restore_backup",
    "sqlite_reason",
]
