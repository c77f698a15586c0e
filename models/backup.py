"""Copies of the SQLite database file: daily and before each migration, rotating; listed, checked and restored.

SQLite only. A PostgreSQL database lives on a server that the office's DBA backs up, so every function here takes
the database file (`models.database.sqlite_file(url)`), and a caller holding None has nothing to do.

Every copy is made with SQLite's online backup API (one consistent snapshot, even while another connection is
writing into the WAL), checked, written under a temporary name and only then renamed into place: a backup or a
restore that fails half-way (disk full, read-only folder, locked file) leaves no half-written file behind.
"""

from __future__ import annotations

import logging
import os
import re
import sqlite3
from contextlib import closing
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from models.errors import StorageError, describe_os_error

BACKUP_FOLDER = "backups"
DEFAULT_KEEP = 10
DAILY = "daily"
MANUAL = "manual"
BEFORE_RESTORE = "before-restore"
SUFFIX = ".sqlite3"
BUSY_TIMEOUT_S = 10.0
MAX_PROBLEMS = 10
"""quick_check lists up to 100 problems; a clerk's message needs only the first few."""

# Besides -wal/-shm, a rollback journal: left beside a restored file, a hot journal would be "rolled back" into it.
_SIDE_FILES = ("-wal", "-shm", "-journal")
_REASON = re.compile(r"[a-z][a-z0-9]*(?:-[a-z0-9]+)*")
_STAMP = "%Y%m%d-%H%M%S"

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class BackupInfo:
    """One backup copy of a database, as listed for the clerk to choose from."""

    path: Path
    made_at: datetime
    """Local time, read from the file name (copying files around keeps it, unlike the modification time)."""
    reason: str
    """"daily", "before-migration-0002", "before-restore", …"""
    reports: int | None
    """How many reports the copy holds; None when it cannot be read."""
    size: int


@dataclass(frozen=True)
class _Named:
    path: Path
    made_at: datetime
    reason: str
    counter: int
    written_ns: int
    """Orders copies made within the same second (a migration's and the day's at one start)."""


def backup_folder(db_path: Path) -> Path:
    """Where the backups of a database file go: a folder beside it (same disk, so a restore is one rename)."""
    return db_path.parent / BACKUP_FOLDER


def make_backup(db_path: Path, reason: str, keep: int = DEFAULT_KEEP, *, now: datetime | None = None) -> Path:
    """Copy the database into its backup folder as nianbao-YYYYmmdd-HHMMSS-<reason>.sqlite3; keep the newest `keep`."""
    if not _REASON.fullmatch(reason):
        raise ValueError(f"backup reason must be lowercase words joined by '-': {reason!r}")
    if keep < 1:
        raise ValueError(f"keep must be at least 1: {keep}")
    if not db_path.is_file():
        raise StorageError(f"数据库文件不存在：{db_path}，无法备份。")
    folder = _folder(db_path)
    target = _free_name(folder, db_path.stem, now or datetime.now(), reason)
    temp = _temp_name(target)
    what = f"无法备份数据库到 {folder}"
    try:
        _snapshot(db_path, temp, what)
        os.replace(temp, target)
    except OSError as exc:
        raise StorageError(f"{what}：{describe_os_error(exc)}。") from exc
    finally:
        _remove(temp)
    _rotate(db_path, keep, target)
    return target


def copy_backup(db_path: Path, backup: Path, folder: Path, keep: int = DEFAULT_KEEP) -> Path:
    """A checked copy of one of `db_path`'s backups in another folder (a USB stick, a network share), under the
    same name; that folder keeps the newest `keep` copies of this database. StorageError when it cannot."""
    target = folder / backup.name
    temp = _temp_name(target)
    what = f"无法把备份复制到 {folder}"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        _snapshot(backup, temp, what)  # read back and checked: a stick that corrupts writes is found out now
        os.replace(temp, target)
    except OSError as exc:
        raise StorageError(f"{what}：{describe_os_error(exc)}。") from exc
    finally:
        _remove(temp)
    for stale in [n for n in _scan(db_path, folder) if n.path != target][keep - 1 :]:
        try:
            stale.path.unlink(missing_ok=True)
        except OSError as exc:
            log.warning("could not remove the old backup copy %s: %s", stale.path, exc)
    return target


def daily_backup(db_path: Path, keep: int = DEFAULT_KEEP, now: datetime | None = None) -> Path | None:
    """The start-up backup: at most one per calendar day; None when today's exists or there is no file yet."""
    now = now or datetime.now()
    if not db_path.is_file():
        return None
    if any(b.reason == DAILY and b.made_at.date() == now.date() for b in _scan(db_path)):
        return None
    return make_backup(db_path, DAILY, keep, now=now)


def list_backups(db_path: Path) -> list[BackupInfo]:
    """The backups of this database, newest first, each with the number of reports it holds."""
    found: list[BackupInfo] = []
    for named in _scan(db_path):
        try:
            size = named.path.stat().st_size
        except OSError:
            continue  # removed while we looked (another window rotating its backups)
        found.append(BackupInfo(named.path, named.made_at, named.reason, _count_reports(named.path), size))
    return found


