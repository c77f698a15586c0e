"""规则包 (上级要求): a malformed pack is refused with every problem's JSON path; each kind of rule raises its
finding and clears it when the report is put right; the example pack against the sample and a filled report."""

from __future__ import annotations

import copy
import json
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from services.checks import check_report
from services.errors import RulePackError
from services.paths import resource_path
from services.report import Report
from services.rule_pack_reader import load_rule_pack, parse_rule_pack, read_rule_pack
from services.rule_packs import (
    CONFIRM,
    DEADLINE,
    FIGURE,
    LENGTH,
    MENTION,
    REQUIRED,
    RulePack,
    check_with_pack,
    pack_blockers,
    pack_findings,
    units_against_pack,
)
from tests.factories import filled_report, sample_report

EXAMPLE = resource_path("rule_packs", "示例-某市2025年度要求.json")


def pack_data(*rules: dict[str, Any], **top: Any) -> dict[str, Any]:
    return {
        "kind": "nianbao-rule-pack",
        "schema": 1,
        "id": "test",
        "name": "某县政务公开办 2025 年度报告要求",
        "short": "某县要求",
        "office": "某县政务公开办",
        "version": "1",
        "applies_to": {"formats": ["2021"]},
        "rules": list(rules),
        **top,
    }


def pack_of(*rules: dict[str, Any]) -> RulePack:
    return parse_rule_pack(pack_data(*rules), "test.json")


def problems(data: Any) -> list[str]:
    with pytest.raises(RulePackError) as caught:
        parse_rule_pack(data, "bad.json")
    return caught.value.problems


def report_2025() -> Report:
    return filled_report("2021", year=2025)


# ---------------------------------------------------------------- refusing a malformed pack


@pytest.mark.parametrize(
    ("rule", "expected"),
    [
        (
            {"id": "a", "kind": "mention", "text": "s1", "what": "x", "template": "{n}条", "equals": 5},
            "rules[0].equals：应为单元格键",
        ),
        (
            {"id": "a", "kind": "mention", "text": "s1", "what": "x", "template": "{n}条", "equals": "t3.new.totl"},
            'rules[0].equals：2021 格式中没有单元格 "t3.new.totl"',
        ),
        (
            {
                "id": "a",
                "kind": "mention",
                "text": "s1",
                "what": "x",
                "template": "{n}条",
                "equals": ["t3.new.total", 1],
            },
            "rules[0].equals[1]：应为单元格键",
        ),
        (
            {"id": "a", "kind": "mention", "text": "s1", "what": "x", "template": "共{n}条{n}件"},
            "rules[0].template：句式中应有且只有一个 {n}",
        ),
        (
            {"id": "a", "kind": "mention", "text": "s1", "what": "x", "regex": "(\\d+"},
            "rules[0].regex：不是有效的正则表达式",
        ),
        (
            {"id": "a", "kind": "mention", "text": "s1", "what": "x", "regex": "\\d+条"},
            "rules[0].regex：正则表达式应有一个捕获组",
        ),
        ({"id": "a", "kind": "mention", "text": "s1", "what": "x"}, "rules[0]：应有 template"),
        ({"id": "a", "kind": "max_chars", "text": "s9", "max": 1000}, 'rules[0].text：2021 格式中没有文字部分 "s9"'),
        (
            {"id": "a", "kind": "max_chars", "text": "s1", "max": "1000"},
            'rules[0].max：应为不小于 1 的整数，实际为字符串 "1000"',
        ),
        ({"id": "a", "kind": "max_chars", "text": "s1", "max": 1000, "maxx": 1}, 'rules[0].maxx：未知的键 "maxx"'),
        (
            {"id": "a", "kind": "length", "text": "s1"},
            'rules[0].kind：应为 max_chars、mention、required、confirm、deadline 之一，实际为字符串 "length"',
        ),
        ({"id": "a b", "kind": "required", "fields": ["s1_platform"]}, "rules[0].id：标识"),
        ({"id": "a", "kind": "required", "fields": []}, "rules[0].fields：应至少有一项"),
        (
            {"id": "a", "kind": "required", "fields": ["signed_by", "fees.amount"]},
            "rules[0].fields[1]：应为文字部分的键",
        ),
        ({"id": "a", "kind": "required", "fields": ["s1_platform"], "severity": "fatal"}, "rules[0].severity"),
        (
            {"id": "a", "kind": "confirm", "what": "核对", "severity": "error"},
            "rules[0].severity：confirm 规则只能是 warning",
        ),
        ({"id": "a", "kind": "deadline", "date": "2026-01-15"}, 'rules[0].date：应为次年的月-日（如 "01-15"）'),
        ({"id": "a", "kind": "deadline", "date": "02-29"}, "rules[0].date"),
        ("max_chars", "rules[0]：应为对象"),
    ],
)
def test_a_malformed_rule_is_refused_with_its_json_path(rule: Any, expected: str) -> None:
    found = problems(pack_data(rule))
    assert any(p.startswith(expected) for p in found), found


