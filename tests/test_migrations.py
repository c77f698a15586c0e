"""Schema versions: a new database starts at the Alembic head, an older one is backed up and upgraded, and the
hand-written migrations build exactly the schema of the models."""

from __future__ import annotations

import io
import re
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from sqlalchemy import create_engine, inspect

from models import Base, open_database
from models.database import alembic_config, current_revision, head_revision
from services import storage
from services.backup import backup_folder
from services.errors import StorageError
from services.report import empty_report

APP_TABLES = {"agency", "report", "cell", "report_text", "explanation", "revision"}


def config_for(path: Path) -> Config:
    """Alembic driven from outside the app, the way a developer runs it."""
    config = alembic_config()
    config.set_main_option("sqlalchemy.url", f"sqlite:///{path}")
    return config


def stored_revisions(path: Path) -> list[str]:
    with closing(sqlite3.connect(path)) as conn, conn:
        return [row[0] for row in conn.execute("SELECT version_num FROM alembic_version")]


def backups(path: Path) -> list[Path]:
    return sorted(backup_folder(path).glob(f"{path.stem}-*.sqlite3"))


def test_there_is_one_linear_head() -> None:
    assert head_revision() == "0004"


def test_a_new_database_is_created_at_head(tmp_path: Path) -> None:
    path = tmp_path / "new" / "nianbao.sqlite3"
    db = open_database(path)
    try:
        assert current_revision(db.engine) == head_revision()
        assert set(inspect(db.engine).get_table_names()) == APP_TABLES | {"alembic_version"}
        assert db.backup_path is None
    finally:
        db.dispose()
    assert stored_revisions(path) == ["0004"]
    assert backups(path) == []


def test_the_migrations_build_exactly_the_models_schema(tmp_path: Path) -> None:
    path = tmp_path / "migrated.sqlite3"
    command.upgrade(config_for(path), "head")
    engine = create_engine(f"sqlite:///{path}")
    try:
        with engine.connect() as conn:
            differences = compare_metadata(MigrationContext.configure(conn), Base.metadata)
            assert differences == []
            inspector = inspect(conn)
            assert inspector.get_pk_constraint("cell")["name"] == "pk_cell"
            assert inspector.get_unique_constraints("report") == [
                {"name": "uq_report_agency_id_year", "column_names": ["agency_id", "year"]}
            ]
            assert {fk["options"].get("ondelete") for fk in inspector.get_foreign_keys("cell")} == {"CASCADE"}
    finally:
        engine.dispose()


def test_a_database_migrated_to_head_opens_without_a_backup(tmp_path: Path) -> None:
    path = tmp_path / "nianbao.sqlite3"
    command.upgrade(config_for(path), "head")
    db = open_database(path)
    try:
        assert current_revision(db.engine) == head_revision()
        with db.transaction() as session:
            report_id = storage.save_report(session, empty_report("某县教育局", 2022))
        with db.transaction() as session:
            assert storage.load_report(session, report_id) == empty_report("某县教育局", 2022)
    finally:
        db.dispose()
    assert backups(path) == []


def test_a_database_at_0001_is_backed_up_then_upgraded_and_stores_counts(tmp_path: Path) -> None:
    path = tmp_path / "nianbao.sqlite3"
    command.upgrade(config_for(path), "0001")
    db = open_database(path)
    try:
        assert current_revision(db.engine) == head_revision()
        with db.transaction() as session:
            report_id = storage.save_report(session, empty_report("某县教育局", 2022))
            storage.set_counts(session, report_id, 1, 2)
        with db.transaction() as session:
            [summary] = storage.list_reports(session)
            assert (summary.errors, summary.warnings) == (1, 2)
    finally:
        db.dispose()
    [backup] = backups(path)
    assert re.fullmatch(rf"nianbao-\d{{8}}-\d{{6}}-before-migration-{head_revision()}\.sqlite3", backup.name)
    assert stored_revisions(backup) == ["0001"]


