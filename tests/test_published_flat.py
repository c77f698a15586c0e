"""Published reports as crawlers and portals' "text version" give them: the whole page on one line, headings run
into their text, tables as labels and digits run together (issue 13). A number is right or unread, never wrong."""

from __future__ import annotations

from pathlib import Path

import pytest

from services.exchange import read_exchange
from services.grid_layout import grid_layout
from services.published import PublishedImport, import_published, parse_published_text
from services.published.digit_runs import Run, readings, solve
from services.report import Report
from services.values import to_text
from tests.factories import filled_report, sample_report
from tests.test_published import _body_parts, _cell_text

CRAWLER_HEADER = (
    "标题: {title}\n发布时间: 2022-02-08 16:34\n文号: \n发布机构: \n栏目: 政府信息公开年报\n"
    "原文链接: https://www.example.gov.cn/t20220208_1.htm\n本地目录: zwgk/1\n页面链接与图片详见 links.tsv(同目录)\n"
    "==================== 正文 ====================\n"
)


def flat_table(report: Report, table: str, gap: str = "") -> str:
    """A table as a crawler flattens it: every cell's text in reading order, nothing between (or `gap`)."""
    layout = grid_layout(report.format, table)
    texts = []
    for cell in sorted(layout.cells, key=lambda c: (c.row, c.col)):
        if cell.key is None:
            texts.append(cell.text)
        else:
            unit = report.format.table(table).column(cell.key[2]).unit_in_cell or ""
            texts.append(to_text(report.cells[cell.key]) + unit)
    return gap.join(texts)


def flat_page(report: Report, gap: str = "") -> str:
    """The report as a crawler saves a portal page: its header, then furniture, text and tables on one line."""
    parts = ["当前位置： 首页政务公开政府信息公开年报", report.display_title(), "来源：本站 微信 微博 QQ空间 -->"]
    body = [report.text("preamble")]
    for section in report.format.sections:
        body.append(section.title)
        if section.table:
            body.append(flat_table(report, section.table, gap) + " ")
        for spec in section.texts:
            heading = {"s5_problems": "（一）存在的主要问题：", "s5_improvements": "（二）改进情况："}.get(spec.key)
            body.append((heading or spec.heading or "") + report.text(spec.key).replace("\n\n", ""))
    line = " ".join(parts) + " " + "".join(body) + " 附件下载"
    return CRAWLER_HEADER.format(title=report.display_title()) + line + "\n"


def wrong_cells(got: Report, want: Report) -> dict[tuple[str, str, str], tuple[object, object]]:
    return {k: (v, got.cells[k]) for k, v in want.cells.items() if got.cells.get(k) is not None and got.cells[k] != v}


def unread(got: Report, want: Report) -> list[tuple[str, str, str]]:
    return [k for k in want.cells if got.cells.get(k) is None]


# ------------------------------------------------------------------------------------------------ splitting runs


def test_a_run_is_read_every_way_spaces_being_boundaries() -> None:
    assert sorted(readings("230 000023", 7)) == [
        (2, 30, 0, 0, 0, 0, 23),
        (23, 0, 0, 0, 0, 0, 23),
        (230, 0, 0, 0, 0, 2, 3),
    ]
    assert list(readings("000", 3)) == [(0, 0, 0)]
    assert list(readings("007", 2)) == []  # no count is printed with a leading zero
    assert list(readings("12", 3)) == []


def test_a_run_is_split_only_where_one_reading_satisfies_the_identities() -> None:
    cells = tuple(("t3", "new", c) for c in ("a", "b", "c", "d", "e", "f", "total"))
    row_total = ((cells[6],), cells[:6])
    solved = solve([Run(cells, "640020470")], {}, [row_total])
    assert [solved.values[c] for c in cells] == [64, 0, 0, 2, 0, 4, 70]
    assert solved.unread == {}
    # "330000033": 33,0,0,0,0,0,33 and 3,30,0,0,0,0,33 both add up: left unread, with the reason
    ambiguous = solve([Run(cells, "330000033")], {}, [row_total])
    assert ambiguous.values == {} and "2 种拆分" in ambiguous.unread[0]
    # without an identity, a run read more than one way is never guessed
    three = (("t2", "n", "made"), ("t2", "n", "repealed"), ("t2", "n", "in_force"))
    assert "没有勾稽关系" in solve([Run(three, "898989")], {}, []).unread[0]
    assert solve([Run(three, "000")], {}, []).values == dict.fromkeys(three, 0)


