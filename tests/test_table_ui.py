"""The table tabs as a clerk uses them: typing, Enter/Tab, Delete, copy and paste, undo — checked on the
widget and on a fresh read of the database."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QGuiApplication, QKeyEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QAbstractItemView, QApplication, QWidget
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from models.database import Database
from services import storage
from services.editing import EditOutcome, ReportEditor
from services.formats import CellKey, get_format
from services.grid_layout import grid_layout
from services.report import Report
from services.values import CellValue
from tests.factories import filled_report
from ui.report_session import ReportSession
from ui.table_model import COMPUTED_TIP, ERROR_BRUSH, ReportTableModel
from ui.table_tab import TableTab
from ui.table_view import ReportTableView

NEW_NATURAL: CellKey = ("t3", "new", "natural")


def store(db: Database, report: Report) -> int:
    with db.transaction() as session:
        return storage.save_report(session, report)


def stored(db: Database, report_id: int, key: CellKey) -> CellValue | None:
    """The value as a fresh transaction reads it back."""
    with db.transaction() as session:
        return storage.load_report(session, report_id).get(*key)


def open_tab(qtbot: QtBot, db: Database, report_id: int, table: str = "t3") -> TableTab:
    session = ReportSession(ReportEditor.open(db, report_id))
    section = next(s for s in session.editor.format.sections if s.table == table)
    tab = TableTab(session, section)
    session.setParent(tab)
    qtbot.addWidget(tab)
    tab.resize(1200, 900)
    tab.show()
    qtbot.waitExposed(tab)
    tab.activateWindow()
    tab.view.setFocus()
    qtbot.waitUntil(lambda: tab.view.hasFocus())
    return tab


def focused(view: QWidget) -> QWidget:
    """Where the clerk's keystrokes go: the open editor while editing, else the grid."""
    return QApplication.focusWidget() or view


def type_text(view: QWidget, text: str) -> None:
    """Key by key, as typed; QTest knows only ASCII keys, so a full-width digit (an input method's) is sent
    as the key event a keyboard would give, carrying the character as its text."""
    for char in text:
        if char.isascii():
            QTest.keyClicks(focused(view), char)
            continue
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QApplication.sendEvent(
                focused(view), QKeyEvent(kind, Qt.Key.Key_unknown, Qt.KeyboardModifier.NoModifier, char)
            )


def press(view: QWidget, key: Qt.Key, modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier) -> None:
    QTest.keyClick(focused(view), key, modifier)


def shown(tab: TableTab, key: CellKey) -> str:
    return str(tab.model.index_of(key).data(Qt.ItemDataRole.DisplayRole))


def row_sum(tab: TableTab, row: str) -> int:
    report = tab.session.editor.report
    return sum(
        int(report.number("t3", row, col))
        for col in get_format(report.format_id).table("t3").column_keys()
        if col != "total"
    )


# ---------------------------------------------------------------- the model


@pytest.mark.parametrize("format_id", ["2019", "2021"])
@pytest.mark.parametrize("table", ["t2", "t3", "t4"])
def test_model_passes_the_qt_model_tester(qtmodeltester: ModelTester, db: Database, format_id: str, table: str) -> None:
    report_id = store(db, filled_report(format_id))
    session = ReportSession(ReportEditor.open(db, report_id))
    model = ReportTableModel(grid_layout(session.editor.format, table), session)
    qtmodeltester.check(model)  # type: ignore[no-untyped-call]
    layout = model.layout
    assert (model.rowCount(), model.columnCount()) == (layout.rows, layout.cols)
    for cell in layout.value_cells():
        assert cell.key is not None
        index = model.index(cell.row, cell.col)
        assert model.key_at(index) == cell.key and model.index_of(cell.key) == index
        assert index.data(Qt.ItemDataRole.DisplayRole) == session.editor.cell_text(cell.key)
        assert bool(model.flags(index) & Qt.ItemFlag.ItemIsEditable) == (cell.role == "value")
        if cell.role == "computed":
            assert index.data(Qt.ItemDataRole.ToolTipRole) == COMPUTED_TIP


