"""插入数据段落: the sentences restating a text's figures, drafted from the tables in the wording of the format
file; they pass TEXT_NUMBER by construction, never state a figure for an empty cell, and are found again and
updated when the tables change."""

from __future__ import annotations

import io
import json
import shutil
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QDialog
from pytestqt.qtbot import QtBot

import services.formats as formats_module
from main import run
from models.database import Database
from services.checks import check_report
from services.drafting import draft, drafted, drafted_keys, inserted_text, stale_paragraphs, updated_text
from services.errors import FormatFileError
from services.exchange import dump_exchange
from services.format_reader import parse_format
from services.formats import all_formats, format_for_year
from services.paths import resource_path
from services.report import Report
from tests.factories import filled_report, sample_report
from tests.test_narrative_ui import open_session, section, shown, stored
from ui.draft_actions import DraftDialog
from ui.narrative_tab import NarrativeTab
from ui.report_session import ReportSession

YEAR = 2098
"""Not 2099, the year of tests/test_third_format.py: some check caches go by the format id."""


def text_numbers(report: Report, key: str) -> list[str]:
    return [f.message for f in check_report(report) if f.rule == "TEXT_NUMBER" and f.key.split(":")[1] == key]


def with_drafts(report: Report) -> Report:
    for key in drafted_keys(report):
        proposal = draft(report, key)
        assert proposal, key
        report.texts[key] = f"{report.texts.get(key, '')}\n{proposal}"
    return report


