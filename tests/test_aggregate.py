"""汇总: cell-by-cell sums of value cells, recomputed totals, the lists for the superior, and the database side."""

from __future__ import annotations

from decimal import Decimal

import pytest

from models import Database
from services.aggregate import UnitStatus, aggregate_reports, aggregate_stored, children, set_agency_parent
from services.checks import check_report, errors, recompute_totals
from services.errors import StorageError
from services.formats import CellKey
from services.report import Fees, Report, empty_report
from services.values import CellValue
from tests.factories import filled_report
from tests.stored import save

COUNTY = "某县人民政府办公室"
UNITS = ("某县教育局", "某县财政局", "某县卫生健康局")
IDENTITIES = {"T3_BALANCE", "T3_HANDLED_SUM", "T3_ROW_TOTAL", "T4_ROW_TOTAL"}


def units(format_id: str = "2021", year: int = 2022, names: tuple[str, ...] = UNITS) -> list[Report]:
    return [filled_report(format_id, year=year, agency=name, seed=i + 7) for i, name in enumerate(names)]


def value_keys(report: Report) -> list[CellKey]:
    return [spec.key for spec in report.format.cell_specs() if not spec.computed]


def expected_sum(reports: list[Report], key: CellKey) -> CellValue:
    total: CellValue = 0
    for report in reports:
        total += report.number(*key)
    return total


# ---------------------------------------------------------------- pure sums


@pytest.mark.parametrize(("format_id", "year"), [("2021", 2022), ("2019", 2020)])
def test_every_value_cell_is_the_sum_of_the_units_cells(format_id: str, year: int) -> None:
    reports = units(format_id, year)
    if format_id == "2019":  # signed 增减 counts: a net decrease must sum as a negative int
        for report, change in zip(reports, (-9, -8, 5), strict=True):
            report.cells[("t2", "licensing", "change")] = change
    result = aggregate_reports(COUNTY, year, format_id, reports)
    keys = value_keys(reports[0])
    assert {key[0] for key in keys} == {"t2", "t3", "t4"}
    for key in keys:
        expected = expected_sum(reports, key)
        assert result.report.cells[key] == expected, key
        assert type(result.report.cells[key]) is type(expected), key
    if format_id == "2019":
        assert result.report.cells[("t2", "licensing", "change")] == -12
        assert result.report.cells[("t2", "licensing", "prev_items")] == sum(
            r.cells[("t2", "licensing", "prev_items")] for r in reports
        )
    assert result.report.agency == COUNTY
    assert (result.report.year, result.report.format_id, result.report.status) == (year, format_id, "draft")
    assert set(result.report.texts.values()) == {""}
    assert result.included == UNITS
    assert (result.missing, result.erroneous, result.refused) == ((), (), ())


def test_totals_are_recomputed_and_equal_the_units_totals_when_those_are_right() -> None:
    reports = units()
    result = aggregate_reports(COUNTY, 2022, "2021", reports)
    computed = [spec.key for spec in result.report.format.cell_specs() if spec.computed]
    assert computed
    for key in computed:
        assert result.report.cells[key] == expected_sum(reports, key), key
    assert recompute_totals(result.report.copy()) == {}
    assert [f for f in result.findings if f.rule in IDENTITIES] == []
    assert errors(result.findings) == []


def test_lists_included_missing_and_erroneous_units() -> None:
    reports = units()
    broken = reports[1]
    # A published total that disagrees with its parts: the unit is listed, and the sum stays exact.
    broken.cells[("t3", "new", "total")] += 5
    result = aggregate_reports(COUNTY, 2022, "2021", reports, asked=[*UNITS, "某县林业局"])
    assert result.included == UNITS
    assert result.missing == ("某县林业局",)
    unit_errors = len(errors(check_report(broken)))
    assert unit_errors >= 1
    assert result.erroneous == (UnitStatus(UNITS[1], 2022, unit_errors),)
    assert result.refused == ()
    # The sum's total is the sum of its parts, not of the units' (partly wrong) published totals.
    parts = sum(
        result.report.cells[("t3", "new", col)]
        for col in ("natural", "business", "research", "ngo", "legal", "other_org")
    )
    assert result.report.cells[("t3", "new", "total")] == parts
    assert result.report.cells[("t3", "new", "total")] == expected_sum(reports, ("t3", "new", "total")) - 5
    assert [f for f in result.findings if f.rule in IDENTITIES] == []