def test_model_shows_labels_and_empty_cells_as_on_paper(db: Database) -> None:
    report = filled_report("2021", year=2021)
    del report.cells[NEW_NATURAL]
    session = ReportSession(ReportEditor.open(db, store(db, report)))
    model = ReportTableModel(grid_layout(session.editor.format, "t3"), session)
    assert model.index(0, 0).data() == "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
    assert model.index(3, 0).data() == "一、本年新收政府信息公开申请数量"
    assert model.index_of(NEW_NATURAL).data() == ""
    assert model.index(3, 1).flags() == Qt.ItemFlag.NoItemFlags  # inside the label's span
    label_align = model.index(3, 0).data(Qt.ItemDataRole.TextAlignmentRole)
    assert label_align & Qt.AlignmentFlag.AlignLeft
    assert (
        model.index_of(("t3", "new", "business")).data(Qt.ItemDataRole.TextAlignmentRole)
        == Qt.AlignmentFlag.AlignCenter
    )


# ---------------------------------------------------------------- typing


def test_typing_full_width_digits_and_enter_saves_and_moves_down(qtbot: QtBot, db: Database) -> None:
    report_id = store(db, filled_report("2021", year=2021))
    tab = open_tab(qtbot, db, report_id)
    view = tab.view
    view.select_key(NEW_NATURAL)

    with qtbot.waitSignal(tab.session.changed) as saved:
        type_text(view, "１２")
        assert view.state() == QAbstractItemView.State.EditingState
        press(view, Qt.Key.Key_Return)

    assert isinstance(saved.args[0], EditOutcome) and saved.args[0].ok
    assert shown(tab, NEW_NATURAL) == "12"
    assert view.current_key() == ("t3", "carried_in", "natural")
    assert view.state() != QAbstractItemView.State.EditingState
    assert shown(tab, ("t3", "new", "total")) == str(row_sum(tab, "new"))
    assert int(shown(tab, ("t3", "new", "total"))) == 12 + sum(
        int(shown(tab, ("t3", "new", col))) for col in ("business", "research", "ngo", "legal", "other_org")
    )
    assert stored(db, report_id, NEW_NATURAL) == 12
    assert stored(db, report_id, ("t3", "new", "total")) == row_sum(tab, "new")


def test_typing_replaces_the_old_value(qtbot: QtBot, db: Database) -> None:
    report_id = store(db, filled_report("2021", year=2021))
    tab = open_tab(qtbot, db, report_id)
    key: CellKey = ("t3", "granted", "research")
    tab.view.select_key(key)
    assert shown(tab, key) != ""
    type_text(tab.view, "7")
    press(tab.view, Qt.Key.Key_Enter)
    assert shown(tab, key) == "7" and stored(db, report_id, key) == 7


def test_letters_are_refused_and_the_cell_keeps_its_value(qtbot: QtBot, db: Database) -> None:
    report_id = store(db, filled_report("2021", year=2021))
    tab = open_tab(qtbot, db, report_id)
    before = stored(db, report_id, NEW_NATURAL)
    tab.view.select_key(NEW_NATURAL)

    with qtbot.waitSignal(tab.session.failed) as refused:
        type_text(tab.view, "abc")
        press(tab.view, Qt.Key.Key_Return)

    outcome = refused.args[0]
    assert isinstance(outcome, EditOutcome) and not outcome.ok and "不是数字" in outcome.message
    assert shown(tab, NEW_NATURAL) == str(before)
    assert tab.view.current_key() == NEW_NATURAL  # stays put so the clerk can type again
    assert stored(db, report_id, NEW_NATURAL) == before


def test_tab_commits_and_moves_right_shift_tab_left(qtbot: QtBot, db: Database) -> None:
    report_id = store(db, filled_report("2021", year=2021))
    tab = open_tab(qtbot, db, report_id)
    view = tab.view
    view.select_key(NEW_NATURAL)
    type_text(view, "5")
    press(view, Qt.Key.Key_Tab)
    assert view.current_key() == ("t3", "new", "business")
    assert stored(db, report_id, NEW_NATURAL) == 5

    type_text(view, "6")
    press(view, Qt.Key.Key_Backtab, Qt.KeyboardModifier.ShiftModifier)
    assert view.current_key() == NEW_NATURAL
    assert stored(db, report_id, ("t3", "new", "business")) == 6

    press(view, Qt.Key.Key_Tab)  # no editor open: just moves
    assert view.current_key() == ("t3", "new", "business")