def restore_backup(db_path: Path, backup: Path, *, now: datetime | None = None) -> Path | None:
    """Put a backup in place of the database; return where the file it replaced went (None if there was none).

    The current file, even a damaged one, is moved into the backup folder as "…-before-restore…" with its
    -wal/-shm beside it: never deleted, never overwritten, never rotated away. The caller closes its own
    connections first (Windows refuses to move a file that another program holds open, which ends here as a
    StorageError with nothing changed).
    """
    problems = integrity_problems(backup)
    if problems:
        raise StorageError(f"备份文件 {backup} 已损坏，未恢复。请选择另一个备份。", problems)
    if not _is_nianbao_database(backup):
        raise StorageError(f"{backup} 不是年报程序的数据库，未恢复。")
    what = "无法从备份恢复"
    unchanged = "当前数据库未作任何改动。"
    folder = _folder(db_path)
    temp = _temp_name(db_path)
    moved: list[tuple[Path, Path]] = []
    try:
        # The copy is complete and checked before the current file is touched.
        _snapshot(backup, temp, what)
        present = [side for side in ("", *_SIDE_FILES) if Path(f"{db_path}{side}").exists()]
        aside = _free_name(folder, db_path.stem, now or datetime.now(), BEFORE_RESTORE) if present else None
        if aside is not None:
            # The main file last: until it has moved, the old database is still whole where it was.
            for side in sorted(present, key=lambda s: s == ""):
                source, target = Path(f"{db_path}{side}"), Path(f"{aside}{side}")
                os.replace(source, target)
                moved.append((source, target))
        os.replace(temp, db_path)
    except OSError as exc:
        _put_back(moved)
        raise StorageError(f"{what}：{describe_os_error(exc)}。{unchanged}") from exc
    except StorageError as exc:
        raise StorageError(f"{exc.message}{unchanged}", exc.problems) from exc
    finally:
        _remove(temp)
    return aside


def integrity_problems(path: Path) -> list[str]:
    """SQLite's quick_check of a file, read-only (the file is never written); empty when the file is sound.

    A file that is not SQLite at all is a problem too. Trouble reading it (locked, no permission) is a
    StorageError, not a verdict on the file.
    """
    try:
        _read_through(path)
        with closing(_connect_read_only(path)) as conn:
            rows = conn.execute("PRAGMA quick_check").fetchall()
    except OSError as exc:
        raise StorageError(f"无法读取数据库文件 {path}：{describe_os_error(exc)}。") from exc
    except sqlite3.Error as exc:
        name = _error_name(exc)
        if name.startswith(("SQLITE_NOTADB", "SQLITE_CORRUPT")):
            return [str(exc)]
        if name.startswith("SQLITE_READONLY"):
            # A hot journal or WAL left by a crash needs a writer to recover it; the normal open does that.
            return []
        raise StorageError(f"无法读取数据库文件 {path}：{sqlite_reason(exc)}。", [str(exc)]) from exc
    problems = [str(row[0]) for row in rows]
    return [] if problems == ["ok"] else problems[:MAX_PROBLEMS]


def sqlite_reason(exc: sqlite3.Error) -> str:
    """A clerk-readable Chinese reason for a failed SQLite call on a file."""
    name = _error_name(exc)
    if name.startswith("SQLITE_FULL"):
        return "磁盘空间不足"
    if name.startswith("SQLITE_READONLY"):
        return "文件或所在文件夹是只读的"
    if name.startswith("SQLITE_CANTOPEN"):
        return "无法创建或打开文件（文件夹只读、没有权限或路径不存在）"
    if name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")):
        return "数据库正被其他程序或另一个年报窗口占用，请稍后再试"
    if name.startswith(("SQLITE_NOTADB", "SQLITE_CORRUPT")):
        return "文件已损坏或不是数据库"
    if name.startswith(("SQLITE_IOERR_WRITE", "SQLITE_IOERR_FSYNC", "SQLITE_IOERR_TRUNCATE")):
        # ENOSPC is SQLITE_FULL; a quota, a file-size limit or a full network share often arrive as this
        return "写入磁盘失败（磁盘可能已满、被写保护或已断开）"
    if name.startswith("SQLITE_IOERR"):
        return "读写磁盘出错（磁盘或网络驱动器可能已断开）"
    return f"数据库出错（{exc}）"


# ---------------------------------------------------------------- copying


def _snapshot(source: Path, temp: Path, what: str) -> None:
    """Copy `source` into `temp` as one self-contained, checked file; StorageError (temp removed) on failure."""
    _remove(temp)  # a stale temp from a crash: its journal would be replayed into the new copy
    try:
        with closing(_connect_read_only(source)) as src, closing(sqlite3.connect(temp)) as copy:
            src.backup(copy)
            # No -wal beside the copy: one file that a clerk can move, mail or put on a USB stick.
            copy.execute("PRAGMA journal_mode=DELETE")
            problems = [str(row[0]) for row in copy.execute("PRAGMA quick_check")]
    except sqlite3.Error as exc:
        _remove(temp)
        raise StorageError(f"{what}：{sqlite_reason(exc)}。", [str(exc)]) from exc
    except OSError as exc:
        _remove(temp)
        raise StorageError(f"{what}：{describe_os_error(exc)}。") from exc
    if problems != ["ok"]:
        # The backup API copies pages without reading them: a damaged source gives a damaged copy, which must
        # not push a good older backup out of the rotation.
        _remove(temp)
        raise StorageError(f"{what}：数据库文件 {source} 已损坏。", problems[:MAX_PROBLEMS])


