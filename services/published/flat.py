"""A page as crawlers and portals' "text version" give it: the whole report on one line.

Headings run into their text ("一、总体情况2019年，…"), page furniture sits around it ("当前位置： 首页…",
"微信 微博 QQ空间", "附件下载"), and a table is its labels and numbers run together
("…申请数量640020470二、上年结转…"). This module cuts such a line back into the paragraphs the reader expects
and reads a flattened table as labels and runs of digits, by the labels the formats print.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from difflib import SequenceMatcher
from functools import cache

from services.formats import Section, all_formats
from services.published.matching import NUMERALS, Item, Token, printed_labels

_CRAWL_RULE = re.compile(r"^\s*=+\s*正文\s*=+\s*$")
_CRAWL_FIELD = re.compile(r"^\s*(标题|发布时间|文号|发布机构|栏目|原文链接|本地目录|来源|索引号)\s*[:：]\s*(.*)$")
_RUN_IN_MIN = 300
"""A paragraph this long holding a section heading past its start is a whole page run together."""
_FURNITURE = re.compile(
    r"^(?:附件下载|打印本页|【?打印】?|关闭窗口|【?关闭】?|分享到[:：]?|微信|微博|QQ空间|扫一扫.*|返回顶部|"
    r"相关链接[:：]?|-->|全真版|文字版|文件下载|字号[:：]?.*|【?大\s*中\s*小】?)$"
)
"""Page furniture a portal prints around the report, never part of it."""
_SENTENCE_END = "。；！？:："


def crawled_body(text: str) -> tuple[str, str | None]:
    """A crawler's header (标题: …, 原文链接: …, ==== 正文 ====) taken off: the body and the page's title."""
    lines = text.splitlines()
    for n, line in enumerate(lines[:30]):
        if _CRAWL_RULE.match(line):
            title = next(
                (m.group(2).strip() for h in lines[:n] if (m := _CRAWL_FIELD.match(h)) and m.group(1) == "标题"),
                None,
            )
            return "\n".join(lines[n + 1 :]), title or None
    return text, None


def _heading_at(text: str, start: int, section: Section) -> tuple[int, int] | None:
    """Where `section`'s heading, run in, begins and ends at or after `start` ('五、存在的主要问题…' also as
    '五、政府信息公开工作存在的主要问题…'), or None."""
    numeral, name = section.title[0], re.sub(r"\s+", "", section.title.split("、", 1)[1])
    for match in re.finditer(rf"{numeral}\s*、", text[start:]):
        at = start + match.end()
        after = text[at : at + len(name) + 12]
        # the heading's end: the length of the printed text (spaces aside) that reads most like the title
        best, end = 0.0, 0
        for n in range(1, len(after) + 1):
            ratio = SequenceMatcher(None, name, re.sub(r"\s+", "", after[:n])).ratio()
            if ratio > best:
                best, end = ratio, n
        if best >= 0.8:
            return start + match.start(), at + end
    return None


def split_run_in(items: Sequence[Item], sections: Sequence[Section]) -> list[Item]:
    """Paragraphs that hold the headings of several sections, cut before each heading; the page furniture before
    the first heading and after the last sentence, dropped; sub-headings (（一）…) of the narrative sections on
    their own paragraphs."""
    out: list[Item] = []
    for item in items:
        if not isinstance(item, str) or len(item) < _RUN_IN_MIN:
            out.append(item)
            continue
        cuts: list[tuple[int, int, Section]] = []
        at = 0
        for section in sections:
            found = _heading_at(item, at, section)
            if found is not None:
                cuts.append((*found, section))
                at = found[1]
        if not cuts or (len(cuts) == 1 and cuts[0][0] == 0):
            out.append(item)
            continue
        out += _without_furniture(item[: cuts[0][0]], leading=True)
        for (begin, end, section), (after, _, _) in zip(cuts, [*cuts[1:], (len(item), 0, sections[0])], strict=True):
            out.append(item[begin:end].strip())  # the heading on its own line, as the outline reads headings
            body = item[end:after].strip()
            if section.table is None and section.split:
                out += _subheadings(body)
            elif body:
                out.append(body)
        if out and isinstance(out[-1], str):
            out[-1:] = _without_furniture(out[-1], leading=False)
    return out


def _without_furniture(text: str, *, leading: bool) -> list[str]:
    """Text before the first heading: furniture up to the first sentence, then the preamble. Text of the last
    section: its sentences, then what follows the last sentence piece by piece (a signature stays, furniture
    goes)."""
    if leading:
        words = text.split()
        for n, word in enumerate(words):
            if "，" in word or "。" in word:
                return [w for w in words[:n] if not _FURNITURE.match(w)] + [" ".join(words[n:])]
        return [w for w in words if not _FURNITURE.match(w)]
    last = max(text.rfind(c) for c in "。！？")
    body, tail = text[: last + 1], text[last + 1 :]
    # what is left of the tail is the signature, kept as one line so its date is read with its signer
    signature = " ".join(p for p in tail.split() if not _FURNITURE.match(p))
    return [p for p in (body.strip(), signature) if p]


_SUBHEADING = re.compile(rf"[（(]\s*[{NUMERALS}]\s*[)）]")


def _subheadings(text: str) -> list[str]:
    """A narrative section's text cut before （一）, （二）, … in order, where one opens a sentence."""
    parts: list[str] = []
    start, expected = 0, 0
    for match in _SUBHEADING.finditer(text):
        numeral = re.sub(r"\W", "", match.group())
        before = text[: match.start()].rstrip()
        opens = not before or before[-1] in _SENTENCE_END
        if NUMERALS.index(numeral) == expected and opens:
            parts.append(text[start : match.start()])
            start, expected = match.start(), expected + 1
    parts.append(text[start:])
    return [p.strip() for p in parts if p.strip()]


