"""The stored shape of reports: agencies, reports, their cells, texts and explanations, and the revision log.

Cell values and fee amounts are canonical decimal text (services.values.to_text), never floats, so 533.410001
万元 comes back exactly. Nothing here is SQLite-specific: the same models run on PostgreSQL.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, UtcDateTime, utc_now


class Agency(Base):
    """A reporting body (行政机关), found by its name; a county office may later sum its units (parent)."""

    __tablename__ = "agency"
    __table_args__ = (
        UniqueConstraint("name"),
        CheckConstraint("kind IN ('department', 'government')", name="kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    code: Mapped[str | None] = mapped_column(String(64))
    """统一社会信用代码 or another unit code, when known."""
    kind: Mapped[str | None] = mapped_column(String(16))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("agency.id", ondelete="SET NULL"))


class ReportRecord(Base):
    """One agency's report for one year; `version` is the optimistic lock every edit must name."""

    __tablename__ = "report"
    __table_args__ = (
        UniqueConstraint("agency_id", "year"),
        CheckConstraint("status IN ('draft', 'final')", name="status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agency.id", ondelete="RESTRICT"))
    year: Mapped[int] = mapped_column(Integer)
    format_id: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(8), default="draft")
    title: Mapped[str | None] = mapped_column(String(500))
    signed_by: Mapped[str | None] = mapped_column(String(200))
    signed_on: Mapped[date | None] = mapped_column(Date)
    fee_notices: Mapped[int | None] = mapped_column(Integer)
    fee_amount_yuan: Mapped[str | None] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utc_now)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utc_now)
    version: Mapped[int] = mapped_column(Integer)
    error_count: Mapped[int | None] = mapped_column(Integer)
    """Errors of the last stored check (derived, so no version step); NULL until checked once."""
    warning_count: Mapped[int | None] = mapped_column(Integer)
    """Warnings, explained or not, of the last stored check."""
    unexplained_count: Mapped[int | None] = mapped_column(Integer)
    """Warnings of the last stored check with no (or no longer a fitting) 审核说明; NULL before revision 0004."""
    summands: Mapped[str | None] = mapped_column(Text)
    """The value cells packed as 汇总 adds them (services/summands.py), kept with every cell write; NULL until
    packed (reports stored before revision 0004)."""

    agency: Mapped[Agency] = relationship(lazy="joined", innerjoin=True)

    # Every UPDATE checks and bumps `version`: the optimistic lock of services.storage.
    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012  (read once by the mapper)


class Cell(Base):
    __tablename__ = "cell"

    report_id: Mapped[int] = mapped_column(ForeignKey("report.id", ondelete="CASCADE"), primary_key=True)
    table_key: Mapped[str] = mapped_column(String(32), primary_key=True)
    row_key: Mapped[str] = mapped_column(String(64), primary_key=True)
    col_key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(String(40))
    """Canonical decimal text: '12', '-3', '533.410001'."""


class ReportText(Base):
    __tablename__ = "report_text"

    report_id: Mapped[int] = mapped_column(ForeignKey("report.id", ondelete="CASCADE"), primary_key=True)
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    text: Mapped[str] = mapped_column(Text)


class Explanation(Base):
    """The clerk's explanation of a warning (checks.md), keyed by rule id."""

    __tablename__ = "explanation"

    report_id: Mapped[int] = mapped_column(ForeignKey("report.id", ondelete="CASCADE"), primary_key=True)
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    text: Mapped[str] = mapped_column(Text)
    written_for: Mapped[str | None] = mapped_column(Text)
    """The finding's message when the explanation was written; NULL before revision 0003."""


class Revision(Base):
    """One change to a report. Agency and year are copied: the log still reads after the report is deleted."""

    __tablename__ = "revision"
    __table_args__ = (Index(None, "report_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int | None] = mapped_column(ForeignKey("report.id", ondelete="SET NULL"))
    agency: Mapped[str] = mapped_column(String(200))
    year: Mapped[int] = mapped_column(Integer)
    changed_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utc_now)
    what: Mapped[str] = mapped_column(String(200))
    """'cell t3.new.natural', 'text s1_active', 'explanation SIGN_DATE', 'status', 'report' …"""
    old_value: Mapped[str | None] = mapped_column(Text)
    new_value: Mapped[str | None] = mapped_column(Text)
    reason: Mapped[str | None] = mapped_column(Text)
    version: Mapped[int | None] = mapped_column(Integer)
    """The report's version after the change (None once the report is deleted)."""