def test_a_database_behind_head_is_copied_aside_then_upgraded(tmp_path: Path) -> None:
    path = tmp_path / "nianbao.sqlite3"
    config = config_for(path)
    command.upgrade(config, "head")
    command.downgrade(config, "base")  # a schema older than head: alembic_version present, no revision stamped
    assert stored_revisions(path) == []

    db = open_database(path)
    try:
        assert current_revision(db.engine) == head_revision()
        assert set(inspect(db.engine).get_table_names()) == APP_TABLES | {"alembic_version"}
    finally:
        db.dispose()
    [backup] = backups(path)
    assert db.backup_path == backup
    assert re.fullmatch(rf"nianbao-\d{{8}}-\d{{6}}-before-migration-{head_revision()}\.sqlite3", backup.name)
    assert stored_revisions(backup) == []
    with closing(sqlite3.connect(backup)) as conn:
        tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert tables == {"alembic_version"}
    assert not Path(f"{backup}-wal").exists()

    reopened = open_database(path)  # already at head now: no second copy
    reopened.dispose()
    assert backups(path) == [backup]


def test_a_database_from_a_newer_app_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "nianbao.sqlite3"
    open_database(path).dispose()
    with closing(sqlite3.connect(path)) as conn, conn:
        conn.execute("UPDATE alembic_version SET version_num = '9999'")
    with pytest.raises(StorageError, match="更新版本"):
        open_database(path)
    assert stored_revisions(path) == ["9999"]
    assert backups(path) == []


def test_a_foreign_sqlite_file_is_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "other.sqlite3"
    with closing(sqlite3.connect(path)) as conn, conn:
        conn.execute("CREATE TABLE contacts (name TEXT)")
    with pytest.raises(StorageError, match="不是年报程序的数据库"):
        open_database(path)
    with closing(sqlite3.connect(path)) as conn, conn:
        tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert tables == {"contacts"}


def test_a_file_that_is_not_a_database_is_a_storage_error(tmp_path: Path) -> None:
    path = tmp_path / "nianbao.sqlite3"
    path.write_bytes(b"this is a Word document, not SQLite" * 100)
    with pytest.raises(StorageError, match="损坏"):
        open_database(path)


def test_downgrade_and_upgrade_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "nianbao.sqlite3"
    config = config_for(path)
    command.upgrade(config, "head")
    command.downgrade(config, "base")
    engine = create_engine(f"sqlite:///{path}")
    try:
        assert set(inspect(engine).get_table_names()) == {"alembic_version"}
    finally:
        engine.dispose()
    command.upgrade(config, "head")
    assert stored_revisions(path) == ["0004"]


def test_the_schema_and_migrations_render_for_postgresql() -> None:
    # No server here: compile the models' DDL and the migration (offline mode) with the PostgreSQL dialect, so
    # nothing SQLite-only creeps into the schema.
    from sqlalchemy.dialects import postgresql
    from sqlalchemy.schema import CreateTable

    for table in Base.metadata.sorted_tables:
        CreateTable(table).compile(dialect=postgresql.dialect())  # type: ignore[no-untyped-call]
    config = alembic_config()
    config.set_main_option("sqlalchemy.url", "postgresql://clerk@db.example/nianbao")
    config.output_buffer = io.StringIO()
    command.upgrade(config, "head", sql=True)
    script = config.output_buffer.getvalue()
    assert "CREATE TABLE report (" in script
    assert "CONSTRAINT uq_report_agency_id_year UNIQUE (agency_id, year)" in script
    assert "ON DELETE CASCADE" in script
    assert "PRAGMA" not in script
    assert "INSERT INTO alembic_version (version_num) VALUES ('0001')" in script
    assert "ALTER TABLE report ADD COLUMN error_count INTEGER" in script
    assert "UPDATE alembic_version SET version_num='0002' WHERE alembic_version.version_num = '0001'" in script
    assert "ALTER TABLE explanation ADD COLUMN written_for TEXT" in script
    assert "ALTER TABLE report ADD COLUMN unexplained_count INTEGER" in script


