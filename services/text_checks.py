"""Checks on the narrative (文字部分): numbers that contradict the tables, empty or copied sections.

Every rule here is a warning (核实性审核); `services.checks` turns the issues into findings and attaches the
clerk's explanations. Results that depend only on a text (the regex scan, the similarity to last year) are
memoised, so re-running the checks after each table edit costs nothing for unchanged narrative.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from typing import NamedTuple

from services.formats import CellKey, ReportFormat, TextNumberRule, TextSpec
from services.report import Report
from services.values import CellValue, format_for_display

_NOTHING = re.compile(r"[\s。．.，,、；;：:！!（）()“”\"']+")
_SPACE = re.compile(r"\s+")
_SNIPPET_MAX = 40
_LEAD_MAX = 12
_CLAUSE_BREAKS = frozenset("。；;，,：:！!？?\n")
_SCAN_CACHE_MAX = 512


class Issue(NamedTuple):
    """A warning before severity and explanation are attached."""

    rule: str
    key: str
    message: str
    cells: tuple[CellKey, ...] = ()
    texts: tuple[str, ...] = ()
    """The narratives it is about (where a click on it leads)."""


def text_names(fmt: ReportFormat) -> dict[str, str]:
    """How each narrative key is named in a message: its section title, plus the sub-topic label if any."""
    names = {fmt.preamble.key: fmt.preamble.label}
    for section in fmt.sections:
        for spec in section.texts:
            # a section's only text is the section (六); of two or more, each is named (五·改进情况)
            alone = len(section.texts) == 1 and spec.label in section.title
            names[spec.key] = section.title if alone else f"{section.title}·{spec.label}"
    return names


@dataclass(frozen=True)
class _Hit:
    rule: int
    number: int
    snippet: str


def _clause(text: str, start: int, end: int) -> str:
    """The match with the words before it back to the start of its clause, as a clerk would quote it."""
    lead = start
    while lead > 0 and start - lead < _LEAD_MAX and text[lead - 1] not in _CLAUSE_BREAKS:
        lead -= 1
    return text[lead:end]


class TextScanner:
    """The `text_numbers` rules of one format, with a bounded memo of scans per text."""

    def __init__(self, rules: tuple[TextNumberRule, ...]) -> None:
        self.rules = rules
        self._memo: dict[str, tuple[_Hit, ...]] = {}

    def scan(self, text: str) -> tuple[_Hit, ...]:
        hits = self._memo.get(text)
        if hits is None:
            found = []
            for i, rule in enumerate(self.rules):
                for match in rule.pattern.finditer(text):
                    snippet = _SPACE.sub("", _clause(text, match.start(), match.end()))
                    if len(snippet) > _SNIPPET_MAX:
                        snippet = "…" + snippet[-_SNIPPET_MAX:]
                    found.append(_Hit(i, int(match.group(1)), snippet))
            hits = tuple(found)
            if len(self._memo) >= _SCAN_CACHE_MAX:
                self._memo.clear()
            self._memo[text] = hits
        return hits


def difference(a: CellValue, b: CellValue) -> CellValue:
    """|a − b|, exact for counts and amounts alike."""
    if isinstance(a, int) and isinstance(b, int):
        return abs(a - b)
    return abs(Decimal(a) - Decimal(b))


def _sum(report: Report, cells: tuple[CellKey, ...]) -> CellValue:
    total: CellValue = 0
    for key in cells:
        value = report.cells.get(key, 0)
        if isinstance(value, int | Decimal) and not isinstance(value, bool):
            total += value
    return total


def text_number_issues(
    report: Report, scanner: TextScanner, names: Mapping[str, str], cell_names: Mapping[CellKey, str]
) -> Iterator[Issue]:
    """TEXT_NUMBER: a number found by a format's pattern differs from the sum of the rule's cells."""
    keys = list(names)
    keys += sorted(k for k in report.texts if k not in names)
    sums: dict[int, CellValue] = {}
    for text_key in keys:
        text = report.texts.get(text_key)
        if not text:
            continue
        for hit in scanner.scan(text):
            rule = scanner.rules[hit.rule]
            if hit.rule not in sums:
                sums[hit.rule] = _sum(report, rule.cells)
            expected = sums[hit.rule]
            if hit.number == expected or any(hit.number == _sum(report, other) for other in rule.also):
                continue  # when more than one customary reading fits, the text is right
            parts = [f"{cell_names[c]}({format_for_display(report.cells.get(c, 0))})" for c in rule.cells]
            table_side = parts[0] if len(parts) == 1 else " + ".join(parts) + f" = {format_for_display(expected)}"
            name = names.get(text_key, text_key)
            yield Issue(
                "TEXT_NUMBER",
                f"TEXT_NUMBER:{text_key}:{rule.topic}",
                f"“{name}”中写“{hit.snippet}”（{rule.topic} {hit.number}），但表中 {table_side}，"
                f"相差 {format_for_display(difference(hit.number, expected))}",
                rule.cells,
            )


def narrative_empty_issues(report: Report, fmt: ReportFormat, names: Mapping[str, str]) -> Iterator[Issue]:
    """NARRATIVE_EMPTY: a required text (the preamble) or a text of a section whose every text is required
    (一、总体情况's sub-topics) is empty — once something of its section is written: a section left wholly
    empty is the error REQUIRED (services.checks), said once."""
    if fmt.preamble.required:
        yield from _empty(report, (fmt.preamble,), names)
    for section in fmt.sections:
        if section.each_text_required and any(report.texts.get(spec.key, "").strip() for spec in section.texts):
            yield from _empty(report, section.texts, names)


def _empty(report: Report, specs: tuple[TextSpec, ...], names: Mapping[str, str]) -> Iterator[Issue]:
    for spec in specs:
        if not report.texts.get(spec.key, "").strip():
            yield Issue(
                "NARRATIVE_EMPTY", f"NARRATIVE_EMPTY:{spec.key}", f"“{names[spec.key]}”尚未填写", texts=(spec.key,)
            )


@lru_cache(maxsize=64)
def _meaningful(text: str) -> str:
    return _NOTHING.sub("", text)


def s5_issues(report: Report, fmt: ReportFormat) -> Iterator[Issue]:
    """S5_EMPTY: a section with a minimum length (五、存在的主要问题及改进情况) together is empty, just "无", or
    shorter than its min_chars."""
    for section in fmt.sections:
        if section.min_chars is None:
            continue
        keys = tuple(spec.key for spec in section.texts)
        joined = "".join(report.texts.get(key, "") for key in keys)
        if section.required and not joined.strip():
            continue  # REQUIRED, an error, says it
        meaningful = _meaningful(joined)
        topics = "和".join(spec.label for spec in section.texts)
        if not meaningful:
            message = f"“{section.title}”为空：应写明{topics}"
        elif meaningful in ("无", "暂无", "没有"):
            message = f"“{section.title}”只写了“{joined.strip()}”：应写明{topics}"
        elif len(meaningful) < section.min_chars:
            message = f"“{section.title}”只有 {len(meaningful)} 个字（少于 {section.min_chars} 字）：内容过于简略"
        else:
            continue
        yield Issue("S5_EMPTY", "S5_EMPTY", message, texts=keys)


def s6_fee_issues(report: Report, fmt: ReportFormat) -> Iterator[Issue]:
    """S6_FEE: a format with 信息处理费 fields, none set, and the section's text does not mention the fee."""
    if not fmt.has_fee_fields() or report.fees.is_set():
        return
    for section in fmt.sections:
        if not section.fees:
            continue
        text = "".join(report.texts.get(spec.key, "") for spec in section.texts)
        if any(word in text for word in fmt.fee_keywords):
            continue
        words = "、".join(fmt.fee_keywords) or "信息处理费"
        yield Issue(
            "S6_FEE",
            "S6_FEE",
            f"“{section.title}”未说明{words}：收费通知件数和实际收取金额均未填写，文字中也未提及{words}",
            texts=tuple(spec.key for spec in section.texts),
        )


@lru_cache(maxsize=256)
def _bigrams(text: str) -> frozenset[str]:
    # sets, not multisets: set intersection runs in C, and last year's texts are cached across checks
    return frozenset(map(str.__add__, text, text[1:]))


@lru_cache(maxsize=256)
def similarity(a: str, b: str) -> float:
    """Share of distinct character pairs the two texts have in common (Dice coefficient over bigrams), 0–1."""
    a, b = _SPACE.sub("", a), _SPACE.sub("", b)
    if len(a) < 2 or len(b) < 2:
        return 1.0 if a == b else 0.0
    sa, sb = _bigrams(a), _bigrams(b)
    return 2 * len(sa & sb) / (len(sa) + len(sb))


_SENTENCE = re.compile(r"[^。；;！!？?\n]+[。；;！!？?\n]?")


@lru_cache(maxsize=256)
def _judged(text: str, formulaic: tuple[re.Pattern[str], ...]) -> str:
    """What of a text can be judged as copied: its sentences but the formulaic ones, without spaces."""
    kept = (m.group() for m in _SENTENCE.finditer(text) if not any(p.search(m.group()) for p in formulaic))
    return _SPACE.sub("", "".join(kept))


def repeat_text_issues(
    report: Report, previous: Report, fmt: ReportFormat, names: Mapping[str, str]
) -> Iterator[Issue]:
    """X_REPEAT_TEXT: a narrative section much the same as the same section of last year's report."""
    limit = fmt.cross_year.max_text_similarity
    if limit is None:
        return
    for key, name in names.items():
        if key == fmt.preamble.key:
            continue  # the 引言 is customary boilerplate, the same every year by design
        now = _judged(report.texts.get(key, ""), fmt.cross_year.formulaic)
        before = _judged(previous.texts.get(key, ""), fmt.cross_year.formulaic)
        least = fmt.cross_year.repeat_min_chars
        if len(now) < least or len(before) < least:
            continue
        ratio = similarity(now, before)
        if ratio > limit:
            yield Issue(
                "X_REPEAT_TEXT",
                f"X_REPEAT_TEXT:{key}",
                f"“{name}”与 {previous.year} 年报告的同一部分约 {ratio:.0%} 相同"
                f"（超过 {limit:.0%}）：应写本年度的实际情况",
            )
