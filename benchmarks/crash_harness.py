"""Kill the editing process at random moments and check that no acknowledged edit was lost.

Each cycle starts crash_driver.py in a child process on the same database, reads its "ack" lines in a thread,
lets it edit for a random 0.05–0.6 s (one cycle in ten is instead killed at a random moment of its start-up:
importing, opening the database, recovering the WAL the previous kill left behind) and ends it with SIGKILL.
Then, from this process and with a fresh engine, it checks:

* every key's last acknowledged value is what the database holds; the one edit that may have been in flight
  at the kill (number last ack + 1) may or may not be there — both are fine — and keys the cycle did not touch
  must still hold what the previous cycle left;
* the report's version rose by exactly one per acknowledged edit (plus, perhaps, the one in flight), so an
  acknowledged edit that a later one to the same cell overwrote cannot go missing unnoticed either;
* the stored totals equal the sums of their parts and the stored error/warning counts equal a fresh check
  (an edit, its totals and its counts are one transaction: all or nothing);
* `PRAGMA integrity_check` through the plain sqlite3 module answers "ok".

The next cycle carries on from whatever the database holds. A kill of the process leaves the operating
system's page cache intact, so this tests process crashes, not power cuts (see bench_crash.py).
"""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Mapping, Sequence
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path

# The repository for the app's packages; this folder for crash_driver, so that this module imports the same
# way whether run from a benchmark script (its folder is on the path) or from a test.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from crash_driver import UNSAFE_ENV, Edit, edited_keys, planned_edit

from models.database import open_database
from services import storage
from services.checks import check_report, errors, recompute_totals
from services.formats import ReportFormat, get_format
from services.values import to_text
from tests.factories import filled_report

ROOT = Path(__file__).resolve().parent.parent
DRIVER = Path(__file__).with_name("crash_driver.py")
FIRST_EDIT = 1000
"""Edit numbers start above the factory's values (1–40), so every edit really changes its cell."""
KILL_AFTER = (0.05, 0.6)
STARTUP_KILL_SHARE = 0.1
STARTUP_KILL_WITHIN = 0.5
READY_TIMEOUT = 60.0

Key = tuple[str, ...]
Snapshot = dict[Key, str]


class DriverError(RuntimeError):
    """The driver failed on its own (a bug in the driver or the app), not because it was killed."""


@dataclass
class CrashResult:
    cycles: int
    acknowledged: int
    lost: int
    integrity_ok: bool
    details: list[str] = field(default_factory=list)
    """One line per problem found: a lost edit, an inconsistent report, a failed integrity check."""
    inconsistent: int = 0
    """Cycles after which stored totals or check counts disagreed with the stored values."""

    @property
    def ok(self) -> bool:
        return self.lost == 0 and self.integrity_ok and self.inconsistent == 0


@dataclass(frozen=True)
class Ack:
    n: int
    key: Key
    value: str
    """The cell's value, or for a text its length."""


def parse_ack(line: str) -> Ack | None:
    """An "ack …" line of the driver; None for any other line."""
    parts = line.split()
    if len(parts) < 5 or parts[0] != "ack":
        return None
    if parts[2] == "text":
        return Ack(int(parts[1]), ("text", parts[3]), parts[4])
    return Ack(int(parts[1]), tuple(parts[2:-1]), parts[-1])


def lost_edits(
    expected: Mapping[Key, tuple[int | None, str]], in_flight: Edit | None, stored: Mapping[Key, str]
) -> list[str]:
    """The acknowledged values the database does not hold, one message each.

    `expected` maps each key to (number of its last acknowledged edit, or None for the state the cycle began
    with; value). `in_flight` is the edit that may have committed just before the kill without being
    acknowledged: holding its value instead is fine.
    """
    problems = []
    for key, (n, value) in expected.items():
        held = stored.get(key)
        if held == value or (in_flight is not None and in_flight.key == key and held == in_flight.value):
            continue
        what = f"edit {n}" if n is not None else "the value from before this cycle"
        problems.append(f"lost {what} of {'.'.join(key)}: expected {_short(value)}, database holds {_short(held)}")
    return problems


