"""The main window, driven as a clerk drives it: keyboard and clicks, then a fresh database query."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from models.database import Database
from services import storage
from services.formats import CellKey
from services.report import Report
from tests.factories import filled_report
from tests.test_narrative_ui import type_text
from ui import main_window as main_window_module
from ui.dialogs import ConfirmDialog, NewReport, NewReportDialog
from ui.main_window import WINDOW_TITLE, MainWindow
from ui.narrative_tab import NarrativeTab
from ui.table_tab import TableTab

TODAY = date(2024, 1, 10)
NEW = ("t3", "new", "natural")


def window_on(qtbot: QtBot, db: Database, data_dir: Path) -> MainWindow:
    window = MainWindow(db, str(data_dir), today=TODAY)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    return window


def fresh(db: Database, agency: str, year: int) -> Report:
    with db.transaction() as session:
        report_id = storage.find_report(session, agency, year)
        assert report_id is not None
        return storage.load_report(session, report_id)


def keys(widget: QWidget, text: str) -> None:
    for char in text:
        QTest.keyClicks(QApplication.focusWidget() or widget, char)


def press(widget: QWidget, key: Qt.Key, modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier) -> None:
    QTest.keyClick(QApplication.focusWidget() or widget, key, modifier)


def t3(window: MainWindow, table: str = "t3") -> TableTab:
    """The table's tab shown, with the keyboard in its grid."""
    tab = window.table_tab(table)
    assert tab is not None
    window.tabs.setCurrentWidget(tab)
    window.activateWindow()
    tab.view.setFocus()
    QApplication.processEvents()
    assert tab.view.hasFocus()
    return tab


def shown(tab: TableTab, key: CellKey) -> str:
    return str(tab.model.index_of(key).data(Qt.ItemDataRole.DisplayRole))


def panel_lines(window: MainWindow) -> list[str]:
    assert window.panel is not None
    tree = window.panel.tree
    lines = []
    for i in range(tree.topLevelItemCount()):
        group = tree.topLevelItem(i)
        assert group is not None
        lines += [group.child(j).text(0) for j in range(group.childCount())]  # type: ignore[union-attr]
    return lines


def test_an_empty_database_offers_three_ways_in(qtbot: QtBot, db: Database, tmp_path: Path) -> None:
    window = window_on(qtbot, db, tmp_path)
    assert window.stack.currentWidget() is window.welcome
    assert set(window.welcome_buttons) == {"new", "import", "sample"}
    QTest.mouseClick(window.welcome_buttons["sample"], Qt.MouseButton.LeftButton)
    assert window.session is not None and window.stack.currentWidget() is window.tabs
    assert window.navigator.topLevelItemCount() == 1
    assert window.session.editor.report.get(*NEW) == 6
    assert "SIGN_DATE" not in window.message.text()
    assert "距公布期限" in window.deadline_label.text() or "超过公布期限" in window.deadline_label.text()


