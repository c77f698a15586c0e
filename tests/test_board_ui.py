"""汇总 › 报送情况… in the window, as an office uses it in January: each unit's state, the deadline, the 催报 notice,
a folder of units' packages imported with a conflict, files dropped on the window, the export, 汇总 from the board,
and 管理下属单位."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QAction, QDragEnterEvent, QDropEvent, QGuiApplication
from PySide6.QtWidgets import QApplication, QPushButton
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from models.database import Database
from services.app_state import load_state
from services.board import reminder_text
from services.documents import ReadReport
from services.exchange import write_exchange
from services.workspace import Workspace
from tests.factories import filled_report
from ui import file_import, folder_import, submission_board, units_dialog
from ui.dialogs import ConfirmDialog
from ui.main_window import MainWindow
from ui.submission_board import BoardModel, BoardWindow, ReminderDialog
from ui.units_dialog import ParentChoice, UnitsDialog

COUNTY = "某县人民政府办公室"
UNITS = ("某县教育局", "某县财政局", "某县审计局", "某县水利局")
TODAY = date(2023, 1, 10)


def broken(agency: str) -> ReadReport:
    report = filled_report(agency=agency, seed=3)
    report.cells[("t3", "new", "natural")] = 999
    return ReadReport(report)


@pytest.fixture
def county(db: Database) -> Workspace:
    """COUNTY with four units: 教育局 imported, 财政局 typed here, 审计局 sent a report with errors, 水利局 nothing."""
    space = Workspace(db)
    space.add_unit(COUNTY, None)
    for unit in UNITS:
        space.add_unit(unit, COUNTY)
    space.store("教育局.json", ReadReport(filled_report(agency="某县教育局")), "refuse", source="教育局.json")
    space.create("某县财政局", 2022, None)
    space.store("审计局.json", broken("某县审计局"), "refuse", source="审计局.json")
    return space


@pytest.fixture
def said(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, tuple[str, ...]]]:
    """What the modules of the board would show in a message box (modal: it would hang the test)."""
    shown: list[tuple[str, tuple[str, ...]]] = []

    def record(parent: object, title: str, message: str, problems: tuple[str, ...]) -> None:
        shown.append((message, problems))

    for module in (submission_board, folder_import, units_dialog):
        monkeypatch.setattr(module, "show_problems", record)
    return shown


def window_on(qtbot: QtBot, db: Database, tmp_path: Path) -> MainWindow:
    window = MainWindow(db, str(tmp_path / "data"), today=TODAY)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    return window


def open_board(window: MainWindow) -> BoardWindow:
    [action] = [a for a in window.findChildren(QAction) if a.text() == "报送情况…"]
    action.trigger()
    board = window.board_window
    assert isinstance(board, BoardWindow) and board.isVisible()
    return board


def shown_rows(board: BoardWindow) -> dict[str, list[str]]:
    model = board.table.model()
    return {
        model.index(r, 0).data(): [model.index(r, c).data() for c in range(1, model.columnCount())]
        for r in range(model.rowCount())
    }


def click(board: BoardWindow, key: str) -> None:
    button = board.buttons[key]
    assert isinstance(button, QPushButton) and button.isEnabled()
    button.click()


def test_each_unit_shows_its_state_counts_and_source(
    qtbot: QtBot, db: Database, tmp_path: Path, county: Workspace
) -> None:
    board = open_board(window_on(qtbot, db, tmp_path))
    assert board.parent_unit.currentText() == COUNTY and board.year.value() == 2022
    rows = shown_rows(board)
    assert list(rows) == list(UNITS)
    assert rows["某县教育局"][:4] == ["已导入", "0", "0", "2021 格式"] and rows["某县教育局"][5] == "教育局.json"
    assert rows["某县财政局"][0] == "草稿" and rows["某县财政局"][5] == "本程序中填写"
    assert rows["某县审计局"][0] == "有错误" and int(rows["某县审计局"][1]) > 0
    assert rows["某县水利局"] == ["未报送", "", "", "", "", ""]
    assert "下属单位 4 个（未报送 1，有错误 1，已定稿 0，已导入 1，草稿 1）" in board.summary.text()
    assert "距报送期限（2023年1月31日）还有 21 天" in board.summary.text()
    assert board.deadline_note.text() == "（未设定，按法定期限）"
    state = board.table.model().index(2, 1)
    assert state.data(Qt.ItemDataRole.BackgroundRole).color().name() == "#fff2cc"
    assert "退回更正" in state.data(Qt.ItemDataRole.ToolTipRole)

    board.table.doubleClicked.emit(board.table.model().index(0, 0))  # 教育局: its report opens in the window
    window = board.window_
    assert window.session is not None and window.session.editor.report_id == county.find("某县教育局", 2022)

    board.state.setCurrentText("未报送")
    assert list(shown_rows(board)) == ["某县水利局"]
    board.state.setCurrentText("全部")
    board.table.sortByColumn(2, Qt.SortOrder.AscendingOrder)  # 错误, by number; no report before none
    assert [board.line_at(r).unit for r in range(2)] == ["某县水利局", "某县教育局"]
    board.table.sortByColumn(1, Qt.SortOrder.AscendingOrder)  # 状态, in the order the office deals with them
    assert [board.line_at(r).state for r in range(4)] == [
        "未报送",
        "有错误",
        "已导入",
        "草稿",
    ]


def test_the_offices_deadline_is_set_remembered_and_counted_down(
    qtbot: QtBot, db: Database, tmp_path: Path, county: Workspace
) -> None:
    window = window_on(qtbot, db, tmp_path)
    board = open_board(window)
    board.deadline.setDate(board.deadline.date().addDays(-16))  # 15 January
    assert load_state(tmp_path / "data").board_deadlines == ((COUNTY, 2022, "2023-01-15"),)
    assert "距报送期限（2023年1月15日）还有 5 天" in board.summary.text()
    assert board.deadline_note.text() == "（本单位设定，已记住）"
    board.close()
    again = open_board(window)
    assert again.deadline_date() == date(2023, 1, 15)


def test_the_reminder_lists_who_is_missing_and_copies(
    qtbot: QtBot, db: Database, tmp_path: Path, county: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    board = open_board(window_on(qtbot, db, tmp_path))
    asked: list[str] = []
    monkeypatch.setattr(ReminderDialog, "ask", classmethod(lambda cls, parent, text: asked.append(text)))
    click(board, "reminder")
    [text] = asked
    assert text == reminder_text(county.board(COUNTY, 2022), date(2023, 1, 31), TODAY)
    assert "以下 1 个单位尚未报送2022年度政府信息公开工作年度报告：\n1. 某县水利局\n请于2023年1月31日前报送。" in text
    assert "1. 某县审计局（" in text

    dialog = ReminderDialog(text)
    qtbot.addWidget(dialog)
    [copy] = [b for b in dialog.findChildren(QPushButton) if b.text() == "复制全文"]
    copy.click()
    assert QGuiApplication.clipboard().text() == text and dialog.said.text() == "已复制。"


def test_a_folder_of_packages_imports_with_the_conflict_asked_once(
    qtbot: QtBot,
    db: Database,
    tmp_path: Path,
    county: Workspace,
    monkeypatch: pytest.MonkeyPatch,
    said: list[tuple[str, tuple[str, ...]]],
) -> None:
    folder = tmp_path / "一月报送"
    (folder / "审计局").mkdir(parents=True)
    corrected = filled_report(agency="某县审计局", seed=5)
    write_exchange(corrected, folder / "审计局" / "更正.json")
    write_exchange(filled_report(agency="某县水利局", seed=6), folder / "水利局.json")
    (folder / "说明.txt").write_text("不是报告", encoding="utf-8")
    monkeypatch.setattr(folder_import.FolderChoice, "ask", classmethod(lambda cls, parent, data_dir: folder))
    conflicts: list[tuple[str, int, str]] = []

    def replace(cls: object, parent: object, agency: str, year: int, file_name: str) -> str:
        conflicts.append((agency, year, file_name))
        return "replace"

    monkeypatch.setattr(file_import.ConflictDialog, "ask", classmethod(replace))
    window = window_on(qtbot, db, tmp_path)
    board = open_board(window)
    click(board, "folder")
    assert conflicts == [("某县审计局", 2022, "审计局/更正.json")]
    rows = shown_rows(board)
    assert rows["某县审计局"][0] == "已导入" and rows["某县审计局"][5] == "审计局/更正.json"
    assert rows["某县水利局"][0] == "已导入" and rows["某县水利局"][5] == "水利局.json"
    assert [m for m, _ in said] == ["部分文件未导入或有提示："]  # 说明.txt is no report
    assert any("说明.txt" in line for line in said[0][1])
    stored = county.find("某县审计局", 2022)
    assert stored is not None and county.load(stored).cells == corrected.cells  # a fresh read of the database


def drag(window: MainWindow, mime: QMimeData, kind: type[QDropEvent]) -> QDropEvent:
    at = QPointF(QPoint(20, 20))
    if kind is QDragEnterEvent:
        event: QDropEvent = QDragEnterEvent(
            at.toPoint(), Qt.DropAction.CopyAction, mime, Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier
        )
    else:
        event = QDropEvent(at, Qt.DropAction.CopyAction, mime, Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier)
    event.ignore()
    QApplication.sendEvent(window, event)
    return event


def test_files_dropped_on_the_window_are_imported(
    qtbot: QtBot, db: Database, tmp_path: Path, county: Workspace, said: list[tuple[str, tuple[str, ...]]]
) -> None:
    write_exchange(filled_report(agency="某县水利局", seed=6), tmp_path / "水利局.json")
    window = window_on(qtbot, db, tmp_path)
    link = QMimeData()
    link.setUrls([QUrl("https://example.org/x.json")])
    assert not drag(window, link, QDragEnterEvent).isAccepted()  # a web page's link is no file to import
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(tmp_path / "水利局.json")), QUrl("https://example.org/x.json")])
    assert drag(window, mime, QDragEnterEvent).isAccepted()  # as a real drag: entered, then dropped
    assert drag(window, mime, QDropEvent).isAccepted()
    qtbot.waitUntil(lambda: county.find("某县水利局", 2022) is not None)
    assert said == []
    assert shown_rows(open_board(window))["某县水利局"][0] == "已导入"


def test_the_board_exports_to_excel(
    qtbot: QtBot, db: Database, tmp_path: Path, county: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    board = open_board(window_on(qtbot, db, tmp_path))
    target = tmp_path / "报送情况"
    monkeypatch.setattr(submission_board, "save_file", lambda *args: (target, "Excel 工作簿 (*.xlsx)"))
    click(board, "export")
    assert board.summary.text() == f"已导出 {target}.xlsx"
    book = load_workbook(f"{target}.xlsx")
    units = [row[1].value for row in book["报送情况"].iter_rows(min_row=6)]
    assert units == list(UNITS)
    assert "1. 某县水利局" in [c.value for c in book["催报通知"]["A"]]


def test_the_units_with_reports_are_summed_from_the_board(
    qtbot: QtBot,
    db: Database,
    tmp_path: Path,
    county: Workspace,
    monkeypatch: pytest.MonkeyPatch,
    said: list[tuple[str, tuple[str, ...]]],
) -> None:
    window = window_on(qtbot, db, tmp_path)
    board = open_board(window)
    monkeypatch.setattr(submission_board, "ask_text", lambda parent, title, label, text="": text)
    click(board, "sum")
    summed = county.find(f"{COUNTY}（汇总）", 2022)
    assert summed is not None and window.session is not None and window.session.editor.report_id == summed
    [(message, lines)] = said
    assert "3 个单位已汇总为“某县人民政府办公室（汇总）”的报告" in message
    assert "缺报（该年度没有报告）：某县水利局" in lines
    key = ("t3", "new", "natural")
    expected = sum(county.load(county.find(u, 2022) or 0).cells.get(key, 0) for u in UNITS[:3])
    assert county.load(summed).cells[key] == expected


def test_units_are_managed_in_the_dialog(
    qtbot: QtBot,
    db: Database,
    tmp_path: Path,
    county: Workspace,
    monkeypatch: pytest.MonkeyPatch,
    said: list[tuple[str, tuple[str, ...]]],
) -> None:
    dialog = UnitsDialog(county, str(tmp_path / "data"))
    qtbot.addWidget(dialog)
    dialog.show()
    top = dialog.tree.topLevelItem(0)
    assert top is not None and top.text(0) == COUNTY and top.childCount() == 4
    dialog.tree.setCurrentItem(top)
    monkeypatch.setattr(units_dialog, "ask_text", lambda parent, title, label, text="": "某县林业局")
    dialog.buttons["add"].click()
    assert dialog.current() == "某县林业局" and dialog.note.text() == "已新增“某县林业局”。"
    monkeypatch.setattr(ParentChoice, "ask", classmethod(lambda cls, parent, unit, choices, current: (True, None)))
    dialog.buttons["move"].click()
    assert {line.name: line.parent for line in county.agency_lines()}["某县林业局"] is None
    monkeypatch.setattr(ConfirmDialog, "ask", classmethod(lambda cls, *args: True))
    dialog.buttons["remove"].click()  # no report, no units of its own: deleted
    assert dialog.note.text() == "已删除单位“某县林业局”。" and said == []
    assert "某县林业局" not in {line.name for line in county.agency_lines()}

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["单位名称", "上级单位"])
    sheet.append(["某县林业局", COUNTY])
    sheet.append(["某县林业局", "某市人民政府办公室"])
    book.save(tmp_path / "名单.xlsx")
    monkeypatch.setattr(units_dialog, "open_files", lambda *args: [tmp_path / "名单.xlsx"])
    dialog.buttons["import"].click()
    assert said[-1][1] == (
        "第 3 行：“某县林业局”在第 2 行已列出，上级单位却不同（“某县人民政府办公室”与“某市人民政府办公室”）",
    )
    sheet.delete_rows(3)
    book.save(tmp_path / "名单.xlsx")
    dialog.buttons["import"].click()
    assert dialog.note.text() == "已导入“名单.xlsx”：新增 1 个单位，调整上级单位 0 个，0 个未变。"
    added = dialog.tree.findItems("某县林业局", Qt.MatchFlag.MatchExactly | Qt.MatchFlag.MatchRecursive)
    assert [above.text(0) for item in added if (above := item.parent()) is not None] == [COUNTY]
    assert dialog.changed


def test_the_board_model_passes_the_qt_model_tester(qtmodeltester: ModelTester, county: Workspace) -> None:
    model = BoardModel()
    model.show_board(county.board(COUNTY, 2022))
    qtmodeltester.check(model)  # type: ignore[no-untyped-call]


def test_the_menus_reach_the_units_and_the_folder_import(
    qtbot: QtBot,
    db: Database,
    tmp_path: Path,
    county: Workspace,
    monkeypatch: pytest.MonkeyPatch,
    said: list[tuple[str, tuple[str, ...]]],
) -> None:
    window = window_on(qtbot, db, tmp_path)
    opened: list[UnitsDialog] = []

    def shown(dialog: UnitsDialog) -> int:
        opened.append(dialog)
        return 0

    monkeypatch.setattr(UnitsDialog, "exec", shown)
    [units] = [a for a in window.findChildren(QAction) if a.text() == "管理下属单位…"]
    units.trigger()
    assert len(opened) == 1 and opened[0].tree.topLevelItemCount() == 1
    folder = tmp_path / "报送"
    folder.mkdir()
    write_exchange(filled_report(agency="某县水利局", seed=6), folder / "水利局.json")
    monkeypatch.setattr(folder_import.FolderChoice, "ask", classmethod(lambda cls, parent, data_dir: folder))
    [imported] = [a for a in window.findChildren(QAction) if a.text() == "导入文件夹（各单位的报告）…"]
    imported.trigger()
    assert county.find("某县水利局", 2022) is not None and said == []
