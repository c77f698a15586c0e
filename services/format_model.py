"""The objects a format file becomes: immutable and typed (services.format_reader makes them, services.formats
finds and keeps them).

A format file is the only place that knows a format's labels, keys, cell kinds, spans and sum rules; the form,
the checks, the printout and the exchange file are all driven from these objects.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Literal

CellKind = Literal["count", "signed", "amount"]
CELL_KINDS: tuple[CellKind, ...] = ("count", "signed", "amount")
SCHEMA_VERSION = 1

CellKey = tuple[str, str, str]
"""(table key, row key, column key)"""


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    kind: CellKind
    computed: bool = False
    span: int = 1
    unit_in_cell: str | None = None


@dataclass(frozen=True)
class HeaderNode:
    """A node of a column or row tree as printed: leaves carry a key, groups carry children."""

    label: str
    key: str | None
    children: tuple[HeaderNode, ...] = ()
    computed: bool = False

    def leaves(self) -> Iterator[HeaderNode]:
        if not self.children:
            yield self
        for child in self.children:
            yield from child.leaves()

    def depth(self) -> int:
        return 1 + max((c.depth() for c in self.children), default=0)


@dataclass(frozen=True)
class Row:
    key: str
    label: str
    short: str
    computed: bool = False
    parents: tuple[str, ...] = ()
    """Labels of the enclosing groups, outermost first (e.g. 三、本年度办理结果 › （三）不予公开)."""


@dataclass(frozen=True)
class Block:
    """A rectangular part of a table: t2 has one per 第二十条 item, t3 and t4 have exactly one."""

    caption: str | None
    corner: str | None
    label_span: int
    columns: tuple[Column, ...]
    rows: tuple[Row, ...]


@dataclass(frozen=True)
class CellSpec:
    table: str
    row: str
    col: str
    kind: CellKind
    computed: bool

    @property
    def key(self) -> CellKey:
        return (self.table, self.row, self.col)


@dataclass(frozen=True)
class RowGroup:
    label: str
    rows: tuple[str, ...]


@dataclass(frozen=True)
class Table:
    key: str
    name: str
    layout: Literal["blocks", "grid", "wide"]
    blocks: tuple[Block, ...]
    column_tree: tuple[HeaderNode, ...] = ()
    row_tree: tuple[HeaderNode, ...] = ()
    corner: str | None = None
    label_columns: int = 1
    grid_columns: int = 0
    row_groups: tuple[RowGroup, ...] = ()
    cells: tuple[CellSpec, ...] = ()
    _by_key: Mapping[tuple[str, str], CellSpec] = field(default_factory=dict, repr=False, compare=False)

    def rows(self) -> Iterator[Row]:
        for block in self.blocks:
            yield from block.rows

    def row(self, key: str) -> Row:
        for row in self.rows():
            if row.key == key:
                return row
        raise KeyError(key)

    def column(self, key: str) -> Column:
        for block in self.blocks:
            for col in block.columns:
                if col.key == key:
                    return col
        raise KeyError(key)

    def column_keys(self) -> tuple[str, ...]:
        seen: dict[str, None] = {}
        for block in self.blocks:
            for col in block.columns:
                seen.setdefault(col.key, None)
        return tuple(seen)

    def cell(self, row: str, col: str) -> CellSpec | None:
        return self._by_key.get((row, col))

    def block_of(self, row: str) -> Block:
        for block in self.blocks:
            if any(r.key == row for r in block.rows):
                return block
        raise KeyError(row)


@dataclass(frozen=True)
class IdentityRule:
    """`sum(left) = sum(right)` for every column (per="column") or every row (per="row") of a table.

    With `computes`, `left` is a single total that the app fills in from `right`.
    """

    id: str
    table: str
    per: Literal["column", "row"]
    left: tuple[str, ...]
    right: tuple[str, ...]
    computes: bool = False


@dataclass(frozen=True)
class DraftFigure:
    """A placeholder of a drafted sentence: the sum of some cells, or one 信息处理费 field (`fee`)."""

    source: str
    """As written in the format file, e.g. `t3.deny_*.total`."""
    cells: tuple[CellKey, ...] = ()
    fee: Literal["notices", "amount_yuan"] | None = None


@dataclass(frozen=True)
class DraftClause:
    """Literal text and figures in order; said otherwise (`zero`, "" to leave out) when every figure is 0."""

    parts: tuple[str | DraftFigure, ...]
    zero: str | None = None


@dataclass(frozen=True)
class DraftParagraph:
    clauses: tuple[DraftClause, ...]


@dataclass(frozen=True)
class TextSpec:
    key: str
    heading: str | None
    label: str
    required: bool = False
    """NARRATIVE_EMPTY when left empty (the preamble; a section's texts say it with each_text_required)."""
    draft: tuple[DraftParagraph, ...] = ()
    """The paragraphs 插入数据段落 proposes: the text's figures stated from the tables (services.drafting)."""


SectionSplit = Literal["subheadings", "problems_improvements"]
SECTION_SPLITS: tuple[SectionSplit, ...] = ("subheadings", "problems_improvements")


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    texts: tuple[TextSpec, ...] = ()
    table: str | None = None
    fees: bool = False
    each_text_required: bool = False
    """NARRATIVE_EMPTY for each of its texts left empty (一、总体情况's sub-topics)."""
    min_chars: int | None = None
    """S5_EMPTY when its texts together say less than this, or only 无 (五、存在的主要问题及改进情况)."""
    split: SectionSplit | None = None
    """How a published report's section is cut into its texts: by its （一）…（五） sub-headings, or into the
    problems and the improvements (its two texts, in that order)."""
    required: bool = False
    """REQUIRED, an error, when every text of the section is empty: the printout would show a bare heading."""
    short: str | None = None
    """The title on the window's tab, where the whole one would be cut (三、依申请公开)."""

    @property
    def tab_title(self) -> str:
        return self.short or self.title


@dataclass(frozen=True)
class TextNumberRule:
    topic: str
    pattern: re.Pattern[str]
    cells: tuple[CellKey, ...]
    also: tuple[tuple[CellKey, ...], ...] = ()
    """Other sums reports customarily state for the topic (收到申请 = 一 + 二): a number equal to any is right."""


@dataclass(frozen=True)
class CarryOver:
    table: str
    from_row: str
    to_row: str


@dataclass(frozen=True)
class InForce:
    table: str
    rows: tuple[str, ...]
    stock: str
    added: str
    removed: str


@dataclass(frozen=True)
class Swing:
    cells: tuple[CellKey, ...]
    max_ratio: float
    min_ratio: float
    min_value: int


@dataclass(frozen=True)
class CrossYear:
    carry_over: CarryOver | None
    in_force: InForce | None
    swing: Swing | None
    max_text_similarity: float | None
    formulaic: tuple[re.Pattern[str], ...] = ()
    """Sentences written the same every year (the fee sentence): left out before texts are compared."""
    repeat_min_chars: int = 30
    """Texts shorter than this (what is left of them) are too short to judge as copied."""


@dataclass(frozen=True)
class ReportFormat:
    id: str
    name: str
    document: str
    year_from: int
    year_to: int | None
    title_template: str
    preamble: TextSpec
    sections: tuple[Section, ...]
    tables: tuple[Table, ...]
    rules: tuple[IdentityRule, ...]
    cross_year: CrossYear
    text_numbers: tuple[TextNumberRule, ...]
    fees_required: bool
    fee_keywords: tuple[str, ...]
    legal_basis: str | None = None
    """The legal basis as customarily cited in a preamble; None: the format document itself."""

    def table(self, key: str) -> Table:
        for table in self.tables:
            if table.key == key:
                return table
        raise KeyError(key)

    def covers_year(self, year: int) -> bool:
        return self.year_from <= year and (self.year_to is None or year <= self.year_to)

    def text_specs(self) -> tuple[TextSpec, ...]:
        """The preamble and every narrative key, in printed order."""
        return (self.preamble, *(t for s in self.sections for t in s.texts))

    def text_keys(self) -> tuple[str, ...]:
        return tuple(t.key for t in self.text_specs())

    def cell_specs(self) -> Iterator[CellSpec]:
        for table in self.tables:
            yield from table.cells

    def cell_spec(self, key: CellKey) -> CellSpec | None:
        try:
            return self.table(key[0]).cell(key[1], key[2])
        except KeyError:
            return None

    def standard_title(self, agency: str, year: int) -> str:
        return self.title_template.format(agency=agency, year=year)

    def has_fee_fields(self) -> bool:
        return any(s.fees for s in self.sections)
