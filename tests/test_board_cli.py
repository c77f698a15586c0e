"""`main.py board` and `main.py units`: the 报送 board, the 催报 notice and 汇总 from the command line, the units
managed and imported from a list; what an import from the command line names as its file."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from main import run
from services.documents import read_report_file
from services.exchange import write_exchange
from tests.factories import filled_report

COUNTY = "某县人民政府办公室"


def cli(*argv: str | Path) -> tuple[int, str]:
    out = io.StringIO()
    code = run([str(a) for a in argv], out)
    return code, out.getvalue()


@pytest.fixture
def county(tmp_path: Path) -> Path:
    """Three units of COUNTY, two of which sent their 2022 packages (imported from the command line)."""
    db = tmp_path / "n.sqlite3"
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["单位名称", "上级单位"])
    for unit in ("某县教育局", "某县财政局", "某县水利局"):
        sheet.append([unit, COUNTY])
    book.save(tmp_path / "名单.xlsx")
    assert cli("--db", db, "units", "import", tmp_path / "名单.xlsx") == (
        0,
        "新增 4 个单位，调整上级单位 0 个，0 个未变。\n",
    )
    for unit, seed in (("某县教育局", 1), ("某县财政局", 2)):
        write_exchange(filled_report(agency=unit, seed=seed), tmp_path / f"{unit}.json")
        assert cli("--db", db, "import", tmp_path / f"{unit}.json")[0] == 0
    return db


def test_the_board_lists_each_unit_and_exits_1_while_one_is_missing(county: Path) -> None:
    code, out = cli("--db", county, "board", COUNTY, "2022", "--deadline", "2023-01-15")
    assert code == 1
    lines = out.splitlines()
    assert lines[0].startswith(f"{COUNTY} 2022 年度：下属单位 3 个（未报送 1，有错误 0，已定稿 0，已导入 2，草稿 0）；")
    assert "报送期限（2023年1月15日）" in lines[0]
    education = lines[1].split("\t")
    assert education[:6] == ["1", "某县教育局", "已导入", "0", "0", "2021"] and education[7] == "某县教育局.json"
    assert lines[3].split("\t")[:3] == ["3", "某县水利局", "未报送"]  # in the list's order


def test_the_reminder_is_printed_and_the_board_exported(county: Path, tmp_path: Path) -> None:
    code, out = cli("--db", county, "board", COUNTY, "2022", "--reminder", "-o", tmp_path / "报送.xlsx")
    assert code == 1
    assert "以下 1 个单位尚未报送2022年度政府信息公开工作年度报告：\n1. 某县水利局\n" in out
    assert "已导出到" in out
    assert load_workbook(tmp_path / "报送.xlsx")["报送情况"]["B7"].value == "某县财政局"


def test_the_sum_of_the_units_with_reports(county: Path, tmp_path: Path) -> None:
    code, out = cli("--db", county, "board", COUNTY, "2022", "--sum", tmp_path / "sum.json")
    assert "已汇总 2 个单位的报告" in out and code == 1
    summed = read_report_file(tmp_path / "sum.json")
    assert summed.agency == f"{COUNTY}（汇总）"
    key = ("t3", "new", "natural")
    parts = [filled_report(agency=unit, seed=seed).cells[key] for unit, seed in (("某县教育局", 1), ("某县财政局", 2))]
    assert summed.cells[key] == sum(parts)


def test_units_are_managed_and_listed(county: Path) -> None:
    assert cli("--db", county, "units", "add", "某县审计局", "--parent", COUNTY)[0] == 0
    assert cli("--db", county, "units", "move", "某县水利局")[1] == "“某县水利局”已不属于任何上级单位。\n"
    assert cli("--db", county, "units", "remove", "某县审计局")[1] == "已删除单位“某县审计局”。\n"
    code, out = cli("--db", county, "units", "list", COUNTY)
    assert (code, out) == (0, "某县教育局\t某县人民政府办公室\n某县财政局\t某县人民政府办公室\n")
    assert cli("--db", county, "board", COUNTY, "2022")[0] == 0  # every unit left has reported


def test_a_unit_that_does_not_exist_is_said_with_exit_2(county: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli("--db", county, "board", "没有的单位", "2022")[0] == 2
    assert "不存在" in capsys.readouterr().err
