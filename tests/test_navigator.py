"""The report list: agencies with their years, made lazily for large databases."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from services.catalogue import ReportLine
from ui.navigator import Navigator


def lines(n_agencies: int, years: int = 4) -> list[ReportLine]:
    return [
        ReportLine(a * years + y + 1, f"单位{a:03d}", 2020 + y, "2021", "final" if y == 0 else "draft", y % 2, 0)
        for a in range(n_agencies)
        for y in range(years)
    ]


def test_small_lists_open_every_agency(qtbot: QtBot) -> None:
    nav = Navigator()
    qtbot.addWidget(nav)
    nav.show_lines(lines(3), current=6)
    assert nav.topLevelItemCount() == 3
    assert all(nav.topLevelItem(i).childCount() == 4 for i in range(3))  # type: ignore[union-attr]
    assert nav.current_report_id() == 6 and nav.current_agency() == "单位001"
    first = nav.topLevelItem(0).child(0)  # type: ignore[union-attr]
    assert (first.text(0), first.text(1)) == ("2020 年", "已定稿")  # type: ignore[union-attr]


def test_large_lists_make_lines_on_demand_and_still_find_any_report(qtbot: QtBot) -> None:
    nav = Navigator()
    qtbot.addWidget(nav)
    nav.show_lines(lines(250), current=999)
    opened = [i for i in range(250) if nav.topLevelItem(i).childCount()]  # type: ignore[union-attr]
    assert opened == [249] and nav.current_report_id() == 999
    assert nav.select_report(5) and nav.current_agency() == "单位001"
    nav.update_report(5, "final", 3, 2)
    item = nav.currentItem()
    assert item is not None and (item.text(1), item.text(2)) == ("已定稿", "3")
    assert "错误 3 个，提示 2 个" in item.toolTip(0)
    chosen: list[int] = []
    nav.report_chosen.connect(chosen.append)
    nav.topLevelItem(7).setExpanded(True)  # type: ignore[union-attr]
    nav.itemClicked.emit(nav.topLevelItem(7).child(2), 0)  # type: ignore[union-attr]
    assert chosen == [7 * 4 + 2 + 1]
    assert not nav.select_report(123456)
