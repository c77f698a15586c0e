"""历年对比's charts as ReportLab Drawings: one definition for the 审核报告 PDF (a Drawing is a flowable), the PNG
files (services/chart_png.py draws the same Drawing with Pillow) and the window (which shows that PNG).

ReportLab's VerticalBarChart draws the bars and axes; the title, the totals above a stack and the legend are
placed here, so their text is ours to check against the face. Every string is drawn in one Chinese face (黑体
where there is one), checked character by character: a glyph the face lacks is an error, never a blank.
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.shapes import Drawing, Rect, String
from reportlab.lib.colors import Color, HexColor, black, white
from reportlab.pdfbase.pdfmetrics import stringWidth

from services.pdf.fonts import Face, FontSet, MissingGlyphError
from services.trends import GROUPS, Group, Series, Trends, value_text

WIDTH = 442.0
"""Points: the type area's width (156 mm), so a chart fills the 审核报告's page width."""
HEIGHT = 210.0
TITLE_SIZE, LABEL_SIZE, VALUE_SIZE = 10.5, 8.0, 7.0
FLAG = HexColor("#C62828")
"""A change that X_SWING flags: its bar outlined and its figure written in this red, with an arrow."""
PALETTE = tuple(
    HexColor(c) for c in ("#4E79A7", "#F28E2B", "#59A14F", "#B07AA1", "#EDC948", "#76B7B2", "#9C755F", "#BAB0AC")
)
_LEFT, _RIGHT, _GAP = 34.0, 8.0, 4.0


@dataclass(frozen=True)
class TrendChart:
    key: str
    """The group's key, and the PNG's file stem."""
    title: str
    drawing: Drawing
    chart: VerticalBarChart
    """Its `data` is one list per drawn series, a value (None: a gap) per year."""
    series: tuple[Series, ...]
    """The drawn series, in the order of `chart.data`."""
    face: Face
    """The face every string is drawn in (for the PNG)."""


def chart_face(fonts: FontSet) -> Face:
    """黑体 reads best at a chart's small sizes; the body face where there is none."""
    return fonts.first_usable("heading1") or fonts.primary("body")


def trend_charts(trends: Trends, fonts: FontSet, width: float = WIDTH, height: float = HEIGHT) -> list[TrendChart]:
    """One chart per group that has a value in some year."""
    face = chart_face(fonts)
    return [chart for group in GROUPS if (chart := _group_chart(trends, group, face, width, height)) is not None]


def _group_chart(trends: Trends, group: Group, face: Face, width: float, height: float) -> TrendChart | None:
    members = trends.in_group(group.key)
    if group.chart == "stacked":
        drawn = tuple(s for s in members if not s.total)
        total = next((s for s in members if s.total), None)
    elif group.chart == "totals":
        drawn, total = tuple(s for s in members if s.total), None
    else:
        drawn, total = members, None
    if not any(v is not None for s in drawn for v in s.values):
        return None
    text = _Text(face)
    drawing = Drawing(width, height)
    drawing.add(text.string(0, height - TITLE_SIZE, group.title, TITLE_SIZE, "图表标题"))

    shown = (*drawn, total) if total is not None else drawn
    legend_top = _legend(drawing, text, drawn, width, flagged=any(map(_flagged, shown)), rule=trends.swing_rule)
    chart = VerticalBarChart()
    chart.x, chart.y = _LEFT, legend_top + 2 * LABEL_SIZE + 3 * _GAP
    chart.width = width - _LEFT - _RIGHT
    chart.height = height - TITLE_SIZE - 2 * _GAP - VALUE_SIZE - chart.y
    chart.data = [list(s.values) for s in drawn]
    chart.categoryAxis.categoryNames = [text.checked(_category(trends, y), "图表年度") for y in trends.years]
    chart.categoryAxis.labels.fontName = face.name
    chart.categoryAxis.labels.fontSize = LABEL_SIZE
    chart.categoryAxis.labels.boxAnchor = "n"
    chart.valueAxis.labels.fontName = face.name
    chart.valueAxis.labels.fontSize = LABEL_SIZE
    chart.valueAxis.visibleGrid = True
    chart.valueAxis.gridStrokeColor = HexColor("#DDDDDD")
    chart.valueAxis.gridStrokeWidth = 0.5
    chart.valueAxis.strokeWidth = chart.categoryAxis.strokeWidth = 0.5
    stacked = group.chart == "stacked"
    if stacked:
        chart.categoryAxis.style = "stacked"
        heights = [sum(v for v in column if v is not None) for column in zip(*chart.data, strict=True)]
        if total is not None:
            heights += [v for v in total.values if v is not None]
    else:
        heights = [v for s in drawn for v in s.values if v is not None]
    top, step = _axis(max(heights, default=0))
    chart.valueAxis.valueMin, chart.valueAxis.valueMax, chart.valueAxis.valueStep = 0, top, step
    chart.valueAxis.labelTextFormat = "%d"
    chart.barSpacing = 1
    chart.groupSpacing = 8 if stacked else 10
    for i, series in enumerate(drawn):
        chart.bars[i].fillColor = PALETTE[i % len(PALETTE)]
        chart.bars[i].strokeColor = white
        chart.bars[i].strokeWidth = 0.3
        if not stacked:
            for j, flag in enumerate(series.flags):
                if flag is not None:
                    chart.bars[(i, j)].strokeColor = FLAG
                    chart.bars[(i, j)].strokeWidth = 1.5
    if stacked:
        chart.barLabelFormat = None
    else:
        chart.barLabelFormat = "values"
        chart.barLabelArray = [[_figure(s, j) for j in range(len(s.values))] for s in drawn]
        chart.barLabels.fontName = face.name
        chart.barLabels.fontSize = VALUE_SIZE
        chart.barLabels.nudge = 5
        for i, series in enumerate(drawn):
            for j, flag in enumerate(series.flags):
                if flag is not None:
                    chart.barLabels[(i, j)].fillColor = FLAG
        for row in chart.barLabelArray:
            for label in row:
                text.checked(label, "图表数值")
    drawing.add(chart)
    if stacked and total is not None:
        _stack_totals(drawing, text, chart, total, top)
    return TrendChart(group.key, group.title, drawing, chart, drawn, face)


