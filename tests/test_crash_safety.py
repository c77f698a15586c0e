"""Crash safety, small: a few SIGKILL cycles of the editing driver lose no acknowledged edit, and the harness
does notice a lost one (benchmarks/bench_crash.py runs 100+ cycles)."""

from __future__ import annotations

import itertools
import random
import sys
from pathlib import Path

import pytest

from services.formats import get_format

# The harness and the driver are benchmark scripts, which import each other from their own folder.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
from crash_driver import planned_edit
from crash_harness import lost_edits, parse_ack, run_cycles

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="the harness kills with POSIX SIGKILL")


def test_edits_acknowledged_before_a_kill_survive_it(tmp_path: Path) -> None:
    result = run_cycles(tmp_path / "crash.sqlite3", 8, random.Random(20240601))
    assert result.cycles == 8
    assert result.acknowledged > 0, "no edit was acknowledged, so nothing was tested"
    assert result.lost == 0, result.details
    assert result.integrity_ok, result.details
    assert result.inconsistent == 0, result.details


def test_an_acknowledged_value_missing_from_the_database_counts_as_lost() -> None:
    fmt = get_format("2021")
    first, second = planned_edit(fmt, 1001), planned_edit(fmt, 1002)
    expected = {first.key: (1001, first.value), second.key: (1002, second.value)}
    in_flight = planned_edit(fmt, 1003)
    assert lost_edits(expected, in_flight, {first.key: first.value, second.key: second.value}) == []
    [problem] = lost_edits(expected, in_flight, {first.key: first.value, second.key: "7"})
    assert "edit 1002" in problem and "'7'" in problem
    # The edit in flight at the kill may be there instead of the last acknowledged value of its own key only.
    late = next(e for n in itertools.count(1002) if (e := planned_edit(fmt, n)).key == first.key)
    assert lost_edits({first.key: (1001, first.value)}, late, {first.key: late.value}) == []
    assert len(lost_edits({second.key: (1002, second.value)}, late, {second.key: late.value})) == 1


def test_ack_lines_are_read_back_as_written() -> None:
    fmt = get_format("2021")
    cell, text = planned_edit(fmt, 1001), planned_edit(fmt, 1010)
    assert parse_ack(cell.ack_line()) is not None
    assert parse_ack(cell.ack_line()) == parse_ack(f"ack 1001 {' '.join(cell.key)} 1001\n")
    parsed = parse_ack(text.ack_line())
    assert parsed is not None and parsed.key == text.key and parsed.value == str(len(text.value))
    assert parse_ack("ready 1001") is None


def test_the_harness_detects_edits_acknowledged_before_they_were_committed(tmp_path: Path) -> None:
    rng = random.Random(7)
    lost = 0
    for _ in range(10):  # most kills land between an early ack and its save; ten tries make a miss negligible
        result = run_cycles(tmp_path / "unsafe.sqlite3", 1, rng, unsafe=True)
        lost += result.lost
        if lost:
            break
    assert lost > 0
