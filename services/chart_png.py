"""A ReportLab Drawing as a PNG, drawn with Pillow.

ReportLab's own bitmap renderer (renderPM) needs rlPyCairo, pycairo and the cairo libraries, none of which the
app ships; Pillow is already in it (ReportLab needs it for images). A chart is only rectangles, axis-parallel
lines and strings, so this draws exactly those (with the groups' translations and scales); anything else in a
Drawing is an error here rather than a silent hole in the picture.
"""

from __future__ import annotations

from functools import lru_cache
from io import BytesIO
from pathlib import Path
from typing import TYPE_CHECKING

from reportlab.graphics.shapes import Drawing, Group, Line, PolyLine, Rect, String, UserNode, mmult
from reportlab.lib.colors import Color

if TYPE_CHECKING:
    from PIL import Image, ImageDraw, ImageFont

    from services.pdf.fonts import Face

Transform = tuple[float, float, float, float, float, float]
_IDENTITY: Transform = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
_ANCHORS = {"start": "ls", "middle": "ms", "end": "rs"}
"""ReportLab's text anchors as Pillow's (horizontal position, baseline)."""


def drawing_image(drawing: Drawing, face: Face, scale: float = 2.0) -> Image.Image:
    """The drawing on white at `scale` pixels per point."""
    from PIL import Image, ImageDraw

    size = (max(1, round(drawing.width * scale)), max(1, round(drawing.height * scale)))
    image = Image.new("RGB", size, "white")
    painter = _Painter(ImageDraw.Draw(image), face, size[1], scale)
    painter.node(drawing, _IDENTITY)
    return image


def drawing_png(drawing: Drawing, face: Face, scale: float = 2.0) -> bytes:
    out = BytesIO()
    drawing_image(drawing, face, scale).save(out, "PNG", optimize=True)
    return out.getvalue()


@lru_cache(maxsize=32)
def _font(path: Path, index: int, pixels: int) -> ImageFont.FreeTypeFont:
    from PIL import ImageFont

    return ImageFont.truetype(str(path), pixels, index=index)


def _rgb(color: Color | None) -> tuple[int, int, int] | None:
    if color is None:
        return None
    return round(color.red * 255), round(color.green * 255), round(color.blue * 255)


class _Painter:
    def __init__(self, draw: ImageDraw.ImageDraw, face: Face, pixel_height: int, scale: float) -> None:
        self.draw, self.face, self.height, self.scale = draw, face, pixel_height, scale

    def point(self, t: Transform, x: float, y: float) -> tuple[float, float]:
        """A drawing point in pixels (ReportLab's y grows upwards, an image's downwards)."""
        px = t[0] * x + t[2] * y + t[4]
        py = t[1] * x + t[3] * y + t[5]
        return px * self.scale, self.height - py * self.scale

    def width(self, t: Transform, w: float) -> int:
        return max(1, round(w * abs(t[0]) * self.scale))

    def node(self, node: object, t: Transform) -> None:
        while isinstance(node, UserNode):  # a chart, an axis, a label: ask it for its shapes
            node = node.provideNode()
        if isinstance(node, Group):
            inner = mmult(t, tuple(node.transform)) if node.transform else t
            for child in node.getContents():
                self.node(child, inner)
        elif isinstance(node, Rect):
            self.rect(node, t)
        elif isinstance(node, Line):
            self.line(node, t)
        elif isinstance(node, PolyLine):
            self.polyline(node, t)
        elif isinstance(node, String):
            self.string(node, t)
        else:
            raise TypeError(f"chart_png cannot draw a {type(node).__name__}")

    def rect(self, rect: Rect, t: Transform) -> None:
        (x0, y0), (x1, y1) = self.point(t, rect.x, rect.y), self.point(t, rect.x + rect.width, rect.y + rect.height)
        box = [round(min(x0, x1)), round(min(y0, y1)), round(max(x0, x1)), round(max(y0, y1))]
        stroke = _rgb(rect.strokeColor) if rect.strokeWidth else None
        fill = _rgb(rect.fillColor)
        if fill is None and stroke is None:
            return
        if box[2] - box[0] < 1 or box[3] - box[1] < 1:  # a bar of 0: nothing to fill
            box[3] = max(box[3], box[1])
        self.draw.rectangle(box, fill=fill, outline=stroke, width=self.width(t, rect.strokeWidth) if stroke else 0)

    def line(self, line: Line, t: Transform) -> None:
        colour = _rgb(line.strokeColor)
        if colour is None or not line.strokeWidth:
            return
        ends = [self.point(t, line.x1, line.y1), self.point(t, line.x2, line.y2)]
        self.draw.line([(round(x), round(y)) for x, y in ends], fill=colour, width=self.width(t, line.strokeWidth))

    def polyline(self, poly: PolyLine, t: Transform) -> None:
        colour = _rgb(poly.strokeColor)
        if colour is None or not poly.strokeWidth:
            return
        pts = poly.points
        xy = [self.point(t, pts[i], pts[i + 1]) for i in range(0, len(pts) - 1, 2)]
        self.draw.line(xy, fill=colour, width=self.width(t, poly.strokeWidth))

    def string(self, s: String, t: Transform) -> None:
        colour = _rgb(s.fillColor)
        if colour is None or not s.text:
            return
        pixels = max(1, round(s.fontSize * abs(t[3]) * self.scale))
        font = _font(self.face.path, self.face.index, pixels)
        self.draw.text(self.point(t, s.x, s.y), s.text, fill=colour, font=font, anchor=_ANCHORS.get(s.textAnchor, "ls"))
