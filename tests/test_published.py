"""Reading a report as published on a website (plain text or a saved page) into a draft report."""

from __future__ import annotations

import html
import os
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from services.checks import check_report, recompute_totals
from services.exchange import read_exchange
from services.grid_layout import grid_layout
from services.published import (
    MAX_BYTES,
    PublishedImport,
    PublishedReportError,
    import_published,
    parse_published_html,
    parse_published_text,
)
from services.report import Report
from services.values import to_text
from tests.factories import filled_report

AGENCY = "贵阳市人民防空办公室"


@pytest.fixture(scope="module")
def sample_text(sample_text_path: Path) -> str:
    return sample_text_path.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def expected(sample_json_path: Path) -> Report:
    return read_exchange(sample_json_path)


@pytest.fixture(scope="module")
def imported(sample_text_path: Path) -> PublishedImport:
    return import_published(sample_text_path, agency=AGENCY)


# ------------------------------------------------------------------------------------------------ renderings


def _cell_text(
    report: Report, table: str, key: tuple[str, str, str] | None, text: str, *, blank_zero: bool = False
) -> str:
    if key is None:
        return text
    value = report.cells[key]
    if blank_zero and value == 0:
        return ""  # a page whose zero cells are left blank, as many are
    unit = report.format.table(table).column(key[2]).unit_in_cell or ""
    return to_text(value) + unit


def table_lines(report: Report, table: str) -> list[str]:
    """A table as a website copies it out: one tab-indented line per cell, a blank line after each row."""
    layout = grid_layout(report.format, table)
    lines: list[str] = []
    for r in range(layout.rows):
        covering = sorted((c for c in layout.cells if c.row <= r < c.row + c.rowspan), key=lambda c: c.col)
        for cell in covering:
            lines.append("\t" + (_cell_text(report, table, cell.key, cell.text) if cell.row == r else ""))
        lines.append("")
    return lines


def table_html(report: Report, table: str, *, blank_zero: bool = False) -> str:
    layout = grid_layout(report.format, table)
    rows = []
    for r in range(layout.rows):
        cells = sorted((c for c in layout.cells if c.row == r), key=lambda c: c.col)
        tds = "".join(
            f'<td rowspan="{c.rowspan}" colspan="{c.colspan}"><p>'
            f"{html.escape(_cell_text(report, table, c.key, c.text, blank_zero=blank_zero))}</p></td>"
            for c in cells
        )
        rows.append(f"<tr>{tds}</tr>")
    return "<table border=1><tbody>" + "\n".join(rows) + "</tbody></table>"


def _body_parts(report: Report, with_title: bool) -> list[tuple[str, str]]:
    """(kind, text) in printed order: 'p' for paragraphs, 't' for table keys."""
    fmt = report.format
    parts: list[tuple[str, str]] = []
    if with_title:
        parts.append(("p", report.display_title()))
    if report.text("preamble"):
        parts.append(("p", report.text("preamble")))
    for section in fmt.sections:
        parts.append(("p", section.title))
        if section.table:
            parts.append(("t", section.table))
        for spec in section.texts:
            if spec.key == "s5_problems":
                parts.append(("p", "（一）存在的主要问题"))
            elif spec.key == "s5_improvements":
                parts.append(("p", "（二）改进情况"))
            elif spec.heading:
                parts.append(("p", spec.heading))
            parts.extend(("p", para) for para in report.text(spec.key).split("\n\n"))
    parts.append(("p", report.signed_by or ""))
    day = report.signed_on or date(2000, 1, 1)
    parts.append(("p", f"{day.year}年{day.month}月{day.day}日"))
    return parts


def report_as_text(report: Report, with_title: bool = True) -> str:
    lines: list[str] = []
    for kind, text in _body_parts(report, with_title):
        lines += table_lines(report, text) if kind == "t" else [text, ""]
    return "\n".join(lines)


