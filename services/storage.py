"""Storing reports: save, load, list and delete them, and edit one value at a time under an optimistic lock.

Every function takes the session of the caller's unit of work (`with database.transaction() as session:`) and
neither commits nor rolls back. Each edit names the report version it was made against; a stale version means
someone else changed the report in between, and the edit is refused. Every change goes to the revision log.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Literal, cast

from sqlalchemy import delete, insert, select, update
from sqlalchemy.engine import CursorResult
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from models.base import utc_now
from models.tables import Agency, Cell, Explanation, ReportRecord, ReportText, Revision
from services.checks import Finding, blockers_summary, finalise_blockers
from services.errors import StaleReportError, StorageError, ValueParseError
from services.formats import CellKey, CellKind, ReportFormat, get_format
from services.names import clean_name
from services.report import EXPLANATION_KEY_MAX, AgencyKind, Fees, Report, Status, text_too_long
from services.summands import holds_value, pack
from services.values import CellValue, check_value, check_yuan, to_text

STATUSES: tuple[Status, ...] = ("draft", "final")
AGENCY_KINDS: tuple[AgencyKind, ...] = ("department", "government")
MetaField = Literal["title", "signed_by", "signed_on", "fee_notices", "fee_amount_yuan"]


@dataclass(frozen=True)
class ReportSummary:
    id: int
    agency: str
    year: int
    format_id: str
    status: Status
    version: int
    agency_code: str | None = None
    updated_at: datetime | None = None
    errors: int | None = None
    """Stored by the last check (set_counts); None when the report has not been checked since."""
    warnings: int | None = None


@dataclass(frozen=True)
class RevisionEntry:
    at: datetime
    """UTC, timezone-aware."""
    what: str
    old: str | None
    new: str | None
    reason: str | None
    version: int | None


# ---------------------------------------------------------------- whole reports


def save_report(session: Session, report: Report, *, replace: bool = False, note: str | None = None) -> int:
    """Store a new report and return its id; an existing agency+year is refused unless `replace`. `note` goes
    to the log line of the save (an import names its file there: services/importing.py)."""
    fmt = get_format(report.format_id)
    _check_keys(report, fmt)
    if not clean_name(report.agency):
        raise StorageError("报告没有机关名称（或只有看不见的字符），未保存。")
    _check_texts(report)
    agency = _agency(session, report.agency, report.agency_code, report.agency_kind)
    record = session.scalar(
        select(ReportRecord).where(ReportRecord.agency_id == agency.id, ReportRecord.year == report.year)
    )
    if record is not None and not replace:
        raise StorageError(
            f"{report.agency} {report.year} 年的报告已存在。如要用新内容覆盖，请选择“替换”"
            "（命令行：--replace）；或保留原有的（--keep）。"
        )
    if record is None:
        record = ReportRecord(agency=agency, year=report.year)
        _fill(record, report)
        session.add(record)
        session.flush()
        old, new = None, "created"
    else:
        old, new = str(record.version), "replaced"
        _fill(record, report)
        record.updated_at = utc_now()
        _flush_versioned(session)
        for child in (Cell, ReportText, Explanation):
            session.execute(delete(child).where(child.report_id == record.id))
    report_id = record.id
    # Bulk inserts: ~200 cells as one executemany, not 200 ORM objects (1,000 reports import in seconds).
    cell_rows = _cell_rows(report_id, report.cells.items())
    _insert(session, Cell, cell_rows)
    _set_summands(
        session, report_id, fmt, {(r["table_key"], r["row_key"], r["col_key"]): r["value"] for r in cell_rows}
    )
    _insert(session, ReportText, [{"report_id": report_id, "key": k, "text": t} for k, t in report.texts.items()])
    _insert(
        session,
        Explanation,
        [
            {"report_id": report_id, "key": k, "text": t, "written_for": report.explained_for.get(k)}
            for k, t in report.explanations.items()
        ],
    )
    _log(session, record, "report", old, new, note)
    return report_id


def load_report(session: Session, report_id: int) -> Report:
    """The stored report as a plain value."""
    record = _record(session, report_id)
    fmt = get_format(record.format_id)
    cells: dict[CellKey, CellValue] = {}
    query = select(Cell.table_key, Cell.row_key, Cell.col_key, Cell.value).where(Cell.report_id == report_id)
    for table, row, col, text in session.execute(query):
        spec = fmt.cell_spec((table, row, col))
        cells[(table, row, col)] = _from_stored(text, spec.kind if spec else None)
    texts = session.execute(select(ReportText.key, ReportText.text).where(ReportText.report_id == report_id))
    explanations = session.execute(
        select(Explanation.key, Explanation.text, Explanation.written_for).where(Explanation.report_id == report_id)
    ).all()
    agency = record.agency
    return Report(
        agency=agency.name,
        year=record.year,
        format_id=record.format_id,
        agency_code=agency.code,
        agency_kind=agency.kind if agency.kind in AGENCY_KINDS else None,
        title=record.title,
        signed_by=record.signed_by,
        signed_on=record.signed_on,
        status=_status(record.status),
        cells=cells,
        texts={key: text for key, text in texts},
        fees=Fees(
            notices=record.fee_notices,
            amount_yuan=None if record.fee_amount_yuan is None else Decimal(record.fee_amount_yuan),
        ),
        explanations={key: text for key, text, _ in explanations},
        explained_for={key: written for key, _, written in explanations if written is not None},
    )


def find_report(session: Session, agency: str, year: int) -> int | None:
    """The id of an agency's report for a year, if stored."""
    query = select(ReportRecord.id).join(Agency).where(Agency.name == clean_name(agency), ReportRecord.year == year)
    return session.scalar(query)