def integrity(db_path: Path) -> list[str]:
    """PRAGMA integrity_check by the plain sqlite3 module: [] when the answer is "ok", else its lines."""
    with closing(sqlite3.connect(db_path)) as con:
        rows = [str(row[0]) for row in con.execute("PRAGMA integrity_check")]
        mode = con.execute("PRAGMA journal_mode").fetchone()[0]
    problems = [] if rows == ["ok"] else [f"integrity_check: {row}" for row in rows]
    if mode != "wal":
        problems.append(f"journal_mode is {mode}, not wal")
    return problems


@dataclass
class _Stored:
    snapshot: Snapshot
    version: int
    inconsistencies: list[str]


def read_stored(db_path: Path, report_id: int, fmt: ReportFormat) -> _Stored:
    """The edited keys, the version and the consistency of the report, read with a brand-new engine."""
    db = open_database(db_path, create=False)
    try:
        with db.transaction() as session:
            report = storage.load_report(session, report_id)
            version = storage.report_version(session, report_id)
            previous = storage.previous_report(session, report)
            [summary] = [s for s in storage.list_reports(session) if s.id == report_id]
    finally:
        db.dispose()
    snapshot: Snapshot = {}
    for key in edited_keys(fmt):
        if key[0] == "text":
            snapshot[key] = report.text(key[1])
        else:
            value = report.get(*key)
            snapshot[key] = "" if value is None else to_text(value)
    problems = []
    moved = recompute_totals(report.copy())
    if moved:
        problems.append(f"stored totals differ from the sums of their parts: {sorted(moved)[:5]}")
    findings = check_report(report, previous)
    n_err = len(errors(findings))
    if (summary.errors, summary.warnings) != (n_err, len(findings) - n_err):
        problems.append(
            f"stored check counts {summary.errors}/{summary.warnings} differ from a fresh check "
            f"{n_err}/{len(findings) - n_err}"
        )
    return _Stored(snapshot, version, problems)


def prepare(db_path: Path) -> int:
    """The id of the report the driver edits: the first stored one, or a new filled 2021 report."""
    db = open_database(db_path)
    try:
        with db.transaction() as session:
            summaries = storage.list_reports(session)
            if summaries:
                return summaries[0].id
            report = filled_report("2021")
            report_id = storage.save_report(session, report)
            # As the app leaves it once checked, so that every state can be held to its stored counts.
            findings = check_report(report, None)
            n_err = len(errors(findings))
            storage.set_counts(session, report_id, n_err, len(findings) - n_err)
            return report_id
    finally:
        db.dispose()


def highest_edit_number(snapshot: Mapping[Key, str]) -> int:
    """The largest edit number found in the database (cells hold their n, texts start with 第n次)."""
    highest = FIRST_EDIT - 1
    for key, value in snapshot.items():
        if key[0] == "text":
            if value.startswith("第") and "次" in value:
                digits = value[1 : value.index("次")]
                if digits.isdigit():
                    highest = max(highest, int(digits))
        elif value.isdigit():
            highest = max(highest, int(value))
    return highest


def _run_driver(db_path: Path, report_id: int, first: int, rng: random.Random, unsafe: bool) -> list[Ack]:
    env = dict(os.environ)
    env.pop(UNSAFE_ENV, None)
    if unsafe:
        env[UNSAFE_ENV] = "1"
    proc = subprocess.Popen(
        [sys.executable, str(DRIVER), str(db_path), str(report_id), str(first)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        encoding="utf-8",
    )
    acks: list[Ack] = []
    ready = threading.Event()
    assert proc.stdout is not None and proc.stderr is not None

    def read() -> None:
        # Reads to EOF: lines already in the pipe when the kill lands were acknowledged and are kept.
        assert proc.stdout is not None
        for line in proc.stdout:
            if line.startswith("ready"):
                ready.set()
            elif line.endswith("\n") and (ack := parse_ack(line)) is not None:  # a cut-off line was not sent
                acks.append(ack)

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    try:
        if rng.random() < STARTUP_KILL_SHARE:
            time.sleep(rng.uniform(0.0, STARTUP_KILL_WITHIN))
        else:
            deadline = time.monotonic() + READY_TIMEOUT
            while not ready.wait(0.05):
                if proc.poll() is not None or time.monotonic() > deadline:
                    proc.kill()
                    proc.wait()
                    raise DriverError(f"the driver did not get ready (exit {proc.returncode}): {proc.stderr.read()}")
            time.sleep(rng.uniform(*KILL_AFTER))
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=READY_TIMEOUT)
        reader.join(timeout=READY_TIMEOUT)
        if proc.returncode != -signal.SIGKILL:
            raise DriverError(f"the driver ended by itself (exit {proc.returncode}): {proc.stderr.read()}")
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        proc.stdout.close()
        proc.stderr.close()
    return acks


