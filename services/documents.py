"""Reading and writing a report file by its kind (the file name's suffix), for the CLI and the app alike."""

from __future__ import annotations

from pathlib import Path

from services.errors import NianbaoError, NotAvailableError, describe_os_error
from services.report import Report

_LATER = {
    ".xlsx": "Excel 文件",
    ".html": "网页（HTML）",
    ".htm": "网页（HTML）",
    ".txt": "文本文件",
    ".pdf": "PDF 文件",
    ".docx": "Word 文件",
}


def _not_yet(path: Path, verb: str) -> NotAvailableError:
    what = _LATER.get(path.suffix.lower())
    if what is None:
        return NotAvailableError(f"无法{verb}“{path.name}”：不认识的文件类型“{path.suffix or '无扩展名'}”，"
                                 "请使用 .json 报送数据包。")
    return NotAvailableError(f"{verb}{what}将在后续版本提供，当前版本只支持 .json 报送数据包。")


def read_report_file(path: Path) -> Report:
    """Read an exchange file (later also .xlsx, .html, .txt); raises a NianbaoError the clerk can read."""
    if path.suffix.lower() != ".json":
        raise _not_yet(path, "读取")
    from services.exchange import read_exchange

    return read_exchange(path)


def write_report_file(report: Report, path: Path) -> None:
    """Write a report in the kind its file name asks for; nothing is left half-written on failure."""
    if path.suffix.lower() != ".json":
        raise _not_yet(path, "导出")
    from services.exchange import write_exchange

    try:
        write_exchange(report, path)
    except OSError as exc:
        raise NianbaoError(f"无法写入“{path}”：{describe_os_error(exc)}") from None
