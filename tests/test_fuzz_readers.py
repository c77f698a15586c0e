"""Random and mutated input never crashes a reader, always gets a Chinese message, and never changes the database.

The generators and the oracle live in tests/fuzzing.py; benchmarks/bench_fuzz.py runs the same ones on
10,000 inputs per reader. Here the counts are small (CI_EXAMPLES) so the file runs in well under a minute.
"""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from models.database import Database, open_database
from services.documents import read_document
from services.errors import NianbaoError
from services.excel import parse_report_workbook
from services.importing import import_report
from services.published import parse_published_html
from tests.factories import sample_report
from tests.fuzz_inputs import (
    sample_exchange_text,
    sample_html,
    sample_members,
    sample_text,
    sample_workbook,
    zip_members,
)
from tests.fuzzing import (
    CI_EXAMPLES,
    DB_EXAMPLES,
    FUZZ_SETTINGS,
    READERS,
    STRATEGIES,
    clear_message,
    file_inputs,
    generate,
    run_one,
    write_input,
)


@pytest.fixture(scope="module")
def fuzz_db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    """One database for the module (hypothesis runs many examples per test), holding the sample report."""
    database = open_database(tmp_path_factory.mktemp("fuzz") / "n.sqlite3")
    with database.transaction() as session:
        import_report(session, sample_report())
    yield database
    database.dispose()


def _dump(database: Database) -> list[str]:
    path = database.url.database
    assert path is not None
    with sqlite3.connect(path) as conn:
        return list(conn.iterdump())


def test_the_unchanged_samples_are_accepted(fuzz_db: Database) -> None:
    """The oracle's baseline: every reader accepts the sample it mutates."""
    assert run_one("exchange", sample_exchange_text(), fuzz_db) == "accepted"
    assert run_one("excel", sample_workbook(), fuzz_db) == "accepted"
    assert run_one("published_text", sample_text(), fuzz_db) == "accepted"
    assert run_one("published_html", sample_html(), fuzz_db) == "accepted"
    assert run_one("values", "1,234") == "accepted"


@pytest.mark.parametrize("reader", READERS)
def test_generators_are_reproducible(reader: str) -> None:
    assert generate(reader, 7) == generate(reader, 7)


@settings(FUZZ_SETTINGS, max_examples=CI_EXAMPLES["values"])
@given(STRATEGIES["values"])
def test_value_parser_fuzz(text: str) -> None:
    run_one("values", text)


@settings(FUZZ_SETTINGS, max_examples=CI_EXAMPLES["exchange"])
@given(STRATEGIES["exchange"])
def test_exchange_reader_fuzz(fuzz_db: Database, data: bytes | str) -> None:
    run_one("exchange", data, fuzz_db)


@settings(FUZZ_SETTINGS, max_examples=CI_EXAMPLES["excel"])
@given(STRATEGIES["excel"])
def test_excel_reader_fuzz(fuzz_db: Database, data: bytes) -> None:
    run_one("excel", data, fuzz_db)


@settings(FUZZ_SETTINGS, max_examples=CI_EXAMPLES["published_text"])
@given(STRATEGIES["published_text"])
def test_published_text_reader_fuzz(fuzz_db: Database, text: str) -> None:
    run_one("published_text", text, fuzz_db)


@settings(FUZZ_SETTINGS, max_examples=CI_EXAMPLES["published_html"])
@given(STRATEGIES["published_html"])
def test_published_html_reader_fuzz(fuzz_db: Database, html: str) -> None:
    run_one("published_html", html, fuzz_db)


@pytest.mark.parametrize("depth", [100, 1000, 5000])
@pytest.mark.parametrize("tag", ["div", "table"])
def test_deeply_nested_html_is_read_or_refused_with_a_message(tag: str, depth: int) -> None:
    """Found by the fuzzing: nesting deeper than Python's recursion limit raised RecursionError."""
    html = f"<{tag}>" * depth + "一、总体情况" + f"</{tag}>" * depth
    try:
        parse_published_html(html)
    except NianbaoError as exc:
        assert clear_message(exc)


@settings(FUZZ_SETTINGS, max_examples=DB_EXAMPLES)
@given(file_inputs(), st.booleans())
def test_a_refused_file_leaves_the_database_unchanged(
    fuzz_db: Database, file: tuple[str, bytes], sample_first: bool
) -> None:
    """Read and import as the app does, in one transaction: a refusal at any point changes nothing."""
    suffix, data = file
    before = _dump(fuzz_db)
    with tempfile.TemporaryDirectory() as folder:
        path = write_input(Path(folder), suffix, data)
        try:
            with fuzz_db.transaction() as session:
                if sample_first:  # something written before the refusal must be rolled back with it
                    import_report(session, sample_report(), on_existing="replace")
                document = read_document(path)
                import_report(session, document.report)
        except NianbaoError as exc:
            assert clear_message(exc), repr(exc)
            assert _dump(fuzz_db) == before
            return
    # Accepted: the import committed. The next example's "before" is taken afresh.
    after: Any = _dump(fuzz_db)
    assert after != before or sample_first


