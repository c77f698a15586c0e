"""A report as plain text (copied from a website or saved as .txt) → paragraphs and tables.

Published pages copy out with every table cell on its own tab-indented line and a blank line after each table
row (see ../shared/samples/guiyang-rfb-2020.txt); a line with tabs inside is a row of cells on one line.
Every other non-empty line is a paragraph.
"""

from __future__ import annotations

import re

from services.published.matching import MAX_BYTES, Grid, Item, PublishedReportError

_PAGE_NUMBER = re.compile(
    r"^\s*(?:[-—–－]\s*\d{1,3}\s*[-—–－]|第\s*\d{1,3}\s*页(?:\s*[，,/]?\s*共\s*\d{1,3}\s*页)?)\s*$"
)
"""A page's number as a PDF prints it (- 5 -, —5—, 第5页 共6页): not a paragraph of the report."""
_WRAPPED_MIN = 25
"""A line at least this long that ends without a sentence's end was wrapped by the page, not ended."""
_ENDS = tuple("。！？!?；;：:”」）)")
_STARTS_A_PART = re.compile(
    r"^\s*(?:[一二三四五六七八九十]+\s*、|[（(]\s*[一二三四五六七八九十\d]+\s*[)）]|\d+\s*[.．、])"
)

_CONTROL_SHARE = 0.01


def decode_text(data: bytes) -> str:
    """UTF-8 (with or without BOM), UTF-16 with its BOM (Notepad's "Unicode"), or GB18030; binary data is refused
    with a PublishedReportError."""
    if len(data) > MAX_BYTES:
        raise PublishedReportError(too_large(len(data)))
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):  # UTF-16 is full of NUL bytes: its BOM says what it is
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError:
            raise PublishedReportError("文件以 UTF-16 标记开头，但内容不是有效的 UTF-16 文本") from None
        check_text(text)
        return text
    if b"\x00" in data[:65536]:
        raise PublishedReportError("这不是文本文件（含有二进制数据），无法作为年度报告读取")
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        check_text(text)
        return text
    raise PublishedReportError("无法识别文件编码：既不是 UTF-8 也不是 GB18030（GBK）")


def too_large(size: int) -> str:
    limit = MAX_BYTES // 1024 // 1024
    return f"文件过大（{size / 1024 / 1024:.1f} MB，年度报告网页或文本不超过 {limit} MB），未导入任何内容"


def check_text(text: str) -> None:
    """Refuse text that is too long or is mostly control characters (a binary file read as text)."""
    if len(text) > MAX_BYTES:
        raise PublishedReportError(too_large(len(text.encode("utf-8", "replace"))))
    sample = text[:65536]
    control = sum(1 for c in sample if (ord(c) < 32 and c not in "\t\n\r\f") or c == "\ufffd")
    if "\x00" in sample or (sample and control / len(sample) > _CONTROL_SHARE):
        raise PublishedReportError("这不是文本文件（含有大量控制字符或乱码），无法作为年度报告读取")


_PIPE_ROW = re.compile(r"^\s*\|.*\|\s*$")
"""A table row as some portals and converters write it: | 自然人 | 5 | | 3 |."""
_PIPE_RULE = re.compile(r"^\s*\|[\s:|\-—]*\|\s*$")
"""|---|---|: the line under a header, no row of the table."""


def _is_table_line(line: str) -> bool:
    if _PIPE_ROW.match(line):
        return True
    if not ("\t" in line.strip() or line.startswith("\t")):
        return False
    # An indented sentence is a paragraph, not a table cell.
    return not ("。" in line and "\t" not in line.strip() and len(line.strip()) > 40)


def text_items(text: str) -> list[Item]:
    """The paragraphs and tables of a plain-text report, in order."""
    items: list[Item] = []
    rows: list[tuple[str, ...]] = []
    group: list[str] = []

    def end_row() -> None:
        if not group:
            return
        if all(_PIPE_ROW.match(line) for line in group):
            # each line a whole row; empty cells are padding (a span's) as often as blanks, so not placed
            rows.extend(
                tuple(c.strip() for c in line.strip()[1:-1].split("|")) for line in group if not _PIPE_RULE.match(line)
            )
        elif any("\t" in line.strip() for line in group):
            rows.extend(tuple(c.strip() for c in line.strip("\r\n").removeprefix("\t").split("\t")) for line in group)
        else:
            rows.append(tuple(line.strip() for line in group))
        group.clear()

    def end_table() -> None:
        end_row()
        if rows:
            items.append(Grid(tuple(rows)))
            rows.clear()

    wrapped = False
    for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        if _PAGE_NUMBER.match(line):
            continue
        if _is_table_line(line):
            group.append(line)
            wrapped = False
        elif not line.strip():
            end_row()
            wrapped = False
        else:
            end_table()
            text_line = line.strip()
            if wrapped and items and isinstance(items[-1], str) and not _STARTS_A_PART.match(text_line):
                items[-1] += text_line  # the rest of a paragraph the page wrapped (a PDF's text)
            else:
                items.append(text_line)
            # a paragraph's line has commas; a title or a heading, however long, has none
            wrapped = len(text_line) >= _WRAPPED_MIN and not text_line.endswith(_ENDS) and "，" in text_line
    end_table()
    return items
