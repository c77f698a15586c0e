"""One database shared by several windows or office PCs: the same storage behaviour on SQLite and PostgreSQL.

Every test runs twice through `any_db`: on a fresh SQLite file and on a fresh PostgreSQL database (tests/
postgres.py). A stale save must fail with the Chinese message, a window must reload, and no acknowledged edit
may be lost, whichever server holds the data.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Iterator
from datetime import UTC, date
from decimal import Decimal

import pytest
from sqlalchemy import event, inspect, select, text
from sqlalchemy.orm import Session

from models import Database, ReportRecord, Revision, open_database
from models.database import SCHEMA_HEAD
from services import storage
from services.checks import recompute_totals
from services.editing import ReportEditor
from services.errors import STALE_MESSAGE, StaleReportError, StorageError
from services.formats import CellKey
from services.report import Fees, Report, empty_report
from tests.factories import filled_report
from tests.stored import load, log, save, version

AGENCY = "贵阳市人民防空办公室"
NATURAL: CellKey = ("t3", "new", "natural")
NEW_TOTAL: CellKey = ("t3", "new", "total")
STALE = "报告已被其他人修改"


# ---------------------------------------------------------------- helpers


def sample_report(format_id: str = "2021", agency: str = AGENCY, year: int | None = None) -> Report:
    year = year or (2020 if format_id == "2019" else 2022)
    report = empty_report(agency, year, format_id)
    report.agency_code = "11520100MB1234567X"
    report.agency_kind = "department"
    report.title = None if format_id == "2019" else f"{agency}{year}年政府信息公开工作年度报告（修订）"
    report.signed_by = agency
    report.signed_on = date(year + 1, 1, 20)
    report.set(*NATURAL, 6)
    report.set(*NEW_TOTAL, 6)
    if format_id == "2019":
        report.set("t2", "procurement", "amount", Decimal("533.410001"))
        report.set("t2", "licensing", "change", -3)
    else:
        report.set("t2", "fees", "amount", Decimal("533.410001"))
        report.fees = Fees(notices=2, amount_yuan=Decimal("1200.05"))
    report.texts["s1_active"] = "一是主动公开。\n二是依申请公开：\n\t“共 6 件”。'引号' \\ 反斜杠"
    report.explanations = {"SIGN_DATE": "因机构改革，延期至\n1月20日印发。"}
    return report


@contextlib.contextmanager
def second_window(db: Database) -> Iterator[Database]:
    """Another app instance on the same database: its own engine, its own connections."""
    other = open_database(db.url.render_as_string(hide_password=False))
    try:
        yield other
    finally:
        other.dispose()


@pytest.fixture
def other_db(any_db: Database) -> Iterator[Database]:
    with second_window(any_db) as other:
        yield other


def in_thread(work: Callable[[], object]) -> tuple[threading.Thread, list[object]]:
    """Run `work` in a thread; the list receives its result or the exception it raised."""
    outcome: list[object] = []

    def run() -> None:
        try:
            outcome.append(work())
        except Exception as exc:  # handed to the test, which asserts on it
            outcome.append(exc)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread, outcome


# ---------------------------------------------------------------- storing whole reports


def test_the_backend_under_test_is_the_one_named(any_db: Database, request: pytest.FixtureRequest) -> None:
    assert any_db.engine.dialect.name == request.node.callspec.params["any_db"]


@pytest.mark.parametrize("format_id", ["2019", "2021"])
def test_save_and_load_round_trip_is_exact(any_db: Database, other_db: Database, format_id: str) -> None:
    report = sample_report(format_id)
    report_id = save(any_db, report)
    loaded = load(other_db, report_id)  # read back through another instance: nothing cached
    assert loaded == report
    amount_key = ("t2", "procurement", "amount") if format_id == "2019" else ("t2", "fees", "amount")
    assert isinstance(loaded.cells[amount_key], Decimal) and str(loaded.cells[amount_key]) == "533.410001"
    assert type(loaded.cells[NATURAL]) is int
    assert loaded.texts["s1_active"] == "一是主动公开。\n二是依申请公开：\n\t“共 6 件”。'引号' \\ 反斜杠"
    assert loaded.explanations == {"SIGN_DATE": "因机构改革，延期至\n1月20日印发。"}
    assert loaded.signed_on == date(int(report.year) + 1, 1, 20)
    if format_id == "2021":
        assert str(loaded.fees.amount_yuan) == "1200.05" and loaded.fees.notices == 2
    with any_db.engine.connect() as conn:
        stored = conn.execute(
            text("SELECT value FROM cell WHERE report_id = :id AND col_key = 'amount'"), {"id": report_id}
        ).scalar()
    assert stored == "533.410001"  # decimal text, never a float


def test_an_agency_year_is_stored_once(any_db: Database, other_db: Database) -> None:
    report_id = save(any_db, sample_report())
    again = sample_report()
    again.set(*NATURAL, 9)
    with pytest.raises(StorageError, match="已存在"):
        save(other_db, again)
    assert load(any_db, report_id) == sample_report()
    # the database itself refuses a second agency+year, whatever the code above it checks
    with pytest.raises(StorageError, match="冲突"), any_db.transaction() as session:
        first = session.get(ReportRecord, report_id)
        assert first is not None
        session.add(ReportRecord(agency_id=first.agency_id, year=first.year, format_id="2021"))
    with any_db.transaction() as session:
        assert [(s.id, s.year) for s in storage.list_reports(session)] == [(report_id, 2022)]


def test_two_instances_saving_the_same_new_report_at_once_store_it_once(any_db: Database, other_db: Database) -> None:
    # A holds its insert uncommitted; B checks, finds nothing yet, inserts and must wait, then be refused.
    with any_db.transaction() as session:
        mine = storage.save_report(session, sample_report())
        session.flush()
        thread, outcome = in_thread(lambda: save(other_db, sample_report()))
        thread.join(timeout=0.5)
        assert thread.is_alive(), f"the second insert did not wait for the first: {outcome}"
    thread.join(timeout=30)
    [refused] = outcome
    assert isinstance(refused, StorageError) and ("冲突" in refused.message or "已存在" in refused.message)
    with any_db.transaction() as session:
        assert [s.id for s in storage.list_reports(session)] == [mine]
    assert load(any_db, mine) == sample_report()


# ---------------------------------------------------------------- versioned edits


def test_set_cell_bumps_the_version_and_logs_old_and_new(any_db: Database) -> None:
    report_id = save(any_db, sample_report())
    with any_db.transaction() as session:
        assert storage.set_cell(session, report_id, NATURAL, 8, 1, reason="核对原始台账") == 2
    assert version(any_db, report_id) == 2 and load(any_db, report_id).get(*NATURAL) == 8
    last = log(any_db, report_id)[-1]
    assert (last.what, last.old, last.new, last.reason, last.version) == (
        "cell t3.new.natural",
        "6",
        "8",
        "核对原始台账",
        2,
    )
    assert last.at.tzinfo is UTC
    amount = ("t2", "fees", "amount")
    with any_db.transaction() as session:
        assert storage.set_cell(session, report_id, NATURAL, None, 2) == 3
        assert storage.set_cell(session, report_id, amount, Decimal("0.000100"), 3) == 4
    reloaded = load(any_db, report_id)
    assert reloaded.get(*NATURAL) is None and reloaded.get(*amount) == Decimal("0.0001")
    assert [(r.old, r.new, r.version) for r in log(any_db, report_id)[-2:]] == [
        ("8", None, 3),
        ("533.410001", "0.0001", 4),
    ]


def test_a_stale_version_from_a_second_session_is_refused_and_nothing_changes(
    any_db: Database, other_db: Database
) -> None:
    report_id = save(any_db, sample_report())
    clerk_a = version(any_db, report_id)
    with other_db.transaction() as session:
        clerk_b = storage.set_cell(session, report_id, NATURAL, 7, version(other_db, report_id))
    for write in (
        lambda s: storage.set_cell(s, report_id, NATURAL, 99, clerk_a),
        lambda s: storage.set_text(s, report_id, "s1_active", "A 的文字", clerk_a),
        lambda s: storage.set_explanation(s, report_id, "SIGN_DATE", None, clerk_a),
        lambda s: storage.set_field(s, report_id, "signed_by", "A", clerk_a),
        lambda s: storage.delete_report(s, report_id, "A 删除", clerk_a),
    ):
        with pytest.raises(StorageError, match=STALE) as info, any_db.transaction() as session:
            write(session)
        assert isinstance(info.value, StaleReportError)
    expected = sample_report()
    expected.set(*NATURAL, 7)
    assert load(any_db, report_id) == expected
    assert version(any_db, report_id) == clerk_b == 2
    assert [r.new for r in log(any_db, report_id)] == ["created", "7"]


def test_a_writer_committing_between_check_and_write_is_caught(any_db: Database, other_db: Database) -> None:
    report_id = save(any_db, sample_report())
    interleaved: list[int] = []

    def other_clerk_commits_first(session: Session, *_: object) -> None:
        if not interleaved:  # once: B saves after A's version check, before A's UPDATE
            with other_db.transaction() as other:
                interleaved.append(storage.set_text(other, report_id, "s1_active", "B 的文字", 1))

    with pytest.raises(StorageError, match=STALE), any_db.transaction() as session:
        event.listen(session, "before_flush", other_clerk_commits_first)
        storage.set_cell(session, report_id, NATURAL, 99, 1)
    assert interleaved == [2]
    reloaded = load(any_db, report_id)
    assert reloaded.get(*NATURAL) == 6 and reloaded.texts["s1_active"] == "B 的文字"
    assert version(any_db, report_id) == 2
    assert [r.new for r in log(any_db, report_id)] == ["created", "B 的文字"]


def test_a_writer_blocked_by_an_open_transaction_is_refused_once_it_commits(
    any_db: Database, other_db: Database
) -> None:
    # Both read version 1. A writes but has not committed: B must wait for A (row lock on PostgreSQL, the
    # write lock on SQLite), then find the version moved and write nothing.
    report_id = save(any_db, sample_report())

    def clerk_b() -> int:
        with other_db.transaction() as session:
            return storage.set_cell(session, report_id, NATURAL, 22, 1)

    with any_db.transaction() as session:
        assert storage.set_cell(session, report_id, NATURAL, 11, 1) == 2
        session.flush()
        thread, outcome = in_thread(clerk_b)
        thread.join(timeout=0.5)
        assert thread.is_alive(), f"B did not wait for A's open transaction: {outcome}"
    thread.join(timeout=30)
    [refused] = outcome
    assert isinstance(refused, StaleReportError)
    assert load(any_db, report_id).get(*NATURAL) == 11 and version(any_db, report_id) == 2
    assert [(r.old, r.new) for r in log(any_db, report_id)[1:]] == [("6", "11")]


# ---------------------------------------------------------------- two windows editing


def test_a_stale_editor_reloads_instead_of_overwriting(any_db: Database, other_db: Database) -> None:
    report_id = save(any_db, filled_report("2021"))
    mine, theirs = ReportEditor.open(any_db, report_id), ReportEditor.open(other_db, report_id)
    assert theirs.set_cell_text(NATURAL, "40").ok
    outcome = mine.set_cell_text(NATURAL, "41")
    assert not outcome.ok and outcome.reloaded and outcome.message.startswith(STALE_MESSAGE)
    assert load(any_db, report_id).get(*NATURAL) == 40
    assert mine.report.get(*NATURAL) == 40 and mine.version == theirs.version == 2
    assert mine.report == load(any_db, report_id)  # the window now shows the current values
    assert mine.set_cell_text(NATURAL, "41").ok
    saved = load(other_db, report_id)
    assert saved.get(*NATURAL) == 41 and version(any_db, report_id) == 3
    assert saved.get(*NEW_TOTAL) == mine.report.get(*NEW_TOTAL)
    assert [(r.old, r.new) for r in log(any_db, report_id) if r.what == "cell t3.new.natural"][-2:] == [
        (str(filled_report("2021").get(*NATURAL)), "40"),
        ("40", "41"),
    ]


def test_two_editors_on_different_cells_both_get_stored(any_db: Database, other_db: Database) -> None:
    report_id = save(any_db, filled_report("2021"))
    legal: CellKey = ("t3", "new", "legal")
    mine, theirs = ReportEditor.open(any_db, report_id), ReportEditor.open(other_db, report_id)
    assert theirs.set_cell_text(NATURAL, "40").ok
    refused = mine.set_cell_text(legal, "17")
    assert not refused.ok and refused.reloaded
    assert load(any_db, report_id).get(*legal) == filled_report("2021").get(*legal)
    assert mine.set_cell_text(legal, "17").ok
    saved = load(any_db, report_id)
    assert (saved.get(*NATURAL), saved.get(*legal)) == (40, 17)
    # the shared row total counts both clerks' values
    check = saved.copy()
    assert recompute_totals(check) == {} and saved.get(*NEW_TOTAL) == check.get(*NEW_TOTAL)


def test_narrative_text_survives_a_stale_version(any_db: Database, other_db: Database) -> None:
    report_id = save(any_db, filled_report("2021"))
    mine, theirs = ReportEditor.open(any_db, report_id), ReportEditor.open(other_db, report_id)
    assert theirs.set_cell_text(NATURAL, "40").ok
    outcome = mine.set_text("s1_active", "我的文字\n第二段")
    assert outcome.ok and outcome.reloaded
    saved = load(other_db, report_id)
    assert saved.text("s1_active") == "我的文字\n第二段" and saved.get(*NATURAL) == 40
    assert theirs.set_text("s1_platform", "他们的文字").ok
    assert mine.set_text("s1_platform", "我的平台文字").ok
    assert load(any_db, report_id).text("s1_platform") == "我的平台文字"
    assert any(r.what == "text s1_platform" and r.old == "他们的文字" for r in mine.history())


def test_concurrent_writers_lose_no_acknowledged_edit(any_db: Database) -> None:
    # Two app instances (own engines) hammer one report from two threads. Each owns two cells of the same row,
    # so they also move the same total; a refused edit is reloaded and retried, as the window does.
    report_id = save(any_db, filled_report("2021"))
    owned: dict[str, list[CellKey]] = {
        "a": [("t4", "review", "upheld"), ("t4", "review", "corrected")],
        "b": [("t4", "review", "other"), ("t4", "review", "pending")],
    }
    edits = 50
    acknowledged: dict[str, dict[CellKey, int]] = {"a": {}, "b": {}}
    counts = {"a": 0, "b": 0}
    errors: list[BaseException] = []
    start = threading.Barrier(2)

    def writer(name: str) -> None:
        try:
            with second_window(any_db) as window:
                editor = ReportEditor.open(window, report_id)
                start.wait()
                for i in range(edits):
                    key = owned[name][i % 2]
                    value = 100 + i  # differs from the cell's previous value: every save is a real change
                    for _attempt in range(200):
                        outcome = editor.set_cell_text(key, str(value))
                        if outcome.ok:
                            break
                        assert outcome.reloaded, outcome.message
                    else:
                        raise AssertionError(f"{name} never got edit {i} through")
                    acknowledged[name][key] = value
                    counts[name] += 1
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(name,)) for name in owned]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    assert not errors, errors
    assert counts == {"a": edits, "b": edits}
    final = load(any_db, report_id)
    for name, values in acknowledged.items():
        for key, value in values.items():
            assert final.get(*key) == value, (name, key)
    check = final.copy()
    assert recompute_totals(check) == {}  # the shared total is the sum of both writers' cells
    # each acknowledged edit is exactly one version step and one log line for its cell
    assert version(any_db, report_id) == 1 + 2 * edits
    cell_lines = [r for r in log(any_db, report_id) if r.what.startswith("cell t4.review.")]
    mine = {f"cell {'.'.join(k)}" for keys in owned.values() for k in keys}
    assert sum(1 for r in cell_lines if r.what in mine) == 2 * edits


# ---------------------------------------------------------------- catalogue, schema, deletion


def test_list_reports_and_set_counts(any_db: Database, other_db: Database) -> None:
    a = save(any_db, sample_report("2019", year=2019))
    b = save(any_db, sample_report("2019", year=2020))
    c = save(other_db, sample_report("2021", agency="贵阳市人民政府", year=2022))
    with other_db.transaction() as session:
        storage.set_counts(session, b, 2, 7)
    with any_db.transaction() as session:
        summaries = storage.list_reports(session)
    assert [(s.id, s.agency, s.year, s.format_id, s.status, s.version, s.errors, s.warnings) for s in summaries] == [
        (c, "贵阳市人民政府", 2022, "2021", "draft", 1, None, None),
        (a, AGENCY, 2019, "2019", "draft", 1, None, None),
        (b, AGENCY, 2020, "2019", "draft", 1, 2, 7),
    ]
    assert all(s.updated_at is not None and s.updated_at.tzinfo is UTC for s in summaries)
    assert all(s.agency_code == "11520100MB1234567X" for s in summaries)
    # counts are derived data: no version step, so an editor holding version 1 still writes
    with any_db.transaction() as session:
        assert storage.set_cell(session, b, NATURAL, 5, 1) == 2
    with any_db.transaction() as session, pytest.raises(StorageError, match="不存在"):
        storage.set_counts(session, c + 1000, 0, 0)


def test_a_new_database_is_created_at_head(any_db: Database) -> None:
    with any_db.engine.connect() as conn:
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalars().all() == [SCHEMA_HEAD]
        assert set(inspect(conn).get_table_names()) == {
            "agency",
            "report",
            "cell",
            "report_text",
            "explanation",
            "revision",
            "alembic_version",
        }
        assert {c["name"] for c in inspect(conn).get_columns("report")} >= {"version", "error_count"}
    report_id = save(any_db, sample_report())
    again = open_database(any_db.url.render_as_string(hide_password=False))  # up to date: opened as it is
    try:
        assert again.backup_path is None
        assert load(again, report_id) == sample_report()
    finally:
        again.dispose()


def test_delete_with_a_reason_is_logged_and_the_log_kept(any_db: Database) -> None:
    report_id = save(any_db, sample_report())
    with any_db.transaction() as session:
        storage.set_cell(session, report_id, NATURAL, 5, 1)
    with any_db.transaction() as session:
        storage.delete_report(session, report_id, "重复录入", expected_version=2)
    with any_db.transaction() as session:
        assert storage.find_report(session, AGENCY, 2022) is None
        assert session.scalar(text("SELECT count(*) FROM cell")) == 0
        kept = session.execute(
            select(Revision.report_id, Revision.agency, Revision.year, Revision.new_value, Revision.reason).order_by(
                Revision.id
            )
        ).all()
    assert [tuple(row) for row in kept] == [
        (None, AGENCY, 2022, "created", None),
        (None, AGENCY, 2022, "5", None),
        (None, AGENCY, 2022, "deleted", "重复录入"),
    ]
    with pytest.raises(StorageError, match="不存在"):
        load(any_db, report_id)


def test_explanation_keys_and_texts_have_the_same_limits_on_both_databases(any_db: Database) -> None:
    from models.tables import Explanation
    from services.report import EXPLANATION_KEY_MAX

    assert getattr(Explanation.__table__.c.key.type, "length", None) == EXPLANATION_KEY_MAX
    report = filled_report("2021")
    report.explanations["X_SWING:" + "t3/new/" + "x" * 200] = "与上年相比变化大，原因是……"
    with pytest.raises(StorageError, match="审核说明的键过长"), any_db.transaction() as session:
        storage.save_report(session, report)  # PostgreSQL's column would refuse it with a database error
    report.explanations = {}
    with any_db.transaction() as session:
        report_id = storage.save_report(session, report)
        current = storage.report_version(session, report_id)
    for key, text_ in (("SIGN_DATE", "含\x00空字符"), ("SIGN_\x00DATE", "说明"), ("X" * 65, "说明")):
        with pytest.raises(StorageError), any_db.transaction() as session:
            storage.set_explanation(session, report_id, key, text_, current)
    # the exchange file says so before anything is stored
    from services.errors import ExchangeError
    from services.exchange import dump_exchange, parse_exchange

    long = filled_report("2021")
    long.explanations = {"X_SWING:" + "y" * 80: "说明"}
    with pytest.raises(ExchangeError) as caught:
        parse_exchange(dump_exchange(long))
    assert "说明的键过长" in "".join(caught.value.problems) + str(caught.value)