def report_as_page(report: Report, *, tables: bool = True, blank_zero: bool = False) -> str:
    body = []
    for kind, text in _body_parts(report, True):
        if kind == "t":
            if tables:
                body.append(table_html(report, text, blank_zero=blank_zero))
        else:
            body.append(f"<p style='text-indent:2em'>&nbsp;&nbsp;{html.escape(text)}</p>")
    nav = "<div class=nav><a href='/'>首页</a><a href='/gk'>政务公开</a><span>当前位置：年度报告</span></div>"
    return (
        f"<html><head><meta charset='gb2312'><title>{report.display_title()}_贵阳市人民政府</title>"
        f"<script>var x = '<p>一、总体情况</p>';</script><style>p{{margin:0}}</style></head><body>{nav}"
        # Government sites often wrap the whole article in a layout table.
        f"<table width=100%><tr><td>{''.join(body)}</td></tr></table>"
        "<div class=footer>版权所有 主办单位</div></body></html>"
    )


# ------------------------------------------------------------------------------------------------ the real sample


def test_sample_text_gives_every_cell_of_the_json(imported: PublishedImport, expected: Report) -> None:
    assert imported.report.cells == expected.cells
    assert imported.report.cells[("t2", "procurement", "amount")] == Decimal("533.41")
    assert imported.report.cells[("t2", "licensing", "change")] == 1


def test_sample_text_gives_the_section_texts_of_the_json(imported: PublishedImport, expected: Report) -> None:
    assert imported.report.texts == expected.texts
    assert imported.report.texts["s1_active"].startswith("2020年，市人防办")
    assert imported.report.texts["s1_platform"].startswith("2020年人防办通过官方微信")
    assert imported.report.texts["preamble"] == ""


def test_sample_text_metadata(imported: PublishedImport, expected: Report) -> None:
    report = imported.report
    assert (report.agency, report.year, report.format_id) == (expected.agency, expected.year, expected.format_id)
    assert report.signed_on == expected.signed_on == date(2020, 1, 20)
    assert report.signed_by == expected.signed_by
    assert report.title is None and report.status == "draft"


def test_sample_text_checks_like_the_json(imported: PublishedImport, expected: Report) -> None:
    found = [f.to_json() for f in check_report(imported.report)]
    assert found == [f.to_json() for f in check_report(expected)]


def test_sample_text_says_what_was_filled(imported: PublishedImport) -> None:
    assert "表二：22 个单元格" in imported.filled
    assert "表三：161 个单元格" in imported.filled
    assert "表四：15 个单元格" in imported.filled
    assert "一、总体情况·（一）主动公开：162 字" in imported.filled
    assert "年度：2020（2019 年格式）" in imported.filled
    # No title: the year is inferred, and the import says so; nothing else is left over.
    assert len(imported.not_understood) == 1
    assert "推断为 2020 年" in imported.not_understood[0]


def test_sample_text_in_gb18030(tmp_path: Path, sample_text: str, expected: Report) -> None:
    path = tmp_path / "report.txt"
    path.write_bytes(sample_text.replace("\n", "\r\n").encode("gb18030"))
    result = import_published(path, agency=AGENCY)
    assert result.report.cells == expected.cells
    assert result.report.texts == expected.texts


def test_agency_and_year_from_the_title_and_signature(sample_text: str, expected: Report) -> None:
    text = f"{AGENCY}2020年政府信息公开工作年度报告\n\n" + sample_text.replace(
        "\n2020年1月20日", f"\n{AGENCY}\n\n2020年1月20日"
    )
    result = parse_published_text(text)
    assert result.report.agency == AGENCY
    assert result.report.signed_by == AGENCY
    assert result.report.title is None  # the standard title is not stored
    assert result.report.year == 2020
    assert result.not_understood == ()
    assert parse_published_text(text, agency="另一个机关").report.agency == "另一个机关"


def test_labels_written_slightly_differently_still_match(sample_text: str, expected: Report) -> None:
    text = (
        sample_text.replace("1.属于国家秘密", "1、属于 国家秘密")
        .replace("（一）予以公开", "(一)予以公开")
        .replace("3.危及“三安全一稳定”", '3.危及"三安全一稳定"')
        .replace("\t规范性文件", "\t规范性文件：")
        .replace("533.41万", "5334100元")
    )
    result = parse_published_text(text, agency=AGENCY)
    assert result.report.cells == expected.cells


