"""The 审核报告 PDF: identity of the report, every finding with its severity and explanation, a summary."""

from __future__ import annotations

import io
import re
from datetime import date
from typing import Any

import pdfplumber
import pytest
from pypdf import PdfReader

from services.checks import Finding, check_report
from services.pdf.check_report import summary
from services.pdf.fonts import FontSet, resolve_fonts
from services.pdf.render import render_check_report
from services.rule_names import rule_name
from tests.factories import sample_report


@pytest.fixture(scope="module")
def fonts() -> FontSet:
    return resolve_fonts()


def text_of(data: bytes) -> str:
    """The text outside tables, then each table cell's text (wrapped cells would interleave otherwise)."""
    parts = []
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        for page in pdf.pages:
            parts.append(page.extract_text())
            for table in page.find_tables():
                parts += ["|" + page.within_bbox(bbox).extract_text() for bbox in table.cells]
    return re.sub(r"\s", "", "".join(parts))


FINDINGS = [
    Finding("T3_BALANCE", "error", "表三“自然人”列：一 + 二 = 12，三（七）+ 四 = 11，相差 1", (), "T3_BALANCE:natural"),
    Finding(
        "SWING",
        "warning",
        "表二“行政许可”本年处理决定数量比上年增加 300%",
        (),
        "SWING:licensing",
        explanation="本年承接了上级下放的审批事项",
    ),
    Finding("SIGN_DATE", "warning", "成文日期早于年度结束", (), "SIGN_DATE"),
]


def test_the_check_report_lists_every_finding(fonts: FontSet) -> None:
    report = sample_report()
    data = render_check_report(report, FINDINGS, fonts, checked_on=date(2021, 1, 15))
    text = text_of(data)
    for expected in (
        "审核报告",
        report.agency,
        "2020年",
        report.format.name,
        "草稿",
        "2021年1月15日",
        "错误",
        "提示",
        "本年承接了上级下放的审批事项",
        "未说明",
    ):
        assert expected in text, expected
    for finding in FINDINGS:
        assert f"|{rule_name(finding.rule, report.format)}|" in text
        assert finding.rule not in text  # no rule codes on paper (issue 12 item 8)
        assert "|" + re.sub(r"\s", "", finding.message) + "|" in text
    assert summary(FINDINGS) == "共3项：错误1项，提示2项；已说明1项，未说明2项。"
    assert summary(FINDINGS) in text
    reader = PdfReader(io.BytesIO(data))
    assert float(reader.pages[0].mediabox.width) == pytest.approx(595.28, abs=0.5)
    for page in reader.pages:
        resources: Any = page["/Resources"]
        for ref in resources["/Font"].values():
            font = ref.get_object()
            assert font["/Subtype"] == "/TrueType", font["/BaseFont"]
            assert "/FontFile2" in font["/FontDescriptor"].get_object()


def test_the_check_report_of_the_real_checks_and_of_a_clean_report(fonts: FontSet) -> None:
    report = sample_report()
    findings = check_report(report)
    assert findings
    text = text_of(render_check_report(report, findings, fonts))
    assert all(rule_name(f.rule, report.format) in text and f.rule not in text for f in findings)
    assert date.today().strftime("%Y年").lstrip("0") in text
    clean = text_of(render_check_report(report, [], fonts))
    assert "审核未发现问题。" in clean
    assert "审核项" not in clean


def test_many_findings_run_over_pages_with_the_header_repeated(fonts: FontSet) -> None:
    many = [Finding(f"RULE_{n}", "warning", "某项数据与上年相比变化较大，请核实。" * 3, (), f"k{n}") for n in range(60)]
    with pdfplumber.open(io.BytesIO(render_check_report(sample_report(), many, fonts))) as pdf:
        assert len(pdf.pages) >= 2
        for page in pdf.pages:
            assert "审核项" in page.extract_text()
