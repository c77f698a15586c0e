"""An OFD package (GB/T 33190-2016) from pages read off our PDF (services/ofd/reading.py).

The package is a zip:
  OFD.xml                          DocBody: DocInfo (title, author, date, creator) and DocRoot
  Doc_0/Document.xml               CommonData (MaxUnitID, the page area, PublicRes) and the Pages
  Doc_0/PublicRes.xml              the Fonts, each with its FontFile under Doc_0/Res/
  Doc_0/Pages/Page_N/Content.xml   one Body layer: TextObjects and PathObjects in the PDF's drawing order
Every unit is in millimetres from the page's top-left corner. A TextObject is a run of glyphs on one baseline in
one font, size and colour: its TextCode holds the characters, X/Y the first one's baseline origin inside the
object's Boundary, DeltaX the distance from each character to the next (`g N d` for N equal steps), as the PDF
placed them (the grid's tracking and justification are kept to the hundredth of a millimetre). Rotated text (the
草稿 watermark) gets a CTM. The fonts are the PDF's own subsets with a Unicode cmap added, so a reader draws the
PDF's very glyphs and copies the characters. A path (a table rule) keeps its line width, colours, caps, joins and
dash.
"""

from __future__ import annotations

import uuid
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from io import BytesIO
from itertools import pairwise
from typing import Any
from xml.etree import ElementTree as ET

from services.ofd.reading import Glyph, OfdConversionError, Page, Path, PdfFont, ReadPdf

NS = "http://www.ofdspec.org/2016"
UPRIGHT = (1.0, 0.0, 0.0, 1.0)
# a TextObject's Boundary around its glyphs, in ems: Chinese faces reach about 0.9 em above the baseline and
# 0.15 below; the margin keeps every glyph inside, where a reader clips
ABOVE, BELOW, SIDE = 1.25, 0.45, 0.25


@dataclass(frozen=True)
class DocInfo:
    title: str
    author: str = ""
    subject: str = ""
    creator: str = "年报 Nianbao"


def _n(value: float) -> str:
    """A number as OFD writes it: millimetres to the thousandth, no trailing zeros."""
    text = f"{value:.3f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _box(x: float, y: float, width: float, height: float) -> str:
    return " ".join(_n(v) for v in (x, y, width, height))


def delta_x(steps: Sequence[float]) -> str:
    """DeltaX with equal neighbouring steps folded into `g N step`."""
    words: list[str] = []
    i = 0
    while i < len(steps):
        step = _n(steps[i])
        j = i
        while j + 1 < len(steps) and _n(steps[j + 1]) == step:
            j += 1
        count = j - i + 1
        words += ["g", str(count), step] if count > 1 else [step]
        i = j + 1
    return " ".join(words)


def _el(
    parent: ET.Element | None, tag: str, attrib: dict[str, str] | None = None, text: str | None = None
) -> ET.Element:
    name = f"{{{NS}}}{tag}"
    element = ET.Element(name, attrib or {}) if parent is None else ET.SubElement(parent, name, attrib or {})
    if text is not None:
        element.text = text
    return element


def _xml(root: ET.Element) -> bytes:
    ET.register_namespace("ofd", NS)
    return bytes(ET.tostring(root, encoding="UTF-8", xml_declaration=True))


def _colour(parent: ET.Element, tag: str, rgb: tuple[int, int, int]) -> None:
    _el(parent, tag, {"Value": " ".join(str(c) for c in rgb)})


@dataclass(frozen=True)
class OfdFont:
    """One font of the OFD: the PDF subsets of one face merged, with a Unicode cmap."""

    keys: tuple[str, ...]
    """the PdfFont keys it serves"""
    name: str
    family: str
    program: bytes


def _glyph_of_code(tt: Any) -> dict[int, str]:
    """The glyph a simple TrueType font draws for each one-byte code (1,0 or 3,0 cmap, as the PDF reads it)."""
    out: dict[int, str] = {}
    for table in tt["cmap"].tables if "cmap" in tt else ():
        for code, name in table.cmap.items():
            out.setdefault(code & 0xFF if (table.platformID, table.platEncID) == (3, 0) else code, name)
    return out