def test_bad_and_unknown_cells_are_reported_not_guessed(sample_text: str, expected: Report) -> None:
    text = (
        sample_text.replace("\t行政许可\n\t34", "\t行政许可\n\t3.5")
        .replace("\t政府集中采购\n\t4\n\t533.41万", "\t政府集中采购\n\t4\n\t533.41万\n\t9")
        .replace("\t规范性文件", "\t某某不明事项\n\n\t规范性文件")
    )
    result = parse_published_text(text, agency=AGENCY)
    problems = "\n".join(result.not_understood)
    assert "“行政许可·上一年项目数量” 的值无法读取" in problems
    assert "不是整数" in problems
    assert "多出的数字“9”" in problems
    assert "无法识别“某某不明事项”" in problems
    assert ("t2", "licensing", "prev_items") not in result.report.cells
    assert "表二：1 个单元格未填（行政许可·上一年项目数量）" in problems
    others = {k: v for k, v in expected.cells.items() if k != ("t2", "licensing", "prev_items")}
    assert result.report.cells == others


def test_a_missing_column_header_is_named(sample_text: str) -> None:
    text = sample_text.replace("\t信息内容\n\t本年新制作数量\n", "\t信息内容\n", 1)
    result = parse_published_text(text, agency=AGENCY)
    assert any("找不到“本年新制作数量”列" in line for line in result.not_understood)
    # The two named columns still get their numbers by header order; the third number is left over.
    assert result.report.cells[("t2", "normative", "published")] == 0
    assert any("多出的数字" in line for line in result.not_understood)


# ------------------------------------------------------------------------------------------------ HTML


def test_html_rendering_of_the_sample_imports_to_the_same_report(tmp_path: Path, expected: Report) -> None:
    page = report_as_page(expected)
    path = tmp_path / "report.htm"
    path.write_bytes(page.encode("gb18030"))
    result = import_published(path)
    assert result.report.cells == expected.cells
    assert result.report.texts == expected.texts
    assert result.report.agency == AGENCY  # from the heading
    assert (result.report.year, result.report.format_id) == (2020, "2019")
    assert result.report.signed_on == expected.signed_on
    assert result.not_understood == ()
    assert [f.to_json() for f in check_report(result.report)] == [f.to_json() for f in check_report(expected)]


def test_the_portal_page_of_the_sample_imports_to_the_same_report(expected: Report) -> None:
    from services.portal.html import report_html

    result = parse_published_html(report_html(expected))
    assert result.report.cells == expected.cells
    assert result.report.texts == expected.texts
    assert (result.report.agency, result.report.year, result.report.format_id) == (AGENCY, 2020, "2019")
    assert (result.report.signed_by, result.report.signed_on) == (expected.signed_by, expected.signed_on)
    assert result.not_understood == ()


@pytest.mark.parametrize(("notices", "amount"), [(0, Decimal(0)), (3, Decimal("150.5"))])
def test_a_2021_portal_page_imports_with_its_fees(notices: int, amount: Decimal) -> None:
    from services.portal.html import report_html

    report = filled_report("2021")
    report.fees.notices, report.fees.amount_yuan = notices, amount
    result = parse_published_html(report_html(report))
    assert result.report.cells == report.cells
    assert result.report.texts == report.texts
    assert (result.report.fees.notices, result.report.fees.amount_yuan) == (notices, amount)
    assert result.not_understood == ()


def test_html_without_tables_gives_the_texts(expected: Report) -> None:
    result = parse_published_html(report_as_page(expected, tables=False))
    assert result.report.texts == expected.texts
    assert result.report.cells == {}
    assert any("未找到表格" in line for line in result.not_understood)
    assert "表三：未找到" in result.not_understood


def test_html_title_gives_agency_and_year_when_the_body_has_none() -> None:
    page = (
        "<html><head><title>某某县教育局2020年政府信息公开工作年度报告 - 某某县人民政府</title></head><body>"
        "<p>一、总体情况</p><p>（一）主动公开</p><p>本年主动公开信息12条。</p>"
        "<p>六、其他需要报告的事项</p><p>无。</p></body></html>"
    )
    result = parse_published_html(page)
    assert (result.report.agency, result.report.year, result.report.format_id) == ("某某县教育局", 2020, "2019")
    assert result.report.texts["s1_active"] == "本年主动公开信息12条。"
    assert result.report.texts["s6_other"] == "无。"


