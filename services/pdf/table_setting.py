"""How big a table is set: its type size, padding and column widths, and where it may break across pages.

Pure layout arithmetic over services.grid_layout, with the text measured by a function the caller gives (the
PDF's own faces, or an estimate for Word and HTML), so the printed, Word and web tables share one setting.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from math import ceil, floor

from services.errors import NianbaoError
from services.grid_layout import GridLayout

Measure = Callable[[str, float], float]
"""The width of a string at a type size."""

TYPE_SIZES: Mapping[str, tuple[float, ...]] = {
    "blocks": (12.0, 10.5, 9.0),
    "grid": (10.5, 10.0, 9.0, 8.0),
    "wide": (10.0, 9.0, 8.0, 7.5),
}
"""Type sizes per table layout, largest first: t2 小四, t3 五号 down to 小五 and below, t4's fifteen columns
smaller. A table steps down until its numbers fit their columns and (where it can) the whole table one page."""
PADDINGS = {"blocks": 3.0, "grid": 2.0, "wide": 2.0}
"""Points of padding each side of a cell's text."""
LEADING = 1.2
CLEARANCE = 1.0
"""Points a number keeps from each border beyond the padding."""
LABEL_SHARE = 0.3
"""Row labels never get less than this share of the width, however short they are."""
MIN_FRAGMENT = 3
"""Rows (below the header) a table piece must have on either side of a page break."""


class TableOverflowError(NianbaoError):
    """A value too wide for its column even in the smallest type."""


def estimate_width(text: str, size: float) -> float:
    """A face-independent width: full-width characters one em, the rest half (Word and HTML tables)."""
    return sum(size if unicodedata.east_asian_width(ch) in "WF" else size / 2 for ch in text)


@dataclass(frozen=True)
class TableSetting:
    size: float
    pad: float
    widths: tuple[float, ...]

    @property
    def leading(self) -> float:
        return self.size * LEADING


def _group_width(layout: GridLayout, col: int, size: float, pad: float) -> float:
    """A column of labels standing over several rows (三、本年度办理结果, （三）不予公开): as few characters per
    line as keep the label within the rows it spans."""
    row_height = size * LEADING + 2 * pad
    chars = 1
    for cell in layout.cells:
        if cell.role == "label" and cell.col == col and cell.colspan == 1:
            lines = max(1, floor((cell.rowspan * row_height - 2 * pad) / (size * LEADING)))
            chars = max(chars, ceil(len(cell.text) / lines))
    return chars * size + 2 * pad + 1


def column_widths(
    layout: GridLayout,
    texts: Mapping[tuple[int, int], str],
    size: float,
    pad: float,
    available: float,
    measure: Measure = estimate_width,
) -> list[float]:
    """Widths of the grid's columns, summing to `available`: value columns as wide as their widest value or
    half their header, row labels the rest."""
    value_cols = sorted({c.col for c in layout.value_cells()})
    if len(value_cols) == layout.cols:
        return [available / layout.cols] * layout.cols
    label_cols = [c for c in range(layout.cols) if c not in value_cols]
    group_cols = [
        c for c in label_cols[:-1] if any(g.role == "label" and g.col == c and g.rowspan > 1 for g in layout.cells)
    ]
    plain_cols = [c for c in label_cols if c not in group_cols]
    widths = dict.fromkeys(range(layout.cols), 0.0)
    for c in group_cols:
        widths[c] = _group_width(layout, c, size, pad)
    rest = available - sum(widths.values())

    headers = [c.text for c in layout.cells if c.role == "header" and c.colspan == 1 and c.col in value_cols]
    values = [texts[(c.row, c.col)] for c in layout.value_cells() if c.colspan == 1]
    value_need = max(
        [ceil(len(h) / 2) * size for h in headers] + [measure(v, size) for v in values] + [2 * size]
    ) + 2 * (pad + CLEARANCE)
    label_need = max(
        (
            measure(c.text, size) + 2 * pad
            for c in layout.cells
            if c.role in ("label", "corner") and c.col in plain_cols
        ),
        default=0.0,
    )
    label_part = max(min(label_need, rest - value_need * len(value_cols)), LABEL_SHARE * available)
    for c in plain_cols:
        widths[c] = label_part / len(plain_cols)
    for c in value_cols:
        widths[c] = (rest - label_part) / len(value_cols)
    return [widths[c] for c in range(layout.cols)]


def overflowing(
    layout: GridLayout, texts: Mapping[tuple[int, int], str], setting: TableSetting, measure: Measure
) -> tuple[int, int] | None:
    """The first value cell whose number would come closer to a border than the clearance, or None."""
    for cell in layout.value_cells():
        text = texts[(cell.row, cell.col)]
        room = sum(setting.widths[cell.col : cell.col + cell.colspan]) - 2 * (setting.pad + CLEARANCE)
        if text and measure(text, setting.size) > room + 1e-6:
            return cell.row, cell.col
    return None


