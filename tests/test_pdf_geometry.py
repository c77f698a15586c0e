"""The printed page measured as a reader would (pdfplumber), over generated reports: both formats, one paragraph
swept from 100 to 5,000 characters, values up to 8 digits, agency names up to 40 characters, empty sections.

For every page: each body line but a paragraph's last ends at the type area's right edge (within 0.5 mm) and
holds 28 grid cells; the text read back is exactly the source text; nothing stands outside the type area or
across a table border; no heading ends a page; no paragraph ends with one character alone on its line; the 2021
表三 with values of up to six digits stands on one page.
"""

from __future__ import annotations

import io
import random
from dataclasses import dataclass
from decimal import Decimal
from itertools import pairwise
from typing import Any

import pdfplumber
import pytest

from services.pdf.fonts import FontSet, MissingGlyphError, resolve_fonts
from services.pdf.linebreak import NO_LINE_START, joined
from services.pdf.render import EMPTY_MARK, fee_text, render_report
from services.pdf.table_setting import TableOverflowError
from services.pdf.text import date_text, paragraphs
from services.report import Report
from tests.factories import filled_report, sample_report

MM = 72 / 25.4
LEFT, TOP, RIGHT, BOTTOM = 28 * MM, 37 * MM, (28 + 156) * MM, (37 + 225) * MM
PITCH = 156 * MM / 28
EDGE = 0.5 * MM
BODY = 16


@dataclass
class Block:
    kind: str  # "heading", "para", "sign"
    text: str


@dataclass
class PrintedLine:
    page: int
    text: str
    chars: list[dict[str, Any]]

    @property
    def x0(self) -> float:
        return float(self.chars[0]["x0"])

    @property
    def x1(self) -> float:
        return float(max(c["x1"] for c in self.chars))

    @property
    def bottom(self) -> float:
        return float(max(c["bottom"] for c in self.chars))

    def cells(self) -> float:
        """Grid cells the line fills: its indent plus its glyphs' natural widths in ems."""
        return float((self.x0 - LEFT) / PITCH + sum(c["x1"] - c["x0"] for c in self.chars) / BODY)


@dataclass
class Printed:
    pages: list[list[dict[str, Any]]]
    edges: list[list[dict[str, Any]]]
    lines: list[PrintedLine]


def expected_blocks(report: Report) -> list[Block]:
    """What the body of the printout must say, in order (the title, 22 pt, and the tables are read apart)."""
    fmt = report.format
    draft = report.status != "final"

    def text_blocks(text: str) -> list[Block]:
        found = paragraphs(text)
        return [Block("para", p) for p in (found or ([EMPTY_MARK] if draft else []))]

    out = text_blocks(report.text(fmt.preamble.key))
    for section in fmt.sections:
        out.append(Block("heading", section.title))
        texts = [report.text(spec.key) for spec in section.texts]
        for spec, text in zip(section.texts, texts, strict=True):
            if spec.heading:
                out.append(Block("heading", spec.heading))
            out += text_blocks(text)
        if section.fees:
            sentence = fee_text(report, texts)
            if sentence:
                out.append(Block("para", sentence))
            elif draft and not report.fees.is_set():
                out.append(Block("para", f"{EMPTY_MARK}信息处理费（收费通知件数、实际收取金额）"))
    out += [Block("sign", report.signed_by or report.agency), Block("sign", date_text(report.signed_on))]
    return out


def is_decoration(c: dict[str, Any]) -> bool:
    return bool(c["size"] > 100 or (c["top"] > BOTTOM and round(c["size"]) == 14))


def read(data: bytes) -> Printed:
    pages: list[list[dict[str, Any]]] = []
    edges: list[list[dict[str, Any]]] = []
    lines: list[PrintedLine] = []
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        for n, page in enumerate(pdf.pages):
            chars = [c for c in page.chars if not is_decoration(c)]
            pages.append(chars)
            edges.append(list(page.edges))
            rows: dict[int, list[dict[str, Any]]] = {}
            for c in chars:
                if round(c["size"]) == BODY:
                    rows.setdefault(round(c["top"]), []).append(c)
            for top in sorted(rows):
                row = sorted(rows[top], key=lambda c: c["x0"])
                lines.append(PrintedLine(n, "".join(c["text"] for c in row), row))
    return Printed(pages, edges, lines)


