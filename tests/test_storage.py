"""Storing reports in a real SQLite database per test: round trips, uniqueness, versioned edits, the log."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from datetime import UTC, date
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import event, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

import models.database
from models import Cell, Database, Revision, make_url_for, open_database
from services import storage
from services.errors import StorageError, ValueParseError
from services.report import Fees, Report, empty_report
from tests.factories import filled_report
from tests.stored import load, log, save, version

AGENCY = "贵阳市人民防空办公室"
NATURAL = ("t3", "new", "natural")


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    database = open_database(tmp_path / "nianbao.sqlite3")
    yield database
    database.dispose()


def sample_report(format_id: str = "2019", agency: str = AGENCY, year: int | None = None) -> Report:
    year = year or (2020 if format_id == "2019" else 2022)
    report = empty_report(agency, year, format_id)
    report.agency_code = "11520100MB1234567X"
    report.agency_kind = "department"
    report.title = None if format_id == "2019" else f"{agency}{year}年政府信息公开工作年度报告（修订）"
    report.signed_by = agency
    report.signed_on = date(year + 1, 1, 20)
    report.set("t3", "new", "natural", 6)
    report.set("t3", "new", "total", 6)
    if format_id == "2019":
        report.set("t2", "procurement", "amount", Decimal("533.410001"))
        report.set("t2", "licensing", "change", -3)
    else:
        report.set("t2", "fees", "amount", Decimal("533.410001"))
        report.fees = Fees(notices=2, amount_yuan=Decimal("1200.05"))
    report.texts["s1_active"] = "一是主动公开。\n二是依申请公开：\n\t“共 6 件”。"
    report.explanations = {"SIGN_DATE": "因机构改革，延期至\n1月20日印发。"}
    return report


@pytest.mark.parametrize("format_id", ["2019", "2021"])
def test_save_and_load_round_trip_is_exact(db: Database, format_id: str) -> None:
    report = sample_report(format_id)
    report_id = save(db, report)
    loaded = load(db, report_id)
    assert loaded == report
    amount_key = ("t2", "procurement", "amount") if format_id == "2019" else ("t2", "fees", "amount")
    amount = loaded.cells[amount_key]
    assert isinstance(amount, Decimal)
    assert str(amount) == "533.410001"
    assert type(loaded.cells[NATURAL]) is int
    assert loaded.texts["s1_active"] == "一是主动公开。\n二是依申请公开：\n\t“共 6 件”。"
    if format_id == "2019":
        assert loaded.cells[("t2", "licensing", "change")] == -3
        assert loaded.fees == Fees()
    else:
        assert str(loaded.fees.amount_yuan) == "1200.05"
        assert loaded.fees.notices == 2
        assert loaded.title == report.title


def test_amounts_are_stored_as_decimal_text_never_float(db: Database) -> None:
    report_id = save(db, sample_report("2019"))
    with db.engine.connect() as conn:
        stored = conn.execute(
            text("SELECT value, typeof(value) FROM cell WHERE report_id = :id AND col_key = 'amount'"),
            {"id": report_id},
        ).one()
    assert tuple(stored) == ("533.410001", "text")


def test_an_agency_year_is_stored_once_and_replace_replaces_in_place(db: Database) -> None:
    first = sample_report()
    report_id = save(db, first)
    again = sample_report()
    again.set(*NATURAL, 9)
    again.texts["s1_active"] = "新的文字"
    again.explanations = {}
    with pytest.raises(StorageError, match="已存在"):
        save(db, again)
    assert load(db, report_id) == first

    assert save(db, again, replace=True) == report_id
    assert load(db, report_id) == again
    assert version(db, report_id) == 2
    assert [(r.what, r.old, r.new) for r in log(db, report_id)] == [
        ("report", None, "created"),
        ("report", "1", "replaced"),
    ]
    with db.transaction() as session:
        assert storage.find_report(session, AGENCY, 2020) == report_id
        assert storage.find_report(session, AGENCY, 2021) is None
        assert storage.find_report(session, "别的机构", 2020) is None


def test_same_agency_other_year_and_other_agency_are_separate_reports(db: Database) -> None:
    a = save(db, sample_report("2019", year=2019))
    b = save(db, sample_report("2019", year=2020))
    c = save(db, sample_report("2021", agency="贵阳市人民政府", year=2022))
    assert len({a, b, c}) == 3
    with db.transaction() as session:
        summaries = storage.list_reports(session)
    assert {(s.id, s.agency, s.year, s.format_id, s.status, s.version) for s in summaries} == {
        (c, "贵阳市人民政府", 2022, "2021", "draft", 1),
        (a, AGENCY, 2019, "2019", "draft", 1),
        (b, AGENCY, 2020, "2019", "draft", 1),
    }
    assert [(s.agency, s.year) for s in summaries] == sorted((s.agency, s.year) for s in summaries)
    assert {s.agency_code for s in summaries} == {"11520100MB1234567X"}
    assert all(s.updated_at is not None and s.updated_at.tzinfo is UTC for s in summaries)


def test_a_conflicting_agency_code_is_refused(db: Database) -> None:
    save(db, sample_report(year=2019))
    other = sample_report(year=2020)
    other.agency_code = "99999999999999999X"
    with pytest.raises(StorageError, match="代码"):
        save(db, other)
    with db.transaction() as session:
        assert storage.find_report(session, AGENCY, 2020) is None


def test_cells_outside_the_format_are_refused(db: Database) -> None:
    report = sample_report()
    report.cells[("t9", "nowhere", "x")] = 1
    with pytest.raises(StorageError) as caught:
        save(db, report)
    assert caught.value.problems == ["单元格 t9.nowhere.x"]
    with db.transaction() as session:
        assert storage.list_reports(session) == []


def test_set_cell_bumps_the_version_and_logs_old_and_new(db: Database) -> None:
    report_id = save(db, sample_report())
    with db.transaction() as session:
        new_version = storage.set_cell(session, report_id, NATURAL, 8, 1, reason="核对原始台账")
    assert new_version == 2 == version(db, report_id)
    assert load(db, report_id).get(*NATURAL) == 8
    last = log(db, report_id)[-1]
    assert (last.what, last.old, last.new, last.reason, last.version) == (
        "cell t3.new.natural",
        "6",
        "8",
        "核对原始台账",
        2,
    )
    assert last.at.tzinfo is UTC

    with db.transaction() as session:
        assert storage.set_cell(session, report_id, NATURAL, None, 2) == 3
        amount = ("t2", "procurement", "amount")
        assert storage.set_cell(session, report_id, amount, Decimal("0.000100"), 3) == 4
    reloaded = load(db, report_id)
    assert reloaded.get(*NATURAL) is None
    assert reloaded.get("t2", "procurement", "amount") == Decimal("0.0001")
    assert [(r.old, r.new) for r in log(db, report_id)[-2:]] == [("8", None), ("533.410001", "0.0001")]


def test_setting_the_same_value_changes_nothing(db: Database) -> None:
    report_id = save(db, sample_report())
    with db.transaction() as session:
        assert storage.set_cell(session, report_id, NATURAL, 6, 1) == 1
    assert len(log(db, report_id)) == 1


def test_invalid_values_and_unknown_cells_are_refused(db: Database) -> None:
    report_id = save(db, sample_report())
    with pytest.raises(ValueParseError, match="负"), db.transaction() as session:
        storage.set_cell(session, report_id, NATURAL, -1, 1)
    with pytest.raises(StorageError, match="没有单元格"), db.transaction() as session:
        storage.set_cell(session, report_id, ("t3", "new", "nobody"), 1, 1)
    with pytest.raises(StorageError, match="没有文字部分"), db.transaction() as session:
        storage.set_text(session, report_id, "s9_nothing", "x", 1)
    assert version(db, report_id) == 1
    assert load(db, report_id) == sample_report()


def test_a_stale_version_from_a_second_session_is_refused_and_nothing_changes(db: Database) -> None:
    report_id = save(db, sample_report())
    clerk_a_version = version(db, report_id)
    clerk_b_version = version(db, report_id)
    with db.transaction() as session:
        clerk_b_version = storage.set_cell(session, report_id, NATURAL, 7, clerk_b_version)
    with pytest.raises(StorageError, match="报告已被其他人修改"), db.transaction() as session:
        storage.set_cell(session, report_id, NATURAL, 99, clerk_a_version)
    with pytest.raises(StorageError, match="报告已被其他人修改"), db.transaction() as session:
        storage.set_text(session, report_id, "s1_active", "A 的文字", clerk_a_version)
    assert load(db, report_id).get(*NATURAL) == 7
    assert version(db, report_id) == clerk_b_version == 2
    assert [r.new for r in log(db, report_id)] == ["created", "7"]


def test_a_writer_committing_between_check_and_write_is_caught_by_the_version_column(db: Database) -> None:
    report_id = save(db, sample_report())

    interleaved: list[int] = []

    def other_clerk_commits_first(session: Session, *_: object) -> None:
        if not interleaved:  # once: clerk B saves after A's version check, before A's UPDATE
            with db.transaction() as other:
                interleaved.append(storage.set_text(other, report_id, "s1_active", "B 的文字", 1))

    with pytest.raises(StorageError, match="报告已被其他人修改"), db.transaction() as session:
        event.listen(session, "before_flush", other_clerk_commits_first)
        storage.set_cell(session, report_id, NATURAL, 99, 1)
    assert interleaved == [2]
    reloaded = load(db, report_id)
    assert reloaded.get(*NATURAL) == 6
    assert reloaded.texts["s1_active"] == "B 的文字"
    assert version(db, report_id) == 2


def test_texts_explanations_fields_and_status_are_versioned_edits(db: Database) -> None:
    report_id = save(db, sample_report("2021"))
    with db.transaction() as session:
        v = storage.set_text(session, report_id, "s5_problems", "一是公开意识仍需加强……\n二是平台栏目更新不够及时……", 1)
        v = storage.set_explanation(session, report_id, "T3_ZERO", "本年度未收到申请。", v)
        v = storage.set_explanation(session, report_id, "SIGN_DATE", None, v)
        v = storage.set_field(session, report_id, "signed_on", date(2023, 1, 31), v)
        v = storage.set_field(session, report_id, "fee_amount_yuan", Decimal("0.50"), v)
    assert v == 6
    reloaded = load(db, report_id)
    assert reloaded.texts["s5_problems"] == "一是公开意识仍需加强……\n二是平台栏目更新不够及时……"
    assert reloaded.explanations == {"T3_ZERO": "本年度未收到申请。"}
    assert reloaded.signed_on == date(2023, 1, 31)
    assert reloaded.fees.amount_yuan == Decimal("0.5")
    assert [(r.what, r.old, r.new) for r in log(db, report_id)[1:]] == [
        ("text s5_problems", "", "一是公开意识仍需加强……\n二是平台栏目更新不够及时……"),
        ("explanation T3_ZERO", None, "本年度未收到申请。"),
        ("explanation SIGN_DATE", "因机构改革，延期至\n1月20日印发。", None),
        ("signed_on", "2023-01-20", "2023-01-31"),
        ("fee_amount_yuan", "1200.05", "0.5"),
    ]


def test_final_is_refused_while_a_check_fails_and_logged_when_it_passes(db: Database) -> None:
    broken = save(db, sample_report("2021"))
    with db.transaction() as session, pytest.raises(StorageError, match="不能定稿") as info:
        storage.set_status(session, broken, "final", "主要负责人已审签", 1)
    assert any("表三“自然人”列" in p for p in info.value.problems)
    assert load(db, broken).status == "draft"

    clean = save(db, filled_report("2021", agency="某县财政局"))
    with db.transaction() as session:
        v = storage.set_status(session, clean, "final", "主要负责人已审签", 1)
    assert v == 2 and load(db, clean).status == "final"
    assert [(r.what, r.old, r.new, r.reason) for r in log(db, clean)[1:]] == [
        ("status", "draft", "final", "主要负责人已审签")
    ]


@pytest.mark.parametrize("amount", [Decimal("12.345"), Decimal("NaN"), Decimal(-1)])
def test_a_fee_amount_not_exact_to_the_fen_is_refused(db: Database, amount: Decimal) -> None:
    report_id = save(db, sample_report("2021"))
    with db.transaction() as session, pytest.raises(StorageError, match="信息处理费"):
        storage.set_field(session, report_id, "fee_amount_yuan", amount, 1)


def test_delete_removes_the_report_and_keeps_its_log(db: Database) -> None:
    report_id = save(db, sample_report())
    with db.transaction() as session:
        storage.set_cell(session, report_id, NATURAL, 5, 1)
    with db.transaction() as session:
        storage.delete_report(session, report_id, "重复录入")
    with db.transaction() as session:
        assert storage.find_report(session, AGENCY, 2020) is None
        assert session.scalar(select(Cell).where(Cell.report_id == report_id)) is None
        kept = session.execute(
            select(Revision.report_id, Revision.agency, Revision.year, Revision.new_value, Revision.reason).order_by(
                Revision.id
            )
        ).all()
    assert [tuple(row) for row in kept] == [
        (None, AGENCY, 2020, "created", None),
        (None, AGENCY, 2020, "5", None),
        (None, AGENCY, 2020, "deleted", "重复录入"),
    ]
    with pytest.raises(StorageError, match="不存在"):
        load(db, report_id)
    assert save(db, sample_report()) != 0


def test_every_connection_has_foreign_keys_wal_and_full_sync(db: Database) -> None:
    with db.engine.connect() as first, db.engine.connect() as second:
        for conn in (first, second):
            assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
            assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
            assert conn.execute(text("PRAGMA synchronous")).scalar() == 2  # FULL
            assert conn.execute(text("PRAGMA busy_timeout")).scalar() == models.database.BUSY_TIMEOUT_MS


def test_foreign_keys_are_enforced(db: Database) -> None:
    with pytest.raises(StorageError, match="冲突") as info, db.transaction() as session:
        session.add(Cell(report_id=12345, table_key="t3", row_key="new", col_key="natural", value="1"))
    assert isinstance(info.value.__cause__, IntegrityError)
    assert "FOREIGN KEY" in info.value.problems[0]


def test_a_locked_database_becomes_a_chinese_storage_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(models.database, "BUSY_TIMEOUT_MS", 50)
    path = tmp_path / "nianbao.sqlite3"
    database = open_database(path)
    blocker = sqlite3.connect(path)
    try:
        blocker.execute("BEGIN IMMEDIATE")
        with pytest.raises(StorageError, match="占用"):
            save(database, sample_report())
    finally:
        blocker.close()
        database.dispose()


@pytest.mark.parametrize("as_url", [True, False])
def test_db_argument_takes_a_path_or_a_url(tmp_path: Path, as_url: bool) -> None:
    path = tmp_path / "sub" / "nianbao.sqlite3"
    first = open_database(str(path))
    report_id = save(first, sample_report())
    first.dispose()
    second = open_database(f"sqlite:///{path}" if as_url else path)
    try:
        assert second.url_for_display == str(path)
        assert load(second, report_id) == sample_report()
    finally:
        second.dispose()


def test_make_url_for_keeps_urls_and_makes_paths_absolute(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    pg = make_url_for("postgresql+psycopg://clerk@db.example/nianbao")
    assert (pg.get_backend_name(), pg.database) == ("postgresql", "nianbao")
    local = make_url_for("nianbao.sqlite3")
    assert (local.get_backend_name(), local.database) == ("sqlite", str(tmp_path / "nianbao.sqlite3"))
    with pytest.raises(StorageError):
        make_url_for("not a url://")


# ---------------------------------------------------------------- stored check counts


def counts(db: Database) -> dict[int, tuple[int | None, int | None]]:
    with db.transaction() as session:
        return {s.id: (s.errors, s.warnings) for s in storage.list_reports(session)}


def test_set_counts_stores_them_without_a_version_step_or_a_log_line(db: Database) -> None:
    report_id = save(db, sample_report())
    assert counts(db) == {report_id: (None, None)}
    with db.transaction() as session:
        storage.set_counts(session, report_id, 2, 7)
    assert counts(db) == {report_id: (2, 7)}
    assert version(db, report_id) == 1
    assert [entry.what for entry in log(db, report_id)] == ["report"]
    # an editor holding version 1 still writes
    with db.transaction() as session:
        assert storage.set_cell(session, report_id, NATURAL, 5, 1) == 2


def test_set_counts_on_a_loaded_record_does_not_bump_its_version_on_flush(db: Database) -> None:
    report_id = save(db, sample_report())
    with db.transaction() as session:
        assert storage.report_version(session, report_id) == 1  # the record is now in the identity map
        storage.set_counts(session, report_id, 0, 1)
        session.flush()
        assert storage.report_version(session, report_id) == 1
    assert counts(db) == {report_id: (0, 1)}


def test_set_counts_refuses_a_missing_report_and_negative_numbers(db: Database) -> None:
    report_id = save(db, sample_report())
    with db.transaction() as session, pytest.raises(StorageError, match="不存在"):
        storage.set_counts(session, report_id + 1, 0, 0)
    with db.transaction() as session, pytest.raises(ValueError, match="negative"):
        storage.set_counts(session, report_id, -1, 0)
    with db.transaction() as session, pytest.raises(ValueError, match="unexplained"):
        storage.set_counts(session, report_id, 0, 1, 2)


def test_report_lines_read_the_stored_counts_without_checking(db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    from services import catalogue

    first = save(db, sample_report())
    second = save(db, sample_report("2021"))
    with db.transaction() as session:
        storage.set_counts(session, first, 11, 22)
        storage.set_counts(session, second, 0, 3)

    def no_checks(*_args: object, **_kwargs: object) -> list[object]:
        raise AssertionError("report_lines checked a report that has stored counts")

    monkeypatch.setattr(catalogue, "check_report", no_checks)
    with db.transaction() as session:
        lines = catalogue.report_lines(session)
    assert [(line.report_id, line.year, line.errors, line.warnings) for line in lines] == [
        (first, 2020, 11, 22),
        (second, 2022, 0, 3),
    ]


def test_report_lines_check_and_store_only_the_reports_without_counts(db: Database) -> None:
    from services import catalogue

    first = save(db, sample_report())
    second = save(db, filled_report("2021", agency="某县教育局"))
    with db.transaction() as session:
        storage.set_counts(session, first, 11, 22)
        expected = catalogue.count_findings(session, storage.load_report(session, second))
    with db.transaction() as session:
        lines = {line.report_id: (line.errors, line.warnings) for line in catalogue.report_lines(session)}
    assert lines == {first: (11, 22), second: expected}
    assert counts(db) == lines


def test_refresh_counts_checks_the_given_reports_or_those_without_counts(db: Database) -> None:
    from services.catalogue import count_findings, refresh_counts

    broken = sample_report()
    broken.set("t3", "new", "natural", 999)  # the totals of t3 no longer agree: errors
    first = save(db, broken)
    second = save(db, filled_report("2021", agency="某县教育局"))
    with db.transaction() as session:
        assert refresh_counts(session, [second]) == 1
    stored = counts(db)
    assert stored[first] == (None, None)
    with db.transaction() as session:
        assert stored[second] == count_findings(session, storage.load_report(session, second))
        assert refresh_counts(session) == 1
        assert refresh_counts(session) == 0
    errors_of_first = counts(db)[first][0]
    assert errors_of_first is not None and errors_of_first > 0


def test_counts_use_last_years_report(db: Database) -> None:
    from services.catalogue import count_findings, refresh_counts
    from services.checks import check_report

    last = filled_report("2021", year=2022, agency="某县教育局", seed=3)
    this = filled_report("2021", year=2023, agency="某县教育局", seed=4)
    assert len(check_report(this, last)) > len(check_report(this))  # the carry-over and swing warnings
    save(db, last)
    this_id = save(db, this)
    with db.transaction() as session:
        refresh_counts(session, [this_id])
        assert count_findings(session, this) == (0, len(check_report(this, last)))
    assert counts(db)[this_id] == (0, len(check_report(this, last)))


def test_counts_keep_the_warnings_no_explanation_covers(db: Database) -> None:
    from services.catalogue import refresh_counts
    from services.checks import check_report, unexplained_warnings

    last = filled_report("2021", year=2022, agency="某县教育局", seed=3)
    this = filled_report("2021", year=2023, agency="某县教育局", seed=4)
    this.explanations["X_IN_FORCE:rules"] = "本年度清理规章，现行有效件数据实填写。"
    findings = check_report(this, last)
    n_open = len(unexplained_warnings(findings))
    assert 0 < n_open < len(findings)
    save(db, last)
    this_id = save(db, this)
    with db.transaction() as session:
        refresh_counts(session, [this_id])
        stored = session.execute(text(f"SELECT unexplained_count FROM report WHERE id = {this_id}")).scalar()
    assert stored == n_open


def test_import_report_stores_the_counts_of_what_it_saved_and_of_next_year(db: Database) -> None:
    from services.checks import check_report
    from services.importing import import_report

    this = filled_report("2021", year=2023, agency="某县教育局", seed=4)
    with db.transaction() as session:
        this_id = import_report(session, this).report_id
    assert counts(db) == {this_id: (0, len(check_report(this)))}

    last = filled_report("2021", year=2022, agency="某县教育局", seed=3)
    last.status = "final"  # clean, so it stays final and is counted as a final report is checked
    with db.transaction() as session:
        result = import_report(session, last)
    assert result.demoted == ()
    stored = counts(db)
    assert stored[result.report_id] == (0, len(check_report(last, finalising=True)))
    assert stored[this_id] == (0, len(check_report(this, last)))


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda r: setattr(r, "agency", "某" * 201), "机关名称过长"),
        (lambda r: setattr(r, "title", "题" * 501), "标题过长"),
        (lambda r: r.texts.__setitem__("s1_active", "a\x00b"), "无法保存的字符"),
        (lambda r: r.texts.__setitem__("s1_active", "a\ud800b"), "无法保存的字符"),
        (lambda r: r.cells.__setitem__(("t2", "fees", "amount"), Decimal(10) ** 30), "超过上限"),
    ],
)
def test_what_postgresql_would_refuse_is_refused_on_every_database(
    db: Database, change: Callable[[Report], object], message: str
) -> None:
    report = sample_report("2021")
    change(report)
    with pytest.raises(StorageError, match=message), db.transaction() as session:
        storage.save_report(session, report)
