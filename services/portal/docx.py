"""The report as a Word document (.docx) in GB/T 9704 layout, for websites that publish Word files.

Formatting lives in paragraph styles (正文 in Normal, 一、 in Heading 1, （一） in Heading 2, the title, table
text), so a clerk who edits the file keeps the layout, and Word's navigation pane shows the sections. Chinese
text takes its face from the east-asian slot of w:rFonts, which python-docx's `font.name` does not set.
"""

from __future__ import annotations

import unicodedata
from io import BytesIO
from pathlib import Path

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor
from docx.styles.style import ParagraphStyle
from docx.table import Table as DocxTable

from services.files import write_atomically
from services.pdf.page import (
    BODY_SIZE,
    GRID_PITCH,
    INDENT,
    LINE_PITCH,
    MARGIN_BOTTOM,
    PAGE_NUMBER_GAP,
    PAGE_NUMBER_SIZE,
    TYPE_HEIGHT,
    TYPE_WIDTH,
)
from services.pdf.table_setting import TYPE_SIZES, estimated_setting
from services.pdf.text import DATE_RIGHT_INDENT, SEAL_LINES, TITLE_LEADING, TITLE_SIZE, title_lines
from services.portal import Heading, Paragraph, Signature, TableBlock, Title, outline
from services.report import Report

MARGINS_MM = {"top": 37, "bottom": 35, "left": 28, "right": 26}
"""GB/T 9704: 天头 37 mm, 订口 28 mm, type area 156 × 225 mm."""
BODY_FONT = "仿宋"
TITLE_FONT = "方正小标宋简体"
HEADING1_FONT = "黑体"
HEADING2_FONT = "楷体"
PAGE_NUMBER_FONT = "宋体"
TABLE_STYLE, TABLE_STYLE_ID = "报告表格文字", "NianbaoTableText"
TITLE_STYLE, TITLE_STYLE_ID = "报告标题", "NianbaoTitle"
_THEME_FONTS = ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme")


def _set_font(style: ParagraphStyle, name: str, size: float, bold: bool = False) -> None:
    """The face for Latin and Chinese text alike, black, no theme fonts (which would override it)."""
    font = style.font
    font.name = name
    font.size = Pt(size)
    font.bold = bold
    font.italic = False
    font.color.rgb = RGBColor(0, 0, 0)
    r_fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
    for attr in _THEME_FONTS:
        r_fonts.attrib.pop(qn(attr), None)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        r_fonts.set(qn(attr), name)


def _set_lines(style: ParagraphStyle, pitch: float, indent: float) -> None:
    fmt = style.paragraph_format
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = Pt(pitch)
    fmt.space_before = Pt(0)
    fmt.space_after = Pt(0)
    fmt.first_line_indent = Pt(indent)
    fmt.widow_control = True
    if indent:  # in grid characters too, so the indent stays two cells whatever the grid's pitch in Word/WPS
        ind = style.element.get_or_add_pPr().find(qn("w:ind"))
        if ind is not None:
            ind.set(qn("w:firstLineChars"), str(round(indent / GRID_PITCH * 100)))


def _grid_defaults(doc: DocxDocument) -> None:
    """The document's default run: 3号 Chinese text. Word and LibreOffice size the document grid's cells from it,
    so with python-docx's 11 pt default a 16 pt character would take two cells (16 characters a line)."""
    defaults = doc.styles.element.find(qn("w:docDefaults"))
    r_pr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr")) if defaults is not None else None
    if r_pr is None:
        return
    for tag in ("w:sz", "w:szCs"):
        size = r_pr.find(qn(tag))
        if size is None:
            size = OxmlElement(tag)
            r_pr.append(size)
        size.set(qn("w:val"), str(round(BODY_SIZE * 2)))
    lang = r_pr.find(qn("w:lang"))
    if lang is not None:
        lang.set(qn("w:eastAsia"), "zh-CN")  # Word applies the Chinese line-breaking rules (禁则) to zh-CN text


