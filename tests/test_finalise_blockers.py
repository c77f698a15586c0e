"""What stands in the way of 定稿 is on the panel before the clerk clicks (issue 12 items 5, 8): a report with
nothing written cannot be finalised by "explaining" its warnings with "无", and an explanation belongs to the
values it was written for."""

from __future__ import annotations

from datetime import date

import pytest

from models.database import Database
from services import storage
from services.checks import check_report, finalise_blockers
from services.editing import ReportEditor
from services.explanations import thin_reason
from services.importing import import_report
from services.report import Report, empty_report
from tests.factories import filled_report

CARRIED_IN = ("t3", "carried_in", "natural")


def stored(db: Database, report: Report) -> int:
    with db.transaction() as session:
        return storage.save_report(session, report)


def messages(report: Report) -> list[str]:
    return [f.message for f in check_report(report) if f.rule == "REQUIRED"]


def test_an_empty_report_lists_what_it_lacks_as_errors_while_drafting() -> None:
    report = empty_report("某县教育局", 2025)
    assert messages(report) == [
        "未填写署名（发布报告的机关）",
        "未填写成文日期",
        "“一、总体情况”尚未填写",
        "“五、存在的主要问题及改进情况”尚未填写",
        "“六、其他需要报告的事项”尚未填写",
    ]
    assert all(f.severity == "error" for f in check_report(report) if f.rule == "REQUIRED")


def test_a_complete_report_lacks_nothing_and_one_written_text_of_a_section_is_enough() -> None:
    report = filled_report("2021")
    assert messages(report) == []
    report.texts["s1_active"] = ""  # the section still has text: a warning for the sub-topic, not the error
    assert messages(report) == []
    assert [f.rule for f in check_report(report) if "s1_active" in f.texts] == ["NARRATIVE_EMPTY"]


@pytest.mark.parametrize("said", ["无", "无。", " 暂无 ", "没有", "同上", "……", "aaaa", "已核实"])
def test_a_word_that_says_nothing_does_not_explain_a_warning(said: str) -> None:
    report = filled_report("2021")
    report.texts["s5_problems"], report.texts["s5_improvements"] = "无", ""
    report.explanations["S5_EMPTY"] = said
    [finding] = [f for f in check_report(report) if f.rule == "S5_EMPTY"]
    assert not finding.explained and finding.stored_explanation == said
    assert finding.explanation_note is not None and "过于简单" in finding.explanation_note
    assert [f.rule for f in finalise_blockers(report)] == ["S5_EMPTY"]


def test_a_reason_explains_a_warning() -> None:
    assert thin_reason("已核实无误") is None
    report = filled_report("2021")
    report.texts["s5_problems"], report.texts["s5_improvements"] = "无", ""
    report.explanations["S5_EMPTY"] = "本年度工作无明显问题，已经领导同意。"
    assert finalise_blockers(report) == []


def test_the_empty_report_of_the_issue_cannot_be_finalised_by_explaining_with_wu(db: Database) -> None:
    editor = ReportEditor.open(db, stored(db, empty_report("某县教育局", 2025)))
    for finding in editor.findings:
        if finding.severity == "warning":
            editor.set_explanation(finding.key, "无")
    refused = editor.finalise()
    assert not refused.ok
    assert "未填写署名（发布报告的机关）" in refused.problems and "未填写成文日期" in refused.problems
    assert "“一、总体情况”尚未填写" in refused.problems


def previous_and_current(db: Database) -> tuple[int, ReportEditor]:
    before = filled_report("2021", year=2022, seed=3)
    now = filled_report("2021", year=2023, seed=3)
    with db.transaction() as session:
        import_report(session, before)
    report_id = stored(db, now)
    editor = ReportEditor.open(db, report_id)
    return report_id, editor


def carry_over(editor: ReportEditor) -> list[str]:
    return [f.message for f in editor.findings if f.key == "X_CARRY_OVER:natural"]


def test_an_explanation_stops_counting_when_its_values_change_and_is_confirmed_again(db: Database) -> None:
    report_id, editor = previous_and_current(db)
    was = editor.report.number(*CARRIED_IN)
    assert editor.set_cell_text(CARRIED_IN, str(was + 2)).ok
    [written_for] = carry_over(editor)
    assert "相差 2" in written_for
    assert editor.set_explanation("X_CARRY_OVER:natural", "上年报告结转数有误，已按实际更正").ok
    [finding] = [f for f in editor.findings if f.key == "X_CARRY_OVER:natural"]
    assert finding.explained

    assert editor.set_cell_text(CARRIED_IN, str(was + 1)).ok  # the difference becomes 1
    [finding] = [f for f in editor.findings if f.key == "X_CARRY_OVER:natural"]
    assert not finding.explained and finding.stored_explanation == "上年报告结转数有误，已按实际更正"
    assert finding.explanation_note is not None and written_for in finding.explanation_note
    assert any(f.key == "X_CARRY_OVER:natural" for f in editor.blocking())

    # reopened later: the tie is stored, not just in memory
    again = ReportEditor.open(db, report_id)
    assert not next(f for f in again.findings if f.key == "X_CARRY_OVER:natural").explained

    assert again.set_explanation("X_CARRY_OVER:natural", "上年报告结转数有误，已按实际更正").ok  # confirmed
    [finding] = [f for f in again.findings if f.key == "X_CARRY_OVER:natural"]
    assert finding.explained and finding.explanation_note is None


def test_an_explanation_in_an_imported_file_is_tied_to_the_values_in_the_file(db: Database) -> None:
    report = filled_report("2021")
    report.signed_on = date(2023, 6, 1)  # late: SIGN_DATE
    report.explanations["SIGN_DATE"] = "经主要负责人同意延期发布"
    with db.transaction() as session:
        report_id = import_report(session, report).report_id
    editor = ReportEditor.open(db, report_id)
    assert [f.explained for f in editor.findings if f.rule == "SIGN_DATE"] == [True]
    assert editor.set_field("signed_on", date(2023, 7, 1)).ok
    assert [f.explained for f in editor.findings if f.rule == "SIGN_DATE"] == [False]