# ---------------------------------------------------------------------------------------------------- tables

_GAP_RUN = re.compile(r"[\d\s.,+-]+(?:万元|元|件|条|个|项|次)?")
_BETWEEN = "[\\s“”\"'‘’「」]*"


@cache
def _label_scanner(table_key: str) -> re.Pattern[str]:
    labels: set[str] = set()
    for fmt in all_formats().values():
        for table in fmt.tables:
            if table.key == table_key:
                labels |= printed_labels(table)
    parts = []
    for label in sorted(labels, key=len, reverse=True):
        numbered = re.match(r"^(\d+)\.(.*)$", label)
        head, rest = (re.escape(numbered.group(1)) + r"\s*[.、]", numbered.group(2)) if numbered else ("", label)
        # a closing quote (3.危及“三安全一稳定”) is dropped from the compare form but printed
        parts.append(head + _BETWEEN + _BETWEEN.join(re.escape(c) for c in rest) + "[”\"'’」]?")
    return re.compile("|".join(parts))


def scan_table_text(paragraphs: Iterable[str], table_key: str) -> list[Token]:
    """A table's text as tokens: each printed label, and between labels each run of digits (spaces kept, as
    they are certain boundaries between cells). A paragraph of prose (a sentence among the labels) gives none."""
    scanner = _label_scanner(table_key)
    tokens: list[Token] = []
    for paragraph in paragraphs:
        text = unicodedata.normalize("NFKC", paragraph)
        found: list[Token] = []
        prose = 0
        at = 0
        for match in [*scanner.finditer(text), None]:
            gap = text[at : match.start() if match else len(text)].strip()
            if gap and _GAP_RUN.fullmatch(gap):
                found.append(Token(gap, None, run=True))
            elif gap:
                found.append(Token(gap, None))
                prose += len(gap) if "。" in gap else 0
            if match is None:
                break
            found.append(Token(match.group(), None))
            at = match.end()
        if prose < 20:
            tokens += found
    return tokens
