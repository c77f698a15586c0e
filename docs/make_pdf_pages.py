"""The first two pages of the sample report's PDF as PNG images for the README.

    python docs/make_pdf_pages.py          (needs pdftoppm from poppler-utils)

Writes docs/pages/sample-1.png and sample-2.png (the PDF itself goes to a temporary folder).
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    from services.exchange import read_exchange
    from services.files import write_atomically
    from services.paths import resource_path
    from services.pdf.render import render_report

    out = ROOT / "docs" / "pages"
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        pdf = Path(tmp) / "sample.pdf"
        write_atomically(pdf, render_report(read_exchange(resource_path("samples", "guiyang-rfb-2020.json"))))
        subprocess.run(["pdftoppm", "-r", "70", "-png", "-f", "1", "-l", "2", str(pdf), str(out / "sample")],
                       check=True)
    for page in sorted(out.glob("sample-*.png")):
        print(page)


if __name__ == "__main__":
    main()
