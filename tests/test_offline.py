"""The app opens no network connection while starting, checking, printing, importing and exporting.

Two guards. In this process, socket.socket.connect / connect_ex, socket.create_connection and
socket.getaddrinfo are replaced for the whole test by functions that record the call and raise, and an audit
hook records the interpreter's own "socket.connect" / "socket.getaddrinfo" events (which also see code that
goes around the socket module's Python layer). In child processes — the real CLI commands and a real window
start-up — a `sitecustomize.py` put first on PYTHONPATH installs the same guard at interpreter start; any
attempt writes a marker file and ends the process with exit status 97, so no `except Exception` can hide it.
A control test makes a child connect on purpose and sees the marker appear, so these tests can fail.

What this cannot see: connections made inside Qt's C++ (QtNetwork) without Python. The window test therefore
also asserts that QtNetwork was never imported.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from services.exchange import dump_exchange
from tests.factories import filled_report

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "resources" / "samples" / "guiyang-rfb-2020.json"
AGENCY, YEAR = "贵阳市人民防空办公室", "2020"
GUARD_EXIT = 97

SITECUSTOMIZE = f'''"""Installed by tests/test_offline.py: any network attempt in this process is recorded and fatal."""
import os
import socket
import sys

_MARKER = os.environ["NIANBAO_NET_MARKER"]


def _caught(what, detail):
    with open(_MARKER, "a", encoding="utf-8") as f:
        f.write(f"{{what}} {{detail!r}} in {{sys.argv!r}}\\n")
    os._exit({GUARD_EXIT})


def _connect(self, address, *args, **kwargs):
    _caught("socket.connect", address)


def _create_connection(address, *args, **kwargs):
    _caught("socket.create_connection", address)


def _getaddrinfo(host, *args, **kwargs):
    _caught("socket.getaddrinfo", host)


socket.socket.connect = _connect
socket.socket.connect_ex = _connect
socket.create_connection = _create_connection
socket.getaddrinfo = _getaddrinfo


def _audit(event, args):
    if event in ("socket.connect", "socket.getaddrinfo", "socket.gethostbyname", "socket.sendto"):
        _caught(event, args)


sys.addaudithook(_audit)
'''


class NetworkAttempt(AssertionError):
    pass


# An audit hook cannot be removed, so one is installed for the session and only records while a test's guard is on.
_AUDIT_LOG: list[list[str]] = []


def _audit(event: str, args: tuple[Any, ...]) -> None:
    if _AUDIT_LOG and event in ("socket.connect", "socket.getaddrinfo", "socket.gethostbyname", "socket.sendto"):
        _AUDIT_LOG[-1].append(f"{event} {args!r}")


sys.addaudithook(_audit)


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """For the whole test: every connection attempt in this process is recorded and refused."""
    attempts: list[str] = []

    def refuse(what: str) -> Callable[..., Any]:
        def refused(*args: Any, **kwargs: Any) -> Any:
            attempts.append(f"{what} {args!r}")
            raise NetworkAttempt(f"network attempt: {what} {args!r}")

        return refused

    monkeypatch.setattr(socket.socket, "connect", refuse("socket.connect"))
    monkeypatch.setattr(socket.socket, "connect_ex", refuse("socket.connect_ex"))
    monkeypatch.setattr(socket, "create_connection", refuse("socket.create_connection"))
    monkeypatch.setattr(socket, "getaddrinfo", refuse("socket.getaddrinfo"))
    audited: list[str] = []
    _AUDIT_LOG.append(audited)
    try:
        yield attempts
    finally:
        _AUDIT_LOG.remove(audited)
    attempts.extend(audited)


class GuardedChild:
    """Runs Python children with the sitecustomize guard; `marker` appears if any of them tried the network."""

    def __init__(self, tmp_path: Path) -> None:
        self.guard_dir = tmp_path / "guard"
        self.guard_dir.mkdir()
        (self.guard_dir / "sitecustomize.py").write_text(SITECUSTOMIZE, encoding="utf-8")
        self.marker = tmp_path / "network-attempted.txt"
        self.data_dir = tmp_path / "data"
        self.cwd = tmp_path

    def env(self) -> dict[str, str]:
        path = os.pathsep.join(p for p in (str(self.guard_dir), str(ROOT), os.environ.get("PYTHONPATH")) if p)
        return {
            **os.environ,
            "PYTHONPATH": path,
            "NIANBAO_NET_MARKER": str(self.marker),
            "QT_QPA_PLATFORM": "offscreen",
        }

    def python(self, *args: str | Path) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, *map(str, args)], capture_output=True, text=True, cwd=self.cwd, env=self.env(), timeout=300
        )

    def cli(self, *args: str | Path, expect: int = 0) -> str:
        done = self.python(ROOT / "main.py", "--data-dir", self.data_dir, *args)
        assert not self.marker.exists(), self.marker.read_text(encoding="utf-8")
        assert done.returncode == expect, (args, done.returncode, done.stdout, done.stderr)
        return done.stdout


@pytest.fixture
def child(tmp_path: Path) -> GuardedChild:
    return GuardedChild(tmp_path)


def test_the_child_guard_catches_a_connection_so_these_tests_can_fail(child: GuardedChild) -> None:
    done = child.python("-c", "import socket; socket.create_connection(('127.0.0.1', 9), timeout=1)")
    assert done.returncode == GUARD_EXIT, (done.stdout, done.stderr)
    assert child.marker.exists()
    assert "create_connection" in child.marker.read_text(encoding="utf-8")


def test_the_child_guard_catches_a_lookup_below_the_socket_module(child: GuardedChild) -> None:
    done = child.python("-c", "import _socket; _socket.getaddrinfo('example.org', 80)")
    assert done.returncode == GUARD_EXIT, (done.stdout, done.stderr)
    assert "getaddrinfo" in child.marker.read_text(encoding="utf-8")


def test_the_in_process_guard_records_and_refuses(no_network: list[str]) -> None:
    with pytest.raises(NetworkAttempt):
        socket.create_connection(("127.0.0.1", 9), timeout=1)
    with pytest.raises(NetworkAttempt):
        socket.getaddrinfo("example.org", 80)
    assert len(no_network) == 2


def test_the_cli_commands_open_no_connection(
    child: GuardedChild, tmp_path: Path, sample_text_path: Path, no_network: list[str]
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    db = tmp_path / "n.sqlite3"

    assert "SIGN_DATE" in child.cli("check", SAMPLE)
    json.loads(child.cli("check", SAMPLE, "--json"))
    child.cli("pdf", SAMPLE, "-o", out / "r.pdf", "--check-report", out / "check.pdf")
    assert (out / "r.pdf").read_bytes().startswith(b"%PDF") and (out / "check.pdf").stat().st_size > 0

    child.cli("--db", db, "import", SAMPLE)
    child.cli("--db", db, "import", sample_text_path, "--agency", AGENCY, "--replace")
    for suffix in (".json", ".xlsx", ".docx", ".html", ".pdf"):
        child.cli("--db", db, "export", AGENCY, YEAR, "-o", out / f"export{suffix}")
        assert (out / f"export{suffix}").stat().st_size > 0
    child.cli("--db", db, "backups")

    units = []
    for i, name in enumerate(("教育局", "民政局")):
        path = tmp_path / f"unit{i}.json"
        path.write_text(dump_exchange(filled_report("2021", agency=f"某县{name}", seed=i)), encoding="utf-8")
        units.append(path)
    child.cli("aggregate", *units, "-o", out / "sum.json", "--name", "某县汇总")
    child.cli("aggregate", *units, "-o", out / "sum.xlsx", "--name", "某县汇总")
    # the sum has no narrative or signature yet: REQUIRED errors, exit 1 (tests/test_finalise_blockers.py)
    assert "尚未填写" in child.cli("check", out / "sum.json", expect=1)

    assert not child.marker.exists()
    assert no_network == []


def test_a_real_window_start_up_in_a_child_opens_no_connection(
    child: GuardedChild, tmp_path: Path, no_network: list[str]
) -> None:
    db = tmp_path / "n.sqlite3"
    child.cli("--db", db, "import", SAMPLE)
    # the same start-up the benchmark measures: a fresh process, the window, the last report reopened
    done = child.python(ROOT / "benchmarks" / "ui_startup_child.py", "bare")
    assert done.returncode == 0 and "shown" in done.stdout, done.stderr
    code = (
        "import sys; sys.path.insert(0, sys.argv[1])\n"
        "from PySide6.QtWidgets import QApplication\n"
        "from models.database import open_database\n"
        "from ui.main_window import MainWindow\n"
        "app = QApplication([])\n"
        "db = open_database(sys.argv[2])\n"
        "w = MainWindow(db, sys.argv[3]); w.show(); w.open_sample(); app.processEvents()\n"
        "assert w.session is not None and w.report_pdf()\n"
        "assert 'PySide6.QtNetwork' not in sys.modules\n"
        "w.close(); db.dispose(); print('shown')\n"
    )
    done = child.python("-c", code, ROOT, db, tmp_path / "gui-data")
    assert not child.marker.exists(), child.marker.read_text(encoding="utf-8")
    assert done.returncode == 0 and "shown" in done.stdout, done.stderr
    assert no_network == []


def test_the_window_opens_no_connection(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, no_network: list[str]
) -> None:
    from pypdf import PdfReader
    from PySide6.QtWidgets import QFileDialog

    from models.database import open_database
    from ui.main_window import MainWindow

    db = open_database(tmp_path / "gui.sqlite3")
    try:
        window = MainWindow(db, str(tmp_path / "data"))
        qtbot.addWidget(window)
        window.show()
        window.open_sample()
        assert window.session is not None
        pdf = window.report_pdf()
        assert pdf is not None and pdf.startswith(b"%PDF")
        monkeypatch.setattr(
            QFileDialog, "getSaveFileName", staticmethod(lambda *args: (str(tmp_path / "check.pdf"), ""))
        )
        window.export_check_report()
        assert len(PdfReader(tmp_path / "check.pdf").pages) >= 1
        window.close()
    finally:
        db.dispose()
    assert "PySide6.QtNetwork" not in sys.modules
    assert no_network == []