def _unicode_glyphs(font: PdfFont, tt: Any) -> dict[int, str]:
    """Each character the PDF drew with this subset → the glyph it drew."""
    glyph_of_code = _glyph_of_code(tt)
    out: dict[int, str] = {}
    for code, text in font.unicode_of.items():
        if len(text) != 1:
            raise OfdConversionError(f"PDF 字体 {font.base_name} 的字码 {code} 对应多个字符“{text}”，无法写入 OFD")
        glyph = glyph_of_code.get(code)
        if glyph is None:
            raise OfdConversionError(f"PDF 字体 {font.base_name} 中没有字码 {code}（“{text}”）的字形")
        out[ord(text)] = glyph
    return out


def _same_face(a: Any, b: Any) -> bool:
    """Two subsets cut from one face: the same units per em and the same hinting programs and values."""
    if a["head"].unitsPerEm != b["head"].unitsPerEm:
        return False
    return all(
        (tag in a) == (tag in b) and (tag not in a or a.getTableData(tag) == b.getTableData(tag))
        for tag in ("fpgm", "prep", "cvt ")
    )


def ofd_fonts(fonts: Sequence[PdfFont]) -> list[OfdFont]:
    """The OFD's fonts: the subsets ReportLab cut from one face (at most 256 glyphs each, AAAAAA+X, AAAAAB+X …)
    merged into one font, so a line of text is one TextObject; each with a Unicode cmap (3,1, and 3,10 beyond the
    BMP) to the very glyphs the PDF drew, which an OFD reader, mapping characters rather than one-byte codes,
    needs. Subsets are merged only when they are one face and no character would map to two glyphs."""
    from fontTools.ttLib import TTFont

    groups: list[tuple[list[PdfFont], Any, dict[int, str]]] = []
    for font in fonts:
        tt = TTFont(BytesIO(font.program))
        mapping = _unicode_glyphs(font, tt)
        for members, base, merged in groups:
            if members[0].base_name.split("+", 1)[-1] != font.base_name.split("+", 1)[-1] or not _same_face(base, tt):
                continue
            renamed = {name: f"{name}.s{len(members)}" for name in tt.getGlyphOrder() if name != ".notdef"}
            if any(merged.get(char, renamed[glyph]) != renamed[glyph] for char, glyph in mapping.items()):
                continue
            _add_glyphs(base, tt, renamed)
            merged.update({char: renamed[glyph] for char, glyph in mapping.items()})
            members.append(font)
            break
        else:
            groups.append(([font], tt, dict(mapping)))
    return [_with_unicode_cmap(members, tt, mapping) for members, tt, mapping in groups]


def _add_glyphs(base: Any, other: Any, renamed: dict[str, str]) -> None:
    """Copy every glyph of `other` into `base` under its new name (composites pointing at the renamed parts)."""
    glyf, hmtx = base["glyf"], base["hmtx"]
    order = list(base.getGlyphOrder())
    for name, new in renamed.items():
        glyph = other["glyf"][name]
        if glyph.isComposite():
            for component in glyph.components:
                component.glyphName = renamed.get(component.glyphName, component.glyphName)
        glyf.glyphs[new] = glyph
        hmtx.metrics[new] = other["hmtx"].metrics[name]
        order.append(new)
    base.setGlyphOrder(order)
    glyf.glyphOrder = order


def _with_unicode_cmap(members: list[PdfFont], tt: Any, mapping: dict[int, str]) -> OfdFont:
    from fontTools.ttLib import newTable
    from fontTools.ttLib.tables._c_m_a_p import CmapSubtable

    cmap = newTable("cmap")
    cmap.tableVersion = 0
    cmap.tables = []
    for platform, encoding, fmt in ((3, 1, 4), (3, 10, 12)):
        if fmt == 12 and max(mapping, default=0) <= 0xFFFF:
            continue
        table = CmapSubtable.newSubtable(fmt)
        table.platformID, table.platEncID, table.language = platform, encoding, 0
        table.cmap = {c: g for c, g in mapping.items() if fmt == 12 or c <= 0xFFFF}
        cmap.tables.append(table)
    tt["cmap"] = cmap
    if "post" in tt:
        tt["post"].formatType = 3.0  # glyph names are not needed, and the merged ones are ours
    family = str(tt["name"].getDebugName(1) or "") if "name" in tt else ""
    out = BytesIO()
    tt.save(out)
    name = members[0].base_name
    return OfdFont(tuple(f.key for f in members), name, family or name.split("+", 1)[-1], out.getvalue())