def test_every_problem_of_a_pack_is_listed_at_once() -> None:
    data = pack_data(
        {"id": "a", "kind": "max_chars", "text": "s1", "max": 0},
        {"id": "a", "kind": "required", "fields": ["t2.rules.made"]},
        short="",
        applies_to={"formats": ["2021", "2030"], "years": {"from": 2026, "to": 2025}},
    )
    found = problems(data)
    expected = [
        "applies_to.formats[1]：未知的格式",
        "applies_to.years：结束年度 2025 早于起始年度 2026",
        "short：应为非空字符串",
        "rules[0].max：应为不小于 1 的整数",
        'rules[1].fields[0]：2021 格式中没有单元格 "t2.rules.made"',
        'rules[1].id：与 rules[0] 的标识 "a" 重复',
    ]
    for start in expected:
        assert any(p.startswith(start) for p in found), (start, found)
    assert len(found) == len(expected)


def test_a_key_must_exist_in_every_format_the_pack_applies_to() -> None:
    rule = {"id": "a", "kind": "mention", "text": "s1", "what": "x", "template": "{n}件", "equals": "t2.rules.issued"}
    found = problems(pack_data(rule, applies_to={"formats": ["2019", "2021"]}))
    assert found == ['rules[0].equals：2019 格式中没有单元格 "t2.rules.issued"']
    fees = {"id": "b", "kind": "required", "fields": ["fees.notices"]}
    assert problems(pack_data(fees, applies_to={}))[0].startswith("rules[0].fields[0]：2019 格式没有信息处理费的填写项")


def test_files_that_are_not_packs_say_what_they_are(tmp_path: Path, sample_json_path: Path) -> None:
    with pytest.raises(RulePackError, match="不是年报的规则包") as caught:
        load_rule_pack(sample_json_path)
    assert caught.value.problems[0].startswith("kind：这是报送数据包，不是规则包")
    with pytest.raises(RulePackError) as caught:
        read_rule_pack('{"kind": "nianbao-rule-pack",\n "schema": 1,, }', "x.json")
    assert caught.value.problems[0].startswith("第 2 行第 14 列：JSON 语法错误，此处应为带双引号的键名")
    with pytest.raises(RulePackError) as caught:
        read_rule_pack('{"kind": "nianbao-rule-pack", "kind": "x"}', "x.json")
    assert "重复" in caught.value.problems[0]
    with pytest.raises(RulePackError, match="版本"):
        parse_rule_pack(pack_data(schema=2), "x.json")
    with pytest.raises(RulePackError, match="不是普通文件"):
        load_rule_pack(tmp_path)
    notepad = tmp_path / "bom.json"  # Windows Notepad saves UTF-8 with a BOM
    notepad.write_bytes(
        b"\xef\xbb\xbf" + json.dumps(pack_data({"id": "a", "kind": "deadline", "date": "01-15"})).encode()
    )
    assert load_rule_pack(notepad).id == "test"


# ---------------------------------------------------------------- each rule raises and clears its finding


def only(report: Report, pack: RulePack) -> list[tuple[str, str]]:
    return [(f.rule, f.message) for f in pack_findings(report, pack)]


def test_max_chars_counts_a_section_without_spaces() -> None:
    pack = pack_of({"id": "len", "kind": "max_chars", "text": "s1", "max": 100})
    report = report_2025()
    for key in ("s1_active", "s1_request", "s1_management", "s1_platform", "s1_oversight"):
        report.texts[key] = "字" * 20 + " \n"
    assert only(report, pack) == []
    report.texts["s1_active"] += "多"
    assert only(report, pack) == [(LENGTH, "【某县要求】“一、总体情况”超过 100 字（现 101 字）")]
    (finding,) = pack_findings(report, pack)
    assert finding.key == "PACK_LENGTH:test:len" and finding.severity == "warning"
    assert finding.texts == ("s1_active", "s1_request", "s1_management", "s1_platform", "s1_oversight")


