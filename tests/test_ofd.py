"""导出 OFD: the printout as GB/T 33190 OFD, read back by an independent reader.

ofdkit (a test extra; a pure-Python OFD reader of its own, which shares no code with services/ofd) reads the page
count, each page's box, each page's text and where each piece of text stands; the fonts are checked by a second
code path of ours (lxml XPath over the package, fontTools over the embedded files), never through the writer.
The reference is the PDF the app prints, read with pdfplumber.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections import Counter
from pathlib import Path

import ofdkit
import pdfplumber
import pytest
from fontTools.ttLib import TTFont
from lxml import etree
from pytestqt.qtbot import QtBot

from models.database import Database
from services.documents import write_report_file
from services.ofd import report_ofd
from services.ofd.writing import delta_x
from services.pdf.render import PdfOptions, render_report
from tests.factories import sample_report
from tests.test_cli import cli

NS = {"o": "http://www.ofdspec.org/2016"}
MM = 25.4 / 72


def _plain(text: str) -> str:
    return re.sub(r"\s", "", text)


@pytest.fixture(scope="module")
def final_pair() -> tuple[bytes, bytes]:
    """The sample's PDF and OFD without the watermark (a diagonal word has no place in a reading order)."""
    report, options = sample_report(), PdfOptions(watermark=False)
    return render_report(report, options), report_ofd(report, options)


@pytest.fixture(scope="module")
def draft_pair() -> tuple[bytes, bytes]:
    report = sample_report()
    return render_report(report), report_ofd(report)


def _lines(pieces: list[tuple[str, float, float]]) -> list[str]:
    """Text pieces (text, x, baseline y in mm) as the page's lines, top to bottom, each left to right."""
    rows: dict[float, list[tuple[float, str]]] = {}
    for text, x, y in pieces:
        rows.setdefault(round(y, 1), []).append((x, text))
    return ["".join(t for _x, t in sorted(row)) for _y, row in sorted(rows.items())]


def test_an_independent_reader_sees_the_pdfs_pages_text_and_page_size(final_pair: tuple[bytes, bytes]) -> None:
    pdf, ofd = final_pair
    with ofdkit.open(ofd) as document, pdfplumber.open(io.BytesIO(pdf)) as printed:
        assert not document.warnings
        assert document.info.title == "贵阳市人民防空办公室2020年政府信息公开工作年度报告"
        assert len(document.pages) == len(printed.pages) == 7
        for page, pdf_page in zip(document.pages, printed.pages, strict=True):
            assert page.box == (0.0, 0.0, 210.0, 297.0)  # A4
            assert (round(pdf_page.width * MM, 3), round(pdf_page.height * MM, 3)) == (210.0, 297.0)
            # each line of the page, as the OFD reader places the text and as the PDF's glyphs stand
            ofd_lines = _lines([(run.text, run.x, run.y) for run in page.runs])
            pdf_lines = _lines(
                [(c["text"], c["matrix"][4] * MM, (pdf_page.height - c["matrix"][5]) * MM) for c in pdf_page.chars]
            )
            assert ofd_lines == pdf_lines, f"page {page.index + 1}"
            # and the reader's own reading order holds the very characters of the PDF's
            text = _plain(page.text())
            assert Counter(text) == Counter(_plain(pdf_page.extract_text()))
            assert len(text) > 150


def test_each_piece_of_text_stands_where_the_pdf_drew_it(final_pair: tuple[bytes, bytes]) -> None:
    pdf, ofd = final_pair
    longest = 0
    with ofdkit.open(ofd) as document, pdfplumber.open(io.BytesIO(pdf)) as printed:
        for page, pdf_page in zip(document.pages, printed.pages, strict=True):
            # every glyph's origin on its baseline, in mm from the top-left corner
            origins = [
                (c["text"], c["matrix"][4] * MM, (pdf_page.height - c["matrix"][5]) * MM) for c in pdf_page.chars
            ]
            runs = page.runs
            assert runs
            for run in runs:
                near = [
                    (t, x, y)
                    for t, x, y in origins
                    if abs(x - run.x) < 0.02 and abs(y - run.y) < 0.02 and t == run.text[0]
                ]
                assert near, (
                    f"page {page.index + 1}: “{run.text}” at ({run.x:.2f}, {run.y:.2f}) mm is not where the PDF drew it"
                )
            longest = max(longest, *(len(run.text) for run in runs))
    # a full line of the grid (28 characters) is one piece of text: the PDF's subsets of a face are one OFD font
    assert longest >= 27