def _runs(glyphs: Iterable[Glyph], font_ids: dict[str, str]) -> list[list[Glyph]]:
    """Glyphs that continue one another on one baseline in one OFD font, size, colour and direction."""
    runs: list[list[Glyph]] = []
    for glyph in glyphs:
        if runs and font_ids[runs[-1][-1].font] == font_ids[glyph.font] and _continues(runs[-1][-1], glyph):
            runs[-1].append(glyph)
        else:
            runs.append([glyph])
    return runs


def _continues(before: Glyph, glyph: Glyph) -> bool:
    same = (before.size, before.colour, before.direction) == (
        glyph.size,
        glyph.colour,
        glyph.direction,
    )
    if not same:
        return False
    a, b = glyph.direction[0], glyph.direction[1]
    dx, dy = glyph.x - before.x, glyph.y - before.y
    along, across = dx * a + dy * b, -dx * b + dy * a
    # a step back or a gap wider than an em is another piece of text (the next table cell, a new line)
    return abs(across) < 0.01 and along > 0 and along - before.advance < glyph.size


class _Ids:
    def __init__(self) -> None:
        self.last = 0

    def __call__(self) -> str:
        self.last += 1
        return str(self.last)


def _text_object(layer: ET.Element, run: list[Glyph], font_id: str, ids: _Ids, page: tuple[float, float]) -> None:
    first, last, size = run[0], run[-1], run[0].size
    steps = [((g.x - p.x) * first.direction[0] + (g.y - p.y) * first.direction[1]) for p, g in pairwise(run)]
    attrib = {"ID": ids(), "Font": font_id, "Size": _n(size)}
    if first.direction == UPRIGHT:
        left, top = first.x - SIDE * size, first.y - ABOVE * size
        width = last.x + last.advance - first.x + 2 * SIDE * size
        attrib["Boundary"] = _box(left, top, width, (ABOVE + BELOW) * size)
        x, y = first.x - left, first.y - top
    else:  # rotated: the whole page is the boundary, the CTM turns the baseline and moves it to the first glyph
        attrib["Boundary"] = _box(0, 0, *page)
        attrib["CTM"] = " ".join(_n(v) for v in (*first.direction, first.x, first.y))
        x = y = 0.0
    text = _el(layer, "TextObject", attrib)
    _colour(text, "FillColor", first.colour)
    code = {"X": _n(x), "Y": _n(y)}
    if steps:
        code["DeltaX"] = delta_x(steps)
    _el(text, "TextCode", code, "".join(g.text for g in run))


def _path_object(layer: ET.Element, path: Path, ids: _Ids) -> None:
    points = [p for s in path.segments for p in s.points]
    pad = path.line_width if path.stroke else 0.0
    left = min(x for x, _ in points) - pad
    top = min(y for _, y in points) - pad
    right = max(x for x, _ in points) + pad
    bottom = max(y for _, y in points) + pad
    attrib = {
        "ID": ids(),
        "Boundary": _box(left, top, right - left, bottom - top),
        "LineWidth": _n(path.line_width or 0.1),
        "Stroke": "true" if path.stroke else "false",
        "Fill": "true" if path.fill else "false",
    }
    if path.cap != "Butt":
        attrib["Cap"] = path.cap
    if path.join != "Miter":
        attrib["Join"] = path.join
    if path.dash:
        attrib["DashPattern"] = " ".join(_n(v) for v in path.dash)
        attrib["DashOffset"] = _n(path.dash_offset)
    if path.even_odd:
        attrib["Rule"] = "Even-Odd"
    element = _el(layer, "PathObject", attrib)
    if path.stroke:
        _colour(element, "StrokeColor", path.stroke_colour)
    if path.fill:
        _colour(element, "FillColor", path.fill_colour)
    words: list[str] = []
    for segment in path.segments:
        words.append(segment.op)
        words += [_n(v) for x, y in segment.points for v in (x - left, y - top)]
    _el(element, "AbbreviatedData", None, " ".join(words))