def report_version(session: Session, report_id: int) -> int:
    """The current version, to name in the next edit."""
    return _record(session, report_id).version


def list_reports(session: Session) -> list[ReportSummary]:
    """Every stored report, by agency name and year."""
    query = (
        select(
            ReportRecord.id,
            Agency.name,
            ReportRecord.year,
            ReportRecord.format_id,
            ReportRecord.status,
            ReportRecord.version,
            Agency.code,
            ReportRecord.updated_at,
            ReportRecord.error_count,
            ReportRecord.warning_count,
        )
        .join(Agency)
        .order_by(Agency.name, ReportRecord.year)
    )
    return [
        ReportSummary(id_, name, year, fmt, _status(status), version, code, updated, n_err, n_warn)
        for id_, name, year, fmt, status, version, code, updated, n_err, n_warn in session.execute(query)
    ]


def set_counts(session: Session, report_id: int, errors: int, warnings: int, unexplained: int | None = None) -> None:
    """Store the numbers of errors, warnings and unexplained warnings of the report's latest check (None: not
    known, the next listing that needs it checks again).

    Derived data, like a cache: no version step (an open editor's lock stays valid) and no revision log.
    """
    if errors < 0 or warnings < 0:
        raise ValueError(f"counts cannot be negative: {errors}, {warnings}")
    if unexplained is not None and not 0 <= unexplained <= warnings:
        raise ValueError(f"unexplained warnings {unexplained} not within 0..{warnings}")
    # A WHERE-UPDATE, not an attribute change: the mapper would bump `version` on a flushed object.
    result = cast(
        "CursorResult[Any]",
        session.execute(
            update(ReportRecord)
            .where(ReportRecord.id == report_id)
            .values(error_count=errors, warning_count=warnings, unexplained_count=unexplained)
            .execution_options(synchronize_session="evaluate"),
        ),
    )
    if result.rowcount == 0:
        raise StorageError("报告不存在（可能已被其他人删除）。")


def delete_report(session: Session, report_id: int, reason: str | None, expected_version: int | None = None) -> None:
    """Delete a report; its revisions stay in the log (with agency and year) and record the deletion."""
    record = _record(session, report_id)
    if expected_version is not None and record.version != expected_version:
        raise StaleReportError()
    _log(session, record, "report", str(record.version), "deleted", reason)
    session.flush()
    # Cells, texts and explanations go by ON DELETE CASCADE; revisions keep their rows (report_id SET NULL).
    session.execute(delete(ReportRecord).where(ReportRecord.id == report_id))


def revisions(session: Session, report_id: int) -> list[RevisionEntry]:
    """The change log of a report, oldest first."""
    query = select(Revision).where(Revision.report_id == report_id).order_by(Revision.id)
    return [
        RevisionEntry(r.changed_at, r.what, r.old_value, r.new_value, r.reason, r.version)
        for r in session.scalars(query)
    ]


# ---------------------------------------------------------------- single edits


def set_cell(
    session: Session,
    report_id: int,
    key: CellKey,
    value: CellValue | None,
    expected_version: int,
    reason: str | None = None,
) -> int:
    """Set (or with None, clear) one cell; returns the new version. Raises ValueParseError for a bad value."""
    return set_cells(session, report_id, {key: value}, expected_version, reason)


