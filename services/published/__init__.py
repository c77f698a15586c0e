"""Reading a report as published on a website (saved page or plain text) into a draft report.

`text` and `html` turn the input into paragraphs and tables; this module finds the title, the section headings
and the signature, and assembles the draft; `matching` fills the tables and splits the narrative by labels.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from difflib import SequenceMatcher
from pathlib import Path

from services.errors import describe_os_error
from services.formats import ReportFormat, Section, all_formats, format_for_year
from services.names import clean_name
from services.published.flat import crawled_body, scan_table_text, split_run_in
from services.published.html import read_html
from services.published.matching import (
    MAX_BYTES,
    NUMERALS,
    Grid,
    Item,
    Notes,
    PublishedImport,
    PublishedReportError,
    Token,
    classify,
    clause,
    detect_format,
    fill_tables,
    grid_tokens,
    normalise,
    paragraphs,
    similar,
    split_by_subheadings,
    split_problems_improvements,
    take_fees,
)
from services.published.text import check_text, decode_text, text_items, too_large
from services.report import YEAR_RANGE, Report, empty_report, text_too_long

__all__ = [
    "MAX_BYTES",
    "PublishedImport",
    "PublishedReportError",
    "import_published",
    "parse_published_html",
    "parse_published_text",
]

_TITLE = re.compile(r"(?P<agency>.*?)(?P<year>\d{4})\s*年度?\s*政府信息公开(?:工作)?年度报告")
_TITLE_YEAR_FIRST = re.compile(
    r"(?P<year>\d{4})\s*年度?\s*(?P<agency>[^\d\s，。]{2,40}?)\s*政府信息公开(?:工作)?年度报告"
)
"""A title with the year first: 2019年上海市人民政府办公厅政府信息公开工作年度报告."""


def _title_line(item: Item | None) -> bool:
    """A short line that may be a title's first half (an agency's name): no sentence, no number."""
    return isinstance(item, str) and 2 <= len(item.strip()) <= 40 and not re.search(r"[。，；：:\d]", item)


def _title_match(text: str) -> re.Match[str] | None:
    """A report's title, agency first (the standard) or year first; its groups are agency and year."""
    return _TITLE.search(text) or _TITLE_YEAR_FIRST.search(text)


_HEADING = re.compile(rf"^([{NUMERALS}])\s*、\s*(.*)$", re.S)
_CN_DIGITS = {c: i for i, c in enumerate("〇一二三四五六七八九")} | {"零": 0, "○": 0, "O": 0}
_DATE = re.compile(
    r"^(?P<by>.*?)\s*(?P<y>[\d〇○O零一二三四五六七八九]{4})\s*年\s*(?P<m>[\d一二三四五六七八九十]{1,3})"
    r"\s*月\s*(?P<d>[\d一二三四五六七八九十]{1,3})\s*日$"
)


@dataclass
class _Outline:
    title: str | None = None
    preamble: list[str] = field(default_factory=list)
    sections: dict[str, list[Item]] = field(default_factory=dict)
    loose: list[Item] = field(default_factory=list)
    """Items before the title or the first heading that are not sentences (navigation, page furniture)."""


def _cn_number(text: str) -> int:
    if text.isdigit():
        return int(text)
    if len(text) == 4:  # 二〇二一
        return int("".join(str(_CN_DIGITS.get(c, 0)) for c in text))
    if "十" in text:
        tens, _, ones = text.partition("十")
        return _CN_DIGITS.get(tens, 1) * 10 + _CN_DIGITS.get(ones, 0) if tens else 10 + _CN_DIGITS.get(ones, 0)
    return _CN_DIGITS.get(text, 0)


def outline(items: Sequence[Item], fmt: ReportFormat) -> _Outline:
    out = _Outline()
    titles = {s.title[0]: s for s in fmt.sections}
    current: str | None = None
    before: list[Item] = []
    for item in items:
        if isinstance(item, str) and (heading := _heading(item, current, fmt.sections, titles)) is not None:
            key, rest = heading
            current = key
            out.sections.setdefault(key, [])
            if rest:
                out.sections[key].append(rest)
            continue
        if current is None:
            before.append(item)
        else:
            out.sections[current].append(item)
    started = False
    for n, item in enumerate(before):
        if isinstance(item, str) and out.title is None and (match := _title_match(item)) and len(item) < 80:
            out.title, started = item, True
            previous = before[n - 1] if n else None
            if not match.group("agency").strip() and _title_line(previous):
                out.title = f"{previous}{item}"  # a title broken over two lines: the agency, then the year
            out.preamble.clear()
        elif isinstance(item, str) and (started or "。" in item) and ("。" in item or len(item) >= 40):
            out.preamble.append(item)
        else:
            out.loose.append(item)
    return out


