"""The office's shared database as the services see it: 测试连接's reasons, init-shared, the password store, a lost
server refused at once and found again."""

from __future__ import annotations

import io
import socket
from collections.abc import Iterator

import pytest
from sqlalchemy import make_url, text

from main import run
from services.errors import ServerUnreachableError, StorageError
from services.passwords import NO_STORE_MESSAGE, PasswordStoreError, forget, recall, remember, store_name
from services.server_settings import ServerSettings
from services.shared_database import ServerConnectError, check_server, describe_failure, open_shared
from tests.memory_keyring import MemoryKeyring, memory_keyring, no_keyring  # noqa: F401  (fixtures)
from tests.postgres import fresh_database


def settings_of(url: str) -> tuple[ServerSettings, str]:
    parsed = make_url(url)
    settings = ServerSettings(parsed.host or "", parsed.port or 5432, parsed.database or "", parsed.username or "")
    return settings, parsed.password or ""


@pytest.fixture
def shared_url(pg_url: str) -> Iterator[str]:
    with fresh_database(pg_url) as url:
        yield url


def reason(settings: ServerSettings, password: str, **kwargs: object) -> ServerConnectError:
    with pytest.raises(ServerConnectError) as caught:
        check_server(settings, password, **kwargs)  # type: ignore[arg-type]
    return caught.value


def test_a_test_connection_says_what_is_wrong_in_words(shared_url: str) -> None:
    settings, password = settings_of(shared_url)
    check = check_server(settings, password)
    assert not check.has_schema and int(check.version.split(".")[0]) >= 12

    wrong = reason(settings, password + "x")
    assert wrong.reason == "password" and "用户名或密码不正确" in wrong.message
    assert password + "x" not in str(wrong)  # libpq's detail names the user, never the password

    missing = reason(ServerSettings(settings.host, settings.port, "no_such_db", settings.user), password)
    assert missing.reason == "no_database" and "no_such_db" in missing.message

    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]  # bound, never listening: the connection is refused
        refused = reason(ServerSettings("127.0.0.1", port, settings.database, settings.user), password)
    assert refused.reason == "unreachable" and "防火墙" in refused.message

    old = reason(settings, password, minimum=(99, 0))
    assert old.reason == "too_old" and "太旧" in old.message

    empty = reason(ServerSettings("", settings.port, settings.database, ""), password)
    assert "服务器" in empty.message and "用户名" in empty.message


def test_a_server_that_never_answers_times_out_in_seconds(shared_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from services import shared_database

    monkeypatch.setattr(shared_database, "CONNECT_TIMEOUT_S", 2)  # libpq's minimum
    settings, password = settings_of(shared_url)
    with socket.socket() as silent:  # accepts the TCP connection, says nothing
        silent.bind(("127.0.0.1", 0))
        silent.listen(1)
        timed_out = reason(ServerSettings("127.0.0.1", silent.getsockname()[1], "d", settings.user), password)
    assert timed_out.reason == "timeout" and "超时" in timed_out.message


@pytest.mark.parametrize(
    ("detail", "expected"),
    [
        ("failed to resolve host 'bangong-pc': [Errno -2] Name or service not known", "no_host"),
        ('connection failed: FATAL:  no pg_hba.conf entry for host "10.0.0.7", user "zhang"', "not_allowed"),
        ('connection failed: FATAL:  用户 "zhang" Password 认证失败', "password"),
        ('connection failed: FATAL:  role "zhang" does not exist', "password"),
        ('connection failed: FATAL:  数据库 "nianbao" 不存在', "no_database"),
        ("something else entirely", "other"),
    ],
)
def test_failures_are_told_apart_by_their_message_which_is_all_libpq_gives(detail: str, expected: str) -> None:
    said = describe_failure(Exception(detail), ServerSettings("bangong-pc", 5432, "nianbao", "zhang"))
    assert said.reason == expected and said.problems == [detail]


def test_init_shared_creates_the_tables_then_finds_them_current(shared_url: str) -> None:
    address = shared_url.replace("postgresql+psycopg://", "postgresql://")
    out = io.StringIO()
    assert run(["init-shared", address], out) == 0
    assert "已在共享数据库中建立" in out.getvalue()
    out = io.StringIO()
    assert run(["init-shared", address], out) == 0
    assert "已是最新" in out.getvalue()
    settings, password = settings_of(shared_url)
    assert check_server(settings, password).has_schema
    assert run(["init-shared", "sqlite:///x.sqlite3"], io.StringIO()) == 2


def test_a_lost_server_fails_every_unit_of_work_at_once_until_it_answers(shared_url: str) -> None:
    settings, password = settings_of(shared_url)
    db = open_shared(settings, password)
    try:
        with db.transaction() as session:
            session.execute(text("SELECT 1"))
        db.unreachable.set()  # as a failed transaction sets it
        with pytest.raises(ServerUnreachableError), db.transaction() as session:
            session.execute(text("SELECT 1"))
        assert db.server_answers() and not db.unreachable.is_set()
        with db.transaction() as session:
            session.execute(text("SELECT 1"))
    finally:
        db.dispose()


def test_a_refused_connection_is_a_lost_server_not_a_bug(shared_url: str) -> None:
    from sqlalchemy import create_engine

    from models.database import Database

    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))  # bound, never listening: refused, as a stopped server's port is
        gone = Database(create_engine(make_url(shared_url).set(port=closed.getsockname()[1])))
        try:
            with pytest.raises(ServerUnreachableError) as caught, gone.transaction() as session:
                session.execute(text("SELECT 1"))
            assert isinstance(caught.value, StorageError) and "无法连接共享数据库的服务器" in caught.value.message
            assert gone.unreachable.is_set() and not gone.server_answers()
        finally:
            gone.dispose()


# ---------------------------------------------------------------- the password store


def test_a_password_is_kept_in_the_credential_store_and_forgotten(memory_keyring: MemoryKeyring) -> None:  # noqa: F811
    settings = ServerSettings("192.168.1.10", 5432, "nianbao", "zhang")
    assert store_name() is not None and recall(settings) is None
    remember(settings, "秘密 pass")
    assert recall(settings) == "秘密 pass"
    assert memory_keyring.kept == {("Nianbao 年报 共享数据库", "zhang@192.168.1.10:5432/nianbao"): "秘密 pass"}
    forget(settings)
    forget(settings)  # nothing kept: nothing to do
    assert recall(settings) is None


def test_without_a_credential_store_nothing_is_remembered_and_the_clerk_is_told(no_keyring: None) -> None:  # noqa: F811
    settings = ServerSettings("192.168.1.10", 5432, "nianbao", "zhang")
    assert store_name() is None and recall(settings) is None
    with pytest.raises(PasswordStoreError) as caught:
        remember(settings, "x")
    assert caught.value.message == NO_STORE_MESSAGE and NO_STORE_MESSAGE.startswith("本机没有可用的密码保管库")
    forget(settings)
    out = io.StringIO()
    assert run(["password-store"], out) == 1 and "本机没有可用的密码保管库" in out.getvalue()


def test_a_store_that_writes_files_is_never_used() -> None:
    import keyring

    class PlaintextKeyring(MemoryKeyring):
        pass

    PlaintextKeyring.__module__ = "keyrings.alt.file"  # as keyrings.alt's would be, if it were installed
    before = keyring.get_keyring()
    keyring.set_keyring(PlaintextKeyring())
    try:
        assert store_name() is None
        with pytest.raises(PasswordStoreError):
            remember(ServerSettings("h", 5432, "d", "u"), "x")
    finally:
        keyring.set_keyring(before)