def set_cells(
    session: Session,
    report_id: int,
    changes: Mapping[CellKey, CellValue | None],
    expected_version: int,
    reason: str | None = None,
) -> int:
    """Set several cells as one edit (a pasted block, a value and the totals it moves): one version step,
    one log line per changed cell. Validates everything before writing anything."""
    record = _locked(session, report_id, expected_version)
    fmt = get_format(record.format_id)
    wanted: dict[CellKey, str | None] = {}
    for key, value in changes.items():
        spec = fmt.cell_spec(key)
        if spec is None:
            raise StorageError(f"{fmt.id} 格式中没有单元格 {'.'.join(key)}")
        wanted[key] = None if value is None else to_text(check_value(value, spec.kind))
    logged: list[tuple[str, str | None, str | None]] = []
    for key, new in wanted.items():
        cell = session.get(Cell, (report_id, *key))
        old = cell.value if cell is not None else None
        if old == new:
            continue
        if cell is None:
            session.add(Cell(report_id=report_id, table_key=key[0], row_key=key[1], col_key=key[2], value=new))
        elif new is None:
            session.delete(cell)
        else:
            cell.value = new
        logged.append((f"cell {'.'.join(key)}", old, new))
    if not logged:
        return record.version
    record.updated_at = utc_now()
    _flush_versioned(session)
    for what, old, new in logged:
        _log(session, record, what, old, new, reason)
    if any(holds_value(fmt, key) for key in wanted):
        store_summands(session, report_id)
    return record.version


def store_summands(session: Session, report_id: int) -> None:
    """Pack the report's value cells again from what is stored (services/summands.py)."""
    format_id = session.scalar(select(ReportRecord.format_id).where(ReportRecord.id == report_id))
    if format_id is None:
        raise StorageError("报告不存在（可能已被其他人删除）。")
    query = select(Cell.table_key, Cell.row_key, Cell.col_key, Cell.value).where(Cell.report_id == report_id)
    values = {(table, row, col): value for table, row, col, value in session.execute(query)}
    _set_summands(session, report_id, get_format(format_id), values)


def _set_summands(session: Session, report_id: int, fmt: ReportFormat, values: Mapping[CellKey, str]) -> None:
    # a WHERE-UPDATE, as set_counts: derived data takes no version step
    session.execute(
        update(ReportRecord)
        .where(ReportRecord.id == report_id)
        .values(summands=pack(fmt, values))
        .execution_options(synchronize_session=False)
    )


def set_text(
    session: Session, report_id: int, key: str, text: str, expected_version: int, reason: str | None = None
) -> int:
    """Replace one narrative text; returns the new version."""
    record = _locked(session, report_id, expected_version)
    fmt = get_format(record.format_id)
    if key not in fmt.text_keys():
        raise StorageError(f"{fmt.id} 格式中没有文字部分 {key}")
    _check_nul("文字", text)
    _check_text_length("文字", text)
    row = session.get(ReportText, (report_id, key))
    old = row.text if row is not None else None
    if old == text:
        return record.version
    if row is None:
        session.add(ReportText(report_id=report_id, key=key, text=text))
    else:
        row.text = text
    return _bump(session, record, f"text {key}", old, text, reason)


def set_explanation(
    session: Session,
    report_id: int,
    key: str,
    text: str | None,
    expected_version: int,
    reason: str | None = None,
    written_for: str | None = None,
) -> int:
    """Set (or with None, remove) the explanation of a warning, with the finding's message it was written for
    (the same text confirmed for a new message is a change too); returns the new version."""
    _check_explanation(key, text)
    record = _locked(session, report_id, expected_version)
    row = session.get(Explanation, (report_id, key))
    old = row.text if row is not None else None
    if old == text and (row is None or row.written_for == written_for):
        return record.version
    if row is None:
        session.add(Explanation(report_id=report_id, key=key, text=text, written_for=written_for))
    elif text is None:
        session.delete(row)
    else:
        row.text, row.written_for = text, written_for
    return _bump(session, record, f"explanation {key}", old, text, reason)


def set_field(
    session: Session,
    report_id: int,
    name: MetaField,
    value: str | int | Decimal | date | None,
    expected_version: int,
    reason: str | None = None,
) -> int:
    """Set the title, the signature (signed_by, signed_on) or a fee field; returns the new version."""
    record = _locked(session, report_id, expected_version)
    stored = _meta_value(name, value)
    old = getattr(record, name)
    if old == stored:
        return record.version
    setattr(record, name, stored)
    return _bump(session, record, name, _shown(old), _shown(stored), reason)


