"""services/workspace.py: the window's use cases, one transaction each, the same calls the command line makes."""

from __future__ import annotations

import pytest

from models.database import Database
from services.documents import ReadReport
from services.workspace import Workspace
from tests.factories import filled_report


def test_an_import_over_a_stored_report_is_kept_or_replaced_as_asked_and_said(db: Database) -> None:
    space = Workspace(db)
    first = space.store("a.json", ReadReport(filled_report("2021", seed=1)), "refuse")
    assert first.report_id is not None and not first.replaced and first.messages == []
    again = filled_report("2021", seed=2)
    assert space.stored_as(again) == first.report_id

    kept = space.store("b.json", ReadReport(again), "keep")
    assert kept.report_id is None and any("已保留原有的" in m for m in kept.messages)
    assert space.load(first.report_id) == filled_report("2021", seed=1)

    replaced = space.store(
        "c.json", ReadReport(again, notices=("总计已按各项重算",), not_understood=("第3行",)), "replace"
    )
    assert replaced.replaced and replaced.report_id is not None
    assert replaced.messages == [
        "c.json：注意：总计已按各项重算",
        "c.json：以下内容未能识别，请核对后手工填写：\n  第3行",
    ]
    assert space.load(replaced.report_id) == again


def test_delete_is_refused_when_the_report_changed_after_the_question(db: Database) -> None:
    from services.editing import ReportEditor
    from services.errors import NianbaoError

    space = Workspace(db)
    report_id = space.store("a.json", ReadReport(filled_report("2021")), "refuse").report_id
    assert report_id is not None
    asked = space.to_delete(report_id)
    assert asked.name == "某某市某某局 2022 年报告" and not asked.final
    assert ReportEditor.open(db, report_id).set_text("s6_other", "刚补充的内容。").ok
    with pytest.raises(NianbaoError, match="修改"):
        space.delete(asked, None)
    assert space.find("某某市某某局", 2022) == report_id
    space.delete(space.to_delete(report_id), None)
    assert space.find("某某市某某局", 2022) is None and space.lines() == []


def test_an_import_names_its_file_in_the_reports_history(db: Database) -> None:
    space = Workspace(db)
    stored = space.store("县教育局/年报.json", ReadReport(filled_report("2021")), "refuse", source="县教育局/年报.json")
    assert stored.report_id is not None
    made = space.create("某县财政局", 2022, None)  # made in the app: no file
    [imported] = [e for e in space.history(stored.report_id) if e.what == "report"]
    assert (imported.new, imported.reason) == ("created", "导入自文件：县教育局/年报.json")
    assert [e.reason for e in space.history(made.report_id) if e.what == "report"] == [None]
    again = space.store("新.json", ReadReport(filled_report("2021", seed=2)), "replace", source="新.json")
    assert again.report_id is not None
    last = [e for e in space.history(again.report_id) if e.what == "report"][-1]
    assert (last.new, last.reason) == ("replaced", "导入自文件：新.json")
