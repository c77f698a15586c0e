"""One report table as a Qt model: the paper grid of services.grid_layout over the open report.

Every answer to `data()` comes from a per-role cache rebuilt when the session says something changed: a
repaint of t3 asks for a dozen roles of some 280 cells, and each call crosses from C++ into Python, so the
lookups must be plain dict reads.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

from services.editing import EditOutcome
from services.formats import CellKey
from services.grid_layout import GridCell, GridLayout
from ui.report_session import ReportSession

ModelIndex = QModelIndex | QPersistentModelIndex
Position = tuple[int, int]

HEADER_BRUSH = QBrush(QColor(235, 235, 235))
COMPUTED_BRUSH = QBrush(QColor(226, 233, 242))
VALUE_BRUSH = QBrush(QColor(255, 255, 255))
ERROR_BRUSH = QBrush(QColor(248, 208, 208))
COMPUTED_TIP = "合计，由程序自动计算"

_CENTRE = Qt.AlignmentFlag.AlignCenter
_LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
_DISPLAY = int(Qt.ItemDataRole.DisplayRole)
_EDIT = int(Qt.ItemDataRole.EditRole)
_ALIGN = int(Qt.ItemDataRole.TextAlignmentRole)
_BACKGROUND = int(Qt.ItemDataRole.BackgroundRole)
_TOOLTIP = int(Qt.ItemDataRole.ToolTipRole)
_SHOWN_ROLES = [
    Qt.ItemDataRole.DisplayRole,
    Qt.ItemDataRole.EditRole,
    Qt.ItemDataRole.BackgroundRole,
    Qt.ItemDataRole.ToolTipRole,
]


class ReportTableModel(QAbstractTableModel):
    """The cells of one table of the open report, laid out as on paper (spans, captions, headers)."""

    def __init__(self, layout: GridLayout, session: ReportSession, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.layout = layout
        self.session = session
        self._cells: dict[Position, GridCell] = {(c.row, c.col): c for c in layout.cells}
        self._covered: set[Position] = {
            (c.row + r, c.col + k) for c in layout.cells for r in range(c.rowspan) for k in range(c.colspan)
        } - set(self._cells)
        value_cells = list(layout.value_cells())
        self._value_positions: dict[CellKey, Position] = {
            c.key: (c.row, c.col) for c in value_cells if c.key is not None
        }
        rows = [c.row for c in value_cells] or [0]
        cols = [c.col for c in value_cells] or [0]
        self._value_area = (min(rows), min(cols), max(rows), max(cols))
        self._alignment: dict[Position, Qt.AlignmentFlag] = {}
        for pos, cell in self._cells.items():
            self._alignment[pos] = _LEFT if cell.role == "label" else _CENTRE
        self._text: dict[Position, str] = {}
        self._background: dict[Position, QBrush] = {}
        self._tooltip: dict[Position, str] = {}
        self._flags: dict[Position, Qt.ItemFlag] = {}
        self._roles: dict[int, dict[Position, Any]] = {
            _DISPLAY: self._text,
            _EDIT: self._text,
            _ALIGN: self._alignment,
            _BACKGROUND: self._background,
            _TOOLTIP: self._tooltip,
        }
        self._rebuild()
        session.changed.connect(self._on_changed)
        session.reloaded.connect(self._on_reloaded)

    # ------------------------------------------------------------ Qt model interface

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008 (Qt's own default)
        return 0 if parent.isValid() else self.layout.rows

    def columnCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else self.layout.cols

    def data(self, index: ModelIndex, role: int = _DISPLAY) -> Any:
        table = self._roles.get(role)
        if table is None:
            return None
        return table.get((index.row(), index.column()))

    def flags(self, index: ModelIndex) -> Qt.ItemFlag:
        return self._flags.get((index.row(), index.column()), Qt.ItemFlag.NoItemFlags)

    def setData(self, index: ModelIndex, value: Any, role: int = _EDIT) -> bool:
        """What the clerk typed: one service call; an invalid entry changes nothing (`failed` says why)."""
        if role != _EDIT or not index.isValid():
            return False
        cell = self._cells.get((index.row(), index.column()))
        if cell is None or cell.key is None or cell.role != "value":
            return False
        outcome = self.session.set_cell_text(cell.key, "" if value is None else str(value))
        return outcome.ok

    # ------------------------------------------------------------ grid helpers

    def spans(self) -> list[tuple[int, int, int, int]]:
        """(row, col, rowspan, colspan) of every merged cell, for QTableView.setSpan."""
        return [(c.row, c.col, c.rowspan, c.colspan) for c in self.layout.cells if c.rowspan > 1 or c.colspan > 1]

    def cell_at(self, index: ModelIndex) -> GridCell | None:
        """The paper cell whose top-left corner is at `index` (None inside a span)."""
        return self._cells.get((index.row(), index.column())) if index.isValid() else None

    def key_at(self, index: ModelIndex) -> CellKey | None:
        cell = self.cell_at(index)
        return None if cell is None else cell.key

    def index_of(self, key: CellKey) -> QModelIndex:
        pos = self._value_positions.get(key)
        return QModelIndex() if pos is None else self.index(*pos)

    def is_editable_value(self, index: ModelIndex) -> bool:
        return bool(self.flags(index) & Qt.ItemFlag.ItemIsEditable)

    # ------------------------------------------------------------ refresh

    def _rebuild(self) -> None:
        editor = self.session.editor
        editable = not editor.read_only
        marked: dict[CellKey, list[str]] = {}
        for finding in editor.findings:
            if finding.severity == "error":
                for key in finding.cells:
                    if key in self._value_positions:
                        marked.setdefault(key, []).append(finding.message)
        selectable = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        for pos, cell in self._cells.items():
            if cell.key is None:
                self._text[pos] = cell.text
                if cell.role != "label":
                    self._background[pos] = HEADER_BRUSH
                self._flags[pos] = selectable
                continue
            self._text[pos] = editor.cell_text(cell.key)
            messages = marked.get(cell.key)
            computed = cell.role == "computed"
            if messages:
                self._background[pos] = ERROR_BRUSH
                tip = "\n".join(dict.fromkeys(messages))
                self._tooltip[pos] = f"{COMPUTED_TIP}\n{tip}" if computed else tip
            else:
                self._background[pos] = COMPUTED_BRUSH if computed else VALUE_BRUSH
                if computed:
                    self._tooltip[pos] = COMPUTED_TIP
                else:
                    self._tooltip.pop(pos, None)
            self._flags[pos] = selectable | Qt.ItemFlag.ItemIsEditable if editable and not computed else selectable

    def _on_changed(self, outcome: EditOutcome) -> None:
        # Only the cells whose text, colour or tooltip moved are announced: repainting the whole grid after
        # every keystroke costs more than the edit itself.
        positions = self._value_positions.values()
        before = {pos: self._look(pos) for pos in positions}
        self._rebuild()
        for pos in positions:
            if self._look(pos) != before[pos]:
                index = self.index(*pos)
                self.dataChanged.emit(index, index, _SHOWN_ROLES)

    def _look(self, pos: Position) -> tuple[object, ...]:
        return (self._text.get(pos), self._background.get(pos), self._tooltip.get(pos), self._flags.get(pos))

    def _on_reloaded(self) -> None:
        self._rebuild()
        self.dataChanged.emit(self.index(0, 0), self.index(self.layout.rows - 1, self.layout.cols - 1))
