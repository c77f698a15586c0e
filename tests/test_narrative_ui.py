"""The narrative tabs and 基本信息 as a clerk uses them: typing is saved after a pause, on leaving the editor and
when the window closes; the fee and basic fields save valid input and refuse the rest."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QLabel, QWidget
from pytestqt.qtbot import QtBot

from models.database import Database
from services import storage
from services.editing import EditOutcome, ReportEditor
from services.formats import Section
from services.report import Report
from services.values import parse_yuan
from tests.factories import filled_report
from ui.basic_tab import BasicTab
from ui.narrative_tab import FEE_AMOUNT_LABEL, NarrativeTab
from ui.report_session import ReportSession


def open_session(db: Database, report: Report) -> ReportSession:
    with db.transaction() as s:
        report_id = storage.save_report(s, report)
    return ReportSession(ReportEditor.open(db, report_id))


def stored(session: ReportSession) -> Report:
    """The report as a fresh database query sees it."""
    with session.editor.db.transaction() as s:
        return storage.load_report(s, session.editor.report_id)


def section(session: ReportSession, key: str) -> Section:
    return next(s for s in session.editor.format.sections if s.key == key)


def type_text(qtbot: QtBot, widget: QWidget, text: str) -> None:
    """Type as a clerk does: Latin keys as key presses, Chinese (and full-width) text as an input-method commit
    (QTest cannot press keys outside Latin-1)."""
    for run in re.findall(r"[\x00-\xff]+|[^\x00-\xff]+", text):
        if run[0] <= "\xff":
            QTest.keyClicks(widget, run)
        else:
            event = QInputMethodEvent()
            event.setCommitString(run)
            QApplication.sendEvent(widget, event)


def shown(qtbot: QtBot, widget: QWidget) -> None:
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitExposed(widget)
    widget.activateWindow()


@pytest.fixture
def session(db: Database) -> ReportSession:
    report = filled_report("2021")
    report.texts["s1_active"] = ""
    return open_session(db, report)


def test_shows_section_title_sub_headings_and_text(qtbot: QtBot, session: ReportSession) -> None:
    tab = NarrativeTab(session, section(session, "s1"))
    qtbot.addWidget(tab)
    labels = {label.text() for label in tab.findChildren(QLabel)}
    assert {"一、总体情况", "（一）主动公开", "（五）监督保障"} <= labels
    assert tab.keys() == ("s1_active", "s1_request", "s1_management", "s1_platform", "s1_oversight")
    assert tab.editors["s1_request"].toPlainText() == session.editor.report.text("s1_request")
    five = NarrativeTab(session, section(session, "s5"))
    qtbot.addWidget(five)
    assert {"存在的主要问题", "改进情况"} <= {label.text() for label in five.findChildren(QLabel)}
    assert five.fee_notices_edit is None


def test_typing_is_saved_a_second_after_the_last_keystroke(qtbot: QtBot, session: ReportSession) -> None:
    tab = NarrativeTab(session, section(session, "s1"))
    shown(qtbot, tab)
    type_text(qtbot, tab.editors["s1_active"], "本年主动公开信息120条")
    assert stored(session).text("s1_active") == ""  # not on every keystroke
    qtbot.wait(500)
    type_text(qtbot, tab.editors["s1_active"], "。")  # typing again restarts the second
    qtbot.wait(700)
    assert stored(session).text("s1_active") == ""
    qtbot.waitUntil(lambda: stored(session).text("s1_active") == "本年主动公开信息120条。", timeout=3000)
    assert tab.counters["s1_active"].text() == "共 13 字"


def test_leaving_the_editor_saves_at_once(qtbot: QtBot, session: ReportSession) -> None:
    tab = NarrativeTab(session, section(session, "s1"))
    shown(qtbot, tab)
    edit = tab.editors["s1_active"]
    edit.setFocus()
    qtbot.waitUntil(edit.hasFocus)
    type_text(qtbot, edit, "主动公开")
    QTest.keyClick(edit, Qt.Key.Key_Tab)  # Tab moves to the next editor
    qtbot.waitUntil(lambda: tab.editors["s1_request"].hasFocus())
    assert stored(session).text("s1_active") == "主动公开"


def test_closing_with_unsaved_text_saves_it(qtbot: QtBot, session: ReportSession) -> None:
    tab = NarrativeTab(session, section(session, "s5"))
    basic = BasicTab(session)
    shown(qtbot, tab)
    qtbot.addWidget(basic)
    for edit, text in ((tab.editors["s5_improvements"], "，下一步加强培训。"), (basic.preamble_edit, "特此报告。")):
        QTest.keyClick(edit, Qt.Key.Key_End, Qt.KeyboardModifier.ControlModifier)
        type_text(qtbot, edit, text)
    tab.flush()
    basic.flush()
    fresh = stored(session)
    assert fresh.text("s5_improvements").endswith("，下一步加强培训。")
    assert fresh.text("preamble").endswith("特此报告。")
    version = session.editor.version
    tab.flush()  # nothing new: nothing written
    assert session.editor.version == version


def test_character_count_follows_the_text(qtbot: QtBot, session: ReportSession) -> None:
    tab = NarrativeTab(session, section(session, "s1"))
    qtbot.addWidget(tab)
    assert tab.counters["s1_active"].text() == "共 0 字"
    type_text(qtbot, tab.editors["s1_active"], "ab 政务")
    assert tab.counters["s1_active"].text() == "共 4 字"
    tab.flush()


def test_fee_fields_save_valid_values_and_refuse_the_rest(qtbot: QtBot, session: ReportSession) -> None:
    tab = NarrativeTab(session, section(session, "s6"))
    shown(qtbot, tab)
    notices, amount = tab.fee_notices_edit, tab.fee_amount_edit
    assert notices is not None and amount is not None
    assert (notices.text(), amount.text()) == ("0", "0")

    notices.clear()
    type_text(qtbot, notices, "３")
    QTest.keyClick(notices, Qt.Key.Key_Return)
    amount.clear()
    type_text(qtbot, amount, "1,200.50元")
    QTest.keyClick(amount, Qt.Key.Key_Return)
    assert stored(session).fees.notices == 3
    assert stored(session).fees.amount_yuan == Decimal("1200.5")
    assert amount.text() == "1200.5"

    failures: list[EditOutcome] = []
    session.failed.connect(failures.append)
    for field, text in ((notices, "abc"), (amount, "1.234"), (amount, "abc")):
        field.clear()
        type_text(qtbot, field, text)
        QTest.keyClick(field, Qt.Key.Key_Return)
        assert field.text() == text  # kept for correction
    assert len(failures) == 3 and not any(f.ok for f in failures)
    assert "abc" in failures[0].message and "不是数字" in failures[0].message
    assert FEE_AMOUNT_LABEL in failures[1].message and "2 位小数" in failures[1].message
    assert (stored(session).fees.notices, stored(session).fees.amount_yuan) == (3, Decimal("1200.5"))

    amount.clear()
    QTest.keyClick(amount, Qt.Key.Key_Return)  # empty: not filled in
    assert stored(session).fees.amount_yuan is None


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("0", Decimal(0)),
        ("１２００", Decimal(1200)),
        ("1,200.5 元", Decimal("1200.5")),
        ("0.12万元", Decimal(1200)),
        ("", None),
    ],
)
def test_yuan_input(typed: str, expected: Decimal | None) -> None:
    assert parse_yuan(typed) == expected


def test_section_six_of_2019_has_no_fee_fields(qtbot: QtBot, db: Database) -> None:
    session = open_session(db, filled_report("2019"))
    tab = NarrativeTab(session, section(session, "s6"))
    qtbot.addWidget(tab)
    assert tab.fee_notices_edit is None and tab.fee_amount_edit is None
    assert tab.keys() == ("s6_other",)


def test_reload_refills_without_saving(qtbot: QtBot, session: ReportSession) -> None:
    tab = NarrativeTab(session, section(session, "s1"))
    shown(qtbot, tab)
    other = ReportEditor.open(session.editor.db, session.editor.report_id)
    assert other.set_text("s1_request", "同事改过的文字").ok
    reloads: list[bool] = []
    session.reloaded.connect(lambda: reloads.append(True))
    type_text(qtbot, tab.editors["s1_active"], "我写的")
    tab.flush()  # stale: the session reloads the report, saves the typed text again and says so
    assert reloads == [True]
    assert tab.editors["s1_request"].toPlainText() == "同事改过的文字"
    assert tab.editors["s1_active"].toPlainText().endswith("我写的")
    assert stored(session).text("s1_active").endswith("我写的")
    version = stored(session)
    qtbot.wait(1200)  # a refill starts no save
    assert stored(session) == version
    assert session.editor.version == other.version + 1  # theirs, then ours written again


def test_show_key_focuses_the_editor(qtbot: QtBot, session: ReportSession) -> None:
    tab = NarrativeTab(session, section(session, "s1"))
    shown(qtbot, tab)
    assert tab.show_key("s1_platform")
    qtbot.waitUntil(tab.editors["s1_platform"].hasFocus)
    assert not tab.show_key("s5_problems")


def test_final_report_is_read_only(qtbot: QtBot, db: Database) -> None:
    report = filled_report("2021")
    report.status = "final"
    session = open_session(db, report)
    tab = NarrativeTab(session, section(session, "s6"))
    basic = BasicTab(session)
    qtbot.addWidget(tab)
    qtbot.addWidget(basic)
    assert all(edit.isReadOnly() for edit in tab.editors.values())
    assert tab.fee_notices_edit is not None and tab.fee_notices_edit.isReadOnly()
    assert basic.title_edit.isReadOnly() and basic.preamble_edit.isReadOnly()
    assert not basic.date_set.isEnabled()


# ---------------------------------------------------------------- 基本信息


def test_basic_tab_shows_the_report_and_saves_title_and_signer(qtbot: QtBot, db: Database) -> None:
    report = filled_report("2021", agency="某某市某某局")
    report.signed_by = None
    session = open_session(db, report)
    tab = BasicTab(session)
    shown(qtbot, tab)
    assert tab.agency_label.text() == "某某市某某局"
    assert "2022" in tab.year_label.text()
    assert tab.format_label.text() == "中华人民共和国政府信息公开工作年度报告格式（格式 2021）"
    assert tab.title_edit.text() == ""
    assert tab.title_edit.placeholderText() == session.editor.report.display_title()

    type_text(qtbot, tab.title_edit, "某某局2022年政府信息公开工作年度报告")
    QTest.keyClick(tab.title_edit, Qt.Key.Key_Return)
    type_text(qtbot, tab.signed_by_edit, "某某市某某局办公室")
    QTest.keyClick(tab.signed_by_edit, Qt.Key.Key_Return)
    fresh = stored(session)
    assert fresh.title == "某某局2022年政府信息公开工作年度报告"
    assert fresh.signed_by == "某某市某某局办公室"

    tab.title_edit.clear()
    QTest.keyClick(tab.title_edit, Qt.Key.Key_Return)
    assert stored(session).title is None


def test_basic_tab_signing_date_can_be_set_changed_and_cleared(qtbot: QtBot, db: Database) -> None:
    report = filled_report("2021")
    report.signed_on = None
    session = open_session(db, report)
    tab = BasicTab(session)
    shown(qtbot, tab)
    assert not tab.date_set.isChecked() and not tab.date_edit.isEnabled()
    assert tab.date_edit.text() == "未填写"

    QTest.mouseClick(tab.date_set, Qt.MouseButton.LeftButton)
    assert tab.date_set.isChecked() and tab.date_edit.isEnabled()
    first = stored(session).signed_on
    assert first is not None and first.year == 2023

    tab.date_edit.setDate(QDate(2023, 1, 25))  # as picked in the calendar pop-up
    assert stored(session).signed_on == date(2023, 1, 25)
    assert tab.date_edit.text() == "2023年1月25日"

    tab.date_set.setChecked(False)
    assert stored(session).signed_on is None
    assert tab.date_edit.text() == "未填写"


def test_basic_tab_preamble_is_saved_after_a_pause(qtbot: QtBot, session: ReportSession) -> None:
    tab = BasicTab(session)
    shown(qtbot, tab)
    tab.preamble_edit.clear()
    type_text(qtbot, tab.preamble_edit, "本报告依据条例编制。")
    qtbot.waitUntil(lambda: stored(session).text("preamble") == "本报告依据条例编制。", timeout=3000)
    assert tab.preamble_counter.text() == "共 10 字"
    assert tab.show_key("preamble") and not tab.show_key("s1_active")
