"""The 审核报告: a short PDF listing every finding of the checks, for the file or the superior office."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from io import BytesIO
from typing import TYPE_CHECKING

from reportlab.lib.colors import black
from reportlab.lib.enums import TA_CENTER, TA_LEFT
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Flowable, Spacer, Table, TableStyle

from services.checks import Finding
from services.pdf.fonts import FontSet, resolve_fonts
from services.pdf.page import LINE_PITCH, TYPE_WIDTH, PageDecoration, report_document
from services.pdf.text import CJKParagraph, body_style, date_text, markup, title
from services.report import Report
from services.rule_names import rule_name

if TYPE_CHECKING:
    from services.trends import Trends

SEVERITY_NAMES = {"error": "错误", "warning": "提示"}
STATUS_NAMES = {"draft": "草稿", "final": "定稿"}
NOT_EXPLAINED = "未说明"
TABLE_SIZE = 10.5
COLUMN_SHARES = (0.16, 0.08, 0.46, 0.30)
"""规则, 级别, 问题, 说明."""
HEADERS = ("审核项", "级别", "问题", "说明")


def summary(findings: Sequence[Finding]) -> str:
    if not findings:
        return "审核未发现问题。"
    errors = sum(1 for f in findings if f.severity == "error")
    explained = sum(1 for f in findings if f.explained)
    return (
        f"共{len(findings)}项：错误{errors}项，提示{len(findings) - errors}项；"
        f"已说明{explained}项，未说明{len(findings) - explained}项。"
    )


def _identity(report: Report, checked_on: date) -> list[tuple[str, str]]:
    fmt = report.format
    return [
        ("报告", report.display_title()),
        ("机关", report.agency),
        ("年度", f"{report.year}年"),
        ("格式", f"{fmt.name}（{fmt.document}）" if fmt.document else fmt.name),
        ("状态", STATUS_NAMES.get(report.status, report.status)),
        ("审核日期", date_text(checked_on)),
    ]


def _findings_table(fonts: FontSet, report: Report, findings: Sequence[Finding]) -> Table:
    centred = ParagraphStyle(
        "check-centred",
        fontName=fonts.primary("table").name,
        fontSize=TABLE_SIZE,
        leading=TABLE_SIZE * 1.3,
        alignment=TA_CENTER,
        wordWrap="CJK",
    )
    left = ParagraphStyle("check-left", parent=centred, alignment=TA_LEFT)
    rows: list[list[Flowable]] = [[CJKParagraph(markup(fonts, h, "table", "审核报告表头"), centred) for h in HEADERS]]
    for n, finding in enumerate(findings, start=1):
        where = f"审核报告第{n}项"
        cells = (
            rule_name(finding.rule, report.format),
            SEVERITY_NAMES.get(finding.severity, finding.severity),
            finding.message,
            finding.explanation or NOT_EXPLAINED,
        )
        styles = (left, centred, left, left)
        rows.append(
            [
                CJKParagraph(markup(fonts, text, "table", where), style)
                for text, style in zip(cells, styles, strict=True)
            ]
        )
    return Table(
        rows,
        colWidths=[TYPE_WIDTH * s for s in COLUMN_SHARES],
        repeatRows=1,
        style=TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.5, black),
                # the Table selects its cell font (Helvetica, unembedded, by default) even for Paragraph cells
                ("FONTNAME", (0, 0), (-1, -1), fonts.primary("table").name),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ]
        ),
    )


def render_check_report(
    report: Report,
    findings: Sequence[Finding],
    fonts: FontSet | None = None,
    *,
    checked_on: date | None = None,
    trends: Trends | None = None,
) -> bytes:
    """The 审核报告 of a report as PDF bytes: its identity, a table of every finding and a summary line; with
    `trends`, the agency's 历年对比 from a new page (charts and figures)."""
    fonts = fonts or resolve_fonts()
    checked_on = checked_on or date.today()
    plain = body_style(fonts, "check-body", firstLineIndent=0, alignment=TA_LEFT)
    flow: list[Flowable] = [*title(fonts, "政府信息公开工作年度报告审核报告", None)]
    for label, value in _identity(report, checked_on):
        flow.append(CJKParagraph(markup(fonts, f"{label}：{value}", "body", f"审核报告·{label}"), plain))
    flow.append(Spacer(TYPE_WIDTH, LINE_PITCH / 2))
    if findings:
        flow.append(_findings_table(fonts, report, findings))
        flow.append(Spacer(TYPE_WIDTH, LINE_PITCH / 2))
    flow.append(CJKParagraph(markup(fonts, summary(findings), "body", "审核报告·小结"), plain))
    if trends is not None and trends.years:
        from services.pdf.trends_page import trends_flowables  # the chart module only when asked for

        flow += trends_flowables(fonts, trends)

    decoration = PageDecoration(fonts, "centred", watermark=None)
    decoration.validate()
    buffer = BytesIO()
    doc = report_document(
        buffer,
        title=f"{report.display_title()}审核报告",
        author=report.agency,
        subject="审核报告",
        decoration=decoration,
        initial_font=fonts.primary("body").name,
    )
    doc.build(flow)
    return buffer.getvalue()
