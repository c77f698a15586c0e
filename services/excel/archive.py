"""Looking at an .xlsx as a zip before openpyxl does: a file from outside is refused while it is still cheap.

openpyxl trusts the zip directory and inflates every part in memory, so size, macros and bombs are
checked here from the directory alone (zipfile never inflates a member beyond its declared size, so the
declared sizes bound the work that follows).
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from services.errors import describe_os_error
from services.excel.sheet_map import ExcelError

MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_UNCOMPRESSED_BYTES = 200 * 1024 * 1024
MAX_RATIO = 100
RATIO_FLOOR_BYTES = 8 * 1024 * 1024
"""Parts up to 8 MB may compress any amount: the program's own workbook of a report whose every text is at the
limit (services.report.MAX_TEXT_CHARS, repetitive text compresses 1,000-fold) stays below it, so what it writes
it reads back; above it the ratio limit catches bombs."""
MAX_MEMBERS = 10_000
MACRO_SUFFIXES = (".xlsm", ".xltm", ".xlam")
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def _refuse(source: str, reason: str) -> ExcelError:
    return ExcelError(f"文件 {source} 无法导入：{reason}，未导入任何内容")


def read_checked(path: Path) -> bytes:
    """The bytes of a file that may be an .xlsx (not a macro workbook, not too large); `check_archive` next."""
    path = Path(path)
    source = str(path)
    if path.suffix.lower() in MACRO_SUFFIXES:
        raise _refuse(source, "这是启用宏的工作簿，出于安全原因不予读取，请另存为不含宏的 .xlsx")
    limit = f"{MAX_FILE_BYTES // (1024 * 1024)} MB"
    try:
        with path.open("rb") as fh:
            data = fh.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise ExcelError(f"无法读取文件 {path}：{describe_os_error(exc)}") from None
    if len(data) > MAX_FILE_BYTES:
        raise _refuse(source, f"文件过大（年报 Excel 文件不超过 {limit}）")
    return data


def check_archive(data: bytes, source: str) -> None:
    """Refuse what is not a plain .xlsx: not a zip, old .xls, macros, no workbook, zip bombs."""
    if data.startswith(_OLE_MAGIC):
        raise _refuse(source, "这是旧版 Excel（.xls）或加密的工作簿，请在 Excel 中取消密码并另存为 .xlsx")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError, NotImplementedError, RuntimeError):
        # NotImplementedError: a member needing a newer zip version or method; RuntimeError: an encrypted one
        raise _refuse(source, "不是 Excel 工作簿（.xlsx），文件可能已损坏或是其他类型的文件") from None
    if len(members) > MAX_MEMBERS:
        raise _refuse(source, f"压缩包内的文件过多（{len(members)} 个），不是正常的 Excel 工作簿")
    names = {m.filename.lower() for m in members}
    if any(name.endswith("vbaproject.bin") for name in names):
        raise _refuse(source, "这是含有宏（VBA）的工作簿，出于安全原因不予读取，请另存为不含宏的 .xlsx")
    if "xl/workbook.xml" not in names or "[content_types].xml" not in names:
        raise _refuse(source, "压缩包中没有 Excel 工作簿（缺少 xl/workbook.xml），不是 Excel 文件")
    total = sum(m.file_size for m in members)
    if total > MAX_UNCOMPRESSED_BYTES:
        size = f"{total / 1024 / 1024:.0f} MB"
        raise _refuse(
            source,
            f"解压后的内容过大（{size}，超过 {MAX_UNCOMPRESSED_BYTES // 1024 // 1024} MB），可能是恶意构造的文件",
        )
    for member in members:
        ratio = member.file_size / max(member.compress_size, 1)
        if member.file_size > RATIO_FLOOR_BYTES and ratio > MAX_RATIO:
            raise _refuse(source, f"其中的 {member.filename} 压缩比异常（{ratio:.0f} 倍），可能是恶意构造的文件")
