"""Speed of the check engine and of importing many reports, each against a floor measured in the same run.

    python benchmarks/bench_checks.py [--reports 1000]

1. A full check of a filled 2021 report (every rule). Floor: one plain pass that reads every cell of the report
   and adds it up — the least any check of the tables must do. Target: median under 1 ms.
2. Importing N exchange files into a fresh SQLite database, one transaction per report, through the same
   services the `import` command uses. Peer: the same rows written by the bare sqlite3 module with executemany,
   one transaction per report, durable (WAL, synchronous=FULL) like ours. Target: N=1000 under 20 s.
"""

from __future__ import annotations

import argparse
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from models.database import open_database
from services.checks import check_report
from services.exchange import read_exchange, write_exchange
from services.storage import save_report
from services.values import to_text
from tests.factories import SAMPLE, filled_report


def median_seconds(fn: Callable[[], object], repeat: int, number: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        for _ in range(number):
            fn()
        times.append((time.perf_counter() - start) / number)
    return statistics.median(times)


def bench_check() -> tuple[float, float, float]:
    """(warm, cold, floor): warm = texts unchanged since the last check (a cell edit); cold = every text new."""
    report = filled_report("2021")
    previous = filled_report("2021", year=report.year - 1, seed=2)
    sample = read_exchange(SAMPLE) if SAMPLE.exists() else None
    if sample is not None:  # real narrative, ~3,000 characters, so that the text rules do real work
        report.texts = dict(sample.texts)
        previous.texts = {k: v[len(v) // 3 :] + v[: len(v) // 3] for k, v in sample.texts.items()}
    variants = []
    for i in range(300):
        variant = report.copy()
        variant.texts = {k: f"{v}（第{i}稿）" for k, v in report.texts.items()}
        variants.append(variant)
    cold_iter = iter(variants * 50)

    def floor() -> object:
        total = 0
        for value in report.cells.values():
            total += value  # type: ignore[assignment]
        return total

    warm = median_seconds(lambda: check_report(report, previous), repeat=15, number=200)
    cold = median_seconds(lambda: check_report(next(cold_iter), previous), repeat=15, number=20)
    base = median_seconds(floor, repeat=15, number=200)
    return warm, cold, base


def bench_import(n: int, work: Path) -> tuple[float, float]:
    files = []
    for i in range(n):
        report = filled_report("2021" if i % 2 else "2019", agency=f"第{i:04d}号单位", seed=i)
        path = work / f"r{i:04d}.json"
        write_exchange(report, path)
        files.append(path)

    db = open_database(str(work / "ours.sqlite3"))
    start = time.perf_counter()
    for path in files:
        report = read_exchange(path)
        with db.sessions.begin() as session:
            save_report(session, report)
    ours = time.perf_counter() - start
    db.engine.dispose()

    con = sqlite3.connect(work / "peer.sqlite3", isolation_level=None)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("PRAGMA synchronous=FULL")
    con.execute("CREATE TABLE cell (report INTEGER, tbl TEXT, row TEXT, col TEXT, value TEXT)")
    con.execute("CREATE TABLE txt (report INTEGER, key TEXT, body TEXT)")
    start = time.perf_counter()
    for i, path in enumerate(files):
        report = read_exchange(path)
        con.execute("BEGIN")
        con.executemany(
            "INSERT INTO cell VALUES (?,?,?,?,?)", [(i, *key, to_text(v)) for key, v in report.cells.items()]
        )
        con.executemany("INSERT INTO txt VALUES (?,?,?)", [(i, k, v) for k, v in report.texts.items()])
        con.execute("COMMIT")
    peer = time.perf_counter() - start
    con.close()
    return ours, peer


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--reports", type=int, default=1000)
    args = parser.parse_args()

    warm, cold, floor = bench_check()
    for what, ours in (("after a cell edit", warm), ("every text changed", cold)):
        print(
            f"check 2021 report, all rules with last year, {what}: median {ours * 1e3:.3f} ms; "
            f"floor (sum every cell once) {floor * 1e3:.4f} ms; ratio {ours / floor:.0f}x; "
            f"target < 1 ms: {'ok' if ours < 1e-3 else 'MISSED'}"
        )
    with tempfile.TemporaryDirectory() as tmp:
        ours, peer = bench_import(args.reports, Path(tmp))
    target = 20.0 * args.reports / 1000
    print(
        f"import {args.reports} exchange files into a fresh SQLite database: {ours:.2f} s "
        f"({ours / args.reports * 1e3:.1f} ms per report); peer (bare sqlite3 executemany, same durability) "
        f"{peer:.2f} s; ratio {ours / peer:.1f}x; target < {target:.0f} s: {'ok' if ours < target else 'MISSED'}"
    )


if __name__ == "__main__":
    main()