def report_columns(path: Path) -> list[str]:
    with closing(sqlite3.connect(path)) as conn:
        return [row[1] for row in conn.execute("PRAGMA table_info(report)")]


def test_0002_adds_empty_check_counts_to_existing_reports(tmp_path: Path) -> None:
    path = tmp_path / "nianbao.sqlite3"
    config = config_for(path)
    command.upgrade(config, "0001")
    assert "error_count" not in report_columns(path)
    with closing(sqlite3.connect(path)) as conn, conn:
        conn.execute("INSERT INTO agency (id, name) VALUES (1, '某县教育局')")
        conn.execute(
            "INSERT INTO report (id, agency_id, year, format_id, status, created_at, updated_at, version)"
            " VALUES (1, 1, 2022, '2021', 'draft', '2023-01-05 08:00:00', '2023-01-05 08:00:00', 3)"
        )
        conn.execute("INSERT INTO cell VALUES (1, 't3', 'new', 'natural', '6')")
    command.upgrade(config, "0002")
    assert report_columns(path)[-2:] == ["error_count", "warning_count"]
    with closing(sqlite3.connect(path)) as conn:
        assert conn.execute("SELECT version, error_count, warning_count FROM report").fetchall() == [(3, None, None)]
        assert conn.execute("SELECT value FROM cell").fetchall() == [("6",)]


def test_downgrading_0002_drops_the_counts_in_place_and_keeps_every_cell(tmp_path: Path) -> None:
    # Through the app's own connection: foreign_keys=ON, so a table copy would cascade-delete the cells.
    path = tmp_path / "nianbao.sqlite3"
    db = open_database(path)
    try:
        with db.transaction() as session:
            report_id = storage.save_report(session, empty_report("某县教育局", 2022))
            storage.set_counts(session, report_id, 2, 5)
        with db.engine.begin() as conn:
            config = alembic_config()
            config.attributes["connection"] = conn
            command.downgrade(config, "0001")
    finally:
        db.dispose()
    assert stored_revisions(path) == ["0001"]
    assert "error_count" not in report_columns(path)
    with closing(sqlite3.connect(path)) as conn:
        assert conn.execute("SELECT count(*) FROM cell").fetchone() == (len(empty_report("某县教育局", 2022).cells),)
        assert conn.execute("SELECT count(*) FROM report_text").fetchone()[0] > 0

    reopened = open_database(path)  # and back up to head, the counts empty again
    try:
        with reopened.transaction() as session:
            [summary] = storage.list_reports(session)
            assert (summary.errors, summary.warnings) == (None, None)
            assert storage.load_report(session, report_id) == empty_report("某县教育局", 2022)
    finally:
        reopened.dispose()


def test_the_fast_path_knows_the_current_head() -> None:
    from models.database import SCHEMA_HEAD

    assert head_revision() == SCHEMA_HEAD


def test_0003_keeps_earlier_explanations_counting(tmp_path: Path) -> None:
    # An explanation stored before 0003 has no message to compare with: it keeps standing, never silently lost.
    path = tmp_path / "nianbao.sqlite3"
    config = config_for(path)
    command.upgrade(config, "0002")
    with closing(sqlite3.connect(path)) as conn, conn:
        conn.execute("INSERT INTO agency (id, name) VALUES (1, '某县教育局')")
        conn.execute(
            "INSERT INTO report (id, agency_id, year, format_id, status, created_at, updated_at, version)"
            " VALUES (1, 1, 2022, '2021', 'draft', '2023-01-05 08:00:00', '2023-01-05 08:00:00', 3)"
        )
        conn.execute("INSERT INTO explanation VALUES (1, 'SIGN_DATE', '经主要负责人同意提前发布')")
    command.upgrade(config, "head")
    with closing(sqlite3.connect(path)) as conn:
        assert conn.execute("SELECT key, text, written_for FROM explanation").fetchall() == [
            ("SIGN_DATE", "经主要负责人同意提前发布", None)
        ]