def _heading(
    text: str, current: str | None, sections: tuple[Section, ...], titles: dict[str, Section]
) -> tuple[str, str] | None:
    match = _HEADING.match(text)
    if not match or match.group(1) not in titles:
        return None
    section = titles[match.group(1)]
    order = [s.key for s in sections]
    index = order.index(section.key)
    now = order.index(current) if current is not None else -1
    if index <= now:
        return None
    name, rest = clause(match.group(2), 40)
    expected = section.title.split("、", 1)[1]
    if (
        name is not None
        and similar(name, expected)
        and SequenceMatcher(None, normalise(name), normalise(expected)).ratio() >= 0.5
    ):
        return section.key, rest
    in_table = current is not None and sections[now].table is not None
    if name is not None and not rest and index == now + 1 and not in_table and len(name) <= 20:
        return section.key, ""
    return None


def find_signature(section: list[Item]) -> tuple[str | None, date | None]:
    """Take the trailing date (and the signing body above it) off the last section; text after it is page footer."""
    for i in range(len(section) - 1, -1, -1):
        item = section[i]
        if not isinstance(item, str):
            continue
        match = _DATE.match(item.strip())
        if not match or len(match.group("by")) > 40:
            continue
        try:
            day = date(_cn_number(match.group("y")), _cn_number(match.group("m")), _cn_number(match.group("d")))
        except ValueError:
            continue
        by = match.group("by").strip() or None
        del section[i:]
        if by is None and section and isinstance(section[-1], str) and _is_name(section[-1]):
            by = str(section.pop()).strip()
        return by, day
    return None, None


def _is_name(text: str) -> bool:
    return len(text.strip()) <= 40 and not re.search(r"[。，,；;：:！？]", text)


# ---------------------------------------------------------------------------------------------------- report


def _year(title: str | None, texts: Iterable[str], signed_on: date | None) -> tuple[int | None, str]:
    if title and (match := _title_match(title)):
        return int(match.group("year")), "标题"
    body = " ".join(texts)
    period = re.search(r"(\d{4})\s*年\s*1\s*月\s*1\s*日\s*(?:起\s*)?至\s*(?:\d{4}\s*年\s*)?12\s*月\s*31\s*日", body)
    if period:
        return int(period.group(1)), "统计期限"
    years = Counter(int(y) for y in re.findall(r"((?:19|20)\d\d)\s*年", body))
    if years:
        return years.most_common(1)[0][0], "正文中最常出现的年份"
    if signed_on is not None:
        return signed_on.year - 1, "成文日期"
    return None, ""


def _table_tokens(items: Sequence[Item], out: _Outline, fmt: ReportFormat, notes: Notes) -> dict[str, list[Token]]:
    """Cells of every table by table key: tables told apart by their labels, else by the section they sit in;
    loose lines inside sections 二–四 (a table copied without its grid) count as cells too."""
    tokens: dict[str, list[Token]] = {}
    table_of = {s.key: s.table for s in fmt.sections if s.table is not None}
    section_of = {id(i): key for key, section in out.sections.items() for i in section}
    grids = [i for i in items if isinstance(i, Grid)]
    for n, grid in enumerate(grids, 1):
        cells = grid_tokens(grid)
        if not cells:
            continue
        key = classify(cells) or table_of.get(section_of.get(id(grid), ""))
        if key is None:
            notes.not_understood.append(f"第{n}个表格：无法判断是哪一张表（{cells[0].text}…）")
            continue
        tokens.setdefault(key, []).extend(cells)
    for section_key, table_key in table_of.items():
        loose = scan_table_text(paragraphs(out.sections.get(section_key, [])), table_key)
        tokens.setdefault(table_key, []).extend(loose)
    return tokens


