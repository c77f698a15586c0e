"""Starting a new report and keeping the list of agencies: what the navigator's "新建" and "机构" actions call.

A new report starts as the clerk would start it on paper: every cell 0, the customary opening paragraph, the
agency as signatory, and the numbers that by definition come from last year's report (the applications carried
over, the regulations in force) already copied, each with a sentence saying where it came from.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from models.tables import Agency, ReportRecord
from services.carry_over import carry_over_sources as carry_over_sources  # the panel's, named here too
from services.carry_over import from_previous
from services.catalogue import refresh_counts, refresh_counts_after_save
from services.checks import recompute_totals
from services.errors import FormatFileError, StaleReportError, StorageError
from services.formats import ReportFormat, format_for_year, get_format
from services.names import clean_name
from services.report import YEAR_RANGE, AgencyKind, empty_report
from services.storage import (
    AGENCY_KINDS,
    delete_report,
    find_report,
    log_report_change,
    previous_report,
    save_report,
)

FINAL_DELETE_NEEDS_REASON = "删除已定稿的报告须填写原因"

_REGULATION = "《中华人民共和国政府信息公开条例》"

_PREAMBLE = (
    "本报告根据{basis}要求，由{agency}编制。全文包括{parts}等部分。"
    "本报告中所列数据的统计期限自{year}年1月1日起至{year}年12月31日止。"
    "本报告电子版可在本机关门户网站查阅。如对本报告有疑问，请与{agency}联系。"
)


@dataclass(frozen=True)
class CreatedReport:
    report_id: int
    sources: tuple[str, ...]
    """Where copied values came from, one Chinese sentence each (empty without last year's report)."""


@dataclass(frozen=True)
class AgencyLine:
    id: int
    name: str
    code: str | None
    parent: str | None
    """The name of the agency this one belongs to, if any."""
    kind: AgencyKind | None
    """As set by a clerk; None means it follows from the name (services.report.agency_kind_from_name)."""


# ---------------------------------------------------------------- new reports


def standard_preamble(agency: str, year: int, format_id: str | None = None) -> str:
    """The customary opening paragraph (引言) of the report for a year, in its format unless one is given."""
    fmt = _format(year, format_id)
    basis = fmt.legal_basis or f"{_REGULATION}和《{fmt.name}》（{fmt.document}）"  # the format file's, if it has one
    # "四、…行政复议、行政诉讼情况" → "…行政复议和行政诉讼情况", so the list of parts reads unambiguously
    parts = "、".join(section.title.split("、", 1)[-1].replace("、", "和") for section in fmt.sections)
    return _PREAMBLE.format(basis=basis, agency=agency.strip(), year=year, parts=parts)


def create_report(
    session: Session, agency: str, year: int, format_id: str | None = None, *, agency_code: str | None = None
) -> CreatedReport:
    """Store a new draft for an agency and year, with last year's carried-over values; returns its id and
    where the copied values came from."""
    name = agency.strip()
    if not name:
        raise StorageError("机构名称不能为空。")
    low, high = YEAR_RANGE
    if not low <= year <= high:
        raise StorageError(f"年度 {year} 无效：应在 {low} 至 {high} 年之间。")
    if find_report(session, name, year) is not None:
        raise StorageError(f"{name} {year} 年的报告已存在，不能重复新建。请在报告列表中打开它。")
    fmt = _format(year, format_id)
    report = empty_report(name, year, fmt.id)
    report.agency_code = (agency_code or "").strip() or None
    report.signed_by = name
    report.texts[fmt.preamble.key] = standard_preamble(name, year, fmt.id)
    copied, sources = from_previous(report, previous_report(session, report))
    report.cells.update(copied)
    recompute_totals(report)
    report_id = save_report(session, report)
    refresh_counts_after_save(session, report_id)
    return CreatedReport(report_id, tuple(sources))


def _format(year: int, format_id: str | None) -> ReportFormat:
    try:
        return get_format(format_id) if format_id else format_for_year(year)
    except FormatFileError as exc:
        raise StorageError(exc.message) from None


# ---------------------------------------------------------------- deleting


def delete_report_checked(session: Session, report_id: int, reason: str | None, expected_version: int | None) -> None:
    """Delete a report as the navigator does: a final report needs a reason, which goes to the log."""
    row = session.execute(
        select(ReportRecord.status, ReportRecord.version, ReportRecord.year, Agency.name)
        .join(Agency)
        .where(ReportRecord.id == report_id)
    ).one_or_none()
    if row is None:
        raise StorageError("报告不存在（可能已被其他人删除）。")
    if expected_version is not None and row.version != expected_version:
        raise StaleReportError()
    text = (reason or "").strip() or None
    if row.status == "final" and text is None:
        raise StorageError(FINAL_DELETE_NEEDS_REASON)
    following = find_report(session, row.name, row.year + 1)
    delete_report(session, report_id, text, expected_version)
    if following is not None:  # its cross-year checks no longer have a year before
        refresh_counts(session, [following])


# ---------------------------------------------------------------- agencies


def list_agencies(session: Session) -> list[AgencyLine]:
    """Every agency, by name."""
    parent = aliased(Agency)
    query = (
        select(Agency.id, Agency.name, Agency.code, parent.name, Agency.kind)
        .outerjoin(parent, Agency.parent_id == parent.id)
        .order_by(Agency.name)
    )
    return [
        AgencyLine(id_, name, code, parent_name, _kind(kind))
        for id_, name, code, parent_name, kind in session.execute(query)
    ]


def rename_agency(session: Session, old_name: str, new_name: str) -> None:
    """Rename an agency (机构改革); each of its reports logs the change and takes a version step."""
    new = clean_name(new_name)
    if not new:
        raise StorageError("机构名称不能为空（看不见的字符不算）。")
    agency = _find_agency(session, old_name)
    old = agency.name
    if new == old:
        return
    if session.scalar(select(Agency.id).where(Agency.name == new)) is not None:
        raise StorageError(f"已有名为“{new}”的机构，不能改用此名称。")
    agency.name = new
    session.flush()
    report_ids = _report_ids(session, agency)
    for report_id in report_ids:
        log_report_change(session, report_id, "agency name", old, new)
    # Without a stored kind the name decides it ('…人民政府'), and with it the signing-date check.
    refresh_counts(session, report_ids)


def set_agency_kind(session: Session, name: str, kind: AgencyKind | None) -> None:
    """Say whether an agency is a people's government or a department (None: follow the name); it decides the
    publishing deadline and the signing-date check of its reports."""
    if kind is not None and kind not in AGENCY_KINDS:
        raise StorageError(f"未知的机构类别 {kind!r}")
    agency = _find_agency(session, name)
    old = agency.kind
    if old == kind:
        return
    agency.kind = kind
    session.flush()
    report_ids = _report_ids(session, agency)
    for report_id in report_ids:
        log_report_change(session, report_id, "agency kind", old, kind)
    refresh_counts(session, report_ids)


def _find_agency(session: Session, name: str) -> Agency:
    agency = session.scalar(select(Agency).where(Agency.name == clean_name(name)))
    if agency is None:
        raise StorageError(f"机构“{clean_name(name)}”不存在（可能已被其他人改名）。")
    return agency


def _report_ids(session: Session, agency: Agency) -> list[int]:
    query = select(ReportRecord.id).where(ReportRecord.agency_id == agency.id).order_by(ReportRecord.year)
    return list(session.scalars(query))


def _kind(value: str | None) -> AgencyKind | None:
    for kind in AGENCY_KINDS:
        if value == kind:
            return kind
    return None
