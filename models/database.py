"""One engine and sessionmaker per database, made in one place and passed in; schema brought to head on open.

`--db` takes a path (SQLite) or a SQLAlchemy URL (anything containing "://"). Opening a database brings its
schema to the Alembic head: a brand-new database is created from the models and stamped; an older one is first
copied into its backup folder (SQLite, services/backup.py) and then upgraded. An existing SQLite file is checked
read-only first: a damaged file is refused before anything could write to it.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import URL, Engine, create_engine, event, inspect, make_url, text
from sqlalchemy.exc import ArgumentError, DataError, DBAPIError, IntegrityError, InterfaceError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from models.backup import DEFAULT_KEEP, integrity_problems, make_backup
from models.base import Base
from models.errors import CorruptDatabaseError, ServerUnreachableError, StorageError, describe_os_error
from models.tables import Agency  # noqa: F401  (registers every table on Base.metadata)

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
BUSY_TIMEOUT_MS = 10_000


class Database:
    """The engine and the session factory of one open database."""

    def __init__(self, engine: Engine, backup_path: Path | None = None) -> None:
        self.engine = engine
        self.sessions: sessionmaker[Session] = sessionmaker(engine)
        self.backup_path = backup_path
        """The copy made before an upgrade on this open, if any."""
        self.unreachable = threading.Event()
        """Set when the server stopped answering: every unit of work then fails at once, instead of waiting out
        the connect timeout on each keystroke, until `server_answers` reaches it again (a worker thread may ask,
        hence an Event)."""

    @property
    def url(self) -> URL:
        return self.engine.url

    @property
    def url_for_display(self) -> str:
        """The file path for SQLite, else the URL with any password hidden."""
        path = sqlite_file(self.engine.url)
        return str(path) if path is not None else self.engine.url.render_as_string(hide_password=True)

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """One short unit of work: commit on success, roll back on error; DB trouble becomes StorageError
        (ServerUnreachableError when a shared database's server does not answer)."""
        if self.unreachable.is_set():
            raise ServerUnreachableError()
        try:
            with self.sessions.begin() as session:
                yield session
        except DBAPIError as exc:
            if lost_connection(exc):
                self.unreachable.set()
                raise ServerUnreachableError([str(exc.orig)]) from exc
            if isinstance(exc, OperationalError | IntegrityError | DataError):
                raise storage_error(exc) from exc
            raise

    def server_answers(self) -> bool:
        """Whether the server answers a query now (a fresh connection); clears `unreachable` when it does."""
        try:
            with self.engine.connect() as conn:
                conn.execute(text("SELECT 1"))
        except DBAPIError as exc:
            if lost_connection(exc):
                return False
            raise
        self.unreachable.clear()
        return True

    def dispose(self) -> None:
        self.engine.dispose()


def make_url_for(db: str | Path | URL) -> URL:
    """A SQLAlchemy URL for a `--db` argument: a URL as given, a path as an absolute SQLite file."""
    if isinstance(db, URL):
        return db
    if isinstance(db, str) and "://" in db:
        try:
            return make_url(db)
        except ArgumentError as exc:
            raise StorageError(f"数据库地址无效：{db}") from exc
    return URL.create("sqlite", database=str(Path(db).expanduser().absolute()))


def sqlite_file(url: URL) -> Path | None:
    """The file behind a SQLite URL; None for other databases and for in-memory SQLite."""
    if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
        return None
    if url.database.startswith("file:"):
        return None
    return Path(url.database)


def open_database(db: str | Path | URL, *, create: bool = True, keep_backups: int = DEFAULT_KEEP) -> Database:
    """Open the database at a path or URL and bring its schema to the current head.

    A missing SQLite file is created, unless `create` is false (reading commands must not leave an empty
    database behind a mistyped path). A damaged one raises CorruptDatabaseError and is left as it was.
    `keep_backups` is how many copies the backup folder keeps when an upgrade adds one.
    """
    url = make_url_for(db)
    path = sqlite_file(url)
    if path is not None and not create and not path.exists():
        raise StorageError(f"数据库文件不存在：{path}")
    if path is not None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StorageError(f"无法创建数据库所在的文件夹 {path.parent}：{describe_os_error(exc)}") from exc
        if path.exists():
            _refuse_damaged(path)
    # A server's connection may die between two edits (restart, network): pre-ping replaces it on checkout
    # instead of failing the clerk's next edit.
    options = {} if url.get_backend_name() == "sqlite" else {"pool_pre_ping": True}
    try:
        engine = create_engine(url, **options)
    except (ImportError, ArgumentError) as exc:
        raise StorageError(f"无法使用数据库 {url.render_as_string(hide_password=True)}：{exc}") from exc
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    try:
        backup = _bring_to_head(engine, path, keep_backups)
    except DBAPIError as exc:
        engine.dispose()
        raise storage_error(exc) from exc
    except BaseException:
        engine.dispose()
        raise
    return Database(engine, backup)


def _refuse_damaged(path: Path) -> None:
    # Before SQLAlchemy and Alembic see the file: opening it read-write could already write to it (WAL mode,
    # journal recovery, a migration), and a damaged file must stay exactly as it is for a data-recovery attempt.
    problems = integrity_problems(path)
    if problems:
        raise CorruptDatabaseError(
            f"数据库文件 {path} 已损坏或不是年报数据库。程序没有改动这个文件；请从备份恢复。", problems, path
        )


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    try:
        # Off by default and per connection: without it ON DELETE CASCADE and every reference go unchecked.
        cursor.execute("PRAGMA foreign_keys=ON")
        # Readers never block the writer (the window keeps reading while an import writes).
        cursor.execute("PRAGMA journal_mode=WAL")
        # FULL, not NORMAL: every acknowledged edit must survive a power cut on an office PC. It is
        # affordable: platform.md measured 1,000 ORM commits at ~0.94 s with FULL (0.33 s with NORMAL).
        cursor.execute("PRAGMA synchronous=FULL")
        # A second window or an import holding the write lock briefly should make us wait, not fail.
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    finally:
        cursor.close()


def alembic_config() -> Config:
    """The Alembic configuration, built in code from the package path (no alembic.ini at run time)."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


def head_revision() -> str | None:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def current_revision(engine: Engine) -> str | None:
    """The schema revision stamped in the database; None for an empty or unstamped database."""
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


SCHEMA_HEAD = "0004"
"""The newest migration's revision; tests/test_migrations.py holds it equal to Alembic's head."""


def _stamped_revision(engine: Engine) -> str | None:
    """The revision in alembic_version, read with plain SQL; None when the table is missing or empty."""
    try:
        with engine.connect() as conn:
            return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
    except DBAPIError:
        return None


def _bring_to_head(engine: Engine, path: Path | None, keep_backups: int) -> Path | None:
    # Every start of an up-to-date database ends here, without importing Alembic (~0.34 s, platform.md).
    if _stamped_revision(engine) == SCHEMA_HEAD:
        return None
    from alembic import command
    from alembic.script import ScriptDirectory
    from alembic.util import CommandError

    config = alembic_config()
    script = ScriptDirectory.from_config(config)
    head = script.get_current_head()
    with engine.connect() as conn:
        tables = set(inspect(conn).get_table_names())
    if not tables:
        with engine.begin() as conn:
            Base.metadata.create_all(conn)
            config.attributes["connection"] = conn
            command.stamp(config, "head")
        return None
    if "alembic_version" not in tables:
        raise StorageError(f"{_where(engine)} 不是年报程序的数据库（已有其他数据表），为避免损坏数据，未打开。")
    current = current_revision(engine)
    if current == head:
        return None
    if current is not None:
        try:
            script.get_revision(current)
        except CommandError:
            raise StorageError(
                f"{_where(engine)} 由更新版本的年报程序创建（数据结构版本 {current}，本程序支持到 {head}），"
                "请升级本程序后再打开。"
            ) from None
    backup = _backup_before_migration(path, head, keep_backups) if path is not None else None
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "head")
    return backup


def _backup_before_migration(path: Path, head: str | None, keep: int) -> Path:
    """A copy in the backup folder, named for the migration it comes before; no copy, no migration."""
    try:
        return make_backup(path, f"before-migration-{head or 'head'}", keep)
    except StorageError as exc:
        raise StorageError(f"升级数据库前{exc.message}数据库未作任何改动。", exc.problems) from exc


def _where(engine: Engine) -> str:
    path = sqlite_file(engine.url)
    return f"数据库文件 {path}" if path is not None else f"数据库 {engine.url.render_as_string(hide_password=True)}"


# SQLSTATEs of a server going away: class 08 (connection exception), and 57P01–57P03 (shut down by its
# administrator, crashed, not yet accepting connections while it starts or stops).
_GONE_STATES = ("57P01", "57P02", "57P03")


def lost_connection(exc: DBAPIError) -> bool:
    """Whether a PostgreSQL error means the server cannot be reached (rather than a refused statement)."""
    if exc.connection_invalidated:
        return True
    orig = exc.orig
    if not type(orig).__module__.startswith("psycopg"):
        return False  # SQLite: a local file is never "unreachable"
    state = getattr(orig, "sqlstate", None)
    if state is None:
        # A failed connect, a broken socket, a timeout: the server sent nothing. (A value psycopg itself refuses,
        # text with a NUL byte say, has no SQLSTATE either, but is a DataError.)
        return isinstance(exc, OperationalError | InterfaceError)
    return state.startswith("08") or state in _GONE_STATES


def storage_error(exc: DBAPIError) -> StorageError:
    """A clerk-readable error for a database failure caused by the environment."""
    detail = str(exc.orig)
    text = detail.lower()
    if "locked" in text or "busy" in text:
        message = "数据库正被其他程序或另一个年报窗口占用，请稍后再试。"
    elif "readonly" in text or "read-only" in text:
        message = "数据库文件是只读的，无法保存。请检查文件权限，或是否放在只读的位置（光盘、写保护的U盘）。"
    elif "disk is full" in text or "no space" in text:
        message = "磁盘已满，无法保存。请清理磁盘空间后再试。"
    elif "not a database" in text or "malformed" in text:
        message = "数据库文件已损坏或不是年报数据库。请从备份恢复。"
    elif "unable to open" in text:
        message = "无法打开数据库文件：路径不存在或没有访问权限。"
    elif isinstance(exc, IntegrityError):
        # e.g. two people importing the same agency's report at the same moment
        message = "与其他用户同时进行的修改冲突，操作未完成。请刷新后再试。"
    elif isinstance(exc, DataError):
        message = "数据超出数据库允许的范围（如名称过长），操作未完成。"
    else:
        message = "数据库出错，操作未完成。"
    return StorageError(message, [detail])