def _choose_format(
    year: int | None, source: str, detected: ReportFormat | None, notes: Notes
) -> tuple[int, ReportFormat]:
    if year is None:
        fmt = detected or max(all_formats().values(), key=lambda f: f.year_from)
        notes.not_understood.append(f"未找到报告年度，暂按 {fmt.year_from} 年")
        return fmt.year_from, fmt
    if not YEAR_RANGE[0] <= year <= YEAR_RANGE[1]:
        raise PublishedReportError(f"报告年度 {year} 不在 {YEAR_RANGE[0]}–{YEAR_RANGE[1]} 之间，无法导入")
    fmt = format_for_year(year)
    if source != "标题":
        notes.not_understood.append(f"未找到标题，报告年度按{source}推断为 {year} 年，请核对")
    if detected is not None and detected.id != fmt.id:
        notes.not_understood.append(
            f"表格标签属于 {detected.id} 年格式，与 {year} 年度应使用的 {fmt.id} 年格式"
            f"不符，按 {detected.id} 年格式读取"
        )
        fmt = detected
    return year, fmt


def build_import(items: Sequence[Item], agency: str | None = None, page_title: str | None = None) -> PublishedImport:
    """The draft report and the notes on what was and was not understood; PublishedReportError if nothing was."""
    notes = Notes()
    any_format = next(iter(all_formats().values()))  # headings and table sections are the same in every format
    items = split_run_in(items, any_format.sections)
    out = outline(items, any_format)
    if out.title is None and page_title and _title_match(page_title):
        out.title = re.split(r"[_|｜]| - | — ", page_title.strip())[0].strip()
    tokens = _table_tokens(items, out, any_format, notes)
    if not out.sections and not any(tokens.values()):
        raise PublishedReportError("未能识别为政府信息公开工作年度报告：找不到“一、总体情况”等章节标题，也找不到表格")

    last = list(out.sections)[-1] if out.sections else None
    signed_by, signed_on = find_signature(out.sections[last]) if last else (None, None)
    texts_seen = paragraphs(i for s in out.sections.values() for i in s)
    year_found, source = _year(out.title, [*out.preamble, *texts_seen], signed_on)
    year, fmt = _choose_format(year_found, source, detect_format(t for ts in tokens.values() for t in ts), notes)
    out.sections = _keyed_in(out.sections, any_format, fmt)

    title_match = _title_match(out.title) if out.title else None
    title_agency = title_match.group("agency").strip() if title_match else ""
    name = clean_name(agency or "") or clean_name(title_agency) or clean_name(signed_by or "")
    if not name:
        notes.not_understood.append("未找到机关名称（标题和落款中都没有），请填写")
    report = empty_report(name, year, fmt.id)
    report.cells = {}
    report.signed_on = signed_on
    report.signed_by = signed_by or (name or None)
    if out.title and normalise(out.title) != normalise(fmt.standard_title(name, year)):
        report.title = out.title

    _fill_texts(report, out, notes)
    fill_tables(report, tokens, notes)
    if not report.cells:
        notes.not_understood.append("未找到表格：表二、表三、表四的数字需要核对或手工填写")
    meta = [f"机关：{name or '（空）'}", f"年度：{year}（{fmt.id} 年格式）"]
    if signed_on is not None:
        meta.append(f"成文日期：{signed_on.isoformat()}")
    else:
        notes.not_understood.append("未找到文末的成文日期")
    return PublishedImport(report, tuple(meta + notes.filled), tuple(notes.not_understood), tuple(notes.to_check))


def _keyed_in(sections: dict[str, list[Item]], source: ReportFormat, target: ReportFormat) -> dict[str, list[Item]]:
    """The outline's sections under the chosen format's own section keys: the formats number their sections
    alike (一 … 六), whatever their keys."""
    by_numeral = {s.title[0]: s.key for s in target.sections}
    keys = {s.key: by_numeral.get(s.title[0], s.key) for s in source.sections}
    return {keys.get(key, key): items for key, items in sections.items()}


