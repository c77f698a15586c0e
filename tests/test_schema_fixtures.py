"""Every released schema version, frozen in tests/fixtures/, opens in this app: upgraded, backed up, data intact."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from models.database import current_revision, head_revision, open_database
from services.storage import find_report, load_report
from tests.fixtures.make_schema_fixture import fixture_reports

FIXTURES = sorted((Path(__file__).parent / "fixtures").glob("schema-*.sqlite3"))


def test_there_is_a_fixture_for_the_current_schema() -> None:
    assert f"schema-{head_revision()}.sqlite3" in {p.name for p in FIXTURES}


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
