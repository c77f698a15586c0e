"""Units and their parents (services/units.py): one at a time, and from the office's Excel list
(services/unit_list.py), whose bad rows are refused by number with nothing imported."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import Workbook

from models.database import Database
from services.documents import ReadReport
from services.errors import NianbaoError, StorageError
from services.unit_list import UnitListError, UnitRow, read_unit_list
from services.workspace import Workspace
from tests.factories import filled_report

COUNTY = "某县人民政府办公室"


def parents(space: Workspace) -> dict[str, str | None]:
    return {line.name: line.parent for line in space.agency_lines()}


def unit_list(path: Path, rows: list[list[object]], *, title: bool = True) -> Path:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    if title:
        sheet.append(["某县政府信息公开工作年度报告报送单位名单"])
        sheet.append([])
    sheet.append(["序号", "上级单位", "单位名称", "联系人"])
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def test_units_are_added_moved_renamed_and_removed(any_db: Database) -> None:
    space = Workspace(any_db)
    assert space.add_unit(f" {COUNTY}\u200b", None) == COUNTY
    space.add_unit("某县教育局", COUNTY)
    space.add_unit("某县第一中学", "某县教育局")
    with pytest.raises(StorageError, match="已有名为“某县教育局”"):
        space.add_unit("某县教育局", None)
    with pytest.raises(StorageError, match="不存在"):
        space.add_unit("某县财政局", "没有的上级")
    with pytest.raises(StorageError, match="互为上级"):
        space.move_unit(COUNTY, "某县第一中学")
    space.move_unit("某县第一中学", COUNTY)
    space.rename_agency("某县教育局", "某县教育和体育局")
    assert parents(space) == {COUNTY: None, "某县教育和体育局": COUNTY, "某县第一中学": COUNTY}

    space.store("a.json", ReadReport(filled_report(agency="某县第一中学")), "refuse")
    assert "其报告仍保留" in space.remove_unit("某县第一中学")
    assert parents(space)["某县第一中学"] is None and space.find("某县第一中学", 2022) is not None
    with pytest.raises(StorageError, match="不属于任何上级单位"):
        space.remove_unit("某县第一中学")
    assert space.remove_unit("某县教育和体育局") == "已删除单位“某县教育和体育局”。"
    assert "某县教育和体育局" not in parents(space)


def test_a_list_of_units_is_imported_under_their_parents(any_db: Database, tmp_path: Path) -> None:
    space = Workspace(any_db)
    space.add_unit("某县教育局", None)  # already there, no parent yet
    path = unit_list(
        tmp_path / "名单.xlsx",
        [
            [1, COUNTY, "某县教育局", "张三"],
            [2, COUNTY, "某县财政局"],
            [],
            [3, "某县教育局", "某县第一中学"],
            [4, "  ", "某市人民政府办公室"],
            [5, "某市人民政府办公室", COUNTY],
            [6, COUNTY, "某县财政局"],  # listed twice alike: once
        ],
    )
    assert read_unit_list(path) == [
        UnitRow(4, "某县教育局", COUNTY),
        UnitRow(5, "某县财政局", COUNTY),
        UnitRow(7, "某县第一中学", "某县教育局"),
        UnitRow(8, "某市人民政府办公室", None),
        UnitRow(9, COUNTY, "某市人民政府办公室"),
    ]
    done = space.import_units(path)
    assert done.summary() == "新增 4 个单位，调整上级单位 1 个，0 个未变。"
    assert parents(space) == {
        "某市人民政府办公室": None,
        COUNTY: "某市人民政府办公室",
        "某县教育局": COUNTY,
        "某县财政局": COUNTY,
        "某县第一中学": "某县教育局",
    }
    assert space.import_units(path).summary() == "新增 0 个单位，调整上级单位 0 个，5 个未变。"


def test_bad_rows_are_refused_by_number_and_nothing_is_imported(db: Database, tmp_path: Path) -> None:
    space = Workspace(db)
    path = unit_list(
        tmp_path / "名单.xlsx",
        [
            [1, COUNTY, "某县教育局"],
            [2, COUNTY, None],
            [3, COUNTY, 12345],
            [4, "某县财政局", "某县财政局"],
            [5, "某市人民政府办公室", "某县教育局"],
            [6, COUNTY, "局" * 201],
        ],
    )
    with pytest.raises(UnitListError) as refused:
        space.import_units(path)
    assert refused.value.problems == [
        "第 5 行：没有单位名称",
        "第 6 行：单位名称应为文字，这里是“12345”",
        "第 7 行：“某县财政局”不能是自己的上级单位",
        "第 8 行：“某县教育局”在第 4 行已列出，上级单位却不同（“某县人民政府办公室”与“某市人民政府办公室”）",
        "第 9 行：单位名称过长（201 字，最多 200 字）",
    ]
    assert parents(space) == {}


def test_a_loop_of_parents_refuses_the_list_whole(db: Database, tmp_path: Path) -> None:
    space = Workspace(db)
    space.add_unit("某县教育局", None)
    space.add_unit("某县第一中学", "某县教育局")
    path = unit_list(tmp_path / "名单.xlsx", [[1, "某县第一中学", "某县教育局"], [2, None, "某县财政局"]], title=False)
    with pytest.raises(UnitListError) as refused:
        space.import_units(path)
    assert refused.value.problems == ["第 2 行：不能把“某县教育局”设为“某县第一中学”的下属：二者会互为上级。"]
    assert parents(space) == {"某县教育局": None, "某县第一中学": "某县教育局"}


def test_a_sheet_without_the_two_columns_or_not_a_workbook_is_refused(db: Database, tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["单位", "上级"])
    sheet.append(["某县教育局", COUNTY])
    book.save(tmp_path / "别的表.xlsx")
    with pytest.raises(UnitListError, match="没有“单位名称”和“上级单位”两列"):
        read_unit_list(tmp_path / "别的表.xlsx")
    (tmp_path / "旧.xls").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100)
    with pytest.raises(NianbaoError, match=r"旧版 Excel（\.xls）"):
        read_unit_list(tmp_path / "旧.xls")
    empty = unit_list(tmp_path / "空.xlsx", [])
    with pytest.raises(UnitListError, match="表头下没有单位"):
        read_unit_list(empty)