def match_lines(printed: Printed, blocks: list[Block]) -> list[tuple[PrintedLine, Block, int]]:
    """Each printed body line with its block and where in the block's text it ends: the lines of a block put
    together must give back exactly its source text (no added or lost character, no space)."""
    out: list[tuple[PrintedLine, Block, int]] = []
    lines = iter(printed.lines)
    for block in blocks:
        got = ""
        while got != block.text:
            line = next(lines, None)
            assert line is not None, f"missing at the end: {block.text[len(got) :][:40]!r}"
            got += line.text
            assert block.text.startswith(got), (block.kind, block.text[:60], got[-60:])
            out.append((line, block, len(got)))
    assert next(lines, None) is None, "body text the report does not have"
    return out


def assert_short_only_by_rule(line: PrintedLine, following: PrintedLine, text: str, end: int) -> None:
    """A justified line holds fewer than 28 cells only because the characters that would still fit may not
    end a line (a mark that cannot start the next one, a number that cannot split). The widths of those
    characters are read where they were printed, at the start of the next line."""
    room = 28 - line.cells()
    j = end
    for c in following.chars:
        cells = (c["x1"] - c["x0"]) / BODY
        if j >= len(text) or room < cells - 0.05:
            break
        room -= cells
        j += 1
        assert j == len(text) or joined(text, j), ("short line", line.text, "could have ended before", text[j : j + 3])


def assert_page_geometry(report: Report, data: bytes) -> Printed:
    printed = read(data)
    matched = match_lines(printed, expected_blocks(report))
    for (line, block, end), (following, _, _) in zip(matched, [*matched[1:], matched[-1]], strict=True):
        last = end == len(block.text)
        if block.kind != "sign" and not last:
            assert abs(line.x1 - RIGHT) <= EDGE, ("ragged", line.page + 1, line.text, line.x1 - RIGHT)
            # 28 cells; a closing mark at the end may be squeezed in by compressing the line half a cell
            squeezed = 0.5 if line.text[-1] in NO_LINE_START else 0.0
            assert line.cells() <= 28 + squeezed + 0.05, ("over 28 cells", line.text, line.cells())
            assert_short_only_by_rule(line, following, block.text, end)
        if block.kind == "para" and last and len(block.text) > 1 and line.text != block.text:
            assert len(line.text) >= 2, ("a single character alone on the last line", block.text[-20:])
    # no heading ends a page: a heading is followed on its page by its text or its table
    for (line, block, _), (after, _, _) in pairwise(matched):
        if block.kind == "heading" and after.page != line.page:
            below = [c for c in printed.pages[line.page] if round(c["size"]) < BODY and c["top"] > line.bottom]
            assert below, ("a heading ends the page", line.page + 1, line.text)
    assert_inside_and_clear_of_borders(printed)
    return printed


def assert_inside_and_clear_of_borders(printed: Printed) -> None:
    for n, (chars, edges) in enumerate(zip(printed.pages, printed.edges, strict=True), start=1):
        for c in chars:
            assert c["x0"] >= LEFT - 0.1 and c["x1"] <= RIGHT + 0.1, ("outside", n, c["text"], c["x0"], c["x1"])
            assert c["top"] >= TOP - 0.1 and c["bottom"] <= BOTTOM + 0.1, ("outside", n, c["text"], c["top"])
        verticals = [e for e in edges if e["orientation"] == "v"]
        for c in chars:
            if round(c["size"]) >= BODY:
                continue
            for e in verticals:
                crosses = c["x0"] + 0.2 < e["x0"] < c["x1"] - 0.2
                beside = e["top"] < c["bottom"] - 0.5 and c["top"] + 0.5 < e["bottom"]
                assert not (crosses and beside), ("a glyph across a table border", n, c["text"])


# ---------------------------------------------------------------- reports to measure

_WORDS = [
    "全年主动公开政府信息",
    "1,250",
    "条，其中规范性文件",
    "4.34%",
    "，较上年减少",
    "-3",
    "件；",
    "“双随机、一公开”",
    "（含转载）",
    "《中华人民共和国政府信息公开条例》",
    "2020",
    "年，",
    "依申请公开",
    "。",
    "合法性审查",
    "456789",
    "件，",
    "办理",
    "12,345,678",
    "元",
]


def sweep_text(length: int, seed: int = 0) -> str:
    rng = random.Random(seed)
    out = ""
    while len(out) < length:
        word = rng.choice(_WORDS)
        if out and (out[-1].isdigit() or out[-1] == "%") and word[0] in "-0123456789":
            out += "，"  # two numbers never touch in real text
        out += word
    return out[: length - 1] + "。"


@pytest.fixture(scope="module")
def fonts() -> FontSet:
    return resolve_fonts()


