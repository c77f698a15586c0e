"""What the writer and the reader of the Excel template agree on: sheet names, the hidden map, safe text.

The hidden sheet `_nianbao` (veryHidden, so a clerk never sees or edits it in Excel) maps every value cell,
text and metadata field to its sheet and cell, and records every label and header with its exact text, so
the reader can tell a clerk's edit of a value from a moved or deleted row or column.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from openpyxl.cell.cell import Cell

from services.errors import NianbaoError

MAP_SHEET = "_nianbao"
TEXT_SHEET = "文字与基本信息"
UNITS_TOTAL_SHEET = "汇总"
MAP_MARKER = "nianbao-excel"
MAP_SCHEMA_VERSION = 2
"""2: totals are formulas and the texts sheet shows names, not keys. Version 1 files are read too."""
READ_SCHEMA_VERSIONS = (1, 2)
MAP_FIRST_ROW = 4
"""Rows 1–3 of the map: marker and schema version, format id, column headings."""
RANGE_NAME = "_nianbao_{table}"
"""A hidden defined name per table: Excel moves it when a clerk inserts or deletes rows or columns."""
EXCEL_MAX_CHARS = 32767
"""Excel refuses longer cell text; a longer narrative goes on in the cells to its right."""

EntryKind = Literal["cell", "label", "range", "meta", "text", "explanation"]
ENTRY_KINDS: tuple[EntryKind, ...] = ("cell", "label", "range", "meta", "text", "explanation")
META_KEYS = (
    "agency",
    "agency_code",
    "year",
    "format",
    "title",
    "signed_by",
    "signed_on",
    "status",
    "fee_notices",
    "fee_amount_yuan",
)
STATUS_LABELS = {"draft": "草稿", "final": "定稿"}


class ExcelError(NianbaoError):
    """An Excel file cannot be written or read: not a template of this app, unsafe, altered or invalid."""


@dataclass(frozen=True)
class MapEntry:
    kind: EntryKind
    key: str
    """'t3/new/natural' for a cell, the table key for a label or range, the field or text key otherwise."""
    sheet: str
    cells: tuple[str, ...]
    """One coordinate ('D7'), a range for `range` ('A2:J29'), or several for a long text."""
    text: str | None = None
    """The exact label text, for `label` entries."""


# XML 1.0 cannot hold these; OOXML writes them as _xHHHH_ (as Excel does), and a literal '_xHHHH_' in the
# text is itself escaped as _x005F_xHHHH_, so that every text survives the round trip exactly.
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]|_(?=x[0-9A-Fa-f]{4}_)")
_ESCAPED = re.compile(r"_x([0-9A-Fa-f]{4})_")
FORMULA_STARTS = ("=", "+", "-", "@")


def escape_text(text: str) -> str:
    return _ILLEGAL.sub(lambda m: f"_x{ord(m.group()):04X}_", text)


def unescape_text(text: str) -> str:
    return _ESCAPED.sub(lambda m: chr(int(m.group(1), 16)), text)


def put_text(cell: Cell, text: str) -> None:
    """Store `text` as text whatever it looks like: '=SUM(A1)' or '@x' must never become a formula."""
    put_escaped(cell, escape_text(text))


def put_escaped(cell: Cell, escaped: str) -> None:
    """`put_text` for a text already escaped (a piece of `split_text`)."""
    cell.value = escaped
    cell.data_type = "s"
    if escaped.startswith(FORMULA_STARTS):
        # quotePrefix keeps Excel from reading it as a formula when the clerk edits the cell
        cell.quotePrefix = True


def split_text(text: str) -> list[str]:
    """An escaped text cut into pieces Excel can hold, never splitting an _xHHHH_ escape.

    The escapes are found by one left-to-right scan, as the reader decodes them: in `_x005F_x0041_` (a literal
    "_x0041_") the second `_x0041_` is not an escape, so only the first may not be cut.
    """
    escaped = escape_text(text)
    spans = [m.span() for m in _ESCAPED.finditer(escaped)]
    pieces: list[str] = []
    start = 0
    k = 0
    while len(escaped) - start > EXCEL_MAX_CHARS:
        cut = start + EXCEL_MAX_CHARS
        while k < len(spans) and spans[k][1] <= cut:
            k += 1
        if k < len(spans) and spans[k][0] < cut:  # an escape straddles the cut: it goes whole to the next piece
            cut = spans[k][0]
        pieces.append(escaped[start:cut])
        start = cut
    pieces.append(escaped[start:])
    return pieces


def cell_key_text(key: tuple[str, str, str]) -> str:
    return "/".join(key)
