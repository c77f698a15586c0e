"""插入数据段落: the sentences that restate a text's figures, drafted from the current tables (pure, no Qt).

The wording is data: a text of a format file may carry `draft`, paragraphs of clauses with placeholders
(`{t3.granted.total}`, a sum `{t3.deny_*.total}`, a fee field `{fees.notices}`), read by services.format_reader.
A figure is never invented: a paragraph with a placeholder over an empty cell (or an unset fee field) is not
proposed, and the cells it waits for are named. A drafted paragraph already in a text is found again by the
template's form (its words with any figures), so that, after the tables change, its figures can be updated.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import NamedTuple

from services.checks import cell_name
from services.format_model import DraftClause, DraftFigure, DraftParagraph, TextSpec
from services.report import Report
from services.values import CellValue, to_text

_FIGURE = r"\d+(?:\.\d+)?"
FEE_NAMES = {"notices": "信息处理费·收费通知件数", "amount_yuan": "信息处理费·实际收取金额（元）"}


@dataclass(frozen=True)
class Drafted:
    """What 插入数据段落 proposes for one text."""

    text_key: str
    paragraphs: tuple[str, ...]
    """The paragraphs whose every figure is filled, in the template's order."""
    missing: tuple[str, ...]
    """The empty cells (named as on the form) that keep the other paragraphs back."""

    @property
    def text(self) -> str | None:
        return "\n".join(self.paragraphs) or None


class Stale(NamedTuple):
    """A drafted paragraph in a text whose figures the tables no longer say."""

    start: int
    end: int
    old: str
    new: str


def template(report: Report, text_key: str) -> tuple[DraftParagraph, ...]:
    """The `draft` paragraphs the report's format gives a text (none: nothing to draft)."""
    spec: TextSpec | None = next((s for s in report.format.text_specs() if s.key == text_key), None)
    return spec.draft if spec is not None else ()


def drafted_keys(report: Report) -> tuple[str, ...]:
    """The texts of the report's format that have a template."""
    return tuple(s.key for s in report.format.text_specs() if s.draft)


def _number(value: object) -> CellValue | None:
    if isinstance(value, int | Decimal) and not isinstance(value, bool):
        return value
    return None


def _figure(report: Report, figure: DraftFigure) -> tuple[CellValue | None, list[str]]:
    """The figure's value, or None with what is missing."""
    if figure.fee is not None:
        value = _number(report.fees.notices if figure.fee == "notices" else report.fees.amount_yuan)
        return value, ([] if value is not None else [FEE_NAMES[figure.fee]])
    total: CellValue = 0
    missing: list[str] = []
    for key in figure.cells:
        value = _number(report.cells.get(key))
        if value is None:
            missing.append(cell_name(report.format, key))
        else:
            total += value
    return (None if missing else total), missing


def figure_text(value: CellValue, figure: DraftFigure) -> str:
    """A figure as written in prose: a count as digits, an amount without trailing zeros; 元 to the fen."""
    if figure.fee == "amount_yuan" and isinstance(value, Decimal):
        places = Decimal(1) if value == value.to_integral_value() else Decimal("0.01")
        return format(value.quantize(places), "f")
    return to_text(value)


def _clause(report: Report, clause: DraftClause, missing: list[str]) -> str | None:
    said: list[str] = []
    values: list[CellValue] = []
    for part in clause.parts:
        if isinstance(part, str):
            said.append(part)
            continue
        value, lacking = _figure(report, part)
        missing += [m for m in lacking if m not in missing]
        if value is None:
            said.append("")
            continue
        values.append(value)
        said.append(figure_text(value, part))
    if len(values) != sum(isinstance(p, DraftFigure) for p in clause.parts):
        return None
    if clause.zero is not None and all(v == 0 for v in values):
        return clause.zero
    return "".join(said)


def paragraph(report: Report, para: DraftParagraph, missing: list[str] | None = None) -> str | None:
    """One paragraph from the tables; None when a figure of it is empty (added to `missing`)."""
    lacking: list[str] = [] if missing is None else missing
    before = len(lacking)
    clauses = [_clause(report, clause, lacking) for clause in para.clauses]
    if any(c is None for c in clauses) or len(lacking) > before:
        return None
    return "".join(c for c in clauses if c)


def drafted(report: Report, text_key: str) -> Drafted | None:
    """The proposed paragraphs of a text; None when its format gives the text no template."""
    paras = template(report, text_key)
    if not paras:
        return None
    missing: list[str] = []
    written = [paragraph(report, p, missing) for p in paras]
    return Drafted(text_key, tuple(p for p in written if p), tuple(missing))


def draft(report: Report, text_key: str) -> str | None:
    """The proposed text (paragraphs one a line), or None: no template, or no paragraph has all its figures."""
    result = drafted(report, text_key)
    return result.text if result is not None else None


def _clause_pattern(clause: DraftClause) -> str:
    said = "".join(re.escape(p) if isinstance(p, str) else _FIGURE for p in clause.parts)
    if clause.zero is None:
        return said
    if not clause.zero:
        return f"(?:{said})?"
    return f"(?:{said}|{re.escape(clause.zero)})"


def paragraph_pattern(para: DraftParagraph) -> re.Pattern[str]:
    """The template's form of a paragraph: its words, with any figures where the figures go."""
    return re.compile("".join(_clause_pattern(c) for c in para.clauses))


def stale_paragraphs(report: Report, text_key: str, text: str | None = None) -> list[Stale]:
    """Drafted paragraphs in the text (the report's own unless given) whose figures differ from the tables'
    now; a paragraph whose figures are not all filled is left as it is."""
    text = report.text(text_key) if text is None else text
    found: list[Stale] = []
    for para in template(report, text_key):
        new = paragraph(report, para)
        if new is None:
            continue
        for match in paragraph_pattern(para).finditer(text):
            if match.group() and match.group() != new:
                found.append(Stale(match.start(), match.end(), match.group(), new))
    return sorted(found)


def updated_text(text: str, stale: Sequence[Stale]) -> str:
    """The text with each stale paragraph replaced by its new figures."""
    for item in sorted(stale, reverse=True):
        text = text[: item.start] + item.new + text[item.end :]
    return text


def inserted_text(text: str, position: int, proposal: str) -> tuple[str, int, int]:
    """The proposal put into the text at a position as paragraphs of their own: a line break before it unless it
    starts a line, one after it unless it ends one. Returns the new text and where the insertion starts and
    ends."""
    position = max(0, min(position, len(text)))
    before = "\n" if position > 0 and text[position - 1] != "\n" else ""
    after = "\n" if position < len(text) and text[position] != "\n" else ""
    piece = before + proposal + after
    return text[:position] + piece + text[position:], position, position + len(piece)


def drafts_for(report: Report, key: str | None = None) -> list[Drafted]:
    """The proposals of every text with a template, or of one text or section (`s1_request`, `s1`); raises
    KeyError naming what exists when the key names neither or has no template."""
    keys = drafted_keys(report)
    if key is not None:
        section = next((s for s in report.format.sections if s.key == key), None)
        wanted = tuple(t.key for t in section.texts) if section is not None else (key,)
        keys = tuple(k for k in keys if k in wanted)
        if not keys:
            raise KeyError(f"“{key}”没有可拟写的数据段落；可选：{'、'.join(drafted_keys(report))}")
    return [d for k in keys if (d := drafted(report, k)) is not None]
