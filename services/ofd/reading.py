"""Our own PDF read back as drawn, for the OFD: each glyph and each path in stream order, in millimetres from the
page's top-left corner (OFD's space), with the font programs the PDF embeds.

pdfminer interprets the content streams; a device of ours (`_Recorder`) takes what the interpreter draws instead
of laying it out: the glyph's code, its Unicode text (the PDF's ToUnicode), the font size the text state set, the
text matrix (a rotated watermark stays rotated), the fill colour; a path's segments through the current
transformation, its line width, dash, caps, joins and colours. Only what our renderer draws is supported: simple
TrueType fonts with an embedded program (FontFile2), no images; anything else is refused with the reason.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from io import BytesIO
from typing import Any

from pdfminer.pdfcolor import PDFColorSpace
from pdfminer.pdfdevice import PDFTextDevice
from pdfminer.pdffont import PDFFont, PDFUnicodeNotDefined
from pdfminer.pdfinterp import PDFGraphicState, PDFPageInterpreter, PDFResourceManager
from pdfminer.pdfpage import PDFPage
from pdfminer.pdftypes import PDFStream, resolve1
from pdfminer.utils import PathSegment

from services.errors import NianbaoError

PT = 25.4 / 72
"""Millimetres per PDF point."""

Matrix = tuple[float, float, float, float, float, float]
Colour = tuple[int, int, int]


class OfdConversionError(NianbaoError):
    """The PDF holds something the OFD writer does not carry over."""


@dataclass(frozen=True)
class PdfFont:
    """A font program the PDF embeds (a TrueType subset), with the Unicode text of each code drawn with it."""

    key: str
    base_name: str
    program: bytes
    unicode_of: dict[int, str] = field(default_factory=dict, compare=False, hash=False)


@dataclass(frozen=True)
class Glyph:
    font: str
    code: int
    text: str
    size: float
    """mm: the text state's font size times the scale of the text matrix"""
    x: float
    y: float
    """mm: the glyph's origin on the baseline, from the page's top-left corner"""
    advance: float
    """mm along the baseline to where the next glyph would start without extra spacing"""
    direction: tuple[float, float, float, float]
    """the text matrix's rotation (a, b, c, d) in OFD's y-down space, scale removed; (1, 0, 0, 1) for upright"""
    colour: Colour


@dataclass(frozen=True)
class Segment:
    op: str
    """M (move), L (line), B (cubic Bézier), C (close), as OFD's AbbreviatedData names them"""
    points: tuple[tuple[float, float], ...]


@dataclass(frozen=True)
class Path:
    segments: tuple[Segment, ...]
    stroke: bool
    fill: bool
    even_odd: bool
    line_width: float
    stroke_colour: Colour
    fill_colour: Colour
    cap: str
    join: str
    dash: tuple[float, ...]
    dash_offset: float


@dataclass
class Page:
    width: float
    height: float
    items: list[Glyph | Path] = field(default_factory=list)


@dataclass
class ReadPdf:
    pages: list[Page]
    fonts: dict[str, PdfFont]


def _colour(value: Any, components: int) -> Colour:
    """A PDF colour (gray, RGB or CMYK, 0–1) as OFD's RGB 0–255."""
    if value is None:
        return (0, 0, 0)
    values = [float(v) for v in value] if isinstance(value, list | tuple) else [float(value)]
    if components == 1 or len(values) == 1:
        grey = round(values[0] * 255)
        return (grey, grey, grey)
    if len(values) == 4:
        c, m, y, k = values
        return (round(255 * (1 - c) * (1 - k)), round(255 * (1 - m) * (1 - k)), round(255 * (1 - y) * (1 - k)))
    if len(values) == 3:
        r, g, b = values
        return (round(r * 255), round(g * 255), round(b * 255))
    raise OfdConversionError(f"PDF 中有无法转换的颜色：{value!r}")


def _number(value: object) -> float:
    if isinstance(value, int | float):
        return float(value)
    raise OfdConversionError(f"PDF 中有无法转换的数值：{value!r}")


def _sequence(value: object) -> Sequence[object]:
    return value if isinstance(value, list | tuple) else ()


def _apply(matrix: Matrix, x: float, y: float) -> tuple[float, float]:
    a, b, c, d, e, f = matrix
    return (a * x + c * y + e, b * x + d * y + f)


def read_pdf(pdf: bytes) -> ReadPdf:
    """Every page of the PDF as glyphs and paths in drawing order, and the fonts they use."""
    manager = PDFResourceManager(caching=True)
    recorder = _Recorder(manager)
    interpreter = PDFPageInterpreter(manager, recorder)
    pages: list[Page] = []
    for pdf_page in PDFPage.get_pages(BytesIO(pdf)):
        x0, y0, x1, y1 = (float(v) for v in pdf_page.mediabox)
        recorder.page = Page(round((x1 - x0) * PT, 3), round((y1 - y0) * PT, 3))
        recorder.origin = (x0, y1)
        interpreter.process_page(pdf_page)
        pages.append(recorder.page)
    return ReadPdf(pages, recorder.fonts)