def _read_through(path: Path) -> None:
    # quick_check visits the pages in b-tree order: on a cold start that is thousands of small scattered reads
    # (~0.3 s for 1,000 reports). One sequential pass first lets the OS read ahead and brings it to ~0.06 s.
    # (mmap would do the same, but turns an I/O error on a network drive into a crash instead of an error.)
    with path.open("rb", buffering=0) as file:
        while file.read(1 << 20):
            pass


def _connect_read_only(path: Path) -> sqlite3.Connection:
    # Never writes the file itself; on a WAL database it may leave an empty -wal and a -shm beside it, which a
    # read-only connection may not remove (another program could be using them) and the next writer tidies up.
    # A URI, percent-encoded by pathlib: a folder name with "?", "#" or spaces stays part of the path.
    uri = f"{path.absolute().as_uri()}?mode=ro"
    return sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT_S)


def _count_reports(path: Path) -> int | None:
    try:
        with closing(_connect_read_only(path)) as conn:
            row = conn.execute("SELECT count(*) FROM report").fetchone()
    except sqlite3.Error:
        return None  # a damaged file aside from a restore is still listed, just without a count
    return int(row[0])


def _is_nianbao_database(path: Path) -> bool:
    try:
        with closing(_connect_read_only(path)) as conn:
            names = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    except sqlite3.Error:
        return False
    return {"alembic_version", "report"} <= names


def _error_name(exc: sqlite3.Error) -> str:
    return str(getattr(exc, "sqlite_errorname", ""))


# ---------------------------------------------------------------- names and files


def _folder(db_path: Path) -> Path:
    folder = backup_folder(db_path)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StorageError(f"无法创建备份文件夹 {folder}：{describe_os_error(exc)}。") from exc
    return folder


def _free_name(folder: Path, stem: str, when: datetime, reason: str) -> Path:
    base = f"{stem}-{when.strftime(_STAMP)}-{reason}"
    target = folder / f"{base}{SUFFIX}"
    counter = 1
    while any(Path(f"{target}{side}").exists() for side in ("", *_SIDE_FILES)):
        counter += 1
        target = folder / f"{base}.{counter}{SUFFIX}"
    return target


def _temp_name(target: Path) -> Path:
    # Hidden and without the .sqlite3 ending, so a listing or a rotation never takes it for a backup.
    return target.with_name(f".{target.name}.{os.getpid()}.tmp")


def _remove(temp: Path) -> None:
    for side in ("", *_SIDE_FILES):
        try:
            Path(f"{temp}{side}").unlink(missing_ok=True)
        except OSError as exc:
            log.warning("could not remove the temporary file %s%s: %s", temp, side, exc)


def _put_back(moved: list[tuple[Path, Path]]) -> None:
    for source, target in reversed(moved):
        try:
            os.replace(target, source)
        except OSError as exc:
            log.error("could not move %s back to %s: %s", target, source, exc)


def _scan(db_path: Path, folder: Path | None = None) -> list[_Named]:
    """This database's backups by name, newest first, in its backup folder (or `folder`); other databases' backups
    in the same folder are not ours."""
    folder = folder or backup_folder(db_path)
    pattern = re.compile(
        rf"{re.escape(db_path.stem)}-(\d{{8}}-\d{{6}})-({_REASON.pattern})(?:\.(\d+))?{re.escape(SUFFIX)}"
    )
    found: list[_Named] = []
    try:
        entries = list(folder.iterdir())
    except FileNotFoundError:
        return []
    except OSError as exc:
        raise StorageError(f"无法读取备份文件夹 {folder}：{describe_os_error(exc)}。") from exc
    for entry in entries:
        match = pattern.fullmatch(entry.name)
        if match is None:
            continue
        try:
            made_at = datetime.strptime(match[1], _STAMP)
            written_ns = entry.stat().st_mtime_ns
        except (ValueError, OSError):
            continue  # not a date after all, or removed while we looked
        found.append(_Named(entry, made_at, match[2], int(match[3] or 1), written_ns))
    found.sort(key=lambda n: (n.made_at, n.counter, n.written_ns), reverse=True)
    return found


def _rotate(db_path: Path, keep: int, made: Path) -> None:
    # What a restore moved aside may be the only copy of a clerk's latest work: it is never rotated away.
    older = [n for n in _scan(db_path) if n.path != made and n.reason != BEFORE_RESTORE]
    for stale in older[keep - 1 :]:
        try:
            stale.path.unlink(missing_ok=True)
        except OSError as exc:
            # The new backup is safe; one old copy too many is no reason to fail.
            log.warning("could not remove the old backup %s: %s", stale.path, exc)