def _steps(delta_x: str, count: int) -> list[float]:
    words, out = delta_x.split(), []
    while words:
        if words[0] == "g":
            out += [float(words[2])] * int(words[1])
            words = words[3:]
        else:
            out.append(float(words.pop(0)))
    return (out + [0.0] * count)[:count]


def test_every_character_stands_where_the_pdf_drew_its_glyph(final_pair: tuple[bytes, bytes]) -> None:
    """Character by character (X, Y and DeltaX read with lxml): the grid's tracking and justification kept."""
    pdf, ofd = final_pair
    package = zipfile.ZipFile(io.BytesIO(ofd))
    with pdfplumber.open(io.BytesIO(pdf)) as printed:
        for number, pdf_page in enumerate(printed.pages):
            wanted = [(c["text"], c["matrix"][4] * MM, (pdf_page.height - c["matrix"][5]) * MM) for c in pdf_page.chars]
            found: list[tuple[str, float, float]] = []
            page = etree.fromstring(package.read(f"Doc_0/Pages/Page_{number}/Content.xml"))
            for text_object in page.xpath("//o:TextObject", namespaces=NS):
                left, top = (float(v) for v in text_object.get("Boundary").split()[:2])
                for code in text_object.xpath("o:TextCode", namespaces=NS):
                    x, y = left + float(code.get("X")), top + float(code.get("Y"))
                    steps = [*_steps(code.get("DeltaX", ""), len(code.text) - 1), 0.0]
                    for char, step in zip(code.text, steps, strict=True):
                        found.append((char, x, y))
                        x += step
            assert len(found) == len(wanted)
            by_text: dict[str, list[tuple[float, float]]] = {}
            for char, x, y in wanted:
                by_text.setdefault(char, []).append((x, y))
            for char, x, y in found:  # within 0.03 mm (thousandths rounded at each of up to 28 steps)
                spots = by_text.get(char, [])
                match = next((s for s in spots if abs(s[0] - x) < 0.03 and abs(s[1] - y) < 0.03), None)
                assert match is not None, (
                    f"page {number + 1}: “{char}” at ({x:.3f}, {y:.3f}) mm, not where the PDF has it"
                )
                spots.remove(match)


def test_the_fonts_are_embedded_and_draw_every_character(final_pair: tuple[bytes, bytes]) -> None:
    _pdf, ofd = final_pair
    package = zipfile.ZipFile(io.BytesIO(ofd))
    names = set(package.namelist())
    res = etree.fromstring(package.read("Doc_0/PublicRes.xml"))
    assert res.get("BaseLoc") == "Res"
    fonts = {}
    for font in res.xpath("//o:Fonts/o:Font", namespaces=NS):
        location = "Doc_0/Res/" + font.xpath("string(o:FontFile)", namespaces=NS)
        assert location in names, f"font {font.get('FontName')} is not embedded"
        fonts[font.get("ID")] = TTFont(io.BytesIO(package.read(location)))
    assert len(fonts) >= 3  # 仿宋 (body), 黑体 (一、), 楷体 (（一）): each its own face
    # one OFD font per face, however many 256-glyph subsets the PDF cut from it
    families = [f.get("FamilyName") for f in res.xpath("//o:Font", namespaces=NS)]
    assert len(families) == len(set(families))
    used: Counter[str] = Counter()
    for name in sorted(n for n in names if n.endswith("Content.xml")):
        page = etree.fromstring(package.read(name))
        for text_object in page.xpath("//o:TextObject", namespaces=NS):
            font = fonts[text_object.get("Font")]
            cmap = font.getBestCmap()
            for char in text_object.xpath("string(o:TextCode)", namespaces=NS):
                assert ord(char) in cmap, f"{char!r} has no glyph in font {text_object.get('Font')}"
                glyph = font["glyf"][cmap[ord(char)]]
                assert char.isspace() or glyph.numberOfContours != 0, f"{char!r} maps to an empty glyph"
            used[text_object.get("Font")] += 1
    assert set(used) == set(fonts)


