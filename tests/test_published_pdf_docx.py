"""Published reports read from .pdf and .docx as grids.

Our own exports (PDF, Word, HTML; both formats) import back equal; a PDF made by another program (ruled tables, a
blank cell, wrapped labels, 表三 split by a page break, page numbers and a running head) and Word tables with
merged cells are read cell by cell; labels cut in two, run together, misspelt or in the 2019 form are read where
only one reading fits; the corpus PDF gives every cell of its transcription; files that are no report are
refused in Chinese.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from docx import Document
from docx.oxml import parse_xml
from PIL import Image
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas
from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Table, TableStyle

from services.documents import read_document
from services.exchange_read import read_exchange
from services.grid_layout import grid_layout
from services.pdf.render import EMPTY_MARK, render_report
from services.pdf.tables import cell_text
from services.portal.docx import write_report_docx
from services.portal.html import write_report_html
from services.published import PublishedImport, PublishedReportError, build_import, import_published
from services.published.matching import Grid
from services.published.pdf import EMPTY_MARK as PLACEHOLDER
from services.published.word import read_docx
from services.report import Report
from tests.factories import filled_report

AGENCY = "某某省某某市某某区人民政府办公室"
LONG = (
    "2023年，本机关围绕“放管服”改革和优化营商环境，通过政府网站、政务新媒体（微信公众号“某某发布”）"
    "和12345热线主动公开各类信息2,345条，其中政策解读56篇，较上年增长12.5%。"
)
Rows = list[list[str]]
Span = tuple[int, int, int, int]
"""First row, first column, last row, last column of a merged cell."""


def hard_report(format_id: str) -> Report:
    """A draft with blank (None) cells and zeros, texts of several paragraphs with Latin words and numbers, one
    text left empty (a draft's PDF prints 【未填写】 there), a fee sentence and a date."""
    report = filled_report(format_id, agency=AGENCY, seed=7)
    keys = list(report.cells)
    for key in keys[5:9]:
        del report.cells[key]  # blank: not filled in
    for key in keys[20:26]:
        report.cells[key] = 0
    for i, text_key in enumerate(report.format.text_keys()):
        report.texts[text_key] = "\n\n".join(
            [
                LONG * (1 + i % 3),
                "一是加强培训，提升能力。",
                f"二是完善制度（{text_key}），推行 Open Government Data 试点。",
            ]
        )
    report.texts["s5_problems"] = "存在的问题是公开不够及时。\n\n二是解读形式单一的问题依然存在。"
    report.texts["s5_improvements"] = "下一步，将加强培训，完善制度。\n\n同时开展 Open Data 试点。"
    report.texts[report.format.text_keys()[-1]] = ""
    report.signed_on = date(report.year + 1, 3, 5)
    return report


def export(report: Report, kind: str, folder: Path) -> Path:
    path = folder / f"report.{kind}"
    if kind == "pdf":
        path.write_bytes(render_report(report))
    elif kind == "docx":
        write_report_docx(report, path)
    else:
        write_report_html(report, path)
    return path


def unknown_labels(imported: PublishedImport) -> list[str]:
    return [note for note in imported.not_understood if "无法识别" in note]


@pytest.mark.parametrize("kind", ["pdf", "docx", "html"])
@pytest.mark.parametrize("format_id", ["2019", "2021"])
def test_our_own_export_imports_back_equal(format_id: str, kind: str, tmp_path: Path) -> None:
    report = hard_report(format_id)
    imported = import_published(export(report, kind, tmp_path))
    got = imported.report
    assert (got.agency, got.year, got.format.id, got.signed_on) == (
        report.agency,
        report.year,
        report.format.id,
        report.signed_on,
    )
    keys = [spec.key for spec in report.format.cell_specs()]
    assert {k: got.cells.get(k) for k in keys} == {k: report.cells.get(k) for k in keys}
    assert len(report.cells) < len(keys) and 0 in report.cells.values()
    assert {k: got.text(k) for k in report.format.text_keys()} == {k: report.text(k) for k in report.format.text_keys()}
    assert got.fees == report.fees
    assert unknown_labels(imported) == []


def test_the_placeholder_dropped_is_the_one_the_printout_prints() -> None:
    assert PLACEHOLDER == EMPTY_MARK


def test_a_pdf_or_word_file_is_a_readable_document(tmp_path: Path) -> None:
    report = filled_report("2021", agency=AGENCY)
    for kind in ("pdf", "docx"):
        read = read_document(export(report, kind, tmp_path))
        assert read.report.cells == report.cells, kind


# ------------------------------------------------------------------------------------- tables as drawn on paper


def layout_rows(report: Report, table_key: str) -> tuple[Rows, list[Span]]:
    """The table's cells at their grid positions (a span's other positions empty), and its spans."""
    layout = grid_layout(report.format, table_key)
    rows = [["" for _ in range(layout.cols)] for _ in range(layout.rows)]
    spans: list[Span] = []
    for cell in layout.cells:
        rows[cell.row][cell.col] = cell_text(report, cell)
        if cell.rowspan > 1 or cell.colspan > 1:
            spans.append((cell.row, cell.col, cell.row + cell.rowspan - 1, cell.col + cell.colspan - 1))
    return rows, spans


def as_grid(rows: Rows, spans: list[Span]) -> Grid:
    covered = {
        (r, c) for r0, c0, r1, c1 in spans for r in range(r0, r1 + 1) for c in range(c0, c1 + 1) if (r, c) != (r0, c0)
    }
    return Grid(tuple(tuple(row) for row in rows), frozenset(covered))


def expected_cells(report: Report, table_key: str) -> dict[Any, Any]:
    return {s.key: report.cells.get(s.key) for s in report.format.table(table_key).cells}


def got_cells(imported: PublishedImport, table_key: str) -> dict[Any, Any]:
    return {s.key: imported.report.cells.get(s.key) for s in imported.report.format.table(table_key).cells}


# ------------------------------------------------------------------------------ a PDF made by another program

pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
BODY = ParagraphStyle("body", fontName="STSong-Light", fontSize=12, leading=20, firstLineIndent=24)
BODY.alignment, BODY.wordWrap = TA_JUSTIFY, "CJK"
TITLE = ParagraphStyle("title", parent=BODY, fontSize=18, leading=28, firstLineIndent=0, alignment=TA_CENTER)
SIGNATURE = ParagraphStyle("signature", parent=BODY, firstLineIndent=0, alignment=TA_RIGHT)


def wrapped(text: str, width: int) -> str:
    """A label broken by hand into lines of `width` characters, as a cell too narrow for it shows it."""
    return "\n".join(text[i : i + width] for i in range(0, len(text), width))


def ruled_table(rows: Rows, spans: list[Span], widths: list[float], ruled: bool = True) -> Table:
    cells = [[wrapped(text, max(1, int(w // 7.5))) for text, w in zip(row, widths, strict=True)] for row in rows]
    style: list[tuple[Any, ...]] = [("FONT", (0, 0), (-1, -1), "STSong-Light", 7)]
    style += [("GRID", (0, 0), (-1, -1), 0.5, "black")] if ruled else []
    style += [("SPAN", (c0, r0), (c1, r1)) for r0, c0, r1, c1 in spans]
    return Table(cells, colWidths=widths, style=TableStyle(style))


def cut(rows: Rows, spans: list[Span], at: int, split: dict[str, tuple[str, str]], ruled: bool) -> tuple[Table, Table]:
    """表三 as two tables the page break split before row `at`: a merged cell across the break is cut in two,
    its text too when `split` says so ((四)无 | 法提供), else left in the first piece."""
    upper, lower = [list(r) for r in rows[:at]], [list(r) for r in rows[at:]]
    upper_spans: list[Span] = []
    lower_spans: list[Span] = []
    for r0, c0, r1, c1 in spans:
        if r1 < at:
            upper_spans.append((r0, c0, r1, c1))
        elif r0 >= at:
            lower_spans.append((r0 - at, c0, r1 - at, c1))
        else:
            first, rest = split.get(rows[r0][c0], (rows[r0][c0], ""))
            upper[r0][c0], lower[0][c0] = first, rest
            upper_spans.append((r0, c0, at - 1, c1))
            lower_spans.append((0, c0, r1 - at, c1))
    widths = [14.0, 50.0, 110.0] + [34.0] * 7
    return ruled_table(upper, upper_spans, widths, ruled), ruled_table(lower, lower_spans, widths, ruled)


def furniture(canvas_: canvas.Canvas, doc: SimpleDocTemplate) -> None:
    canvas_.setFont("STSong-Light", 9)
    canvas_.drawString(72, A4[1] - 40, "某某区人民政府办公室 政务公开")  # a running head on every page
    canvas_.drawCentredString(A4[0] / 2, 30, f"- {doc.page} -")


def other_program_pdf(report: Report, ruled: bool = True) -> bytes:
    fmt = report.format
    t2_rows, t2_spans = layout_rows(report, "t2")
    t3_rows, t3_spans = layout_rows(report, "t3")
    t4_rows, t4_spans = layout_rows(report, "t4")
    at = next(i for i, row in enumerate(t3_rows) if "2.没有现成信息需要另行制作" in row)
    t3_upper, t3_lower = cut(t3_rows, t3_spans, at, {"（四）无法提供": ("（四）无", "法提供")}, ruled)
    story: list[Any] = [
        Paragraph("某某区人民政府", TITLE),
        Paragraph(f"{report.year}年政府信息公开工作年度报告", TITLE),
    ]
    story.append(Paragraph(report.text(fmt.preamble.key), BODY))
    texts = iter(fmt.sections[0].texts)
    story.append(Paragraph(fmt.sections[0].title, BODY))
    for spec in texts:
        story += [Paragraph(spec.heading or "", BODY), Paragraph(report.text(spec.key), BODY)]
    story += [Paragraph(fmt.sections[1].title, BODY), ruled_table(t2_rows, t2_spans, [150.0, 90.0, 90.0, 90.0], ruled)]
    story += [PageBreak(), Paragraph(fmt.sections[2].title, BODY), t3_upper, PageBreak(), t3_lower]
    story += [Paragraph(fmt.sections[3].title, BODY), ruled_table(t4_rows, t4_spans, [28.0] * 15, ruled)]
    for section in fmt.sections[4:]:
        story += [Paragraph(section.title, BODY)] + [Paragraph(report.text(s.key), BODY) for s in section.texts]
    story += [Paragraph("某某区人民政府", SIGNATURE), Paragraph(f"{report.year + 1}年3月5日", SIGNATURE)]
    buffer = io.BytesIO()
    SimpleDocTemplate(buffer, pagesize=A4).build(story, onFirstPage=furniture, onLaterPages=furniture)
    return buffer.getvalue()


def test_a_pdf_from_another_program_reads_every_cell_and_text(tmp_path: Path) -> None:
    report = filled_report("2021", agency="某某区人民政府", seed=3)
    del report.cells[("t2", "rules", "repealed")]  # a blank cell between two numbers
    report.cells[("t2", "penalty", "decisions")] = 3_985_758  # a city's penalties: large, and real
    report.texts["s1_active"] = LONG * 6  # long enough to run over a page break
    path = tmp_path / "other.pdf"
    path.write_bytes(other_program_pdf(report))
    imported = import_published(path)
    got = imported.report
    assert (got.agency, got.year, got.signed_on) == ("某某区人民政府", report.year, date(report.year + 1, 3, 5))
    for table in ("t2", "t3", "t4"):
        assert got_cells(imported, table) == expected_cells(report, table), table
    assert got.text("s1_active") == LONG * 6
    assert got.text("s5_problems") == report.text("s5_problems")
    assert unknown_labels(imported) == [] and imported.to_check == ()
    assert not any("政务公开" in got.text(key) for key in got.format.text_keys())  # the running head


def test_a_pdf_whose_tables_have_no_lines_reads_no_number_wrong(tmp_path: Path) -> None:
    # no grid to find: the cells come as lines of text, read by their labels where they can be
    report = filled_report("2021", agency="某某区人民政府", seed=3)
    path = tmp_path / "unruled.pdf"
    path.write_bytes(other_program_pdf(report, ruled=False))
    got = import_published(path).report.cells
    assert {k: (v, got[k]) for k, v in report.cells.items() if k in got and got[k] != v} == {}
    assert sum(1 for k, v in report.cells.items() if got.get(k) == v) >= len(report.cells) // 3


# ------------------------------------------------------------------------------------ Word tables, merged cells


def word_file(rows: Rows, spans: list[Span], heading: str = "三、收到和处理政府信息公开申请情况") -> bytes:
    """A .docx with one table, its merged cells merged the way Word does (gridSpan, vMerge)."""
    doc = Document()
    doc.add_paragraph("某某区人民政府2022年政府信息公开工作年度报告")
    doc.add_paragraph(heading)
    table = doc.add_table(rows=len(rows), cols=len(rows[0]))
    grid = [row.cells for row in table.rows]
    for r0, c0, r1, c1 in spans:
        grid[r0][c0].merge(grid[r1][c1])
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            if text:
                grid[r][c].text = text
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def word_import(rows: Rows, spans: list[Span]) -> PublishedImport:
    items, title = read_docx(word_file(rows, spans))
    return build_import(items, None, title)


def test_a_word_table_with_merged_cells_and_a_blank_keeps_every_number_in_its_column() -> None:
    report = filled_report("2021", year=2022, agency="某某区人民政府")
    del report.cells[("t3", "granted", "research")]
    rows, spans = layout_rows(report, "t3")
    items, _ = read_docx(word_file(rows, spans))
    grid = next(item for item in items if isinstance(item, Grid))
    assert grid == as_grid(rows, spans)  # every cell at its place, a merged cell's other positions covered
    imported = build_import(items)
    assert got_cells(imported, "t3") == expected_cells(report, "t3")
    assert any("1 个单元格在原文中是空白" in note for note in imported.not_understood)
    assert unknown_labels(imported) == []


def test_a_misspelt_label_is_read_as_the_one_it_resembles_and_named() -> None:
    report = filled_report("2021", year=2022, agency="某某区人民政府")
    rows, spans = layout_rows(report, "t3")
    rows = [[text.replace("1.属于国家秘密", "1.属于国家秘蜜") for text in row] for row in rows]
    imported = word_import(rows, spans)
    assert got_cells(imported, "t3") == expected_cells(report, "t3")
    assert any("“1.属于国家秘蜜”按“1.属于国家秘密”读取" in note for note in imported.filled)


def test_a_label_too_unlike_any_is_not_guessed() -> None:
    report = filled_report("2021", year=2022, agency="某某区人民政府")
    rows, spans = layout_rows(report, "t3")
    rows = [[text.replace("1.属于国家秘密", "1.涉密事项") for text in row] for row in rows]
    imported = word_import(rows, spans)
    assert ("t3", "deny_secret", "natural") not in imported.report.cells
    assert any("无法识别“1.涉密事项”" in note for note in imported.not_understood)


def test_the_2019_single_other_row_in_a_2021_table_is_read_as_its_row_other() -> None:
    report = filled_report("2021", year=2022, agency="某某区人民政府")
    rows, spans = layout_rows(report, "t3")
    first = next(i for i, row in enumerate(rows) if row[1] == "（六）其他处理")
    # the 2019 form: one row （六）其他处理 over the label columns, no sub-rows
    values = [report.number("t3", "other_misc", c) for c in report.format.table("t3").column_keys()]
    single = ["", "（六）其他处理", "", *(str(v) for v in values)]
    rows = [*rows[:first], single, *rows[first + 3 :]]

    def shifted(span: Span) -> Span:  # two rows fewer below the single row
        r0, c0, r1, c1 = span
        return (r0 - 2 if r0 > first else r0, c0, r1 - 2 if r1 >= first + 2 else r1, c1)

    spans = [shifted(s) for s in spans if not first <= s[0] < first + 3] + [(first, 1, first, 2)]
    imported = word_import(rows, spans)
    cells = imported.report.cells
    assert [cells.get(("t3", "other_misc", c)) for c in report.format.table("t3").column_keys()] == values
    assert ("t3", "other_no_fix", "natural") not in cells
    assert any("（六）其他处理" in note and "3.其他" in note for note in imported.to_check)
    assert unknown_labels(imported) == []


NUMBERING = (
    '<w:abstractNum xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" w:abstractNumId="90">'
    '<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="%1、"/></w:lvl>'
    '<w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="（%2）"/></w:lvl>'
    "</w:abstractNum>",
    '<w:num xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" w:numId="90">'
    '<w:abstractNumId w:val="90"/></w:num>',
)


def numbered_word_file(paragraphs: list[tuple[str, int | None]]) -> bytes:
    """A .docx whose paragraphs at a level (0: 一、, 1: （一）) are numbered by Word, not in their text."""
    doc = Document()
    numbering = doc.part.numbering_part.element
    for xml in NUMBERING:
        numbering.append(parse_xml(xml))
    for text, level in paragraphs:
        paragraph = doc.add_paragraph(text)
        if level is not None:
            num_pr = paragraph._p.get_or_add_pPr().get_or_add_numPr()
            num_pr.get_or_add_numId().val = 90
            num_pr.get_or_add_ilvl().val = level
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def test_word_numbers_its_headings_itself_and_they_are_read_with_their_numbers() -> None:
    data = numbered_word_file(
        [("总体情况", 0), ("主动公开", 1), ("依申请公开", 1), ("其他", 0), ("说明", 1), ("正文", None)]
    )
    items, _ = read_docx(data)
    assert items == ["一、总体情况", "（一）主动公开", "（二）依申请公开", "二、其他", "（一）说明", "正文"]
    report = filled_report("2021", year=2022, agency="某某区人民政府")
    paragraphs: list[tuple[str, int | None]] = [(report.display_title(), None), (report.text("preamble"), None)]
    for section in report.format.sections:
        paragraphs.append((section.title.split("、", 1)[1], 0))
        for spec in section.texts:
            if spec.heading:
                paragraphs.append((spec.heading.split("）", 1)[1], 1))
            paragraphs.append((report.text(spec.key), None))
    items, title = read_docx(numbered_word_file(paragraphs))
    imported = build_import(items, None, title)
    keys = report.format.text_keys()
    assert {k: imported.report.text(k) for k in keys} == {k: report.text(k) for k in keys}


# ------------------------------------------------------------------------ labels cut in two or run together


def test_two_labels_in_one_cell_are_both_read() -> None:
    # a PDF table whose column line between （三）不予公开 and 1.属于国家秘密 the finder did not see
    report = filled_report("2021", year=2022, agency="某某区人民政府")
    rows, spans = layout_rows(report, "t3")
    at = next(i for i, row in enumerate(rows) if row[2] == "1.属于国家秘密")
    rows[at][1], rows[at][2] = "（三）不予公开1.属于国家秘密", ""
    imported = build_import([as_grid(rows, spans)])
    assert got_cells(imported, "t3") == expected_cells(report, "t3")
    assert unknown_labels(imported) == []


def test_a_label_cut_over_two_rows_opens_its_row() -> None:
    # rows of text (no merged cells known): the label's first half with the numbers, its rest on the next row
    report = filled_report("2021", year=2022, agency="某某区人民政府")
    rows, _ = layout_rows(report, "t3")
    at = next(i for i, row in enumerate(rows) if row[2].startswith("5.要求行政机关"))
    rows[at][2] = "5.要求行政机关确认或重新出"
    rows.insert(at + 1, ["", "", "具已获取信息"] + [""] * 7)
    imported = build_import([Grid(tuple(tuple(row) for row in rows))])
    assert got_cells(imported, "t3") == expected_cells(report, "t3")
    assert unknown_labels(imported) == []


# -------------------------------------------------------------------------------------------- the corpus PDF


def test_the_corpus_pdf_gives_every_cell_of_its_transcription(shared_dir: Path) -> None:
    source = shared_dir / "corpus" / "05-huaian-city-2024.pdf"
    want = read_exchange(source.with_suffix(".json"))
    imported = import_published(source)
    got = imported.report.cells
    wrong = {k: (v, got[k]) for k, v in want.cells.items() if got.get(k) is not None and got[k] != v}
    right = sum(1 for k, v in want.cells.items() if got.get(k) == v)
    print(f"05-huaian-city-2024.pdf: {right}/{len(want.cells)} cells right ({right / len(want.cells):.0%})")
    assert wrong == {}
    assert right == len(want.cells)
    assert (imported.report.agency, imported.report.year, imported.report.format.id) == ("淮安市人民政府", 2024, "2021")
    assert unknown_labels(imported) == [] and imported.to_check == ()
    assert imported.report.text("s1_request").startswith("定期对政府信息公开申请集中的领域")


# --------------------------------------------------------------------------------------------- refused files


def _pdf(draw: Callable[[canvas.Canvas], None], **options: Any) -> bytes:
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, **options)
    draw(page)
    page.showPage()
    page.save()
    return buffer.getvalue()


def _scan(page: canvas.Canvas) -> None:
    page.drawImage(ImageReader(Image.new("RGB", (300, 400), "white")), 72, 300, 300, 400)


def _text(page: canvas.Canvas) -> None:
    page.setFont("STSong-Light", 12)
    page.drawString(72, 700, "一、总体情况")


@pytest.mark.parametrize(
    ("name", "data", "says"),
    [
        ("empty.pdf", b"", "空的"),
        ("page.pdf", "<html><body>一、总体情况</body></html>".encode(), "不是 PDF"),
        ("broken.pdf", b"%PDF-1.4\n1 0 obj << /Type /Catalog >> garbage", "已损坏"),
        ("scan.pdf", _pdf(_scan), "扫描件"),
        ("locked.pdf", _pdf(_text, encrypt="secret"), "加密"),
        ("empty.docx", b"", "空的"),
        ("page.docx", "一、总体情况".encode(), "不是 Word"),
        ("old.docx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512, "旧版 Word"),
    ],
)
def test_a_file_that_is_no_readable_report_is_refused_in_chinese(
    name: str, data: bytes, says: str, tmp_path: Path
) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(PublishedReportError) as refused:
        import_published(path)
    assert says in refused.value.message


def test_a_zip_without_a_word_body_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "other.docx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
    with pytest.raises(PublishedReportError, match=r"word/document\.xml"):
        import_published(path)
