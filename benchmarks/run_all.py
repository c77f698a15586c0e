"""Run every benchmark of the project, each in its own process, and print one table of the results.

    python benchmarks/run_all.py [--quick] [--only NAME …]

The scripts are found as benchmarks/bench_*.py; each prints its own lines ("…: median …; floor …; ratio …;
target …: ok/MISSED", or counts for the crash and fuzz runs), which are gathered here into one markdown table.
--quick passes small sizes (fewer reports, edits, cycles, inputs) to the scripts that accept them — only the
options a script's own --help lists. --only takes script names with or without "bench_" (e.g. `--only pdf ui`).

When LibreOffice is installed (`soffice` on PATH), one more row compares converting the sample report's Word
export to PDF with `soffice --headless --convert-to pdf` against our own PDF export; target: ours at least 10×
faster. Without LibreOffice the table says so in a row of its own.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT))

# Small sizes for --quick; each is passed only to the scripts whose --help lists the option.
QUICK = {
    "--reports": "100",
    "--units": "500",
    "--edits": "40",
    "--starts": "3",
    "--repeat": "5",
    "--runs": "1",
    "--cycles": "10",
    "--inputs": "200",
}


@dataclass(frozen=True)
class Row:
    what: str
    median: str = ""
    floor: str = ""
    ratio: str = ""
    target: str = ""
    verdict: str = ""


def machine() -> str:
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    cpu = cpu or platform.processor() or platform.machine()
    return (
        f"Machine: {platform.platform()}; CPU {cpu}, {os.cpu_count()} logical CPUs; "
        f"Python {platform.python_version()} ({platform.python_implementation()})"
    )


def scripts(only: list[str] | None) -> list[Path]:
    found = sorted(HERE.glob("bench_*.py"))
    if not only:
        return found
    wanted = {name.removeprefix("bench_").removesuffix(".py") for name in only}
    unknown = wanted - {p.stem.removeprefix("bench_") for p in found}
    if unknown:
        raise SystemExit(
            f"no such benchmark: {', '.join(sorted(unknown))} "
            f"(have: {', '.join(p.stem.removeprefix('bench_') for p in found)})"
        )
    return [p for p in found if p.stem.removeprefix("bench_") in wanted]


def quick_options(script: Path) -> list[str]:
    """The --quick sizes this script accepts, read from its own --help."""
    help_text = subprocess.run(
        [sys.executable, str(script), "--help"], capture_output=True, text=True, cwd=ROOT, timeout=120
    ).stdout
    accepted = set(re.findall(r"(--[a-z][a-z-]*)", help_text))
    options: list[str] = []
    for option, value in QUICK.items():
        if option in accepted:
            options += [option, value]
    return options


def parse_measurement(name: str, line: str) -> Row | None:
    """A line "what: first; floor-or-peer; ratio …; target …: verdict" → a row; None for other lines."""
    match = re.search(r"^(?P<what>.+?): (?P<body>.*target.*):\s*(?P<verdict>ok|MISSED|FAILED)\s*$", line)
    if not match:
        return None
    parts = [p.strip() for p in match["body"].split("; ")]
    target = next((p for p in parts if p.startswith("target")), "")
    ratio = next((p.removeprefix("ratio").strip() for p in parts if p.startswith("ratio")), "")
    rest = [p for p in parts if not p.startswith(("target", "ratio"))]
    first = rest[0] if rest else ""
    return Row(
        f"{name}: {match['what']}",
        first.removeprefix("median").strip(),
        "; ".join(rest[1:]),
        ratio,
        target.removeprefix("target").strip(),
        match["verdict"],
    )


def parse_crash(lines: list[str]) -> list[Row]:
    values = {}
    for line in lines:
        key, sep, value = line.partition(": ")
        if sep:
            values[key.strip()] = value.strip()
    if "lost edits" not in values:
        return []
    cycles = values.get("kill cycles", "?").split(" ")[0]
    lost = values["lost edits"]
    integrity = values.get("integrity", "?")
    consistent = values.get("totals and check counts consistent", "?").split(" ")[0]
    own = re.search(r":\s*(ok|MISSED)$", values.get("elapsed", ""))  # the script's own verdict
    good = lost == "0" and integrity == "ok" and consistent == "ok" and (own is None or own[1] == "ok")
    elapsed = values.get("elapsed", "").split(";")[0]
    return [
        Row(
            f"crash: SIGKILL at random moments, {cycles} cycles "
            f"({values.get('acknowledged edits', '?').split(' ')[0]} acknowledged edits; {elapsed})",
            f"lost edits {lost}; integrity {integrity}; totals/checks consistent {consistent}",
            "",
            "",
            "lost 0, integrity ok (over ≥ 100 cycles in a full run)",
            "ok" if good else "FAILED",
        )
    ]


def parse_fuzz(lines: list[str]) -> list[Row]:
    rows = []
    for line in lines:
        match = re.match(r"^(?P<reader>[\w-]+): (?P<inputs>\d+) inputs; crashes (?P<crashes>\d+); (?P<rest>.*)$", line)
        if match:
            rows.append(
                Row(
                    f"fuzz: {match['reader']} reader, {match['inputs']} inputs",
                    f"crashes {match['crashes']}",
                    "",
                    "",
                    "0 crashes",
                    "ok" if match["crashes"] == "0" else "FAILED",
                )
            )
    return rows


def run_script(script: Path, quick: bool) -> list[Row]:
    name = script.stem.removeprefix("bench_")
    argv = [sys.executable, str(script), *(quick_options(script) if quick else [])]
    print(
        f"running {' '.join(Path(a).name if a.endswith('.py') else a for a in argv[1:])} …", file=sys.stderr, flush=True
    )
    start = time.perf_counter()
    done = subprocess.run(
        argv, capture_output=True, text=True, cwd=ROOT, env={**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    )
    elapsed = time.perf_counter() - start
    lines = [line.rstrip() for line in done.stdout.splitlines() if line.strip()]
    if name == "crash":
        rows = parse_crash(lines)
    elif name == "fuzz":
        rows = parse_fuzz(lines)
    else:
        rows = [row for line in lines if (row := parse_measurement(name, line)) is not None]
    if done.returncode != 0:
        tail = (done.stderr.strip().splitlines() or ["(no output)"])[-1]
        rows.append(Row(f"{name}: script exited with status {done.returncode}: {tail}", verdict="FAILED"))
    elif not rows:
        rows.append(Row(f"{name}: no result line recognised: {lines[-1] if lines else '(no output)'}", verdict="?"))
    print(f"  {name}: {elapsed:.1f} s", file=sys.stderr, flush=True)
    return rows


def libreoffice_row(repeat: int) -> Row:
    """soffice converting our DOCX export to PDF, against our own PDF export of the same report."""
    soffice = shutil.which("soffice")
    if soffice is None:
        return Row(
            "LibreOffice not installed: comparison not run (soffice --convert-to pdf of the DOCX export "
            "vs our PDF export, target ours ≥ 10× faster)",
            verdict="not run",
        )
    from services.pdf.render import render_report
    from services.portal.docx import write_report_docx
    from tests.factories import sample_report

    report = sample_report()
    render_report(report)  # fonts registered once, as in a running app
    ours = []
    for _ in range(repeat):
        start = time.perf_counter()
        render_report(report)
        ours.append(time.perf_counter() - start)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        docx = work / "report.docx"
        write_report_docx(report, docx)
        profile = (work / "profile").as_uri()  # a throwaway profile: no clash with a running LibreOffice

        def convert() -> float:
            start = time.perf_counter()
            subprocess.run(
                [
                    soffice,
                    f"-env:UserInstallation={profile}",
                    "--headless",
                    "--convert-to",
                    "pdf",
                    "--outdir",
                    str(work / "out"),
                    str(docx),
                ],
                capture_output=True,
                check=True,
                timeout=300,
            )
            took = time.perf_counter() - start
            if not (work / "out" / "report.pdf").exists():
                raise RuntimeError("soffice made no PDF")
            return took

        convert()  # the first run creates the profile
        theirs = [convert() for _ in range(max(3, repeat // 3))]
    o, t = statistics.median(ours), statistics.median(theirs)
    return Row(
        "pdf: our PDF export vs LibreOffice converting the DOCX export (soffice --headless --convert-to pdf)",
        f"{o * 1e3:.0f} ms",
        f"soffice {t * 1e3:.0f} ms",
        f"{t / o:.1f}× faster",
        "ours ≥ 10× faster",
        "ok" if t / o >= 10 else "MISSED",
    )


def cell(text: str) -> str:
    return text.replace("|", "\\|")


def table(rows: list[Row]) -> str:
    lines = ["| what was measured | median | floor or peer | ratio | target | verdict |", "|---|---|---|---|---|---|"]
    for r in rows:
        lines.append(
            "| " + " | ".join(cell(x) for x in (r.what, r.median, r.floor, r.ratio, r.target, r.verdict)) + " |"
        )
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="small sizes: a smoke run of every benchmark")
    parser.add_argument("--only", nargs="+", metavar="NAME", help="only these scripts (e.g. pdf ui memory)")
    args = parser.parse_args()
    chosen = scripts(args.only)
    print(machine())
    print(
        f"Run: {'--quick (small sizes; the targets are meant for a full run)' if args.quick else 'full'}; "
        f"scripts: {', '.join(p.name for p in chosen)}",
        flush=True,
    )
    start = time.perf_counter()
    rows: list[Row] = []
    for script in chosen:
        rows += run_script(script, args.quick)
    if not args.only or "pdf" in {n.removeprefix("bench_").removesuffix(".py") for n in args.only}:
        rows.append(libreoffice_row(5 if args.quick else 15))
    print()
    print(table(rows))
    print()
    print(f"total {time.perf_counter() - start:.0f} s")
    return 1 if any(r.verdict in ("MISSED", "FAILED") for r in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
