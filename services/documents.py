"""Reading and writing a report file by its kind (the file name's suffix), for the CLI and the app alike."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from services.errors import NotAvailableError
from services.files import refuse_database_target, require_regular_file, write_atomically
from services.report import Report

READABLE = (".json", ".xlsx", ".html", ".htm", ".txt", ".pdf", ".docx")
WRITABLE = (".json", ".xlsx", ".pdf", ".ofd", ".docx", ".html", ".htm")


@dataclass(frozen=True)
class ReadReport:
    report: Report
    filled: tuple[str, ...] = ()
    """For a published report read from a web page or text: what was understood and placed."""
    not_understood: tuple[str, ...] = ()
    """…and what could not be placed, for the clerk to check by hand."""
    notices: tuple[str, ...] = ()
    """What the reader put right and the clerk should know (an Excel total typed over, recomputed)."""


def _unknown(path: Path, kinds: tuple[str, ...], verb: str) -> NotAvailableError:
    return NotAvailableError(
        f"无法{verb}“{path.name}”：不认识的文件类型“{path.suffix or '无扩展名'}”，支持 {'、'.join(kinds)}。"
    )


def read_document(path: Path, agency: str | None = None) -> ReadReport:
    """Read a report from an exchange file, the project's Excel template, or a published report (.html, .txt,
    .pdf, .docx) as a draft (`agency` names it when the page does not); raises a NianbaoError the clerk can read."""
    require_regular_file(path)
    suffix = path.suffix.lower()
    if suffix == ".json":
        from services.exchange import read_exchange

        return ReadReport(read_exchange(path))
    if suffix == ".xlsx":
        from services.excel import read_excel

        read = read_excel(path)
        return ReadReport(read.report, notices=read.notices)
    if suffix in (".html", ".htm", ".txt", ".pdf", ".docx"):
        from services.published import PublishedReportError, import_published

        imported = import_published(path, agency)
        report = imported.report
        if not report.cells and not any(report.texts.get(key) for key in report.format.text_keys()):
            raise PublishedReportError(
                f"“{path.name}”中既没有找到年度报告的表格，也没有找到各部分的文字，未导入任何内容。",
                list(imported.not_understood),
            )
        # texts without tables come in (partial is fine): the tables stay empty, and the notes say so
        return ReadReport(report, imported.filled, imported.not_understood, imported.to_check)
    raise _unknown(path, READABLE, "读取")


def read_report_file(path: Path) -> Report:
    return read_document(path).report


def write_report_file(report: Report, path: Path, database_file: Path | None = None) -> None:
    """Write a report in the kind its file name asks for; nothing is left half-written on failure. The open
    database (`database_file`) is never written over."""
    refuse_database_target(path, database_file)
    suffix = path.suffix.lower()
    if suffix == ".json":
        from services.exchange import write_exchange

        write_exchange(report, path)
    elif suffix == ".xlsx":
        from services.excel import write_report_xlsx

        write_report_xlsx(report, path)
    elif suffix == ".pdf":
        from services.pdf.render import render_report

        write_atomically(path, render_report(report))
    elif suffix == ".ofd":
        from services.ofd import report_ofd

        write_atomically(path, report_ofd(report))
    elif suffix == ".docx":
        from services.portal.docx import write_report_docx

        write_report_docx(report, path)
    elif suffix in (".html", ".htm"):
        from services.portal.html import write_report_html

        write_report_html(report, path)
    else:
        raise _unknown(path, WRITABLE, "导出")
