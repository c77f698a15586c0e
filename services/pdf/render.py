"""Entry points: a report as a printable PDF in GB/T 9704 layout, and the 审核报告 of its checks.

The whole story is built (and every character checked against the fonts) before ReportLab writes a byte, so a
MissingGlyphError leaves no half-written PDF behind.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from io import BytesIO
from typing import TYPE_CHECKING, Literal

from reportlab.platypus import CondPageBreak, Flowable, Spacer

from services.pdf.fonts import FontSet, resolve_fonts
from services.pdf.page import LINE_PITCH, TYPE_HEIGHT, TYPE_WIDTH, WATERMARK_TEXT, PageDecoration, report_document
from services.pdf.tables import table
from services.pdf.text import body, fee_sentence, heading, signature, title
from services.report import Report

if TYPE_CHECKING:
    from services.checks import Finding
    from services.trends import Trends

__all__ = ["PdfOptions", "render_check_report", "render_report"]


def render_check_report(
    report: Report,
    findings: Sequence[Finding],
    fonts: FontSet | None = None,
    *,
    checked_on: date | None = None,
    trends: Trends | None = None,
) -> bytes:
    """services.pdf.check_report.render_check_report, loaded when asked for: it brings the whole check
    catalogue, which printing a report does not need (a quarter of the `pdf` command's imports)."""
    from services.pdf.check_report import render_check_report as render

    return render(report, findings, fonts, checked_on=checked_on, trends=trends)


TABLE_GAP = LINE_PITCH / 3
HEADING_ROOM = 2
"""Body lines that must fit under a heading, or the heading starts the next page (never alone at the bottom).

A CondPageBreak rather than keepWithNext: keepWithNext would carry a long first paragraph to the next page
whole and leave half a page empty."""


EMPTY_MARK = "【未填写】"
"""What a draft prints where the clerk has written nothing yet: never words the data does not say."""
FAILED_MARK = "未通过审核"


@dataclass(frozen=True)
class PdfOptions:
    page_numbers: Literal["outer", "centred"] = "outer"
    watermark: bool | None = None
    """None: a light diagonal 草稿 on every page unless the report is final (and 未通过审核 on a report marked
    final whose tables fail the checks: a file's status is only a word anyone can change)."""


def fee_text(report: Report, texts: list[str]) -> str | None:
    """The generated 信息处理费 sentence, unless the clerk's own text of the section already states it or the fee
    fields are empty."""
    if any(word in text for text in texts for word in report.format.fee_keywords):
        return None
    return fee_sentence(report.fees)


def watermark_text(report: Report, options: PdfOptions) -> str | None:
    """草稿 on a draft, 未通过审核 on a 'final' report whose checks fail, nothing on a sound final report."""
    if options.watermark is False:
        return None
    if report.status != "final":
        return WATERMARK_TEXT
    from services.checks import check_report, errors

    if errors(check_report(report)):
        return FAILED_MARK
    return WATERMARK_TEXT if options.watermark else None


def story(report: Report, fonts: FontSet) -> list[Flowable]:
    """Title, preamble, the six sections and the signature block, in printed order."""
    fmt = report.format
    draft = report.status != "final"

    def text_of(text: str, where: str) -> list[Flowable]:
        if not text.strip() and draft:
            return body(fonts, EMPTY_MARK, where)
        return body(fonts, text, where)

    flow: list[Flowable] = [*title(fonts, report.display_title(), report.agency)]
    flow += text_of(report.text(fmt.preamble.key), fmt.preamble.label)
    for section in fmt.sections:
        title_line = heading(fonts, section.title, 1)
        if section.table:
            # the heading stays with the table's header and first row group (the whole table when it cannot
            # break between groups); the table may then break across pages
            grid = table(fonts, report, section.table, section.title)
            room = min(TYPE_HEIGHT, LINE_PITCH + grid.first_piece_height())
            flow += [CondPageBreak(room), title_line, grid, Spacer(TYPE_WIDTH, TABLE_GAP)]
            continue
        first_sub = bool(section.texts and section.texts[0].heading)
        flow += [CondPageBreak((1 + first_sub + HEADING_ROOM) * LINE_PITCH), title_line]
        texts = [report.text(spec.key) for spec in section.texts]
        for n, (spec, text) in enumerate(zip(section.texts, texts, strict=True)):
            if spec.heading:
                if n:
                    flow.append(CondPageBreak((1 + HEADING_ROOM) * LINE_PITCH))
                flow.append(heading(fonts, spec.heading, 2))
            flow += text_of(text, f"{section.title}·{spec.heading or spec.label}")
        if section.fees and (sentence := fee_text(report, texts)):
            flow += body(fonts, sentence, f"{section.title}·信息处理费")
        elif section.fees and draft and not report.fees.is_set():
            flow += body(fonts, f"{EMPTY_MARK}信息处理费（收费通知件数、实际收取金额）", f"{section.title}·信息处理费")
    last = flow.pop() if flow and not isinstance(flow[-1], Spacer | CondPageBreak) else None
    flow.append(signature(fonts, last, report.signed_by or report.agency, report.signed_on))
    return flow


def render_report(report: Report, options: PdfOptions = PdfOptions(), fonts: FontSet | None = None) -> bytes:
    """The report as PDF bytes: A4, fonts embedded as subsets; raises MissingGlyphError for an uncovered
    character, naming it and where it stands."""
    fonts = fonts or resolve_fonts()
    fonts.require()  # no Chinese face at all: say that, not that "—" of the page number has no glyph
    decoration = PageDecoration(fonts, options.page_numbers, watermark_text(report, options))
    decoration.validate()
    flowables = story(report, fonts)
    buffer = BytesIO()
    doc = report_document(
        buffer,
        title=report.display_title(),
        author=report.signed_by or report.agency,
        subject="政府信息公开工作年度报告",
        decoration=decoration,
        initial_font=fonts.primary("body").name,
    )
    doc.build(flowables)
    return buffer.getvalue()
