"""The printed report read back from the PDF: GB/T 9704 geometry, every label and number, embedded fonts, page
numbers, watermark, title wrapping, the signature block and the missing-glyph error."""

from __future__ import annotations

import io
import re
import subprocess
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from itertools import pairwise
from pathlib import Path
from typing import Any

import pdfplumber
import pytest
from pypdf import PdfReader
from reportlab.pdfbase.pdfmetrics import stringWidth

from services.grid_layout import grid_layout
from services.pdf.fonts import FontSet, MissingGlyphError, resolve_fonts
from services.pdf.linebreak import break_lines
from services.pdf.render import PdfOptions, render_report
from services.pdf.tables import cell_text, column_widths
from services.pdf.text import date_text, fee_sentence, title_lines
from services.report import Fees, Report
from tests.factories import filled_report, sample_report

MM = 72 / 25.4
LEFT, TOP, RIGHT, BOTTOM = 28 * MM, 37 * MM, (210 - 26) * MM, (297 - 35) * MM
TOLERANCE = 1 * MM
STANDARD_14 = {"Courier", "Helvetica", "Times-Roman", "Symbol", "ZapfDingbats"}


@dataclass
class Pdf:
    data: bytes
    pages: list[list[dict[str, Any]]]
    """Per page, every non-blank char as pdfplumber reads it."""
    edges: list[list[dict[str, Any]]]
    cells: list[str]
    """Text of every table cell found, whitespace removed (watermark left out)."""


def read(data: bytes, tables: bool = False) -> Pdf:
    pages, edges, cells = [], [], []
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        for page in pdf.pages:
            pages.append([c for c in page.chars if c["text"].strip()])
            edges.append(list(page.edges))
            if not tables:
                continue
            plain = page.filter(lambda obj: not (obj.get("object_type") == "char" and obj["size"] > 100))
            for found in plain.find_tables():
                for bbox in found.cells:
                    cells.append(re.sub(r"\s", "", plain.within_bbox(bbox).extract_text()))
    return Pdf(data, pages, edges, cells)


def is_watermark(char: dict[str, Any]) -> bool:
    return bool(char["size"] > 100 and char["text"] in "草稿")


def is_page_number(char: dict[str, Any]) -> bool:
    return bool(char["top"] > BOTTOM + TOLERANCE and round(char["size"]) == 14)


def page_text(chars: list[dict[str, Any]]) -> str:
    return "".join(c["text"] for c in chars if not is_watermark(c) and not is_page_number(c))


def all_text(pdf: Pdf) -> str:
    return "".join(page_text(chars) for chars in pdf.pages)


def page_number(chars: list[dict[str, Any]]) -> tuple[str, float, float]:
    found = [c for c in chars if is_page_number(c)]
    return "".join(c["text"] for c in found), min(c["x0"] for c in found), max(c["x1"] for c in found)


def assert_inside_type_area(pdf: Pdf) -> None:
    for n, chars in enumerate(pdf.pages, start=1):
        for c in chars:
            if is_watermark(c) or is_page_number(c):
                continue
            assert c["x0"] >= LEFT - TOLERANCE and c["x1"] <= RIGHT + TOLERANCE, (n, c["text"], c["x0"], c["x1"])
            assert c["top"] >= TOP - TOLERANCE and c["bottom"] <= BOTTOM + TOLERANCE, (n, c["text"], c["top"])
        for e in pdf.edges[n - 1]:
            assert LEFT - TOLERANCE <= e["x0"] <= e["x1"] <= RIGHT + TOLERANCE, (n, e)
            assert TOP - TOLERANCE <= e["top"] <= e["bottom"] <= BOTTOM + TOLERANCE, (n, e)


def squash(text: str) -> str:
    return re.sub(r"\s", "", text)


@pytest.fixture(scope="module")
def fonts() -> FontSet:
    return resolve_fonts()


@pytest.fixture(scope="module")
def sample_pdf(fonts: FontSet) -> Pdf:
    return read(render_report(sample_report(), fonts=fonts), tables=True)


