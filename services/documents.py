"""Reading and writing a report file by its kind (the file name's suffix), for the CLI and the app alike."""

from __future__ import annotations

from pathlib import Path

from services.errors import NotAvailableError
from services.files import write_atomically
from services.report import Report

_LATER = {
    ".xlsx": "Excel 文件",
    ".html": "网页（HTML）",
    ".htm": "网页（HTML）",
    ".txt": "文本文件",
    ".docx": "Word 文件",
}


def _not_yet(path: Path, verb: str) -> NotAvailableError:
    what = _LATER.get(path.suffix.lower())
    kinds = ".json 报送数据包" + ("或 .pdf" if verb == "导出" else "")
    if what is None:
        return NotAvailableError(f"无法{verb}“{path.name}”：不认识的文件类型“{path.suffix or '无扩展名'}”，"
                                 f"请使用 {kinds}。")
    return NotAvailableError(f"{verb}{what}将在后续版本提供，当前版本支持 {kinds}。")


def read_report_file(path: Path) -> Report:
    """Read an exchange file (later also .xlsx, .html, .txt); raises a NianbaoError the clerk can read."""
    if path.suffix.lower() != ".json":
        raise _not_yet(path, "读取")
    from services.exchange import read_exchange

    return read_exchange(path)


def write_report_file(report: Report, path: Path) -> None:
    """Write a report in the kind its file name asks for; nothing is left half-written on failure."""
    suffix = path.suffix.lower()
    if suffix == ".json":
        from services.exchange import write_exchange

        write_exchange(report, path)
    elif suffix == ".pdf":
        from services.pdf.render import render_report

        write_atomically(path, render_report(report))
    else:
        raise _not_yet(path, "导出")
