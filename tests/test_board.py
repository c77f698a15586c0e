"""The 报送 board (services/board.py) on SQLite and PostgreSQL: each unit's state, counts, and the file and time of an
import; the 催报 notice; the office's deadline remembered; the board as a workbook."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import update

from models.database import Database
from models.tables import ReportRecord
from services.board import Board, BoardLine, board, reminder_text
from services.board_deadline import board_deadline, office_deadline, remember_deadline
from services.board_write import HEADERS, write_board
from services.documents import ReadReport
from services.editing import ReportEditor
from services.errors import StorageError
from services.report import Report
from services.workspace import Workspace
from tests.factories import filled_report

PARENT = "某县人民政府办公室"
YEAR = 2022


def final(report: Report) -> Report:
    report.status = "final"
    return report


def broken(report: Report) -> Report:
    report.cells[("t3", "new", "natural")] = 999
    return report


@pytest.fixture
def county(any_db: Database) -> Workspace:
    """Six units under PARENT, one of each state, and what must not be listed."""
    space = Workspace(any_db)
    space.add_unit(PARENT, None)
    for unit in ("某县教育局", "某县财政局", "某县审计局", "某县林业局", "某县民政局", "某县水利局"):
        space.add_unit(unit, PARENT)
    space.create("某县财政局", YEAR, None)  # typed in the app: 草稿
    space.store("教育局.json", ReadReport(filled_report(agency="某县教育局")), "refuse", source="教育局.json")
    space.store("审计局.xlsx", ReadReport(broken(filled_report(agency="某县审计局"))), "refuse", source="审计局.xlsx")
    space.store("林业局.json", ReadReport(final(filled_report(agency="某县林业局"))), "refuse", source="林业局.json")
    # 民政局: last year's report only (未报送); 水利局: nothing at all
    space.store("x.json", ReadReport(filled_report(year=YEAR - 1, agency="某县民政局")), "refuse", source="x.json")
    space.store("o.json", ReadReport(filled_report(agency="某市交通局")), "refuse", source="o.json")  # not a unit
    space.create(PARENT, YEAR, None)  # the office's own report: not one of its units'
    return space


def line(shown: Board, unit: str) -> BoardLine:
    return next(x for x in shown.lines if x.unit == unit)


def test_each_unit_shows_where_its_report_stands(county: Workspace) -> None:
    before = datetime.now(UTC) - timedelta(minutes=1)
    shown = county.board(PARENT, YEAR)
    states = {x.unit: x.state for x in shown.lines}
    assert list(states.items()) == list(
        {
            "某县教育局": "已导入",
            "某县财政局": "草稿",
            "某县审计局": "有错误",
            "某县林业局": "已定稿",
            "某县民政局": "未报送",
            "某县水利局": "未报送",
        }.items()
    )
    assert [x.unit for x in shown.lines] == list(states)  # in the order they were added
    imported = line(shown, "某县教育局")
    assert imported.source == "教育局.json" and imported.saved_at is not None and imported.saved_at > before
    assert line(shown, "某县林业局").source == "林业局.json"
    assert line(shown, "某县财政局").source is None and line(shown, "某县财政局").saved_at is not None
    assert line(shown, "某县审计局").errors > 0 and line(shown, "某县教育局").errors == 0
    assert line(shown, "某县水利局") == BoardLine("某县水利局", "未报送")
    assert shown.units_in("未报送") == ("某县民政局", "某县水利局")
    assert sorted(shown.with_reports()) == ["某县审计局", "某县教育局", "某县林业局", "某县财政局"]
    assert shown.summary() == f"{PARENT} 2022 年度：下属单位 6 个（未报送 2，有错误 1，已定稿 1，已导入 1，草稿 1）"


def test_a_replaced_report_names_its_new_file(county: Workspace) -> None:
    again = ReadReport(filled_report(agency="某县教育局", seed=9))
    county.store("更正/教育局.json", again, "replace", source="更正/教育局.json")
    assert line(county.board(PARENT, YEAR), "某县教育局").source == "更正/教育局.json"


def test_unexplained_warnings_are_counted_and_an_explanation_lowers_them(any_db: Database) -> None:
    space = Workspace(any_db)
    space.add_unit(PARENT, None)
    space.add_unit("某县教育局", PARENT)
    space.store("a", ReadReport(filled_report(year=YEAR - 1, agency="某县教育局", seed=3)), "refuse")
    stored = space.store("b", ReadReport(filled_report(year=YEAR, agency="某县教育局", seed=4)), "refuse")
    assert stored.report_id is not None
    before = line(space.board(PARENT, YEAR), "某县教育局")
    assert before.unexplained > 0 and before.errors == 0
    editor = ReportEditor.open(any_db, stored.report_id)
    key = next(f.key for f in editor.findings if f.severity == "warning")
    assert editor.set_explanation(key, "本年度结转数按清理后的台账填写，与上年度不一致。").ok
    assert line(space.board(PARENT, YEAR), "某县教育局").unexplained == before.unexplained - 1


def test_reports_stored_without_counts_are_checked_once_by_the_board(county: Workspace) -> None:
    with county.db.transaction() as session:
        session.execute(update(ReportRecord).values(error_count=None, unexplained_count=None))
    assert line(county.board(PARENT, YEAR), "某县审计局").errors > 0
    with county.db.transaction() as session:
        counted = session.get(ReportRecord, line(board(session, PARENT, YEAR), "某县审计局").report_id)
        assert counted is not None and counted.unexplained_count == 0


def test_an_unknown_parent_is_said(any_db: Database) -> None:
    with pytest.raises(StorageError, match="不存在"):
        Workspace(any_db).board("没有这个单位", YEAR)


def test_the_reminder_names_every_missing_unit_and_those_with_errors(county: Workspace) -> None:
    shown = county.board(PARENT, YEAR)
    text = reminder_text(shown, date(2023, 1, 15), date(2023, 1, 10))
    assert text.splitlines() == [
        "关于报送2022年度政府信息公开工作年度报告的提醒",
        "",
        "各有关单位：",
        "截至2023年1月10日，以下 2 个单位尚未报送2022年度政府信息公开工作年度报告：",
        "1. 某县民政局",
        "2. 某县水利局",
        "请于2023年1月15日前报送。",
        "",
        "以下 1 个单位的报告经审核存在错误，请核对更正后重新报送：",
        f"1. 某县审计局（{line(shown, '某县审计局').errors} 个错误）",
        "",
        PARENT,
        "2023年1月10日",
    ]
    late = reminder_text(shown, date(2023, 1, 15), date(2023, 1, 20))
    assert "报送期限（2023年1月15日）已过，请尽快报送。" in late
    everyone = Board(PARENT, YEAR, (BoardLine("某县教育局", "已定稿", 1),))
    assert "各单位均已报送2022年度报告。" in reminder_text(everyone, date(2023, 1, 15), date(2023, 1, 10))


def test_the_offices_deadline_is_remembered_per_parent_and_year(tmp_path: Path) -> None:
    data = tmp_path / "data"
    assert board_deadline(data, PARENT, YEAR) == (date(2023, 1, 31), False)  # the legal one until set
    remember_deadline(data, PARENT, YEAR, date(2023, 1, 15))
    remember_deadline(data, "某市人民政府办公室", YEAR, date(2023, 1, 10))
    assert board_deadline(data, PARENT, YEAR) == (date(2023, 1, 15), True)
    assert office_deadline(data, PARENT, YEAR + 1) is None
    remember_deadline(data, PARENT, YEAR, None)
    assert office_deadline(data, PARENT, YEAR) is None
    assert office_deadline(data, "某市人民政府办公室", YEAR) == date(2023, 1, 10)


def test_the_board_as_a_workbook(county: Workspace, tmp_path: Path) -> None:
    shown = county.board(PARENT, YEAR)
    path = tmp_path / "报送情况.xlsx"
    write_board(shown, date(2023, 1, 15), date(2023, 1, 10), path)
    book = load_workbook(path)
    sheet = book["报送情况"]
    rows = [tuple(c.value for c in row) for row in sheet.iter_rows()]
    assert rows[0][0] == f"{PARENT} 2022 年度政府信息公开工作年度报告报送情况"
    assert rows[1][0] == "距报送期限（2023年1月15日）还有 5 天；导出日期 2023-01-10"
    header = rows.index(HEADERS)
    body = {row[1]: row for row in rows[header + 1 :]}
    assert len(body) == 6
    assert body["某县教育局"][2:6] == ("已导入", 0, 0, "2021") and body["某县教育局"][7] == "教育局.json"
    assert body["某县水利局"][2:] == ("未报送", None, None, None, None, None)
    assert sheet.freeze_panes == f"A{header + 2}"
    notice = [c.value for c in book["催报通知"]["A"]]
    assert "1. 某县民政局" in notice and "2. 某县水利局" in notice
