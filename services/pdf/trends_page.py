"""历年对比 in the 审核报告: the charts (ReportLab Drawings, services/trend_charts.py) and the table of figures
behind them, from a new page."""

from __future__ import annotations

from reportlab.lib.colors import black
from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import CondPageBreak, Flowable, PageBreak, Spacer, Table, TableStyle

from services.pdf.fonts import FontSet
from services.pdf.page import LINE_PITCH, TYPE_HEIGHT, TYPE_WIDTH
from services.pdf.text import CJKParagraph, body_style, markup
from services.trend_charts import FLAG, trend_charts
from services.trends import GROUPS, Trends, value_text

TABLE_SIZE = 9.0
LABEL_SHARE = 0.34
CHART_HEIGHT = 185.0
"""Points: three charts to a page."""
ROW_HEIGHT = TABLE_SIZE * 1.3 + 4


def trends_flowables(fonts: FontSet, trends: Trends) -> list[Flowable]:
    """From a new page: what is compared, the charts, then every figure by year (a flagged change in red)."""
    plain = body_style(fonts, "trends-body", firstLineIndent=0, alignment=TA_LEFT)
    small = body_style(fonts, "trends-note", firstLineIndent=0, alignment=TA_LEFT, fontSize=10.5, leading=16)

    def para(text: str, style: ParagraphStyle, where: str) -> CJKParagraph:
        return CJKParagraph(markup(fonts, text, "body", f"审核报告·历年对比·{where}"), style)

    flow: list[Flowable] = [PageBreak(), para(f"历年对比：{trends.subject}", plain, "标题")]
    for span in trends.formats:
        flow.append(para(span.text(), small, "格式"))
    for note in trends.notes:
        flow.append(para(note, small, "格式差异"))
    swings = trends.swings()
    if swings:
        flow.append(para(trends.swing_rule + "：", small, "变化大"))
        flow += [para(f"{s.year}年 {s.message}", small, "变化大") for s in swings]
    flow.append(Spacer(TYPE_WIDTH, LINE_PITCH / 3))
    for chart in trend_charts(trends, fonts, height=CHART_HEIGHT):
        flow += [CondPageBreak(CHART_HEIGHT + 8), chart.drawing, Spacer(TYPE_WIDTH, 8)]
    # the table whole on a page when it fits one (about forty rows)
    rows = 1 + sum(len(trends.in_group(g.key)) + 1 for g in GROUPS if trends.in_group(g.key))
    flow += [CondPageBreak(min(rows * ROW_HEIGHT, TYPE_HEIGHT)), _table(fonts, trends)]
    return flow


def _table(fonts: FontSet, trends: Trends) -> Table:
    face = fonts.primary("table").name
    base = ParagraphStyle("trends-cell", fontName=face, fontSize=TABLE_SIZE, leading=TABLE_SIZE * 1.3, wordWrap="CJK")
    left = ParagraphStyle("trends-left", parent=base, alignment=TA_LEFT)
    right = ParagraphStyle("trends-right", parent=base, alignment=TA_RIGHT)
    centre = ParagraphStyle("trends-centre", parent=base, alignment=TA_CENTER)
    flagged = ParagraphStyle("trends-flag", parent=right, textColor=FLAG)

    def cell(text: str, style: ParagraphStyle) -> CJKParagraph:
        return CJKParagraph(markup(fonts, text, "table", "审核报告·历年对比表"), style)

    rows: list[list[Flowable | str]] = [
        [cell("项目", centre), *(cell(trends.year_label(y), centre) for y in trends.years)]
    ]
    spans: list[tuple[str, tuple[int, int], tuple[int, int]]] = []
    for group in GROUPS:
        members = trends.in_group(group.key)
        if not members:
            continue
        spans.append(("SPAN", (0, len(rows)), (-1, len(rows))))
        rows.append([cell(group.title, left), *("" for _ in trends.years)])
        for series in members:
            rows.append(
                [
                    cell(series.label, left),
                    *(
                        cell(value_text(v), right if flag is None else flagged)
                        for v, flag in zip(series.values, series.flags, strict=True)
                    ),
                ]
            )
    year_width = TYPE_WIDTH * (1 - LABEL_SHARE) / max(len(trends.years), 1)
    return Table(
        rows,
        colWidths=[TYPE_WIDTH * LABEL_SHARE, *(year_width for _ in trends.years)],
        repeatRows=1,
        style=TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.5, black),
                ("FONTNAME", (0, 0), (-1, -1), face),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("TOPPADDING", (0, 0), (-1, -1), 1.5),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
                *spans,
            ]
        ),
    )