@pytest.fixture(scope="module")
def pdf_2021(fonts: FontSet) -> Pdf:
    return read(render_report(filled_report("2021"), fonts=fonts), tables=True)


def reports() -> Iterator[Report]:
    yield sample_report()
    yield filled_report("2021")


# ---------------------------------------------------------------- geometry and content


@pytest.mark.parametrize("which", ["sample_pdf", "pdf_2021"])
def test_pages_are_a4_and_everything_but_numbers_and_watermark_stays_in_the_type_area(
    which: str, request: pytest.FixtureRequest
) -> None:
    pdf: Pdf = request.getfixturevalue(which)
    reader = PdfReader(io.BytesIO(pdf.data))
    assert len(reader.pages) >= 3
    for page in reader.pages:
        assert float(page.mediabox.width) == pytest.approx(595.28, abs=0.5)
        assert float(page.mediabox.height) == pytest.approx(841.89, abs=0.5)
    assert_inside_type_area(pdf)


@pytest.mark.parametrize("report", list(reports()), ids=["2019-sample", "2021-filled"])
def test_every_label_heading_and_number_is_printed(report: Report, fonts: FontSet) -> None:
    pdf = read(render_report(report, fonts=fonts), tables=True)
    text = squash(all_text(pdf))
    fmt = report.format
    for section in fmt.sections:
        assert section.title in text
        for spec in section.texts:
            if spec.heading:
                assert spec.heading in text
    expected: Counter[str] = Counter()
    for table_key in ("t2", "t3", "t4"):
        for cell in grid_layout(fmt, table_key).cells:
            printed = squash(cell_text(report, cell))
            if printed:
                expected[printed] += 1
    found = Counter(pdf.cells)
    missing = expected - found
    assert not missing, missing
    assert squash(report.display_title()) in text


def test_the_sample_prints_its_real_numbers_and_the_amount_with_its_unit(sample_pdf: Pdf) -> None:
    report = sample_report()
    assert report.get("t2", "procurement", "amount") == Decimal("533.41")
    assert "533.41万元" in sample_pdf.cells
    values = Counter(
        squash(cell_text(report, c)) for t in ("t2", "t3", "t4") for c in grid_layout(report.format, t).value_cells()
    )
    assert values["0"] > 20  # zeros print as 0, never blank
    assert not Counter(values) - Counter(sample_pdf.cells)
    for key in ("s1_active", "s5_improvements", "s6_other"):
        for paragraph in report.text(key).split("\n\n"):
            assert squash(paragraph) in squash(all_text(sample_pdf))


def test_an_empty_cell_of_a_draft_prints_blank_and_zero_prints_0() -> None:
    report = filled_report("2021")
    layout = grid_layout(report.format, "t3")
    cell = next(layout.value_cells())
    assert cell.key is not None
    report.set(*cell.key, None)
    assert cell_text(report, cell) == ""
    report.set(*cell.key, 0)
    assert cell_text(report, cell) == "0"


@pytest.mark.parametrize("format_id", ["2019", "2021"])
def test_table_columns_fill_exactly_the_type_area(format_id: str) -> None:
    report = filled_report(format_id)
    for table_key in ("t2", "t3", "t4"):
        layout = grid_layout(report.format, table_key)
        texts = {(c.row, c.col): cell_text(report, c) for c in layout.cells}
        widths = column_widths(layout, texts, 10.5, 3, 156 * MM)
        assert sum(widths) == pytest.approx(156 * MM)
        assert min(widths) > 15


def test_fonts_are_embedded_truetype_subsets(sample_pdf: Pdf) -> None:
    reader = PdfReader(io.BytesIO(sample_pdf.data))
    seen = 0
    for page in reader.pages:
        resources: Any = page["/Resources"]
        for ref in resources["/Font"].values():
            font = ref.get_object()
            assert font["/Subtype"] in ("/TrueType", "/Type0"), font
            assert font["/BaseFont"].lstrip("/").split("+")[-1] not in STANDARD_14
            descriptor = (font["/DescendantFonts"][0].get_object() if font["/Subtype"] == "/Type0" else font)[
                "/FontDescriptor"
            ].get_object()
            assert "/FontFile2" in descriptor, font["/BaseFont"]
            assert re.match(r"/[A-Z]{6}\+", font["/BaseFont"]), "a subset carries a six-letter tag"
            seen += 1
    assert seen >= 3
    assert reader.metadata is not None
    assert reader.metadata.title == sample_report().display_title()
    assert reader.metadata.author == "贵阳市人民防空办公室"


