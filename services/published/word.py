"""A report published as a Word file (.docx) → the same paragraphs and tables (`Grid`) as the web-page reader.

The body's paragraphs and tables are read in document order (python-docx lists them apart, so the body's XML
children are walked), a paragraph Word numbers itself with its number (`word_numbering`). A table's merged
cells are placed as HTML's spans are: the text at the top-left position, the positions a horizontal span
(gridSpan) or a vertical one (vMerge continue) covers in `covered`, so a real empty cell stays a blank at its
place. The zip is checked before python-docx inflates it.
"""

from __future__ import annotations

import io
import logging
import re
import zipfile

from docx import Document
from docx.oxml.table import CT_Tbl, CT_Tc
from docx.oxml.text.paragraph import CT_P
from docx.oxml.xmlchemy import BaseOxmlElement

from services.published.matching import Grid, Item, PublishedReportError
from services.published.word_numbering import Numbering

log = logging.getLogger(__name__)

MAX_DOCX_BYTES = 20 * 1024 * 1024
_MAX_UNCOMPRESSED = 100 * 1024 * 1024
"""A report's document.xml is a few hundred kilobytes; more, declared in the zip's directory, is a bomb."""
_MAX_WIDTH = 64
"""Grid columns a table may have (a report's widest has 18): a hostile span cannot make the grid huge."""
_MAX_CELL = 300
"""A longer cell is prose: a table that only lays out the page, read as text."""
_MAX_TITLE = 80
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_CJK_SPACE = re.compile(r"(?<=[^\x00-\x7f])\s+(?=[^\x00-\x7f])")


def read_docx(data: bytes) -> tuple[list[Item], str | None]:
    """The paragraphs and data tables of a .docx in order, and the title its properties give (or None)."""
    _check_archive(data)
    try:
        document = Document(io.BytesIO(data))
        items = _body_items(document.element.body, Numbering(document))
        title = (document.core_properties.title or "").strip() or None
    except PublishedReportError:
        raise
    except Exception as exc:  # a damaged file can fail anywhere inside python-docx/lxml; this is input, not a bug
        log.info("docx unreadable: %r", exc)
        raise PublishedReportError("Word 文件已损坏或格式无法识别（不是有效的 .docx），无法读取") from None
    return items, title


def _check_archive(data: bytes) -> None:
    if len(data) > MAX_DOCX_BYTES:
        limit = MAX_DOCX_BYTES // 1024 // 1024
        raise PublishedReportError(
            f"Word 文件过大（{len(data) / 1024 / 1024:.1f} MB，超过 {limit} MB），未导入任何内容"
        )
    if not data.strip():
        raise PublishedReportError("文件是空的，没有可读取的内容")
    if data.startswith(_OLE_MAGIC):
        raise PublishedReportError(
            "这是旧版 Word 文件（.doc）或加密的文档，请在 Word 中去掉密码并另存为 .docx 后再导入"
        )
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError, NotImplementedError, RuntimeError):
        raise PublishedReportError("这不是 Word 文档（.docx），文件可能已损坏或扩展名不对") from None
    if "word/document.xml" not in {m.filename for m in members}:
        raise PublishedReportError("压缩包中没有 Word 正文（word/document.xml），不是 .docx 文件")
    if sum(m.file_size for m in members) > _MAX_UNCOMPRESSED:
        raise PublishedReportError("Word 文件解压后的内容过大，可能是恶意构造的文件，未导入任何内容")


def _body_items(body: BaseOxmlElement, numbering: Numbering) -> list[Item]:
    items: list[Item] = []
    for child in body.iterchildren():
        if isinstance(child, CT_P):
            items.extend(_paragraph_items(numbering.prefix(child) + child.text))
        elif isinstance(child, CT_Tbl):
            grid = _grid(child)
            if grid is not None:
                items.append(grid)
            else:  # a layout table: its cells hold the text (and perhaps the data tables)
                for tr in child.tr_lst:
                    for tc in tr.tc_lst:
                        items.extend(_body_items(tc, numbering))
        elif child.tag.endswith("}sdt"):  # a content control wraps paragraphs and tables alike
            content = child.find("{*}sdtContent")
            if content is not None:
                items.extend(_body_items(content, numbering))
    return items


def _paragraph_items(text: str) -> list[str]:
    """A paragraph's text; one broken by hand into short lines without a sentence (a title: the agency, then
    the year) is one line again, a longer one is as many paragraphs as lines."""
    lines = [line.strip(" \t\u3000") for line in text.split("\n")]
    lines = [line for line in lines if line]
    joined = "".join(lines)
    if len(lines) > 1 and len(joined) <= _MAX_TITLE and not re.search(r"[。；;！？]", joined):
        return [joined]
    return lines


def _cell_text(tc: CT_Tc) -> str:
    """A cell's paragraphs joined without a space (a label wrapped by hand: 商业\\n企业)."""
    text = "".join(p.text for p in tc.p_lst)
    return _CJK_SPACE.sub("", text.replace("\n", "")).strip()


def _grid(tbl: CT_Tbl) -> Grid | None:
    """The table on its layout grid, or None for a layout table (one column, one row, or prose in a cell)."""
    placed: dict[tuple[int, int], str] = {}
    rows = tbl.tr_lst
    width = 0
    for r, tr in enumerate(rows):
        c = tr.grid_before
        for tc in tr.tc_lst:
            span = max(1, min(tc.grid_span, _MAX_WIDTH - c))
            if c >= _MAX_WIDTH:
                break
            if tc.vMerge != "continue":  # the rest of a vertical span is covered, like a span's other columns
                placed[(r, c)] = _cell_text(tc)
            c += span
            width = max(width, c)
    covered = frozenset((r, c) for r in range(len(rows)) for c in range(width) if (r, c) not in placed)
    grid = Grid(tuple(tuple(placed.get((r, c), "") for c in range(width)) for r in range(len(rows))), covered)
    texts = [text for text in placed.values() if text]
    if width < 2 or len(rows) < 2 or len(texts) < 2 or any(len(text) > _MAX_CELL for text in texts):
        return None
    return grid