def test_a_broken_balance_of_a_unit_shows_in_the_sum() -> None:
    reports = units()
    reports[0].cells[("t3", "carried_out", "natural")] += 3
    result = aggregate_reports(COUNTY, 2022, "2021", reports)
    assert [s.agency for s in result.erroneous] == [UNITS[0]]
    assert [f.key for f in errors(result.findings)] == ["T3_BALANCE:natural", "T3_BALANCE:total"]


def test_a_report_of_another_format_is_refused_with_the_reason_and_not_summed() -> None:
    reports = units()
    other = filled_report("2019", year=2022, agency="某县水务局", seed=99)
    result = aggregate_reports(COUNTY, 2022, "2021", [*reports, other], asked=[*UNITS, "某县水务局"])
    assert result.refused == (("某县水务局", "格式为 2019，与本次汇总的 2021 格式不同，不能相加"),)
    assert result.included == UNITS
    assert result.missing == ()  # it has a report of the year, only not in this format
    for key in value_keys(reports[0]):
        assert result.report.cells[key] == expected_sum(reports, key), key


def test_a_report_of_another_year_is_refused_and_its_agency_counts_as_missing() -> None:
    reports = units()
    last_year = filled_report("2021", year=2021, agency="某县水务局", seed=98)
    result = aggregate_reports(COUNTY, 2022, "2021", [last_year, *reports], asked=[*UNITS, "某县水务局"])
    assert result.refused == (("某县水务局", "年度为 2021，与本次汇总的 2022 年度不同，不能相加"),)
    assert result.included == UNITS
    assert result.missing == ("某县水务局",)
    for key in value_keys(reports[0]):
        assert result.report.cells[key] == expected_sum(reports, key), key


def test_a_second_report_of_the_same_unit_is_refused() -> None:
    reports = units()
    again = filled_report("2021", year=2022, agency=UNITS[0], seed=50)
    result = aggregate_reports(COUNTY, 2022, "2021", [*reports, again])
    assert result.included == UNITS
    assert result.refused == ((UNITS[0], "同一单位的报告重复，只计入第一份"),)
    key = ("t3", "new", "natural")
    assert result.report.cells[key] == expected_sum(reports, key)


def test_a_report_holding_a_value_that_is_not_a_number_is_refused() -> None:
    reports = units()
    reports[2].cells[("t4", "review", "upheld")] = "三"  # type: ignore[assignment]
    result = aggregate_reports(COUNTY, 2022, "2021", reports)
    assert result.included == UNITS[:2]
    assert result.refused == ((UNITS[2], "单元格 t4/review/upheld 的值“三”不是有效的数字，不能相加"),)
    assert result.report.cells[("t4", "review", "upheld")] == expected_sum(reports[:2], ("t4", "review", "upheld"))


def test_fees_are_summed_when_set() -> None:
    reports = units()
    reports[0].fees = Fees(2, Decimal("0.10"))
    reports[1].fees = Fees(None, Decimal("0.2"))
    reports[2].fees = Fees(3, None)
    result = aggregate_reports(COUNTY, 2022, "2021", reports)
    assert result.report.fees.notices == 5
    assert result.report.fees.amount_yuan == Decimal("0.3")
    assert str(result.report.fees.amount_yuan) == "0.3"

    for report in reports:
        report.fees = Fees()
    unset = aggregate_reports(COUNTY, 2022, "2021", reports)
    assert unset.report.fees == Fees(None, None)


def test_amounts_are_exact_decimals() -> None:
    key = ("t2", "fees", "amount")
    reports = [filled_report("2021", year=2022, agency=f"单位{i}", seed=i) for i in range(1000)]
    for report in reports:
        report.cells[key] = Decimal("0.000001")
    reports[0].cells[key] = Decimal("999999999.999999")
    reports[1].cells[key] = Decimal("0.1")
    reports[2].cells[key] = Decimal("0.2")
    result = aggregate_reports(COUNTY, 2022, "2021", reports)
    total = result.report.cells[key]
    assert type(total) is Decimal
    assert total == Decimal("999999999.999999") + Decimal("0.3") + Decimal("0.000997")
    assert str(total) == "1000000000.300996"
    # More than the cell's upper bound: the sum says so rather than rounding.
    assert [f.rule for f in errors(result.findings)] == ["VALUE_TYPE"]