def report_named(name: str) -> Report:
    """The reports every page of which is measured (built when the test runs, not when it is collected)."""
    if name == "sample-2019":
        return sample_report()
    if name == "filled-2021":
        return filled_report("2021")
    if name.startswith("paragraph-"):
        length = int(name.removeprefix("paragraph-"))
        report = filled_report("2021" if length % 2 else "2019")
        report.texts["s1_active"] = sweep_text(length, length)
        return report
    report = filled_report("2021")
    if name == "empty-draft":
        report.texts = {}
        report.fees.notices = report.fees.amount_yuan = None
        return report
    assert name == "empty-final"
    report.texts = {"preamble": report.texts["preamble"]}
    report.status = "final"
    return report


REPORTS = [
    "sample-2019",
    "filled-2021",
    *(f"paragraph-{n}" for n in (100, 500, 1000, 2500, 5000)),
    "empty-draft",
    "empty-final",
]


@pytest.mark.parametrize("name", REPORTS)
def test_every_page_is_set_on_the_grid(name: str, fonts: FontSet) -> None:
    report = report_named(name)
    assert_page_geometry(report, render_report(report, fonts=fonts))


def test_a_paragraph_that_continues_on_the_next_page_reads_the_same(fonts: FontSet) -> None:
    report = filled_report("2021")
    text = sweep_text(3000, 7)
    report.texts["s1_active"] = text
    printed = assert_page_geometry(report, render_report(report, fonts=fonts))
    pages = {line.page for line in printed.lines if line.text in text}
    assert len(pages) >= 2, "the paragraph crosses a page"
    with pdfplumber.open(io.BytesIO(render_report(report, fonts=fonts))) as pdf:
        # the body as any reader extracts it (tables apart: a reader separates their cells by spaces)
        extracted = "".join(page.filter(lambda o: round(o.get("size", 0)) == BODY).extract_text() for page in pdf.pages)
    assert " " not in extracted.replace("— ", "").replace(" —", ""), "no added spaces in the text layer"
    assert text in extracted.replace("\n", "")


def _big_values(report: Report, digits: int, seed: int = 3) -> None:
    rng = random.Random(seed)
    for spec in report.format.cell_specs():
        if spec.kind == "count":
            report.cells[spec.key] = rng.randint(10 ** (digits - 1), 10**digits - 1)
        elif spec.kind == "amount":
            report.cells[spec.key] = Decimal(rng.randint(10 ** (digits - 1), 10**digits - 1))


def _t3_pages(printed: Printed) -> set[int]:
    marks = ("本年度办理结果", "结转下年度继续办理", "本年新收政府信息公开申请数量")
    pages = set()
    for n, chars in enumerate(printed.pages):
        small = "".join(c["text"] for c in chars if round(c["size"]) < BODY)
        if any(mark in small for mark in marks):
            pages.add(n)
    return pages


@pytest.mark.parametrize("digits", [1, 4, 6])
def test_the_2021_t3_stands_on_one_page(digits: int, fonts: FontSet) -> None:
    report = filled_report("2021")
    _big_values(report, digits)
    printed = assert_page_geometry(report, render_report(report, fonts=fonts))
    assert len(_t3_pages(printed)) == 1
    small = "".join(c["text"] for chars in printed.pages for c in chars if round(c["size"]) < BODY)
    assert "（续）" not in small


@pytest.mark.parametrize("format_id", ["2019", "2021"])
def test_eight_digit_values_fit_or_are_refused_naming_the_cell(format_id: str, fonts: FontSet) -> None:
    report = filled_report(format_id)
    _big_values(report, 8)
    try:
        data = render_report(report, fonts=fonts)
    except TableOverflowError as exc:
        assert "太长" in str(exc) and "·" in str(exc), str(exc)
        return
    assert_page_geometry(report, data)


@pytest.mark.parametrize(
    "agency",
    [
        "某某市某某局",
        "中共某某省某某市某某区委员会办公室某某市某某区人民政府办公室",
        "某某省某某市某某县人民政府某某街道办事处社会事务管理委员会办公室综合科",
    ],
)
def test_titles_break_between_words_into_a_trapezoid_or_diamond(agency: str, fonts: FontSet) -> None:
    report = filled_report("2021", agency=agency)
    assert len(agency) <= 40
    printed = read(render_report(report, fonts=fonts))
    rows: dict[int, list[dict[str, Any]]] = {}
    for c in printed.pages[0]:
        if round(c["size"]) == 22:
            rows.setdefault(round(c["top"]), []).append(c)
    lines = [sorted(rows[k], key=lambda c: c["x0"]) for k in sorted(rows)]
    assert "".join(c["text"] for line in lines for c in line) == report.display_title()
    widths = [line[-1]["x1"] - line[0]["x0"] for line in lines]
    for line, width in zip(lines, widths, strict=True):
        assert (line[0]["x0"] - LEFT) == pytest.approx(RIGHT - line[-1]["x1"], abs=1), "centred"
        assert width <= RIGHT - LEFT + 0.1
    top = widths.index(max(widths))
    assert all(a <= b + 0.1 for a, b in pairwise(widths[: top + 1])), widths
    assert all(a + 0.1 >= b for a, b in pairwise(widths[top:])), widths
    assert len(lines) == 1 or widths[0] < max(widths) or len(set(map(round, widths))) == 1