def test_a_figure_missing_and_a_figure_wrong_are_different_findings() -> None:
    pack = pack_of(
        {
            "id": "issued",
            "kind": "mention",
            "text": "s1_active",
            "what": "本年制发规章件数",
            "template": "制发规章{*}{n}件",
            "equals": "t2.rules.issued",
        }
    )
    report = report_2025()
    report.cells[("t2", "rules", "issued")] = 3
    report.texts["s1_active"] = "本年度主动公开政府信息 1,204 条。"
    assert only(report, pack) == [
        (MENTION, "【某县要求】未写明本年制发规章件数（“一、总体情况·（一）主动公开”中，如“制发规章…N件”）")
    ]
    report.texts["s1_active"] = "本年度制发规章 ２ 件，废止规章1件。"  # full-width digits as some IMEs type them
    (finding,) = pack_findings(report, pack)
    assert finding.rule == FIGURE and finding.key == "PACK_FIGURE:test:issued"
    assert finding.message == (
        "【某县要求】本年制发规章件数与表中不符：“一、总体情况·（一）主动公开”中写“制发规章2件”（2），"
        "但表中 表二“规章”行“本年制发件数”列(3)，相差 1"
    )
    assert finding.cells == (("t2", "rules", "issued"),) and finding.texts == ("s1_active",)
    report.cells[("t2", "rules", "issued")] = 2
    assert only(report, pack) == []
    del report.cells[("t2", "rules", "issued")]  # not filled: nothing to compare with (VALUE_MISSING says so)
    report.texts["s1_active"] = "本年度制发规章5件。"
    assert only(report, pack) == []


def test_a_figure_may_be_a_sum_or_a_fee_field() -> None:
    pack = pack_of(
        {
            "id": "suits",
            "kind": "mention",
            "text": "s1_request",
            "what": "行政诉讼件数",
            "regex": "行政诉讼(?P<n>\\d+)件",
            "equals": ["t4.suit_direct.total", "t4.suit_after_review.total"],
        },
        {
            "id": "fee",
            "kind": "mention",
            "text": "s6",
            "what": "收取信息处理费金额",
            "template": "收取信息处理费{n}元",
            "equals": "fees.amount_yuan",
        },
    )
    report = report_2025()
    direct, after = report.number("t4", "suit_direct", "total"), report.number("t4", "suit_after_review", "total")
    report.texts["s1_request"] = f"发生行政诉讼{direct + after}件。"
    report.fees.amount_yuan = Decimal("120.5")
    report.texts["s6_other"] = "共收取信息处理费120.50元。"
    assert only(report, pack) == []
    report.texts["s1_request"] = f"发生行政诉讼{direct}件。"
    report.fees.amount_yuan = Decimal(100)
    (suits, fee) = pack_findings(report, pack)
    assert (
        f"但表中 表四“行政诉讼 › 未经复议直接起诉”行“总计”列({direct}) + 表四“行政诉讼 › 复议后起诉”行“总计”列({after})"
        f" = {direct + after}" in suits.message
    )
    assert (
        "收取信息处理费金额与表中不符：“六、其他需要报告的事项”中写“收取信息处理费120.50元”（120.5），"
        "但表中 信息处理费·实际收取金额（元）(100)，相差 20.5" in fee.message
    )


def test_a_mention_without_equals_only_asks_for_the_figure() -> None:
    pack = pack_of(
        {
            "id": "web",
            "kind": "mention",
            "text": "s1",
            "what": "网站公开条数",
            "regex": "网站[^。，\\d]{0,20}?(\\d+)\\s*余?条",
        }
    )
    report = report_2025()
    assert [rule for rule, _ in only(report, pack)] == [MENTION]
    report.texts["s1_platform"] = "全年通过门户网站主动公开政府信息360余条。"
    assert only(report, pack) == []