def test_rows_ambiguous_alone_are_settled_by_the_column_identities() -> None:
    row1 = (("t", "r1", "a"), ("t", "r1", "b"), ("t", "r1", "t"))
    row2 = (("t", "r2", "a"), ("t", "r2", "b"), ("t", "r2", "t"))
    total = (("t", "s", "a"), ("t", "s", "b"), ("t", "s", "t"))
    rows = [((r[2],), r[:2]) for r in (row1, row2)]
    columns = [((total[i],), (row1[i], row2[i])) for i in range(3)]
    # alone, "11011" is 1,10,11 or 11,0,11; with the second row 5,0,5 the column sums 6, 10, 16 leave one
    known = {total[0]: 6, total[1]: 10, total[2]: 16}
    solved = solve([Run(row1, "11011"), Run(row2, "505")], known, rows + columns)
    assert [solved.values[c] for c in row1 + row2] == [1, 10, 11, 5, 0, 5]
    assert solve([Run(row1, "11011")], {}, rows).unread  # without the columns: unread
    # two rows that could swap their readings are both left unread
    swapped = solve(
        [Run(row1, "11011"), Run(row2, "11011")], {total[0]: 12, total[1]: 10, total[2]: 22}, rows + columns
    )
    assert swapped.values == {} and len(swapped.unread) == 2


# ------------------------------------------------------------------------------------------------ generated pages


@pytest.mark.parametrize(
    "report",
    [sample_report(), filled_report("2021", seed=3), filled_report("2019", seed=5)],
    ids=["sample-2019", "generated-2021", "generated-2019"],
)
def test_a_flattened_page_gives_no_wrong_number_and_keeps_its_texts(report: Report) -> None:
    result = parse_published_text(flat_page(report))
    got = result.report
    assert wrong_cells(got, report) == {}
    assert (got.agency, got.year, got.format_id) == (report.agency, report.year, report.format_id)
    for text_key in ("s1_active", "s1_request", "s5_problems", "s5_improvements", "s6_other"):
        assert got.text(text_key) == report.text(text_key).replace("\n\n", ""), text_key
    assert got.text("preamble") == report.text("preamble")
    # the page's furniture is not taken for the report's text
    assert not any("附件下载" in got.text(k) or "QQ空间" in got.text(k) for k in got.format.text_keys())
    # every value cell of 表三 is read (its identities tie each row): what is not read is said, and why
    t3 = [k for k in unread(got, report) if k[0] == "t3"]
    assert t3 == []
    # a row that only the identities could split is read, counted, and listed for checking against the original
    inferred = any("按勾稽关系拆分得出" in line for line in result.filled)
    assert inferred == any("按表格的勾稽关系拆分为" in line for line in result.to_check)
    assert inferred or report.agency == sample_report().agency  # the sample's small numbers read one way only
    for key in unread(got, report):
        table = got.format.table(key[0])
        named = table.name if table.layout == "wide" else table.row(key[1]).label  # 表四 is one printed row
        assert any(named in note and "未读取" in note for note in result.not_understood), key


def test_the_sample_flattened_reads_all_of_its_tables_that_identities_tie() -> None:
    report = sample_report()
    got = parse_published_text(flat_page(report)).report
    share = 1 - len(unread(got, report)) / len(report.cells)
    assert share > 0.85  # 表二's rows without identities stay unread where their digits can be read two ways
    assert {k[0] for k in unread(got, report)} <= {"t2"}


def test_cells_separated_by_spaces_and_labels_split_by_spaces() -> None:
    report = filled_report("2021", seed=7)
    page = (
        flat_page(report, gap=" ").replace("社会公益组织", "社会公益 组织").replace("本年度办理结果", "本年度办 理结果")
    )
    got = parse_published_text(page).report
    assert wrong_cells(got, report) == {}
    assert unread(got, report) == []  # a space is a certain boundary: nothing to infer, every cell read
    assert parse_published_text(page).to_check == ()


