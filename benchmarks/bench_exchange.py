"""Speed of the exchange use cases, each against a floor measured in the same run; one printed line each.

    python benchmarks/bench_exchange.py [--reports 1000] [--only NAME …]

1. 汇总: summing N filled 2021 reports (aggregate_reports: value cells summed, totals recomputed, every unit
   and the sum checked). Floor: a bare loop adding the same value cells of the same reports into a dict — the
   least any 汇总 must do. Target: N=1000 within 1 s.
2. Excel export of the sample report (the paper-form sheets, the text sheet, the hidden key map) against bare
   openpyxl writing the same values into one plain sheet. Target ≤ 0.3 s.
3. Excel import of that workbook (zip checks, label checks, every value parsed) against bare openpyxl
   opening the same file and reading every cell. Target ≤ 0.3 s.
4. 批量审核, per file: every report file of ../shared/corpus (real published pages, text, PDF and their
   exchange files; without ../shared, the sample written as .json, .xlsx, .html and its published .txt) read,
   checked and made a row (services.audit), against reading the same files alone (documents.read_document,
   failures caught): what the audit adds to the readers. Target ≤ 0.5 s per file (a county's 100 units'
   reports in under a minute).
"""

from __future__ import annotations

import argparse
import io
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from services.aggregate import aggregate_reports
from services.formats import CellKey
from services.values import CellValue
from tests.factories import filled_report, sample_report


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
        return (
            f"{self.what}: median {self.median:.4f} s; floor ({self.floor_what}) {self.floor:.4f} s; "
            f"ratio {self.median / self.floor:.1f}x; target ≤ {self.target:g} s: {verdict}"
        )


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
    return Measured(
        f"汇总 {n} filled 2021 reports (sum value cells, recompute totals, check units and sum)",
        ours,
        "bare loop adding the same value cells into a dict",
        base,
        1.0,
    )


def bench_excel_export() -> Measured:
    from openpyxl import Workbook

    from services.excel import report_workbook_bytes
    from services.values import to_text

    report = sample_report()

    def floor() -> object:
        book = Workbook()
        sheet = book.active
        assert sheet is not None
        for i, (key, value) in enumerate(report.cells.items(), start=1):
            sheet.cell(i, 1, "/".join(key))
            sheet.cell(i, 2, to_text(value))
        for j, text in enumerate(report.texts.values(), start=len(report.cells) + 1):
            sheet.cell(j, 2, text)
        buffer = io.BytesIO()
        book.save(buffer)
        return buffer.getvalue()

    ours = median_seconds(lambda: report_workbook_bytes(report), repeat=9)
    base = median_seconds(floor, repeat=9)
    return Measured(
        "Excel export of the sample report", ours, "bare openpyxl, same values in one plain sheet", base, 0.3
    )


def bench_excel_import() -> Measured:
    from openpyxl import load_workbook

    from services.excel import read_report_xlsx, write_report_xlsx

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "sample.xlsx"
        write_report_xlsx(sample_report(), path)

        def floor() -> object:
            book = load_workbook(path)
            return [cell.value for sheet in book.worksheets for row in sheet.iter_rows() for cell in row]

        ours = median_seconds(lambda: read_report_xlsx(path), repeat=9)
        base = median_seconds(floor, repeat=9)
    return Measured(
        "Excel import of the sample report", ours, "bare openpyxl opening it and reading every cell", base, 0.3
    )


CORPUS = Path(__file__).resolve().parent.parent.parent / "shared" / "corpus"


def _audit_folder(tmp: Path) -> tuple[Path, str]:
    """The corpus when it is beside the checkout, else the sample in every kind the app reads."""
    if CORPUS.is_dir():
        return CORPUS, "../shared/corpus"
    from services.documents import write_report_file
    from tests.factories import SAMPLE_TEXT

    for suffix in (".json", ".xlsx", ".html"):
        write_report_file(sample_report(), tmp / f"sample{suffix}")
    (tmp / "sample.txt").write_bytes(SAMPLE_TEXT.read_bytes())
    return tmp, "the sample as .json, .xlsx, .html, .txt"


def bench_audit() -> Measured:
    from services.audit import audit_paths, find_report_files
    from services.documents import read_document
    from services.errors import NianbaoError

    with tempfile.TemporaryDirectory() as tmp:
        folder, which = _audit_folder(Path(tmp))
        files = [path for path, _ in find_report_files([folder])]

        def floor() -> object:
            read = []
            for path in files:
                with suppress(NianbaoError):  # a file the audit lists as 无法读取
                    read.append(read_document(path))
            return read

        audit_paths([folder])  # the readers' modules imported once, as in a clerk's second run
        ours = median_seconds(lambda: audit_paths([folder]), repeat=3) / len(files)
        base = median_seconds(floor, repeat=3) / len(files)
    return Measured(
        f"批量审核 per file, {len(files)} files of {which} (read, check, row)",
        ours,
        "read_document alone on the same files",
        base,
        0.5,
    )


# ---------------------------------------------------------------- every measurement, in printed order
MEASUREMENTS: dict[str, Callable[[argparse.Namespace], Measured]] = {
    "aggregate": lambda args: bench_aggregate(args.reports),
    "excel-export": lambda args: bench_excel_export(),
    "excel-import": lambda args: bench_excel_import(),
    "audit": lambda args: bench_audit(),
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
