"""A table as it is drawn on paper: a grid of cells with spans, derived from the format objects alone.

The form, the printout and the Excel template all draw from this one layout, so t2's caption rows, t3's
three-row header with its merged labels and t4's two-level header look the same everywhere.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Literal

from services.formats import CellKey, HeaderNode, ReportFormat, Table, per_format

Role = Literal["caption", "corner", "header", "label", "value", "computed"]


@dataclass(frozen=True)
class GridCell:
    row: int
    col: int
    text: str
    role: Role
    rowspan: int = 1
    colspan: int = 1
    key: CellKey | None = None
    """Set on value and computed cells."""


@dataclass(frozen=True)
class GridLayout:
    table: str
    rows: int
    cols: int
    cells: tuple[GridCell, ...]
    header_rows: int
    """Rows at the top that a printed table repeats on every page (0 for t2, whose headers are per block)."""
    _at: dict[tuple[int, int], GridCell] = field(default_factory=dict, repr=False, compare=False)
    _where: dict[CellKey, tuple[int, int]] = field(default_factory=dict, repr=False, compare=False)
    _covering: dict[tuple[int, int], GridCell] = field(default_factory=dict, repr=False, compare=False)

    def at(self, row: int, col: int) -> GridCell | None:
        """The cell whose top-left corner is at (row, col); None inside a span or outside the table."""
        return self._at.get((row, col))

    def position(self, key: CellKey) -> tuple[int, int]:
        return self._where[key]

    def value_cells(self) -> Iterator[GridCell]:
        return (c for c in self.cells if c.key is not None)

    def covering(self, row: int, col: int) -> GridCell | None:
        """The cell that covers (row, col), its top-left corner or inside its span."""
        if not self._covering:
            for cell in self.cells:
                for r in range(cell.row, cell.row + cell.rowspan):
                    for c in range(cell.col, cell.col + cell.colspan):
                        self._covering[(r, c)] = cell
        return self._covering.get((row, col))

    def next_value(self, key: CellKey, direction: Literal["right", "down", "left", "up"]) -> CellKey | None:
        """The nearest value cell from `key` in a direction, skipping labels and headers (Tab, Enter); going down
        from 表二's 现行有效 into the next block lands in the cell under it, whatever that cell spans."""
        start = self._at[self._where[key]]
        row, col = self._where[key]
        d_row, d_col = {"right": (0, 1), "down": (1, 0), "left": (0, -1), "up": (-1, 0)}[direction]
        # step out of the cell's own span first
        if d_row > 0:
            row = start.row + start.rowspan - 1
        if d_col > 0:
            col = start.col + start.colspan - 1
        row, col = row + d_row, col + d_col
        while 0 <= row < self.rows and 0 <= col < self.cols:
            cell = self.covering(row, col)
            if cell is not None and cell.key is not None and cell is not start:
                return cell.key
            row, col = row + d_row, col + d_col
        return None

    def in_column_of(self, anchor: CellKey, key: CellKey) -> CellKey | None:
        """The value cell in `key`'s row under `anchor`'s column (where Enter returns after a run of Tabs)."""
        row, col = self._where[key][0], self._where[anchor][1]
        cell = self.covering(row, col)
        return cell.key if cell is not None and cell.key is not None else None

    def block_targets(self, start: CellKey, n_rows: int, n_cols: int) -> list[list[CellKey | None]]:
        """Where a pasted block of n_rows × n_cols lands from `start`: value cells to the right and below,
        labels and headers skipped, None where the table ends."""
        targets: list[list[CellKey | None]] = []
        row_key: CellKey | None = start
        for _ in range(n_rows):
            line: list[CellKey | None] = []
            key = row_key
            for _ in range(n_cols):
                line.append(key)
                key = self.next_value(key, "right") if key is not None else None
            targets.append(line)
            row_key = self.next_value(row_key, "down") if row_key is not None else None
        return targets


def _finish(table: str, cells: list[GridCell], header_rows: int) -> GridLayout:
    rows = max(c.row + c.rowspan for c in cells)
    cols = max(c.col + c.colspan for c in cells)
    at = {(c.row, c.col): c for c in cells}
    where = {c.key: (c.row, c.col) for c in cells if c.key is not None}
    return GridLayout(table, rows, cols, tuple(cells), header_rows, at, where)