def format_data(fid: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(resource_path("formats", f"{fid}.json").read_text(encoding="utf-8"))
    return data


def test_the_sample_drafts_what_its_tables_say() -> None:
    report = sample_report()
    request = draft(report, "s1_request")
    assert request is not None
    assert request.startswith("本年度共收到政府信息公开申请6件，其中自然人申请6件，法人或其他组织申请0件；")
    assert "结转下年度继续办理0件。" in request
    # 表四 all 0: the clauses say so in words rather than as a row of zeros
    assert request.splitlines()[1] == "本年度未发生因政府信息公开申请引起的行政复议；未发生行政诉讼。"
    active = draft(report, "s1_active")
    assert active is not None and "行政许可处理决定33件" in active and "采购总金额533.41万元" in active
    assert draft(report, "s5_problems") is None  # no template


@pytest.mark.parametrize("fid", ["2019", "2021"])
@pytest.mark.parametrize("seed", [1, 2, 7, 11])
def test_drafted_texts_pass_text_number(fid: str, seed: int) -> None:
    report = with_drafts(filled_report(fid, seed=seed))
    assert set(drafted_keys(report)) >= {"s1_active", "s1_request"}
    for key in drafted_keys(report):
        assert text_numbers(report, key) == [], key


def test_the_drafted_sample_passes_text_number_and_a_changed_figure_does_not() -> None:
    report = with_drafts(sample_report())
    assert not [f for f in check_report(report) if f.rule == "TEXT_NUMBER"]
    report.texts["s1_request"] = report.texts["s1_request"].replace("申请6件", "申请7件")
    assert text_numbers(report, "s1_request")  # the check does see the drafted sentence


def test_reviews_and_suits_by_outcome() -> None:
    report = filled_report("2021", seed=3)
    text = draft(report, "s1_request")
    assert text is not None
    review = report.cells[("t4", "review", "total")]
    suits = report.cells[("t4", "suit_direct", "total")] + report.cells[("t4", "suit_after_review", "total")]
    upheld = report.cells[("t4", "suit_direct", "upheld")] + report.cells[("t4", "suit_after_review", "upheld")]
    assert f"行政复议{review}件，其中结果维持{report.cells[('t4', 'review', 'upheld')]}件" in text
    assert f"行政诉讼{suits}件" in text and f"结果维持{upheld}件" in text


def test_fees_of_2021() -> None:
    report = filled_report("2021")
    assert draft(report, "s6_other") == "本年度未收取信息处理费。"
    report.fees.notices, report.fees.amount_yuan = 3, Decimal("120.50")
    assert draft(report, "s6_other") == "本年度共发出收费通知3件，实际收取信息处理费120.50元。"
    report.fees.notices = None
    proposal = drafted(report, "s6_other")
    assert proposal is not None and proposal.text is None and proposal.missing == ("信息处理费·收费通知件数",)
    assert "s6_other" not in drafted_keys(filled_report("2019"))


def test_an_empty_cell_is_never_written_as_0() -> None:
    report = filled_report("2021")
    del report.cells[("t3", "deny_law", "total")]
    proposal = drafted(report, "s1_request")
    assert proposal is not None
    # the applications paragraph waits for the cell; the reviews paragraph is still proposed
    assert len(proposal.paragraphs) == 1 and proposal.paragraphs[0].startswith("本年度因政府信息公开申请引起行政复议")
    assert proposal.missing == ("表三“三、本年度办理结果 › （三）不予公开 › 2.其他法律行政法规禁止公开”行“总计”列",)
    for key in list(report.cells):
        if key[0] == "t4":
            del report.cells[key]
    proposal = drafted(report, "s1_request")
    assert proposal is not None and proposal.paragraphs == () and proposal.text is None
    assert draft(report, "s1_request") is None


def test_a_drafted_paragraph_is_updated_when_the_tables_change() -> None:
    report = filled_report("2021")
    first = draft(report, "s1_request")
    assert first is not None
    text = "我机关认真办理依申请公开。\n" + first + "\n办理工作规范。"
    report.texts["s1_request"] = text
    assert stale_paragraphs(report, "s1_request") == []
    report.cells[("t3", "granted", "natural")] += 5
    report.cells[("t3", "new", "natural")] += 5
    from services.checks import recompute_totals

    recompute_totals(report)
    assert text_numbers(report, "s1_request")
    stale = stale_paragraphs(report, "s1_request")
    assert len(stale) == 1 and stale[0].old == first.splitlines()[0]
    report.texts["s1_request"] = updated_text(text, stale)
    assert report.texts["s1_request"].startswith("我机关认真办理依申请公开。\n")
    assert report.texts["s1_request"].endswith("\n办理工作规范。")
    assert text_numbers(report, "s1_request") == []
    assert stale_paragraphs(report, "s1_request") == []


def test_a_paragraph_said_with_zeros_is_found_again_when_figures_appear() -> None:
    report = sample_report()
    report.texts["s1_request"] = draft(report, "s1_request") or ""
    report.cells[("t4", "review", "upheld")] = 1
    report.cells[("t4", "review", "total")] = 1
    stale = stale_paragraphs(report, "s1_request")
    assert [s.new for s in stale] == [
        "本年度因政府信息公开申请引起行政复议1件，其中结果维持1件、结果纠正0件、其他结果0件、尚未审结0件；未发生行政诉讼。"
    ]


def test_insertion_keeps_paragraphs_apart() -> None:
    assert inserted_text("甲乙", 1, "数据。") == ("甲\n数据。\n乙", 1, 6)
    assert inserted_text("甲\n", 2, "数据。") == ("甲\n数据。", 2, 5)
    assert inserted_text("", 0, "数据。") == ("数据。", 0, 3)


# ------------------------------------------------------------------ the templates are data


@pytest.fixture
def reworded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """A format for 2098 on: the 2021 file with a province's own wording of the applications sentence."""
    folder = tmp_path / "formats"
    folder.mkdir()
    for name in ("2019.json", "2021.json"):
        shutil.copy(resource_path("formats", name), folder / name)
    data = format_data("2021")
    data["id"], data["years"] = str(YEAR), {"from": YEAR, "to": None}
    request = next(t for s in data["sections"] for t in s.get("texts", []) if t["key"] == "s1_request")
    request["draft"] = [["全年受理{t3.new.total}件申请，答复{t3.total_handled.total}件。"]]
    (folder / f"{YEAR}.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    real = resource_path
    monkeypatch.setattr(
        formats_module, "resource_path", lambda *parts: folder if parts == ("formats",) else real(*parts)
    )
    assert str(YEAR) in all_formats()
    yield


def test_the_wording_comes_from_the_format_file(reworded: None) -> None:
    report = filled_report(format_for_year(YEAR).id, year=YEAR)
    new, handled = report.cells[("t3", "new", "total")], report.cells[("t3", "total_handled", "total")]
    assert draft(report, "s1_request") == f"全年受理{new}件申请，答复{handled}件。"
    assert draft(filled_report("2021"), "s1_request") != draft(report, "s1_request")


@pytest.mark.parametrize(
    ("clause", "where", "says"),
    [
        ("收到{t3.nothing.total}件", "texts[1].draft[0][0]", "没有单元格 t3.nothing.total"),
        ("收到{t9.new.total}件", "texts[1].draft[0][0]", "表须存在"),
        ("收到{t3.new}件", "texts[1].draft[0][0]", "表.行.列"),
        ("收到{t3.new.total件", "texts[1].draft[0][0]", "花括号不成对"),
        ("收费{fees.cheques}件", "texts[1].draft[0][0]", "信息处理费字段"),
        ({"text": "复议0件", "zero": "无"}, "texts[1].draft[0][0]", "应含数字占位符"),
        ({"text": "复议{t4.review.total}件", "zero": None}, "texts[1].draft[0][0].zero", "应为字符串"),
    ],
)
def test_a_bad_template_is_refused_with_its_json_path(clause: Any, where: str, says: str) -> None:
    data = format_data("2021")
    data["sections"][0]["texts"][1]["draft"] = [[clause]]
    with pytest.raises(FormatFileError) as err:
        parse_format(data, "2021.json")
    assert f"$.sections[0].{where}" in str(err.value) and says in str(err.value)


def test_fee_placeholders_need_a_format_with_fee_fields() -> None:
    data = format_data("2019")
    data["sections"][-1]["texts"][0]["draft"] = [["收费通知{fees.notices}件。"]]
    with pytest.raises(FormatFileError, match="没有信息处理费字段"):
        parse_format(data, "2019.json")


# ------------------------------------------------------------------ command line


def test_cli_prints_the_proposals(tmp_path: Path) -> None:
    report = filled_report("2021")
    del report.cells[("t3", "deny_law", "total")]
    path = tmp_path / "r.json"
    path.write_text(dump_exchange(report), encoding="utf-8")
    out = io.StringIO()
    assert run(["draft", str(path)], out) == 0
    printed = out.getvalue()
    assert "【一、总体情况·（一）主动公开】" in printed and "【六、其他需要报告的事项】" in printed
    assert "本年度未收取信息处理费。" in printed
    assert "本年度共收到政府信息公开申请" not in printed  # waits for the empty cell, and says so
    assert "未填写，相关段落未拟写：" in printed and "其他法律行政法规禁止公开" in printed
    out = io.StringIO()
    assert run(["draft", str(path), "--section", "s6"], out) == 0
    assert "主动公开" not in out.getvalue() and "信息处理费" in out.getvalue()


def test_cli_refuses_a_section_without_a_template(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "r.json"
    path.write_text(dump_exchange(filled_report("2019")), encoding="utf-8")
    assert run(["draft", str(path), "--section", "s5"], io.StringIO()) == 2
    assert "可选：s1_active、s1_request" in capsys.readouterr().err


# ------------------------------------------------------------------ the window


@pytest.fixture
def accept_dialogs(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every DraftDialog accepted at once (a modal exec would wait for a click); what each showed is kept."""
    shown: list[str] = []

    def exec_(self: DraftDialog) -> int:
        shown.append(self.text.toPlainText())
        return int(QDialog.DialogCode.Accepted)

    monkeypatch.setattr(DraftDialog, "exec", exec_)
    return shown


def request_tab(qtbot: QtBot, db: Database, report: Report) -> tuple[NarrativeTab, ReportSession]:
    session = open_session(db, report)
    tab = NarrativeTab(session, section(session, "s1"))
    shown(qtbot, tab)
    return tab, session


def test_insert_at_the_cursor_saves_through_the_editor(qtbot: QtBot, db: Database, accept_dialogs: list[str]) -> None:
    report = filled_report("2021")
    report.texts["s1_request"] = "开头。结尾。"
    tab, session = request_tab(qtbot, db, report)
    assert set(tab.draft_buttons) == {"s1_active", "s1_request"}  # from the format file, not (三)…(五)
    buttons, edit = tab.draft_buttons["s1_request"], tab.editors["s1_request"]
    assert buttons.insert_button.isEnabled() and not buttons.update_button.isVisible()
    cursor = edit.textCursor()
    cursor.setPosition(3)
    edit.setTextCursor(cursor)
    buttons.insert_button.click()
    proposal = draft(report, "s1_request")
    assert accept_dialogs == [proposal]
    expected = f"开头。\n{proposal}\n结尾。"
    assert edit.toPlainText() == expected
    assert stored(session).texts["s1_request"] == expected  # saved at once, through set_text
    assert not [f for f in session.editor.findings if f.rule == "TEXT_NUMBER"]
    edit.undo()  # the editor's own Ctrl+Z takes the insertion back, and it is saved as any typing is
    assert edit.toPlainText() == "开头。结尾。"


def test_a_cancelled_proposal_changes_nothing(qtbot: QtBot, db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(DraftDialog, "exec", lambda self: int(QDialog.DialogCode.Rejected))
    tab, session = request_tab(qtbot, db, filled_report("2021"))
    before = stored(session).texts["s1_request"]
    tab.draft_buttons["s1_request"].insert_button.click()
    assert tab.editors["s1_request"].toPlainText() == before == stored(session).texts["s1_request"]


def test_insert_waits_for_empty_cells(qtbot: QtBot, db: Database) -> None:
    report = filled_report("2021")
    del report.cells[("t2", "rules", "issued")]
    tab, _ = request_tab(qtbot, db, report)
    button = tab.draft_buttons["s1_active"].insert_button
    assert not button.isEnabled() and "本年制发件数" in button.toolTip()


def test_update_after_the_tables_change(qtbot: QtBot, db: Database, accept_dialogs: list[str]) -> None:
    report = filled_report("2021")
    old = draft(report, "s1_request")
    assert old is not None
    report.texts["s1_request"] = "我机关认真办理。\n" + old
    tab, session = request_tab(qtbot, db, report)
    buttons = tab.draft_buttons["s1_request"]
    assert not buttons.update_button.isEnabled()
    assert session.set_cell_text(("t3", "granted", "natural"), "99").ok
    assert session.set_cell_text(("t3", "new", "natural"), "199").ok
    assert [f for f in session.editor.findings if f.rule == "TEXT_NUMBER"]
    assert buttons.update_button.isEnabled() and buttons.update_button.isVisible()
    buttons.update_button.click()
    assert "原为：" in accept_dialogs[0] and "改为：" in accept_dialogs[0]
    now = draft(session.editor.report, "s1_request")
    assert stored(session).texts["s1_request"] == "我机关认真办理。\n" + (now or "")
    assert not [f for f in session.editor.findings if f.rule == "TEXT_NUMBER"]
    assert not buttons.update_button.isEnabled()