def set_status(session: Session, report_id: int, status: Status, reason: str | None, expected_version: int) -> int:
    """Mark a report draft or final; returns the new version."""
    if status not in STATUSES:
        raise StorageError(f"未知的报告状态 {status!r}")
    record = _locked(session, report_id, expected_version)
    old = record.status
    if old == status:
        return record.version
    if status == "final":
        _refuse_unless_finalisable(session, load_report(session, report_id))
    record.status = status
    return _bump(session, record, "status", old, status, reason)


def log_report_change(
    session: Session, report_id: int, what: str, old: str | None, new: str | None, reason: str | None = None
) -> int:
    """Record a change made to a report from outside it (its agency renamed): a version step and a log line."""
    return _bump(session, _record(session, report_id), what, old, new, reason)


def previous_report(session: Session, report: Report) -> Report | None:
    """The same agency's report for the year before, for the cross-year checks."""
    report_id = find_report(session, report.agency, report.year - 1)
    return None if report_id is None else load_report(session, report_id)


def finalising_findings(session: Session, report: Report) -> list[Finding]:
    """What stands in the way of 定稿 (checks.finalise_blockers), last year's report read from the database."""
    return finalise_blockers(report, previous_report(session, report))


def _refuse_unless_finalisable(session: Session, report: Report) -> None:
    blocking = finalising_findings(session, report)
    if blocking:
        raise StorageError(f"报告{blockers_summary(blocking)}：", [f.message for f in blocking])


# ---------------------------------------------------------------- internals


def _agency(session: Session, name: str, code: str | None, kind: AgencyKind | None) -> Agency:
    name = clean_name(name)
    agency = session.scalar(select(Agency).where(Agency.name == name))
    if agency is None:
        agency = Agency(name=name, code=code, kind=kind)
        session.add(agency)
        session.flush()
        return agency
    if code is not None:
        if agency.code is not None and agency.code != code:
            raise StorageError(f"机构“{name}”已登记的代码是 {agency.code}，与本报告的 {code} 不一致，未保存。")
        agency.code = code
    if kind is not None:
        agency.kind = kind
    return agency


# Column lengths: SQLite ignores them, PostgreSQL refuses longer values; both get the same clear message.
MAX_LENGTHS = {"机关名称": 200, "标题": 500, "署名机关": 200, "机关代码": 64}


def _check_length(what: str, value: str | None) -> None:
    if value is not None and len(value) > MAX_LENGTHS[what]:
        raise StorageError(f"{what}过长（{len(value)} 字，最多 {MAX_LENGTHS[what]} 字），未保存。")


_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def _check_nul(what: str, value: str | None) -> None:
    # NUL (PostgreSQL text cannot hold it) and lone UTF-16 surrogates (no encoding can store them) come from
    # damaged or hostile files, never from a clerk's typing.
    if value is not None and _UNSTORABLE.search(value):
        raise StorageError(f"{what}中含有无法保存的字符（空字符或残缺的编码），未保存。请删除后重试。")


def _check_texts(report: Report) -> None:
    for what, value in (
        ("机关名称", report.agency),
        ("标题", report.title),
        ("署名机关", report.signed_by),
        ("机关代码", report.agency_code),
    ):
        _check_length(what, value)
        _check_nul(what, value)
    for key, text in report.texts.items():
        _check_nul(f"“{key}”", text)
        _check_text_length(f"“{key}”", text)
    for key, text in report.explanations.items():
        _check_explanation(key, text)


def _check_explanation(key: str, text: str | None) -> None:
    """The same limits on SQLite (which would store anything) and PostgreSQL (whose column refuses a long key)."""
    if len(key) > EXPLANATION_KEY_MAX:
        raise StorageError(f"审核说明的键过长（{len(key)} 个字符，最多 {EXPLANATION_KEY_MAX} 个），未保存。")
    _check_nul("审核说明的键", key)
    _check_nul(f"“{key}”的审核说明", text)
    _check_text_length(f"“{key}”的审核说明", text)


def _check_text_length(what: str, text: str | None) -> None:
    if text is not None and (why := text_too_long(text)) is not None:
        raise StorageError(f"{what}{why}，未保存。")