# ---------------------------------------------------------------- page numbers and watermark


def test_page_numbers_alternate_outer_edges(sample_pdf: Pdf) -> None:
    for n, chars in enumerate(sample_pdf.pages, start=1):
        text, x0, x1 = page_number(chars)
        assert text == f"—{n}—"
        if n % 2:
            assert x1 == pytest.approx(RIGHT - 14, abs=1.5)
        else:
            assert x0 == pytest.approx(LEFT + 14, abs=1.5)
        # the dashes (about 0.3 em above the baseline) stand 7 mm below the type area
        dash = next(c for c in chars if is_page_number(c) and c["text"] == "—")
        dash_y = 841.89 - dash["matrix"][5] - 0.3 * 14
        assert dash_y - BOTTOM == pytest.approx(7 * MM, abs=1 * MM)


def test_centred_page_numbers(fonts: FontSet) -> None:
    pdf = read(render_report(sample_report(), PdfOptions(page_numbers="centred"), fonts))
    for n, chars in enumerate(pdf.pages, start=1):
        text, x0, x1 = page_number(chars)
        assert text == f"—{n}—"
        assert (x0 + x1) / 2 == pytest.approx((LEFT + RIGHT) / 2, abs=1.5)


def test_a_draft_carries_the_watermark_on_every_page_and_a_final_report_none(fonts: FontSet, sample_pdf: Pdf) -> None:
    for chars in sample_pdf.pages:
        assert "".join(c["text"] for c in chars if is_watermark(c)) == "草稿"
        for c in chars:
            if is_watermark(c):
                assert c["matrix"][1] == pytest.approx(c["matrix"][0]) and c["matrix"][0] > 0.5, "45°"
    final = sample_report()
    final.status = "final"
    for options in (PdfOptions(), PdfOptions(watermark=None)):
        pdf = read(render_report(final, options, fonts))
        assert not any("草" in c["text"] or "稿" in c["text"] for chars in pdf.pages for c in chars)
    off = read(render_report(sample_report(), PdfOptions(watermark=False), fonts))
    assert not any(is_watermark(c) for chars in off.pages for c in chars)
    forced = read(render_report(final, PdfOptions(watermark=True), fonts))
    assert all(any(is_watermark(c) for c in chars) for chars in forced.pages)


# ---------------------------------------------------------------- long texts, title, signature


def test_a_long_narrative_makes_more_pages_and_stays_in_the_type_area(fonts: FontSet, sample_pdf: Pdf) -> None:
    report = sample_report()
    sentence = "本年度通过政府网站、政务新媒体和公示栏等渠道主动公开政府信息（含“双随机、一公开”结果）1234条，"
    report.texts["s1_active"] = "\n\n".join(sentence * 6 for _ in range(11))
    assert len(report.texts["s1_active"]) > 3000
    pdf = read(render_report(report, fonts=fonts))
    assert len(pdf.pages) >= len(sample_pdf.pages) + 3
    assert_inside_type_area(pdf)
    assert squash(sentence * 6) in squash(all_text(pdf))


def test_no_line_starts_with_closing_punctuation_or_splits_a_number(fonts: FontSet) -> None:
    face = fonts.primary("body")
    width = 16 * 10 * 0.98  # ten grid cells
    for shift in range(12):
        text = "甲" * shift + "公开政府信息，其中网站公开（含转载）12345条，“双随机、一公开”。" * 4
        widths = [stringWidth(ch, face.register(), 16) for ch in text]
        # a ten-cell line: any gap is allowed here (on the 28-cell grid pushing a number costs little)
        lines = [text[line.start : line.end] for line in break_lines(text, widths, width, max_spread=1e9)]
        assert "".join(lines) == text
        for before, line in pairwise(lines):
            assert line[0] not in "，。、）”：", (shift, lines)
            assert before[-1] not in "（“", (shift, lines)
            assert not (before[-1].isdigit() and line[0].isdigit()), (shift, lines)
        # a closing mark may be squeezed in at the end, compressing the line by at most half its width
        assert all(
            stringWidth(line, face.name, 16) <= width + 8 * (line[-1] in "，。、；：？！）”") + 1e-6 for line in lines
        )