class _Recorder(PDFTextDevice):
    """A pdfminer device that records what is drawn (pdfminer's own devices lay text out into lines and boxes)."""

    def __init__(self, manager: PDFResourceManager) -> None:
        super().__init__(manager)
        self.page = Page(0.0, 0.0)
        self.origin = (0.0, 0.0)
        self.fonts: dict[str, PdfFont] = {}
        self._font_keys: dict[int, str] = {}

    def _to_page(self, x: float, y: float) -> tuple[float, float]:
        """PDF user space (y up from the media box's bottom) to OFD's (mm, y down from the top)."""
        return ((x - self.origin[0]) * PT, (self.origin[1] - y) * PT)

    def render_char(
        self,
        matrix: Matrix,
        font: PDFFont,
        fontsize: float,
        scaling: float,
        rise: float,
        cid: int,
        ncs: PDFColorSpace,
        graphicstate: PDFGraphicState,
    ) -> float:
        key = self._font_key(font)
        try:
            text = font.to_unichr(cid)
        except PDFUnicodeNotDefined:
            raise OfdConversionError(
                f"PDF 字体 {font.fontname} 的字码 {cid} 没有对应的文字（缺少 ToUnicode）"
            ) from None
        self.fonts[key].unicode_of.setdefault(cid, text)
        advance = font.char_width(cid) * fontsize * scaling
        a, b, c, d, _e, _f = matrix
        scale = math.sqrt(abs(a * d - b * c)) or 1.0
        x, y = self._to_page(*_apply(matrix, 0.0, rise))
        self.page.items.append(
            Glyph(
                font=key,
                code=cid,
                text=text,
                size=fontsize * scale * PT,
                x=x,
                y=y,
                advance=advance * scale * PT,
                direction=(a / scale, -b / scale, -c / scale, d / scale),
                colour=_colour(graphicstate.ncolor, getattr(ncs, "ncomponents", 1)),
            )
        )
        return float(advance)

    def _font_key(self, font: PDFFont) -> str:
        known = self._font_keys.get(id(font))
        if known is not None:
            return known
        descriptor = getattr(font, "descriptor", None) or {}
        stream = resolve1(descriptor.get("FontFile2"))
        if not isinstance(stream, PDFStream):
            raise OfdConversionError(
                f"PDF 字体 {font.fontname} 没有嵌入 TrueType 字形程序，无法嵌入 OFD（只支持本程序生成的 PDF）"
            )
        program = stream.get_data()
        base = str(getattr(font, "basefont", font.fontname))
        key = f"{base}#{hashlib.sha1(program).hexdigest()[:8]}"
        if key not in self.fonts:
            self.fonts[key] = PdfFont(key, base, program)
        self._font_keys[id(font)] = key
        return key

    def paint_path(
        self, graphicstate: PDFGraphicState, stroke: bool, fill: bool, evenodd: bool, path: Sequence[PathSegment]
    ) -> None:
        ctm = self.ctm
        assert ctm is not None
        segments: list[Segment] = []
        current = start = (0.0, 0.0)
        for op, *operands in path:
            numbers = [_number(v) for v in operands]
            pairs = [(numbers[i], numbers[i + 1]) for i in range(0, len(numbers) - 1, 2)]
            if op == "v":  # the first control point is the current point
                pairs = [current, *pairs]
            elif op == "y":  # the second control point is the end point
                pairs = [*pairs, pairs[-1]]
            if op == "h":
                current = start
                segments.append(Segment("C", ()))
                continue
            kind = {"m": "M", "l": "L", "c": "B", "v": "B", "y": "B"}.get(str(op))
            if kind is None or len(pairs) != (3 if kind == "B" else 1):
                raise OfdConversionError(f"PDF 中有无法转换的路径操作“{op}”")
            current = pairs[-1]
            if kind == "M":
                start = current
            segments.append(Segment(kind, tuple(self._to_page(*_apply(ctm, x, y)) for x, y in pairs)))
        if not segments or not (stroke or fill):
            return
        a, b, c, d, _e, _f = ctm
        scale = math.sqrt(abs(a * d - b * c)) or 1.0
        dash_pattern, dash_phase = graphicstate.dash or ((), 0)
        self.page.items.append(
            Path(
                segments=tuple(segments),
                stroke=stroke,
                fill=fill,
                even_odd=evenodd,
                line_width=float(graphicstate.linewidth) * scale * PT,
                stroke_colour=_colour(graphicstate.scolor, getattr(graphicstate.scs, "ncomponents", 1)),
                fill_colour=_colour(graphicstate.ncolor, getattr(graphicstate.ncs, "ncomponents", 1)),
                cap=("Butt", "Round", "Square")[int(_number(graphicstate.linecap or 0))],
                join=("Miter", "Round", "Bevel")[int(_number(graphicstate.linejoin or 0))],
                dash=tuple(_number(v) * scale * PT for v in _sequence(dash_pattern)),
                dash_offset=_number(dash_phase or 0) * scale * PT,
            )
        )

    def render_image(self, name: str, stream: PDFStream) -> None:
        raise OfdConversionError("PDF 中有图片，OFD 导出只支持本程序生成的报告（文字和表格线）")