def _check_keys(report: Report, fmt: ReportFormat) -> None:
    problems = [f"单元格 {'.'.join(key)}" for key in report.cells if fmt.cell_spec(key) is None]
    text_keys = set(fmt.text_keys())
    problems += [f"文字部分 {key}" for key in report.texts if key not in text_keys]
    if problems:
        raise StorageError(f"报告中有 {fmt.id} 格式没有的内容，未保存：", problems)


def _fill(record: ReportRecord, report: Report) -> None:
    record.format_id = report.format_id
    record.status = report.status
    record.title = report.title
    record.signed_by = report.signed_by
    record.signed_on = report.signed_on
    record.fee_notices = report.fees.notices
    record.fee_amount_yuan = None if report.fees.amount_yuan is None else _yuan_text(report.fees.amount_yuan)


def _cell_rows(report_id: int, cells: Iterable[tuple[CellKey, CellValue]]) -> list[dict[str, Any]]:
    rows = []
    for (table, row, col), value in cells:
        if isinstance(value, bool) or not isinstance(value, int | Decimal):
            raise TypeError(f"cell {table}.{row}.{col} holds {value!r}, not int or Decimal")
        try:
            check_value(value, "amount" if isinstance(value, Decimal) else "signed")
        except ValueParseError as exc:
            raise StorageError(f"单元格 {table}.{row}.{col} 的值无效，未保存：{exc}") from None
        rows.append(
            {
                "report_id": report_id,
                "table_key": table,
                "row_key": row,
                "col_key": col,
                "value": to_text(value),
            }
        )
    return rows


def _insert(session: Session, model: type[Cell | ReportText | Explanation], rows: list[dict[str, Any]]) -> None:
    if rows:
        session.execute(insert(model), rows)


def _from_stored(text: str, kind: CellKind | None) -> CellValue:
    if kind == "amount" or "." in text:
        return Decimal(text)
    return int(text)


def _status(value: str) -> Status:
    if value not in STATUSES:
        raise StorageError(f"数据库中的报告状态 {value!r} 无效")
    return value


def _record(session: Session, report_id: int) -> ReportRecord:
    # populate_existing: the version must come from the database, not from an object cached in this session.
    record = session.get(ReportRecord, report_id, populate_existing=True)
    if record is None:
        raise StorageError("报告不存在（可能已被其他人删除）。")
    return record


def _locked(session: Session, report_id: int, expected_version: int) -> ReportRecord:
    record = _record(session, report_id)
    if record.version != expected_version:
        raise StaleReportError()
    return record


def _flush_versioned(session: Session) -> None:
    # The UPDATE carries `WHERE version = <read version>`: a writer who committed since our read makes it
    # match no row, and SQLAlchemy raises StaleDataError.
    try:
        session.flush()
    except StaleDataError:
        raise StaleReportError() from None


def _bump(
    session: Session, record: ReportRecord, what: str, old: str | None, new: str | None, reason: str | None
) -> int:
    record.updated_at = utc_now()
    _flush_versioned(session)
    _log(session, record, what, old, new, reason)
    return record.version


def _log(
    session: Session, record: ReportRecord, what: str, old: str | None, new: str | None, reason: str | None
) -> None:
    session.add(
        Revision(
            report_id=record.id,
            agency=record.agency.name,
            year=record.year,
            what=what,
            old_value=old,
            new_value=new,
            reason=reason,
            version=record.version,
        )
    )


def _meta_value(name: MetaField, value: str | int | Decimal | date | None) -> str | int | date | None:
    if value is None:
        return None
    if name in ("title", "signed_by") and isinstance(value, str):
        what = "标题" if name == "title" else "署名机关"
        _check_length(what, value)
        _check_nul(what, value)
        return value
    if name == "signed_on" and isinstance(value, date):
        return value
    if name == "fee_notices" and isinstance(value, int) and not isinstance(value, bool):
        if value < 0:
            raise StorageError("收费通知件数不能为负数")
        return value
    if name == "fee_amount_yuan" and isinstance(value, Decimal | int) and not isinstance(value, bool):
        return _yuan_text(value)
    raise TypeError(f"{name} cannot hold {value!r}")


def _yuan_text(value: int | Decimal) -> str:
    try:
        return to_text(check_yuan(value))
    except ValueParseError as exc:
        raise StorageError(f"信息处理费：{exc}") from None


def _shown(value: object) -> str | None:
    if value is None:
        return None
    return value.isoformat() if isinstance(value, date) else str(value)