def _import_as_the_app_does(database: Database, path: Path) -> None:
    """read_document + import_report in one transaction: stored, or refused with a Chinese message and the
    database unchanged (a UnicodeEncodeError from the database driver is neither)."""
    before = _dump(database)
    try:
        with database.transaction() as session:
            import_report(session, read_document(path).report, on_existing="replace")
    except NianbaoError as exc:
        assert clear_message(exc), repr(exc)
        assert _dump(database) == before


def test_an_exchange_file_with_a_lone_surrogate_escape(db: Database, tmp_path: Path) -> None:
    """Found by the fuzzing: valid JSON ("\\ud800" is a legal escape) that json.loads turns into a string
    SQLite cannot store; the import raised UnicodeEncodeError."""
    text = sample_exchange_text().replace('"title": null', '"title": "\\ud800"')
    assert "\\ud800" in text
    path = tmp_path / "surrogate.json"
    path.write_text(text, encoding="utf-8")
    _import_as_the_app_does(db, path)


def test_an_excel_file_with_a_lone_surrogate_escape(db: Database, tmp_path: Path) -> None:
    """Found by the fuzzing: OOXML's _xD800_ escape in a text cell unescapes to a lone surrogate."""
    members = [
        (name, data.replace(b"&#36149;&#38451;&#24066;", b"_xD800_", 1) if name == "xl/worksheets/sheet4.xml" else data)
        for name, data in sample_members()
    ]
    path = tmp_path / "surrogate.xlsx"
    path.write_bytes(zip_members(members))
    _import_as_the_app_does(db, path)


@pytest.mark.parametrize("reader", ["published_text", "published_html"])
def test_published_text_with_a_lone_surrogate(fuzz_db: Database, reader: str) -> None:
    """Found by the fuzzing: the text and page readers take any str (a file's bytes never decode to a lone
    surrogate, text from elsewhere may); one accepted into the draft could not be stored."""
    text = sample_text().replace("市人防办", "市人防办\ud800", 1)
    run_one(
        reader, text if reader == "published_text" else sample_html().replace("市人防办", "市人防办\ud800", 1), fuzz_db
    )


_BOUNDED_READ = """
import resource, sys
resource.setrlimit(resource.RLIMIT_AS, (1500 * 1024 * 1024, 1500 * 1024 * 1024))
sys.path.insert(0, sys.argv[1])
from services.errors import NianbaoError
from services.excel import parse_report_workbook
try:
    parse_report_workbook(open(sys.argv[2], "rb").read())
except NianbaoError:
    pass
"""


def test_a_map_sheet_reaching_the_last_row_is_refused_cheaply(tmp_path: Path) -> None:
    """Found by the fuzzing: a 24 KB workbook whose hidden map sheet has one cell at row 1048576 passes the zip
    checks, then the map is read row by row up to there — about a minute and 1.6 GB before the refusal. Run in a
    child process with 1.5 GB of address space and 30 s: it must finish, refused or read."""
    members = [
        (
            name,
            data.replace(
                b"</sheetData>",
                b'<row r="1048576"><c r="A1048576" t="inlineStr"><is><t>x</t></is></c></row></sheetData>',
            )
            if name == "xl/worksheets/sheet5.xml"
            else data,
        )
        for name, data in sample_members()
    ]
    path = tmp_path / "tall.xlsx"
    path.write_bytes(zip_members(members))
    root = Path(__file__).resolve().parent.parent
    try:
        result = subprocess.run(
            [sys.executable, "-c", _BOUNDED_READ, str(root), str(path)], capture_output=True, text=True, timeout=30
        )
    except subprocess.TimeoutExpired:
        pytest.fail("reading a 24 KB workbook took more than 30 s")
    assert result.returncode == 0, result.stderr[-2000:]


def test_a_zip_needing_a_newer_extract_version_is_refused_with_a_message() -> None:
    """Found by the fuzzing (bench_fuzz --reproduce excel:5733): one byte of the central directory, the
    version needed to extract, made zipfile raise NotImplementedError("zip file version 24.2")."""
    data = bytearray(sample_workbook())
    central = data.find(b"PK\x01\x02")
    data[central + 6] = 242  # version needed to extract: 24.2
    try:
        parse_report_workbook(bytes(data))
    except NianbaoError as exc:
        assert clear_message(exc)
