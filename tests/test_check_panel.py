"""The check panel as a clerk uses it: identities with both sides' numbers, jumping to a cell or a text, and
writing the 审核说明 of a warning."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QLineEdit, QTreeWidgetItem
from pytestqt.qtbot import QtBot

from models.database import Database
from services.editing import ReportEditor
from tests.factories import filled_report
from tests.test_narrative_ui import open_session, stored, type_text
from ui.check_panel import ERRORS_TITLE, WARNINGS_TITLE, CheckPanel
from ui.report_session import ReportSession

NATURAL_NEW = ("t3", "new", "natural")


def panel_for(qtbot: QtBot, session: ReportSession) -> CheckPanel:
    panel = CheckPanel(session)
    qtbot.addWidget(panel)
    panel.resize(520, 700)
    panel.show()
    qtbot.waitExposed(panel)
    return panel


def groups(panel: CheckPanel) -> dict[str, QTreeWidgetItem]:
    """Top-level groups by title without the counts: 表三 勾稽关系, 错误, 提示（需填写审核说明）."""
    tree = panel.tree
    items = [item for i in range(tree.topLevelItemCount()) if (item := tree.topLevelItem(i)) is not None]
    return {
        next(t for t in (WARNINGS_TITLE, ERRORS_TITLE, item.text(0).split("（")[0]) if item.text(0).startswith(t)): item
        for item in items
    }


def children(item: QTreeWidgetItem) -> list[QTreeWidgetItem]:
    return [c for i in range(item.childCount()) if (c := item.child(i)) is not None]


def click(qtbot: QtBot, panel: CheckPanel, item: QTreeWidgetItem) -> None:
    panel.tree.scrollToItem(item)
    QTest.mouseClick(
        panel.tree.viewport(),
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
        panel.tree.visualItemRect(item).center(),
    )


def balance_line(panel: CheckPanel, column_label: str) -> QTreeWidgetItem:
    table = groups(panel)["表三 勾稽关系"]
    # the T3_BALANCE line of a column: the only one with 二 (上年结转) in it
    return next(c for c in children(table) if c.text(0)[2:].startswith(f"{column_label}列  ") and " + 二(" in c.text(0))


@pytest.fixture
def session(db: Database) -> ReportSession:
    return open_session(db, filled_report("2021"))


def test_lists_every_identity_per_table_with_both_sides(qtbot: QtBot, session: ReportSession) -> None:
    panel = panel_for(qtbot, session)
    top = groups(panel)
    assert top["表三 勾稽关系"].text(0) == "表三 勾稽关系（✗ 0 / 共 39）"
    assert top["表四 勾稽关系"].text(0) == "表四 勾稽关系（✗ 0 / 共 3）"
    assert "表二 勾稽关系" not in top  # the formats declare no identity in 表二
    report = session.editor.report
    new, carried_in = report.number("t3", "new", "natural"), report.number("t3", "carried_in", "natural")
    handled, out = report.number("t3", "total_handled", "natural"), report.number("t3", "carried_out", "natural")
    assert balance_line(panel, "自然人").text(0) == (
        f"✓ 自然人列  一({new}) + 二({carried_in}) = {new + carried_in} ＝ "
        f"三(七)总计({handled}) + 四({out}) = {handled + out}"
    )
    rows = [c.text(0) for c in children(top["表四 勾稽关系"])]
    assert rows[0].startswith("✓ 行政复议行  总计(") and "＝ 结果维持(" in rows[0]
    assert panel.summary.text() == "错误 0 个，未说明的提示 0 个"
    assert top[ERRORS_TITLE].isHidden() and top[WARNINGS_TITLE].isHidden()


def test_broken_identity_shows_a_cross_and_turns_to_a_tick_when_fixed(qtbot: QtBot, session: ReportSession) -> None:
    panel = panel_for(qtbot, session)
    item = balance_line(panel, "自然人")
    before = session.editor.report.number(*NATURAL_NEW)
    assert session.set_cell_text(NATURAL_NEW, str(before + 1)).ok

    assert balance_line(panel, "自然人") is item  # updated in place
    text = item.text(0)
    assert text.startswith("✗ 自然人列  相差 1：")
    assert f"一({before + 1})" in text and "≠ 三(七)总计(" in text
    assert item.foreground(0).color().name() == "#c62828"
    assert groups(panel)["表三 勾稽关系"].text(0) == "表三 勾稽关系（✗ 2 / 共 39）"  # 自然人 and 总计 columns
    assert panel.summary.text() == "错误 2 个，未说明的提示 0 个"
    assert stored(session).number(*NATURAL_NEW) == before + 1

    assert session.set_cell_text(NATURAL_NEW, str(before)).ok
    assert item.text(0).startswith("✓ 自然人列  ")
    assert "相差" not in item.text(0)
    assert groups(panel)["表三 勾稽关系"].text(0) == "表三 勾稽关系（✗ 0 / 共 39）"


def test_an_identity_with_an_empty_cell_reads_as_not_judged(qtbot: QtBot, db: Database) -> None:
    # a report imported from a page where 二 of 自然人 could not be read
    report = filled_report("2021")
    carried_in = ("t3", "carried_in", "natural")
    was = report.cells.pop(carried_in)
    session = open_session(db, report)
    panel = panel_for(qtbot, session)
    item = balance_line(panel, "自然人")
    new, handled = report.number(*NATURAL_NEW), report.number("t3", "total_handled", "natural")
    out = report.number("t3", "carried_out", "natural")
    assert item.text(0) == f"○ 自然人列  待填写，暂不核对：一({new}) + 二(未填) ＝ 三(七)总计({handled}) + 四({out})"
    assert item.foreground(0).color().name() == "#6b6b6b"  # grey, not the red of a failing line
    assert "1 个单元格未填写" in item.toolTip(0)
    table = groups(panel)["表三 勾稽关系"]
    assert table.text(0) == "表三 勾稽关系（✗ 0 / 共 39，待填写 2）"  # the 自然人 balance and 二's row total
    assert table.foreground(0).color().name() == "#6b6b6b"
    (missing,) = children(groups(panel)[ERRORS_TITLE])
    assert missing.text(0).startswith("✗ 表三有 1 个单元格未填写（导入时未读取或尚未填写），有关的勾稽关系暂不核对")
    assert panel.summary.text() == "错误 1 个，未说明的提示 0 个"

    assert session.set_cell_text(carried_in, str(was + 5)).ok  # filled: judged, and it fails by 5
    assert balance_line(panel, "自然人") is item
    assert item.text(0).startswith("✗ 自然人列  相差 5：")
    assert item.foreground(0).color().name() == "#c62828"
    assert groups(panel)["表三 勾稽关系"].text(0) == "表三 勾稽关系（✗ 2 / 共 39）"  # 自然人 and 总计 columns
    assert groups(panel)[ERRORS_TITLE].isHidden()

    assert session.set_cell_text(carried_in, str(was)).ok
    assert item.text(0).startswith("✓ 自然人列  ") and item.foreground(0).color().name() != "#6b6b6b"
    assert panel.summary.text() == "错误 0 个，未说明的提示 0 个"


def test_a_cleared_cell_leaves_the_totals_over_it_not_judged(qtbot: QtBot, session: ReportSession) -> None:
    # the clerk deletes 二 of 自然人 and types a larger 一: 二's 总计 waits for the cell, and so does the balance
    # of the 总计 column, like that of the 自然人 column
    panel = panel_for(qtbot, session)
    assert session.clear([("t3", "carried_in", "natural")]).ok
    assert session.set_cell_text(NATURAL_NEW, str(session.editor.report.number(*NATURAL_NEW) + 1)).ok
    assert session.editor.report.get("t3", "carried_in", "total") is None
    total = balance_line(panel, "总计")
    assert total.text(0).startswith("○ 总计列  待填写，暂不核对：一(") and " + 二(未填) ＝ 三(七)总计(" in total.text(0)
    assert balance_line(panel, "自然人").text(0).startswith("○ 自然人列  ")
    assert groups(panel)["表三 勾稽关系"].text(0) == "表三 勾稽关系（✗ 0 / 共 39，待填写 3）"
    assert panel.summary.text() == "错误 1 个，未说明的提示 0 个"  # VALUE_MISSING of 表三


def test_clicking_a_crossed_line_asks_for_its_first_cell(qtbot: QtBot, session: ReportSession) -> None:
    panel = panel_for(qtbot, session)
    session.set_cell_text(NATURAL_NEW, "999")
    item = balance_line(panel, "自然人")
    assert item.text(0).startswith("✗")
    with qtbot.waitSignal(session.cell_requested, check_params_cb=lambda key: key == NATURAL_NEW):
        click(qtbot, panel, item)


def test_other_errors_are_listed_and_lead_nowhere_without_cells(qtbot: QtBot, db: Database) -> None:
    report = filled_report("2019", year=2022)  # the 2019 format for a 2022 report
    session = open_session(db, report)
    panel = panel_for(qtbot, session)
    errors = groups(panel)[ERRORS_TITLE]
    assert not errors.isHidden()
    lines = [c.text(0) for c in children(errors)]
    assert len(lines) == 1 and lines[0].startswith("✗ 2022 年度的报告使用了")
    assert panel.summary.text().startswith("错误 1 个")


def test_writing_an_explanation_marks_the_warning_explained(qtbot: QtBot, db: Database) -> None:
    report = filled_report("2021")
    report.texts["s1_active"] = ""
    session = open_session(db, report)
    panel = panel_for(qtbot, session)
    key = "NARRATIVE_EMPTY:s1_active"
    warnings = groups(panel)[WARNINGS_TITLE]
    line = children(warnings)[0]
    assert line.text(0) == "⚠ “一、总体情况·（一）主动公开”尚未填写"
    assert panel.summary.text() == "错误 0 个，未说明的提示 1 个"

    edit = panel.explanation_edit(key)
    explanation_line = line.child(0)
    assert edit is not None and explanation_line is not None
    assert panel.tree.itemWidget(explanation_line, 0) is edit
    type_text(qtbot, edit, "本单位本年度未主动公开政府信息。")
    QTest.keyClick(edit, Qt.Key.Key_Return)

    assert stored(session).explanations == {key: "本单位本年度未主动公开政府信息。"}
    assert line.text(0) == "✓ 已说明：“一、总体情况·（一）主动公开”尚未填写"
    assert panel.summary.text() == "错误 0 个，未说明的提示 0 个"
    assert panel.explanation_edit(key) is edit


def test_clicking_a_narrative_warning_asks_for_its_text(qtbot: QtBot, db: Database) -> None:
    report = filled_report("2021")
    report.texts["s1_request"] = "本年共收到政府信息公开申请99999件。"
    report.texts["s5_problems"], report.texts["s5_improvements"] = "无", ""
    report.texts["s6_other"] = ""
    session = open_session(db, report)
    panel = panel_for(qtbot, session)
    lines = children(groups(panel)[WARNINGS_TITLE])
    number = next(c for c in lines if c.text(0).startswith("⚠ “一、总体情况·（二）依申请公开”中写"))
    with qtbot.waitSignal(session.text_requested, check_params_cb=lambda key: key == "s1_request"):
        click(qtbot, panel, number)
    s5 = next(c for c in lines if c.text(0).startswith("⚠ “五、"))
    with qtbot.waitSignal(session.text_requested, check_params_cb=lambda key: key == "s5_problems"):
        click(qtbot, panel, s5)
    # an empty section is an error (REQUIRED), and its line leads to the section's text as well
    s6 = next(c for c in children(groups(panel)[ERRORS_TITLE]) if "六、其他需要报告的事项" in c.text(0))
    with qtbot.waitSignal(session.text_requested, check_params_cb=lambda key: key == "s6_other"):
        click(qtbot, panel, s6)


def test_a_half_typed_explanation_survives_other_edits(qtbot: QtBot, db: Database) -> None:
    report = filled_report("2021")
    report.texts["s1_active"] = ""
    session = open_session(db, report)
    panel = panel_for(qtbot, session)
    edit = panel.explanation_edit("NARRATIVE_EMPTY:s1_active")
    assert edit is not None
    edit.setFocus()
    qtbot.waitUntil(edit.hasFocus)
    type_text(qtbot, edit, "写到一半")

    # another warning comes and goes while the clerk is typing
    assert session.set_text("s1_platform", "").ok
    assert len(children(groups(panel)[WARNINGS_TITLE])) == 2
    assert session.set_cell_text(NATURAL_NEW, "7").ok
    assert session.set_text("s1_platform", "平台建设情况。").ok
    assert panel.explanation_edit("NARRATIVE_EMPTY:s1_active") is edit
    assert edit.text() == "写到一半"
    assert stored(session).explanations == {}


def test_reload_and_final_report_are_shown(qtbot: QtBot, db: Database) -> None:
    report = filled_report("2021")
    report.signed_on = None
    session = open_session(db, report)
    panel = panel_for(qtbot, session)
    # the missing date is on the panel while drafting, as 定稿 will ask for it: an error, nothing to explain
    assert panel.summary.text() == "错误 1 个，未说明的提示 0 个"
    assert panel.explanation_edit("SIGN_DATE") is None
    assert any(c.text(0) == "✗ 未填写成文日期" for c in children(groups(panel)[ERRORS_TITLE]))
    other = ReportEditor.open(db, session.editor.report_id)
    assert other.set_text("s1_oversight", "").ok
    outcome = session.set_text("s1_active", "改动")  # stale: reloaded, then saved again
    assert outcome.ok and outcome.reloaded
    assert panel.summary.text() == "错误 1 个，未说明的提示 1 个"
    edit = panel.explanation_edit("NARRATIVE_EMPTY:s1_oversight")
    assert edit is not None and not edit.isReadOnly()


def explain(qtbot: QtBot, panel: CheckPanel, key: str, text: str) -> QLineEdit:
    """Type an explanation into a warning's box and press Enter, as the clerk does."""
    edit = panel.explanation_edit(key)
    assert edit is not None
    edit.setFocus()
    type_text(qtbot, edit, text)
    QTest.keyClick(edit, Qt.Key.Key_Return)
    return edit


