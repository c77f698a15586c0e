"""The open report as the window edits it, headless: every edit saved at once, totals follow, undo/redo,
paste all-or-nothing, stale versions, 定稿 and 重新打开."""

from __future__ import annotations

import pytest

from models.database import Database
from services import storage
from services.checks import errors
from services.editing import ReportEditor
from services.formats import CellKey
from services.report import Report
from tests.factories import filled_report, sample_report

NEW = ("t3", "new", "natural")
NEW_TOTAL = ("t3", "new", "total")


def stored(db: Database, report: Report) -> int:
    with db.transaction() as session:
        return storage.save_report(session, report)


def fresh(db: Database, report_id: int) -> Report:
    with db.transaction() as session:
        return storage.load_report(session, report_id)


def test_a_typed_value_is_saved_with_the_totals_it_moves(db: Database) -> None:
    report_id = stored(db, filled_report("2021"))
    editor = ReportEditor.open(db, report_id)
    before_total = editor.report.number(*NEW_TOTAL)
    before_value = editor.report.number(*NEW)
    outcome = editor.set_cell_text(NEW, "１，０００")
    assert outcome.ok and "已保存" in outcome.message
    assert set(outcome.changed) == {NEW, NEW_TOTAL}
    saved = fresh(db, report_id)
    assert saved.get(*NEW) == 1000
    assert saved.get(*NEW_TOTAL) == before_total - before_value + 1000
    assert [f.rule for f in editor.findings if f.severity == "error"] == ["T3_BALANCE", "T3_BALANCE"]
    assert not next(i for i in editor.identities if i.rule == "T3_BALANCE" and i.line == "natural").ok
    with db.transaction() as session:
        [line] = storage.list_reports(session)
    assert (line.errors, line.version) == (2, 2)


@pytest.mark.parametrize(("text", "reason"), [("abc", "字符“a”"), ("1.5", "不是整数"), ("-2", "负数")])
def test_an_invalid_entry_changes_nothing_and_says_why(db: Database, text: str, reason: str) -> None:
    report_id = stored(db, filled_report("2021"))
    editor = ReportEditor.open(db, report_id)
    was = editor.report.get(*NEW)
    outcome = editor.set_cell_text(NEW, text)
    assert not outcome.ok and reason in outcome.message
    assert editor.report.get(*NEW) == was and fresh(db, report_id).get(*NEW) == was
    assert editor.version == 1 and not editor.can_undo()


def test_a_computed_total_cannot_be_typed_into(db: Database) -> None:
    editor = ReportEditor.open(db, stored(db, filled_report("2021")))
    assert not editor.set_cell_text(NEW_TOTAL, "5").ok


def test_undo_and_redo_go_through_the_database(db: Database) -> None:
    report_id = stored(db, filled_report("2021"))
    editor = ReportEditor.open(db, report_id)
    was = editor.report.get(*NEW)
    editor.set_cell_text(NEW, "77")
    editor.set_cell_text(NEW, "78")
    assert editor.undo().ok and fresh(db, report_id).get(*NEW) == 77
    assert editor.undo().ok and fresh(db, report_id).get(*NEW) == was
    assert not editor.undo().ok
    assert editor.redo().ok and fresh(db, report_id).get(*NEW) == 77
    editor.set_cell_text(NEW, "5")
    assert not editor.can_redo()


def test_paste_is_all_or_nothing(db: Database) -> None:
    report_id = stored(db, filled_report("2021"))
    editor = ReportEditor.open(db, report_id)
    from services.grid_layout import grid_layout

    layout = grid_layout(editor.format, "t3")
    targets = layout.block_targets(NEW, 2, 3)
    bad = editor.paste(targets, [["1", "2", "3"], ["4", "五", "6"]])
    assert not bad.ok and "第2行第2个值" in bad.message and "五" in bad.message
    assert fresh(db, report_id).cells == editor.report.cells
    good = editor.paste(targets, [["1", "2", "3"], ["4", "5", "6"]])
    assert good.ok
    saved = fresh(db, report_id)
    assert [saved.get(*k) for row in targets for k in row if k] == [1, 2, 3, 4, 5, 6]
    assert editor.undo().ok
    assert fresh(db, report_id).cells == filled_report("2021").cells


def test_paste_onto_a_total_keeps_the_computed_value(db: Database) -> None:
    editor = ReportEditor.open(db, stored(db, filled_report("2021")))
    targets = [[("t3", "new", "other_org"), NEW_TOTAL]]
    outcome = editor.paste(targets, [["3", "999"]])
    assert outcome.ok and "合计" in outcome.message
    assert editor.report.get(*NEW_TOTAL) != 999


def test_published_totals_are_kept_until_accepted(db: Database) -> None:
    report = sample_report()
    report.cells[("t4", "review", "total")] = 5  # as published, wrong
    report_id = stored(db, report)
    editor = ReportEditor.open(db, report_id)
    editor.set_cell_text(NEW, "7")
    assert editor.report.get("t4", "review", "total") == 5
    assert editor.accept_computed_totals().ok
    assert fresh(db, report_id).get("t4", "review", "total") == 0


