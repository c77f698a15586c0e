"""Every released schema version, frozen in tests/fixtures/, opens in this app: upgraded, backed up, data intact."""

from __future__ import annotations

import shutil
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from models.database import current_revision, head_revision, open_database
from services.catalogue import count_findings, report_lines
from services.storage import find_report, list_reports, load_report
from tests.fixtures.make_schema_fixture import fixture_reports

FIXTURES = sorted((Path(__file__).parent / "fixtures").glob("schema-*.sqlite3"))


def test_there_is_a_fixture_for_the_current_schema() -> None:
    assert f"schema-{head_revision()}.sqlite3" in {p.name for p in FIXTURES}


def test_every_released_schema_keeps_its_fixture() -> None:
    assert {f"schema-000{n}.sqlite3" for n in range(1, 5)} <= {p.name for p in FIXTURES}


@pytest.mark.parametrize("fixture", FIXTURES, ids=[p.stem for p in FIXTURES])
def test_fixture_database_upgrades_and_keeps_its_reports(tmp_path: Path, fixture: Path) -> None:
    path = tmp_path / "nianbao.sqlite3"
    shutil.copy(fixture, path)
    db = open_database(path)
    try:
        assert current_revision(db.engine) == head_revision()
        for expected in fixture_reports():
            with db.transaction() as session:
                report_id = find_report(session, expected.agency, expected.year)
                assert report_id is not None
                assert load_report(session, report_id) == expected
    finally:
        db.dispose()
    if fixture.stem != f"schema-{head_revision()}":
        assert db.backup_path is not None and db.backup_path.exists()
        assert db.backup_path.name.endswith(f"-before-migration-{head_revision()}.sqlite3")
        with closing(sqlite3.connect(db.backup_path)) as conn:
            stored = conn.execute("SELECT version_num FROM alembic_version").fetchall()
        assert stored == [(fixture.stem.removeprefix("schema-"),)]
    else:
        assert db.backup_path is None


@pytest.mark.parametrize("fixture", FIXTURES, ids=[p.stem for p in FIXTURES])
def test_fixture_reports_get_their_check_counts_on_first_listing(tmp_path: Path, fixture: Path) -> None:
    path = tmp_path / "nianbao.sqlite3"
    shutil.copy(fixture, path)
    db = open_database(path)
    try:
        with db.transaction() as session:
            summaries = list_reports(session)
            assert len(summaries) == len(fixture_reports())
            assert all(s.errors is None and s.warnings is None for s in summaries)
        with db.transaction() as session:
            lines = {(line.agency, line.year): (line.errors, line.warnings) for line in report_lines(session)}
        with db.transaction() as session:
            stored = {(s.agency, s.year): (s.errors, s.warnings) for s in list_reports(session)}
            expected = {(r.agency, r.year): count_findings(session, r) for r in fixture_reports()}
    finally:
        db.dispose()
    assert lines == stored == expected
