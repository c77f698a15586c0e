"""A report published as a PDF → the same paragraphs and tables (`Grid`) as the web-page reader gives.

Only the PDF's text layer is read (pdfplumber): the ruled tables as grids (`pdf_tables`), the text around them
as paragraphs (`pdf_lines`). A file that is not a PDF, is encrypted or damaged, or has no text (a scan, which
would need OCR) is refused whole with a Chinese message; size, pages and time are bounded so that no file
makes the import hang.
"""

from __future__ import annotations

import io
import logging
import statistics
import time
from typing import Any

import pdfplumber
from pdfplumber.page import Page
from pdfplumber.pdf import PDF

from services.published.matching import Item, PublishedReportError
from services.published.pdf_lines import Layout, Line, drop_furniture, lead_width, line_text, paragraphs, take_title
from services.published.pdf_tables import PdfTable, continues, join, page_tables

log = logging.getLogger(__name__)

MAX_PDF_BYTES = 50 * 1024 * 1024
"""A report's PDF is well under a few megabytes; a scan with images may be more, but is refused anyway."""
MAX_PAGES = 60
"""A report runs to 5–20 pages; a longer PDF is some other document (or a collection), not read."""
TIME_BUDGET = 60.0
"""Seconds of reading, checked page by page: a hostile or pathological file is refused, never a hang."""
EMPTY_MARK = "【未填写】"
"""What services.pdf.render prints for an empty text in a draft (not imported from there: ReportLab is slow to
load): our own draft's placeholder, not the report's text."""
_WATERMARK_SCALE = 3.0
"""Characters this many times larger than the page's usual size are a watermark (草稿), not the text."""


def read_pdf(data: bytes) -> tuple[list[Item], str | None]:
    """The paragraphs and tables of a PDF, in reading order, and its title (the large lines opening it)."""
    if len(data) > MAX_PDF_BYTES:
        limit = MAX_PDF_BYTES // 1024 // 1024
        raise PublishedReportError(f"PDF 文件过大（{len(data) / 1024 / 1024:.1f} MB，超过 {limit} MB），未导入任何内容")
    if not data.strip():
        raise PublishedReportError("文件是空的，没有可读取的内容")
    if b"%PDF-" not in data[:1024]:
        raise PublishedReportError("这不是 PDF 文件（文件开头没有 PDF 标记），可能文件已损坏或扩展名不对")
    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            return _read(pdf)
    except PublishedReportError:
        raise
    except Exception as exc:  # a damaged file can fail anywhere inside pdfminer; this is input, not a bug
        if _encrypted(exc):
            raise PublishedReportError("这个 PDF 文件已加密（需要密码才能打开），请先解除加密后再导入") from None
        log.info("PDF unreadable: %r", exc)
        raise PublishedReportError("PDF 文件已损坏或格式无法识别，无法读取") from None


def _encrypted(exc: BaseException) -> bool:
    """pdfminer's PDFPasswordIncorrect or PDFEncryptionError, as pdfplumber wraps it (in args or as cause)."""
    seen: BaseException | None = exc
    for _ in range(10):
        if seen is None:
            return False
        if "Password" in type(seen).__name__ or "Encrypt" in type(seen).__name__:
            return True
        seen = seen.args[0] if seen.args and isinstance(seen.args[0], BaseException) else seen.__cause__
    return False


def _read(pdf: PDF) -> tuple[list[Item], str | None]:
    pages = pdf.pages
    if len(pages) > MAX_PAGES:
        raise PublishedReportError(f"PDF 有 {len(pages)} 页，年度报告不会超过 {MAX_PAGES} 页，未导入任何内容")
    started = time.monotonic()
    lines: list[Line] = []
    tables: list[PdfTable] = []
    images = 0
    for number, page in enumerate(pages, 1):
        if time.monotonic() - started > TIME_BUDGET:
            raise PublishedReportError(f"PDF 内容过于复杂，读到第 {number} 页时超时，未导入任何内容")
        text_page = _without_watermark(page)
        images += len(page.images)
        found = page_tables(text_page, number)
        tables.extend(found)
        lines.extend(_lines(text_page, number, found))
        page.close()  # its parsed objects are read: a long file does not keep every page in memory
    if not any(line.text.strip() for line in lines) and not tables:
        if images:
            raise PublishedReportError(
                "这个 PDF 只有图片、没有文字（是扫描件），需要先做文字识别（OCR）；本程序不支持读取扫描件"
            )
        raise PublishedReportError("这个 PDF 中没有可读取的文字，未导入任何内容")
    return _items(drop_furniture(lines), tables)


def _without_watermark(page: Page) -> Page:
    sizes = [c["size"] for c in page.chars if c["text"].strip()]
    if not sizes:
        return page
    limit = statistics.median(sizes) * _WATERMARK_SCALE

    def keep(obj: dict[str, Any]) -> bool:
        return obj.get("object_type") != "char" or obj["size"] <= limit

    return page.filter(keep)


def _lines(page: Page, number: int, tables: list[PdfTable]) -> list[Line]:
    """The page's text lines outside its data tables."""
    bboxes = [(t.lefts[0], t.top, t.right, t.bottom) for t in tables]

    def outside(obj: dict[str, Any]) -> bool:
        if obj.get("object_type") != "char":
            return True
        x, y = (obj["x0"] + obj["x1"]) / 2, (obj["top"] + obj["bottom"]) / 2
        return not any(x0 <= x <= x1 and top <= y <= bottom for x0, top, x1, bottom in bboxes)

    found = page.filter(outside).extract_text_lines(return_chars=True)
    return [
        Line(
            text,
            number,
            line["x0"],
            line["x1"],
            line["top"],
            float(line["chars"][0]["size"]),
            lead_width(line["chars"]),
        )
        for line in found
        if (text := line_text(line["chars"])) and not text.startswith(EMPTY_MARK)
    ]


def _items(lines: list[Line], tables: list[PdfTable]) -> tuple[list[Item], str | None]:
    """Lines and tables in reading order; a table opening a page joined to the one closing the page before
    when nothing stands between them; runs of lines between tables made paragraphs."""
    title, lines = take_title(lines)
    layout = Layout.of(lines)
    flow: list[Line | PdfTable] = sorted([*lines, *tables], key=lambda e: (e.page, e.top))
    items: list[Item] = [title] if title else []
    run: list[Line] = []
    last: PdfTable | None = None
    for entry in flow:
        if isinstance(entry, Line):
            run.append(entry)
            last = None
            continue
        if last is not None and not run and continues(last, entry):
            merged = join(last, entry)
            items[-1] = merged.grid()
            last = merged
            continue
        items.extend(paragraphs(run, layout))
        run = []
        items.append(entry.grid())
        last = entry
    items.extend(paragraphs(run, layout))
    return items, title