def _off_grid(style: ParagraphStyle) -> None:
    """Text other than 3号 (the 2号 title, table cells) keeps its own pitch: on the grid a larger character would
    take two cells, a smaller one a whole cell."""
    p_pr = style.element.get_or_add_pPr()
    snap = OxmlElement("w:snapToGrid")
    snap.set(qn("w:val"), "0")
    p_pr.insert(0, snap)


def _styles(doc: DocxDocument) -> None:
    _grid_defaults(doc)
    styles = doc.styles
    normal = styles["Normal"]
    assert isinstance(normal, ParagraphStyle)
    _set_font(normal, BODY_FONT, BODY_SIZE)
    _set_lines(normal, LINE_PITCH, INDENT)
    normal.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY

    for name, face in (("Heading 1", HEADING1_FONT), ("Heading 2", HEADING2_FONT)):
        style = styles[name]
        assert isinstance(style, ParagraphStyle)
        _set_font(style, face, BODY_SIZE)
        _set_lines(style, LINE_PITCH, INDENT)
        style.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.LEFT
        style.paragraph_format.keep_with_next = True

    title = styles.add_style(TITLE_STYLE, WD_STYLE_TYPE.PARAGRAPH)
    title.style_id = TITLE_STYLE_ID
    title.base_style = normal
    _set_font(title, TITLE_FONT, TITLE_SIZE)
    _set_lines(title, TITLE_LEADING, 0)
    title.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    title.paragraph_format.space_after = Pt(LINE_PITCH)
    title.paragraph_format.keep_with_next = True
    _off_grid(title)

    cell = styles.add_style(TABLE_STYLE, WD_STYLE_TYPE.PARAGRAPH)
    cell.style_id = TABLE_STYLE_ID
    cell.base_style = normal
    _set_font(cell, BODY_FONT, TYPE_SIZES["blocks"][0])
    cell.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
    cell.paragraph_format.first_line_indent = Pt(0)
    cell.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _off_grid(cell)


def _page(doc: DocxDocument) -> None:
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(MARGINS_MM["top"]), Mm(MARGINS_MM["bottom"])
    section.left_margin, section.right_margin = Mm(MARGINS_MM["left"]), Mm(MARGINS_MM["right"])
    section.header_distance = Mm(15)
    # Word's own document grid (GB/T 9704): 22 lines of 28 characters, the pitch in twips and the character
    # spacing in 1/4096 pt, so a clerk who edits the file in Word or WPS gets the printout's lines
    sect_pr = section._sectPr
    for old in sect_pr.findall(qn("w:docGrid")):
        sect_pr.remove(old)
    grid = OxmlElement("w:docGrid")
    grid.set(qn("w:type"), "linesAndChars")
    grid.set(qn("w:linePitch"), str(round(LINE_PITCH * 20)))
    grid.set(qn("w:charSpace"), str(round((GRID_PITCH - BODY_SIZE) * 4096)))
    sect_pr.append(grid)
    # the page number's dashes stand 7 mm below the type area
    section.footer_distance = Pt(MARGIN_BOTTOM - PAGE_NUMBER_GAP - PAGE_NUMBER_SIZE)
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    footer.paragraph_format.first_line_indent = Pt(0)
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), "PAGE")
    for text in ("— ", None, " —"):
        if text is None:
            footer._p.append(field)
            run = footer.add_run("1")
            field.append(run._r)
        else:
            run = footer.add_run(text)
        run.font.name = PAGE_NUMBER_FONT
        run.font.size = Pt(PAGE_NUMBER_SIZE)
        run._r.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), PAGE_NUMBER_FONT)


def _text_width(text: str, size: float) -> float:
    """Width of a line of 仿宋: CJK characters are square, Latin letters and digits half as wide."""
    return sum(size if unicodedata.east_asian_width(ch) in "FWA" else size / 2 for ch in text)


def _title(doc: DocxDocument, text: str, agency: str) -> None:
    # the same symmetric line breaks as the PDF; Word would otherwise fill the first line and orphan the rest
    lines = title_lines(text, lambda part: _text_width(part, TITLE_SIZE), TYPE_WIDTH, agency)
    paragraph = doc.add_paragraph(style=TITLE_STYLE)
    for i, line in enumerate(lines):
        run = paragraph.add_run(line)
        if i < len(lines) - 1:
            run.add_break()


