"""New reports (zeros, preamble, last year's carried-over values) and agency administration, on real SQLite."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from models import Agency, Database, Revision, open_database
from services import storage
from services.catalogue import count_findings
from services.checks import check_report
from services.errors import StorageError
from services.report import Report, empty_report
from services.report_admin import (
    AgencyLine,
    carry_over_sources,
    create_report,
    delete_report_checked,
    list_agencies,
    rename_agency,
    set_agency_kind,
    standard_preamble,
)
from tests.factories import filled_report
from tests.stored import load, save

AGENCY = "某县教育局"
CARRY_2022 = "表三“二、上年结转政府信息公开申请数量”取自2022年报告“四、结转下年度继续办理”"
CARRY_2020 = "表三“二、上年结转政府信息公开申请数量”取自2020年报告“四、结转下年度继续办理”"
RULES_2022 = "表二“规章”的“现行有效件数”取自2022年报告“规章”的“现行有效件数”"
NORMATIVE_2022 = "表二“行政规范性文件”的“现行有效件数”取自2022年报告“行政规范性文件”的“现行有效件数”"


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    database = open_database(tmp_path / "nianbao.sqlite3")
    yield database
    database.dispose()


def stored_counts(db: Database) -> dict[tuple[str, int], tuple[int | None, int | None]]:
    with db.transaction() as session:
        return {(s.agency, s.year): (s.errors, s.warnings) for s in storage.list_reports(session)}


def expected_counts(db: Database, report_id: int) -> tuple[int, int]:
    with db.transaction() as session:
        return count_findings(session, storage.load_report(session, report_id))


# ---------------------------------------------------------------- the preamble


def test_the_2021_preamble_cites_the_regulation_and_the_2021_notice() -> None:
    text = standard_preamble(AGENCY, 2023)
    assert text.startswith(
        "本报告根据《中华人民共和国政府信息公开条例》和《国务院办公厅政府信息与政务公开办公室"
        "关于印发〈中华人民共和国政府信息公开工作年度报告格式〉的通知》（国办公开办函〔2021〕30号）要求，"
        "由某县教育局编制。"
    )
    assert "本报告中所列数据的统计期限自2023年1月1日起至2023年12月31日止。" in text
    assert "本报告电子版可在本机关门户网站查阅。" in text
    assert "政府信息公开行政复议和行政诉讼情况" in text
    assert "2019" not in text


def test_a_2019_format_preamble_cites_its_own_format_document() -> None:
    text = standard_preamble("某市人民政府", 2020)
    assert "《中华人民共和国政府信息公开条例》和《中华人民共和国政府信息公开工作年度报告格式（试行）》" in text
    assert "（国办公开办函〔2019〕60号）" in text
    assert "自2020年1月1日起至2020年12月31日止" in text
    assert "由某市人民政府编制" in text
    assert "2021" not in text


def test_the_preamble_follows_an_explicit_format() -> None:
    assert "国办公开办函〔2019〕60号" in standard_preamble(AGENCY, 2021, "2019")


# ---------------------------------------------------------------- new reports


def test_a_first_report_is_all_zeros_with_preamble_and_signatory(db: Database) -> None:
    with db.transaction() as session:
        created = create_report(session, f"  {AGENCY} ", 2023)
    assert created.sources == ()
    report = load(db, created.report_id)
    blank = empty_report(AGENCY, 2023)
    assert report.format_id == "2021"
    assert report.cells == blank.cells
    assert set(report.cells.values()) == {0}
    assert report.texts == {**blank.texts, "preamble": standard_preamble(AGENCY, 2023)}
    assert report.signed_by == AGENCY
    assert (report.status, report.title, report.signed_on, report.agency_code) == ("draft", None, None, None)
    with db.transaction() as session:
        assert storage.report_version(session, created.report_id) == 1
        assert [e.new for e in storage.revisions(session, created.report_id)] == ["created"]
    assert stored_counts(db) == {(AGENCY, 2023): expected_counts(db, created.report_id)}


def test_a_report_in_an_explicit_format_with_an_agency_code(db: Database) -> None:
    with db.transaction() as session:
        created = create_report(session, AGENCY, 2020, "2021", agency_code=" 11520100MB1234567X ")
    report = load(db, created.report_id)
    assert (report.format_id, report.agency_code) == ("2021", "11520100MB1234567X")
    assert report.cells == empty_report(AGENCY, 2020, "2021").cells
    with db.transaction() as session:
        [line] = list_agencies(session)
        assert line.code == "11520100MB1234567X"
        with pytest.raises(StorageError, match="代码"):
            create_report(session, AGENCY, 2021, agency_code="99999999999999999X")


@pytest.mark.parametrize("year", [1989, 2101, -1])
def test_a_year_outside_the_range_is_refused(db: Database, year: int) -> None:
    with db.transaction() as session, pytest.raises(StorageError, match="年度"):
        create_report(session, AGENCY, year)
    assert stored_counts(db) == {}


@pytest.mark.parametrize(
    ("agency", "year", "format_id", "message"),
    [
        ("", 2023, None, "机构名称不能为空"),
        ("   ", 2023, None, "机构名称不能为空"),
        (AGENCY, 2023, "2027", "未知的报告格式"),
        (AGENCY, 1995, None, "没有适用于 1995 年的报告格式"),
    ],
)
def test_bad_input_is_refused_in_chinese(
    db: Database, agency: str, year: int, format_id: str | None, message: str
) -> None:
    with db.transaction() as session, pytest.raises(StorageError, match=message):
        create_report(session, agency, year, format_id)


def test_an_existing_agency_year_is_refused_and_left_alone(db: Database) -> None:
    existing = filled_report("2021", year=2023, agency=AGENCY)
    report_id = save(db, existing)
    with db.transaction() as session, pytest.raises(StorageError, match="某县教育局 2023 年的报告已存在"):
        create_report(session, AGENCY, 2023)
    assert load(db, report_id) == existing


def test_last_years_carried_out_and_regulations_in_force_are_copied(db: Database) -> None:
    last = filled_report("2021", year=2022, agency=AGENCY, seed=5)
    last.status = "final"
    save(db, last)
    with db.transaction() as session:
        created = create_report(session, AGENCY, 2023)
    assert created.sources == (CARRY_2022, RULES_2022, NORMATIVE_2022)
    report = load(db, created.report_id)
    columns = report.format.table("t3").column_keys()
    for col in columns:
        assert report.get("t3", "carried_in", col) == last.get("t3", "carried_out", col)
    assert report.get("t3", "carried_in", "total") == sum(
        last.number("t3", "carried_out", c) for c in columns if c != "total"
    )
    for row in ("rules", "normative"):
        assert report.get("t2", row, "in_force") == last.get("t2", row, "in_force")
        assert report.get("t2", row, "issued") == 0
    # nothing else is copied
    copied = {("t3", "carried_in", c) for c in columns} | {("t2", r, "in_force") for r in ("rules", "normative")}
    assert {k for k, v in report.cells.items() if v != 0} <= copied
    rules = {f.rule for f in check_report(report, last)}
    assert "X_CARRY_OVER" not in rules and "X_IN_FORCE" not in rules
    # one + two = handled + carried out no longer holds for the new, otherwise empty, report: errors counted
    errors, warnings = stored_counts(db)[(AGENCY, 2023)]
    assert (errors, warnings) == expected_counts(db, created.report_id)
    assert errors is not None and errors > 0


def test_carry_over_from_a_2019_format_report_copies_the_common_columns_only(db: Database) -> None:
    last = filled_report("2019", year=2020, agency=AGENCY, seed=2)
    last.status = "final"
    save(db, last)
    with db.transaction() as session:
        created = create_report(session, AGENCY, 2021)
    # the 2019 format has no 现行有效件数 column: only the carry-over
    assert created.sources == (CARRY_2020,)
    report = load(db, created.report_id)
    assert report.format_id == "2021"
    for col in report.format.table("t3").column_keys():
        assert report.get("t3", "carried_in", col) == last.get("t3", "carried_out", col)
    assert report.get("t2", "rules", "in_force") == 0


def test_only_last_year_counts(db: Database) -> None:
    save(db, filled_report("2021", year=2021, agency=AGENCY))
    save(db, filled_report("2021", year=2022, agency="另一个局"))
    with db.transaction() as session:
        created = create_report(session, AGENCY, 2023)
    assert created.sources == ()
    assert load(db, created.report_id).cells == empty_report(AGENCY, 2023).cells


def test_carry_over_sources_match_create_and_need_a_previous_report(db: Database) -> None:
    last = filled_report("2021", year=2022, agency=AGENCY, seed=5)
    save(db, last)
    with db.transaction() as session:
        created = create_report(session, AGENCY, 2023)
    report = load(db, created.report_id)
    assert carry_over_sources(report, last) == list(created.sources)
    assert carry_over_sources(report, None) == []
    with pytest.raises(ValueError, match="not the one for 2020"):
        carry_over_sources(empty_report(AGENCY, 2021), last)


def test_carry_over_sources_skip_cells_last_year_left_empty() -> None:
    last = filled_report("2021", year=2022, agency=AGENCY)
    last.status = "final"
    del last.cells[("t2", "rules", "in_force")]
    assert carry_over_sources(empty_report(AGENCY, 2023), last) == [CARRY_2022, NORMATIVE_2022]


def test_creating_last_years_report_refreshes_the_counts_of_this_years(db: Database) -> None:
    this = filled_report("2021", year=2023, agency=AGENCY, seed=4)
    with db.transaction() as session:
        this_id = storage.save_report(session, this)
        storage.set_counts(session, this_id, 0, len(check_report(this)))
    with db.transaction() as session:
        create_report(session, AGENCY, 2022)
        last = storage.load_report(session, storage.find_report(session, AGENCY, 2022) or 0)
    assert stored_counts(db)[(AGENCY, 2023)] == (0, len(check_report(this, last)))
    assert len(check_report(this, last)) != len(check_report(this))


# ---------------------------------------------------------------- deleting


def final_report(db: Database, year: int = 2022) -> int:
    report_id = save(db, filled_report("2021", year=year, agency=AGENCY))
    with db.transaction() as session:
        storage.set_status(session, report_id, "final", None, 1)
    return report_id


def test_a_draft_is_deleted_without_a_reason(db: Database) -> None:
    with db.transaction() as session:
        report_id = create_report(session, AGENCY, 2023).report_id
    with db.transaction() as session:
        delete_report_checked(session, report_id, None, 1)
    with db.transaction() as session:
        assert storage.find_report(session, AGENCY, 2023) is None


@pytest.mark.parametrize("reason", [None, "", "  \n\t"])
def test_a_final_report_needs_a_reason(db: Database, reason: str | None) -> None:
    report_id = final_report(db)
    with db.transaction() as session, pytest.raises(StorageError, match="删除已定稿的报告须填写原因"):
        delete_report_checked(session, report_id, reason, 2)
    with db.transaction() as session:
        assert storage.find_report(session, AGENCY, 2022) == report_id


def test_a_final_report_is_deleted_with_its_reason_logged(db: Database) -> None:
    report_id = final_report(db)
    with db.transaction() as session:
        delete_report_checked(session, report_id, "  重复录入，以新版为准 ", 2)
    with db.transaction() as session:
        assert storage.find_report(session, AGENCY, 2022) is None
        logged = session.execute(select(Revision.new_value, Revision.reason).order_by(Revision.id.desc())).first()
    assert logged is not None and tuple(logged) == ("deleted", "重复录入，以新版为准")


def test_deleting_checks_the_version_and_the_report(db: Database) -> None:
    report_id = final_report(db)
    with db.transaction() as session, pytest.raises(StorageError, match="已被其他人修改"):
        delete_report_checked(session, report_id, "原因", 1)
    with db.transaction() as session, pytest.raises(StorageError, match="不存在"):
        delete_report_checked(session, report_id + 1, "原因", None)


def test_deleting_last_years_report_refreshes_this_years_counts(db: Database) -> None:
    last_id = save(db, filled_report("2021", year=2022, agency=AGENCY, seed=3))
    this = filled_report("2021", year=2023, agency=AGENCY, seed=4)
    with db.transaction() as session:
        this_id = storage.save_report(session, this)
        storage.set_counts(session, this_id, 9, 9)
    with db.transaction() as session:
        delete_report_checked(session, last_id, None, None)
    assert stored_counts(db) == {(AGENCY, 2023): (0, len(check_report(this)))}


# ---------------------------------------------------------------- agencies


def test_list_agencies_names_code_parent_and_kind(db: Database) -> None:
    county = "某县人民政府"
    save(db, empty_report(county, 2022))
    office = empty_report(AGENCY, 2022)
    office.agency_code = "11520100MB1234567X"
    office.agency_kind = "department"
    save(db, office)
    with db.transaction() as session:
        child = session.scalar(select(Agency).where(Agency.name == AGENCY))
        parent_id = session.scalar(select(Agency.id).where(Agency.name == county))
        assert child is not None
        child.parent_id = parent_id
    with db.transaction() as session:
        lines = list_agencies(session)
    # by name, as list_reports sorts them (code point order: 人 U+4EBA before 教 U+6559)
    assert [(line.name, line.code, line.parent, line.kind) for line in lines] == [
        (county, None, None, None),
        (AGENCY, "11520100MB1234567X", county, "department"),
    ]
    assert all(isinstance(line, AgencyLine) and line.id > 0 for line in lines)


def test_rename_agency_moves_its_reports_and_logs_each(db: Database) -> None:
    first = save(db, filled_report("2021", year=2022, agency=AGENCY))
    second = save(db, filled_report("2021", year=2023, agency=AGENCY))
    other = save(db, filled_report("2021", year=2023, agency="某县卫生健康局"))
    with db.transaction() as session:
        rename_agency(session, f" {AGENCY}", " 某县教育和体育局 ")
    with db.transaction() as session:
        assert storage.find_report(session, AGENCY, 2022) is None
        assert storage.find_report(session, "某县教育和体育局", 2022) == first
        assert storage.find_report(session, "某县教育和体育局", 2023) == second
        for report_id in (first, second):
            last = storage.revisions(session, report_id)[-1]
            assert (last.what, last.old, last.new, last.version) == ("agency name", AGENCY, "某县教育和体育局", 2)
            assert storage.report_version(session, report_id) == 2
        assert [e.what for e in storage.revisions(session, other)] == ["report"]
        assert [line.name for line in list_agencies(session)] == ["某县卫生健康局", "某县教育和体育局"]


def test_rename_agency_refuses_blank_taken_and_unknown_names(db: Database) -> None:
    save(db, empty_report(AGENCY, 2022))
    save(db, empty_report("某县卫生健康局", 2022))
    with db.transaction() as session:
        with pytest.raises(StorageError, match="机构名称不能为空"):
            rename_agency(session, AGENCY, "  ")
        with pytest.raises(StorageError, match="已有名为“某县卫生健康局”的机构"):
            rename_agency(session, AGENCY, "某县卫生健康局")
        with pytest.raises(StorageError, match="不存在"):
            rename_agency(session, "某县文化局", "某县文化和旅游局")
        rename_agency(session, AGENCY, AGENCY)  # the same name: nothing to do
        report_id = storage.find_report(session, AGENCY, 2022)
        assert report_id is not None
        assert [e.what for e in storage.revisions(session, report_id)] == ["report"]


def signed_in_february(agency: str) -> Report:
    # 20 February is late for a department (31 January) but in time for a people's government (31 March)
    report = filled_report("2021", year=2022, agency=agency)
    report.signed_on = date(2023, 2, 20)
    return report


def test_renaming_to_a_peoples_government_changes_the_counts(db: Database) -> None:
    report_id = save(db, signed_in_february("某县人民政府办公室"))
    with db.transaction() as session:
        storage.set_counts(session, report_id, *count_findings(session, storage.load_report(session, report_id)))
    before = stored_counts(db)[("某县人民政府办公室", 2022)]
    with db.transaction() as session:
        rename_agency(session, "某县人民政府办公室", "某县人民政府")
    after = stored_counts(db)[("某县人民政府", 2022)]
    assert before[1] is not None and after == (0, before[1] - 1)
    assert after == expected_counts(db, report_id)


def test_set_agency_kind_logs_and_refreshes_the_counts(db: Database) -> None:
    report_id = save(db, signed_in_february(AGENCY))
    with db.transaction() as session:
        set_agency_kind(session, AGENCY, "government")
    with db.transaction() as session:
        assert storage.load_report(session, report_id).agency_kind == "government"
        last = storage.revisions(session, report_id)[-1]
        assert (last.what, last.old, last.new) == ("agency kind", None, "government")
        [line] = list_agencies(session)
        assert line.kind == "government"
    government = stored_counts(db)[(AGENCY, 2022)]
    assert government == expected_counts(db, report_id)
    with db.transaction() as session:
        set_agency_kind(session, AGENCY, None)  # back to following the name: a department
    department = stored_counts(db)[(AGENCY, 2022)]
    assert department[1] == (government[1] or 0) + 1
    with db.transaction() as session:
        assert storage.load_report(session, report_id).agency_kind is None


def test_set_agency_kind_refuses_unknown_kinds_and_agencies(db: Database) -> None:
    save(db, empty_report(AGENCY, 2022))
    with db.transaction() as session:
        with pytest.raises(StorageError, match="未知的机构类别"):
            set_agency_kind(session, AGENCY, "ministry")  # type: ignore[arg-type]
        with pytest.raises(StorageError, match="不存在"):
            set_agency_kind(session, "某县文化局", "department")


def test_values_carried_over_from_a_draft_say_so(db: Database) -> None:
    # issue 12 item 10: a 2023 report copying from a 2022 report still in 草稿 tells the clerk
    save(db, filled_report("2021", year=2022, agency=AGENCY, seed=5))
    with db.transaction() as session:
        created = create_report(session, AGENCY, 2023)
    assert created.sources and all("取自2022年报告（尚未定稿，定稿后请核对）" in s for s in created.sources)