def _stack_totals(drawing: Drawing, text: _Text, chart: VerticalBarChart, total: Series, top: float) -> None:
    """The total above each stack (the parts are in the table): red with an arrow where X_SWING flags it."""
    slot = chart.width / max(len(total.values), 1)
    for j, value in enumerate(total.values):
        if value is None:
            continue
        x = chart.x + (j + 0.5) * slot
        y = chart.y + chart.height * float(value) / top + 2
        label = text.string(x, y, _figure(total, j), VALUE_SIZE, "图表合计", anchor="middle")
        if total.flags[j] is not None:
            label.fillColor = FLAG
        drawing.add(label)


def _legend(drawing: Drawing, text: _Text, drawn: Sequence[Series], width: float, *, flagged: bool, rule: str) -> float:
    """The series' swatches and names in rows at the bottom (wrapped to the width); returns the top of the
    legend."""
    swatch, pad = LABEL_SIZE, 10.0
    items = [(PALETTE[i % len(PALETTE)], s.label) for i, s in enumerate(drawn)]
    rows: list[list[tuple[Color, str, float]]] = [[]]
    used = 0.0
    for color, label in items:
        need = swatch + 3 + stringWidth(label, text.face.name, LABEL_SIZE) + pad
        if rows[-1] and used + need > width:
            rows.append([])
            used = 0.0
        rows[-1].append((color, label, used))
        used += need
    lines = [*rows]
    y = 3.0  # descenders of the last row clear the edge
    if flagged:
        note = "红色：与上年相比变化大" + (f"（{rule.split('：', 1)[-1]}）" if rule else "")
        while stringWidth(note, text.face.name, VALUE_SIZE) > width and len(note) > 12:
            note = note[:-2] + "…）"
        label = text.string(0, y + 1, note, VALUE_SIZE, "图表说明")
        label.fillColor = FLAG
        drawing.add(label)
        y += VALUE_SIZE + _GAP
    for row in reversed(lines):
        for color, label, x in row:
            drawing.add(Rect(x, y, swatch, swatch, fillColor=color, strokeColor=None))
            drawing.add(text.string(x + swatch + 3, y + 1, label, LABEL_SIZE, "图例"))
        y += swatch + _GAP
    return y


def _figure(series: Series, j: int) -> str:
    value = series.values[j]
    if value is None:
        return ""
    if series.flags[j] is None:
        return value_text(value)
    before = series.values[j - 1] if j else None
    arrow = "↑" if before is not None and value > before else "↓"
    return f"{value_text(value)}{arrow}"


def _flagged(series: Series) -> bool:
    return any(f is not None for f in series.flags)


def _category(trends: Trends, year: int) -> str:
    return f"{year}年" if year in trends.stored else f"{year}年\n无报告"


def _axis(highest: float) -> tuple[float, float]:
    """A round top for the value axis (room above the tallest bar for its figure) and a step of 1, 2 or 5 ×10ⁿ."""
    if highest <= 0:
        return 4, 1
    rough = highest * 1.15 / 4
    power = 10 ** math.floor(math.log10(rough))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= rough)
    step = max(step, 1)
    return step * math.ceil(highest * 1.15 / step), step


class _Text:
    """Strings in the chart's face, each character checked against it."""

    def __init__(self, face: Face) -> None:
        self.face = face
        face.register()

    def checked(self, text: str, where: str) -> str:
        for char in text:
            if not (char.isspace() or unicodedata.category(char) == "Cf" or self.face.covers(char)):
                raise MissingGlyphError(char, f"历年对比图的{where}“{text}”")
        return text

    def string(self, x: float, y: float, text: str, size: float, where: str, anchor: str = "start") -> String:
        return String(
            x, y, self.checked(text, where), fontName=self.face.name, fontSize=size, textAnchor=anchor, fillColor=black
        )


def chart_values(chart: TrendChart) -> Mapping[str, list[object]]:
    """What a chart shows, by series label (for tests and the CSV's cross-check)."""
    return {s.label: list(row) for s, row in zip(chart.series, chart.chart.data, strict=True)}