# ------------------------------------------------------------------------------------------------ 2021 format


def test_a_2021_format_text_imports() -> None:
    report = filled_report("2021")
    result = parse_published_text(report_as_text(report))
    got = result.report
    assert (got.agency, got.year, got.format_id) == (report.agency, report.year, "2021")
    assert got.cells == report.cells
    assert got.texts == report.texts
    assert (got.signed_by, got.signed_on) == (report.signed_by, report.signed_on)
    assert "表三：175 个单元格" in result.filled
    assert result.not_understood == ()


def test_a_2021_format_page_imports() -> None:
    report = filled_report("2021", seed=7)
    result = parse_published_html(report_as_page(report))
    assert result.report.cells == report.cells
    assert result.report.texts == report.texts


def test_format_follows_the_table_labels_when_the_year_disagrees() -> None:
    report = filled_report("2021")
    text = report_as_text(report).replace(f"{report.year}年政府信息公开", "2020年政府信息公开")
    result = parse_published_text(text)
    assert result.report.year == 2020
    assert result.report.format_id == "2021"
    assert result.report.cells == report.cells
    assert any("属于 2021 年格式" in line for line in result.not_understood)


def test_2019_report_without_title_detects_format_from_labels(expected: Report) -> None:
    report = filled_report("2019")
    text = report_as_text(report, with_title=False)
    result = parse_published_text(text, agency=report.agency)
    assert result.report.format_id == "2019"
    assert result.report.cells == report.cells


# ------------------------------------------------------------------------------------------------ narrative rules


@pytest.mark.parametrize(
    ("body", "problems", "improvements"),
    [
        ("（一）存在的主要问题\n\n问题甲。\n\n（二）改进措施\n\n改进乙。", "问题甲。", "改进乙。"),
        ("一、存在的问题：问题甲。\n\n二、改进情况：改进乙。", "问题甲。", "改进乙。"),
        ("问题甲。\n\n问题丙。\n\n下一步，我们将改进乙。", "问题甲。\n\n问题丙。", "下一步，我们将改进乙。"),
        ("主要问题是甲。下一步将改进乙。", "主要问题是甲。", "下一步将改进乙。"),
        ("存在问题：一是甲。\n\n一是加强乙。\n\n二是完善丙。", "存在问题：一是甲。", "一是加强乙。\n\n二是完善丙。"),
    ],
)
def test_section_five_is_split_into_problems_and_improvements(body: str, problems: str, improvements: str) -> None:
    text = (
        f"一、总体情况\n\n（一）主动公开\n\n甲。\n\n五、存在的主要问题及改进情况\n\n{body}\n\n"
        "六、其他需要报告的事项\n\n无。"
    )
    result = parse_published_text(text, agency="某局")
    assert result.report.texts["s5_problems"] == problems
    assert result.report.texts["s5_improvements"] == improvements


def test_opening_paragraphs_and_unheaded_section_one() -> None:
    text = (
        "某局2022年政府信息公开工作年度报告\n\n发布时间：2023-01-20\n\n"
        "根据条例编制本报告。\n\n一、总体情况\n\n本局高度重视。\n\n（一）主动公开。主动公开12条。\n\n"
        "（二）全年收到申请3件。\n\n六、其他需要报告的事项\n\n无。\n\n某局\n\n二〇二三年一月二十日"
    )
    result = parse_published_text(text)
    texts = result.report.texts
    assert texts["preamble"] == "根据条例编制本报告。\n\n本局高度重视。"
    assert texts["s1_active"] == "主动公开12条。"
    assert texts["s1_request"] == "全年收到申请3件。"  # not a heading: the sentence is kept
    assert result.report.signed_on == date(2023, 1, 20)
    assert result.report.format_id == "2021"
    assert any("未找到表格" in line for line in result.not_understood)


