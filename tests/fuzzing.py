"""Fuzzing the readers: seeded generators of random and mutated inputs, hypothesis strategies over them, and the
oracle that runs one input. Shared by tests/test_fuzz_readers.py (few examples) and benchmarks/bench_fuzz.py
(≥ 10,000 inputs per reader, reproducible from a seed).

The oracle: a reader either returns a valid Report (the checks run on it, and importing it into a database
succeeds or raises a NianbaoError) or raises a NianbaoError whose message has Chinese in it. Anything else —
another exception, a warning, a message the clerk cannot read — is a `Crash`, reported with its input.
"""

from __future__ import annotations

import contextlib
import json
import random
import re
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from models.database import Database
from services.checks import check_report
from services.errors import NianbaoError
from services.excel import parse_report_workbook
from services.exchange import parse_exchange
from services.formats import CellKind
from services.importing import import_report
from services.published import parse_published_html, parse_published_text
from services.published.text import decode_text
from services.report import Report
from services.values import is_valid, parse_value
from tests.fuzz_inputs import gen_excel, gen_exchange, gen_published_html, gen_published_text, random_text

READERS = ("values", "exchange", "excel", "published_text", "published_html")
CI_EXAMPLES = {"values": 300, "exchange": 300, "excel": 60, "published_text": 120, "published_html": 150}
"""Hypothesis examples per reader in the test run; the benchmark draws `BENCH_INPUTS` from the same generators."""
DB_EXAMPLES = 30
"""Inputs read and imported into a real database (slower: a file, a transaction and two dumps each)."""
BENCH_INPUTS = 10_000

with warnings.catch_warnings():
    # hypothesis' pytest plugin imports this (and libcst, which warns on import) only once a test has failed;
    # under `filterwarnings = error` that turned every falsified example into an INTERNALERROR hiding the input
    warnings.simplefilter("ignore")
    with contextlib.suppress(ImportError):  # libcst is optional
        import hypothesis.extra._patching  # noqa: F401

FUZZ_SETTINGS = settings(
    deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much]
)

_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
KINDS: tuple[CellKind, ...] = ("count", "signed", "amount")


# ------------------------------------------------------------------------------------------------------ oracle


class Crash(AssertionError):
    """A reader failed in a way the clerk would see as a crash (or an unreadable message)."""

    def __init__(self, reader: str, data: object, what: str) -> None:
        shown = repr(data)
        if len(shown) > 600:
            shown = shown[:600] + f"…（共 {len(shown)} 个字符）"
        super().__init__(f"{reader}: {what}\ninput: {shown}")
        self.reader = reader
        self.data = data
        self.what = what


class _Rollback(Exception):
    """Raised inside a transaction to undo a trial import."""


def clear_message(exc: NianbaoError) -> bool:
    return _CJK.search(str(exc)) is not None


def _read(reader: str, data: Any) -> Report:
    """Call one reader (not the value parser) on one input."""
    if reader == "exchange":
        return parse_exchange(data)
    if reader == "excel":
        return parse_report_workbook(data)
    if reader == "published_text":
        return parse_published_text(decode_text(data) if isinstance(data, bytes) else data).report
    if reader == "published_html":
        return parse_published_html(data).report
    raise ValueError(f"unknown reader {reader}")


def run_one(reader: str, data: Any, database: Database | None = None) -> str:
    """Run one input through a reader: 'accepted' or 'refused'; raises Crash for anything else."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # a reader must not leak warnings (the test run turns them into errors)
            if reader == "values":
                return _run_value(data)
            report = _read(reader, data)
    except Crash:
        raise
    except NianbaoError as exc:
        if not clear_message(exc):
            raise Crash(reader, data, f"message without Chinese: {exc!r}") from exc
        return "refused"
    except Exception as exc:
        raise Crash(reader, data, f"{type(exc).__name__}: {exc}"[:1000]) from exc
    try:
        check_report(report)
    except Exception as exc:
        raise Crash(reader, data, f"check_report on the accepted report: {type(exc).__name__}: {exc}") from exc
    if database is not None:
        try_import(reader, data, report, database)
    return "accepted"


def _run_value(text: str) -> str:
    outcome = "refused"
    for kind in KINDS:
        try:
            value = parse_value(text, kind)
        except NianbaoError as exc:
            if not clear_message(exc):
                raise Crash("values", text, f"message without Chinese for {kind}: {exc!r}") from exc
            continue
        if value is not None and not is_valid(value, kind):
            raise Crash("values", text, f"parse_value gave {value!r}, not a valid {kind}")
        outcome = "accepted"
    return outcome


def try_import(reader: str, data: object, report: Report, database: Database) -> None:
    """Import an accepted report in a transaction that is then rolled back: it succeeds or says why not."""
    try:
        with database.transaction() as session:
            import_report(session, report)
            raise _Rollback
    except _Rollback:
        pass
    except NianbaoError as exc:
        if not clear_message(exc):
            raise Crash(reader, data, f"import: message without Chinese: {exc!r}") from exc
    except Exception as exc:
        raise Crash(reader, data, f"import: {type(exc).__name__}: {exc}"[:1000]) from exc


# ------------------------------------------------------------------------------------------------- strategies


GENERATORS: dict[str, Callable[[random.Random], Any]] = {
    "values": lambda rng: random_text(rng, rng.randrange(0, 12), "0123456789,.+- ，．－万元"),
    "exchange": gen_exchange,
    "excel": gen_excel,
    "published_text": gen_published_text,
    "published_html": gen_published_html,
}


def generate(reader: str, seed: int) -> Any:
    """The benchmark's input number `seed` for a reader: the same input on every run."""
    return GENERATORS[reader](random.Random(f"{reader}:{seed}"))


def _from_generator(reader: str) -> st.SearchStrategy[Any]:
    return st.randoms(use_true_random=False).map(GENERATORS[reader])


_json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=20,
)

STRATEGIES: dict[str, st.SearchStrategy[Any]] = {
    "values": st.text() | _from_generator("values"),
    "exchange": _json_values.map(lambda v: json.dumps(v, ensure_ascii=False)) | _from_generator("exchange"),
    "excel": st.binary(max_size=200) | _from_generator("excel"),
    "published_text": st.text(alphabet=st.sampled_from("一二三、总体情况年度报告（）、。，0123456789\t\n 　"))
    | _from_generator("published_text"),
    "published_html": st.text(alphabet=st.sampled_from("<>/ =\"'tdrablepn&#;一、总体情况年度报告0123456789\n"))
    | _from_generator("published_html"),
}

SUFFIXES = {"exchange": ".json", "excel": ".xlsx", "published_text": ".txt", "published_html": ".html"}


def file_inputs() -> st.SearchStrategy[tuple[str, bytes]]:
    """(suffix, bytes) of a file any reader may get through `read_document`, valid or not."""

    def as_file(reader: str, rng: random.Random, encoding: str) -> tuple[str, bytes]:
        data = GENERATORS[reader](rng)
        errors = "surrogatepass" if encoding == "utf-8" else "replace"
        return SUFFIXES[reader], data if isinstance(data, bytes) else data.encode(encoding, errors=errors)

    return st.builds(
        as_file,
        st.sampled_from(sorted(SUFFIXES)),
        st.randoms(use_true_random=False),
        st.sampled_from(["utf-8", "gb18030"]),
    )


def write_input(folder: Path, suffix: str, data: bytes, n: int = 0) -> Path:
    path = folder / f"input{n}{suffix}"
    path.write_bytes(data)
    return path
