"""The report for the agency's website: one self-contained HTML file and a Word document with the PDF's content.

This package holds what both formats share: the report as a flat outline of blocks (title, headings,
paragraphs, tables, signature), built with the PDF renderer's own content decisions (paragraph splitting, the
信息处理费 sentence, cell texts, the date) so the website, the Word file and the paper never say different
things. The entry points are in `services.portal.html` (report_html, write_report_html) and
`services.portal.docx` (report_docx_bytes, write_report_docx).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal

from services.grid_layout import GridLayout, grid_layout
from services.pdf.render import fee_text
from services.pdf.tables import cell_text
from services.pdf.text import date_text, paragraphs
from services.report import Report

TableKind = Literal["blocks", "grid", "wide"]


@dataclass(frozen=True)
class Title:
    text: str


@dataclass(frozen=True)
class Heading:
    text: str
    level: int
    """1 for `一、…` (黑体), 2 for `（一）…` (楷体)."""


@dataclass(frozen=True)
class Paragraph:
    text: str


@dataclass(frozen=True)
class TableBlock:
    layout: GridLayout
    kind: TableKind
    texts: dict[tuple[int, int], str]
    """Printed text of every cell, by the (row, col) of its top-left corner."""


@dataclass(frozen=True)
class Signature:
    agency: str
    date: str


Block = Title | Heading | Paragraph | TableBlock | Signature


def _table(report: Report, table_key: str) -> TableBlock:
    layout = grid_layout(report.format, table_key)
    texts = {(c.row, c.col): cell_text(report, c) for c in layout.cells}
    return TableBlock(layout, report.format.table(table_key).layout, texts)


def outline(report: Report) -> Iterator[Block]:
    """The report in printed order, exactly the content of the PDF."""
    fmt = report.format
    yield Title(report.display_title())
    yield from (Paragraph(p) for p in paragraphs(report.text(fmt.preamble.key)))
    for section in fmt.sections:
        yield Heading(section.title, 1)
        if section.table:
            yield _table(report, section.table)
            continue
        texts = [report.text(spec.key) for spec in section.texts]
        for spec, text in zip(section.texts, texts, strict=True):
            if spec.heading:
                yield Heading(spec.heading, 2)
            yield from (Paragraph(p) for p in paragraphs(text))
        if section.fees and (sentence := fee_text(report, texts)):
            yield Paragraph(sentence)
    yield Signature(report.signed_by or report.agency, date_text(report.signed_on))
