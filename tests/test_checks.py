"""The check engine: identities from the format data, value checks, format/year, dates, cross-year rules."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from services.checks import (
    Finding,
    can_finalise,
    check_report,
    errors,
    identity_results,
    recompute_totals,
    terms_text,
    unexplained_warnings,
)
from services.formats import CellKey
from services.report import Fees, Report, empty_report
from tests.factories import sample_report

IDENTITY_RULES = {"T3_BALANCE", "T3_HANDLED_SUM", "T3_ROW_TOTAL", "T4_ROW_TOTAL"}
PARTY_COLUMNS = ("natural", "business", "research", "ngo", "legal", "other_org")


def load_sample() -> Report:
    """The exchange-format sample as a Report."""
    return sample_report()


def filled_2021() -> Report:
    """A consistent 2021 report with varied nonzero values everywhere and narrative that agrees with it."""
    report = empty_report("某某市某某局", 2021, "2021")
    fmt = report.format
    handled = next(rule for rule in fmt.rules if rule.id == "T3_HANDLED_SUM").right
    for i, row in enumerate(handled):
        for j, col in enumerate(PARTY_COLUMNS):
            report.set("t3", row, col, (3 * i + 5 * j) % 7 + 1)
    recompute_totals(report)
    for j, col in enumerate(PARTY_COLUMNS):
        carried_in, carried_out = j + 1, 2 * j + 3
        report.set("t3", "carried_in", col, carried_in)
        report.set("t3", "carried_out", col, carried_out)
        report.set("t3", "new", col, report.number("t3", "total_handled", col) + carried_out - carried_in)
    for i, row in enumerate(("review", "suit_direct", "suit_after_review")):
        for j, col in enumerate(("upheld", "corrected", "other", "pending")):
            report.set("t4", row, col, i + 2 * j + 1)
    for i, row in enumerate(("rules", "normative")):
        report.set("t2", row, "issued", 3 + i)
        report.set("t2", row, "repealed", 1 + i)
        report.set("t2", row, "in_force", 40 + 7 * i)
    for i, row in enumerate(("licensing", "penalty", "coercion")):
        report.set("t2", row, "decisions", 120 + 11 * i)
    report.set("t2", "fees", "amount", Decimal("12.345678"))
    recompute_totals(report)
    n = report.number
    report.texts.update(
        preamble="本报告根据《中华人民共和国政府信息公开条例》编制，统计期限为2021年1月1日至12月31日。",
        s1_active=f"全年主动公开政府信息四百余条，办理行政许可{n('t2', 'licensing', 'decisions')}件，均按时公开。",
        s1_request=(
            f"本年度共收到政府信息公开申请{n('t3', 'new', 'total')}件，"
            f"结转下年度继续办理{n('t3', 'carried_out', 'total')}件。"
        ),
        s1_management="健全信息公开属性源头认定机制，公文拟制时同步确定公开属性，定期清理已公开文件。",
        s1_platform="持续优化门户网站政府信息公开专栏，完善检索功能，政务新媒体同步发布重要信息。",
        s1_oversight=(
            f"发生政府信息公开行政复议{n('t4', 'review', 'total')}件，将信息公开纳入年度绩效考核，开展业务培训两次。"
        ),
        s5_problems="主动公开的深度和广度仍需提升，政策解读形式较为单一，部分栏目更新不够及时。",
        s5_improvements="加强业务培训，丰富图解、视频等解读形式，建立栏目更新提醒机制，确保信息及时准确。",
        s6_other="本年度未收取信息处理费。认真落实上级政务公开工作要点，按时办理人大代表建议和政协提案。",
    )
    report.fees = Fees(0, Decimal(0))
    report.signed_by = report.agency
    report.signed_on = date(2022, 1, 20)
    return report


@pytest.fixture(scope="module")
def sample() -> Report:
    return load_sample()


@pytest.fixture(scope="module")
def full_2021() -> Report:
    return filled_2021()


def good_sample() -> Report:
    report = load_sample()
    report.signed_on = date(2021, 1, 20)
    return report


def rules_of(findings: list[Finding]) -> list[str]:
    return [f.rule for f in findings]


# ---------------------------------------------------------------- the sample as published


def test_sample_has_exactly_one_finding_sign_date(sample: Report) -> None:
    findings = check_report(sample)
    assert len(findings) == 1
    (finding,) = findings
    assert (finding.rule, finding.severity, finding.key) == ("SIGN_DATE", "warning", "SIGN_DATE")
    assert "2020年1月20日" in finding.message
    assert not finding.explained
    assert finding.to_json() == {"rule": "SIGN_DATE", "severity": "warning", "message": finding.message, "cells": []}
    assert not can_finalise(findings)


@pytest.mark.parametrize("finalising", [False, True])
def test_sample_with_a_proper_date_is_clean(finalising: bool) -> None:
    findings = check_report(good_sample(), finalising=finalising)
    assert findings == []
    assert can_finalise(findings)


@pytest.mark.parametrize("finalising", [False, True])
def test_filled_2021_report_is_clean(full_2021: Report, finalising: bool) -> None:
    assert check_report(full_2021, finalising=finalising) == []
    assert all(result.ok for result in identity_results(full_2021))
    assert all(v != 0 for (t, _, _), v in full_2021.cells.items() if t in ("t3", "t4"))


def test_spec_message_for_t3_balance() -> None:
    report = good_sample()
    report.set("t3", "granted", "natural", 5)
    changed = recompute_totals(report)
    assert changed == {
        ("t3", "total_handled", "natural"): 5,
        ("t3", "granted", "total"): 5,
        ("t3", "total_handled", "total"): 5,
    }
    findings = check_report(report)
    assert rules_of(findings) == ["T3_BALANCE", "T3_BALANCE"]
    natural = findings[0]
    assert natural.message == "表三“自然人”列：一(6) + 二(0) = 6，但 三(七)总计(5) + 四(0) = 5，相差 1"
    assert natural.key == "T3_BALANCE:natural"
    assert natural.cells[0] == ("t3", "new", "natural")
    assert set(natural.cells) == {("t3", r, "natural") for r in ("new", "carried_in", "total_handled", "carried_out")}
    assert findings[1].key == "T3_BALANCE:total"
    assert natural.to_json()["cells"] == [list(c) for c in natural.cells]


def test_row_total_message_names_the_row_and_both_sides() -> None:
    report = good_sample()
    report.set("t3", "new", "total", 7)
    found = [f for f in check_report(report) if f.rule == "T3_ROW_TOTAL"]
    assert [f.message for f in found] == [
        "表三“一、本年新收政府信息公开申请数量”行：总计(7) ≠ 自然人(6) + 商业企业(0) + 科研机构(0) + "
        "社会公益组织(0) + 法律服务机构(0) + 其他(0) = 6，相差 1"
    ]
    assert found[0].cells[0] == ("t3", "new", "total")


def test_t4_message_uses_row_labels_with_their_group() -> None:
    report = good_sample()
    report.set("t4", "suit_after_review", "corrected", 2)
    (finding,) = errors(check_report(report))
    assert finding.rule == "T4_ROW_TOTAL"
    assert finding.message == (
        "表四“行政诉讼 › 复议后起诉”行：总计(0) ≠ 结果维持(0) + 结果纠正(2) + 其他结果(0) + 尚未审结(0) = 2，相差 2"
    )
    assert finding.cells[0] == ("t4", "suit_after_review", "total")


def test_long_sums_list_nonzero_terms_only() -> None:
    report = good_sample()
    report.set("t3", "deny_law", "business", 2)
    message = next(f.message for f in check_report(report) if f.key == "T3_HANDLED_SUM:business")
    assert message == "表三“商业企业”列：三(七)总计(0) ≠ 三(三)2(2) + 其余 18 项(0) = 2，相差 2"


# ---------------------------------------------------------------- the key test: every count cell of t3 and t4


def _count_cells(report: Report) -> list[CellKey]:
    return [spec.key for spec in report.format.cell_specs() if spec.table in ("t3", "t4") and spec.kind == "count"]


_BASES = {"2019": good_sample, "2021": filled_2021}
_CASES = [(fid, key) for fid, make in _BASES.items() for key in _count_cells(make())]


@pytest.fixture(scope="module")
def bases() -> dict[str, Report]:
    return {fid: make() for fid, make in _BASES.items()}


def test_key_test_covers_every_count_cell() -> None:
    assert sum(1 for fid, _ in _CASES if fid == "2019") == 23 * 7 + 3 * 5
    assert sum(1 for fid, _ in _CASES if fid == "2021") == 25 * 7 + 3 * 5


@pytest.mark.parametrize("format_id", list(_BASES))
def test_unchanged_bases_have_no_error(bases: dict[str, Report], format_id: str) -> None:
    assert errors(check_report(bases[format_id])) == []


@pytest.mark.parametrize(("format_id", "cell"), _CASES, ids=[f"{f}-{'.'.join(k)}" for f, k in _CASES])
def test_one_cell_off_by_one_is_caught_and_located(bases: dict[str, Report], format_id: str, cell: CellKey) -> None:
    report = bases[format_id].copy()
    report.cells[cell] = report.number(*cell) + 1
    findings = check_report(report)
    found = errors(findings)
    assert found, f"no error after changing {cell}"
    assert all(f.rule in IDENTITY_RULES for f in found), rules_of(found)
    table = report.format.table(cell[0])
    row, col = table.row(cell[1]), table.column(cell[2])
    for f in found:
        assert cell in f.cells
        assert f.key.split(":", 1)[1] in (cell[1], cell[2])
        assert f"“{col.label}”列" in f.message or f"{row.label}”行" in f.message, f.message
        assert not f.explained
    assert not can_finalise(findings)


# ---------------------------------------------------------------- identity_results and recompute_totals


def test_identity_results_list_every_instance(sample: Report) -> None:
    results = identity_results(sample)
    counts: dict[str, int] = {}
    for r in results:
        counts[r.rule] = counts.get(r.rule, 0) + 1
    assert counts == {"T3_BALANCE": 7, "T3_HANDLED_SUM": 7, "T3_ROW_TOTAL": 23, "T4_ROW_TOTAL": 3}
    assert all(r.ok for r in results)
    balance = next(r for r in results if r.rule == "T3_BALANCE" and r.line == "natural")
    assert balance.table == "t3"
    assert balance.left_terms == (("一", 6), ("二", 0))
    assert balance.right_terms == (("三(七)总计", 6), ("四", 0))
    assert (balance.left, balance.right) == (6, 6)
    assert balance.cells[0] == ("t3", "new", "natural")


def test_identity_results_flag_exactly_the_broken_instances() -> None:
    report = good_sample()
    report.set("t3", "reject_mass", "ngo", 4)
    broken = {(r.rule, r.line) for r in identity_results(report) if not r.ok}
    assert broken == {("T3_HANDLED_SUM", "ngo"), ("T3_ROW_TOTAL", "reject_mass")}
    row = next(r for r in identity_results(report) if r.line == "reject_mass")
    assert (row.left, row.right) == (0, 4)
    assert ("社会公益组织", 4) in row.right_terms


def test_an_identity_with_an_empty_cell_is_not_judged() -> None:
    report = good_sample()
    for col in (*PARTY_COLUMNS, "total"):
        report.set("t3", "carried_in", col, None)
    report.set("t3", "new", "natural", 99)  # would break the balance of 自然人 if 二 were 0
    recompute_totals(report)
    results = identity_results(report)
    unjudged = {(r.rule, r.line) for r in results if not r.judged}
    assert unjudged == {*(("T3_BALANCE", c) for c in (*PARTY_COLUMNS, "total")), ("T3_ROW_TOTAL", "carried_in")}
    assert all(r.ok for r in results)
    natural = next(r for r in results if r.rule == "T3_BALANCE" and r.line == "natural")
    assert natural.left_terms == (("一", 99), ("二", None)) and natural.missing == (("t3", "carried_in", "natural"),)
    assert natural.left == 99  # what is there
    for finalising in (False, True):
        assert rules_of(errors(check_report(report, finalising=finalising))) == ["VALUE_MISSING"]
    # filled, the instance is judged again: the same numbers with 二 = 0 fail
    for col in PARTY_COLUMNS:
        report.set("t3", "carried_in", col, 0)
    recompute_totals(report)
    assert {f.key for f in errors(check_report(report))} == {"T3_BALANCE:natural", "T3_BALANCE:total"}
    assert not next(r for r in identity_results(report) if r.rule == "T3_BALANCE" and r.line == "natural").ok


def test_a_side_names_its_empty_cells() -> None:
    assert terms_text([("一", 6), ("二", None)]) == "一(6) + 二(未填)"
    long = [("（一）", 3), *((f"（{n}）", 0) for n in range(6)), *((f"[{n}]", None) for n in range(4))]
    assert terms_text(long) == "（一）(3) + 其余 6 项(0) + 4 项(未填)"
    assert terms_text(long, abbreviate=False).count("(未填)") == 4


def test_a_broken_identity_with_an_empty_total_is_not_an_error() -> None:
    # a published page whose row total could not be read: its parts are not compared with nothing
    report = good_sample()
    report.set("t4", "review", "upheld", 5)
    assert rules_of(check_report(report)) == ["T4_ROW_TOTAL"]
    report.set("t4", "review", "total", None)
    assert [f.key for f in errors(check_report(report))] == ["VALUE_MISSING:t4"]
    row = next(r for r in identity_results(report) if r.rule == "T4_ROW_TOTAL" and r.line == "review")
    assert row.ok and not row.judged and row.left_terms == (("总计", None),)


def _break_totals(report: Report, how: str) -> None:
    for spec in report.format.cell_specs():
        if spec.computed:
            if how == "clear":
                report.cells.pop(spec.key, None)
            elif how == "zero":
                report.cells[spec.key] = 0
            else:
                report.cells[spec.key] = report.number(*spec.key) + 3


@pytest.mark.parametrize("how", ["clear", "zero", "bump"])
@pytest.mark.parametrize("make", [good_sample, filled_2021], ids=["2019", "2021"])
def test_recompute_totals_makes_a_broken_report_consistent(make: Any, how: str) -> None:
    reference = make()
    report = make()
    _break_totals(report, how)
    assert errors(check_report(report))
    changed = recompute_totals(report)
    assert report.cells == reference.cells
    assert errors(check_report(report)) == []
    computed = {s.key for s in report.format.cell_specs() if s.computed}
    nonzero = {k for k in computed if reference.cells[k] != 0}
    assert nonzero <= set(changed) <= computed
    if how == "clear":
        assert set(changed) == computed
    assert all(changed[k] == reference.cells[k] for k in changed)
    assert recompute_totals(report) == {}


def test_recompute_totals_changes_nothing_on_a_consistent_report(sample: Report) -> None:
    report = sample.copy()
    assert recompute_totals(report) == {}
    assert report.cells == sample.cells


def test_a_total_of_empty_parts_is_empty_not_zero() -> None:
    report = good_sample()
    row = [("t4", "review", col) for col in ("upheld", "corrected", "other", "pending")]
    report.set("t4", "review", "upheld", 2)
    recompute_totals(report)
    assert report.get("t4", "review", "total") == 2
    for key in row[1:]:
        report.set(*key, None)
    assert recompute_totals(report, row) == {}  # "sum": the parts that are there still add up
    report.set(*row[0], None)
    assert recompute_totals(report, row) == {("t4", "review", "total"): None}
    assert ("t4", "review", "total") not in report.cells
    report.set(*row[2], 0)
    assert recompute_totals(report, [row[2]]) == {("t4", "review", "total"): 0}


def test_after_an_edit_a_total_over_an_empty_cell_is_empty_until_its_parts_are_all_there() -> None:
    report = good_sample()
    carried_in = ("t3", "carried_in", "natural")
    report.set(*carried_in, None)
    changed = recompute_totals(report, [carried_in], incomplete="empty")
    assert changed == {("t3", "carried_in", "total"): None}
    # the 总计 column's balance waits with the 自然人 column's: no partial sum to judge
    assert not {f.key for f in check_report(report) if f.rule in IDENTITY_RULES}
    total = next(r for r in identity_results(report) if r.rule == "T3_BALANCE" and r.line == "total")
    assert not total.judged and total.missing == (("t3", "carried_in", "total"),)
    report.set(*carried_in, 4)
    assert recompute_totals(report, [carried_in], incomplete="empty") == {("t3", "carried_in", "total"): 4}
    assert {f.key for f in check_report(report) if f.rule in IDENTITY_RULES} == {
        "T3_BALANCE:natural",
        "T3_BALANCE:total",
    }
    # a clerk typing into a row of empty cells: the total shows once the row is full
    report.cells = {k: v for k, v in report.cells.items() if k[:2] != ("t4", "review")}
    parts = [("t4", "review", col) for col in ("upheld", "corrected", "other", "pending")]
    for n, key in enumerate(parts, start=1):
        report.set(*key, n)
        recompute_totals(report, [key], incomplete="empty")
        assert report.get("t4", "review", "total") == (10 if n == 4 else None)


def test_accepting_totals_leaves_a_total_of_partly_empty_parts_as_published() -> None:
    report = good_sample()
    report.set("t3", "granted", "natural", None)  # unread; the row's published 总计 stays
    report.set("t3", "total_handled", "business", 1)  # a wrong total over parts all read
    report.set("t4", "review", "total", 7)  # a published total over parts none of which were read
    for col in ("upheld", "corrected", "other", "pending"):
        report.set("t4", "review", col, None)
    changed = recompute_totals(report, incomplete="keep")
    assert changed == {("t3", "total_handled", "business"): 0}
    assert report.get("t3", "granted", "total") == report.get("t3", "total_handled", "natural") == 6
    assert report.get("t4", "review", "total") == 7
    recompute_totals(report)
    assert report.get("t3", "granted", "total") == 0  # "sum": what Excel's SUM would show
    assert report.get("t4", "review", "total") is None


def test_recompute_totals_leaves_the_balance_rule_to_the_clerk() -> None:
    report = good_sample()
    report.set("t3", "new", "natural", 9)
    changed = recompute_totals(report)
    assert changed == {("t3", "new", "total"): 9}
    assert rules_of(errors(check_report(report))) == ["T3_BALANCE", "T3_BALANCE"]


# ---------------------------------------------------------------- VALUE_TYPE and VALUE_MISSING


@pytest.mark.parametrize(
    ("cell", "value", "bad"),
    [
        (("t3", "new", "natural"), 6, False),
        (("t3", "new", "natural"), -1, True),
        (("t3", "new", "natural"), 1.5, True),
        (("t3", "new", "natural"), 6.0, True),
        (("t3", "new", "natural"), Decimal(6), True),
        (("t3", "new", "natural"), True, True),
        (("t3", "new", "natural"), "6", True),
        (("t3", "new", "natural"), 10**10, True),
        (("t4", "review", "pending"), -2, True),
        (("t2", "licensing", "change"), -3, False),
        (("t2", "licensing", "change"), 3, False),
        (("t2", "licensing", "change"), Decimal("-3"), True),
        (("t2", "licensing", "change"), -(10**10), True),
        (("t2", "procurement", "amount"), Decimal("533.41"), False),
        (("t2", "procurement", "amount"), 533, False),
        (("t2", "procurement", "amount"), Decimal("-1"), True),
        (("t2", "procurement", "amount"), Decimal("0.0000001"), True),
        (("t2", "procurement", "amount"), Decimal("NaN"), True),
        (("t2", "procurement", "amount"), 533.41, True),
    ],
)
def test_value_type(cell: CellKey, value: Any, bad: bool) -> None:
    report = good_sample()
    report.cells[cell] = value
    found = [f for f in check_report(report) if f.rule == "VALUE_TYPE"]
    if not bad:
        assert found == []
        return
    assert len(found) == 1
    (f,) = found
    assert f.severity == "error" and f.cells == (cell,)
    assert str(value) in f.message
    label = report.format.table(cell[0]).row(cell[1]).label
    assert label in f.message
    assert not can_finalise(check_report(report))


@pytest.mark.parametrize("cell", [("t3", "nope", "natural"), ("t9", "a", "b"), ("t2", "licensing", "amount")])
def test_value_type_cell_not_in_format(cell: CellKey) -> None:
    report = good_sample()
    report.cells[cell] = 1
    (f,) = check_report(report)
    assert (f.rule, f.severity, f.cells) == ("VALUE_TYPE", "error", (cell,))
    assert "/".join(cell) in f.message


def test_garbage_values_do_not_break_the_identities() -> None:
    report = good_sample()
    report.cells[("t3", "granted", "natural")] = "六"  # type: ignore[assignment]
    findings = check_report(report)
    assert "VALUE_TYPE" in rules_of(findings)
    assert {f.key for f in findings if f.rule in IDENTITY_RULES} == {"T3_HANDLED_SUM:natural", "T3_ROW_TOTAL:granted"}
    assert any(not r.ok for r in identity_results(report))


@pytest.mark.parametrize(
    ("removed", "tables"),
    [
        ([], []),
        ([("t3", "other", "legal")], ["t3"]),
        ([("t2", "procurement", "amount"), ("t4", "review", "upheld")], ["t2", "t4"]),
        ([("t3", r, c) for r in ("new", "granted") for c in ("natural", "business", "ngo")], ["t3"]),
    ],
)
@pytest.mark.parametrize("finalising", [False, True])
def test_value_missing_names_the_empty_cells_of_a_partly_filled_table(
    removed: list[CellKey], tables: list[str], finalising: bool
) -> None:
    report = good_sample()
    for key in removed:
        report.cells.pop(key)
    found = [f for f in check_report(report, finalising=finalising) if f.rule == "VALUE_MISSING"]
    assert [f.key for f in found] == [f"VALUE_MISSING:{t}" for t in tables]
    for f in found:
        mine = [k for k in removed if k[0] == f.key.split(":")[1]]
        assert set(f.cells) == set(mine)
        assert f"{len(mine)} 个单元格未填写" in f.message
        first = report.format.table(mine[0][0]).row(mine[0][1]).label
        assert first in f.message
        assert f.severity == "error"
        if finalising:
            assert "定稿时不能留空，没有的填 0" in f.message
        else:
            assert "（导入时未读取或尚未填写），有关的勾稽关系暂不核对；没有的请填 0：" in f.message
    assert not can_finalise(check_report(report, finalising=True)) or not tables


@pytest.mark.parametrize("format_id", ["2019", "2021"])
def test_a_table_with_nothing_given_says_nothing_in_a_draft(format_id: str) -> None:
    report = empty_report("某某市某某局", 2022 if format_id == "2021" else 2020, format_id)
    assert {f.rule for f in errors(check_report(report))} == {"REQUIRED"}  # its signature and texts, no table
    report.cells = {}  # read from a page whose tables could not be read
    assert not any(f.cells for f in check_report(report))
    recompute_totals(report)
    assert report.cells == {}
    for spec in report.format.cell_specs():  # totals alone are not values given: they follow their parts
        if spec.computed:
            report.cells[spec.key] = 0
    assert not any(f.cells for f in check_report(report))
    at_finalising = [f.key for f in check_report(report, finalising=True) if f.rule == "VALUE_MISSING"]
    assert at_finalising == [f"VALUE_MISSING:{t.key}" for t in report.format.tables]
    # one value typed: its table asks for the rest, the others still say nothing
    report.cells = {("t3", "new", "natural"): 3}
    recompute_totals(report)
    (missing,) = (f for f in check_report(report) if f.rule == "VALUE_MISSING")
    assert missing.key == "VALUE_MISSING:t3"
    assert not [f for f in check_report(report) if f.rule in IDENTITY_RULES]


# ---------------------------------------------------------------- FORMAT_YEAR and explanations


@pytest.mark.parametrize(
    ("format_id", "year", "fires"),
    [
        ("2019", 2019, False),
        ("2019", 2020, False),
        ("2019", 2021, True),
        ("2019", 2018, True),
        ("2021", 2020, True),
        ("2021", 2021, False),
        ("2021", 2030, False),
    ],
)
def test_format_year(format_id: str, year: int, fires: bool) -> None:
    report = empty_report("某某市人民政府", year, format_id)
    report.signed_on = date(year + 1, 3, 1)
    found = [f for f in check_report(report) if f.rule == "FORMAT_YEAR"]
    assert bool(found) == fires
    if fires:
        assert found[0].severity == "error"
        assert str(year) in found[0].message and format_id in found[0].message
        report.explanations["FORMAT_YEAR"] = "按上级要求沿用旧格式"
        (f,) = [f for f in check_report(report) if f.rule == "FORMAT_YEAR"]
        assert f.severity == "warning" and f.explained and f.explanation == "按上级要求沿用旧格式"
        assert f not in unexplained_warnings([f]) and errors([f]) == []
        report.explanations["FORMAT_YEAR"] = "  "
        assert [f.severity for f in check_report(report) if f.rule == "FORMAT_YEAR"] == ["error"]


def test_explanations_mark_warnings_but_never_errors() -> None:
    report = load_sample()
    report.set("t4", "review", "total", 1)
    report.explanations.update(SIGN_DATE="原文如此", T4_ROW_TOTAL="不认", **{"T4_ROW_TOTAL:review": "不认"})
    findings = check_report(report)
    assert rules_of(findings) == ["T4_ROW_TOTAL", "SIGN_DATE"]
    row, sign = findings
    assert sign.explained and sign.explanation == "原文如此"
    assert not row.explained and row.explanation is None and row.key == "T4_ROW_TOTAL:review"
    assert unexplained_warnings(findings) == []
    assert errors(findings) == [row]
    assert not can_finalise(findings)


def test_can_finalise_with_every_warning_explained(sample: Report) -> None:
    report = sample.copy()
    assert not can_finalise(check_report(report))
    report.explanations["SIGN_DATE"] = "报告按原件录入"
    findings = check_report(report)
    assert [f.explained for f in findings] == [True]
    assert can_finalise(findings)


def test_helpers_split_findings() -> None:
    e = Finding("T3_BALANCE", "error", "m", (), "T3_BALANCE:x")
    w = Finding("S5_EMPTY", "warning", "m", (), "S5_EMPTY")
    x = Finding("S6_FEE", "warning", "m", (), "S6_FEE", "已说明")
    assert errors([e, w, x]) == [e]
    assert unexplained_warnings([e, w, x]) == [w]
    assert not can_finalise([e]) and not can_finalise([w]) and can_finalise([x]) and can_finalise([])
    assert x.to_json() == {"rule": "S6_FEE", "severity": "warning", "message": "m", "cells": []}


# ---------------------------------------------------------------- SIGN_DATE


@pytest.mark.parametrize(
    ("agency", "signed", "finalising", "fires"),
    [
        ("某某市某某局", date(2021, 1, 1), False, False),
        ("某某市某某局", date(2021, 1, 31), False, False),
        ("某某市某某局", date(2021, 2, 1), False, True),
        ("某某市某某局", date(2021, 3, 15), False, True),
        ("某某市某某局", date(2020, 12, 31), False, True),
        ("某某市人民政府办公室", date(2021, 2, 1), False, True),
        ("某某市人民政府", date(2021, 1, 1), False, False),
        ("某某市人民政府", date(2021, 2, 1), False, False),
        ("某某市人民政府", date(2021, 3, 31), False, False),
        ("某某市人民政府", date(2021, 4, 1), False, True),
        ("某某市人民政府", date(2020, 1, 20), False, True),
        ("某某市人民政府", date(2022, 1, 20), False, True),
        ("某某市人民政府", None, False, False),  # missing: the error REQUIRED (below), not this warning
        ("某某市人民政府", None, True, False),
    ],
)
def test_sign_date(agency: str, signed: date | None, finalising: bool, fires: bool) -> None:
    report = good_sample()
    report.agency = agency
    report.signed_on = signed
    found = [f for f in check_report(report, finalising=finalising) if f.rule == "SIGN_DATE"]
    assert len(found) == int(fires)
    if fires:
        f = found[0]
        assert f.severity == "warning" and signed is not None
        assert f"{signed.year}年{signed.month}月{signed.day}日" in f.message
        assert ("2021年1月31日" if "局" in agency or "办公室" in agency else "2021年3月31日") in f.message


def test_agency_kind_overrides_the_name() -> None:
    report = good_sample()
    report.signed_on = date(2021, 3, 1)
    assert "SIGN_DATE" in rules_of(check_report(report))
    report.agency_kind = "government"
    assert check_report(report) == []


# ---------------------------------------------------------------- cross-year rules


def _previous_of(report: Report) -> Report:
    previous = report.copy()
    previous.year = report.year - 1
    previous.texts = {}
    for col in (*PARTY_COLUMNS, "total"):
        previous.set("t3", "carried_out", col, report.number("t3", "carried_in", col))
    if report.format_id == "2021":
        for row in ("rules", "normative"):
            n = report.number
            previous.set(
                "t2", row, "in_force", n("t2", row, "in_force") - n("t2", row, "issued") + n("t2", row, "repealed")
            )
    return previous


def test_consistent_previous_year_gives_no_finding(full_2021: Report) -> None:
    assert check_report(full_2021, _previous_of(full_2021)) == []
    sample = good_sample()
    assert check_report(sample, _previous_of(sample)) == []


@pytest.mark.parametrize("columns", [["natural"], ["business", "legal"], ["total"]])
def test_carry_over(full_2021: Report, columns: list[str]) -> None:
    previous = _previous_of(full_2021)
    for col in columns:
        previous.set("t3", "carried_out", col, previous.number("t3", "carried_out", col) + 2)
    found = [f for f in check_report(full_2021, previous) if f.rule == "X_CARRY_OVER"]
    assert [f.key for f in found] == [f"X_CARRY_OVER:{c}" for c in columns]
    f = found[0]
    col = columns[0]
    label = full_2021.format.table("t3").column(col).label
    now = full_2021.number("t3", "carried_in", col)
    assert f.message == (
        f"表三“{label}”列：2020 年报告“四、结转下年度继续办理”为 {now + 2}，"
        f"本年“二、上年结转政府信息公开申请数量”为 {now}，相差 2"
    )
    assert f.cells == (("t3", "carried_in", col),)
    explained = full_2021.copy()
    explained.explanations[f"X_CARRY_OVER:{col}"] = "上年数据有误，已更正"
    flags = {f.key: f.explained for f in check_report(explained, previous) if f.rule == "X_CARRY_OVER"}
    assert flags == {f"X_CARRY_OVER:{c}": c == col for c in columns}


def test_carry_over_across_formats(full_2021: Report) -> None:
    previous = good_sample()  # a 2019-format report for 2020: carried_out exists in both formats
    found = [f for f in check_report(full_2021, previous) if f.rule == "X_CARRY_OVER"]
    assert {f.key for f in found} == {f"X_CARRY_OVER:{c}" for c in (*PARTY_COLUMNS, "total")}
    assert not any(f.rule == "X_IN_FORCE" for f in check_report(full_2021, previous))


@pytest.mark.parametrize(("row", "delta"), [("rules", 1), ("normative", -4), ("rules", 0)])
def test_in_force(full_2021: Report, row: str, delta: int) -> None:
    previous = _previous_of(full_2021)
    previous.set("t2", row, "in_force", previous.number("t2", row, "in_force") + delta)
    found = [f for f in check_report(full_2021, previous) if f.rule == "X_IN_FORCE"]
    if delta == 0:
        assert found == []
        return
    (f,) = found
    assert f.key == f"X_IN_FORCE:{row}" and f.severity == "warning"
    n = full_2021.number
    expected = previous.number("t2", row, "in_force") + n("t2", row, "issued") - n("t2", row, "repealed")
    assert f"现行有效件数({n('t2', row, 'in_force')})" in f.message
    assert f"= {expected}，相差 {abs(delta)}" in f.message
    assert f.cells[0] == ("t2", row, "in_force")


@pytest.mark.parametrize(
    ("before", "now", "fires"),
    [
        (10, 50, False),
        (10, 51, True),
        (10, 2, False),
        (50, 9, False),
        (50, 10, False),
        (51, 10, True),
        (9, 100, False),
        (100, 19, True),
        (100, 20, False),
        (0, 40, False),
        (200, 1001, True),
    ],
)
def test_swing(before: int, now: int, fires: bool) -> None:
    report = good_sample()
    report.set("t4", "review", "pending", now)
    recompute_totals(report)
    previous = _previous_of(report)
    previous.set("t4", "review", "total", before)
    found = [f for f in check_report(report, previous) if f.rule == "X_SWING"]
    assert len(found) == int(fires)
    if fires:
        assert found[0].key == "X_SWING:t4/review/total"
        assert f"本年 {now}，2019 年 {before}" in found[0].message
        assert found[0].cells == (("t4", "review", "total"),)


def test_cross_year_rules_need_a_previous_report(full_2021: Report) -> None:
    previous = _previous_of(full_2021)
    previous.cells = {k: v * 9 for k, v in previous.cells.items()}
    with_previous = set(rules_of(check_report(full_2021, previous)))
    assert {"X_CARRY_OVER", "X_SWING", "X_IN_FORCE"} <= with_previous
    assert check_report(full_2021) == []


def test_check_is_pure(full_2021: Report) -> None:
    report = full_2021.copy()
    report.set("t3", "new", "natural", 99)
    before = report.copy()
    check_report(report, _previous_of(full_2021), finalising=True)
    identity_results(report)
    assert report == before


def test_previous_must_be_last_years_report() -> None:
    from tests.factories import filled_report

    report = filled_report("2021", year=2023)
    with pytest.raises(ValueError, match="2022"):
        check_report(report, filled_report("2021", year=2021))


def test_recomputing_after_one_edit_leaves_an_empty_unrelated_total_alone() -> None:
    # a report read from a file may have an empty total; an edit elsewhere must not fail on it
    report = filled_2021()
    del report.cells[("t4", "review", "total")]
    changed = recompute_totals(report, [("t3", "new", "natural")])
    assert ("t4", "review", "total") not in report.cells and ("t4", "review", "total") not in changed
