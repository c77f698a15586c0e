"""Page geometry of GB/T 9704 (A4, 版心 156 × 225 mm) and the page template: page numbers and the draft watermark.

Everything drawn straight onto the canvas goes through FontSet.runs, like the story's text, so a page number or
watermark character that no font covers is an error before anything is drawn, never a blank box.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

from reportlab.lib.colors import Color
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Frame, PageTemplate

from services.pdf.fonts import Face, FontSet

PageNumbers = Literal["outer", "centred"]
Runs = Sequence[tuple[Face, str]]

PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN_TOP = 37 * mm
MARGIN_LEFT = 28 * mm
TYPE_WIDTH = 156 * mm
TYPE_HEIGHT = 225 * mm
MARGIN_RIGHT = PAGE_WIDTH - MARGIN_LEFT - TYPE_WIDTH
MARGIN_BOTTOM = PAGE_HEIGHT - MARGIN_TOP - TYPE_HEIGHT

BODY_SIZE = 16.0
"""3号."""
LINE_PITCH = 28.95
"""22 lines fill the 225 mm type area (GB/T 9704's grid)."""
GRID_PITCH = TYPE_WIDTH / 28
"""28 characters fill a line of the type area: 16 pt glyphs with about −0.21 pt tracking (Word's grid)."""
INDENT = 2 * GRID_PITCH
"""Two grid cells: first-line indent of paragraphs and headings."""

PAGE_NUMBER_SIZE = 14.0
"""4号."""
PAGE_NUMBER_GAP = 7 * mm
"""The dashes of the page number sit 7 mm below the type area."""
WATERMARK_TEXT = "草稿"
WATERMARK_SIZE = 150.0
WATERMARK_LONG_SIZE = 110.0
WATERMARK_COLOUR = Color(0.87, 0.87, 0.87)
"""A light grey rather than transparency: it prints the same on every office printer."""


def runs_width(runs: Runs, size: float) -> float:
    return float(sum(stringWidth(text, face.name, size) for face, text in runs))


def draw_runs(canvas: Canvas, runs: Runs, x: float, y: float, size: float) -> None:
    """Draw fallback runs left to right from (x, y), each in its own face."""
    for face, text in runs:
        canvas.setFont(face.name, size)
        canvas.drawString(x, y, text)
        x += stringWidth(text, face.name, size)


def page_number_text(number: int) -> str:
    return f"— {number} —"


def page_number_x(number: int, width: float, mode: PageNumbers) -> float:
    """Left x of a page number: odd pages right, even pages left, one character in from the type area's edge
    (the outer edge of a double-sided print); or centred."""
    if mode == "centred":
        return float(MARGIN_LEFT + (TYPE_WIDTH - width) / 2)
    if number % 2:
        return float(MARGIN_LEFT + TYPE_WIDTH - PAGE_NUMBER_SIZE - width)
    return float(MARGIN_LEFT + PAGE_NUMBER_SIZE)


def page_number_baseline() -> float:
    # The dash is drawn at about 0.3 em above the baseline; put it 7 mm under the type area.
    return float(MARGIN_BOTTOM - PAGE_NUMBER_GAP - 0.3 * PAGE_NUMBER_SIZE)


@dataclass(frozen=True)
class PageDecoration:
    """What every page carries besides the story: its number and, on a draft, the watermark."""

    fonts: FontSet
    page_numbers: PageNumbers = "outer"
    watermark: str | None = None
    """The diagonal word on every page (草稿, 未通过审核), or None."""

    def validate(self) -> None:
        """Raise MissingGlyphError now, before the build, for anything the pages would draw."""
        self.fonts.check(page_number_text(1234567890), "page_number", "页码")
        if self.watermark:
            self.fonts.check(self.watermark, "title", "水印")

    def __call__(self, canvas: Canvas, doc: Any) -> None:
        canvas.saveState()
        if self.watermark:
            self._draw_watermark(canvas)
        number = canvas.getPageNumber()
        runs = self.fonts.runs(page_number_text(number), "page_number", "页码")
        width = runs_width(runs, PAGE_NUMBER_SIZE)
        canvas.setFillColor(Color(0, 0, 0))
        draw_runs(
            canvas, runs, page_number_x(number, width, self.page_numbers), page_number_baseline(), PAGE_NUMBER_SIZE
        )
        canvas.restoreState()

    def _draw_watermark(self, canvas: Canvas) -> None:
        assert self.watermark is not None
        runs = self.fonts.runs(self.watermark, "title", "水印")
        canvas.saveState()
        canvas.setFillColor(WATERMARK_COLOUR)
        canvas.translate(PAGE_WIDTH / 2, PAGE_HEIGHT / 2)
        canvas.rotate(45)
        # a longer word (未通过审核) is set smaller so it stays on the page
        size = WATERMARK_SIZE if len(self.watermark) <= 2 else WATERMARK_LONG_SIZE
        width = runs_width(runs, size)
        draw_runs(canvas, runs, -width / 2, -size * 0.35, size)
        canvas.restoreState()


def report_document(
    buffer: Any, *, title: str, author: str, subject: str, decoration: PageDecoration, initial_font: str
) -> BaseDocTemplate:
    """An A4 document whose single frame is exactly the type area (no frame padding)."""
    doc = BaseDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=MARGIN_LEFT,
        rightMargin=MARGIN_RIGHT,
        topMargin=MARGIN_TOP,
        bottomMargin=MARGIN_BOTTOM,
        title=title,
        author=author,
        subject=subject,
        creator="Nianbao 年报",
        # The canvas otherwise selects Helvetica in every page's preamble, which puts an unembedded
        # standard font into the file.
        initialFontName=initial_font,
        initialFontSize=BODY_SIZE,
        initialLeading=LINE_PITCH,
    )
    frame = Frame(
        MARGIN_LEFT,
        MARGIN_BOTTOM,
        TYPE_WIDTH,
        TYPE_HEIGHT,
        leftPadding=0,
        rightPadding=0,
        topPadding=0,
        bottomPadding=0,
        id="type-area",
    )
    doc.addPageTemplates([PageTemplate(id="page", frames=[frame], onPage=decoration)])
    return doc