def warning_text(panel: CheckPanel, words: str) -> str:
    return next(c.text(0) for c in children(groups(panel)[WARNINGS_TITLE]) if words in c.text(0))


def test_an_explanation_written_for_other_values_asks_to_be_confirmed(qtbot: QtBot, db: Database) -> None:
    # issue 12 item 8, typed as the clerk types: "相差 2" explained, the difference becomes 1, then confirmed
    report = filled_report("2021")
    report.signed_on = report.signed_on.replace(month=6) if report.signed_on else None  # late: SIGN_DATE
    session = open_session(db, report)
    panel = panel_for(qtbot, session)
    edit = explain(qtbot, panel, "SIGN_DATE", "经主要负责人同意延期发布")
    assert warning_text(panel, "成文日期").startswith("✓ 已说明")
    assert "此说明针对" in edit.toolTip()

    assert session.set_field("signed_on", report.signed_on.replace(month=7) if report.signed_on else None).ok
    assert warning_text(panel, "成文日期").startswith("⚠ [数值已变化，说明需重新确认]")
    assert edit.text() == "经主要负责人同意延期发布" and "6月" in edit.toolTip()
    assert panel.summary.text().endswith("未说明的提示 1 个")

    edit.setFocus()
    QTest.keyClick(edit, Qt.Key.Key_Return)  # the same words, confirmed for the new date
    assert warning_text(panel, "成文日期").startswith("✓ 已说明")
    assert panel.summary.text().endswith("未说明的提示 0 个")


def test_wu_is_kept_in_the_box_but_does_not_explain(qtbot: QtBot, db: Database) -> None:
    report = filled_report("2021")
    report.texts["s5_problems"], report.texts["s5_improvements"] = "无", ""
    session = open_session(db, report)
    panel = panel_for(qtbot, session)
    edit = explain(qtbot, panel, "S5_EMPTY", "无")
    assert warning_text(panel, "五、").startswith("⚠ [说明过于简单]") and edit.text() == "无"
    assert "过于简单" in edit.toolTip()
