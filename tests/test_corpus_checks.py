"""The checks over real published reports (issue 16): ../shared/corpus holds each report's tables as published,
transcribed by hand into an exchange file (skipped where ../shared is absent).

No identity error may be found that the published report does not have, and every warning is listed here with
the reason it is right. The transcriptions carry only excerpts of the narrative and no signature, so what is
about the missing texts (REQUIRED, NARRATIVE_EMPTY, S6_FEE, S5_EMPTY) says nothing about the checks and is
left out. No report in the corpus has its predecessor beside it (2019, 2021, 2023, 2025; 2024): the cross-year
rules are covered by tests/test_false_alarms.py with the real reports' shapes.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from services.checks import check_report
from services.documents import read_report_file

ABOUT_THE_TRANSCRIPTION = {"REQUIRED", "NARRATIVE_EMPTY", "S6_FEE", "S5_EMPTY"}

UNREAD = "表二 is partly filled and the transcription leaves some of its cells empty (not read with certainty):"
EXPECTED: dict[str, list[tuple[str, str]]] = {
    # file: [(finding key, why it is right)] — no identity error: every table identity of these reports holds as
    # published, and the narrative excerpts state no figure that contradicts the tables
    "01-pingtan-2019.json": [("VALUE_MISSING:t2", f"{UNREAD} 政府集中采购 printed as one run, 13575394432.52元")],
    "02-pingtan-2021.json": [("VALUE_MISSING:t2", f"{UNREAD} 行政规范性文件 printed as 693665")],
    "03-pingtan-2023.json": [("VALUE_MISSING:t2", f"{UNREAD} 行政规范性文件 printed as 77132470")],
    "04-pingtan-2025.json": [("VALUE_MISSING:t2", f"{UNREAD} 行政规范性文件 printed as 5845546")],
    "05-huaian-city-2024.json": [],
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_a_real_report_raises_only_the_findings_it_deserves(shared_dir: Path, name: str) -> None:
    path = shared_dir / "corpus" / name
    if not path.is_file():
        pytest.skip(f"{path} is not in this copy of the corpus")
    report = read_report_file(path)
    findings = [f for f in check_report(report) if f.rule not in ABOUT_THE_TRANSCRIPTION]
    # an empty cell is listed (VALUE_MISSING), never turned into an identity error
    assert [(f.key, f.message) for f in findings if f.severity == "error" and f.rule != "VALUE_MISSING"] == []
    assert sorted(f.key for f in findings) == sorted(key for key, _ in EXPECTED[name])
