"""One line of the navigator: a stored report with its status and its numbers of findings.

Apart from services.catalogue, which lists them with SQLAlchemy: the window's fast start (services/quick_read.py,
ui/fast_start.py) makes them from a sqlite3 read, before SQLAlchemy is imported."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ReportLine:
    report_id: int
    agency: str
    year: int
    format_id: str
    status: str
    errors: int
    warnings: int
