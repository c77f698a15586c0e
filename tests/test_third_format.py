"""A third official format is a file in resources/formats/ and nothing else: a synthetic one, whose sections and
texts have keys no code knows, goes through the checks, the PDF, Excel, the exchange file, storage and the reading
of a published page like the two real ones."""

from __future__ import annotations

import io
import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pdfplumber
import pytest

import services.formats as formats_module
from models.database import Database
from services import storage
from services.checks import check_report
from services.excel import read_report_xlsx, write_report_xlsx
from services.exchange import dump_exchange, parse_exchange
from services.formats import all_formats, format_for_year
from services.paths import resource_path
from services.pdf.render import render_report
from services.portal.html import report_html
from services.published import parse_published_html
from services.report_admin import standard_preamble
from tests.factories import filled_report

YEAR = 2099
RENAMED = {"s1": "part1", "s2": "part2", "s3": "part3", "s4": "part4", "s5": "part5", "s6": "part6"}


def _renamed_key(key: str) -> str:
    head, _, tail = key.partition("_")
    if head in RENAMED:
        return RENAMED[head] + ("_x" + tail if tail else "")
    return "opening" if key == "preamble" else key


def synthetic_format() -> dict[str, Any]:
    """The 2021 format with every section and text key renamed, for 2099 on, citing its own legal basis."""
    data: dict[str, Any] = json.loads(resource_path("formats", "2021.json").read_text(encoding="utf-8"))
    data["id"] = str(YEAR)
    data["years"] = {"from": YEAR, "to": None}
    data["name"] = "某某年度报告格式（试行）"
    data["legal_basis"] = "《某某条例》"
    data["preamble"]["key"] = _renamed_key(data["preamble"]["key"])
    for section in data["sections"]:
        section["key"] = _renamed_key(section["key"])
        for text in section.get("texts", []):
            text["key"] = _renamed_key(text["key"])
    return data


@pytest.fixture
def third_format(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    folder = tmp_path / "formats"
    folder.mkdir()
    for name in ("2019.json", "2021.json"):
        shutil.copy(resource_path("formats", name), folder / name)
    (folder / f"{YEAR}.json").write_text(json.dumps(synthetic_format(), ensure_ascii=False), encoding="utf-8")
    real = resource_path
    monkeypatch.setattr(
        formats_module, "resource_path", lambda *parts: folder if parts == ("formats",) else real(*parts)
    )
    assert str(YEAR) in all_formats()
    yield


def test_a_third_format_is_only_a_file(third_format: None, tmp_path: Path, db: Database) -> None:
    fmt = format_for_year(YEAR)
    assert fmt.id == str(YEAR) and "part1_xactive" in fmt.text_keys()
    report = filled_report(fmt.id, year=YEAR, agency="某县测试局")
    report.texts["part1_xplatform"] = ""  # a required sub-topic left empty
    report.texts["part5_xproblems"], report.texts["part5_ximprovements"] = "无", ""

    # checks: the rules that name sections come from the file, and a finding leads to its texts
    findings = {f.rule: f for f in check_report(report)}
    assert findings["NARRATIVE_EMPTY"].texts == ("part1_xplatform",)
    assert findings["S5_EMPTY"].texts == ("part5_xproblems", "part5_ximprovements")
    assert "存在的主要问题和改进情况" in findings["S5_EMPTY"].message
    assert standard_preamble("某县测试局", YEAR).startswith("本报告根据《某某条例》要求")

    # the PDF prints its headings and texts
    with pdfplumber.open(io.BytesIO(render_report(report))) as pdf:
        printed = "".join(page.extract_text() for page in pdf.pages).replace("\n", "")
    assert "（一）主动公开" in printed and report.texts["part1_xactive"][:10] in printed

    # Excel and the exchange file go out and back; storage keeps it
    path = tmp_path / "third.xlsx"
    write_report_xlsx(report, path)
    assert read_report_xlsx(path).texts == report.texts
    back = parse_exchange(dump_exchange(report))
    assert back.cells == report.cells and back.texts == report.texts
    with db.transaction() as session:
        report_id = storage.save_report(session, back)
        assert storage.load_report(session, report_id).texts == report.texts

    # a published page of it is read back into its own keys, split as the file says
    report.texts["part1_xplatform"] = "平台建设情况良好。"
    report.texts["part5_xproblems"] = "存在的问题是公开不够及时。"
    report.texts["part5_ximprovements"] = "改进措施是加强督促检查。"
    read = parse_published_html(report_html(report), "某县测试局").report
    assert read.format_id == str(YEAR)
    assert read.texts["part1_xplatform"] == "平台建设情况良好。"
    assert read.texts["part5_xproblems"] == "存在的问题是公开不够及时。"
    assert read.texts["part5_ximprovements"] == "改进措施是加强督促检查。"
    assert read.cells == report.cells