# ------------------------------------------------------------------------------------------------ refusals


@pytest.mark.parametrize(
    "data",
    [
        os.urandom(4096),
        b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8,
        "随便写的一段话，不是年度报告。\n另一行。".encode(),
        b"",
    ],
)
def test_garbage_is_refused_in_chinese(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "junk.txt"
    path.write_bytes(data)
    with pytest.raises(PublishedReportError) as info:
        import_published(path)
    assert any("\u4e00" <= c <= "\u9fff" for c in str(info.value))


def test_garbage_html_is_refused() -> None:
    with pytest.raises(PublishedReportError, match="未能识别"):
        parse_published_html("<html><body><table><tr><td>x</td></tr></table><p>hello</p></body></html>")
    with pytest.raises(PublishedReportError, match="不是文本"):
        parse_published_html("<html>\x00\x01\x02" + "\x03" * 100)


def test_a_huge_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "huge.html"
    with path.open("wb") as fh:
        fh.truncate(MAX_BYTES + 1)
    with pytest.raises(PublishedReportError, match="过大"):
        import_published(path)
    with pytest.raises(PublishedReportError, match="过大"):
        parse_published_text("一、总体情况\n" + "字" * MAX_BYTES)


def test_a_missing_file_is_reported(tmp_path: Path) -> None:
    with pytest.raises(PublishedReportError, match="文件不存在"):
        import_published(tmp_path / "none.txt")


def test_sample_text_saved_by_notepad_as_unicode(tmp_path: Path, sample_text: str, expected: Report) -> None:
    for encoding in ("utf-16", "utf-16-be"):  # Notepad's "Unicode" (LE with BOM), and big-endian with BOM
        path = tmp_path / f"report-{encoding}.txt"
        data = sample_text.replace("\n", "\r\n").encode(encoding)
        path.write_bytes(data if data.startswith((b"\xff\xfe", b"\xfe\xff")) else b"\xfe\xff" + data)
        result = import_published(path, agency=AGENCY)
        assert result.report.cells == expected.cells
        assert result.report.texts == expected.texts


def test_spans_cannot_make_a_page_cost_more_than_its_size() -> None:
    import tracemalloc

    from services.published.html import read_html

    # a 390 KB page whose every cell spans 1,000 × 1,000: it once took 33–55 s and 4 GB
    rows = "".join("<tr>" + '<td rowspan="1000" colspan="1000">1</td>' * 3 + "</tr>" for _ in range(3000))
    page = f"<html><body><table>{rows}</table></body></html>"
    tracemalloc.start()
    read_html(page)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert peak < 100 * 1024 * 1024, f"{peak / 1e6:.0f} MB for a {len(page) / 1e3:.0f} kB page"


def test_blank_cells_of_a_page_keep_their_columns(tmp_path: Path) -> None:
    # issue 13: a page whose zero cells are left blank; the blanks were dropped and every later number landed
    # one column left. A blank is read as null at its place, and the clerk is told.
    report = filled_report("2021", year=2022, agency=AGENCY)
    zeros = [("t3", "new", "business"), ("t3", "granted", "natural"), ("t4", "review", "corrected")]
    for key in zeros:
        report.cells[key] = 0
    recompute_totals(report)
    assert all(report.cells[k] != 0 for k in [("t3", "new", "research"), ("t4", "review", "other")])
    result = parse_published_html(report_as_page(report, blank_zero=True))
    got = result.report
    for key in zeros:
        assert got.get(*key) is None, key  # not known: never another column's number
    wrong = [
        key
        for key, value in report.cells.items()
        if key[0] in ("t3", "t4") and key not in zeros and value != 0 and got.get(*key) not in (None, value)
    ]
    assert wrong == []  # no number in a column it does not belong to
    assert got.get("t3", "new", "research") == report.cells[("t3", "new", "research")]
    assert got.get("t4", "review", "other") == report.cells[("t4", "review", "other")]
    assert any("空白" in line and "不当作 0" in line for line in result.not_understood)


def test_a_count_printed_with_its_unit_or_a_zero_width_space_keeps_its_column() -> None:
    report = filled_report("2021", year=2022, agency=AGENCY)
    page = report_as_page(report)
    natural, business = report.cells[("t3", "new", "natural")], report.cells[("t3", "new", "business")]
    page = page.replace(f"<p>{natural}</p>", f"<p>{natural}件</p>", 1).replace(
        f"<p>{business}</p>", f"<p>\u200b{business}</p>", 1
    )
    got = parse_published_html(page).report
    assert got.get("t3", "new", "natural") == natural and got.get("t3", "new", "business") == business
    assert got.get("t3", "new", "research") == report.cells[("t3", "new", "research")]


def test_a_year_first_title_names_the_agency() -> None:
    # issue 13: "2019年上海市人民政府办公厅…" gave no agency, and the import was refused without --agency
    report = filled_report("2019", year=2019, agency="上海市人民政府办公厅")
    report.signed_by = None  # the agency only in the title
    page = report_as_page(report).replace(report.display_title(), "2019年上海市人民政府办公厅政府信息公开工作年度报告")
    got = parse_published_html(page).report
    assert (got.agency, got.year) == ("上海市人民政府办公厅", 2019)


def test_a_title_broken_over_two_lines_keeps_its_agency() -> None:
    report = filled_report("2021", year=2022, agency="平潭综合实验区管理委员会")
    report.signed_by = None
    page = report_as_page(report).replace(
        f"<p style='text-indent:2em'>&nbsp;&nbsp;{report.display_title()}</p>",
        "<p>平潭综合实验区管理委员会</p><p>2022年政府信息公开工作年度报告</p>",
    )
    assert "<p>平潭综合实验区管理委员会</p>" in page
    got = parse_published_html(page).report
    assert got.agency == "平潭综合实验区管理委员会" and got.title is None  # the standard title, whole


def test_a_pdfs_text_keeps_paragraphs_whole_and_drops_page_numbers() -> None:
    # issue 13: every PDF line became a paragraph, and "- 5 -" ended up inside the texts
    text = "\n".join(
        [
            "某县教育局2023年政府信息公开工作年度报告",
            "一、总体情况",
            "（一）主动公开",
            "2023年，本局坚持以公开为常态、不公开为例外，围绕重点领域信息公开，及时发",
            "布政策文件、规划计划、财政预决算等信息。",
            "- 5 -",
            "第 6 页 共 9 页",
            "（二）依申请公开",
            "全年共收到政府信息公开申请12件，均已按时答复。",
        ]
    )
    result = parse_published_text(text)
    whole = (
        "2023年，本局坚持以公开为常态、不公开为例外，围绕重点领域信息公开，及时发"
        "布政策文件、规划计划、财政预决算等信息。"
    )
    assert result.report.text("s1_active") == whole
    texts = "".join(result.report.texts.values())
    assert "- 5 -" not in texts and "第 6 页" not in texts
    assert result.report.text("s1_request") == "全年共收到政府信息公开申请12件，均已按时答复。"


def test_a_long_title_is_not_joined_to_the_paragraph_after_it() -> None:
    title = "平潭综合实验区管理委员会2023年政府信息公开工作年度报告"
    lines = [
        title,
        "本报告根据《中华人民共和国政府信息公开条例》编制。",
        "一、总体情况",
        "（一）主动公开",
        "全年主动公开信息。",
    ]
    text = "\n".join(lines)
    result = parse_published_text(text)
    assert result.report.agency == "平潭综合实验区管理委员会" and result.report.year == 2023


def test_a_count_too_large_to_be_real_is_named_for_checking() -> None:
    # issue 13: digit runs of a flattened page accepted as single counts (予以公开·自然人 = 210,000,021)
    report = filled_report("2021", year=2022, agency=AGENCY)
    granted = report.cells[("t3", "granted", "natural")]
    page = report_as_page(report).replace(f"<p>{granted}</p>", "<p>210000021</p>", 1)
    result = parse_published_html(page)
    assert any("210,000,021" in line and "请对照原文核对" in line for line in result.to_check)
    ordinary = parse_published_html(report_as_page(report))
    assert not any("大得不合常理" in line for line in ordinary.to_check)
