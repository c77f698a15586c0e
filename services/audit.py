"""批量审核: every report file in some folders read and checked, one row per file, for a 政务公开 office that
reviews the reports of many units (or a year's published reports) at once.

A file that cannot be read is a row like any other (无法读取 and why): one bad file never stops the run. The
rows keep counts and Chinese messages only, not the reports, so a run over thousands of files stays small.
"""

from __future__ import annotations

import logging
import os
import zipfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from services.checks import REQUIRED, Finding, check_report
from services.documents import ReadReport, read_document
from services.errors import NianbaoError
from services.rule_names import rule_name

log = logging.getLogger(__name__)

KINDS = {
    ".html": "网页",
    ".htm": "网页",
    ".txt": "文本",
    ".pdf": "PDF",
    ".docx": "Word",
    ".json": "报送数据包",
    ".xlsx": "Excel 模板",
}
"""The files a folder is searched for, and what each is called in the results."""

Status = Literal["已读取", "部分读取", "无法读取"]
NOT_ERRORS_OF_THE_TABLES = {REQUIRED, "VALUE_MISSING"}
"""Errors left out of the count of errors: what is missing (a signature, a date, a section) rather than wrong —
a published page often has them where the reader cannot see them; they are in the list of findings."""
PROBLEMS_SHOWN = 3

Progress = Callable[[int, int, "AuditRow"], None]
"""Called after each file: files done, files in all, and the file's row (its `.path`, its outcome)."""


@dataclass(frozen=True)
class AuditFinding:
    rule: str
    """The rule as a clerk names it (表三勾稽关系, 成文日期 …), never its code."""
    severity: str
    """错误 or 提示."""
    message: str
    missing: bool = False
    """An error about what is missing (NOT_ERRORS_OF_THE_TABLES), not counted among the errors."""