def test_the_units_are_not_changed() -> None:
    reports = units()
    reports[0].cells[("t3", "new", "total")] += 1
    before = [r.copy() for r in reports]
    aggregate_reports(COUNTY, 2022, "2021", reports)
    assert reports == before


def test_nothing_to_sum_gives_a_zero_report() -> None:
    result = aggregate_reports(COUNTY, 2022, "2021", [], asked=UNITS)
    assert result.included == ()
    assert result.missing == UNITS
    assert result.report.cells == empty_report(COUNTY, 2022, "2021").cells


# ---------------------------------------------------------------- from the database


def test_aggregate_stored_listed_agencies(db: Database) -> None:
    reports = units()
    for report in reports:
        save(db, report)
    save(db, filled_report("2021", year=2021, agency="某县林业局", seed=3))  # last year's only
    save(db, filled_report("2021", year=2022, agency="某县商务局", seed=4))  # not asked
    with db.transaction() as session:
        result = aggregate_stored(session, COUNTY, 2022, None, agencies=[*UNITS, "某县林业局", "某县无此局"])
    assert result.included == UNITS  # in the order asked
    assert result.missing == ("某县林业局", "某县无此局")
    assert result.report.format_id == "2021"  # the year's format
    for key in value_keys(reports[0]):
        assert result.report.cells[key] == expected_sum(reports, key), key


def test_aggregate_stored_children_of_a_parent(db: Database) -> None:
    county = "某县人民政府"
    save(db, filled_report("2021", year=2022, agency=county, seed=20))
    reports = units()
    for report in reports:
        save(db, report)
    save(db, filled_report("2021", year=2022, agency="某市教育局", seed=21))  # not under the county
    save(db, filled_report("2021", year=2021, agency="某县林业局", seed=22))  # child without a 2022 report
    with db.transaction() as session:
        for name in (*UNITS, "某县林业局"):
            set_agency_parent(session, name, county)
    with db.transaction() as session:
        assert children(session, county) == sorted([*UNITS, "某县林业局"])
        result = aggregate_stored(session, county, 2022, "2021", parent=county)
    assert sorted(result.included) == sorted(UNITS)
    assert result.missing == ("某县林业局",)
    assert result.report.agency == county
    for key in value_keys(reports[0]):
        assert result.report.cells[key] == expected_sum(reports, key), key


def test_set_agency_parent_refuses_loops_and_unknown_agencies(db: Database) -> None:
    for name in ("甲", "乙", "丙"):
        save(db, empty_report(name, 2022))
    with db.transaction() as session:
        set_agency_parent(session, "乙", "甲")
        set_agency_parent(session, "丙", "乙")
    with db.transaction() as session, pytest.raises(StorageError, match="互为上级"):
        set_agency_parent(session, "甲", "丙")
    with db.transaction() as session, pytest.raises(StorageError, match="互为上级"):
        set_agency_parent(session, "甲", "甲")
    with db.transaction() as session, pytest.raises(StorageError, match="不存在"):
        set_agency_parent(session, "甲", "丁")
    with db.transaction() as session:
        set_agency_parent(session, "丙", None)
    with db.transaction() as session:
        assert children(session, "乙") == []
        assert children(session, "甲") == ["乙"]


def test_aggregate_stored_needs_units_or_a_parent(db: Database) -> None:
    with db.transaction() as session:
        with pytest.raises(StorageError, match="二者选其一"):
            aggregate_stored(session, COUNTY, 2022, None)
        with pytest.raises(StorageError, match="二者选其一"):
            aggregate_stored(session, COUNTY, 2022, None, agencies=UNITS, parent=COUNTY)
        with pytest.raises(StorageError, match="不存在"):
            aggregate_stored(session, COUNTY, 2022, None, parent="某县无此机关")
        with pytest.raises(StorageError, match="未知的报告格式"):
            aggregate_stored(session, COUNTY, 2022, "2099", agencies=UNITS)