def _value(table: Table, row: int, col: int, row_key: str, col_key: str, colspan: int = 1) -> GridCell:
    spec = table.cell(row_key, col_key)
    assert spec is not None
    return GridCell(row, col, "", "computed" if spec.computed else "value", 1, colspan, spec.key)


def _blocks(table: Table) -> GridLayout:
    cells: list[GridCell] = []
    width = table.grid_columns
    r = 0
    for block in table.blocks:
        if block.caption:
            cells.append(GridCell(r, 0, block.caption, "caption", 1, width))
            r += 1
        cells.append(GridCell(r, 0, block.corner or "", "corner", 1, block.label_span))
        c = block.label_span
        for column in block.columns:
            cells.append(GridCell(r, c, column.label, "header", 1, column.span))
            c += column.span
        r += 1
        for row in block.rows:
            cells.append(GridCell(r, 0, row.label, "label", 1, block.label_span))
            c = block.label_span
            for column in block.columns:
                cells.append(_value(table, r, c, row.key, column.key, column.span))
                c += column.span
            r += 1
    return _finish(table.key, cells, 0)


def _leaf_count(node: HeaderNode) -> int:
    return sum(1 for _ in node.leaves())


def _grid(table: Table) -> GridLayout:
    cells: list[GridCell] = []
    depth = max(node.depth() for node in table.column_tree)
    label_cols = table.label_columns
    cells.append(GridCell(0, 0, table.corner or "", "corner", depth, label_cols))

    def place_columns(nodes: tuple[HeaderNode, ...], level: int, col: int) -> None:
        for node in nodes:
            width = _leaf_count(node)
            rowspan = 1 if node.children else depth - level
            cells.append(GridCell(level, col, node.label, "header", rowspan, width))
            place_columns(node.children, level + 1, col)
            col += width

    place_columns(table.column_tree, 0, label_cols)
    col_keys = [leaf.key for node in table.column_tree for leaf in node.leaves()]

    def place_rows(nodes: tuple[HeaderNode, ...], level: int, row: int) -> int:
        for node in nodes:
            if node.children:
                height = _leaf_count(node)
                cells.append(GridCell(row, level, node.label, "label", height, 1))
                row = place_rows(node.children, level + 1, row)
            else:
                assert node.key is not None
                cells.append(GridCell(row, level, node.label, "label", 1, label_cols - level))
                for i, col_key in enumerate(col_keys):
                    assert col_key is not None
                    cells.append(_value(table, row, label_cols + i, node.key, col_key))
                row += 1
        return row

    place_rows(table.row_tree, 0, depth)
    return _finish(table.key, cells, depth)


def _wide(table: Table) -> GridLayout:
    """t4: the stored rows side by side under a two-level header, one printed data row."""
    cells: list[GridCell] = []
    columns = table.blocks[0].columns
    width = len(columns)
    col = 0
    data_row = 3
    for group in table.row_groups:
        single = len(group.rows) == 1 and table.row(group.rows[0]).label == group.label
        if single:
            cells.append(GridCell(0, col, group.label, "header", 2, width))
        else:
            cells.append(GridCell(0, col, group.label, "header", 1, width * len(group.rows)))
        for i, row_key in enumerate(group.rows):
            start = col + i * width
            if not single:
                cells.append(GridCell(1, start, table.row(row_key).label, "header", 1, width))
            for j, column in enumerate(columns):
                cells.append(GridCell(2, start + j, column.label, "header"))
                cells.append(_value(table, data_row, start + j, row_key, column.key))
        col += width * len(group.rows)
    return _finish(table.key, cells, data_row)


@per_format
def _layouts(fmt: ReportFormat) -> Mapping[str, GridLayout]:
    builders = {"blocks": _blocks, "grid": _grid, "wide": _wide}
    return {table.key: builders[table.layout](table) for table in fmt.tables}


def grid_layout(fmt: ReportFormat, table_key: str) -> GridLayout:
    """The paper grid of one table of a format (computed once per format)."""
    layouts = _layouts(fmt)
    if table_key not in layouts:
        raise KeyError(table_key)
    return layouts[table_key]