def test_a_stale_editor_reloads_instead_of_overwriting(db: Database) -> None:
    report_id = stored(db, filled_report("2021"))
    mine, theirs = ReportEditor.open(db, report_id), ReportEditor.open(db, report_id)
    assert theirs.set_cell_text(NEW, "40").ok
    outcome = mine.set_cell_text(NEW, "41")
    assert not outcome.ok and outcome.reloaded and "其他人" in outcome.message
    assert fresh(db, report_id).get(*NEW) == 40
    assert mine.report.get(*NEW) == 40 and mine.version == theirs.version
    assert mine.set_cell_text(NEW, "41").ok


def test_texts_fields_and_explanations_are_saved(db: Database) -> None:
    from datetime import date

    report_id = stored(db, filled_report("2021"))
    editor = ReportEditor.open(db, report_id)
    assert editor.set_text("s1_active", "本年度主动公开信息120条。").ok
    assert editor.set_field("signed_on", date(2023, 1, 15)).ok
    assert editor.set_explanation("X_SWING", "专项整治").ok
    saved = fresh(db, report_id)
    assert saved.text("s1_active") == "本年度主动公开信息120条。"
    assert saved.signed_on == date(2023, 1, 15) and saved.explanations == {"X_SWING": "专项整治"}
    assert editor.set_explanation("X_SWING", "  ").ok and fresh(db, report_id).explanations == {}


def test_finalise_is_refused_while_errors_stand_then_read_only_then_reopen(db: Database) -> None:
    report_id = stored(db, filled_report("2021"))
    editor = ReportEditor.open(db, report_id)
    editor.set_cell_text(NEW, "500")
    refused = editor.finalise()
    assert not refused.ok and any("表三“自然人”列" in p for p in refused.problems)
    assert fresh(db, report_id).status == "draft"
    editor.undo()
    assert editor.finalise().ok and fresh(db, report_id).status == "final"
    assert editor.read_only and not editor.set_cell_text(NEW, "1").ok and not editor.set_text("s1_active", "x").ok
    assert not editor.reopen("  ").ok
    assert editor.reopen("上级要求补充数据").ok and fresh(db, report_id).status == "draft"
    assert [(r.what, r.reason) for r in editor.history() if r.what == "status"] == [
        ("status", "定稿"),
        ("status", "上级要求补充数据"),
    ]


def test_an_unexplained_warning_blocks_finalising_until_explained(db: Database) -> None:
    report = filled_report("2021")
    report.texts["s5_problems"], report.texts["s5_improvements"] = "无", ""
    editor = ReportEditor.open(db, stored(db, report))
    refused = editor.finalise()
    assert not refused.ok and "1 个未说明的提示" in refused.message
    assert editor.set_explanation("S5_EMPTY", "本年度工作无明显问题，已经领导同意。").ok
    assert editor.finalise().ok


def test_clear_empties_value_cells_only(db: Database) -> None:
    report_id = stored(db, filled_report("2021"))
    editor = ReportEditor.open(db, report_id)
    review_total = ("t4", "review", "total")
    keys: list[CellKey] = [NEW, review_total]
    assert editor.clear(keys).ok
    saved = fresh(db, report_id)
    assert saved.get(*NEW) is None and saved.get(*review_total) == filled_report("2021").get(*review_total)
    assert saved.get(*NEW_TOTAL) is None  # follows its parts: not known while one is empty


def test_a_cleared_cell_leaves_its_total_empty_and_its_identities_unjudged(db: Database) -> None:
    report_id = stored(db, filled_report("2021"))
    editor = ReportEditor.open(db, report_id)
    row = [("t4", "review", col) for col in ("upheld", "corrected", "other", "pending")]
    assert editor.clear(row[:2]).ok
    assert editor.report.get("t4", "review", "total") is None  # not known until its parts are: no partial sum
    assert [f.key for f in errors(editor.findings)] == ["VALUE_MISSING:t4"]
    assert editor.clear(row[2:]).ok
    assert fresh(db, report_id).get("t4", "review", "total") is None  # nothing says it is 0
    result = next(r for r in editor.identities if r.rule == "T4_ROW_TOTAL" and r.line == "review")
    assert not result.judged and result.ok
    assert [f.key for f in errors(editor.findings)] == ["VALUE_MISSING:t4"]
    refused = editor.finalise()
    assert not refused.ok and any("定稿时不能留空" in p for p in refused.problems)
    assert editor.set_cell_text(row[0], "1").ok
    assert editor.report.get("t4", "review", "total") is None
    assert editor.paste([row[1:]], [["0", "2", "0"]]).ok
    assert editor.report.get("t4", "review", "total") == 3  # the row is full
    assert editor.undo().ok and fresh(db, report_id).get("t4", "review", "total") is None


