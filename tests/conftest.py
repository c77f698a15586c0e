"""Shared test set-up. Qt must run offscreen: without a display pytest would abort the whole run."""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from models.database import Database

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# font caches of the test run (and of the CLI processes it starts) in a folder of their own, not the user's
os.environ.setdefault("NIANBAO_CACHE_DIR", tempfile.mkdtemp(prefix="nianbao-test-cache-"))

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # GUI tests are marked automatically so `pytest -m "not gui"` is a fast loop.
    for item in items:
        if "qtbot" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.gui)


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    """A fresh SQLite database of the current schema for one test."""
    from models.database import open_database

    database = open_database(tmp_path / "n.sqlite3")
    yield database
    database.dispose()


@pytest.fixture(scope="session")
def pg_url() -> Iterator[str]:
    """A PostgreSQL server for the session (CI's, or a throwaway cluster); see tests/postgres.py."""
    from tests.postgres import postgres_url

    with postgres_url() as url:
        yield url


@pytest.fixture(params=["sqlite", "postgresql"])
def any_db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    """A fresh database of the current schema for one test: a new SQLite file, or a new PostgreSQL database."""
    from models.database import open_database

    if request.param == "sqlite":
        database = open_database(tmp_path / "n.sqlite3")
        yield database
        database.dispose()
        return
    from tests.postgres import fresh_database

    with fresh_database(request.getfixturevalue("pg_url")) as url:
        database = open_database(url)
        yield database
        database.dispose()


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """../shared (the spec texts, the corpus of real reports): beside the checkout in CI, absent in a bare clone,
    where the tests that read it are skipped and say why."""
    if not SHARED.is_dir():
        pytest.skip(f"{SHARED} is absent (a bare clone): this test reads the spec or the corpus of real reports")
    return SHARED


@pytest.fixture(scope="session")
def sample_json_path() -> Path:
    """The sample report, which the repository carries (resources/samples)."""
    from tests.factories import SAMPLE

    return SAMPLE


@pytest.fixture(scope="session")
def sample_text_path() -> Path:
    """The same report as published text (tests/data; from ../shared/samples)."""
    from tests.factories import SAMPLE_TEXT

    return SAMPLE_TEXT
