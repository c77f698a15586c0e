"""Speed of the exchange use cases, each against a floor measured in the same run; one printed line each.

    python benchmarks/bench_exchange.py [--reports 1000] [--only NAME …]

1. 汇总: summing N filled 2021 reports (aggregate_reports: value cells summed, totals recomputed, every unit
   and the sum checked). Floor: a bare loop adding the same value cells of the same reports into a dict — the
   least any 汇总 must do. Target: N=1000 within 1 s.
2. Excel export / import of one report (target ≤ 0.3 s each): to be added to MEASUREMENTS below.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from services.aggregate import aggregate_reports
from services.formats import CellKey
from services.values import CellValue
from tests.factories import filled_report


@dataclass(frozen=True)
class Measured:
    """One measurement and its floor, in seconds."""

    what: str
    median: float
    floor_what: str
    floor: float
    target: float

    def line(self) -> str:
        verdict = "ok" if self.median <= self.target else "MISSED"
        return (f"{self.what}: median {self.median:.4f} s; floor ({self.floor_what}) {self.floor:.4f} s; "
                f"ratio {self.median / self.floor:.1f}x; target ≤ {self.target:g} s: {verdict}")


def median_seconds(fn: Callable[[], object], repeat: int = 5) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def bench_aggregate(n: int = 1000) -> Measured:
    """汇总 of n filled 2021 reports (built in memory, not timed) against summing their value cells bare."""
    reports = [filled_report("2021", agency=f"单位{i}", seed=i) for i in range(n)]
    year = reports[0].year
    value_keys = [spec.key for spec in reports[0].format.cell_specs() if not spec.computed]

    def floor() -> object:
        sums: dict[CellKey, CellValue] = {}
        for report in reports:
            cells = report.cells
            for key in value_keys:
                sums[key] = sums.get(key, 0) + cells[key]
        return sums

    ours = median_seconds(lambda: aggregate_reports("某县人民政府办公室", year, "2021", reports))
    base = median_seconds(floor)
    return Measured(f"汇总 {n} filled 2021 reports (sum value cells, recompute totals, check units and sum)",
                    ours, "bare loop adding the same value cells into a dict", base, 1.0)


# ---------------------------------------------------------------- every measurement, in printed order
# Excel (added by the Excel work): export and import of one report, target ≤ 0.3 s each — add functions
# `bench_excel_export()` / `bench_excel_import()` returning Measured, and one entry each here.
MEASUREMENTS: dict[str, Callable[[argparse.Namespace], Measured]] = {
    "aggregate": lambda args: bench_aggregate(args.reports),
}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--reports", type=int, default=1000, help="units summed by the 汇总 measurement")
    parser.add_argument("--only", nargs="+", choices=sorted(MEASUREMENTS), help="run only these measurements")
    args = parser.parse_args()
    for name, measure in MEASUREMENTS.items():
        if args.only is None or name in args.only:
            print(measure(args).line(), flush=True)


if __name__ == "__main__":
    main()
