"""Text set on the GB/T 9704 grid and drawn straight onto the canvas: one PDF text line per printed line.

ReportLab's Paragraph cannot do this: it justifies only at spaces (Chinese has none), fits 27 characters where
the grid has 28, and its split appends a space to every line it carries to the next page ("全 年主动公开").
Here a paragraph is broken into lines once (services.pdf.linebreak); a page break only hands whole lines to the
next page, so a paragraph reads the same wherever it falls, and the text layer holds exactly the source text.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from reportlab.lib.rl_accel import fp_str
from reportlab.pdfbase.pdfmetrics import getFont, stringWidth
from reportlab.platypus import Flowable

from services.pdf.fonts import Face, FontSet, Role
from services.pdf.linebreak import Line, break_lines, grid_tracking

ASCENT = 0.88
"""Of the em: the em box (0.88 above the baseline, 0.12 below) is centred in the line pitch, as Word's grid."""
MIN_LINES = 2
"""Lines of a paragraph that a page break leaves on either side (no orphan, no widow)."""

_widths: dict[tuple[str, str, float], float] = {}


def char_width(face: Face, char: str, size: float) -> float:
    key = (face.name, char, size)
    width = _widths.get(key)
    if width is None:
        width = _widths[key] = float(stringWidth(char, face.name, size))
    return width


def char_faces(fonts: FontSet, text: str, role: Role, where: str) -> list[Face]:
    """The face that draws each character (fallback runs); raises MissingGlyphError."""
    return [face for face, part in fonts.runs(text, role, where) for _ in part]


class GridText(Flowable):  # type: ignore[misc]
    """Lines of text at a fixed pitch, each drawn from its own indent with its own character spacing."""

    def __init__(
        self,
        text: str,
        faces: Sequence[Face],
        lines: Sequence[Line],
        size: float,
        pitch: float,
        width: float,
        splittable: bool = True,
    ) -> None:
        super().__init__()
        self.text = text
        self.faces = list(faces)
        self.lines = list(lines)
        self.size = size
        self.pitch = pitch
        self.width = width
        self.height = pitch * len(self.lines)
        self.splittable = splittable

    @classmethod
    def paragraph(
        cls, fonts: FontSet, text: str, role: Role, where: str, size: float, pitch: float, width: float, indent: float
    ) -> GridText:
        """A body paragraph or heading: justified grid lines, the first `indent` in."""
        faces = char_faces(fonts, text, role, where)
        widths = [char_width(face, char, size) for face, char in zip(faces, text, strict=True)]
        lines = break_lines(text, widths, width, grid_tracking(width, size), indent)
        return cls(text, faces, lines, size, pitch, width)

    def line_width(self, line: Line) -> float:
        """From the line's first glyph's left to its last glyph's right."""
        count = line.end - line.start
        natural = sum(char_width(self.faces[i], self.text[i], self.size) for i in range(line.start, line.end))
        return natural + line.spacing * max(0, count - 1)

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        return self.width, self.height

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:
        fits = int((availHeight + 1e-6) // self.pitch)
        if not self.splittable or len(self.lines) < 2 * MIN_LINES:
            return []
        fits = min(fits, len(self.lines) - MIN_LINES)
        if fits < MIN_LINES:
            return []
        return [self.part(self.lines[:fits]), self.part(self.lines[fits:])]

    def part(self, lines: Sequence[Line]) -> GridText:
        return GridText(self.text, self.faces, lines, self.size, self.pitch, self.width, self.splittable)

    def draw(self) -> None:
        canvas: Any = self.canv
        baseline = (self.pitch - self.size) / 2 + ASCENT * self.size
        for k, line in enumerate(self.lines):
            if line.end > line.start:
                draw_line(canvas, self.text, self.faces, line, self.height - k * self.pitch - baseline, self.size)


def draw_line(
    canvas: Any, text: str, faces: Sequence[Face], line: Line, y: float, size: float, x0: float = 0.0
) -> None:
    """One text object for text[line.start:line.end] from x0 + line.indent at baseline y.

    Each run of one face and one ReportLab subset (256 glyphs each) starts at its own computed x: readers
    disagree whether the character spacing (Tc) follows a string's last glyph, so it is only relied on between
    the glyphs of one string. The operators are written here (ReportLab's text object would split each string
    into subsets a second time, and this is the hot path of a report).
    """
    doc = canvas._doc
    escape = canvas._escape
    size_str = fp_str(size)
    ops = ["BT", f"{fp_str(line.spacing)} Tc"]
    current = None
    x = x0 + line.indent
    start = line.start
    for i in range(line.start + 1, line.end + 1):
        if i < line.end and faces[i] is faces[start]:
            continue
        face = faces[start]
        font = getFont(face.name)
        done = start
        for subset, data in font.splitString(text[start:i], doc):
            name = font.getSubsetInternalName(subset, doc)
            if name != current:
                ops.append(f"{name} {size_str} Tf")
                current = name
            ops.append(f"1 0 0 1 {fp_str(x, y)} Tm ({escape(data)}) Tj")
            x += sum(char_width(face, ch, size) for ch in text[done : done + len(data)]) + line.spacing * len(data)
            done += len(data)
        start = i
    ops.append("0 Tc ET")  # the character spacing is part of the page's state: leave none behind
    canvas._code.append(" ".join(ops))