def test_arrow_keys_jump_between_value_cells(qtbot: QtBot, db: Database) -> None:
    tab = open_tab(qtbot, db, store(db, filled_report("2021", year=2021)))
    view = tab.view
    view.select_key(NEW_NATURAL)
    press(view, Qt.Key.Key_Left)  # the label is not a value cell: stay
    assert view.current_key() == NEW_NATURAL
    press(view, Qt.Key.Key_Up)  # the header is not either
    assert view.current_key() == NEW_NATURAL
    press(view, Qt.Key.Key_Down)
    press(view, Qt.Key.Key_Down)
    assert view.current_key() == ("t3", "granted", "natural")
    press(view, Qt.Key.Key_Right)
    assert view.current_key() == ("t3", "granted", "business")


def test_delete_clears_the_selected_cells(qtbot: QtBot, db: Database) -> None:
    report_id = store(db, filled_report("2021", year=2021))
    tab = open_tab(qtbot, db, report_id)
    view = tab.view
    view.select_key(NEW_NATURAL)
    press(view, Qt.Key.Key_Right, Qt.KeyboardModifier.ShiftModifier)
    assert set(view.selected_keys()) == {NEW_NATURAL, ("t3", "new", "business")}

    with qtbot.waitSignal(tab.session.changed):
        press(view, Qt.Key.Key_Delete)

    assert shown(tab, NEW_NATURAL) == "" and shown(tab, ("t3", "new", "business")) == ""
    assert stored(db, report_id, NEW_NATURAL) is None
    assert stored(db, report_id, ("t3", "new", "business")) is None
    # the row's total is not known while two of its cells are empty: empty too, never the sum of the others
    assert stored(db, report_id, ("t3", "new", "total")) is None and shown(tab, ("t3", "new", "total")) == ""
    assert tab.session.paste([[NEW_NATURAL, ("t3", "new", "business")]], [["0", "0"]]).ok
    assert stored(db, report_id, ("t3", "new", "total")) == row_sum(tab, "new")


def test_computed_cell_is_not_editable(qtbot: QtBot, db: Database) -> None:
    report_id = store(db, filled_report("2021", year=2021))
    tab = open_tab(qtbot, db, report_id)
    total: CellKey = ("t3", "new", "total")
    before = stored(db, report_id, total)
    index = tab.model.index_of(total)
    assert not tab.model.flags(index) & Qt.ItemFlag.ItemIsEditable
    assert tab.model.index_of(total).data(Qt.ItemDataRole.ToolTipRole) == COMPUTED_TIP
    tab.view.select_key(total)

    with qtbot.waitSignal(tab.notice) as hint:
        type_text(tab.view, "9")
    assert "自动计算" in hint.args[0]
    assert tab.view.state() != QAbstractItemView.State.EditingState
    press(tab.view, Qt.Key.Key_Return)
    assert stored(db, report_id, total) == before
    assert not tab.model.setData(index, "9")


def test_final_report_refuses_edits(qtbot: QtBot, db: Database) -> None:
    report = filled_report("2021", year=2021)
    report.status = "final"
    report_id = store(db, report)
    tab = open_tab(qtbot, db, report_id)
    before = stored(db, report_id, NEW_NATURAL)
    index = tab.model.index_of(NEW_NATURAL)
    assert not tab.model.flags(index) & Qt.ItemFlag.ItemIsEditable
    tab.view.select_key(NEW_NATURAL)

    with qtbot.waitSignal(tab.notice) as hint:
        type_text(tab.view, "5")
    assert "已定稿" in hint.args[0]
    assert tab.view.state() != QAbstractItemView.State.EditingState
    with qtbot.waitSignal(tab.session.failed) as refused:
        press(tab.view, Qt.Key.Key_Delete)
    assert "已定稿" in refused.args[0].message
    assert not tab.model.setData(index, "5")
    assert shown(tab, NEW_NATURAL) == str(before) and stored(db, report_id, NEW_NATURAL) == before
    assert not tab.accept_button.isVisible()


# ---------------------------------------------------------------- clipboard, undo


