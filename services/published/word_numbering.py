"""The numbers Word puts before its auto-numbered paragraphs (一、 （一） 1.), which are not in their text.

A heading numbered by Word's list numbering carries no 一、 of its own, and the report's sections are found by
it: the number is worked out as Word shows it, from the numbering definitions (w:numbering), the level's format
and text (%1、, （%1）), the list's counters in document order and a deeper level restarting under a new one.
Formats other than these (bullets, pictures) give no number.
"""

from __future__ import annotations

from collections.abc import Callable

from docx.document import Document as DocxDocument
from docx.oxml.ns import qn
from docx.oxml.xmlchemy import BaseOxmlElement

_CN = "〇一二三四五六七八九"
_STEMS = "甲乙丙丁戊己庚辛壬癸"
_MAX_LEVELS = 9


def _chinese(n: int) -> str:
    if n < 10:
        return _CN[n]
    tens, ones = divmod(n, 10)
    return f"{_CN[tens] if tens > 1 else ''}十{_CN[ones] if ones else ''}" if n < 100 else str(n)


_FORMATS: dict[str, Callable[[int], str]] = {
    "decimal": str,
    "decimalZero": lambda n: f"{n:02d}",
    "decimalFullWidth": lambda n: "".join(chr(ord("０") + int(d)) for d in str(n)),
    "chineseCounting": _chinese,
    "chineseCountingThousand": _chinese,
    "japaneseCounting": _chinese,
    "ideographTraditional": lambda n: _STEMS[(n - 1) % 10],
    "lowerLetter": lambda n: chr(ord("a") + (n - 1) % 26),
    "upperLetter": lambda n: chr(ord("A") + (n - 1) % 26),
}


def _val(element: BaseOxmlElement | None, path: str) -> str | None:
    if element is None:
        return None
    found = element.find(path)
    return None if found is None else found.get(qn("w:val"))


class Numbering:
    """Word's list numbers, counted paragraph by paragraph in document order."""

    def __init__(self, document: DocxDocument) -> None:
        part = document.part
        self.numbering = part.numbering_part.element if _has_numbering(document) else None
        self.styles = document.styles.element
        self.counters: dict[str, list[int | None]] = {}
        self.lists: dict[str, dict[int, BaseOxmlElement] | None] = {}
        """Each list's levels by number, looked up once."""

    def prefix(self, p: BaseOxmlElement) -> str:
        """The number Word shows before paragraph `p` ('' for none); counts it."""
        num_id, level = self._num_pr(p)
        if self.numbering is None or num_id in (None, "0") or not 0 <= level < _MAX_LEVELS:
            return ""
        if num_id not in self.lists:
            self.lists[num_id] = self._levels(num_id)
        levels = self.lists[num_id]
        if levels is None:
            return ""
        counters = self.counters.setdefault(num_id, [None] * _MAX_LEVELS)
        now = counters[level]
        counters[level] = _start(levels.get(level)) if now is None else now + 1
        counters[level + 1 :] = [None] * (_MAX_LEVELS - level - 1)  # a deeper level starts again under it
        text = _val(levels.get(level), qn("w:lvlText")) or ""
        for n in range(level + 1):
            if f"%{n + 1}" not in text:
                continue
            shown = _FORMATS.get(_val(levels.get(n), qn("w:numFmt")) or "decimal")
            if shown is None:  # a bullet or a format not read here: no number rather than a wrong one
                return ""
            count = counters[n]
            text = text.replace(f"%{n + 1}", shown(_start(levels.get(n)) if count is None else count))
        return text

    def _num_pr(self, p: BaseOxmlElement) -> tuple[str | None, int]:
        """The paragraph's list and level: its own, else its style's."""
        p_pr = p.find(qn("w:pPr"))
        num_pr = p_pr.find(qn("w:numPr")) if p_pr is not None else None
        if num_pr is None and (style_id := _val(p_pr, qn("w:pStyle"))) is not None:
            for style in self.styles.findall(qn("w:style")):
                if style.get(qn("w:styleId")) == style_id:
                    style_pr = style.find(qn("w:pPr"))
                    num_pr = style_pr.find(qn("w:numPr")) if style_pr is not None else None
                    break
        if num_pr is None:
            return None, 0
        level = _val(num_pr, qn("w:ilvl")) or "0"
        return _val(num_pr, qn("w:numId")), int(level) if level.isdigit() else -1

    def _levels(self, num_id: str) -> dict[int, BaseOxmlElement] | None:
        assert self.numbering is not None
        num = next((n for n in self.numbering.findall(qn("w:num")) if n.get(qn("w:numId")) == num_id), None)
        abstract_id = _val(num, qn("w:abstractNumId"))
        abstract = next(
            (a for a in self.numbering.findall(qn("w:abstractNum")) if a.get(qn("w:abstractNumId")) == abstract_id),
            None,
        )
        if abstract is None:
            return None
        levels = {}
        for lvl in abstract.findall(qn("w:lvl")):
            ilvl = lvl.get(qn("w:ilvl")) or ""
            if ilvl.isdigit():
                levels[int(ilvl)] = lvl
        return levels


def _start(lvl: BaseOxmlElement | None) -> int:
    start = _val(lvl, qn("w:start")) or "1"
    return int(start) if start.isdigit() else 1


def _has_numbering(document: DocxDocument) -> bool:
    """Whether the file has numbering definitions (python-docx would add an empty part to ask)."""
    return any(rel.reltype.endswith("/numbering") for rel in document.part.rels.values())
