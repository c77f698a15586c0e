"""批量审核 (issue 13): every report file of a folder read and checked, one row per file, a bad file a row of its
own, and the results as Excel and as a web page — through the service and through `main.py audit`."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from openpyxl import load_workbook

import main
from services import documents
from services.audit import KINDS, AuditRow, audit_paths
from services.audit_write import DETAIL_HEADERS, ROW_HEADERS
from services.documents import ReadReport, write_report_file
from tests.factories import filled_report, sample_report

NOT_A_REPORT = "=1+2.txt"
"""A text that is no report, named like a formula: Excel must show the name, not compute it."""
BROKEN_PDF = "<b>broken.pdf"
"""Not a PDF at all, named like markup: the page must show the name, not make it bold."""
EXPECTED = ["<b>broken.pdf", "=1+2.txt", "sample.html", "sample.json", "sample.xlsx", "sub/wrong.json"]


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """Three good files of the sample, a nested report with two identity errors, a broken PDF, a text that is no
    report, and files to be left alone: an Office lock file, a hidden file, a note of another kind."""
    root = tmp_path / "reports"
    (root / "sub").mkdir(parents=True)
    (root / ".hidden").mkdir()
    for suffix in (".json", ".xlsx", ".html"):
        write_report_file(sample_report(), root / f"sample{suffix}")
    wrong = filled_report("2021", agency="某县教育局")
    wrong.cells[("t3", "new", "natural")] += 1  # 一 + 二 = 三 + 四 and the row's 总计 both fail
    write_report_file(wrong, root / "sub" / "wrong.json")
    (root / BROKEN_PDF).write_bytes(b"%PDF-1.4 cut off here")
    (root / NOT_A_REPORT).write_text("会议通知：请于周五前报送材料。", encoding="utf-8")
    (root / "~$sample.docx").write_bytes(b"lock")
    (root / ".sample.json").write_text("{}", encoding="utf-8")
    (root / ".hidden" / "inside.json").write_text("{}", encoding="utf-8")
    (root / "说明.md").write_text("# 说明", encoding="utf-8")
    return root


def by_file(rows: tuple[AuditRow, ...]) -> dict[str, AuditRow]:
    return {row.file: row for row in rows}


def test_one_row_per_report_file_in_order_a_bad_file_is_a_row_and_others_are_left_alone(folder: Path) -> None:
    result = audit_paths([folder])
    assert [row.file for row in result.rows] == EXPECTED
    rows = by_file(result.rows)
    for name in ("sample.json", "sample.xlsx", "sample.html"):
        row = rows[name]
        assert (row.status, row.agency, row.year, row.format_id) == ("已读取", "贵阳市人民防空办公室", 2020, "2019")
        assert (row.errors, row.unread, row.read_share) == (0, 0, 1.0)
    assert [rows[n].kind for n in EXPECTED] == ["PDF", "文本", "网页", "报送数据包", "Excel 模板", "报送数据包"]
    wrong = rows["sub/wrong.json"]
    assert (wrong.status, wrong.errors) == ("已读取", 2)
    assert wrong.problems()[0].startswith("表三勾稽关系：")
    for name in (BROKEN_PDF, NOT_A_REPORT):
        assert rows[name].status == "无法读取"
        assert rows[name].reason and rows[name].problems() == [rows[name].reason]
        assert rows[name].read_share is None
    assert (result.count("已读取"), result.count("无法读取"), result.with_errors, result.cancelled) == (4, 2, 1, False)


def test_a_missing_cell_makes_a_partly_read_row_with_its_share(tmp_path: Path) -> None:
    report = sample_report()
    del report.cells[("t3", "new", "natural")]
    write_report_file(report, tmp_path / "gap.json")
    [row] = audit_paths([tmp_path]).rows
    cells = sum(len(table.cells) for table in report.format.tables)
    assert (row.status, row.unread, row.cells) == ("部分读取", 1, cells)
    assert row.read_share == (cells - 1) * 100 // cells / 100 and row.share_text() == "99%"
    assert "表格有 1 个单元格未取得（未识别或空白）" in row.problems()


def test_progress_is_told_after_every_file_and_cancel_stops_before_the_next(folder: Path) -> None:
    told: list[tuple[int, int, str]] = []
    result = audit_paths([folder], lambda done, total, row: told.append((done, total, row.file)))
    assert told == [(i, len(EXPECTED), name) for i, name in enumerate(EXPECTED, start=1)]
    assert len(result.rows) == len(EXPECTED)

    done: list[AuditRow] = []
    stopped = audit_paths([folder], lambda _done, _total, row: done.append(row), lambda: len(done) >= 2)
    assert (len(stopped.rows), stopped.total, stopped.cancelled) == (2, len(EXPECTED), True)
    assert "已取消" in stopped.summary()


def test_a_bug_in_a_reader_is_logged_and_the_run_goes_on(
    folder: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    real = documents.read_document

    def flaky(path: Path, agency: str | None = None) -> ReadReport:
        if path.name == "sample.xlsx":
            raise ZeroDivisionError("a reader's bug")
        return real(path, agency)

    monkeypatch.setattr("services.audit.read_document", flaky)
    with caplog.at_level(logging.ERROR, logger="services.audit"):
        rows = by_file(audit_paths([folder]).rows)
    assert rows["sample.xlsx"].status == "无法读取"
    assert "程序内部错误（ZeroDivisionError）" in rows["sample.xlsx"].reason
    assert rows["sample.html"].status == "已读取"  # the next file was read all the same
    assert "sample.xlsx" in caplog.text and "ZeroDivisionError" in caplog.text


def test_files_named_and_several_folders_are_labelled_from_their_common_folder(folder: Path) -> None:
    result = audit_paths([folder / "sub", folder / "sample.json", folder / "sub" / "wrong.json"])
    assert [row.file for row in result.rows] == ["sub/wrong.json", "sample.json"]  # the same file once


def test_the_cli_writes_a_workbook_with_a_row_per_file_and_every_finding(
    folder: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "audit.xlsx"
    assert main.run(["audit", str(folder), "-o", str(out)]) == 0
    captured = capsys.readouterr()
    progress = captured.err.splitlines()
    assert len(progress) == len(EXPECTED)
    assert progress[3] == "[4/6] sample.json（报送数据包）… 已读取 表格 100%"
    assert progress[5] == "[6/6] sub/wrong.json（报送数据包）… 已读取 表格 100%，错误 2"
    assert progress[0].startswith("[1/6] <b>broken.pdf（PDF）… 无法读取（")
    assert "审核 6 个文件：已读取 4，部分读取 0，无法读取 2；表格有错误的 1 个。" in captured.out

    book = load_workbook(out)
    rows_ws, details_ws = book["审核结果"], book["审核明细"]
    table = [[c.value for c in row] for row in rows_ws.iter_rows()]
    assert tuple(table[0]) == ROW_HEADERS
    assert [line[0] for line in table[1:]] == EXPECTED
    named = {line[0]: dict(zip(ROW_HEADERS, line, strict=True)) for line in table[1:]}
    assert named["sub/wrong.json"]["错误"] == 2 and named["sub/wrong.json"]["机关"] == "某县教育局"
    assert named["sample.json"]["表格读取率"] == 1.0 and named["sample.json"]["读取情况"] == "已读取"
    assert named[BROKEN_PDF]["读取情况"] == "无法读取" and named[BROKEN_PDF]["错误"] is None
    assert rows_ws[f"A{EXPECTED.index(NOT_A_REPORT) + 2}"].data_type == "s"  # text, not a formula
    assert rows_ws.freeze_panes == "A2" and rows_ws.auto_filter.ref == "A1:K7"
    details = [[c.value for c in row] for row in details_ws.iter_rows()]
    assert tuple(details[0]) == DETAIL_HEADERS
    assert sum(1 for d in details if d[0] == "sub/wrong.json" and d[2] == "表三勾稽关系" and d[3] == "错误") == 2
    assert any(d[0] == NOT_A_REPORT and d[1] == "无法读取" for d in details)


def test_the_cli_writes_a_page_with_the_counts_and_every_row_escaped(
    folder: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "audit.html"
    assert main.run(["audit", str(folder), "-o", str(out)]) == 0
    page = out.read_text(encoding="utf-8")
    assert "<th>无法读取</th><td>2</td>" in page and "<th>文件数</th><td>6</td>" in page
    assert page.count('<tr class="read">') == 4 and page.count('<tr class="failed">') == 2
    assert "&lt;b&gt;broken.pdf" in page and "<b>broken" not in page
    assert "<script" not in page and "src=" not in page and "href=" not in page  # one file, nothing outside it
    for name in EXPECTED:
        assert f">{name.replace('<', '&lt;').replace('>', '&gt;')}</td>" in page


def test_the_output_in_the_folder_audited_is_not_audited_on_the_next_run(folder: Path) -> None:
    out = folder / "audit.xlsx"
    assert main.run(["audit", str(folder), "-o", str(out)]) == 0
    assert main.run(["audit", str(folder), "-o", str(out)]) == 0
    assert [c.value for c in load_workbook(out)["审核结果"]["A"]][1:] == EXPECTED


@pytest.mark.parametrize("name", ["审核结果.xlsx", "审核结果.html"])
def test_a_summary_saved_in_the_folder_by_the_window_is_not_audited_next_time(folder: Path, name: str) -> None:
    # the window proposes the audited folder as the place to save: the next run must not list its own summary
    assert main.run(["audit", str(folder), "-o", str(folder / name)]) == 0
    assert [row.file for row in audit_paths([folder]).rows] == EXPECTED


@pytest.mark.parametrize(
    ("inputs", "output", "said"),
    [
        (["absent"], "a.xlsx", "找不到"),
        (["empty"], "a.xlsx", "中没有报告文件"),
        (["reports"], "no-folder/a.xlsx", "不存在"),
        (["reports"], "a.csv", "只能保存为"),
        (["reports"], "taken.xlsx", "无法写入审核结果"),  # a folder by that name: the disk refuses at the end
    ],
)
def test_the_cli_exits_2_when_there_is_nothing_to_audit_or_nowhere_to_write(
    folder: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], inputs: list[str], output: str, said: str
) -> None:
    (tmp_path / "empty").mkdir()
    (tmp_path / "empty" / "notes.md").write_text("x", encoding="utf-8")
    (tmp_path / "taken.xlsx").mkdir()
    args = ["audit", *(str(tmp_path / i) for i in inputs), "-o", str(tmp_path / output)]
    assert main.run(args) == 2
    assert said in capsys.readouterr().err


def test_the_corpus_gives_one_row_per_file_the_raw_ones_and_their_transcriptions(
    shared_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    corpus = shared_dir / "corpus"
    files = sorted(p.name for p in corpus.iterdir() if p.suffix.lower() in KINDS)
    out = tmp_path / "corpus.xlsx"
    assert main.run(["audit", str(corpus), "-o", str(out)]) == 0
    assert len(capsys.readouterr().err.splitlines()) == len(files)
    rows = list(load_workbook(out)["审核结果"].iter_rows(min_row=2, values_only=True))
    assert [row[0] for row in rows] == files
    for row in rows:
        fields = dict(zip(ROW_HEADERS, row, strict=True))
        if fields["文件类型"] == "报送数据包":  # the hand-made transcriptions: read whole, no table in error
            assert (fields["读取情况"] != "无法读取", fields["错误"]) == (True, 0), row
