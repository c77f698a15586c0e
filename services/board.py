"""The 报送 board: for a parent agency and a year, each unit under it and where its report stands — what a county or
city office looks at every January while it collects, chases, checks and sums its units' reports.

One query lists every unit with its report's stored status and check counts (services/catalogue.py keeps them)
and the log line of its last save, which names the file an import came from (services/importing.py): 10,000 units
list in well under half a second on SQLite and PostgreSQL (benchmarks/bench_exchange.py). Only reports never
counted since revision 0004 are checked, once.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Literal

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session

from models.tables import Agency, ReportRecord, Revision
from services.catalogue import refresh_counts
from services.errors import StorageError
from services.importing import IMPORTED_FROM
from services.names import clean_name

State = Literal["未报送", "有错误", "已定稿", "已导入", "草稿"]
STATES: tuple[State, ...] = ("未报送", "有错误", "已定稿", "已导入", "草稿")
"""In the order the office deals with them."""
STATE_NOTES: dict[State, str] = {
    "未报送": "数据库中没有该单位本年度的报告",
    "有错误": "报送来的（导入的）或已定稿的报告有审核错误，应退回更正",
    "已定稿": "报告已定稿，没有错误",
    "已导入": "报告由文件导入，没有错误，尚未定稿",
    "草稿": "报告在本程序中填写，尚未定稿（未填完的部分也算错误，错误数仅供参考）",
}


@dataclass(frozen=True)
class BoardLine:
    unit: str
    state: State
    report_id: int | None = None
    format_id: str | None = None
    errors: int = 0
    unexplained: int = 0
    """Warnings without a 审核说明 that still fits them."""
    saved_at: datetime | None = None
    """When the report was last stored whole (created, imported or replaced), UTC."""
    source: str | None = None
    """The file the report was imported from (as named then: a folder's file by its path in the folder)."""


@dataclass(frozen=True)
class Board:
    parent: str
    year: int
    lines: tuple[BoardLine, ...]

    def count(self, state: State) -> int:
        return sum(1 for line in self.lines if line.state == state)

    def units_in(self, state: State) -> tuple[str, ...]:
        return tuple(line.unit for line in self.lines if line.state == state)

    def with_reports(self) -> tuple[str, ...]:
        """The units that have a report of the year: those 汇总 from the board sums."""
        return tuple(line.unit for line in self.lines if line.report_id is not None)

    def summary(self) -> str:
        counts = "，".join(f"{state} {self.count(state)}" for state in STATES)
        return f"{self.parent} {self.year} 年度：下属单位 {len(self.lines)} 个（{counts}）"


def board(session: Session, parent: str, year: int) -> Board:
    """Every unit directly under `parent` (by name) and where its report of `year` stands."""
    parent_id = session.scalar(select(Agency.id).where(Agency.name == clean_name(parent)))
    if parent_id is None:
        raise StorageError(f"单位“{clean_name(parent)}”不存在（可能已被其他人改名或删除）。")
    _count_unchecked(session, parent_id, year)
    report = and_(ReportRecord.agency_id == Agency.id, ReportRecord.year == year)
    # the last whole save of each report (created, imported, replaced): its log line names an import's file
    last_save = (
        select(Revision.report_id, func.max(Revision.id).label("revision_id"))
        .join(ReportRecord, ReportRecord.id == Revision.report_id)
        .join(Agency, Agency.id == ReportRecord.agency_id)
        .where(Agency.parent_id == parent_id, ReportRecord.year == year, Revision.what == "report")
        .group_by(Revision.report_id)
        .subquery()
    )
    query = (
        select(
            Agency.name,
            ReportRecord.id,
            ReportRecord.format_id,
            ReportRecord.status,
            ReportRecord.error_count,
            ReportRecord.unexplained_count,
            Revision.changed_at,
            Revision.reason,
        )
        .select_from(Agency)
        .outerjoin(ReportRecord, report)
        .outerjoin(last_save, last_save.c.report_id == ReportRecord.id)
        .outerjoin(Revision, Revision.id == last_save.c.revision_id)
        .where(Agency.parent_id == parent_id)
        # in the order the units were added — the order of the office's own list when imported from it (names
        # would sort by code point, or by a collation that differs between SQLite and PostgreSQL)
        .order_by(Agency.id)
    )
    return Board(clean_name(parent), year, tuple(_line(*row) for row in session.execute(query)))


def _line(
    unit: str,
    report_id: int | None,
    format_id: str | None,
    status: str | None,
    errors: int | None,
    unexplained: int | None,
    saved_at: datetime | None,
    note: str | None,
) -> BoardLine:
    if report_id is None:
        return BoardLine(unit, "未报送")
    source = note[len(IMPORTED_FROM) :] if note is not None and note.startswith(IMPORTED_FROM) else None
    n_err, n_open = errors or 0, unexplained or 0
    # A draft still being typed here has errors by nature (what is not written yet is one): it is 草稿, not a
    # report to send back. What a unit sent, or what is final, with errors is.
    state: State
    if source is None and status != "final":
        state = "草稿"
    elif n_err:
        state = "有错误"
    else:
        state = "已定稿" if status == "final" else "已导入"
    return BoardLine(unit, state, report_id, format_id, n_err, n_open, saved_at, source)


def _count_unchecked(session: Session, parent_id: int, year: int) -> None:
    """Check, once, the units' reports stored without counts (an upgraded database)."""
    query = (
        select(ReportRecord.id)
        .join(Agency, Agency.id == ReportRecord.agency_id)
        .where(Agency.parent_id == parent_id, ReportRecord.year == year)
        .where(
            ReportRecord.error_count.is_(None)
            | ReportRecord.warning_count.is_(None)
            | ReportRecord.unexplained_count.is_(None)
        )
    )
    ids: Iterable[int] = session.scalars(query).all()
    if ids:
        refresh_counts(session, ids)


def days_text(deadline: date, today: date) -> str:
    """The days left to the office's deadline, as the board's heading says it."""
    shown = f"{deadline.year}年{deadline.month}月{deadline.day}日"
    days = (deadline - today).days
    if days > 0:
        return f"距报送期限（{shown}）还有 {days} 天"
    if days == 0:
        return f"今天是报送期限（{shown}）"
    return f"已超过报送期限（{shown}）{-days} 天"


def reminder_text(board: Board, deadline: date, today: date) -> str:
    """催报: a notice ready to send (by mail, or pasted into the office's messaging group) naming every unit that
    has not reported, and those whose report has errors to correct."""
    missing = board.units_in("未报送")
    wrong = [line for line in board.lines if line.state == "有错误"]
    due = f"{deadline.year}年{deadline.month}月{deadline.day}日"
    lines = [f"关于报送{board.year}年度政府信息公开工作年度报告的提醒", "", "各有关单位："]
    if missing:
        lines.append(
            f"截至{today.year}年{today.month}月{today.day}日，以下 {len(missing)} 个单位尚未报送"
            f"{board.year}年度政府信息公开工作年度报告："
        )
        lines += [f"{i}. {unit}" for i, unit in enumerate(missing, start=1)]
        lines.append(f"请于{due}前报送。" if deadline >= today else f"报送期限（{due}）已过，请尽快报送。")
    else:
        lines.append(f"截至{today.year}年{today.month}月{today.day}日，各单位均已报送{board.year}年度报告。")
    if wrong:
        lines += ["", f"以下 {len(wrong)} 个单位的报告经审核存在错误，请核对更正后重新报送："]
        lines += [f"{i}. {line.unit}（{line.errors} 个错误）" for i, line in enumerate(wrong, start=1)]
    lines += ["", board.parent, f"{today.year}年{today.month}月{today.day}日"]
    return "\n".join(lines)