def test_required_fields_are_named_and_lead_to_where_they_are_filled() -> None:
    pack = pack_of(
        {
            "id": "fill",
            "kind": "required",
            "severity": "error",
            "fields": ["s1_platform", "t2.rules.issued", "fees.notices", "signed_by"],
            "note": "没有的填 0",
        }
    )
    report = report_2025()
    assert only(report, pack) == []
    report.texts["s1_platform"] = "  "
    del report.cells[("t2", "rules", "issued")]
    report.fees.notices = None
    report.signed_by = None
    (finding,) = pack_findings(report, pack)
    assert finding.severity == "error" and finding.rule == REQUIRED
    assert finding.message == (
        "【某县要求】须填写：“一、总体情况·（四）政府信息公开平台建设”、表二“规章”行“本年制发件数”列、"
        "信息处理费·收费通知件数、署名机关；没有的填 0"
    )
    assert finding.cells == (("t2", "rules", "issued"),) and finding.texts == ("s1_platform",)
    report.fees.notices = 0  # 0 is filled
    report.texts["s1_platform"], report.signed_by = "门户网站运行正常。", "某某市某某局"
    report.cells[("t2", "rules", "issued")] = 0
    assert only(report, pack) == []


def test_a_confirmation_stands_until_explained_and_asks_again_when_the_figures_change() -> None:
    pack = pack_of(
        {
            "id": "justice",
            "kind": "confirm",
            "what": "规章数字须与司法局核对一致",
            "about": ["t2.rules.issued", "t2.rules.in_force"],
        }
    )
    report = report_2025()
    report.cells[("t2", "rules", "issued")], report.cells[("t2", "rules", "in_force")] = 1, 12
    (finding,) = pack_findings(report, pack)
    assert finding.rule == CONFIRM and not finding.explained
    assert finding.message == (
        "【某县要求】规章数字须与司法局核对一致（现为 表二“规章”行 本年制发件数 1、现行有效件数 12）："
        "核对后请在审核说明中写明核对情况"
    )
    report.explanations[finding.key] = "已于1月10日与市司法局核对一致"
    report.explained_for[finding.key] = finding.message
    assert pack_findings(report, pack)[0].explained
    assert pack_blockers(report, pack) == []
    report.cells[("t2", "rules", "in_force")] = 13
    again = pack_findings(report, pack)[0]
    assert (
        not again.explained and again.explanation_note is not None and again.explanation_note.startswith("数值已变化")
    )


def test_the_internal_deadline_is_judged_by_the_signing_date() -> None:
    pack = pack_of({"id": "due", "kind": "deadline", "date": "01-15"})
    report = report_2025()
    report.signed_on = date(2026, 1, 15)
    assert only(report, pack) == []
    report.signed_on = date(2026, 1, 16)
    assert only(report, pack) == [
        (DEADLINE, "【某县要求】成文日期为 2026年1月16日，晚于上级要求的报送期限 2026年1月15日")
    ]
    report.signed_on = None  # REQUIRED (official) says it
    assert only(report, pack) == []


def test_a_pack_applies_only_to_its_formats_and_years() -> None:
    pack = parse_rule_pack(
        pack_data(
            {"id": "due", "kind": "deadline", "date": "01-15"},
            applies_to={"formats": ["2021"], "years": {"from": 2025, "to": 2025}},
        ),
        "x.json",
    )
    late = report_2025()
    late.signed_on = date(2026, 2, 1)
    assert pack.applies(late) is None and len(pack_findings(late, pack)) == 1
    other_year = filled_report("2021", year=2024)
    other_year.signed_on = date(2025, 2, 1)
    assert pack.applies(other_year) == "规则包适用于 2025 年度的报告，本报告为 2024 年度"
    assert pack_findings(other_year, pack) == []


def test_pack_errors_block_finalising_and_warnings_need_an_explanation() -> None:
    pack = pack_of(
        {"id": "fill", "kind": "required", "severity": "error", "fields": ["fees.notices"]},
        {"id": "len", "kind": "max_chars", "text": "s6", "max": 5},
    )
    report = report_2025()
    report.fees.notices = None
    official = check_report(report)
    combined = check_with_pack(report, None, pack)
    assert combined[: len(official)] == official  # the pack adds; it never changes an official finding
    assert [f.key for f in pack_blockers(report, pack)] == ["PACK_REQUIRED:test:fill", "PACK_LENGTH:test:len"]
    report.fees.notices = 0
    report.explanations["PACK_LENGTH:test:len"] = "本单位其他事项较多，已压缩到最短"
    assert pack_blockers(report, pack) == []


# ---------------------------------------------------------------- the example pack


def test_the_example_pack_is_valid_and_names_the_office() -> None:
    pack = load_rule_pack(EXAMPLE)
    assert pack.name == "某市政务公开办 2025 年度报告要求" and pack.short == "某市要求"
    assert pack.formats == ("2021",) and (pack.year_from, pack.year_to) == (2025, 2025)