def test_accepting_totals_keeps_a_published_total_whose_parts_were_not_all_read(db: Database) -> None:
    report = sample_report()
    report.cells[("t4", "review", "total")] = 5  # as published, wrong, over parts all read
    del report.cells[("t3", "granted", "natural")]  # not read: 予以公开's published 总计 stays
    report.cells[("t3", "granted", "total")] = 9
    editor = ReportEditor.open(db, stored(db, report))
    assert "T3_ROW_TOTAL:granted" not in {f.key for f in editor.findings}
    assert editor.accept_computed_totals().ok
    assert editor.report.get("t4", "review", "total") == 0
    assert editor.report.get("t3", "granted", "total") == 9


def test_typing_the_unread_cells_of_a_row_keeps_its_published_total_until_the_row_is_full(db: Database) -> None:
    report = sample_report()
    granted = [("t3", "granted", col) for col in ("natural", "business")]
    published = report.number("t3", "granted", "total")
    values = [report.cells.pop(key) for key in granted]  # both unread
    editor = ReportEditor.open(db, stored(db, report))
    assert editor.set_cell_text(granted[0], str(values[0])).ok
    assert editor.report.get("t3", "granted", "total") == published  # kept, still checked in 三(七)总计's sums
    assert editor.report.get("t3", "total_handled", "natural") == report.get("t3", "total_handled", "natural")
    assert editor.set_cell_text(granted[1], str(values[1] + 2)).ok  # full: the sum of what was typed
    assert editor.report.get("t3", "granted", "total") == published + 2
    assert "T3_BALANCE:business" in {f.key for f in editor.findings}


def test_typed_text_survives_a_stale_version(db: Database) -> None:
    report_id = stored(db, filled_report("2021"))
    mine, theirs = ReportEditor.open(db, report_id), ReportEditor.open(db, report_id)
    assert theirs.set_cell_text(NEW, "40").ok
    outcome = mine.set_text("s1_active", "我的文字")
    assert outcome.ok
    saved = fresh(db, report_id)
    assert saved.text("s1_active") == "我的文字" and saved.get(*NEW) == 40
    assert theirs.set_text("s1_platform", "他们的文字").ok
    assert mine.set_text("s1_platform", "我的平台文字").ok  # same text changed by both: mine saved, theirs logged
    assert fresh(db, report_id).text("s1_platform") == "我的平台文字"
    assert any(r.what == "text s1_platform" and r.old == "他们的文字" for r in mine.history())


def test_a_refused_write_keeps_what_was_typed_and_changes_nothing(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sqlite3

    from sqlalchemy.exc import OperationalError

    report_id = stored(db, filled_report("2021"))
    editor = ReportEditor.open(db, report_id)
    was = editor.report.get(*NEW)

    def read_only(*args: object, **kwargs: object) -> int:
        raise OperationalError("UPDATE", {}, sqlite3.OperationalError("attempt to write a readonly database"))

    monkeypatch.setattr(storage, "set_cells", read_only)
    outcome = editor.set_cell_text(NEW, "１２")
    assert not outcome.ok and "只读" in outcome.message and outcome.retry_text == "１２"
    assert editor.report.get(*NEW) == was and not editor.can_undo()
    monkeypatch.undo()
    assert fresh(db, report_id).get(*NEW) == was
    assert editor.set_cell_text(NEW, outcome.retry_text).ok
    assert fresh(db, report_id).get(*NEW) == 12


def test_a_value_whose_total_overflows_is_refused_in_words_of_what_was_typed(db: Database) -> None:
    editor = ReportEditor.open(db, stored(db, filled_report("2021")))
    outcome = editor.set_cell_text(NEW, "999999999")
    assert not outcome.ok
    assert "填入后“表三" in outcome.message and "的合计将为" in outcome.message and "超过上限" in outcome.message
    assert "“1000000" not in outcome.message.split("合计将为")[0]  # the sum is not called what was typed
    assert editor.report.get(*NEW) != 999999999


@pytest.mark.parametrize(("format_id", "hint"), [("2021", False), ("2019", True)])
def test_a_negative_count_names_the_column_of_changes_only_where_the_form_has_one(
    db: Database, format_id: str, hint: bool
) -> None:
    editor = ReportEditor.open(db, stored(db, filled_report(format_id)))
    key = next(spec.key for spec in editor.format.table("t2").cells if spec.kind == "count" and not spec.computed)
    outcome = editor.set_cell_text(key, "-3")
    assert not outcome.ok and "负数" in outcome.message
    assert ("增减请填在“" in outcome.message) is hint


def test_a_count_with_its_unit_is_taken(db: Database) -> None:
    report_id = stored(db, filled_report("2021"))
    editor = ReportEditor.open(db, report_id)
    assert editor.set_cell_text(NEW, "12件").ok
    assert fresh(db, report_id).get(*NEW) == 12
