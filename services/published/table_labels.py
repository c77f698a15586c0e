"""What the printed labels of a format's tables mean, and the compare form in which a published label meets them.

A label is compared in its compare form (`normalise`): half-width brackets, no spaces or quotes. Each table's
labels are a row, a column, a block's caption or corner, or just a header; `matching` fills the tables by them.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from services.formats import HeaderNode, Table

NUMERALS = "一二三四五六七八九十"

_DROP = str.maketrans("", "", "“”\"'‘’「」")


def normalise(text: str) -> str:
    """Compare form of a label: half-width brackets, no spaces or quotes, '1、' as '1.', no trailing stop."""
    text = unicodedata.normalize("NFKC", text).translate(_DROP)
    text = re.sub(r"\s+", "", text)
    text = re.sub(r"^(\d+)[、.]", r"\1.", text)
    return text.rstrip(":;。.；")


_NUMBERING = re.compile(rf"^(?:\d+\.|\([{NUMERALS}\d]+\)|[{NUMERALS}]+、)")


def strip_numbering(text: str) -> str:
    return _NUMBERING.sub("", normalise(text))


@dataclass(frozen=True)
class Labels:
    """What each printed label of one table means: a row, a column, a block caption, or just a header."""

    rows: dict[str, str]
    stripped_rows: dict[str, str]
    columns: dict[str, str]
    captions: dict[str, int]
    corners: frozenset[str]
    other: frozenset[str]
    printed: dict[str, str] = field(default_factory=dict)
    """Each label as the format prints it, by its compare form: to name it to the clerk."""
    other_rows: dict[str, str] = field(default_factory=dict)
    """A heading over sub-rows → its sub-row 其他: where the 2019 format's single row （六）其他处理 goes in a
    2021 table (the 2021 format splits it into three)."""

    def all(self) -> set[str]:
        return set(self.rows) | set(self.columns) | set(self.captions) | self.corners | self.other


def labels_of(table: Table) -> Labels:
    rows: dict[str, str] = {}
    parents: set[str] = set()
    for row in table.rows():
        rows[normalise(row.label)] = row.key
        parents.update(normalise(p) for p in row.parents)
    stripped = Counter(strip_numbering(row.label) for row in table.rows())
    stripped_rows = {strip_numbering(r.label): r.key for r in table.rows() if stripped[strip_numbering(r.label)] == 1}
    columns: dict[str, str] = {}
    captions: dict[str, int] = {}
    corners: set[str] = set()
    for i, block in enumerate(table.blocks):
        if block.caption:
            captions[normalise(block.caption)] = i
        if block.corner:
            corners.add(normalise(block.corner))
        for col in block.columns:
            columns[normalise(col.label)] = col.key
    other = set(parents)
    other.update(normalise(n.label) for node in table.column_tree for n in _walk(node))
    other.update(normalise(g.label) for g in table.row_groups)
    if table.corner:
        other.add(normalise(table.corner))
    if table.layout == "wide":  # t4's row names are printed as column headers
        other.update(rows)
        rows = {}
        stripped_rows = {}
    other -= set(columns)
    printed = _printed(table)
    other_rows = {
        normalise(row.parents[-1]): row.key
        for row in table.rows()
        if row.parents and strip_numbering(row.label) == "其他" and normalise(row.parents[-1]) in other
    }
    return Labels(rows, stripped_rows, columns, captions, frozenset(corners), frozenset(other), printed, other_rows)


def _printed(table: Table) -> dict[str, str]:
    texts = [row.label for row in table.rows()] + [p for row in table.rows() for p in row.parents]
    texts += [text for block in table.blocks for text in (block.caption, block.corner) if text]
    texts += [col.label for block in table.blocks for col in block.columns]
    texts += [n.label for node in table.column_tree for n in _walk(node)] + [g.label for g in table.row_groups]
    return {normalise(text): text for text in texts}


def printed_labels(table: Table) -> set[str]:
    """Every label the table prints (rows, columns, captions, headers), in compare form."""
    return labels_of(table).all()


def _walk(node: HeaderNode) -> Iterable[HeaderNode]:
    yield node
    for child in node.children:
        yield from _walk(child)