def test_the_example_pack_does_not_apply_to_the_sample_as_it_is() -> None:
    pack = load_rule_pack(EXAMPLE)
    sample = sample_report()  # 2019 format, year 2020
    assert pack.applies(sample) == "规则包适用于 2021 格式，本报告为 2019 格式"
    assert pack_findings(sample, pack) == []


def _rules(report: Report, pack: RulePack) -> list[str]:
    return [f.key.split(":")[2] for f in pack_findings(report, pack)]


def test_the_example_pack_against_a_filled_2025_report() -> None:
    pack = load_rule_pack(EXAMPLE)
    report = report_2025()  # texts without figures, fees 0, signed 2026-01-20
    assert _rules(report, pack) == [
        "website",
        "new-media",
        "interpretation",
        "rules-issued",
        "rules-repealed",
        "rules-in-force",
        "norm-issued",
        "norm-repealed",
        "norm-in-force",
        "justice",
        "deadline",
    ]
    t2 = {key[1:]: value for key, value in report.cells.items() if key[0] == "t2"}
    report.texts["s1_active"] = (
        f"全年通过门户网站主动公开政府信息1,204条，通过政务新媒体发布信息836条，发布政策解读15篇。"
        f"本年制发规章{t2['rules', 'issued']}件，废止规章{t2['rules', 'repealed']}件，"
        f"现行有效规章{t2['rules', 'in_force']}件；"
        f"制发行政规范性文件{t2['normative', 'issued']}件，废止行政规范性文件{t2['normative', 'repealed']}件，"
        f"现行有效行政规范性文件{t2['normative', 'in_force']}件。"
    )
    report.signed_on = date(2026, 1, 12)
    assert _rules(report, pack) == ["justice"]
    report.fees.notices = None
    assert _rules(report, pack) == ["fees", "justice"]
    assert pack_findings(report, pack)[0].severity == "error"


def test_the_example_pack_against_the_samples_prose_in_a_2025_report() -> None:
    """The sample's real 总体情况 (1,242 characters, website and WeChat figures, no 规章 figures) under the pack."""
    pack = load_rule_pack(EXAMPLE)
    report = report_2025()
    report.texts.update(sample_report().texts)
    report.signed_on = date(2026, 1, 10)
    findings = pack_findings(report, pack)
    assert findings[0].message == "【某市要求】“一、总体情况”超过 1000 字（现 1242 字）"
    assert _rules(report, pack) == [
        "s1-length",
        "interpretation",
        "rules-issued",
        "rules-repealed",
        "rules-in-force",
        "norm-issued",
        "norm-repealed",
        "norm-in-force",
        "justice",
    ]


def test_units_against_a_pack_lists_which_units_fail_which_rule() -> None:
    pack = load_rule_pack(EXAMPLE)
    good, late, old = report_2025(), filled_report("2021", year=2025, agency="某市某乙局", seed=2), sample_report()
    good.signed_on = date(2026, 1, 10)
    good.texts = copy.deepcopy(late.texts)
    result = units_against_pack([good, late, old], pack)
    titles = {f.title: f.units for f in result.failures}
    assert titles["次年 1 月 15 日前成文"] == ("某市某乙局",)
    assert titles["“一、总体情况”写明本年制发规章件数并与表中一致"] == ("某某市某某局", "某市某乙局")
    assert result.not_applicable == (("贵阳市人民防空办公室", "规则包适用于 2021 格式，本报告为 2019 格式"),)
    assert not result.has_errors()
    assert result.lines()[0] == "上级要求：某市政务公开办 2025 年度报告要求：2 个单位未达要求"


def test_an_explanation_of_a_pack_finding_travels_in_the_exchange_file(tmp_path: Path) -> None:
    from services.exchange import dump_exchange, read_exchange

    pack = load_rule_pack(EXAMPLE)
    report = report_2025()
    confirm = next(f for f in pack_findings(report, pack) if f.rule == CONFIRM)
    report.explanations[confirm.key] = "已于1月8日与市司法局核对一致"
    path = tmp_path / "unit.json"
    path.write_text(dump_exchange(report), encoding="utf-8")
    received = read_exchange(path)  # the superior office imports it and checks it against its own pack
    assert next(f for f in pack_findings(received, pack) if f.rule == CONFIRM).explained