def run_cycles(db_path: Path, cycles: int, rng: random.Random, *, unsafe: bool = False) -> CrashResult:
    """Edit, SIGKILL and verify `cycles` times on the database at `db_path` (created when missing).

    `unsafe` makes the driver acknowledge before committing — only to show that losses are detected.
    """
    db_path = Path(db_path)
    report_id = prepare(db_path)
    fmt = get_format("2021")
    before = read_stored(db_path, report_id, fmt)
    result = CrashResult(cycles=0, acknowledged=0, lost=0, integrity_ok=True, details=list(before.inconsistencies))
    next_n = highest_edit_number(before.snapshot) + 2
    for cycle in range(1, cycles + 1):
        acks = _run_driver(db_path, report_id, next_n, rng, unsafe)
        _check_sequence(acks, next_n, fmt)
        in_flight = planned_edit(fmt, acks[-1].n + 1 if acks else next_n)

        result.cycles += 1
        result.acknowledged += len(acks)
        problems = integrity(db_path)
        if problems:
            # A damaged file is the finding; the app refuses to open it, so the run cannot go on.
            result.integrity_ok = False
            result.details.extend(f"cycle {cycle}: {p}" for p in problems)
            break
        after = read_stored(db_path, report_id, fmt)

        expected: dict[Key, tuple[int | None, str]] = {k: (None, v) for k, v in before.snapshot.items()}
        for ack in acks:
            expected[ack.key] = (ack.n, planned_edit(fmt, ack.n).value)
        lost = lost_edits(expected, in_flight, after.snapshot)
        # Each acknowledged edit stepped the version once; the edit in flight may have added one more. A
        # shortfall also catches an acknowledged edit that a later one to the same key had overwritten.
        shortfall = before.version + len(acks) - after.version
        result.lost += max(len(lost), shortfall)
        if shortfall > 0:
            lost.append(f"version {after.version} < {before.version} + {len(acks)} acknowledged edits")
        result.details.extend(f"cycle {cycle}: {p}" for p in lost)
        inconsistencies = list(after.inconsistencies)
        if after.version > before.version + len(acks) + 1:
            inconsistencies.append(f"version {after.version} > {before.version} + {len(acks)} edits + 1 in flight")
        if inconsistencies:
            result.inconsistent += 1
            result.details.extend(f"cycle {cycle}: {p}" for p in inconsistencies)

        next_n = (acks[-1].n if acks else next_n - 1) + 2  # never reuse the number that may be in the db
        before = after
    return result


def _check_sequence(acks: Sequence[Ack], first: int, fmt: ReportFormat) -> None:
    """The driver acknowledges consecutive edits, each as planned; anything else is a driver bug."""
    for i, ack in enumerate(acks):
        edit = planned_edit(fmt, first + i)
        shown = str(len(edit.value)) if edit.is_text else edit.value
        if (ack.n, ack.key, ack.value) != (edit.n, edit.key, shown):
            raise DriverError(f"acknowledgement {ack} does not match the planned edit {edit.ack_line()}")


def _short(value: str | None) -> str:
    if value is None:
        return "nothing"
    return repr(value if len(value) <= 24 else value[:20] + "…")
