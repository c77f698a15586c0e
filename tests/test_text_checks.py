"""Narrative checks: TEXT_NUMBER, S5_EMPTY, S6_FEE, NARRATIVE_EMPTY, X_REPEAT_TEXT."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from services.checks import Finding, can_finalise, check_report
from services.formats import CellKey
from services.report import Fees, Report, empty_report
from services.text_checks import similarity
from tests.factories import sample_report

S1_KEYS = ("s1_active", "s1_request", "s1_management", "s1_platform", "s1_oversight")


def load_sample() -> Report:
    """The sample, dated inside the reporting window so it checks clean."""
    report = sample_report()
    report.signed_on = date(2021, 1, 15)
    return report


def report_2021(**texts: str) -> Report:
    """An all-zero 2021 report with decent narrative everywhere, then the given texts."""
    report = empty_report("某某县人民政府", 2021, "2021")
    report.signed_by = report.agency
    report.signed_on = date(2022, 3, 1)
    for i, key in enumerate(report.format.text_keys()):
        report.texts[key] = f"第{i}部分：本年度按照要求推进政务公开工作，各项制度运行平稳，未发现明显问题。"
    report.fees = Fees(0, Decimal(0))
    report.texts.update(texts)
    return report


def of(findings: list[Finding], rule: str) -> list[Finding]:
    return [f for f in findings if f.rule == rule]


# ---------------------------------------------------------------- TEXT_NUMBER


def test_sample_narrative_agrees_with_the_tables() -> None:
    report = load_sample()
    assert check_report(report) == []
    assert "收到依申请公开政府信息6次" in report.texts["s1_request"]
    assert "已办理行政许可类事项共计33件" in report.texts["s1_management"]


def test_text_number_fires_when_the_text_changes() -> None:
    report = load_sample()
    report.texts["s1_request"] = report.texts["s1_request"].replace("政府信息6次", "政府信息8次")
    (f,) = check_report(report)
    assert (f.rule, f.severity, f.key) == ("TEXT_NUMBER", "warning", "TEXT_NUMBER:s1_request:收到申请")
    assert f.message == (
        "“一、总体情况·（二）依申请公开”中写“市人防办全年收到依申请公开政府信息8次”（收到申请 8），"
        "但表中 表三“一、本年新收政府信息公开申请数量”行“总计”列(6)，相差 2"
    )
    assert f.cells == (("t3", "new", "total"),)
    assert not can_finalise([f])


def test_text_number_fires_when_the_cell_changes() -> None:
    report = load_sample()
    report.set("t2", "licensing", "decisions", 35)
    (f,) = check_report(report)
    assert f.rule == "TEXT_NUMBER" and f.key == "TEXT_NUMBER:s1_management:行政许可"
    assert "已办理行政许可类事项共计33件" in f.message
    assert "33" in f.message and "(35)" in f.message and "表二“行政许可”行“处理决定数量”列" in f.message
    assert "一、总体情况·（三）政府信息管理" in f.message
    assert f.cells == (("t2", "licensing", "decisions"),)


def test_text_number_follows_the_table_total_not_a_part() -> None:
    report = load_sample()
    for col in ("natural", "total"):
        for row in ("new", "granted", "total_handled"):
            report.set("t3", row, col, 7)
    findings = check_report(report)
    assert [f.rule for f in findings] == ["TEXT_NUMBER"]
    assert "（收到申请 6）" in findings[0].message and "(7)" in findings[0].message


def test_text_number_can_be_explained() -> None:
    report = load_sample()
    report.texts["s1_request"] = report.texts["s1_request"].replace("政府信息6次", "政府信息8次")
    report.explanations["TEXT_NUMBER:s1_request:收到申请"] = "含电话咨询 2 次"
    (f,) = check_report(report)
    assert f.explained and can_finalise([f])


@pytest.mark.parametrize(
    ("text", "cells", "fires"),
    [
        ("本年度共收到政府信息公开申请12件。", {("t3", "new", "total"): 12}, False),
        ("本年度共收到政府信息公开申请12件。", {("t3", "new", "total"): 11}, True),
        ("新收政府信息公开申请 5 件。", {("t3", "new", "total"): 5}, False),
        ("新收政府信息公开申请 5 件。", {("t3", "new", "total"): 0}, True),
        ("全年收到依申请公开3次。", {("t3", "new", "total"): 4}, True),
        ("收到行政复议申请2件。", {("t3", "new", "total"): 0, ("t4", "review", "total"): 2}, False),
        ("收到行政复议申请2件。", {("t3", "new", "total"): 2, ("t4", "review", "total"): 1}, True),
        ("收到申请后15个工作日内答复。", {("t3", "new", "total"): 0}, False),
        ("结转下年度继续办理2件。", {("t3", "carried_out", "total"): 2}, False),
        ("结转下年度继续办理2件。", {("t3", "carried_out", "total"): 1}, True),
        ("结转至下一年度办理3件。", {("t3", "carried_out", "total"): 1}, True),
        ("发生政府信息公开行政复议1件。", {("t4", "review", "total"): 1}, False),
        ("发生政府信息公开行政复议1件。", {("t4", "review", "total"): 0}, True),
        ("涉及行政诉讼3件。", {("t4", "suit_direct", "total"): 1, ("t4", "suit_after_review", "total"): 2}, False),
        ("涉及行政诉讼3件。", {("t4", "suit_direct", "total"): 3, ("t4", "suit_after_review", "total"): 1}, True),
        ("办理行政许可事项1,200件。", {("t2", "licensing", "decisions"): 0}, False),
        ("办理行政许可120件。", {("t2", "licensing", "decisions"): 120}, False),
        ("办理行政许可120件。", {("t2", "licensing", "decisions"): 121}, True),
        ("我局有行政许可事项3项。", {("t2", "licensing", "decisions"): 0}, False),
        ("本年度未发生行政复议和行政诉讼。", {}, False),
        ("其中行政复议后起诉1件。", {("t4", "review", "total"): 0}, False),
        ("全年共收到行政许可申请356件。", {("t3", "new", "total"): 2, ("t2", "licensing", "decisions"): 356}, False),
        ("全年共收到行政许可申请356件。", {("t3", "new", "total"): 2, ("t2", "licensing", "decisions"): 300}, True),
    ],
)
def test_text_number_phrases(text: str, cells: dict[CellKey, int], fires: bool) -> None:
    report = report_2021(s1_request=text)
    for key, value in cells.items():
        report.cells[key] = value
    found = of(check_report(report), "TEXT_NUMBER")
    assert bool(found) == fires, [f.message for f in found]
    if fires:
        (f,) = found
        assert f.message.startswith("“一、总体情况·（二）依申请公开”中写“")
        assert f.severity == "warning"
        assert set(f.cells) <= set(cells)


def test_text_number_searches_every_text_and_each_match() -> None:
    report = report_2021(
        preamble="本年度收到政府信息公开申请4件。",
        s6_other="本年度未收取信息处理费。收到政府信息公开申请5件；另新收申请0件；又收到申请6次。",
    )
    found = of(check_report(report), "TEXT_NUMBER")
    assert [f.key for f in found] == [
        "TEXT_NUMBER:preamble:收到申请",
        "TEXT_NUMBER:s6_other:收到申请",
        "TEXT_NUMBER:s6_other:收到申请",
    ]
    assert [
        "（收到申请 4）" in found[0].message,
        "（收到申请 5）" in found[1].message,
        "（收到申请 6）" in found[2].message,
    ] == [True, True, True]
    assert found[0].message.startswith("“引言”中写")
    assert found[2].message.startswith("“六、其他需要报告的事项”中写“又收到申请6次”")


# ---------------------------------------------------------------- S5_EMPTY


@pytest.mark.parametrize(
    ("problems", "improvements", "fires"),
    [
        ("", "", False),  # nothing written: the error REQUIRED says it (tests/test_finalise_blockers.py)
        ("   ", "\n", False),
        ("。", "", True),
        ("无", "", True),
        ("无。", "无。", True),
        ("暂无", "", True),
        ("问题不多。", "继续努力。", True),
        ("一二三四五六七八九十", "一二三四五六七八九", True),
        ("一二三四五六七八九十", "一二三四五六七八九十", False),
        ("公开内容不够全面，解读形式单一。", "将加强培训并丰富解读形式。", False),
    ],
)
def test_s5_empty(problems: str, improvements: str, fires: bool) -> None:
    report = report_2021(s5_problems=problems, s5_improvements=improvements)
    found = of(check_report(report), "S5_EMPTY")
    assert len(found) == int(fires)
    if fires:
        assert found[0].key == "S5_EMPTY" and found[0].severity == "warning"
        assert "五、存在的主要问题及改进情况" in found[0].message


def test_s5_explained() -> None:
    report = report_2021(s5_problems="无", s5_improvements="")
    report.explanations["S5_EMPTY"] = "本单位新设立"
    (f,) = of(check_report(report), "S5_EMPTY")
    assert f.explained


# ---------------------------------------------------------------- S6_FEE


@pytest.mark.parametrize(
    ("format_id", "fees", "text", "fires"),
    [
        ("2021", Fees(), "本年度认真落实政务公开工作要点。", True),
        ("2021", Fees(), "", True),
        ("2021", Fees(), "本年度未收取信息处理费。", False),
        ("2021", Fees(0, None), "", False),
        ("2021", Fees(None, Decimal("120")), "", False),
        ("2021", Fees(0, Decimal(0)), "本年度认真落实政务公开工作要点。", False),
        ("2019", Fees(), "", False),
        ("2019", Fees(), "本年度认真落实政务公开工作要点。", False),
    ],
)
def test_s6_fee(format_id: str, fees: Fees, text: str, fires: bool) -> None:
    year = 2021 if format_id == "2021" else 2020
    report = empty_report("某某县人民政府", year, format_id)
    report.fees = fees
    report.texts["s6_other"] = text
    found = of(check_report(report), "S6_FEE")
    assert len(found) == int(fires)
    if fires:
        assert "信息处理费" in found[0].message and "六、其他需要报告的事项" in found[0].message


# ---------------------------------------------------------------- NARRATIVE_EMPTY


@pytest.mark.parametrize("blank", ["", "  ", "\n\t"])
@pytest.mark.parametrize("key", S1_KEYS)
def test_narrative_empty(key: str, blank: str) -> None:
    report = report_2021(**{key: blank})
    found = of(check_report(report), "NARRATIVE_EMPTY")
    assert [f.key for f in found] == [f"NARRATIVE_EMPTY:{key}"]
    heading = next(t.label for t in report.format.text_specs() if t.key == key)
    assert heading in found[0].message
    report.explanations[f"NARRATIVE_EMPTY:{key}"] = "本年无此项工作"
    assert all(f.explained for f in of(check_report(report), "NARRATIVE_EMPTY"))


def test_narrative_empty_for_each_missing_key() -> None:
    report = report_2021()
    for key in S1_KEYS[1:]:
        del report.texts[key]
    assert [f.key for f in of(check_report(report), "NARRATIVE_EMPTY")] == [f"NARRATIVE_EMPTY:{k}" for k in S1_KEYS[1:]]
    del report.texts[S1_KEYS[0]]  # the whole section empty: one error, not five warnings
    assert of(check_report(report), "NARRATIVE_EMPTY") == []
    assert [f.key for f in of(check_report(report), "REQUIRED")] == ["REQUIRED:s1"]


def test_preamble_and_other_sections_are_not_narrative_empty() -> None:
    report = report_2021(preamble="", s6_other="本年度未收取信息处理费。")
    assert of(check_report(report), "NARRATIVE_EMPTY") == []


# ---------------------------------------------------------------- X_REPEAT_TEXT


_LONG = (
    "本年度，我局坚持以公开为常态、不公开为例外，围绕重点领域信息公开，及时发布政策文件、"
    "规划计划、财政预决算等信息，并通过门户网站和政务新媒体同步推送。"
)
_OTHER = (
    "今年重点推进基层政务公开标准化规范化，完成二十六个领域的公开事项目录编制，"
    "组织开展政府开放日活动三次，邀请群众代表参与评议。"
)


@pytest.mark.parametrize(
    ("now", "before", "fires"),
    [
        (_LONG, _LONG, True),
        (_LONG.replace("本年度", "2021年"), _LONG.replace("本年度", "2020年"), True),
        (_LONG, _OTHER, False),
        (_OTHER, _OTHER[:40] + _LONG[40:60], True),
        (_OTHER, _OTHER[:20] + _LONG[20:60], False),
        (_LONG[:25], _LONG[:25], False),
        (_LONG, "", False),
    ],
)
def test_repeat_text(now: str, before: str, fires: bool) -> None:
    report = report_2021(s1_platform=now)
    previous = report_2021(s1_platform=before)
    previous.year = 2020
    for key in report.format.text_keys():
        if key != "s1_platform":
            previous.texts[key] = f"上年{key}的文字完全不同，一二三四五六七八九十甲乙丙丁戊己庚辛壬癸子丑寅卯辰巳午未"
    found = of(check_report(report, previous), "X_REPEAT_TEXT")
    assert [f.key for f in found] == (["X_REPEAT_TEXT:s1_platform"] if fires else [])
    if fires:
        assert "一、总体情况·（四）政府信息公开平台建设" in found[0].message
        assert "2020 年" in found[0].message and "%" in found[0].message
    assert of(check_report(report), "X_REPEAT_TEXT") == []


def test_repeat_text_against_a_previous_report_in_the_old_format() -> None:
    previous = load_sample()
    report = report_2021(**{k: previous.texts[k] for k in ("s1_management", "s5_improvements")})
    found = of(check_report(report, previous), "X_REPEAT_TEXT")
    assert [f.key for f in found] == ["X_REPEAT_TEXT:s1_management", "X_REPEAT_TEXT:s5_improvements"]
    report.explanations["X_REPEAT_TEXT"] = "制度未变"
    assert all(f.explained for f in of(check_report(report, previous), "X_REPEAT_TEXT"))


@pytest.mark.parametrize(
    ("a", "b", "low", "high"),
    [
        (_LONG, _LONG, 1.0, 1.0),
        (_LONG, _OTHER, 0.0, 0.3),
        (_LONG, _LONG + _OTHER, 0.5, 0.8),
        ("ab", "cd", 0.0, 0.0),
        ("a", "a", 1.0, 1.0),
    ],
)
def test_similarity(a: str, b: str, low: float, high: float) -> None:
    assert low <= similarity(a, b) <= high
    assert similarity(a, b) == pytest.approx(similarity(b, a))


def test_the_customary_preamble_may_repeat_every_year() -> None:
    from services.report_admin import standard_preamble

    this, last = report_2021(), report_2021()
    last.year = this.year - 1
    this.texts["preamble"] = standard_preamble("某某局", this.year)
    last.texts["preamble"] = standard_preamble("某某局", last.year)
    this.texts["s1_active"] = last.texts["s1_active"] = _LONG  # long enough to judge (a one-liner is not)
    keys = {f.key for f in of(check_report(this, last), "X_REPEAT_TEXT")}
    assert "X_REPEAT_TEXT:preamble" not in keys
    assert "X_REPEAT_TEXT:s1_active" in keys  # the same narrative two years running is still caught


def test_each_text_of_a_section_of_two_has_its_own_name() -> None:
    from services.text_checks import text_names

    names = text_names(report_2021().format)
    assert names["s5_problems"] == "五、存在的主要问题及改进情况·存在的主要问题"
    assert names["s5_improvements"] == "五、存在的主要问题及改进情况·改进情况"
    assert names["s6_other"] == "六、其他需要报告的事项"
