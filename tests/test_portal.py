"""The report for the agency's website: a self-contained HTML page and a Word document with the PDF's content."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from html.parser import HTMLParser
from io import BytesIO
from pathlib import Path

import docx
import pytest
from docx.document import Document as DocxDocument
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from docx.styles.style import ParagraphStyle
from docx.table import Table as DocxTable
from docx.text.paragraph import Paragraph as DocxParagraph

from services.grid_layout import grid_layout
from services.pdf.tables import cell_text
from services.pdf.text import fee_sentence
from services.portal.docx import report_docx_bytes, write_report_docx
from services.portal.html import report_html, write_report_html
from services.report import Report
from services.values import to_text
from tests.factories import filled_report, sample_report

TABLES = ("t2", "t3", "t4")
VOID = {"meta", "col", "br", "img", "link", "hr", "input"}


# ---------------------------------------------------------------- a small HTML reader


@dataclass
class Cell:
    tag: str
    attrs: dict[str, str]
    text: str = ""


@dataclass
class HtmlTable:
    attrs: dict[str, str]
    rows: list[list[Cell]] = field(default_factory=list)

    def cells(self) -> list[Cell]:
        return [cell for row in self.rows for cell in row]


class Reader(HTMLParser):
    """Tables with their cells, the text of every element by tag, and a check that every tag is closed."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.open: list[str] = []
        self.tables: list[HtmlTable] = []
        self.texts: dict[str, list[str]] = {}
        self.all_attrs: list[tuple[str, dict[str, str]]] = []
        self._cell: Cell | None = None
        self._text: list[tuple[str, list[str]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v or "" for k, v in attrs}
        self.all_attrs.append((tag, values))
        if tag in VOID:
            return
        self.open.append(tag)
        self._text.append((tag, []))
        if tag == "table":
            self.tables.append(HtmlTable(values))
        elif tag == "tr":
            self.tables[-1].rows.append([])
        elif tag in ("td", "th"):
            self._cell = Cell(tag, values)
            self.tables[-1].rows[-1].append(self._cell)

    def handle_endtag(self, tag: str) -> None:
        assert self.open and self.open[-1] == tag, f"</{tag}> closes {self.open[-1:]}"
        self.open.pop()
        name, parts = self._text.pop()
        text = "".join(parts)
        self.texts.setdefault(name, []).append(text)
        if self._text:
            self._text[-1][1].append(text)
        if tag in ("td", "th"):
            assert self._cell is not None
            self._cell.text = text
            self._cell = None

    def handle_data(self, data: str) -> None:
        if self._text:
            self._text[-1][1].append(data)


def read_html(text: str) -> Reader:
    reader = Reader()
    reader.feed(text)
    reader.close()
    assert reader.open == []
    return reader


def expected_cells(report: Report, table: str) -> list[tuple[str, int, int]]:
    """(text, rowspan, colspan) of every cell of the paper grid, in reading order."""
    layout = grid_layout(report.format, table)
    cells = sorted(layout.cells, key=lambda c: (c.row, c.col))
    return [(cell_text(report, c), c.rowspan, c.colspan) for c in cells]


def sample_numbers(report: Report) -> list[str]:
    """Every value of the sample as printed, computed here from the cells, not through cell_text."""
    numbers = []
    for (table, _, col), value in report.cells.items():
        unit = report.format.table(table).column(col).unit_in_cell or ""
        numbers.append(to_text(value) + unit)
    return numbers


@pytest.fixture(scope="module")
def sample() -> Report:
    return sample_report()


@pytest.fixture(scope="module")
def sample_html(sample: Report) -> str:
    return report_html(sample)


@pytest.fixture(scope="module")
def sample_docx(sample: Report) -> DocxDocument:
    return docx.Document(BytesIO(report_docx_bytes(sample)))


# ---------------------------------------------------------------- HTML


def test_html_is_one_self_contained_file(sample_html: str) -> None:
    assert sample_html.startswith("<!DOCTYPE html>")
    assert '<meta charset="utf-8">' in sample_html
    for outside in ("http", "<link", "src=", "<script", "@font-face", "url(", "@import"):
        assert outside not in sample_html
    reader = read_html(sample_html)
    assert all("src" not in attrs and "href" not in attrs for _, attrs in reader.all_attrs)
    assert len(reader.texts["style"]) == 1


def test_html_has_title_sections_and_signature(sample: Report, sample_html: str) -> None:
    reader = read_html(sample_html)
    fmt = sample.format
    assert reader.texts["title"] == [sample.display_title()]
    assert reader.texts["h1"] == [sample.display_title()]
    assert reader.texts["h2"] == [s.title for s in fmt.sections]
    assert reader.texts["h3"] == [t.heading for s in fmt.sections for t in s.texts if t.heading]
    paragraphs = reader.texts["p"]
    assert any(p.startswith("2020年，市人防办通过会议传达") for p in paragraphs)
    assert paragraphs[-2:] == ["贵阳市人民防空办公室", "2020年1月20日"]
    assert "text-indent:2em" in sample_html
    assert "FangSong, '仿宋', STFangsong, serif" in sample_html


def test_html_tables_follow_the_grid_layout(sample: Report, sample_html: str) -> None:
    tables = read_html(sample_html).tables
    assert len(tables) == 3
    for key, table in zip(TABLES, tables, strict=True):
        found = [(c.text, int(c.attrs.get("rowspan", "1")), int(c.attrs.get("colspan", "1"))) for c in table.cells()]
        assert found == expected_cells(sample, key)
        assert len(table.rows) == grid_layout(sample.format, key).rows


def test_html_contains_every_label_and_number(sample: Report, sample_html: str) -> None:
    texts = {c.text for t in read_html(sample_html).tables for c in t.cells()}
    labels = {c.text for key in TABLES for c in grid_layout(sample.format, key).cells if c.text}
    assert labels - texts == set()
    assert set(sample_numbers(sample)) - texts == set()
    assert {"533.41万元", "34", "33", "17", "6"} <= texts


def test_html_merges_headers_like_the_paper(sample_html: str) -> None:
    t2, t3, t4 = read_html(sample_html).tables
    corner = t3.rows[0][0]
    assert corner.text.startswith("（本列数据的勾稽关系为")
    assert (corner.attrs["rowspan"], corner.attrs["colspan"]) == ("3", "3")
    applicants = t3.rows[0][1]
    assert (applicants.text, applicants.attrs["colspan"]) == ("申请人情况", "7")
    review = t4.rows[0][0]
    assert (review.text, review.attrs["rowspan"], review.attrs["colspan"]) == ("行政复议", "2", "5")
    assert (t4.rows[0][1].text, t4.rows[0][1].attrs["colspan"]) == ("行政诉讼", "10")
    assert [c.text for c in t4.rows[1]] == ["未经复议直接起诉", "复议后起诉"]
    assert len(t4.rows[3]) == 15
    assert (t2.rows[0][0].text, t2.rows[0][0].attrs["colspan"]) == ("第二十条第（一）项", "5")


def test_html_tables_keep_their_borders_without_the_stylesheet(sample_html: str) -> None:
    tables = read_html(sample_html).tables
    for table in tables:
        assert table.attrs["border"] == "1"
        assert table.attrs["cellspacing"] == "0"
        assert "border:1px solid #000" in table.attrs["style"]
        assert "border-collapse:collapse" in table.attrs["style"]
        for cell in table.cells():
            assert "border:1px solid #000" in cell.attrs["style"]
            assert "class" not in cell.attrs
    numbers = [c for c in tables[1].cells() if c.text.isdigit()]
    assert len(numbers) == 23 * 7
    assert all("text-align:center" in c.attrs["style"] and c.attrs["align"] == "center" for c in numbers)


def test_html_escapes_every_text() -> None:
    report = filled_report("2021")
    report.agency = report.signed_by = "某某局<b>"
    report.title = "标题 <i>x</i>"
    report.texts["s6_other"] = '<script>alert("x")</script> & 其他'
    text = report_html(report)
    assert "<script" not in text and "<b>" not in text and "<i>" not in text
    assert "&lt;script&gt;" in text
    reader = read_html(text)
    assert '<script>alert("x")</script> & 其他' in reader.texts["p"]
    assert reader.texts["h1"] == ["标题 <i>x</i>"]
    assert "某某局<b>" in reader.texts["p"]


# ---------------------------------------------------------------- Word


def _merged_ranges(table: DocxTable, report: Report, key: str) -> None:
    """Every cell inside a merged range is the range's own cell (python-docx gives the same w:tc), and the
    cells just past it are not."""
    layout = grid_layout(report.format, key)
    grid = [row.cells for row in table.rows]
    for cell in layout.cells:
        top_left = grid[cell.row][cell.col]._tc
        for r in range(cell.row, cell.row + cell.rowspan):
            for c in range(cell.col, cell.col + cell.colspan):
                assert grid[r][c]._tc is top_left, (key, cell, r, c)
        if cell.col + cell.colspan < layout.cols:
            assert grid[cell.row][cell.col + cell.colspan]._tc is not top_left
        if cell.row + cell.rowspan < layout.rows:
            assert grid[cell.row + cell.rowspan][cell.col]._tc is not top_left


def _style(paragraph: DocxParagraph) -> ParagraphStyle:
    style = paragraph.style
    assert style is not None
    return style


def test_docx_has_title_sections_and_signature(sample: Report, sample_docx: DocxDocument) -> None:
    paragraphs = sample_docx.paragraphs
    title = paragraphs[0]
    assert title.text.replace("\n", "") == sample.display_title()
    assert _style(title).paragraph_format.alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert _style(title).font.size == Pt(22)
    by_style: dict[str, list[str]] = {}
    for p in paragraphs:
        by_style.setdefault(_style(p).name or "", []).append(p.text)
    assert by_style["Heading 1"] == [s.title for s in sample.format.sections]
    assert by_style["Heading 2"] == [t.heading for s in sample.format.sections for t in s.texts if t.heading]
    assert [p.text for p in paragraphs[-2:]] == ["贵阳市人民防空办公室", "2020年1月20日"]
    assert sample_docx.core_properties.title == sample.display_title()


def test_docx_page_is_a4_with_gbt9704_margins(sample_docx: DocxDocument) -> None:
    section = sample_docx.sections[0]
    for value, mm in (
        (section.page_width, 210),
        (section.page_height, 297),
        (section.top_margin, 37),
        (section.bottom_margin, 35),
        (section.left_margin, 28),
        (section.right_margin, 26),
    ):
        assert value is not None
        assert abs(value - Mm(mm)) < Mm(0.1), (value, mm)
    footer = section.footer.paragraphs[0]
    assert footer.text.startswith("— ") and footer.text.endswith(" —")
    assert 'w:instr="PAGE"' in footer._p.xml


def test_docx_faces_sizes_and_indents(sample_docx: DocxDocument) -> None:
    def east_asian(style_name: str) -> str | None:
        r_fonts = sample_docx.styles[style_name].element.rPr.rFonts
        face: str | None = r_fonts.get(qn("w:eastAsia"))
        return face

    assert east_asian("Normal") == "仿宋"
    assert east_asian("Heading 1") == "黑体"
    assert east_asian("Heading 2") == "楷体"
    normal = sample_docx.styles["Normal"]
    assert normal.font.size == Pt(16)
    assert abs(normal.paragraph_format.first_line_indent - Pt(2 * 156 / 28 * 72 / 25.4)) < Pt(0.1), "two cells"
    assert normal.element.pPr.find(qn("w:ind")).get(qn("w:firstLineChars")) == "200"
    grid = sample_docx.sections[0]._sectPr.find(qn("w:docGrid"))
    assert grid is not None and grid.get(qn("w:type")) == "linesAndChars"
    assert int(grid.get(qn("w:linePitch"))) == 579, "22 lines fill the type area"
    assert -900 < int(grid.get(qn("w:charSpace"))) < -800, "28 characters of 16 pt fill 156 mm"
    # the grid's cells are sized from the default run (3号): python-docx's 11 pt would give 16 pt text two cells
    defaults = sample_docx.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    assert defaults.find(qn("w:sz")).get(qn("w:val")) == "32"
    # the 2号 title and the small table type keep their own pitch
    for name in ("报告标题", "报告表格文字"):
        snap = sample_docx.styles[name].element.pPr.find(qn("w:snapToGrid"))
        assert snap is not None and snap.get(qn("w:val")) == "0", name
    body = next(p for p in sample_docx.paragraphs if p.text.startswith("2020年，市人防办"))
    assert _style(body).name == "Normal"
    sizes = {
        run.font.size
        for t in sample_docx.tables
        for row in t.rows
        for c in row.cells
        for p in c.paragraphs
        for run in p.runs
    }
    assert sizes and all(s is not None and s < Pt(16) for s in sizes)


def test_docx_tables_follow_the_grid_layout(sample: Report, sample_docx: DocxDocument) -> None:
    tables = sample_docx.tables
    assert len(tables) == 3
    for key, table in zip(TABLES, tables, strict=True):
        layout = grid_layout(sample.format, key)
        assert (len(table.rows), len(table.columns)) == (layout.rows, layout.cols)
        assert table.style is not None and table.style.name == "Table Grid"
        _merged_ranges(table, sample, key)
        grid = [row.cells for row in table.rows]
        for cell in layout.cells:
            assert grid[cell.row][cell.col].text == cell_text(sample, cell)
    t3, t4 = tables[1], tables[2]
    assert t3.cell(0, 0)._tc is t3.cell(2, 2)._tc
    assert t4.cell(0, 0).text == "行政复议" and t4.cell(1, 4)._tc is t4.cell(0, 0)._tc
    numbers = {c.text for t in tables for row in t.rows for c in row.cells}
    assert set(sample_numbers(sample)) - numbers == set()
    assert "533.41万元" in numbers


def test_docx_header_rows_repeat_on_every_page(sample_docx: DocxDocument) -> None:
    t3 = sample_docx.tables[1]
    repeats = [row._tr.trPr is not None and row._tr.trPr.find(qn("w:tblHeader")) is not None for row in t3.rows]
    assert repeats == [True] * 3 + [False] * (len(t3.rows) - 3)


# ---------------------------------------------------------------- both formats, both outputs


@pytest.mark.parametrize("format_id", ["2019", "2021"])
def test_both_formats_render(format_id: str) -> None:
    report = filled_report(format_id)
    reader = read_html(report_html(report))
    document = docx.Document(BytesIO(report_docx_bytes(report)))
    for key, html_table, word_table in zip(TABLES, reader.tables, document.tables, strict=True):
        layout = grid_layout(report.format, key)
        assert len(html_table.rows) == len(word_table.rows) == layout.rows
        _merged_ranges(word_table, report, key)
    word_text = [p.text for p in document.paragraphs]
    if report.format.has_fee_fields():
        assert fee_sentence(report.fees) in reader.texts["p"]
        assert fee_sentence(report.fees) in word_text
    else:
        assert not any("信息处理费" in p for p in word_text)


def test_fee_sentence_follows_the_pdf() -> None:
    report = filled_report("2021")
    report.fees.notices, report.fees.amount_yuan = 2, Decimal("150.5")
    sentence = "本年度共发出收费通知2件，实际收取信息处理费150.50元。"
    assert sentence in read_html(report_html(report)).texts["p"]
    report.texts["s6_other"] = "本年度收取信息处理费共计150.50元。"
    html_text = report_html(report)
    assert sentence not in html_text
    assert "本年度收取信息处理费共计150.50元。" in html_text


def test_writers_replace_the_file(tmp_path: Path, sample: Report) -> None:
    html_path, docx_path = tmp_path / "报告.html", tmp_path / "报告.docx"
    html_path.write_text("旧", encoding="utf-8")
    write_report_html(sample, html_path)
    write_report_docx(sample, docx_path)
    assert html_path.read_text(encoding="utf-8") == report_html(sample)
    assert docx.Document(str(docx_path)).paragraphs[0].text.replace("\n", "") == sample.display_title()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["报告.docx", "报告.html"]