def _repeat_header(table: DocxTable, rows: int) -> None:
    for i, row in enumerate(table.rows):
        tr_pr = row._tr.get_or_add_trPr()
        tr_pr.append(OxmlElement("w:cantSplit"))
        if i < rows:
            tr_pr.append(OxmlElement("w:tblHeader"))


def _table(doc: DocxDocument, block: TableBlock) -> None:
    layout = block.layout
    setting = estimated_setting(layout, block.texts, block.kind, TYPE_WIDTH, TYPE_HEIGHT - LINE_PITCH)
    size, widths = setting.size, setting.widths
    table = doc.add_table(rows=layout.rows, cols=layout.cols)
    table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    # one look-up of the grid: python-docx's table.cell() walks the whole table on every call
    grid = [row.cells for row in table.rows]
    for row in grid:
        for cell, width in zip(row, widths, strict=True):
            cell.width = Pt(width)  # Word reads the cells' widths, LibreOffice the grid's
    for col, width in zip(table.columns, widths, strict=True):
        col.width = Pt(width)
    # merged ranges never overlap, so every corner of a range is still its own cell when its turn comes
    for grid_cell in layout.cells:
        cell = grid[grid_cell.row][grid_cell.col]
        if grid_cell.rowspan > 1 or grid_cell.colspan > 1:
            cell = cell.merge(grid[grid_cell.row + grid_cell.rowspan - 1][grid_cell.col + grid_cell.colspan - 1])
        cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
        paragraph = cell.paragraphs[0]
        paragraph._p.style = TABLE_STYLE_ID  # by id: paragraph.style = … searches the styles by name each time
        if grid_cell.role == "label" and grid_cell.rowspan == 1:
            paragraph.alignment = WD_ALIGN_PARAGRAPH.LEFT  # row labels read left-aligned, as on paper
        text = block.texts[(grid_cell.row, grid_cell.col)]
        if text:
            paragraph.add_run(text).font.size = Pt(size)
    _repeat_header(table, layout.header_rows)
    doc.add_paragraph()  # Word joins two tables that touch; one blank line also sets the table off


def _signature(doc: DocxDocument, block: Signature) -> None:
    """The agency's name centred over the date, the date four characters in from the right, room for the seal."""
    date_width = _text_width(block.date, BODY_SIZE)
    name_width = _text_width(block.agency, BODY_SIZE)
    name = doc.add_paragraph(block.agency)
    name.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    name.paragraph_format.first_line_indent = Pt(0)
    name.paragraph_format.right_indent = Pt(max(0.0, DATE_RIGHT_INDENT + (date_width - name_width) / 2))
    name.paragraph_format.space_before = Pt(SEAL_LINES * LINE_PITCH)
    name.paragraph_format.keep_with_next = True
    day = doc.add_paragraph(block.date)
    day.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    day.paragraph_format.first_line_indent = Pt(0)
    day.paragraph_format.right_indent = Pt(DATE_RIGHT_INDENT)


def report_docx_bytes(report: Report) -> bytes:
    """The report as .docx bytes: A4, GB/T 9704 margins and faces, tables with borders and merged headers."""
    doc = Document()
    _styles(doc)
    _page(doc)
    props = doc.core_properties
    props.title = report.display_title()
    props.author = report.signed_by or report.agency
    props.subject = "政府信息公开工作年度报告"
    for block in outline(report):
        if isinstance(block, Title):
            _title(doc, block.text, report.agency)
        elif isinstance(block, Heading):
            doc.add_paragraph(block.text, style="Heading 1" if block.level == 1 else "Heading 2")
        elif isinstance(block, Paragraph):
            doc.add_paragraph(block.text)
        elif isinstance(block, TableBlock):
            _table(doc, block)
        else:
            if doc.paragraphs and doc.paragraphs[-1].text:
                doc.paragraphs[-1].paragraph_format.keep_with_next = True  # never the signature alone on a page
            _signature(doc, block)
    buffer = BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def write_report_docx(report: Report, path: Path) -> None:
    """Write report_docx_bytes to `path`, atomically."""
    write_atomically(Path(path), report_docx_bytes(report), failure="无法写入 Word 文件")