def title_line_texts(pdf: Pdf) -> list[str]:
    lines: dict[float, str] = {}
    for c in pdf.pages[0]:
        if round(c["size"]) == 22:
            lines[round(c["top"])] = lines.get(round(c["top"]), "") + c["text"]
    return [lines[k] for k in sorted(lines)]


def test_the_sample_title_breaks_after_the_agency_and_year(sample_pdf: Pdf) -> None:
    # a 梯形: the upper line shorter, broken between the agency and the year
    assert title_line_texts(sample_pdf) == ["贵阳市人民防空办公室", "2020年政府信息公开工作年度报告"]


@pytest.mark.parametrize(
    "title",
    [
        "中共某某省某某市某某区委员会办公室某某市某某区人民政府办公室2022年政府信息公开工作年度报告",
        "某某省某某市某某县人民政府关于2022年度政府信息公开工作年度报告的说明",
        "某某市人民政府2022年政府信息公开工作年度报告",
        "某某省发展和改革委员会（省粮食和物资储备局）2022年政府信息公开工作年度报告",
    ],
)
def test_a_long_title_wraps_into_even_lines(title: str, fonts: FontSet) -> None:
    report = filled_report("2021")
    report.title = title
    lines = title_line_texts(read(render_report(report, fonts=fonts)))
    assert "".join(lines) == title
    assert len(lines) >= 2
    assert min(map(len, lines)) >= max(map(len, lines)) / 3
    assert min(map(len, lines)) > 2


def test_title_lines_prefer_natural_breaks() -> None:
    def width(text: str) -> float:
        return len(text) * 22.0

    assert title_lines("某某市某某局2022年政府信息公开工作年度报告", width, 442, "某某市某某局") == [
        "某某市某某局2022年",
        "政府信息公开工作年度报告",
    ]
    assert title_lines("短标题", width, 442) == ["短标题"]
    lines = title_lines("甲" * 45, width, 442)
    assert len(lines) == 3 and {len(line) for line in lines} == {15}


def signature_lines(chars: list[dict[str, Any]], texts: tuple[str, str]) -> list[list[dict[str, Any]]]:
    rows: dict[float, list[dict[str, Any]]] = {}
    for c in chars:
        if not is_watermark(c) and not is_page_number(c):
            rows.setdefault(round(c["top"]), []).append(c)
    found = [rows[k] for k in sorted(rows)]
    return [line for line in found if "".join(c["text"] for c in line) in texts]


@pytest.mark.parametrize("lines", list(range(0, 24)))
def test_the_signature_never_stands_alone_on_the_last_page(lines: int, fonts: FontSet) -> None:
    report = sample_report()
    last = "最后一段的结尾句。"
    report.texts["s6_other"] = "第" + "六" * (27 * lines) + last
    pdf = read(render_report(report, fonts=fonts))
    final_page = squash(page_text(pdf.pages[-1]))
    assert last in final_page
    name, day = report.signed_by or report.agency, date_text(report.signed_on)
    assert day == "2020年1月20日"
    name_line, date_line = signature_lines(pdf.pages[-1], (name, day))
    assert "".join(c["text"] for c in name_line) == name
    date_right = max(c["x1"] for c in date_line)
    assert date_right == pytest.approx(RIGHT - 4 * 16, abs=2)
    centre = (min(c["x0"] for c in date_line) + date_right) / 2
    assert (min(c["x0"] for c in name_line) + max(c["x1"] for c in name_line)) / 2 == pytest.approx(centre, abs=2)
    last_text_bottom = max(c["bottom"] for c in pdf.pages[-1] if c["text"] == "。")
    assert name_line[0]["top"] - last_text_bottom > 2.5 * 28.95 * 0.9, "room for the seal"