def _page(page: Page, font_ids: dict[str, str], ids: _Ids) -> bytes:
    """A page's Content.xml: one Body layer, the PDF's glyphs as runs of text and its paths, in drawing order."""
    root = _el(None, "Page")
    _el(_el(root, "Area"), "PhysicalBox", None, _box(0, 0, page.width, page.height))
    layer = _el(_el(root, "Content"), "Layer", {"ID": ids(), "Type": "Body"})
    glyphs: list[Glyph] = []
    for item in [*page.items, None]:
        if isinstance(item, Glyph):
            glyphs.append(item)
            continue
        for run in _runs(glyphs, font_ids):
            _text_object(layer, run, font_ids[run[0].font], ids, (page.width, page.height))
        glyphs.clear()
        if item is not None:
            _path_object(layer, item, ids)
    return _xml(root)


def write_ofd(read: ReadPdf, info: DocInfo, today: date | None = None) -> bytes:
    """The OFD file's bytes."""
    if not read.pages:
        raise OfdConversionError("PDF 没有页面，无法生成 OFD")
    ids = _Ids()
    files: dict[str, bytes] = {}
    used = {i.font for p in read.pages for i in p.items if isinstance(i, Glyph)}
    res = _el(None, "Res", {"BaseLoc": "Res"})
    font_ids: dict[str, str] = {}
    if used:
        fonts = _el(res, "Fonts")
        for font in ofd_fonts([f for k, f in read.fonts.items() if k in used]):
            font_id = ids()
            font_ids.update(dict.fromkeys(font.keys, font_id))
            element = _el(fonts, "Font", {"ID": font_id, "FontName": font.name, "FamilyName": font.family})
            _el(element, "FontFile", None, f"font_{font_id}.ttf")
            files[f"Doc_0/Res/font_{font_id}.ttf"] = font.program
    page_refs: list[tuple[str, str]] = []
    for number, page in enumerate(read.pages):
        location = f"Pages/Page_{number}/Content.xml"
        files[f"Doc_0/{location}"] = _page(page, font_ids, ids)
        page_refs.append((ids(), location))

    document = _el(None, "Document")
    common = _el(document, "CommonData")
    _el(common, "MaxUnitID", None, str(ids.last))
    first = read.pages[0]
    _el(_el(common, "PageArea"), "PhysicalBox", None, _box(0, 0, first.width, first.height))
    _el(common, "PublicRes", None, "PublicRes.xml")
    pages = _el(document, "Pages")
    for page_id, location in page_refs:
        _el(pages, "Page", {"ID": page_id, "BaseLoc": location})

    ofd = _el(None, "OFD", {"Version": "1.0", "DocType": "OFD"})
    body = _el(ofd, "DocBody")
    doc_info = _el(body, "DocInfo")
    _el(doc_info, "DocID", None, uuid.uuid4().hex)
    _el(doc_info, "Title", None, info.title)
    if info.author:
        _el(doc_info, "Author", None, info.author)
    if info.subject:
        _el(doc_info, "Subject", None, info.subject)
    _el(doc_info, "CreationDate", None, (today or date.today()).isoformat())
    _el(doc_info, "Creator", None, info.creator)
    _el(body, "DocRoot", None, "Doc_0/Document.xml")

    out = BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr("OFD.xml", _xml(ofd))
        package.writestr("Doc_0/Document.xml", _xml(document))
        package.writestr("Doc_0/PublicRes.xml", _xml(res))
        for name, data in files.items():
            package.writestr(name, data)
    return out.getvalue()
