"""Warnings a clerk respects (issue 16): the shapes of real published reports that raised false alarms."""

from __future__ import annotations

from services.checks import Finding, check_report
from services.report import Report
from tests.factories import filled_report


def rules(findings: list[Finding]) -> list[str]:
    return [f.key for f in findings]


def pair() -> tuple[Report, Report]:
    before = filled_report("2021", year=2021, seed=4)
    now = filled_report("2021", year=2022, seed=5)
    for col in now.format.table("t3").column_keys():  # carried over right, so only what is tested may warn
        now.cells[("t3", "carried_in", col)] = before.cells[("t3", "carried_out", col)]
    return before, now


def test_an_empty_cell_of_last_years_report_is_not_known_not_zero() -> None:
    before, now = pair()
    for row in ("rules", "normative"):
        now.cells[("t2", row, "in_force")] = before.number("t2", row, "in_force") + 1  # off by one: warned
    assert {"X_IN_FORCE:rules", "X_IN_FORCE:normative"} <= set(rules(check_report(now, before)))
    del before.cells[("t2", "rules", "in_force")]  # last year's 现行有效件数 left empty
    found = rules(check_report(now, before))
    assert "X_IN_FORCE:rules" not in found and "X_IN_FORCE:normative" in found
    del before.cells[("t3", "carried_out", "natural")]
    assert "X_CARRY_OVER:natural" not in rules(check_report(now, before))


def test_the_fee_sentence_written_every_year_is_not_a_copy() -> None:
    before, now = pair()
    before.texts["s6_other"] = "本年度未收取信息处理费。本机关没有其他需要报告的事项，特此说明。无其他需要报告的事项。"
    now.texts["s6_other"] = "本年度未收取信息处理费。本机关没有其他需要报告的事项，特此说明。无其他需要报告的事项。"
    assert "X_REPEAT_TEXT:s6_other" not in rules(check_report(now, before))


def test_two_short_texts_differing_in_year_and_number_are_too_short_to_judge() -> None:
    before, now = pair()
    before.texts["s1_platform"] = "2021年，本机关通过门户网站政府信息公开专栏发布政府信息128条，均按时公开。"
    now.texts["s1_platform"] = "2022年，本机关通过门户网站政府信息公开专栏发布政府信息157条，均按时公开。"
    assert "X_REPEAT_TEXT:s1_platform" not in rules(check_report(now, before))


def test_a_section_really_copied_is_still_flagged() -> None:
    before, now = pair()
    copied = (
        "健全信息公开属性源头认定机制，公文拟制时同步确定公开属性，定期清理已公开文件。"
        "持续优化门户网站政府信息公开专栏，完善检索功能，政务新媒体同步发布重要信息。"
        "加强业务培训，丰富图解、视频等解读形式，建立栏目更新提醒机制，确保信息及时准确。"
    )
    before.texts["s1_management"] = copied
    now.texts["s1_management"] = copied.replace("定期", "每季度")
    assert "X_REPEAT_TEXT:s1_management" in rules(check_report(now, before))


def test_applications_received_may_be_stated_as_new_plus_carried_over() -> None:
    now = filled_report("2021")
    new, carried = now.number("t3", "new", "total"), now.number("t3", "carried_in", "total")
    assert carried > 0
    now.texts["s1_request"] = f"全区收到政府信息公开申请{new + carried}件。"  # 一 + 二, as reports commonly count
    assert not [k for k in rules(check_report(now)) if k.startswith("TEXT_NUMBER:s1_request")]
    now.texts["s1_request"] = f"全区收到政府信息公开申请{new + carried + 1}件。"  # neither reading fits
    assert [k for k in rules(check_report(now)) if k.startswith("TEXT_NUMBER:s1_request")]
