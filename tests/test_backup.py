"""Backups of the database file: consistent online copies, rotation, the daily copy, listing, restore, and a damaged
file refused on open without a byte of it changed."""

from __future__ import annotations

import hashlib
import random
import re
import resource
import signal
import sqlite3
import subprocess
from collections.abc import Iterator
from contextlib import closing, contextmanager
from datetime import datetime
from pathlib import Path

import pytest
from alembic import command

from models.database import alembic_config, head_revision, open_database
from services import storage
from services.backup import (
    BEFORE_RESTORE,
    backup_folder,
    daily_backup,
    list_backups,
    make_backup,
    restore_backup,
)
from services.errors import CorruptDatabaseError, StorageError
from tests.factories import filled_report

DAY1 = datetime(2024, 1, 15, 9, 0, 0)
DAY1_EVENING = datetime(2024, 1, 15, 17, 30, 0)
DAY2 = datetime(2024, 1, 16, 8, 0, 0)


def database_with(path: Path, agencies: list[str]) -> Path:
    """A database file of the current schema holding one filled report per agency."""
    db = open_database(path)
    try:
        with db.transaction() as session:
            for seed, agency in enumerate(agencies):
                storage.save_report(session, filled_report(agency=agency, seed=seed))
    finally:
        db.dispose()
    return path


def agencies_in(path: Path) -> list[str]:
    db = open_database(path)
    try:
        with db.transaction() as session:
            return sorted(summary.agency for summary in storage.list_reports(session))
    finally:
        db.dispose()


