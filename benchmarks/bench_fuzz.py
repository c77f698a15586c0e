"""Fuzz every reader with the generators of tests/fuzzing.py: 10,000 inputs each by default, 0 crashes allowed.

    python benchmarks/bench_fuzz.py [--inputs 10000] [--only exchange …] [--workers N] [--reproduce READER:N]

Input number N of a reader is always the same (a seeded generator), so a crash is reproduced with
`--reproduce excel:1234`. Accepted reports are checked and imported into a scratch database in a transaction
that is rolled back. One line per reader: inputs, crashes, refused with a message, accepted, elapsed.
Exit status 1 if anything crashed.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from models.database import Database, open_database
from tests.fuzzing import BENCH_INPUTS, READERS, Crash, generate, run_one

_database: Database | None = None


@dataclass
class Tally:
    counts: Counter[str] = field(default_factory=Counter)
    crashes: list[tuple[int, str]] = field(default_factory=list)

    def add(self, other: Tally) -> None:
        self.counts.update(other.counts)
        self.crashes += other.crashes


def _worker_database() -> Database:
    global _database
    if _database is None:
        _database = open_database(Path(tempfile.mkdtemp(prefix="nianbao-fuzz-")) / "fuzz.sqlite3")
    return _database


def run_range(reader: str, start: int, stop: int) -> Tally:
    """Inputs start…stop-1 of a reader, in this process."""
    tally = Tally()
    database = None if reader == "values" else _worker_database()
    for n in range(start, stop):
        try:
            tally.counts[run_one(reader, generate(reader, n), database)] += 1
        except Crash as crash:
            tally.counts["crash"] += 1
            tally.crashes.append((n, crash.what.splitlines()[0][:300]))
    return tally


def fuzz(reader: str, inputs: int, workers: int) -> tuple[Tally, float]:
    start = time.perf_counter()
    chunk = max(50, inputs // (workers * 8))
    ranges = [(n, min(n + chunk, inputs)) for n in range(0, inputs, chunk)]
    tally = Tally()
    if workers <= 1:
        for a, b in ranges:
            tally.add(run_range(reader, a, b))
    else:
        with ProcessPoolExecutor(workers) as pool:
            for part in pool.map(run_range, [reader] * len(ranges), [a for a, _ in ranges], [b for _, b in ranges]):
                tally.add(part)
    return tally, time.perf_counter() - start


def reproduce(spec: str) -> int:
    reader, _, number = spec.partition(":")
    data = generate(reader, int(number))
    print(f"input: {data!r}"[:4000])
    try:
        print(run_one(reader, data, None if reader == "values" else _worker_database()))
    except Crash as crash:
        print(crash)
        raise
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--inputs", type=int, default=BENCH_INPUTS)
    parser.add_argument("--only", nargs="+", choices=READERS, default=list(READERS))
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--reproduce", metavar="READER:N")
    args = parser.parse_args(argv)
    if args.reproduce:
        return reproduce(args.reproduce)
    crashed = 0
    total = time.perf_counter()
    for reader in args.only:
        tally, elapsed = fuzz(reader, args.inputs, args.workers)
        c = tally.counts
        print(
            f"{reader}: {args.inputs} inputs; crashes {c['crash']}; refused with a message {c['refused']}; "
            f"accepted {c['accepted']}; {elapsed:.1f} s",
            flush=True,
        )
        kinds = Counter(what.split(":")[0] for _, what in tally.crashes)
        for kind, count in kinds.most_common():
            first = next(n for n, what in tally.crashes if what.split(":")[0] == kind)
            print(f"  crash {kind} × {count}, e.g. --reproduce {reader}:{first}", flush=True)
        crashed += c["crash"]
    print(f"total {time.perf_counter() - total:.1f} s; {crashed} crashes")
    return 1 if crashed else 0


if __name__ == "__main__":
    sys.exit(main())
