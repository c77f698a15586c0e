"""Speed of the window, each figure against a floor measured in the same run.

    python benchmarks/bench_ui.py [--reports 1000] [--edits 200]

1. Edit → repainted panel, t3 grid: a value committed through the table model (as the cell editor does: parse,
   save in one durable transaction, recompute totals, re-run every check, update the panel, tab titles and
   navigator), then the event loop run until Qt has painted everything the edit made dirty. Median and p95;
   target p95 ≤ 16 ms. Floor: painting just the edited cell, with nothing else changed.
2. Start-up: from process start until the last-used report of a database of N reports is shown with its checks
   (the whole window painted once: navigator, every tab's title, the current tab, the panel filled), against a
   bare PySide6 QMainWindow showing a QTableView in the same run. Target ≤ 2×. Our child starts the app as
   `main.py` does (ui.app.run_app): the last report is read with sqlite3 and painted before SQLAlchemy is imported
   and the database opened (ui/fast_start.py); the tabs not in view are built right after that first paint. The
   child says which start it got. Each child is timed until it prints "shown", not until it exits. Both children
   run from a bytecode cache of their own (PYTHONPYCACHEPREFIX), warmed by one untimed start of each: the installed
   app runs compiled modules, while a PYTHONDONTWRITEBYTECODE environment would compile our sources on every start.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CHILD = Path(__file__).with_name("ui_startup_child.py")


def build_database(work: Path, n: int) -> tuple[Path, Path]:
    from models.database import open_database
    from services.app_state import AppState, save_state
    from services.importing import import_report
    from tests.factories import filled_report

    db_path, data_dir = work / "bench.sqlite3", work / "data"
    db = open_database(db_path)
    last = None
    for i in range(n):
        report = filled_report("2021" if i % 2 else "2019", agency=f"第{i // 4:04d}号单位", year=2019 + i % 4, seed=i)
        with db.transaction() as session:
            import_report(session, report)
        last = report
    assert last is not None
    save_state(data_dir, AppState((last.agency, last.year), db.url_for_display))
    db.dispose()
    return db_path, data_dir


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def bench_edit(work: Path, edits: int) -> tuple[list[float], list[float]]:
    from PySide6.QtWidgets import QApplication

    from models.database import open_database
    from services.importing import import_report
    from tests.factories import filled_report
    from ui.main_window import MainWindow

    app = QApplication.instance() or QApplication([])
    db = open_database(work / "edit.sqlite3")
    with db.transaction() as session:
        report_id = import_report(session, filled_report("2021")).report_id
    window = MainWindow(db, str(work / "edit-data"))
    window.show()
    window.open_report(report_id)
    tab = window.table_tab("t3")
    assert tab is not None
    window.tabs.setCurrentWidget(tab)
    model = tab.model
    target = model.index_of(("t3", "granted", "natural"))
    app.processEvents()

    edit_times, floor_times = [], []
    for i in range(edits):
        start = time.perf_counter()
        ok = model.setData(target, str(10 + i % 7))
        app.processEvents()  # paints every region the edit invalidated: cells, panel lines, labels
        edit_times.append(time.perf_counter() - start)
        assert ok
        start = time.perf_counter()
        tab.view.update(target)
        app.processEvents()
        floor_times.append(time.perf_counter() - start)
    window.close()
    db.dispose()
    return edit_times, floor_times


def startup(work: Path, mode: str, *args: str) -> tuple[float, str]:
    """Seconds from starting the child until it says "shown", and what it said."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPYCACHEPREFIX": str(work / "pycache")}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    with (work / f"{mode}.stderr").open("w+") as errors:
        start = time.perf_counter()
        with subprocess.Popen(
            [sys.executable, str(CHILD), mode, *args], stdout=subprocess.PIPE, stderr=errors, text=True, env=env
        ) as child:
            assert child.stdout is not None
            said = child.stdout.readline().strip()
            seconds = time.perf_counter() - start
            rest = child.stdout.read()
        errors.seek(0)  # the child has ended: Popen's exit waits for it
        assert said.startswith("shown") and child.returncode == 0, said + rest + errors.read()
    return seconds, said


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--reports", type=int, default=1000)
    parser.add_argument("--edits", type=int, default=200)
    parser.add_argument("--starts", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        edits, floor = bench_edit(work, args.edits)
        ms = [t * 1e3 for t in edits]
        p95 = percentile(ms, 0.95)
        print(
            f"t3 edit → repainted grid and panel: median {statistics.median(ms):.1f} ms, p95 {p95:.1f} ms; "
            f"floor (repaint of the edited cell) median {statistics.median(floor) * 1e3:.1f} ms; "
            f"target p95 ≤ 16 ms: {'ok' if p95 <= 16 else 'MISSED'}"
        )

        db_path, data_dir = build_database(work, args.reports)
        startup(work, "bare")  # warm-ups: the bytecode cache, and the day's first backup
        startup(work, "ours", str(db_path), str(data_dir))
        ours: list[float] = []
        bare: list[float] = []
        said = ""
        for _ in range(args.starts):  # interleaved, so that machine noise hits both alike
            bare.append(startup(work, "bare")[0])
            seconds, said = startup(work, "ours", str(db_path), str(data_dir))
            ours.append(seconds)
        o, b = statistics.median(ours), statistics.median(bare)
        print(
            f"start-up until the last report of {args.reports} is shown with its checks ({said[7:-1]}): "
            f"median {o:.2f} s; bare QMainWindow + QTableView {b:.2f} s; ratio {o / b:.2f}×; target ≤ 2×: "
            f"{'ok' if o / b <= 2 else 'MISSED'}"
        )


if __name__ == "__main__":
    main()