# ---------------------------------------------------------------- section 六 of 2021, errors, speed


def test_section_six_of_2021_states_the_information_processing_fee(fonts: FontSet, pdf_2021: Pdf) -> None:
    assert "本年度未收取信息处理费。" in squash(all_text(pdf_2021))
    assert fee_sentence(Fees()) is None, "empty fee fields say nothing"
    assert fee_sentence(Fees(0, Decimal(0))) == "本年度未收取信息处理费。"
    assert fee_sentence(Fees(None, Decimal(20))) == "本年度实际收取信息处理费20元。"
    assert fee_sentence(Fees(3, Decimal("150.00"))) == "本年度共发出收费通知3件，实际收取信息处理费150元。"
    assert fee_sentence(Fees(2, Decimal("80.5"))) == "本年度共发出收费通知2件，实际收取信息处理费80.50元。"
    report = filled_report("2021")
    report.fees = Fees()
    unset = squash(all_text(read(render_report(report, fonts=fonts))))
    assert "【未填写】信息处理费" in unset and "未收取" not in unset, "a draft marks the empty fee fields"
    report.fees = Fees(3, Decimal(150))
    charged = squash(all_text(read(render_report(report, fonts=fonts))))
    assert "本年度共发出收费通知3件，实际收取信息处理费150元。" in charged
    report.texts["s6_other"] = "本年度收取信息处理费共计150元，均已按规定上缴。"
    text = squash(all_text(read(render_report(report, fonts=fonts))))
    assert "本年度收取信息处理费共计150元" in text and "本年度共发出收费通知" not in text
    assert "信息处理费" not in squash(all_text(read(render_report(sample_report(), fonts=fonts))))


def uncovered(fonts: FontSet) -> str:
    """A printable character no installed face draws (an emoji: Hanazono, where installed, has 😀)."""
    faces = {face for role in ("body", "title", "table") for face in fonts.chain(role)}
    return next(c for c in ("\U0001f600", "\U0001fae8", "\U0001fa77") if not any(f.covers(c) for f in faces))


@pytest.mark.parametrize(
    ("key", "where"),
    [
        ("s1_request", "一、总体情况·（二）依申请公开 第2段"),
        ("s5_problems", "五、存在的主要问题及改进情况·存在的主要问题 第2段"),
    ],
)
def test_a_character_no_font_covers_stops_the_render_and_names_it(key: str, where: str, fonts: FontSet) -> None:
    smiley = uncovered(fonts)
    report = sample_report()
    report.texts[key] = "第一段。\n\n第二段" + smiley + "。"
    with pytest.raises(MissingGlyphError) as caught:
        render_report(report, fonts=fonts)
    assert caught.value.char == smiley
    assert caught.value.where == where
    assert where in str(caught.value)


def test_a_missing_glyph_in_the_title_or_signature_is_named_too(fonts: FontSet) -> None:
    report = sample_report()
    report.title = f"贵阳市人民防空办公室{uncovered(fonts)}年报"
    with pytest.raises(MissingGlyphError, match="标题"):
        render_report(report, fonts=fonts)
    report = sample_report()
    report.signed_by = f"贵阳市人民防空办公室{uncovered(fonts)}"
    with pytest.raises(MissingGlyphError, match="落款机关"):
        render_report(report, fonts=fonts)


def test_first_pages_rasterise(sample_pdf: Pdf, tmp_path: Path) -> None:
    # the same command used to look at the pages; poppler must read the file without complaint
    source = tmp_path / "sample.pdf"
    source.write_bytes(sample_pdf.data)
    result = subprocess.run(
        ["pdftoppm", "-r", "30", "-png", "-f", "1", "-l", "2", str(source), str(tmp_path / "p")],
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stderr == ""
    assert sorted(p.name for p in tmp_path.glob("p-*.png")) == ["p-1.png", "p-2.png"]