@dataclass(frozen=True)
class AuditRow:
    path: Path
    file: str
    """The path as shown: relative to the folder audited."""
    kind: str
    status: Status
    reason: str = ""
    """Why a file could not be read (无法读取)."""
    reason_details: tuple[str, ...] = ()
    """The reader's every problem with an unreadable file."""
    agency: str = ""
    year: int | None = None
    format_id: str = ""
    errors: int = 0
    """Error findings other than what is missing (NOT_ERRORS_OF_THE_TABLES): the tables' identities, bad values,
    a format of the wrong year."""
    warnings: int = 0
    cells: int = 0
    """Table cells of the report's format."""
    unread: int = 0
    """Table cells the file did not give (not understood, or left blank)."""
    findings: tuple[AuditFinding, ...] = ()
    not_understood: tuple[str, ...] = ()
    notices: tuple[str, ...] = ()

    @property
    def read_share(self) -> float | None:
        """The share of the format's table cells read, in whole percent rounded down (a table with one cell
        missing never shows 100%); None when the file was not read."""
        return (100 * (self.cells - self.unread) // self.cells) / 100 if self.cells else None

    def share_text(self) -> str:
        share = self.read_share
        return "" if share is None else f"{share:.0%}"

    def problems(self, limit: int = PROBLEMS_SHOWN) -> list[str]:
        """What the office should look at first, in that order: why unread, wrong tables, what the reader
        could not place, what is missing, the warnings."""
        if self.status == "无法读取":
            return [self.reason]
        table_errors = [f for f in self.findings if f.severity == "错误" and not f.missing]
        missing = [f for f in self.findings if f.severity == "错误" and f.missing]
        lines = [f"{f.rule}：{f.message}" for f in table_errors]
        if self.unread:
            lines.append(f"表格有 {self.unread} 个单元格未取得（未识别或空白）")
        if self.not_understood:
            lines.append(f"{len(self.not_understood)} 处内容未能识别")
        lines += [f.message for f in missing]
        lines += [f"{f.rule}：{f.message}" for f in self.findings if f.severity != "错误"]
        if len(lines) > limit:
            return [*lines[:limit], f"……共 {len(lines)} 条，见审核明细"]
        return lines


@dataclass(frozen=True)
class AuditResult:
    rows: tuple[AuditRow, ...]
    total: int
    """Files found; more than len(rows) when the run was cancelled."""
    cancelled: bool = False
    roots: tuple[Path, ...] = field(default=())

    def count(self, status: Status) -> int:
        return sum(1 for row in self.rows if row.status == status)

    @property
    def with_errors(self) -> int:
        return sum(1 for row in self.rows if row.errors)

    def summary(self) -> str:
        done = f"审核 {len(self.rows)} 个文件" + (f"（共 {self.total} 个，已取消）" if self.cancelled else "")
        return (
            f"{done}：已读取 {self.count('已读取')}，部分读取 {self.count('部分读取')}，"
            f"无法读取 {self.count('无法读取')}；表格有错误的 {self.with_errors} 个。"
        )


class NothingToAuditError(NianbaoError):
    """No input path exists, or the folders hold no report file."""


AUDIT_MARK = "nianbao-audit"
"""Written into every audit summary (.xlsx subject, .html generator) so that a folder audited again, with the
last summary saved in it, does not list that summary as a report it cannot read."""


def _skipped(name: str) -> bool:
    # hidden files, Office's lock files (~$x.docx), editors' temporary copies (x.txt~, ~x.tmp)
    return name.startswith((".", "~")) or name.endswith("~")


def _audit_summary(path: Path) -> bool:
    """An audit summary this program wrote (found by its mark, never by its name)."""
    try:
        if path.suffix.lower() in (".html", ".htm"):
            with path.open("rb") as fh:
                return AUDIT_MARK.encode() in fh.read(4096)
        if path.suffix.lower() == ".xlsx":
            with zipfile.ZipFile(path) as book:
                return AUDIT_MARK.encode() in book.read("docProps/core.xml")
    except (OSError, KeyError, zipfile.BadZipFile):
        return False  # the reader will say what is wrong with it
    return False


def find_report_files(inputs: Sequence[Path], exclude: Iterable[Path] = ()) -> list[tuple[Path, str]]:
    """Every report file under the inputs, as (path, label relative to the inputs' common folder), in order.

    A folder is searched recursively for KINDS, hidden folders and hidden or temporary files left out; a file
    named itself is audited whatever its kind (the row will say if it is not a report). `exclude` (the output
    file) is never audited. Raises NothingToAuditError when an input does not exist or nothing is found."""
    absent = [str(p) for p in inputs if not p.exists()]
    if absent:
        raise NothingToAuditError(f"找不到：{'、'.join(absent)}")
    skip = {p.resolve() for p in exclude}
    folders = [p if p.is_dir() else p.parent for p in inputs]
    base = Path(os.path.commonpath([str(p.resolve()) for p in folders])) if folders else Path()
    found: list[tuple[Path, str]] = []
    seen: set[Path] = set()

    def add(path: Path) -> None:
        resolved = path.resolve()
        if resolved in seen or resolved in skip:
            return
        seen.add(resolved)
        try:
            label = resolved.relative_to(base).as_posix()
        except ValueError:  # a symbolic link out of the folders
            label = str(path)
        found.append((path, label))

    for given in inputs:
        if not given.is_dir():
            add(given)
            continue
        for folder, dirs, files in os.walk(given):
            dirs[:] = sorted(d for d in dirs if not d.startswith("."))
            for name in sorted(files):
                path = Path(folder) / name
                if not _skipped(name) and path.suffix.lower() in KINDS and not _audit_summary(path):
                    add(path)
    if not found:
        raise NothingToAuditError(
            f"{'、'.join(str(p) for p in inputs)} 中没有报告文件（{'、'.join(sorted(set(KINDS)))}）。"
        )
    return found


def _severity(finding: Finding) -> str:
    return "错误" if finding.severity == "error" else "提示"


def _row_of(path: Path, label: str, read: ReadReport) -> AuditRow:
    report = read.report
    fmt = report.format
    findings = check_report(report)
    keys = [spec.key for table in fmt.tables for spec in table.cells]
    unread = sum(1 for key in keys if key not in report.cells)
    partly = bool(unread or read.not_understood)
    return AuditRow(
        path=path,
        file=label,
        kind=_kind(path),
        status="部分读取" if partly else "已读取",
        agency=report.agency,
        year=report.year,
        format_id=report.format_id,
        errors=sum(1 for f in findings if f.severity == "error" and f.rule not in NOT_ERRORS_OF_THE_TABLES),
        warnings=sum(1 for f in findings if f.severity == "warning"),
        cells=len(keys),
        unread=unread,
        findings=tuple(
            AuditFinding(rule_name(f.rule, fmt), _severity(f), f.message, f.rule in NOT_ERRORS_OF_THE_TABLES)
            for f in findings
        ),
        not_understood=read.not_understood,
        notices=read.notices,
    )


def _kind(path: Path) -> str:
    return KINDS.get(path.suffix.lower(), path.suffix or "无扩展名")


def audit_file(path: Path, label: str | None = None) -> AuditRow:
    """One file read and checked; never raises for the file's sake: a failure is the row's status."""
    label = label or path.name
    try:
        return _row_of(path, label, read_document(path))
    except NianbaoError as exc:
        reason = exc.message
        if exc.problems:
            more = f"等 {len(exc.problems)} 处" if len(exc.problems) > 1 else ""
            reason += f"（{exc.problems[0]}{more}）"
        return AuditRow(path, label, _kind(path), "无法读取", reason, tuple(exc.problems))
    except Exception as exc:  # a bug in a reader must not stop the other files: logged, shown as the row's reason
        log.exception("批量审核：读取 %s 时程序出错", path)
        return AuditRow(
            path, label, _kind(path), "无法读取", reason=f"程序内部错误（{type(exc).__name__}），已记入日志"
        )


def audit_files(
    files: Sequence[tuple[Path, str]],
    progress: Progress | None = None,
    cancelled: Callable[[], bool] | None = None,
    roots: Sequence[Path] = (),
) -> AuditResult:
    """Audit the files found by find_report_files, one row each in order; `cancelled` is asked before each
    file and ends the run with the rows so far."""
    rows: list[AuditRow] = []
    for path, label in files:
        if cancelled is not None and cancelled():
            return AuditResult(tuple(rows), len(files), True, tuple(roots))
        rows.append(audit_file(path, label))
        if progress is not None:
            progress(len(rows), len(files), rows[-1])
    return AuditResult(tuple(rows), len(files), False, tuple(roots))


def audit_paths(
    inputs: Sequence[Path],
    progress: Progress | None = None,
    cancelled: Callable[[], bool] | None = None,
    exclude: Iterable[Path] = (),
) -> AuditResult:
    """Audit every report file under `inputs` (find_report_files, then audit_files)."""
    return audit_files(find_report_files(inputs, exclude), progress, cancelled, inputs)