def test_paste_block_writes_six_cells_and_undo_redo(qtbot: QtBot, db: Database) -> None:
    original = filled_report("2021", year=2021)
    report_id = store(db, original)
    tab = open_tab(qtbot, db, report_id)
    view = tab.view
    view.select_key(NEW_NATURAL)
    QGuiApplication.clipboard().setText("1\t2\t3\r\n4\t5\t6\r\n")

    with qtbot.waitSignal(tab.session.changed):
        press(view, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)

    block = {
        ("t3", row, col): value
        for row, values in (("new", (1, 2, 3)), ("carried_in", (4, 5, 6)))
        for col, value in zip(("natural", "business", "research"), values, strict=True)
    }
    for key, value in block.items():
        assert shown(tab, key) == str(value)
        assert stored(db, report_id, key) == value
    assert stored(db, report_id, ("t3", "new", "total")) == row_sum(tab, "new")
    assert set(view.selected_keys()) == set(block)

    with qtbot.waitSignal(tab.session.changed):
        press(view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    for key in block:
        assert stored(db, report_id, key) == original.get(*key)
        assert shown(tab, key) == str(original.get(*key))

    with qtbot.waitSignal(tab.session.changed):
        press(view, Qt.Key.Key_Y, Qt.KeyboardModifier.ControlModifier)
    for key, value in block.items():
        assert stored(db, report_id, key) == value

    press(view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    with qtbot.waitSignal(tab.session.changed):
        press(view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert stored(db, report_id, ("t3", "carried_in", "research")) == 6


def test_paste_with_one_bad_value_writes_nothing(qtbot: QtBot, db: Database) -> None:
    original = filled_report("2021", year=2021)
    report_id = store(db, original)
    tab = open_tab(qtbot, db, report_id)
    tab.view.select_key(NEW_NATURAL)
    QGuiApplication.clipboard().setText("1\t2\t3\n4\tx\t6\n")

    with qtbot.waitSignal(tab.session.failed) as refused:
        press(tab.view, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)

    assert refused.args[0].message.startswith("粘贴未进行")
    for row in ("new", "carried_in"):
        for col in ("natural", "business", "research"):
            assert stored(db, report_id, ("t3", row, col)) == original.get("t3", row, col)
            assert shown(tab, ("t3", row, col)) == str(original.get("t3", row, col))


def test_copy_gives_tab_separated_text(qtbot: QtBot, db: Database) -> None:
    report = filled_report("2021", year=2021)
    tab = open_tab(qtbot, db, store(db, report))
    view = tab.view
    view.select_key(NEW_NATURAL)
    press(view, Qt.Key.Key_Right, Qt.KeyboardModifier.ShiftModifier)
    press(view, Qt.Key.Key_Down, Qt.KeyboardModifier.ShiftModifier)
    press(view, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    values = [[report.get("t3", row, col) for col in ("natural", "business")] for row in ("new", "carried_in")]
    assert QGuiApplication.clipboard().text() == "\n".join("\t".join(map(str, line)) for line in values)


# ---------------------------------------------------------------- marks, totals, navigation from the checks


def test_disagreeing_total_is_red_and_can_be_accepted(qtbot: QtBot, db: Database) -> None:
    report = filled_report("2021", year=2021)
    total: CellKey = ("t3", "new", "total")
    report.cells[total] = int(report.number(*total)) + 5  # as published elsewhere
    report_id = store(db, report)
    tab = open_tab(qtbot, db, report_id)
    index = tab.model.index_of(total)
    assert index.data(Qt.ItemDataRole.BackgroundRole) == ERROR_BRUSH
    assert COMPUTED_TIP in index.data(Qt.ItemDataRole.ToolTipRole)
    assert len(index.data(Qt.ItemDataRole.ToolTipRole).splitlines()) > 1
    assert tab.accept_button.isVisible()

    with qtbot.waitSignal(tab.session.changed):
        QTest.mouseClick(tab.accept_button, Qt.MouseButton.LeftButton)

    assert not tab.accept_button.isVisible()
    assert index.data(Qt.ItemDataRole.BackgroundRole) != ERROR_BRUSH
    assert stored(db, report_id, total) == row_sum(tab, "new")


def test_an_unread_total_over_parts_all_read_can_be_accepted(qtbot: QtBot, db: Database) -> None:
    report = filled_report("2021", year=2021)
    total: CellKey = ("t3", "new", "total")
    del report.cells[total]  # a published page whose total could not be read
    del report.cells[("t3", "granted", "business")]  # and a row whose total is published, a part left unread
    granted_total = report.cells[("t3", "granted", "total")]
    report_id = store(db, report)
    tab = open_tab(qtbot, db, report_id)
    assert tab.accept_button.isVisible()  # not judged, yet the app can fill it

    with qtbot.waitSignal(tab.session.changed):
        QTest.mouseClick(tab.accept_button, Qt.MouseButton.LeftButton)

    assert stored(db, report_id, total) == row_sum(tab, "new")
    assert stored(db, report_id, ("t3", "granted", "total")) == granted_total  # kept as published
    assert not tab.accept_button.isVisible()


def test_check_panel_request_selects_the_cell(qtbot: QtBot, db: Database) -> None:
    tab = open_tab(qtbot, db, store(db, filled_report("2021", year=2021)))
    key: CellKey = ("t3", "reject_mass", "ngo")
    tab.session.cell_requested.emit(key)
    assert tab.view.current_key() == key and tab.view.selected_keys() == [key]
    tab.session.cell_requested.emit(("t4", "review", "upheld"))  # another tab's cell
    assert tab.view.current_key() == key


def test_carry_over_sources_are_shown_for_t3(qtbot: QtBot, db: Database) -> None:
    store(db, filled_report("2019", year=2020))
    tab = open_tab(qtbot, db, store(db, filled_report("2021", year=2021)))
    assert tab.sources.isVisible()
    assert "取自2020年报告" in tab.sources.text()
    assert tab.heading.text() == "三、收到和处理政府信息公开申请情况"


# ---------------------------------------------------------------- spans on the view


def test_t3_spans_on_the_view(qtbot: QtBot, db: Database) -> None:
    tab = open_tab(qtbot, db, store(db, filled_report("2021", year=2021)))
    view: ReportTableView = tab.view
    assert view.horizontalHeader().isHidden() and view.verticalHeader().isHidden()
    assert (view.rowSpan(0, 0), view.columnSpan(0, 0)) == (3, 3)  # the note in the corner
    assert (view.rowSpan(0, 3), view.columnSpan(0, 3)) == (1, 7)  # 申请人情况
    assert (view.rowSpan(1, 3), view.columnSpan(1, 3)) == (2, 1)  # 自然人
    assert (view.rowSpan(1, 4), view.columnSpan(1, 4)) == (1, 5)  # 法人或其他组织
    assert tab.model.index(5, 0).data() == "三、本年度办理结果"
    assert (view.rowSpan(5, 0), view.columnSpan(5, 0)) == (22, 1)
    assert (view.rowSpan(3, 0), view.columnSpan(3, 0)) == (1, 3)  # 一、本年新收…
    assert view.columnWidth(2) > 2 * view.columnWidth(3)  # long labels get room, numbers stay narrow


def test_t3_2019_spans_on_the_view(qtbot: QtBot, db: Database) -> None:
    tab = open_tab(qtbot, db, store(db, filled_report("2019", year=2020)))
    assert (tab.view.rowSpan(5, 0), tab.view.columnSpan(5, 0)) == (20, 1)


def test_t4_spans_on_the_view(qtbot: QtBot, db: Database) -> None:
    tab = open_tab(qtbot, db, store(db, filled_report("2021", year=2021)), "t4")
    view = tab.view
    assert tab.model.index(0, 0).data() == "行政复议"
    assert (view.rowSpan(0, 0), view.columnSpan(0, 0)) == (2, 5)
    assert (view.rowSpan(0, 5), view.columnSpan(0, 5)) == (1, 10)  # 行政诉讼
    assert (view.rowSpan(1, 5), view.columnSpan(1, 5)) == (1, 5)  # 未经复议直接起诉
    assert (view.rowSpan(1, 10), view.columnSpan(1, 10)) == (1, 5)  # 复议后起诉
    assert view.current_key() == ("t4", "review", "upheld")
