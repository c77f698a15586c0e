"""Crash safety: kill the editing process with SIGKILL at random moments; no acknowledged edit may be lost.

    python benchmarks/bench_crash.py [--cycles 100] [--seed N] [--db PATH]

Each kill cycle starts benchmarks/crash_driver.py — a headless driver making a stream of edits through the
app's own services (open_database, ReportEditor.set_cell_text / set_text) — kills it with SIGKILL after a
random 0.05–0.6 s (one cycle in ten during its start-up), reopens the database with a fresh engine and checks
that every edit acknowledged before the kill is there, that totals and check counts agree with the values and
that `PRAGMA integrity_check` answers "ok". The next cycle continues on the same database (crash_harness.py).
Target: lost edits 0 and integrity ok over at least 100 cycles.

What this does and does not cover: SIGKILL ends the process but not the operating system, whose page cache
still holds every write the process made, so this measures process crashes — the app killed from the task
manager, a crash, a forced log-off — the common case on office PCs. It cannot show survival of a power cut or
an OS crash; that is what `PRAGMA synchronous=FULL` (models/database.py) adds on top: SQLite fsyncs the WAL on
every commit, so a commit that returned is on the disk, not just in the cache. (NORMAL would be just as safe
against the process kills tested here; it could lose the last transactions on power loss.)
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from crash_harness import run_cycles


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cycles", type=int, default=100)
    parser.add_argument("--seed", type=int, default=None, help="random seed of the kill moments")
    parser.add_argument("--db", type=Path, default=None, help="database to use (default: a temporary one)")
    args = parser.parse_args()
    seed = args.seed if args.seed is not None else random.randrange(2**32)

    start = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        db_path = args.db or Path(tmp) / "crash.sqlite3"
        result = run_cycles(db_path, args.cycles, random.Random(seed))
    elapsed = time.perf_counter() - start

    print(f"kill cycles: {result.cycles} (seed {seed}; SIGKILL after 0.05–0.6 s of edits, 1 in 10 at start-up)")
    print(f"acknowledged edits: {result.acknowledged} ({result.acknowledged / max(result.cycles, 1):.0f} per cycle)")
    print(f"lost edits: {result.lost}")
    print(f"integrity: {'ok' if result.integrity_ok else 'FAILED'}")
    print(
        f"totals and check counts consistent: {'ok' if result.inconsistent == 0 else 'FAILED'}"
        f"{'' if result.inconsistent == 0 else f' after {result.inconsistent} cycles'}"
    )
    for line in result.details[:20]:
        print(f"  {line}")
    if len(result.details) > 20:
        print(f"  … and {len(result.details) - 20} more")
    print(
        f"elapsed: {elapsed:.1f} s ({elapsed / max(result.cycles, 1):.2f} s per cycle); "
        f"target lost 0, integrity ok: {'ok' if result.ok else 'MISSED'}"
    )
    return 0 if result.ok else 1


if __name__ == "__main__":
    sys.exit(main())
