"""Pages of the official PDF as PNG images for the README.

    python docs/make_pdf_pages.py          (needs pdftoppm from poppler-utils)

Writes docs/pages/report-2021-N.png, every page of a 2021-format report (the sample's texts with figures for a
2021 report, as a final report prints: no watermark), and docs/pages/continued.png, a page on which a long
paragraph goes on from the page before. The PDFs themselves go to a temporary folder.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

if TYPE_CHECKING:
    from services.report import Report


def demo_2021() -> Report:
    """The sample's agency and texts as a 2021-format report with figures that satisfy every identity."""
    from decimal import Decimal

    from services.checks import recompute_totals
    from services.exchange import read_exchange
    from services.paths import resource_path
    from services.report import Fees, empty_report

    sample = read_exchange(resource_path("samples", "guiyang-rfb-2020.json"))
    report = empty_report(sample.agency, 2021, "2021")
    report.texts = {key: text.replace("2020", "2021") for key, text in sample.texts.items()}
    report.texts["preamble"] = (
        "本报告根据《中华人民共和国政府信息公开条例》（以下简称《条例》）和国务院办公厅政府信息"
        "公开办公室关于政府信息公开工作年度报告的有关要求编制。全文包括总体情况、主动公开政府信息"
        "情况、收到和处理政府信息公开申请情况、政府信息公开行政复议及行政诉讼情况、存在的主要问题"
        "及改进情况、其他需要报告的事项。本报告中所列数据的统计期限自2021年1月1日起至2021年12月31"
        "日止。"
    )
    for spec in report.format.cell_specs():
        if not spec.computed:
            report.cells[spec.key] = Decimal("533.41") if spec.kind == "amount" else 0
    values = {
        ("t2", "normative", "issued"): 3,
        ("t2", "normative", "repealed"): 1,
        ("t2", "normative", "in_force"): 17,
        ("t2", "rules", "in_force"): 2,
        ("t2", "licensing", "decisions"): 34,
        ("t2", "penalty", "decisions"): 4,
        ("t3", "new", "natural"): 9,
        ("t3", "new", "business"): 2,
        ("t3", "granted", "natural"): 5,
        ("t3", "granted", "business"): 2,
        ("t3", "unable_none", "natural"): 3,
        ("t3", "carried_out", "natural"): 1,
        ("t4", "review", "upheld"): 1,
    }
    for key, value in values.items():
        assert key in report.cells, key
        report.cells[key] = value
    recompute_totals(report)
    report.fees = Fees(0, Decimal(0))
    report.signed_by = sample.agency
    report.signed_on = date(2022, 1, 20)
    return report


def main() -> None:
    from services.files import write_atomically
    from services.pdf.render import PdfOptions, render_report
    from tests.factories import sample_report

    out = ROOT / "docs" / "pages"
    out.mkdir(parents=True, exist_ok=True)
    for old in out.glob("*.png"):
        old.unlink()
    with tempfile.TemporaryDirectory() as tmp:
        pdf = Path(tmp) / "report.pdf"
        write_atomically(pdf, render_report(demo_2021(), PdfOptions(watermark=False)))
        subprocess.run(["pdftoppm", "-r", "60", "-png", str(pdf), str(out / "report-2021")], check=True)
        long = sample_report()
        # the sample's narratives run together into one paragraph of about 2,000 characters
        long.texts["s1_active"] = "".join(text.replace("\n", "") for text in long.texts.values())
        pdf = Path(tmp) / "long.pdf"
        write_atomically(pdf, render_report(long))
        subprocess.run(
            ["pdftoppm", "-r", "80", "-png", "-f", "2", "-l", "2", "-singlefile", str(pdf), str(out / "continued")],
            check=True,
        )
    for page in sorted(out.glob("*.png")):
        print(page)


if __name__ == "__main__":
    main()