def test_a_flattened_run_that_two_readings_satisfy_is_left_unread_with_the_reason() -> None:
    report = filled_report("2021", seed=2)
    # 33 and 3+30 both make 33: "330000033" reads two ways, and the columns cannot tell them apart
    # since 一 (new) and 三(七) (total_handled) move with it
    row = dict(zip(report.format.table("t3").column_keys(), [33, 0, 0, 0, 0, 0, 33], strict=True))
    for key in ("granted", "total_handled", "new"):
        report.cells.update({("t3", key, col): value for col, value in row.items()})
    others = [r.key for r in report.format.table("t3").rows() if r.key not in ("granted", "total_handled", "new")]
    for key in others:
        report.cells.update({("t3", key, col): 0 for col in row})
    result = parse_published_text(flat_page(report))
    assert wrong_cells(result.report, report) == {}
    notes = "\n".join(result.not_understood)
    assert "（一）予以公开”：原文“330000033”" in notes and "无法确定" in notes
    assert ("t3", "granted", "natural") not in result.report.cells


# ------------------------------------------------------------------------------------------------ the real corpus


def _score(result: PublishedImport, want: Report) -> tuple[int, int, int]:
    got = result.report.cells
    right = sum(1 for k, v in want.cells.items() if got.get(k) == v)
    return right, len(wrong_cells(result.report, want)), len(unread(result.report, want))


def test_every_published_report_of_the_corpus_gives_no_wrong_cell(shared_dir: Path) -> None:
    corpus = shared_dir / "corpus"
    raw = sorted(p for p in corpus.glob("[0-9]*") if p.suffix in {".txt", ".html", ".htm", ".pdf", ".docx"})
    if not raw:
        pytest.skip(f"{corpus} holds no published report")
    lines = []
    for path in raw:
        want = read_exchange(path.with_suffix(".json"))
        result = import_published(path)
        right, wrong, missing = _score(result, want)
        share = f"{right}/{len(want.cells)} 个单元格读对（{right / len(want.cells):.0%}）"
        lines.append(f"{path.name}: {share}，{missing} 个未读取，{wrong} 个读错")
        assert wrong == 0, lines[-1]
        assert result.report.agency == want.agency and result.report.year == want.year, path.name
    print("\n".join(lines))


# ------------------------------------------------------------------------------------------------ other shapes


def test_tables_written_as_pipe_rows_are_read_as_grids() -> None:
    report = sample_report()
    lines = []
    for kind, text in _body_parts(report, True):
        if kind == "p":
            lines += [text, ""]
            continue
        layout = grid_layout(report.format, text)
        lines.append("|" + "---|" * 4)
        for r in range(layout.rows):
            cells = sorted((c for c in layout.cells if c.row == r), key=lambda c: c.col)
            row = [_cell_text(report, text, c.key, c.text) for c in cells]
            lines.append("| " + " | ".join(row) + " |")
        lines.append("")
    result = parse_published_text("\n".join(lines))
    assert result.report.cells == report.cells
    assert not any("|" in note for note in result.not_understood)


def test_a_published_mistake_in_a_column_does_not_lose_the_rows_that_read_one_way() -> None:
    row1 = (("t", "r1", "a"), ("t", "r1", "b"), ("t", "r1", "t"))
    row2 = (("t", "r2", "a"), ("t", "r2", "b"), ("t", "r2", "t"))
    total = (("t", "s", "a"), ("t", "s", "b"), ("t", "s", "t"))
    rows = [((r[2],), r[:2]) for r in (row1, row2)]
    columns = [((total[i],), (row1[i], row2[i])) for i in range(3)]
    # the published column sums are wrong (7 for 5 + 1): no reading of both rows satisfies them
    known = {total[0]: 7, total[1]: 10, total[2]: 17}
    solved = solve([Run(row1, "11011"), Run(row2, "101")], known, rows + columns)
    assert [solved.values[c] for c in row2] == [1, 0, 1]  # one reading within its row: read, the check shows the rest
    assert set(solved.unread) == {0} and "原表可能有误" in solved.unread[0]


def test_a_signature_after_the_last_sentence_is_kept_with_its_date_and_furniture_dropped() -> None:
    report = filled_report("2021", seed=4)
    page = flat_page(report).replace(" 附件下载", f" {report.agency} 2023 年 1 月 20 日 打印本页 关闭窗口")
    got = parse_published_text(page).report
    assert (got.signed_by, got.signed_on) == (report.agency, report.signed_on)
    assert got.text("s6_other") == report.text("s6_other").replace("\n\n", "")
