"""The office's shared PostgreSQL database: the address built from the settings, 测试连接 with a reason a clerk
understands, opening it, and `init-shared` for the IT person.

libpq reports a failed connection as text without a SQLSTATE (the server had not yet accepted the session), so
the reason is read from its message: the English one, and the server's Chinese translation where the server runs
with zh_CN messages. Whatever is not recognised is shown as it came, after a general sentence.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from services.errors import StorageError

if TYPE_CHECKING:
    from sqlalchemy import URL

    from models.database import Database
    from services.server_settings import ServerSettings

CONNECT_TIMEOUT_S = 5
"""How long a connection attempt waits for the server: long enough for a busy office network, short enough that
a clerk is not left staring at a frozen window (libpq's minimum is 2)."""
MIN_SERVER_VERSION = (12, 0)
"""PostgreSQL 12: the oldest release whose behaviour the app relies on being tested (CI runs 15); older servers
are out of their project's support too."""

Reason = Literal["unreachable", "timeout", "no_host", "password", "not_allowed", "no_database", "too_old", "other"]


class ServerConnectError(StorageError):
    """The shared database cannot be used; `reason` says why, for the caller to tell apart."""

    def __init__(self, reason: Reason, message: str, problems: list[str] | None = None) -> None:
        super().__init__(message, problems)
        self.reason: Reason = reason


@dataclass(frozen=True)
class ServerCheck:
    version: str
    """The server's version as it reports it ("15.18")."""
    has_schema: bool
    """Whether the database already holds the app's tables (else connecting creates them)."""


def database_names(display: str) -> tuple[str, str]:
    """(short name, long name) of a database as `Database.url_for_display` shows it: a local file, or a server's
    address (its password already hidden)."""
    if "://" not in display:
        return "本机数据库", f"本机数据库：{display}"
    from sqlalchemy import make_url

    from services.server_settings import DEFAULT_PORT

    url = make_url(display)
    port = "" if url.port in (None, DEFAULT_PORT) else f":{url.port}"
    name = f"{url.host}{port}/{url.database}"
    return f"共享数据库 {name}", f"办公室共享数据库：{name}（用户 {url.username}）"


def server_url(settings: ServerSettings, password: str) -> URL:
    """The SQLAlchemy address of the shared database, with a short connect timeout."""
    from sqlalchemy import URL

    # tcp_user_timeout (Linux; ignored elsewhere): a write to a server that vanished from the network fails within
    # seconds instead of after the system's TCP retries (minutes).
    query = {"connect_timeout": str(CONNECT_TIMEOUT_S), "tcp_user_timeout": str(CONNECT_TIMEOUT_S * 2000)}
    return URL.create(
        "postgresql+psycopg",
        username=settings.user,
        password=password or None,
        host=settings.host.strip(),
        port=settings.port,
        database=settings.database.strip(),
        query=query,
    )


def check_server(settings: ServerSettings, password: str, minimum: tuple[int, int] = MIN_SERVER_VERSION) -> ServerCheck:
    """测试连接: connect once, read the server's version; ServerConnectError with the reason otherwise."""
    missing = settings.missing()
    if missing:
        raise ServerConnectError("other", f"请填写{'、'.join(missing)}。")
    return _check(server_url(settings, password), settings, minimum)


def open_shared(settings: ServerSettings, password: str, minimum: tuple[int, int] = MIN_SERVER_VERSION) -> Database:
    """Check the server, then open the database as any database is opened (its schema brought to the head)."""
    from models.database import open_database

    check_server(settings, password, minimum)
    return open_database(server_url(settings, password))


def init_shared(address: str, minimum: tuple[int, int] = MIN_SERVER_VERSION) -> tuple[str | None, str]:
    """`init-shared URL`: create the app's tables on an empty database, or upgrade them; returns the schema
    revision before and after. A `postgresql://` address is taken as psycopg's."""
    from sqlalchemy import make_url
    from sqlalchemy.exc import ArgumentError

    from models.database import current_revision, open_database

    try:
        url = make_url(address)
    except ArgumentError as exc:
        raise StorageError(f"数据库地址无效：{address}") from exc
    if url.get_backend_name() != "postgresql":
        raise StorageError("init-shared 只用于共享的 PostgreSQL 数据库（地址以 postgresql:// 开头）。")
    url = url.set(drivername="postgresql+psycopg")
    if "connect_timeout" not in url.query:
        url = url.update_query_dict({"connect_timeout": str(CONNECT_TIMEOUT_S)})
    check = _check(url, None, minimum)
    before = _revision_of(url) if check.has_schema else None
    db = open_database(url)
    try:
        after = current_revision(db.engine)
    finally:
        db.dispose()
    return before, after or ""


def _revision_of(url: URL) -> str | None:
    from sqlalchemy import create_engine

    from models.database import current_revision

    engine = create_engine(url)
    try:
        return current_revision(engine)
    finally:
        engine.dispose()


def _check(url: URL, settings: ServerSettings | None, minimum: tuple[int, int]) -> ServerCheck:
    from sqlalchemy import create_engine, inspect
    from sqlalchemy.exc import DBAPIError
    from sqlalchemy.pool import NullPool

    engine = create_engine(url, poolclass=NullPool)  # a test connection is closed at once, not pooled
    try:
        with engine.connect() as conn:
            number = tuple(conn.dialect.server_version_info or (0,))
            tables = set(inspect(conn).get_table_names())
    except DBAPIError as exc:
        raise describe_failure(exc.orig or exc, settings or _settings_of(url)) from exc
    finally:
        engine.dispose()
    version = ".".join(str(part) for part in number)
    if number < minimum:
        raise ServerConnectError(
            "too_old",
            f"服务器的 PostgreSQL 版本是 {version}，太旧了；本程序需要 {minimum[0]} 或更新的版本。"
            "请IT人员升级数据库服务器。",
        )
    return ServerCheck(version, "alembic_version" in tables)


def _settings_of(url: URL) -> ServerSettings:
    from services.server_settings import DEFAULT_PORT, ServerSettings

    return ServerSettings(url.host or "", url.port or DEFAULT_PORT, url.database or "", url.username or "")


# (reason, words in libpq's or the server's message — English, and the server's zh_CN translation)
_MESSAGES: tuple[tuple[Reason, tuple[str, ...]], ...] = (
    # a role that does not exist is said like a wrong password (the server does not tell which)
    (
        "password",
        (
            "password authentication failed",
            "no password supplied",
            "password is required",
            'role "',
            "密码认证失败",
            "Password 认证失败",
            '角色 "',
        ),
    ),
    ("not_allowed", ("no pg_hba.conf entry", "pg_hba.conf 记录", "没有用于主机")),
    ("no_database", ("does not exist", "不存在")),
    (
        "no_host",
        (
            "failed to resolve host",
            "could not translate host name",
            "name or service not known",
            "nodename nor servname",
            "no such host",
        ),
    ),
    ("timeout", ("timeout expired", "timed out", "超时")),
    (
        "unreachable",
        (
            "connection refused",
            "could not connect",
            "no route to host",
            "network is unreachable",
            "server closed the connection",
            "is the server running",
            "拒绝连接",
        ),
    ),
)


def describe_failure(error: BaseException, settings: ServerSettings) -> ServerConnectError:
    """A connection failure in the clerk's words, with libpq's own text kept as the detail."""
    detail = str(error).strip()
    lowered = detail.lower()
    reason: Reason = "other"
    if type(error).__name__ == "ConnectionTimeout":
        reason = "timeout"
    else:
        reason = next((r for r, words in _MESSAGES if any(w.lower() in lowered for w in words)), "other")
    where = f"服务器 {settings.host}（端口 {settings.port}）"
    messages: dict[Reason, str] = {
        "unreachable": f"无法连接{where}：服务器没有运行、端口不对，或被防火墙阻止。",
        "timeout": f"连接{where}超时（{CONNECT_TIMEOUT_S} 秒内没有回应）：请检查服务器地址、网络和防火墙。",
        "no_host": f"找不到服务器“{settings.host}”：请检查服务器名称或 IP 地址。",
        "password": f"用户名或密码不正确（用户“{settings.user}”）。",
        "not_allowed": f"{where}不允许这台电脑连接：请IT人员在服务器的 pg_hba.conf 中允许办公室网络。",
        "no_database": f"服务器上没有名为“{settings.database}”的数据库：请检查数据库名称，或请IT人员先建立它。",
        "other": f"无法连接共享数据库（{where}）。",
    }
    return ServerConnectError(reason, messages.get(reason, messages["other"]), [detail] if detail else [])


def remember_connection(data_dir: str | Path | None, settings: ServerSettings, password: str, keep: bool) -> str:
    """Remember to work on this server from now on, and its password in the credential store when `keep` (else
    forget any kept one); returns what the clerk should read when the password could not be kept."""
    from services.app_state import update_state
    from services.passwords import PasswordStoreError, forget, remember

    said = ""
    try:
        if keep:
            remember(settings, password)
        else:
            forget(settings)
    except PasswordStoreError as exc:
        said = exc.message
    update_state(data_dir, database="shared", server=settings)
    return said