def test_the_clerk_creates_types_pastes_undoes_explains_finalises_and_reopens(
    qtbot: QtBot, db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    window = window_on(qtbot, db, tmp_path)
    monkeypatch.setattr(
        NewReportDialog, "ask", classmethod(lambda cls, parent, agencies, today: NewReport("某县教育局", 2023, "2021"))
    )
    QTest.mouseClick(window.welcome_buttons["new"], Qt.MouseButton.LeftButton)
    assert window.session is not None
    report = fresh(db, "某县教育局", 2023)
    assert "2023年1月1日" in report.text("preamble") and report.format_id == "2021"
    # the one thing 基本信息 lacks (the date) and the sections to write are counted on their tabs
    assert window.tabs.count() == 7 and window.tabs.tabText(0) == "基本信息 (1✗)"
    assert window.tabs.tabText(1) == "一、总体情况 (1✗)"

    # type into t3: 一 natural = 5, Enter moves down, 三(一) natural = 5 …
    tab = t3(window)
    tab.view.select_key(NEW)
    keys(tab.view, "5")
    press(tab.view, Qt.Key.Key_Return)
    assert tab.view.current_key() == ("t3", "carried_in", "natural")
    assert shown(tab, ("t3", "new", "total")) == "5"
    assert fresh(db, "某县教育局", 2023).get(*NEW) == 5
    assert "(2✗)" in window.tabs.tabText(window.tabs.indexOf(tab))  # 自然人 and 总计 columns out of balance
    assert any(line.startswith("✗") and "自然人" in line for line in panel_lines(window))

    # paste 予以公开 row from Excel: 3 for natural, 1 for business
    tab.view.select_key(("t3", "granted", "natural"))
    QApplication.clipboard().setText("3\t1\n")
    press(tab.view, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    assert fresh(db, "某县教育局", 2023).get("t3", "granted", "business") == 1
    press(tab.view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert fresh(db, "某县教育局", 2023).get("t3", "granted", "business") == 0
    press(tab.view, Qt.Key.Key_Y, Qt.KeyboardModifier.ControlModifier)
    assert fresh(db, "某县教育局", 2023).get("t3", "granted", "business") == 1

    # fix the identities: 三(一) natural = 5 (typed over the pasted 3), business new = 1
    tab.view.select_key(("t3", "granted", "natural"))
    keys(tab.view, "5")
    press(tab.view, Qt.Key.Key_Return)
    tab.view.select_key(("t3", "new", "business"))
    keys(tab.view, "1")
    press(tab.view, Qt.Key.Key_Tab)
    assert not any(line.startswith("✗") and "相差" in line for line in panel_lines(window))
    assert window.tabs.tabText(window.tabs.indexOf(tab)).endswith("…") or "✗" not in window.tabs.tabText(3)

    # 定稿 is refused while a warning is unexplained (sections are empty): the dialog lists the problems
    shown_problems: list[tuple[str, ...]] = []
    monkeypatch.setattr(
        main_window_module, "show_problems", lambda parent, title, message, problems: shown_problems.append(problems)
    )
    window.finalise()
    assert shown_problems and fresh(db, "某县教育局", 2023).status == "draft"

    # the signing date on 基本信息, then every warning "explained" with 无 through the panel's boxes: that says
    # nothing, and the empty sections are errors, so 定稿 is still refused (issue 12 item 5)
    from PySide6.QtCore import QDate

    from ui.basic_tab import BasicTab

    basic = window.section_tabs[0]
    assert isinstance(basic, BasicTab)
    window.tabs.setCurrentWidget(basic)
    QTest.mouseClick(basic.date_set, Qt.MouseButton.LeftButton)
    basic.date_edit.setDate(QDate(2024, 1, 8))
    assert fresh(db, "某县教育局", 2023).signed_on == date(2024, 1, 8)

    def explain_all(text: str) -> None:
        assert window.panel is not None and window.session is not None
        for finding in [f for f in window.session.editor.findings if f.severity == "warning"]:
            edit = window.panel.explanation_edit(finding.key)
            assert edit is not None
            edit.setFocus()
            edit.selectAll()
            type_text(qtbot, edit, text)
            press(edit, Qt.Key.Key_Return)

    explain_all("无")
    shown_problems.clear()
    window.finalise()
    assert fresh(db, "某县教育局", 2023).status == "draft"
    assert "“一、总体情况”尚未填写" in shown_problems[-1]

    # the clerk writes the sections, explains what is left with a reason, and 定稿 goes through
    for key, text in (
        ("s1_active", "本年度主动公开政府信息一百二十条，均按规定及时公开。"),
        ("s5_problems", "政策解读形式较为单一，个别栏目更新不够及时。"),
        ("s5_improvements", "丰富图解、视频等解读形式，建立栏目更新提醒机制。"),
        ("s6_other", "本年度未收取信息处理费。"),
    ):
        narrative = next(t for t in window.section_tabs if isinstance(t, NarrativeTab) and t.has_key(key))
        window.tabs.setCurrentWidget(narrative)
        narrative.editors[key].setFocus()
        type_text(qtbot, narrative.editors[key], text)
        narrative.flush()
    explain_all("已核实，本年度情况属实")
    window.finalise()
    assert fresh(db, "某县教育局", 2023).status == "final"
    assert window.navigator.topLevelItem(0).child(0).text(1) == "已定稿"  # type: ignore[union-attr]
    assert window.session.editor.read_only and not window.finalise_action.isEnabled()

    # a final report is read-only; 重新打开 asks for a reason that goes to the history
    tab = t3(window)
    tab.view.select_key(NEW)
    keys(tab.view, "9")
    press(tab.view, Qt.Key.Key_Return)
    assert fresh(db, "某县教育局", 2023).get(*NEW) == 5
    monkeypatch.setattr(main_window_module, "ask_text", lambda parent, title, label, text="": "补充说明")
    window.reopen()
    report = fresh(db, "某县教育局", 2023)
    assert report.status == "draft"
    assert ("status", "补充说明") in [(e.what, e.reason) for e in window.session.editor.history()]


def test_closing_the_window_keeps_unsaved_narrative(qtbot: QtBot, db: Database, tmp_path: Path) -> None:
    with db.transaction() as session:
        storage.save_report(session, filled_report("2021", agency="某区司法局"))
    window = window_on(qtbot, db, tmp_path)
    with db.transaction() as session:
        report_id = storage.find_report(session, "某区司法局", 2022)
    assert report_id is not None
    window.open_report(report_id)
    tab = next(t for t in window.section_tabs if isinstance(t, NarrativeTab) and t.has_key("s1_active"))
    window.tabs.setCurrentWidget(tab)
    editor = tab.editors["s1_active"]
    editor.setFocus()
    editor.selectAll()
    keys(editor, "typed just now")
    window.close()  # well within the one-second debounce
    assert fresh(db, "某区司法局", 2022).text("s1_active") == "typed just now"


def test_a_later_start_reopens_the_last_report(qtbot: QtBot, db: Database, tmp_path: Path) -> None:
    with db.transaction() as session:
        first = storage.save_report(session, filled_report("2021", agency="甲局"))
        second = storage.save_report(session, filled_report("2021", agency="乙局"))
    window = window_on(qtbot, db, tmp_path)
    assert window.session is None
    window.open_report(second)
    window.close()
    again = window_on(qtbot, db, tmp_path)
    assert again.session is not None and again.session.editor.report_id == second != first


def test_a_new_year_carries_over_last_years_figures(
    qtbot: QtBot, db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    last = filled_report("2021", agency="某县民政局", year=2022)
    with db.transaction() as session:
        storage.save_report(session, last)
    window = window_on(qtbot, db, tmp_path)
    monkeypatch.setattr(
        NewReportDialog, "ask", classmethod(lambda cls, parent, agencies, today: NewReport("某县民政局", 2023, "2021"))
    )
    window.new_report()
    report = fresh(db, "某县民政局", 2023)
    assert report.get("t3", "carried_in", "natural") == last.get("t3", "carried_out", "natural")
    assert "取自2022年报告" in window.message.text()
    tab = window.table_tab("t3")
    assert tab is not None and "取自2022年报告" in tab.sources.text()
    assert window.panel is not None and "取自2022年报告" in window.panel.sources.text()


def test_deleting_a_final_report_needs_a_reason(
    qtbot: QtBot, db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    final = filled_report("2021", agency="某县财政局")
    final.status = "final"
    with db.transaction() as session:
        report_id = storage.save_report(session, final)
    window = window_on(qtbot, db, tmp_path)
    window.open_report(report_id)
    monkeypatch.setattr(main_window_module, "ask_text", lambda parent, title, label, text="": None)
    window.delete_report()
    with db.transaction() as session:
        assert storage.find_report(session, "某县财政局", 2022) == report_id
    monkeypatch.setattr(main_window_module, "ask_text", lambda parent, title, label, text="": "重复录入")
    window.delete_report()
    with db.transaction() as session:
        assert storage.find_report(session, "某县财政局", 2022) is None
        log = storage.revisions(session, report_id)
    assert window.session is None and window.stack.currentWidget() is window.welcome
    assert log == [] or log[-1].reason == "重复录入"


def test_aggregate_from_the_menu_stores_the_sum_and_lists_the_units(
    qtbot: QtBot, db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ui.aggregate_dialog import AggregateDialog, AggregateRequest

    units = [filled_report("2021", agency=name, seed=i) for i, name in enumerate(("某县教育局", "某县民政局"))]
    with db.transaction() as session:
        for unit in units:
            storage.save_report(session, unit)
    window = window_on(qtbot, db, tmp_path)
    monkeypatch.setattr(
        AggregateDialog,
        "ask",
        classmethod(
            lambda cls, parent, agencies, today: AggregateRequest("某县汇总", 2022, "2021", (*agencies, "某县财政局"))
        ),
    )
    shown_lines: list[tuple[str, tuple[str, ...]]] = []
    monkeypatch.setattr(
        main_window_module,
        "show_problems",
        lambda parent, title, message, problems: shown_lines.append((message, problems)),
    )
    window.aggregate()
    total = fresh(db, "某县汇总", 2022)
    assert total.get(*NEW) == sum(u.number(*NEW) for u in units)
    [(message, lines)] = shown_lines
    assert "2 个单位已汇总" in message
    assert any("缺报" in line and "某县财政局" in line for line in lines)
    assert window.session is not None and window.session.editor.report.agency == "某县汇总"


def test_importing_an_existing_report_asks_keep_or_replace(
    qtbot: QtBot, db: Database, tmp_path: Path, sample_json_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import json

    from ui.file_import import ConflictDialog

    window = window_on(qtbot, db, tmp_path)
    assert window.import_files([sample_json_path]) == []
    changed = json.loads(sample_json_path.read_text(encoding="utf-8"))
    changed["texts"]["s6_other"] = "新的文字"
    other = tmp_path / "changed.json"
    other.write_text(json.dumps(changed, ensure_ascii=False), encoding="utf-8")
    answers = iter(["keep", "replace"])
    monkeypatch.setattr(ConflictDialog, "ask", classmethod(lambda cls, *args: next(answers)))
    messages = window.import_files([other])
    assert any("保留原有的" in m for m in messages)
    assert fresh(db, "贵阳市人民防空办公室", 2020).text("s6_other") != "新的文字"
    window.import_files([other])
    assert fresh(db, "贵阳市人民防空办公室", 2020).text("s6_other") == "新的文字"


def test_a_value_the_database_refused_stays_in_the_cell_to_retry(
    qtbot: QtBot, db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sqlite3

    from PySide6.QtWidgets import QLineEdit
    from sqlalchemy.exc import OperationalError

    with db.transaction() as session:
        report_id = storage.save_report(session, filled_report("2021", agency="某区司法局"))
    window = window_on(qtbot, db, tmp_path)
    window.open_report(report_id)
    tab = t3(window)
    tab.view.select_key(NEW)
    real = storage.set_cells

    def disk_full(*args: object, **kwargs: object) -> int:
        raise OperationalError("UPDATE", {}, sqlite3.OperationalError("database or disk is full"))

    monkeypatch.setattr(storage, "set_cells", disk_full)
    keys(tab.view, "7")
    press(tab.view, Qt.Key.Key_Return)
    assert "磁盘已满" in window.message.text()
    qtbot.waitUntil(lambda: isinstance(QApplication.focusWidget(), QLineEdit))
    assert QApplication.focusWidget().text() == "7"  # type: ignore[union-attr]
    monkeypatch.setattr(storage, "set_cells", real)
    press(tab.view, Qt.Key.Key_Return)
    assert fresh(db, "某区司法局", 2022).get(*NEW) == 7


def test_deleting_refuses_a_report_changed_since_the_question_and_disposes_its_session(
    qtbot: QtBot, db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from PySide6.QtCore import QCoreApplication, QEvent

    from ui.report_session import ReportSession

    with db.transaction() as session:
        report_id = storage.save_report(session, filled_report("2021", agency="某县财政局"))
    window = window_on(qtbot, db, tmp_path)
    window.open_report(report_id)

    def someone_edits_meanwhile(parent: QWidget, title: str, text: str, action: str) -> bool:
        with db.transaction() as session:  # another clerk saves while the question is on screen
            version = storage.report_version(session, report_id)
            storage.set_text(session, report_id, "s6_other", "另一位同事刚补充的内容。", version)
        return True

    problems: list[str] = []
    monkeypatch.setattr(ConfirmDialog, "ask", staticmethod(someone_edits_meanwhile))
    monkeypatch.setattr(main_window_module, "show_problems", lambda parent, title, text, items: problems.append(text))
    window.delete_report()
    with db.transaction() as session:
        assert storage.find_report(session, "某县财政局", 2022) == report_id, "not deleted: it changed meanwhile"
    assert problems and "修改" in problems[0]

    monkeypatch.setattr(ConfirmDialog, "ask", staticmethod(lambda parent, title, text, action: True))
    window.open_report(report_id)
    window.delete_report()
    with db.transaction() as session:
        assert storage.find_report(session, "某县财政局", 2022) is None
    assert window.windowTitle().startswith(WINDOW_TITLE) and "某县财政局" not in window.windowTitle()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    assert window.findChildren(ReportSession) == [], "the deleted report's session is disposed"


def test_the_navigator_tooltip_follows_the_counts(qtbot: QtBot, db: Database, tmp_path: Path) -> None:
    with db.transaction() as session:
        report_id = storage.save_report(session, filled_report("2021", agency="某县财政局"))
    window = window_on(qtbot, db, tmp_path)
    window.open_report(report_id)
    item = window.navigator._item(report_id)
    assert item is not None and "错误 0 个" in item.toolTip(0)
    tab = t3(window)
    tab.view.setCurrentIndex(tab.model.index_of(NEW))
    keys(tab, "9999")
    press(tab, Qt.Key.Key_Return)
    assert item.text(2) != "" and f"错误 {item.text(2)} 个" in item.toolTip(0)


def test_the_import_question_is_never_behind_a_progress_box_and_the_open_report_shows_the_import(
    qtbot: QtBot, db: Database, tmp_path: Path, sample_json_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import json

    from PySide6.QtWidgets import QProgressDialog

    from ui.file_import import ConflictDialog

    window = window_on(qtbot, db, tmp_path)
    window.import_files([sample_json_path])
    assert window.session is not None
    changed = json.loads(sample_json_path.read_text(encoding="utf-8"))
    changed["tables"]["t3"]["new"]["natural"] = 9
    changed["texts"]["s6_other"] = "文件中的新内容。"
    other = tmp_path / "changed.json"
    other.write_text(json.dumps(changed, ensure_ascii=False), encoding="utf-8")
    in_front: list[list[str]] = []

    def answer(cls: object, *args: object) -> str:
        qtbot.wait(700)  # longer than the progress box's 400 ms: it would have popped up over the question
        in_front.append(
            [w.labelText() for w in QApplication.topLevelWidgets() if isinstance(w, QProgressDialog) and w.isVisible()]
        )
        return "replace"

    monkeypatch.setattr(ConflictDialog, "ask", classmethod(answer))
    assert window.import_files([other]) == []
    assert in_front == [[]], "nothing in front of the question"
    # the open report is the imported one: its numbers, a message saying so, and the next edit is saved
    editor = window.session.editor
    assert editor.report.number("t3", "new", "natural") == 9
    assert editor.report.text("s6_other") == "文件中的新内容。"
    assert "已导入 1 份报告" in window.message.text() and "替换" in window.message.text()
    tab = t3(window)
    tab.view.select_key(("t3", "new", "business"))
    keys(tab.view, "3")
    press(tab.view, Qt.Key.Key_Return)
    assert fresh(db, "贵阳市人民防空办公室", 2020).number("t3", "new", "business") == 3
    assert "其他人修改" not in window.message.text()


def test_enter_in_t2_goes_down_into_the_next_block(qtbot: QtBot, db: Database, tmp_path: Path) -> None:
    with db.transaction() as session:
        report_id = storage.save_report(session, filled_report("2021", agency="某县财政局"))
    window = window_on(qtbot, db, tmp_path)
    window.open_report(report_id)
    tab = t3(window, "t2")
    tab.view.select_key(("t2", "normative", "in_force"))
    for typed in ("40", "120", "35"):  # 现行有效, then down into the blocks below
        keys(tab.view, typed)
        press(tab.view, Qt.Key.Key_Return)
    report = fresh(db, "某县财政局", 2022)
    assert report.get("t2", "normative", "in_force") == 40
    assert report.get("t2", "licensing", "decisions") == 120
    assert report.get("t2", "penalty", "decisions") == 35


def test_moving_down_leaves_a_spanning_cell_for_the_cell_under_it() -> None:
    from services.formats import get_format
    from services.grid_layout import grid_layout

    layout = grid_layout(get_format("2021"), "t2")
    for col in ("issued", "repealed", "in_force"):
        assert layout.next_value(("t2", "normative", col), "down") == ("t2", "licensing", "decisions")
    assert layout.next_value(("t2", "licensing", "decisions"), "down") == ("t2", "penalty", "decisions")
    assert layout.next_value(("t2", "licensing", "decisions"), "up") is not None


def test_the_history_reads_as_the_form_one_line_per_action(
    qtbot: QtBot, db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ui.dialogs import HistoryDialog

    with db.transaction() as session:
        report_id = storage.save_report(session, filled_report("2021", agency="某县财政局"))
    window = window_on(qtbot, db, tmp_path)
    window.open_report(report_id)
    assert window.session is not None
    tab = t3(window)
    tab.view.select_key(NEW)
    keys(tab.view, "17")
    press(tab.view, Qt.Key.Key_Return)  # one value; its row and column totals follow
    for day in (18, 19, 20, 21):  # a date stepped day by day, as with the arrow keys
        window.session.set_field("signed_on", date(2023, 1, day))
    shown: list[HistoryDialog] = []

    def record(self: HistoryDialog) -> int:
        shown.append(self)
        return 0

    monkeypatch.setattr(HistoryDialog, "exec", record)
    window.show_history()
    table = shown[0].table
    rows = [
        [table.item(r, c).text() for c in range(table.columnCount())]  # type: ignore[union-attr]
        for r in range(table.rowCount())
    ]
    text = "\n".join(" | ".join(row) for row in rows)
    assert "cell" not in text and "t3." not in text and "signed_on" not in text, text
    assert any("表三·一、本年新收政府信息公开申请数量·自然人" in row[1] and row[2].endswith("→ 17") for row in rows), (
        text
    )
    assert not any("总计" in row[1] for row in rows), "computed totals are folded into the action"
    dates = [row for row in rows if row[1] == "成文日期"]
    assert len(dates) == 1 and dates[0][2].endswith("→ 2023年1月21日"), dates
    headers = [table.horizontalHeaderItem(c).text() for c in range(4)]  # type: ignore[union-attr]
    assert headers == ["时间", "修改了什么", "原值 → 新值", "原因"]


def test_delete_asks_with_the_safe_answer_first(qtbot: QtBot, db: Database, tmp_path: Path) -> None:
    # issue 12 item 10: Enter on the question keeps the report
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QMessageBox

    with db.transaction() as session:
        report_id = storage.save_report(session, filled_report("2021", agency="某县财政局"))
    window = window_on(qtbot, db, tmp_path)
    window.open_report(report_id)
    seen: list[str] = []

    def press_enter() -> None:
        box = QApplication.activeModalWidget()
        assert isinstance(box, QMessageBox)
        seen.append(box.defaultButton().text())
        QTest.keyClick(box, Qt.Key.Key_Return)

    QTimer.singleShot(100, press_enter)
    window.delete_report()
    assert seen == ["取消"]
    with db.transaction() as session:
        assert storage.find_report(session, "某县财政局", 2022) == report_id
