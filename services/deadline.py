"""The publishing deadline of an annual report (条例 第四十九、五十条) and how far away it is."""

from __future__ import annotations

from datetime import date

from services.report import Report


def deadline_for(report: Report) -> date:
    """31 January of the next year for a department, 31 March for a people's government."""
    return legal_deadline(report.year, government=report.kind == "government")


def legal_deadline(year: int, *, government: bool = False) -> date:
    """The deadline of a year's report: 31 January of the next year, 31 March for a people's government."""
    return date(year + 1, 3, 31) if government else date(year + 1, 1, 31)


def days_left(report: Report, today: date) -> int:
    """Days from today to the deadline: 0 on the day itself, negative once it has passed."""
    return (deadline_for(report) - today).days


def deadline_text(report: Report, today: date) -> str:
    """The deadline and the days left, as the report's header shows it."""
    deadline = deadline_for(report)
    shown = f"{deadline.year}年{deadline.month}月{deadline.day}日"
    days = (deadline - today).days
    if days > 0:
        return f"距公布期限（{shown}）还有 {days} 天"
    if days == 0:
        return f"今天是公布期限（{shown}）"
    return f"已超过公布期限（{shown}）{-days} 天"
