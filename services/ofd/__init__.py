"""OFD (GB/T 33190-2016, the national fixed-layout format) of the printed report.

The OFD is made from the very PDF the app prints (services/pdf), so both have the same pages: its drawing is read
back in stream order (`reading`: every glyph with its font program, size, colour and position; every path with
its line width and colours) and written as OFD objects (`writing`: TextObjects whose TextCode carries each
character's position, PathObjects for the table rules, the PDF's font subsets embedded with a Unicode cmap so the
text is selectable and searchable). No second layout exists that could drift from the printout.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from services.pdf.fonts import FontSet
    from services.pdf.render import PdfOptions
    from services.report import Report


def report_ofd(report: Report, options: PdfOptions | None = None, fonts: FontSet | None = None) -> bytes:
    """The report's official printout as an OFD file's bytes (the PDF's pages, fonts and positions)."""
    from services.ofd.reading import read_pdf
    from services.ofd.writing import DocInfo, write_ofd
    from services.pdf.render import PdfOptions, render_report

    pdf = render_report(report, options or PdfOptions(), fonts)
    info = DocInfo(
        title=report.display_title(),
        author=report.signed_by or report.agency,
        subject="政府信息公开工作年度报告",
    )
    return write_ofd(read_pdf(pdf), info)
