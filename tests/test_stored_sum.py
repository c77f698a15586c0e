"""汇总 in the database's terms (services/stored_sum.py) gives what loading every report and adding them gives
(services.aggregate.aggregate_stored), on SQLite and on PostgreSQL; the packs it reads follow every cell write."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import update

from models.database import Database
from models.tables import ReportRecord
from services import storage
from services.aggregate import AggregateResult, aggregate_stored, set_agency_parent
from services.report import Report
from services.stored_sum import sum_stored
from services.summands import layout, pack, unpack
from tests.factories import filled_report, sample_report
from tests.stored import save

PARENT = "某县人民政府办公室"


def broken(report: Report) -> Report:
    report.cells[("t3", "new", "natural")] = 999  # t3's totals no longer agree: errors
    return report


def units(db: Database) -> dict[str, int]:
    """Units of every kind a 汇总 meets, under PARENT; and one unit of another parent."""
    with_fees = filled_report("2021", agency="某县财政局", seed=2)
    with_fees.fees.notices, with_fees.fees.amount_yuan = 3, Decimal("12.5")
    not_a_count = filled_report("2021", agency="某县水利局", seed=4)
    not_a_count.cells[("t3", "new", "natural")] = Decimal("1.5")
    part = filled_report("2021", agency="某县林业局", seed=6)
    del part.cells[("t3", "new", "business")]
    reports = {
        "某县教育局": filled_report("2021", agency="某县教育局", seed=1),
        "某县财政局": with_fees,
        "某县档案馆": filled_report("2019", year=2022, agency="某县档案馆", seed=3),
        "某县水利局": not_a_count,
        "某县审计局": broken(filled_report("2021", agency="某县审计局", seed=5)),
        "某县林业局": part,
        "某县民政局": filled_report("2021", year=2021, agency="某县民政局", seed=7),  # no report of 2022
        "某市交通局": filled_report("2021", agency="某市交通局", seed=8),  # not a unit of PARENT
    }
    ids = {name: save(db, report) for name, report in reports.items()}
    save(db, filled_report("2021", year=2021, agency=PARENT))
    with db.transaction() as session:
        for name in reports:
            if name != "某市交通局":
                set_agency_parent(session, name, PARENT)
    return ids


def same(ours: AggregateResult, theirs: AggregateResult) -> None:
    assert ours.report == theirs.report
    assert ours.included == theirs.included
    assert ours.missing == theirs.missing
    assert ours.refused == theirs.refused
    assert ours.findings == theirs.findings
    assert ours.erroneous == theirs.erroneous


def test_the_sum_of_a_parents_units_is_the_sum_of_their_reports(any_db: Database) -> None:
    units(any_db)
    with any_db.transaction() as session:
        ours = sum_stored(session, "某县（汇总）", 2022, None, parent=PARENT)
        theirs = aggregate_stored(session, "某县（汇总）", 2022, None, parent=PARENT)
    same(ours, theirs)
    # (the order of children() is the database's: its collation may differ between SQLite and PostgreSQL)
    assert sorted(ours.included) == sorted(("某县审计局", "某县教育局", "某县林业局", "某县财政局"))
    assert ours.missing == ("某县民政局",)
    refused = dict(ours.refused)
    assert sorted(refused) == sorted(["某县档案馆", "某县水利局"])
    assert "单元格 t3/new/natural 的值“1.5”不是有效的数字" in refused["某县水利局"]
    # 林业局's empty cell is an error of its own (VALUE_MISSING); it is summed as 0 all the same
    assert sorted(u.agency for u in ours.erroneous) == sorted(["某县审计局", "某县林业局"])
    assert ours.report.fees.notices == 3 and ours.report.fees.amount_yuan == Decimal("12.5")
    assert ours.units == ()


def test_units_named_one_by_one_sum_alike(any_db: Database) -> None:
    units(any_db)
    names = ["某县财政局", " 某市交通局", "某县民政局", "不存在的单位", "某县档案馆", "某县财政局"]
    with any_db.transaction() as session:
        ours = sum_stored(session, "汇总", 2022, "2021", agencies=names)
        theirs = aggregate_stored(session, "汇总", 2022, "2021", agencies=names)
    same(ours, theirs)
    assert ours.included == ("某县财政局", "某市交通局")
    assert ours.missing == ("某县民政局", "不存在的单位")


def test_a_report_stored_before_the_packs_is_packed_when_first_summed(any_db: Database) -> None:
    ids = units(any_db)
    with any_db.transaction() as session:
        session.execute(update(ReportRecord).values(summands=None, error_count=None))
    with any_db.transaction() as session:
        ours = sum_stored(session, "汇总", 2022, None, parent=PARENT)
        theirs = aggregate_stored(session, "汇总", 2022, None, parent=PARENT)
        packed = session.get(ReportRecord, ids["某县教育局"])
        assert packed is not None and packed.summands is not None and packed.error_count is not None
    same(ours, theirs)


def test_a_pack_of_another_layout_is_made_again(db: Database) -> None:
    report_id = save(db, filled_report("2021", agency="某县教育局"))
    with db.transaction() as session:
        set_agency_parent(session, "某县教育局", None)
        session.execute(update(ReportRecord).values(summands="2021:00000000|1,2|3"))
    with db.transaction() as session:
        ours = sum_stored(session, "汇总", 2022, None, agencies=["某县教育局"])
        record = session.get(ReportRecord, report_id)
        assert record is not None and record.summands is not None
        assert record.summands.startswith(layout(ours.report.format).tag + "|")
    assert ours.report.cells == filled_report("2021", agency="汇总").cells


def test_every_cell_write_keeps_the_pack(any_db: Database) -> None:
    report_id = save(any_db, filled_report("2021", agency="某县教育局"))
    fmt = filled_report().format
    with any_db.transaction() as session:
        version = storage.report_version(session, report_id)
        storage.set_cells(session, report_id, {("t3", "new", "natural"): 77, ("t3", "new", "business"): None}, version)
        version = storage.set_cell(session, report_id, ("t2", "fees", "amount"), Decimal("0.000001"), version + 1)
        record = session.get(ReportRecord, report_id)
        assert record is not None and record.summands is not None
        unpacked = unpack(fmt, record.summands)
    assert unpacked is not None
    counts, amounts = unpacked
    shape = layout(fmt)
    assert counts[shape.counts.index(("t3", "new", "natural"))] == "77"
    assert counts[shape.counts.index(("t3", "new", "business"))] == "0"  # cleared: adds nothing
    assert amounts == ["0.000001"]
    with any_db.transaction() as session:
        assert storage.load_report(session, report_id).cells[("t3", "new", "natural")] == 77


def test_a_pack_holds_value_cells_only_an_absent_one_as_0() -> None:
    report = sample_report()
    fmt = report.format
    texts = {key: str(value) for key, value in report.cells.items()}
    counts, amounts = unpack(fmt, pack(fmt, texts)) or ([], [])
    shape = layout(fmt)
    assert len(counts) == len(shape.counts) and len(amounts) == len(shape.amounts)
    assert all(not spec.computed for spec in fmt.cell_specs() if spec.key in shape.counts)
    assert unpack(fmt, pack(fmt, {})) == (["0"] * len(shape.counts), ["0"] * len(shape.amounts))
    assert unpack(fmt, pack(filled_report("2021").format, {})) is None  # another format's layout


def test_neither_units_nor_parent_is_refused(db: Database) -> None:
    from services.errors import StorageError

    with db.transaction() as session, pytest.raises(StorageError, match="二者选其一"):
        sum_stored(session, "汇总", 2022, None)
