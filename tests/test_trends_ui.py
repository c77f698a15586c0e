"""报告 › 历年对比… in the window, as a clerk uses it: the menu on an open report, the table of years and figures
(a missing year a column of gaps, a flagged change in red with the check's words), the charts, the exports, and
文件 › 审核报告附历年对比图."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pdfplumber
import pytest
from PIL import Image
from PySide6.QtGui import QAction
from pytestqt.qtbot import QtBot

from models.database import Database
from services.checks import check_report, recompute_totals
from services.report import Report
from tests.factories import filled_report
from tests.stored import save
from ui import report_output, trends_dialog
from ui.chart_view import ChartView
from ui.main_window import MainWindow
from ui.trends_dialog import FLAG_BACKGROUND, TrendsDialog

AGENCY = "某某市交通运输局"


def review_total(report: Report, total: int) -> Report:
    for col in ("upheld", "corrected", "other", "pending"):
        report.cells[("t4", "review", col)] = total if col == "upheld" else 0
    recompute_totals(report)
    return report


@pytest.fixture
def three_years(db: Database) -> list[Report]:
    """2019, 2021 and 2022 (no 2020 report); 行政复议 from 12 to 70 cases in 2022."""
    given = [
        filled_report("2019", year=2019, agency=AGENCY, seed=1),
        review_total(filled_report("2021", year=2021, agency=AGENCY, seed=2), 12),
        review_total(filled_report("2021", year=2022, agency=AGENCY, seed=3), 70),
    ]
    for report in given:
        save(db, report)
    return given


def window_on(qtbot: QtBot, db: Database, tmp_path: Path) -> MainWindow:
    window = MainWindow(db, str(tmp_path / "data"), today=date(2023, 1, 10))
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    return window


def open_trends(window: MainWindow) -> TrendsDialog:
    [action] = [a for a in window.findChildren(QAction) if a.text() == "历年对比…"]
    action.trigger()
    dialog = window.trends_dialog
    assert isinstance(dialog, TrendsDialog) and dialog.isVisible()
    return dialog


def row_of(dialog: TrendsDialog, label: str) -> int:
    table = dialog.table
    return next(r for r in range(table.rowCount()) if (item := table.item(r, 0)) and item.text() == label)


def test_the_table_has_a_column_per_year_and_the_stored_figures(
    qtbot: QtBot, db: Database, tmp_path: Path, three_years: list[Report]
) -> None:
    window = window_on(qtbot, db, tmp_path)
    dialog = open_trends(window)
    assert dialog.subject.currentText() == AGENCY
    table = dialog.table
    headers = [table.horizontalHeaderItem(c).text() for c in range(table.columnCount())]  # type: ignore[union-attr]
    assert headers == ["项目", "2019年", "2020年（无报告）", "2021年", "2022年"]
    row = row_of(dialog, "新收申请合计")
    shown = [table.item(row, c).text() for c in range(1, 5)]  # type: ignore[union-attr]
    expected = [str(r.cells[("t3", "new", "total")]) for r in three_years]
    assert shown == [expected[0], "—", expected[1], expected[2]]
    # the group headings span the table; 表四's flagged change is red, with the check's own message
    assert table.columnSpan(row_of(dialog, "本年新收申请（表三 一）"), 0) == 5
    flagged = table.item(row_of(dialog, "行政复议·总计"), 4)
    assert flagged is not None and flagged.text() == "70"
    assert flagged.background().color() == FLAG_BACKGROUND
    [swing] = [f for f in check_report(three_years[2], three_years[1]) if f.rule == "X_SWING"]
    assert flagged.toolTip() == swing.message
    assert "2019 年格式" in dialog.about.text() and "其他处理" in dialog.about.text()

    dialog.changes.setChecked(True)
    change = three_years[2].cells[("t3", "new", "total")] - three_years[1].cells[("t3", "new", "total")]
    text = table.item(row_of(dialog, "新收申请合计"), 4).text()  # type: ignore[union-attr]
    assert text == f"{expected[2]}（{'+' if change > 0 else ''}{change}）"


def test_the_charts_are_shown_and_export_as_png(
    qtbot: QtBot, db: Database, tmp_path: Path, three_years: list[Report], monkeypatch: pytest.MonkeyPatch
) -> None:
    window = window_on(qtbot, db, tmp_path)
    dialog = open_trends(window)
    views = dialog.chart_box.findChildren(ChartView)
    assert [v.chart.key for v in views] == ["received", "results", "carried", "appeals", "t2"]
    qtbot.waitUntil(lambda: views[0].width() > 300)
    image = views[0].image()
    assert image.width() == round(views[0].width() * views[0].devicePixelRatioF())
    sampled = {image.pixel(x, y) for x in range(0, image.width(), 4) for y in range(0, image.height(), 4)}
    assert len(sampled) > 6  # the bars in their colours, not a blank

    out = tmp_path / "收到.png"
    monkeypatch.setattr(trends_dialog, "save_file", lambda *args: (out, "PNG 图片 (*.png)"))
    assert dialog.save_chart(dialog.charts[0]) == out
    with Image.open(out) as png:
        assert png.size[0] > 1000
    folder = tmp_path / "全部"
    monkeypatch.setattr(trends_dialog, "choose_folder", lambda *args: folder)
    assert dialog.save_all() == folder
    assert len(list(folder.glob("*.png"))) == 5 and (folder / "历年对比.xlsx").is_file()


def test_a_units_sum_is_offered_and_shown(qtbot: QtBot, db: Database, tmp_path: Path) -> None:
    from services.aggregate import set_agency_parent

    for unit, seed in (("某县教育局", 1), ("某县财政局", 2)):
        for year in (2021, 2022):
            save(db, filled_report("2021", year=year, agency=unit, seed=seed + year))
    save(db, filled_report("2021", year=2022, agency="某县人民政府办公室"))
    with db.transaction() as session:
        for unit in ("某县教育局", "某县财政局"):
            set_agency_parent(session, unit, "某县人民政府办公室")
    window = window_on(qtbot, db, tmp_path)
    dialog = open_trends(window)
    labels = [dialog.subject.itemText(i) for i in range(dialog.subject.count())]
    assert "某县人民政府办公室（下属单位逐年汇总）" in labels
    dialog.subject.setCurrentIndex(labels.index("某县人民政府办公室（下属单位逐年汇总）"))
    headers = [dialog.table.horizontalHeaderItem(c).text() for c in range(dialog.table.columnCount())]  # type: ignore[union-attr]
    assert headers == ["项目", "2021年", "2022年"]


def test_the_check_report_with_trends_from_the_file_menu(
    qtbot: QtBot, db: Database, tmp_path: Path, three_years: list[Report], monkeypatch: pytest.MonkeyPatch
) -> None:
    window = window_on(qtbot, db, tmp_path)
    window.open_report(window.workspace.find(AGENCY, 2022) or 0)
    out = tmp_path / "审核.pdf"
    monkeypatch.setattr(report_output, "save_file", lambda *args: (out, "PDF 文件 (*.pdf)"))
    window.trends_in_check_action.setChecked(True)
    window.check_report_action.trigger()
    with pdfplumber.open(out) as pdf:
        text = "".join(page.extract_text() for page in pdf.pages)
    assert f"历年对比：{AGENCY}" in text


def test_an_empty_database_says_so(qtbot: QtBot, db: Database, tmp_path: Path) -> None:
    dialog = open_trends(window_on(qtbot, db, tmp_path))
    assert dialog.about.text() == "数据库中还没有报告。"
    assert dialog.table.rowCount() == 0 and not dialog.export_images.isEnabled()