def _fill_texts(report: Report, out: _Outline, notes: Notes) -> None:
    fmt = report.format
    preamble = list(out.preamble)
    for section in fmt.sections:
        if section.table is not None and section.key in out.sections:
            continue
        if section.key not in out.sections:
            notes.not_understood.append(f"{section.title}：未找到该章节标题")
            continue
        paras = paragraphs(out.sections[section.key])
        if section.split == "subheadings":
            texts, opening = split_by_subheadings(paras, section, notes)
            report.texts.update(texts)
            if opening:
                preamble += opening
                notes.filled.append(f"{section.title}：标题下的开头段落放入“{fmt.preamble.label}”")
        elif section.split == "problems_improvements":
            problems, improvements = (spec.key for spec in section.texts)
            report.texts[problems], report.texts[improvements] = split_problems_improvements(paras, section, notes)
        elif len(section.texts) == 1:
            if section.fees:
                paras, report.fees = take_fees(paras, notes)
            report.texts[section.texts[0].key] = "\n\n".join(paras)
    report.texts[fmt.preamble.key] = "\n\n".join(preamble)
    for spec in fmt.text_specs():
        text = report.texts.get(spec.key, "")
        if not text:
            continue
        owner = next((s.title for s in fmt.sections if spec in s.texts), None)
        notes.filled.append(f"{owner}·{spec.label}：{len(text)} 字" if owner else f"{spec.label}：{len(text)} 字")


def _refuse_long_texts(result: PublishedImport) -> PublishedImport:
    fmt = result.report.format
    long = [
        f"{spec.label}：{why}"
        for spec in fmt.text_specs()
        if (why := text_too_long(result.report.text(spec.key))) is not None
    ]
    if long:
        raise PublishedReportError("文中有一段文字过长，不像年度报告的正文，未导入任何内容：", long)
    return result


def parse_published_text(text: str, agency: str | None = None) -> PublishedImport:
    """Read a report published as plain text; PublishedReportError when it is not a report at all."""
    check_text(text)
    body, page_title = crawled_body(text)
    return _refuse_long_texts(build_import(text_items(body), agency, page_title))


def parse_published_html(html: str, agency: str | None = None) -> PublishedImport:
    """Read a report from a saved web page; PublishedReportError when it is not a report at all."""
    items, page_title = read_html(html)
    return _refuse_long_texts(build_import(items, agency, page_title))


_HTML_SUFFIXES = {".html", ".htm", ".xhtml", ".shtml"}
DocumentReader = Callable[[bytes], tuple[list[Item], str | None]]
"""A PDF or Word file's bytes → its paragraphs and tables, and its title."""


def _decode_html(data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        return decode_text(data)
    declared = re.search(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_\-]+)""", data[:4096], re.I)
    if declared:
        name = declared.group(1).decode("ascii").lower()
        if name in {"gb2312", "gbk", "gb18030", "x-gbk"}:
            name = "gb18030"  # a superset: pages labelled gb2312 routinely use GBK characters
        try:
            return data.decode(name)
        except (LookupError, UnicodeDecodeError):
            pass
    return decode_text(data)


def _read_document(suffix: str) -> tuple[int, DocumentReader | None]:
    """The size limit and reader of a report published as a file (PDF, Word), imported only when needed
    (pdfplumber is slow to import); (MAX_BYTES, None) for a page or a text."""
    if suffix == ".pdf":
        from services.published.pdf import MAX_PDF_BYTES, read_pdf

        return MAX_PDF_BYTES, read_pdf
    if suffix == ".docx":
        from services.published.word import MAX_DOCX_BYTES, read_docx

        return MAX_DOCX_BYTES, read_docx
    return MAX_BYTES, None


def import_published(path: Path, agency: str | None = None) -> PublishedImport:
    """Read a saved page (.html/.htm), a text file (UTF-8 or GB18030), a PDF or a Word file (.docx) holding a
    published report."""
    path = Path(path)
    limit, document = _read_document(path.suffix.lower())
    try:
        size = path.stat().st_size
        if size > MAX_BYTES and document is None:
            raise PublishedReportError(f"{path.name}：{too_large(size)}")
        with path.open("rb") as fh:
            data = fh.read(limit + 1)
    except OSError as exc:
        raise PublishedReportError(f"无法读取文件 {path}：{describe_os_error(exc)}") from None
    if document is not None:  # each reader refuses more than its own limit
        items, title = document(data)
        return _refuse_long_texts(build_import(items, agency, title))
    if len(data) > MAX_BYTES:
        raise PublishedReportError(f"{path.name}：{too_large(len(data))}")
    if path.suffix.lower() in _HTML_SUFFIXES:
        return parse_published_html(_decode_html(data), agency)
    return parse_published_text(decode_text(data), agency)
