"""A report's value cells packed into one text, as 汇总 adds them: summing 10,000 stored reports then reads
10,000 short texts instead of two million cell rows, which SQLite cannot even group in under a second.

The pack is derived data kept beside the report (`report.summands`, written by services/storage.py with every cell
write), like the check counts. It holds what services/aggregate.py adds: every value cell (never a computed
total), an empty cell as 0. It starts with a tag of the format's cell layout, so a pack made under another
version of a format file is not read as this one's (it is made again from the cells).
"""

from __future__ import annotations

import zlib
from collections.abc import Mapping
from dataclasses import dataclass

from services.formats import CellKey, ReportFormat, per_format


@dataclass(frozen=True)
class Layout:
    """Where each value cell sits in a pack of this format."""

    counts: tuple[CellKey, ...]
    """Value cells holding whole numbers (counts and signed counts), in the order packed."""
    amounts: tuple[CellKey, ...]
    """Value cells holding amounts (万元, decimal)."""
    tag: str


@per_format
def layout(fmt: ReportFormat) -> Layout:
    values = [spec for spec in fmt.cell_specs() if not spec.computed]
    counts = tuple(spec.key for spec in values if spec.kind != "amount")
    amounts = tuple(spec.key for spec in values if spec.kind == "amount")
    keys = ";".join(".".join(key) for key in counts) + "|" + ";".join(".".join(key) for key in amounts)
    return Layout(counts, amounts, f"{fmt.id}:{zlib.crc32(keys.encode()):08x}")


def pack(fmt: ReportFormat, values: Mapping[CellKey, str]) -> str:
    """The pack of a report's stored cell texts (canonical, services.values.to_text); an absent cell is 0."""
    shape = layout(fmt)
    counts = ",".join(values.get(key, "0") for key in shape.counts)
    amounts = ",".join(values.get(key, "0") for key in shape.amounts)
    return f"{shape.tag}|{counts}|{amounts}"


def unpack(fmt: ReportFormat, packed: str) -> tuple[list[str], list[str]] | None:
    """(count texts, amount texts) in the layout's order; None for a pack of another layout."""
    tag, _, rest = packed.partition("|")
    shape = layout(fmt)
    if tag != shape.tag:
        return None
    counts, _, amounts = rest.partition("|")
    count_texts = counts.split(",") if shape.counts else []
    amount_texts = amounts.split(",") if shape.amounts else []
    if len(count_texts) != len(shape.counts) or len(amount_texts) != len(shape.amounts):
        return None
    return count_texts, amount_texts


def well_formed(fmt: ReportFormat, packed: str) -> bool:
    """Whether a pack is of this format's layout and has a text for every cell (without splitting it: 汇总 checks
    10,000 of them)."""
    shape = layout(fmt)
    commas = max(len(shape.counts) - 1, 0) + max(len(shape.amounts) - 1, 0)
    return packed.startswith(shape.tag + "|") and packed.count("|") == 2 and packed.count(",") == commas


def holds_value(fmt: ReportFormat, key: CellKey) -> bool:
    """Whether a cell is packed (a value cell), so that a change to it must repack."""
    spec = fmt.cell_spec(key)
    return spec is not None and not spec.computed