def integrity(path: Path) -> list[str]:
    with closing(sqlite3.connect(path)) as conn:
        return [row[0] for row in conn.execute("PRAGMA integrity_check")]


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def damage(path: Path) -> None:
    """Garbage over the middle of the file, the way a failing disk or a half-copied file leaves it."""
    size = path.stat().st_size
    with path.open("r+b") as file:
        file.seek(size // 2)
        file.write(random.Random(7).randbytes(16 * 1024))


def files_in(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


@contextmanager
def read_only_folder(folder: Path) -> Iterator[None]:
    """A folder nobody can write into: permissions, and for root (who ignores them) the immutable attribute."""
    folder.chmod(0o555)
    immutable = False
    try:
        probe = folder / "probe"
        try:
            probe.touch()
        except PermissionError:
            pass
        else:
            probe.unlink()
            subprocess.run(["chattr", "+i", str(folder)], check=True)
            immutable = True
        with pytest.raises(PermissionError):
            probe.touch()
        yield
    finally:
        if immutable:
            subprocess.run(["chattr", "-i", str(folder)], check=True)
        folder.chmod(0o755)


# ---------------------------------------------------------------- making backups


def test_a_backup_taken_during_a_write_holds_the_committed_data_and_is_sound(tmp_path: Path) -> None:
    path = tmp_path / "nianbao.sqlite3"
    db = open_database(path)
    session = db.sessions()
    try:
        with db.transaction() as committed:
            storage.save_report(committed, filled_report(agency="某县教育局"))
        session.begin()
        storage.save_report(session, filled_report(agency="某县财政局", seed=2))
        session.flush()  # holds the write lock, its rows in the WAL but not committed
        assert Path(f"{path}-wal").stat().st_size > 0

        backup = make_backup(path, "daily")

        session.rollback()
    finally:
        session.close()
        db.dispose()
    assert backup.parent == backup_folder(path) == tmp_path / "backups"
    assert re.fullmatch(r"nianbao-\d{8}-\d{6}-daily\.sqlite3", backup.name)
    assert files_in(backup.parent) == [backup.name]  # no -wal, no temp file
    with closing(sqlite3.connect(backup)) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone() == ("delete",)
    assert integrity(backup) == ["ok"]
    assert agencies_in(backup) == ["某县教育局"]


def test_rotation_keeps_the_newest_n_of_this_database_only(tmp_path: Path) -> None:
    path = database_with(tmp_path / "nianbao.sqlite3", ["某县教育局"])
    other = database_with(tmp_path / "other.sqlite3", ["某县财政局"])
    other_backup = make_backup(other, "daily", keep=1, now=DAY1)
    made = [make_backup(path, "daily", keep=3, now=datetime(2024, 1, day, 9)) for day in range(1, 6)]
    assert [b.path for b in list_backups(path)] == made[:1:-1]
    assert other_backup.exists()

    # the copy just made survives even when its clock reads older than the ones kept
    early = make_backup(path, "before-migration-0002", keep=1, now=datetime(2023, 12, 31, 9))
    assert [b.path for b in list_backups(path)] == [early]


def test_rotation_never_removes_what_a_restore_moved_aside(tmp_path: Path) -> None:
    path = database_with(tmp_path / "nianbao.sqlite3", ["某县教育局"])
    first = make_backup(path, "daily", now=DAY1)
    aside = restore_backup(path, first, now=DAY1)
    for day in range(16, 20):
        make_backup(path, "daily", keep=2, now=datetime(2024, 1, day, 9))
    listed = list_backups(path)
    assert [b.reason for b in listed] == ["daily", "daily", BEFORE_RESTORE]
    assert listed[-1].path == aside


def test_the_daily_backup_is_made_at_most_once_a_calendar_day(tmp_path: Path) -> None:
    path = tmp_path / "nianbao.sqlite3"
    assert daily_backup(path, now=DAY1) is None  # nothing to back up yet
    database_with(path, ["某县教育局"])
    make_backup(path, "before-migration-0002", now=DAY1)  # not a daily copy

    morning = daily_backup(path, now=DAY1)
    assert morning is not None
    assert daily_backup(path, now=DAY1_EVENING) is None
    next_day = daily_backup(path, now=DAY2)
    assert next_day is not None
    assert [(b.reason, b.made_at) for b in list_backups(path)] == [
        ("daily", DAY2),
        ("daily", DAY1),
        ("before-migration-0002", DAY1),
    ]


def test_backups_made_in_the_same_second_do_not_overwrite_each_other(tmp_path: Path) -> None:
    path = database_with(tmp_path / "nianbao.sqlite3", ["某县教育局"])
    first = make_backup(path, "daily", now=DAY1)
    second = make_backup(path, "daily", now=DAY1)
    assert first != second and first.exists() and second.exists()
    assert [b.path for b in list_backups(path)] == [second, first]


def test_the_list_shows_dates_reasons_and_report_counts(tmp_path: Path) -> None:
    path = database_with(tmp_path / "年报 #1" / "nianbao.sqlite3", ["某县教育局", "某县财政局"])
    make_backup(path, "daily", now=DAY1)
    db = open_database(path)
    try:
        with db.transaction() as session:
            storage.save_report(session, filled_report(agency="某县公安局", seed=3))
    finally:
        db.dispose()
    make_backup(path, "before-migration-0002", now=DAY2)
    (backup_folder(path) / "nianbao-20240117-080000-daily.sqlite3").write_text("not a database")
    (backup_folder(path) / "notes.txt").write_text("a clerk's own file")

    listed = list_backups(path)
    assert [(b.made_at, b.reason, b.reports) for b in listed] == [
        (datetime(2024, 1, 17, 8, 0, 0), "daily", None),
        (DAY2, "before-migration-0002", 3),
        (DAY1, "daily", 2),
    ]
    assert all(b.size == b.path.stat().st_size > 0 for b in listed)


def test_a_damaged_database_is_not_backed_up_over_good_copies(tmp_path: Path) -> None:
    path = database_with(tmp_path / "nianbao.sqlite3", [f"某县第{i}局" for i in range(20)])
    good = make_backup(path, "daily", keep=1, now=DAY1)
    damage(path)
    with pytest.raises(StorageError, match="已损坏"):
        daily_backup(path, keep=1, now=DAY2)
    assert files_in(backup_folder(path)) == [good.name]


# ---------------------------------------------------------------- the environment says no


def test_a_read_only_backup_folder_gives_a_clear_message_and_no_temp_files(tmp_path: Path) -> None:
    path = database_with(tmp_path / "nianbao.sqlite3", ["某县教育局"])
    folder = backup_folder(path)
    folder.mkdir()
    before = files_in(tmp_path)
    with read_only_folder(folder), pytest.raises(StorageError, match=r"无法备份数据库到 .*（文件夹只读、没有权限"):
        make_backup(path, "daily")
    assert files_in(folder) == []
    assert files_in(tmp_path) == before


def test_a_migration_waits_for_its_backup(tmp_path: Path) -> None:
    path = tmp_path / "nianbao.sqlite3"
    config = alembic_config()
    config.set_main_option("sqlalchemy.url", f"sqlite:///{path}")
    command.upgrade(config, "0001")
    folder = backup_folder(path)
    folder.mkdir()
    with read_only_folder(folder), pytest.raises(StorageError, match=r"升级数据库前.*数据库未作任何改动"):
        open_database(path)
    with closing(sqlite3.connect(path)) as conn:
        assert conn.execute("SELECT version_num FROM alembic_version").fetchall() == [("0001",)]
    assert files_in(folder) == []

    db = open_database(path, keep_backups=3)
    db.dispose()
    assert db.backup_path is not None
    assert db.backup_path.parent == folder
    assert re.fullmatch(rf"nianbao-\d{{8}}-\d{{6}}-before-migration-{head_revision()}\.sqlite3", db.backup_path.name)
    with closing(sqlite3.connect(db.backup_path)) as conn:
        assert conn.execute("SELECT version_num FROM alembic_version").fetchall() == [("0001",)]
    assert [b.reason for b in list_backups(path)] == [f"before-migration-{head_revision()}"]


def test_a_full_disk_leaves_no_half_written_backup(tmp_path: Path) -> None:
    path = database_with(tmp_path / "nianbao.sqlite3", [f"某县第{i}局" for i in range(5)])
    folder = backup_folder(path)
    folder.mkdir()
    # A file-size limit makes every write past 64 KB fail, as on a full disk or a full quota (EFBIG).
    soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
    previous = signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (64 * 1024, hard))
    try:
        with pytest.raises(StorageError, match="写入磁盘失败（磁盘可能已满"):
            make_backup(path, "daily")
    finally:
        resource.setrlimit(resource.RLIMIT_FSIZE, (soft, hard))
        signal.signal(signal.SIGXFSZ, previous)
    assert files_in(folder) == []


# ---------------------------------------------------------------- damaged files and restoring


def test_a_damaged_database_is_refused_on_open_and_left_byte_for_byte(tmp_path: Path) -> None:
    path = database_with(tmp_path / "nianbao.sqlite3", [f"某县第{i}局" for i in range(20)])
    damage(path)
    before = sha256(path)
    with pytest.raises(CorruptDatabaseError, match="已损坏") as caught:
        open_database(path)
    assert caught.value.path == path
    assert caught.value.problems
    assert sha256(path) == before


def test_a_text_file_named_like_a_database_is_refused_and_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "nianbao.sqlite3"
    path.write_text("年报 2023：这是一份文字稿，不是数据库。\n" * 200, encoding="utf-8")
    before = sha256(path)
    with pytest.raises(CorruptDatabaseError, match="不是年报数据库"):
        open_database(path, create=False)
    assert sha256(path) == before


def test_restore_brings_the_data_back_and_keeps_the_damaged_file_aside(tmp_path: Path) -> None:
    path = database_with(tmp_path / "nianbao.sqlite3", [f"某县第{i}局" for i in range(20)])
    backup = make_backup(path, "daily", now=DAY1)
    damage(path)
    damaged = sha256(path)
    # leftovers of the damaged database's last session: they must go with it, not be replayed into the restore
    Path(f"{path}-wal").write_bytes(b"old wal")
    Path(f"{path}-shm").write_bytes(b"old shm")

    aside = restore_backup(path, backup, now=DAY2)

    assert aside is not None
    assert aside == backup_folder(path) / "nianbao-20240116-080000-before-restore.sqlite3"
    assert sha256(aside) == damaged
    assert Path(f"{aside}-wal").read_bytes() == b"old wal"
    assert Path(f"{aside}-shm").read_bytes() == b"old shm"
    assert not Path(f"{path}-wal").exists() and not Path(f"{path}-shm").exists()
    assert backup.exists()
    assert agencies_in(path) == sorted(f"某县第{i}局" for i in range(20))
    assert [(b.reason, b.path) for b in list_backups(path)] == [(BEFORE_RESTORE, aside), ("daily", backup)]


def test_restoring_twice_in_a_second_keeps_both_old_files(tmp_path: Path) -> None:
    path = database_with(tmp_path / "nianbao.sqlite3", ["某县教育局"])
    backup = make_backup(path, "daily", now=DAY1)
    first = restore_backup(path, backup, now=DAY2)
    second = restore_backup(path, backup, now=DAY2)
    assert first is not None and second is not None and first != second
    assert first.exists() and second.exists()


def test_restore_without_a_current_file(tmp_path: Path) -> None:
    path = database_with(tmp_path / "nianbao.sqlite3", ["某县教育局"])
    backup = make_backup(path, "daily", now=DAY1)
    for leftover in path.parent.glob(f"{path.name}*"):
        leftover.unlink()
    assert restore_backup(path, backup) is None
    assert agencies_in(path) == ["某县教育局"]


def test_a_damaged_backup_is_not_restored(tmp_path: Path) -> None:
    path = database_with(tmp_path / "nianbao.sqlite3", [f"某县第{i}局" for i in range(20)])
    backup = make_backup(path, "daily", now=DAY1)
    damage(backup)
    current = sha256(path)
    with pytest.raises(StorageError, match=r"备份文件 .* 已损坏，未恢复"):
        restore_backup(path, backup)
    assert sha256(path) == current
    assert files_in(backup_folder(path)) == [backup.name]
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_a_restore_into_a_read_only_folder_changes_nothing(tmp_path: Path) -> None:
    path = database_with(tmp_path / "db" / "nianbao.sqlite3", ["某县教育局"])
    backup = make_backup(path, "daily", now=DAY1)
    current, before = sha256(path), files_in(path.parent)
    with read_only_folder(path.parent), pytest.raises(StorageError, match=r"无法从备份恢复.*当前数据库未作任何改动"):
        restore_backup(path, backup)
    assert sha256(path) == current
    assert files_in(path.parent) == before
    assert files_in(backup_folder(path)) == [backup.name]


def test_a_foreign_database_is_not_restored(tmp_path: Path) -> None:
    path = database_with(tmp_path / "nianbao.sqlite3", ["某县教育局"])
    foreign = tmp_path / "contacts.sqlite3"
    with closing(sqlite3.connect(foreign)) as conn, conn:
        conn.execute("CREATE TABLE contacts (name TEXT)")
    with pytest.raises(StorageError, match="不是年报程序的数据库"):
        restore_backup(path, foreign)
    assert agencies_in(path) == ["某县教育局"]
