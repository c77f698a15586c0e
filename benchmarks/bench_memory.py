"""Peak memory of the window with a large database, against a bare Qt window measured in the same run.

    python benchmarks/bench_memory.py [--reports 1000] [--runs 3]

Ours: a fresh process (benchmarks/memory_child.py) starts Nianbao's window on a database of N reports,
reopens the last-used report, opens the bundled sample as well, renders the official PDF once and runs the
event loop; then it reads its own peak resident set size (VmHWM of /proc/self/status on Linux). Peer: a bare
PySide6 QMainWindow with a QTableView, in the same way. Each is the median of --runs processes, interleaved.
Target: ours ≤ 250 MB.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CHILD = Path(__file__).with_name("memory_child.py")
TARGET_MB = 250.0


def peak_mb(mode: str, *args: str) -> float:
    """Run one child and return the peak RSS it reported, in MB (10^6 bytes)."""
    out = subprocess.run(
        [sys.executable, str(CHILD), mode, *args],
        capture_output=True,
        text=True,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
        timeout=300,
    )
    if out.returncode != 0:
        raise SystemExit(f"the {mode} child failed (exit {out.returncode}):\n{out.stdout}\n{out.stderr}")
    for line in out.stdout.splitlines():
        if line.startswith("peak_rss_kb "):
            return int(line.split()[1]) * 1024 / 1e6
    raise RuntimeError(f"the child reported no peak memory:\n{out.stdout}\n{out.stderr}")


def main() -> None:
    from bench_ui import build_database  # this script's folder is on sys.path, as for bench_crash

    parser = argparse.ArgumentParser()
    parser.add_argument("--reports", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db_path, data_dir = build_database(Path(tmp), args.reports)
        ours, bare = [], []
        for _ in range(args.runs):  # interleaved, like bench_ui's start-up
            bare.append(peak_mb("bare"))
            ours.append(peak_mb("ours", str(db_path), str(data_dir)))
    o, b = statistics.median(ours), statistics.median(bare)
    print(
        f"GUI peak RSS with {args.reports:,} reports: {o:.0f} MB; bare QMainWindow+QTableView {b:.0f} MB; "
        f"ratio {o / b:.2f}×; "
        f"target ≤ {TARGET_MB:.0f} MB: {'ok' if o <= TARGET_MB else 'MISSED'}"
    )


if __name__ == "__main__":
    main()