def choose_setting(
    layout: GridLayout,
    texts: Mapping[tuple[int, int], str],
    kind: str,
    available: float,
    page_height: float,
    measure: Measure,
    height: Callable[[TableSetting], float],
    where: Callable[[int, int], str],
) -> TableSetting:
    """The largest type at which every number fits its column with clearance and the whole table fits
    `page_height`; failing the latter, the largest at which the numbers fit (the table then breaks across
    pages). Raises TableOverflowError naming the cell when a number fits at no size."""
    pad = PADDINGS[kind]
    fitting: list[TableSetting] = []
    last_overflow: tuple[int, int] | None = None
    for size in TYPE_SIZES[kind]:
        setting = TableSetting(size, pad, tuple(column_widths(layout, texts, size, pad, available, measure)))
        if (last_overflow := overflowing(layout, texts, setting, measure)) is not None:
            continue
        if height(setting) <= page_height:
            return setting
        fitting.append(setting)
    if fitting:
        return fitting[0]
    assert last_overflow is not None
    row, col = last_overflow
    raise TableOverflowError(
        f"{where(row, col)}的数字“{texts[(row, col)]}”太长，即使用最小字号也超出表格边框。请核对这个数字。"
    )


_TIERS: dict[int, tuple[GridLayout, dict[int, int]]] = {}


def break_tiers(layout: GridLayout) -> dict[int, int]:
    """break_tiers_of, once per layout (a table is split and measured many times)."""
    known = _TIERS.get(id(layout))
    if known is None or known[0] is not layout:
        known = _TIERS[id(layout)] = (layout, break_tiers_of(layout))
    return known[1]


def break_tiers_of(layout: GridLayout) -> dict[int, int]:
    """Rows before which the table may break across pages: tier 0 between whole row groups, tier 1 inside an
    outermost spanning label (which the next piece continues with （续）), tier 2 inside an inner one (only a
    group taller than a page). t2 breaks only before a block."""
    first_body = layout.header_rows
    tiers: dict[int, int] = {}
    if layout.header_rows == 0:  # blocks: each starts with its caption (or its own header row)
        starts = {c.row for c in layout.cells if c.role == "caption"} or {
            c.row for c in layout.cells if c.role == "corner"
        }
        return {r: 0 for r in starts if r > 0}
    for r in range(first_body + 1, layout.rows):
        crossing = [c for c in layout.cells if c.role == "label" and c.row < r < c.row + c.rowspan]
        if not crossing:
            tiers[r] = 0
        else:
            tiers[r] = 1 if all(c.col == 0 for c in crossing) else 2
    return tiers


def choose_break(
    start: int, rows: int, tiers: Mapping[int, int], fits: Callable[[int], bool], allow_tier: int
) -> int | None:
    """The last row break after `start` whose piece fits, leaving at least MIN_FRAGMENT rows on each side;
    breaks of the lowest tier first."""
    for tier in range(allow_tier + 1):
        candidates = sorted(
            (r for r, t in tiers.items() if t <= tier and start + MIN_FRAGMENT <= r and rows - r >= MIN_FRAGMENT),
            reverse=True,
        )
        for r in candidates:
            if fits(r):
                return r
    return None


def continued(text: str) -> str:
    return f"{text}（续）"


def cell_name(layout: GridLayout, row: int, col: int) -> str:
    """A value cell as the clerk reads it: its row label and its column headers."""
    labels = [c.text for c in layout.cells if c.role == "label" and c.row <= row < c.row + c.rowspan and c.text]
    headers = [
        c.text
        for c in sorted(layout.cells, key=lambda c: c.row)
        if c.role == "header" and c.col <= col < c.col + c.colspan and c.text
    ]
    return "·".join([*labels[-1:], *headers])


def estimated_height(layout: GridLayout, texts: Mapping[tuple[int, int], str], setting: TableSetting) -> float:
    """A table's height from estimated text widths: each row as tall as its tallest single-row cell."""
    rows = [setting.leading + 2 * setting.pad] * layout.rows
    for cell in layout.cells:
        if cell.rowspan != 1:
            continue
        room = max(1.0, sum(setting.widths[cell.col : cell.col + cell.colspan]) - 2 * setting.pad)
        lines = max(1, ceil(estimate_width(texts[(cell.row, cell.col)], setting.size) / room))
        rows[cell.row] = max(rows[cell.row], lines * setting.leading + 2 * setting.pad)
    return sum(rows)


def estimated_setting(
    layout: GridLayout, texts: Mapping[tuple[int, int], str], kind: str, available: float, page_height: float
) -> TableSetting:
    """The setting for Word and HTML, which measure text with no face at hand; a number too wide at every size
    is left to wrap there (the PDF is where it is refused)."""
    try:
        return choose_setting(
            layout,
            texts,
            kind,
            available,
            page_height,
            estimate_width,
            lambda setting: estimated_height(layout, texts, setting),
            lambda r, c: "",
        )
    except TableOverflowError:
        size = TYPE_SIZES[kind][-1]
        pad = PADDINGS[kind]
        return TableSetting(size, pad, tuple(column_widths(layout, texts, size, pad, available)))