# ---------------------------------------------------------------- tables across pages


def _piece_labels(piece: Any) -> list[str]:
    """The label texts a table piece prints, in row order, with its continuation marks."""
    setter = piece.setter
    rows = piece.rows()
    index = {r: i for i, r in enumerate(rows)}
    return [setter.cell(cell, cut).text for cell, _, cut in setter.placed(rows, index) if cell.role == "label"]


def test_a_table_breaks_between_row_groups_repeats_its_header_and_continues_a_label(fonts: FontSet) -> None:
    from services.pdf.table_setting import TableSetting
    from services.pdf.tables import ReportTable, TableSet, table

    report = filled_report("2021")
    grid = table(fonts, report, "t3", "三、收到和处理政府信息公开申请情况")
    layout = grid.setter.layout
    # not at a page top, and too little room for the whole table: it may break only between whole groups, and
    # 表三's groups (一, 二, the 三 block, 四) leave no piece of three rows or more: it moves on whole
    assert grid.split(156 * MM, grid.height - 30) == []
    # set in large type it is taller than a page: at a page top it breaks inside the 三 block, with （续）
    setter = grid.setter
    big = TableSet(fonts, layout, setter.texts, TableSetting(14.0, 4.0, setter.setting.widths), "表三")
    tall = ReportTable(big)
    page = 225 * MM
    assert tall.height > page
    pieces = tall.split(156 * MM, page)
    assert len(pieces) == 2
    first, second = pieces
    assert first.height <= page
    header = big.height(range(layout.header_rows))
    for piece in pieces:
        assert piece.rows()[: layout.header_rows] == list(range(layout.header_rows)), "header repeated"
        assert len(piece.rows()) - layout.header_rows >= 3, "no piece under three rows"
        assert piece.height > header
    labels = _piece_labels(second)
    assert "三、本年度办理结果（续）" in labels, labels
    assert not any(label.endswith("（续）") for label in _piece_labels(first))
    # every body row printed exactly once over the two pieces
    body = [r for piece in pieces for r in piece.rows() if r >= layout.header_rows]
    assert body == list(range(layout.header_rows, layout.rows))


def test_t2_breaks_only_before_a_block(fonts: FontSet) -> None:
    from services.pdf.tables import table

    report = filled_report("2021")
    grid = table(fonts, report, "t2", "二、主动公开政府信息情况")
    layout = grid.setter.layout
    captions = {c.row for c in layout.cells if c.role == "caption"}
    for room in (80.0, 120.0, 160.0, 200.0):
        pieces = grid.split(156 * MM, room)
        if pieces:
            assert pieces[1].start in captions, (room, pieces[1].start)
            assert pieces[0].height <= room
    assert grid.first_piece_height() < grid.height, "the heading needs only the first block below it"


# ---------------------------------------------------------------- rare characters in the text layer


def test_the_to_unicode_map_writes_characters_beyond_the_bmp_as_utf16() -> None:
    from services.pdf.reportlab_fixes import make_to_unicode_cmap

    cmap = make_to_unicode_cmap("AAAAAA+Face", [0, 0x4E2D, 0x20000, 0x2A6D6])
    assert "<00> <0000>" in cmap and "<01> <4E2D>" in cmap
    assert "<02> <D840DC00>" in cmap and "<03> <D869DED6>" in cmap
    assert "<20000>" not in cmap


def test_a_rare_character_reads_back_as_itself(fonts: FontSet) -> None:
    rare = "\U00020000"  # 𠀀, CJK Ext-B: SimSun-ExtB on Windows, Hanazono where .ci/run installs it
    try:
        fonts.check(rare, "body", "测试")
    except MissingGlyphError:
        pytest.skip("no installed face draws U+20000 (.ci/run installs fonts-hanazono)")
    report = filled_report("2021")
    report.texts["s1_request"] = f"申请人张{rare}华提出申请，已按期答复。"
    data = render_report(report, fonts=fonts)
    assert_page_geometry(report, data)
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        text = "".join(page.extract_text() for page in pdf.pages)
    assert f"申请人张{rare}华提出申请" in text