def test_the_table_rules_are_paths_with_the_pdfs_line_width(final_pair: tuple[bytes, bytes]) -> None:
    pdf, ofd = final_pair
    package = zipfile.ZipFile(io.BytesIO(ofd))
    with pdfplumber.open(io.BytesIO(pdf)) as printed:
        for number, pdf_page in enumerate(printed.pages):
            page = etree.fromstring(package.read(f"Doc_0/Pages/Page_{number}/Content.xml"))
            paths = page.xpath("//o:PathObject", namespaces=NS)
            assert len(paths) == len(pdf_page.rects) + len(pdf_page.lines)
            for path, rect in zip(paths, pdf_page.rects, strict=False):
                assert float(path.get("LineWidth")) == pytest.approx(rect["linewidth"] * MM, abs=0.001)
                left, top, _w, _h = (float(v) for v in path.get("Boundary").split())
                first = [float(v) for v in path.xpath("string(o:AbbreviatedData)", namespaces=NS).split()[1:3]]
                assert left + first[0] == pytest.approx(rect["x0"] * MM, abs=0.01)
                assert top + first[1] == pytest.approx(rect["bottom"] * MM, abs=0.01)
    assert any(
        len(etree.fromstring(package.read(f"Doc_0/Pages/Page_{n}/Content.xml")).xpath("//o:PathObject", namespaces=NS))
        > 20
        for n in range(7)
    )


def test_the_draft_watermark_is_rotated_grey_text(draft_pair: tuple[bytes, bytes]) -> None:
    pdf, ofd = draft_pair
    package = zipfile.ZipFile(io.BytesIO(ofd))
    with ofdkit.open(ofd) as document, pdfplumber.open(io.BytesIO(pdf)) as printed:
        for number, (page, pdf_page) in enumerate(zip(document.pages, printed.pages, strict=True)):
            # the same characters as the PDF's (where a reader puts the diagonal word in its reading order varies)
            assert Counter(_plain(page.text())) == Counter(_plain(pdf_page.extract_text()))
            content = etree.fromstring(package.read(f"Doc_0/Pages/Page_{number}/Content.xml"))
            marks = content.xpath("//o:TextObject[@CTM]", namespaces=NS)
            assert [m.xpath("string(o:TextCode)", namespaces=NS) for m in marks] == ["草稿"]
            a, b, c, d = (float(v) for v in marks[0].get("CTM").split()[:4])
            assert (a, b, c, d) == pytest.approx((0.707, -0.707, 0.707, 0.707), abs=0.001)  # 45°, rising to the right
            assert marks[0].xpath("string(o:FillColor/@Value)", namespaces=NS) == "222 222 222"


def test_ofd_is_a_kind_of_export_in_the_service_and_on_the_command_line(tmp_path: Path, sample_json_path: Path) -> None:
    write_report_file(sample_report(), tmp_path / "x.OFD")
    with ofdkit.open(tmp_path / "x.OFD") as document:
        assert len(document.pages) == 7
    db = tmp_path / "db.sqlite3"
    assert cli("--db", db, "import", sample_json_path)[0] == 0
    code, text = cli("--db", db, "export", "贵阳市人民防空办公室", "2020", "-o", tmp_path / "cli.ofd")
    assert code == 0, text
    with ofdkit.open(tmp_path / "cli.ofd") as document:
        assert "政府信息公开工作年度报告" in document.text()


@pytest.mark.parametrize(
    ("steps", "written"),
    [([5.571] * 3, "g 3 5.571"), ([2.749, 2.749, 5.571], "g 2 2.749 5.571"), ([1.0, 2.0], "1 2"), ([], "")],
)
def test_delta_x_folds_equal_steps(steps: list[float], written: str) -> None:
    assert delta_x(steps) == written


@pytest.mark.gui
def test_the_window_exports_the_ofd_with_the_printouts_options(
    qtbot: QtBot, db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """文件 › 导出OFD（版式文档）…: the clerk's page-number choice (页码居中) reaches the OFD as it reaches the PDF."""
    from PySide6.QtWidgets import QFileDialog

    from services import storage
    from ui.main_window import MainWindow

    with db.transaction() as session:
        report_id = storage.save_report(session, sample_report())
    window = MainWindow(db, str(tmp_path))
    qtbot.addWidget(window)
    window.open_report(report_id)
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *args: (str(tmp_path / "报告"), "")))
    window.centred_action.setChecked(True)
    window.ofd_action.trigger()
    assert "已导出" in window.message.text()
    with ofdkit.open(tmp_path / "报告.ofd") as document:
        number = next(run for run in document.pages[0].runs if run.text == "— 1 —")
        assert number.x + number.width / 2 == pytest.approx(105, abs=1)  # centred on the A4 page
        assert "草稿" in document.pages[0].text()
