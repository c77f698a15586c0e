"""A PostgreSQL server for the shared-database tests, and a fresh database on it for each test.

CI (.ci/run) starts the system's cluster and names a role that may create databases in NIANBAO_TEST_PG_URL.
Without that variable, a throwaway cluster is made with the installed server binaries in a temporary folder
and stopped at the end of the session. Without either the tests fail: a skipped test proves nothing.
"""

from __future__ import annotations

import contextlib
import glob
import os
import secrets
import shlex
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, make_url, text
from sqlalchemy.exc import OperationalError

ENV_URL = "NIANBAO_TEST_PG_URL"
MISSING = (
    "PostgreSQL server binaries are needed for the shared-database tests: apt-get install postgresql "
    f"(.ci/run does), or set {ENV_URL}=postgresql+psycopg://user:password@host/db (a role that may CREATE "
    "DATABASE)"
)
SUPERUSER = "nianbao"
"""The superuser of a throwaway cluster (127.0.0.1 only)."""
SUPERUSER_PASSWORD = "nianbao_throwaway"
"""A password checked as an office server checks it (scram-sha-256 over TCP), so a wrong one is refused."""


@contextlib.contextmanager
def postgres_url() -> Iterator[str]:
    """The URL of a database on a running server whose role may create databases; for the whole session."""
    given = os.environ.get(ENV_URL, "").strip()
    if given:
        _check_reachable(given)
        yield given
        return
    bindir = _server_bindir()
    if bindir is None:
        pytest.fail(MISSING, pytrace=False)
    cluster = ThrowawayCluster(bindir)
    try:
        cluster.start()
        yield cluster.url
    finally:
        cluster.stop()


@contextlib.contextmanager
def own_cluster() -> Iterator[ThrowawayCluster]:
    """A server of the test's own, always a throwaway one (even in CI): for a test that stops and starts it."""
    bindir = _server_bindir()
    if bindir is None:
        pytest.fail(MISSING, pytrace=False)
    cluster = ThrowawayCluster(bindir, durable=True)
    try:
        cluster.start()
        yield cluster
    finally:
        cluster.stop()


@contextlib.contextmanager
def fresh_database(server_url: str) -> Iterator[str]:
    """A new, empty database (UTF-8, C collation) on the server, dropped afterwards; yields its URL."""
    name = f"nb_{secrets.token_hex(6)}"
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            # template0 and explicit encoding: a cluster made in a POSIX locale would otherwise hand out
            # SQL_ASCII databases, which cannot hold Chinese text faithfully.
            conn.execute(text(f"CREATE DATABASE {name} TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C'"))
        try:
            yield make_url(server_url).set(database=name).render_as_string(hide_password=False)
        finally:
            with admin.connect() as conn:
                # FORCE: a connection the test forgot to close must not leave the database behind.
                conn.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
    finally:
        admin.dispose()


def _check_reachable(url: str) -> None:
    engine = create_engine(url)
    problem = None
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except OperationalError as exc:
        problem = str(exc.orig)
    finally:
        engine.dispose()
    if problem is not None:
        shown = make_url(url).render_as_string(hide_password=True)
        pytest.fail(f"{ENV_URL}={shown} is set but the server does not answer: {problem}", pytrace=False)


def _server_bindir() -> Path | None:
    """The newest installed server's bin folder (Debian: /usr/lib/postgresql/<major>/bin), else from PATH."""
    found = [Path(p).parent for p in glob.glob("/usr/lib/postgresql/*/bin/initdb")]
    found = [d for d in found if (d / "pg_ctl").exists()]
    if found:
        return max(found, key=lambda d: int(d.parent.name) if d.parent.name.isdigit() else 0)
    initdb, pg_ctl = shutil.which("initdb"), shutil.which("pg_ctl")
    if initdb and pg_ctl and Path(initdb).parent == Path(pg_ctl).parent:
        return Path(initdb).parent
    return None


class ThrowawayCluster:
    """A private PostgreSQL cluster in a temporary folder, listening on a free port of 127.0.0.1."""

    def __init__(self, bindir: Path, *, durable: bool = False) -> None:
        self.bindir = bindir
        self.durable = durable
        """Commits survive a crash (halt): for a test that stops the server; the others trade it for speed."""
        self.root = Path(tempfile.mkdtemp(prefix="nianbao-pg-"))
        self.data = self.root / "data"
        self.log = self.root / "server.log"
        self.port = _free_port()
        self.started = False
        self.options = ""
        # initdb refuses to run as root: then the cluster belongs to the `postgres` system user.
        self.owner: str | None = None
        if os.geteuid() == 0:
            try:
                import pwd  # POSIX only: the throwaway cluster is made on Linux (CI on Windows sets the URL)

                entry = pwd.getpwnam("postgres")
            except KeyError:
                pytest.fail(
                    "running as root, and there is no `postgres` system user to own a test cluster "
                    "(initdb refuses root): " + MISSING,
                    pytrace=False,
                )
            self.owner = entry.pw_name
            os.chown(self.root, entry.pw_uid, entry.pw_gid)

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://{SUPERUSER}:{SUPERUSER_PASSWORD}@127.0.0.1:{self.port}/postgres"

    def start(self) -> None:
        password_file = self.root / "password"
        password_file.write_text(SUPERUSER_PASSWORD)
        if self.owner is not None:
            shutil.chown(password_file, self.owner)
        self._run(
            "initdb",
            "-D",
            str(self.data),
            "-U",
            SUPERUSER,
            f"--pwfile={password_file}",
            "--auth-local=trust",
            "--auth-host=scram-sha-256",
            "-E",
            "UTF8",
            "--locale=C",
            "--no-sync",
        )
        options = f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1"
        if not self.durable:
            # Durability is not under test here; fsync off makes each CREATE DATABASE a few times faster.
            options += " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        self.options = options
        self.resume()

    def halt(self) -> None:
        """Stop the server as a power cut or a restart would (the cluster stays, to start again)."""
        self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
        self.started = False

    def resume(self) -> None:
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-w", "-t", "60", "-o", self.options, "start")
        self.started = True

    def stop(self) -> None:
        try:
            if self.started:
                self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop", check=False)
        finally:
            shutil.rmtree(self.root, ignore_errors=True)

    def _run(self, program: str, *args: str, check: bool = True) -> None:
        command = [str(self.bindir / program), *args]
        if self.owner is not None:
            runuser = shutil.which("runuser")
            command = (
                [runuser, "-u", self.owner, "--", *command]
                if runuser
                else ["su", self.owner, "-s", "/bin/sh", "-c", shlex.join(command)]
            )
        result = subprocess.run(command, capture_output=True, text=True, cwd=self.root, check=False)
        if check and result.returncode != 0:
            log = self.log.read_text(errors="replace") if self.log.exists() else ""
            pytest.fail(
                f"could not run a throwaway PostgreSQL cluster ({program} exited {result.returncode}):\n"
                f"{result.stdout}{result.stderr}{log}",
                pytrace=False,
            )


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port
