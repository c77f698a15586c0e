"""The publishing deadline: 31 January for departments, 31 March for people's governments (条例 49–50)."""

from __future__ import annotations

from datetime import date

import pytest

from services.deadline import days_left, deadline_for, deadline_text
from services.report import AgencyKind, empty_report


@pytest.mark.parametrize(
    ("agency", "kind", "year", "deadline"),
    [
        ("某县教育局", None, 2023, date(2024, 1, 31)),
        ("某县人民政府办公室", None, 2023, date(2024, 1, 31)),
        ("某县人民政府", None, 2023, date(2024, 3, 31)),
        ("某县人民政府", "department", 2023, date(2024, 1, 31)),
        ("某开发区管委会", "government", 2023, date(2024, 3, 31)),
        ("某县人民政府", None, 2019, date(2020, 3, 31)),
        ("某县教育局", None, 2100, date(2101, 1, 31)),
    ],
)
def test_deadline_by_kind_and_year(agency: str, kind: AgencyKind | None, year: int, deadline: date) -> None:
    report = empty_report(agency, year)
    report.agency_kind = kind
    assert deadline_for(report) == deadline


@pytest.mark.parametrize(
    ("today", "days", "text"),
    [
        (date(2024, 1, 19), 12, "距公布期限（2024年1月31日）还有 12 天"),
        (date(2023, 12, 31), 31, "距公布期限（2024年1月31日）还有 31 天"),
        (date(2024, 1, 30), 1, "距公布期限（2024年1月31日）还有 1 天"),
        (date(2024, 1, 31), 0, "今天是公布期限（2024年1月31日）"),
        (date(2024, 2, 3), -3, "已超过公布期限（2024年1月31日）3 天"),
        (date(2025, 1, 31), -366, "已超过公布期限（2024年1月31日）366 天"),
    ],
)
def test_days_left_and_text_for_a_department(today: date, days: int, text: str) -> None:
    report = empty_report("某县教育局", 2023)
    assert days_left(report, today) == days
    assert deadline_text(report, today) == text


def test_a_government_counts_to_the_end_of_march_across_a_leap_february() -> None:
    report = empty_report("某县人民政府", 2023)
    assert days_left(report, date(2024, 2, 28)) == 32
    assert deadline_text(report, date(2024, 2, 28)) == "距公布期限（2024年3月31日）还有 32 天"
    assert deadline_text(report, date(2024, 3, 31)) == "今天是公布期限（2024年3月31日）"
