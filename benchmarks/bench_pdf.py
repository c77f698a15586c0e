"""Speed of the official PDF, against a floor measured in the same run.

    python benchmarks/bench_pdf.py [--repeat 15] [--processes 5]

Ours: services.pdf.render.render_report on the sample report (title, preamble, six sections, three tables,
signature, page numbers, watermark, every character checked against its font). Floor: bare ReportLab drawing the
same strings with the same fonts on a canvas, one line each, no layout and no checks — what any PDF of this
report costs at least. Targets: ours ≤ 2× the floor, and well under a second.

Then, where LibreOffice is installed (`soffice` on the PATH), the whole `python main.py pdf` process against
`soffice --headless --convert-to pdf` of the same report's .docx (what a clerk would otherwise do with the Word
file), each started fresh: target ours ≥ 5× faster.
"""

from __future__ import annotations

import argparse
import io
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from reportlab.lib.pagesizes import A4
from reportlab.pdfgen.canvas import Canvas

from services.grid_layout import grid_layout
from services.pdf.fonts import resolve_fonts
from services.pdf.render import render_report
from services.report import Report
from services.values import to_text
from tests.factories import sample_report


def strings(report: Report) -> list[tuple[str, str]]:
    """(role, text) of everything the printed report says."""
    fmt = report.format
    out = [("title", report.display_title())]
    out += [("body", line) for text in report.texts.values() for line in text.splitlines() if line]
    out += [("heading1", s.title) for s in fmt.sections]
    for table in fmt.tables:
        for cell in grid_layout(fmt, table.key).cells:
            text = cell.text if cell.key is None else to_text(report.cells.get(cell.key, 0))
            out.append(("table", text))
    out.append(("body", f"{report.signed_by}"))
    return out


def floor(report: Report) -> bytes:
    fonts = resolve_fonts()
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4)
    y = 800.0
    for role, text in strings(report):
        canvas.setFont(fonts.primary(role).name, 12)  # type: ignore[arg-type]
        for start in range(0, len(text), 40):
            canvas.drawString(80, y, text[start : start + 40])
            y -= 16
            if y < 60:
                canvas.showPage()
                y = 800.0
    canvas.save()
    return buffer.getvalue()


def median_seconds(fn: object, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()  # type: ignore[operator]
        times.append(time.perf_counter() - start)
    return statistics.median(times)


ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "resources" / "samples" / "guiyang-rfb-2020.json"


def processes(repeat: int) -> None:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        print(
            "whole process against LibreOffice: skipped, soffice is not installed (apt-get install "
            "libreoffice-writer-nogui)"
        )
        return
    from services.portal.docx import write_report_docx

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        docx = folder / "sample.docx"
        write_report_docx(sample_report(), docx)
        profile = f"-env:UserInstallation=file://{folder / 'lo-profile'}"
        ours_cmd = [sys.executable, str(ROOT / "main.py"), "pdf", str(SAMPLE), "-o", str(folder / "ours.pdf")]
        theirs_cmd = [soffice, profile, "--headless", "--convert-to", "pdf", "--outdir", str(folder / "lo"), str(docx)]
        subprocess.run(theirs_cmd, check=True, capture_output=True, timeout=300)  # LibreOffice's first-run setup

        def run(cmd: list[str]) -> None:
            subprocess.run(cmd, check=True, capture_output=True, timeout=300, cwd=ROOT)

        ours = median_seconds(lambda: run(ours_cmd), repeat)
        theirs = median_seconds(lambda: run(theirs_cmd), repeat)
    print(
        f"whole process: python main.py pdf {ours:.2f} s; soffice --convert-to pdf of the .docx {theirs:.2f} s; "
        f"{theirs / ours:.1f}× faster; target ≥ 5×: {'ok' if theirs / ours >= 5 else 'MISSED'}"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--processes", type=int, default=5, help="runs of each whole process (0: skip)")
    args = parser.parse_args()
    report = sample_report()
    render_report(report)  # fonts resolved and registered once, as in a running app
    floor(report)
    ours = median_seconds(lambda: render_report(report), args.repeat)
    base = median_seconds(lambda: floor(report), args.repeat)
    ratio = ours / base
    print(
        f"render the sample's official PDF: median {ours * 1e3:.0f} ms; floor (bare ReportLab, same strings and "
        f"fonts) {base * 1e3:.0f} ms; ratio {ratio:.2f}×; target ≤ 2× and < 1 s: "
        f"{'ok' if ratio <= 2 and ours < 1 else 'MISSED'}"
    )
    if args.processes:
        processes(args.processes)


if __name__ == "__main__":
    main()
