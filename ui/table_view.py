"""The grid a clerk types into, with the keyboard habits of Excel/WPS.

Typing on a selected cell replaces its content; Enter commits and goes down, Tab right, Shift+Tab left; the
arrows jump between value cells; Delete clears; Ctrl+C/Ctrl+V copy and paste tab-separated blocks (all or
nothing); Ctrl+Z/Ctrl+Y undo and redo. Every change goes through the ReportSession, whose `failed` signal
carries the reason to the status bar.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Literal

from PySide6.QtCore import (
    QAbstractItemModel,
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QPoint,
    QRect,
    QSize,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QGuiApplication, QKeyEvent, QKeySequence, QResizeEvent
from PySide6.QtWidgets import (
    QAbstractItemDelegate,
    QAbstractItemView,
    QLineEdit,
    QMenu,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QWidget,
)

from services.editing import EditOutcome
from services.formats import CellKey
from ui.table_model import ReportTableModel

Direction = Literal["right", "down", "left", "up"]
ModelIndex = QModelIndex | QPersistentModelIndex

NUMBER_CHARS = 4.2
"""A number column holds four Chinese characters per line and not five, so six- and seven-character headers
(社会公益组织, 上一年项目数量) wrap evenly instead of leaving one character on a line of its own."""
LABEL_MAX_WIDTH = 220
"""A single label column never grows beyond this: longer labels wrap onto a second line."""
NUMBER_MIN_CHARS = 2.6
"""…and then number columns narrow to two characters a line (结果/维持), never narrower than their numbers."""
LABEL_MIN_WIDTH = 90
"""On a narrow screen labels wrap down to this width per column before the numbers need a scroll bar."""
_PAD_X = 16
_PAD_Y = 8
_ROWS = re.compile(r"\r?\n")


class CellDelegate(QStyledItemDelegate):
    """A plain line editor for a value cell; Enter/Tab commit at once and tell the view where to go next."""

    navigate = Signal(str, bool)
    """(direction, whether the committed text was accepted)."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.pending_text: str | None = None
        """The key the clerk typed to start editing: the editor starts with it instead of the old value."""
        self.last_ok = True

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem, index: ModelIndex) -> QWidget:
        editor = QLineEdit(parent)
        editor.setFrame(False)
        editor.setAlignment(Qt.AlignmentFlag.AlignCenter)
        return editor

    def setEditorData(self, editor: QWidget, index: ModelIndex) -> None:
        if not isinstance(editor, QLineEdit):
            super().setEditorData(editor, index)
            return
        if self.pending_text is not None:
            editor.setText(self.pending_text)
            self.pending_text = None
        else:
            editor.setText(str(index.data(Qt.ItemDataRole.EditRole) or ""))

    def setModelData(self, editor: QWidget, model: QAbstractItemModel, index: ModelIndex) -> None:
        if isinstance(editor, QLineEdit):
            self.last_ok = model.setData(index, editor.text(), Qt.ItemDataRole.EditRole)
        else:
            super().setModelData(editor, model, index)

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        if isinstance(obj, QLineEdit) and event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            direction = _commit_direction(event)
            if direction is not None:
                # Qt's own handling of Enter commits later through a queued call; the clerk's next key
                # must already find the value saved and the cursor on the next cell.
                self.last_ok = True
                self.commitData.emit(obj)
                self.closeEditor.emit(obj, QAbstractItemDelegate.EndEditHint.NoHint)
                self.navigate.emit(direction, self.last_ok)
                return True
        return super().eventFilter(obj, event)


def _commit_direction(event: QKeyEvent) -> Direction | None:
    key = event.key()
    shift = bool(event.modifiers() & Qt.KeyboardModifier.ShiftModifier)
    if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
        return "up" if shift else "down"
    if key == Qt.Key.Key_Backtab or (key == Qt.Key.Key_Tab and shift):
        return "left"
    if key == Qt.Key.Key_Tab:
        return "right"
    return None


_ARROWS: dict[QAbstractItemView.CursorAction, Direction] = {
    QAbstractItemView.CursorAction.MoveUp: "up",
    QAbstractItemView.CursorAction.MoveDown: "down",
    QAbstractItemView.CursorAction.MoveLeft: "left",
    QAbstractItemView.CursorAction.MoveRight: "right",
    QAbstractItemView.CursorAction.MoveNext: "right",
    QAbstractItemView.CursorAction.MovePrevious: "left",
}


def _is_undo(event: QKeyEvent) -> bool:
    return event.matches(QKeySequence.StandardKey.Undo)


def _is_redo(event: QKeyEvent) -> bool:
    ctrl = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
    return (
        event.matches(QKeySequence.StandardKey.Redo)
        or (event.key() == Qt.Key.Key_Y and ctrl == Qt.KeyboardModifier.ControlModifier)
        or (
            event.key() == Qt.Key.Key_Z
            and ctrl == Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
        )
    )


def _own_shortcut(event: QKeyEvent) -> bool:
    return (
        _is_undo(event)
        or _is_redo(event)
        or event.matches(QKeySequence.StandardKey.Copy)
        or event.matches(QKeySequence.StandardKey.Cut)
        or event.matches(QKeySequence.StandardKey.Paste)
    )


class ReportTableView(QTableView):
    """The paper grid of one table: spans as printed, Qt's own headers hidden."""

    notice = Signal(str)
    """A hint for the status bar that no edit produced (e.g. typing on a total)."""

    def __init__(self, model: ReportTableModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setModel(model)
        self._model = model
        self.delegate = CellDelegate(self)
        self.setItemDelegate(self.delegate)
        self.delegate.navigate.connect(self._after_commit)
        self.horizontalHeader().hide()
        self.verticalHeader().hide()
        self.setWordWrap(True)
        self.setTextElideMode(Qt.TextElideMode.ElideNone)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setEditTriggers(
            QAbstractItemView.EditTrigger.AnyKeyPressed
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.DoubleClicked
        )
        # Qt draws grid lines right of and below each cell: the top and left border of the paper come from here.
        self.setStyleSheet(
            "QTableView { gridline-color: #7a7a7a; border: none;"
            " border-top: 1px solid #7a7a7a; border-left: 1px solid #7a7a7a; }"
        )
        for row, col, rowspan, colspan in model.spans():
            self.setSpan(row, col, rowspan, colspan)
        self._fit()
        model.session.cell_requested.connect(self._on_cell_requested)
        model.session.failed.connect(self._keep_unsaved)
        self._fitted_for = 0
        """The viewport width the columns were last fitted to."""
        model.dataChanged.connect(self._widen_for)
        self._tab_from: tuple[CellKey, CellKey] | None = None
        """(where a run of Tabs started, where it is now): Enter then goes to the next row's start, as in Excel."""
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.customContextMenuRequested.connect(self._context_menu)
        first = next(model.layout.value_cells(), None)
        if first is not None and first.key is not None:
            self.setCurrentIndex(model.index_of(first.key))

    # ------------------------------------------------------------ public

    def current_key(self) -> CellKey | None:
        return self._model.key_at(self.currentIndex())

    def select_key(self, key: CellKey) -> None:
        """Select one cell and scroll to it (the check panel's 定位)."""
        index = self._model.index_of(key)
        if not index.isValid():
            return
        selection = self.selectionModel()
        selection.setCurrentIndex(index, selection.SelectionFlag.ClearAndSelect)
        self.scrollTo(index)

    def selected_keys(self) -> list[CellKey]:
        keys = [self._model.key_at(i) for i in self._sorted_selection()]
        return [k for k in keys if k is not None]

    def copy_selection(self) -> str:
        """The selection as Excel/WPS write it: tab between cells, newline between rows."""
        indexes = self._sorted_selection()
        if not indexes:
            return ""
        top = min(i.row() for i in indexes)
        left = min(i.column() for i in indexes)
        bottom = max(i.row() for i in indexes)
        right = max(i.column() for i in indexes)
        grid = [[""] * (right - left + 1) for _ in range(bottom - top + 1)]
        for index in indexes:
            grid[index.row() - top][index.column() - left] = str(index.data(Qt.ItemDataRole.DisplayRole) or "")
        text = "\n".join("\t".join(line) for line in grid)
        QGuiApplication.clipboard().setText(text)
        return text

    def undo(self) -> None:
        self._model.session.undo()

    def redo(self) -> None:
        self._model.session.redo()

    def clear_selection_values(self) -> None:
        """Delete: the selected value cells become empty (totals follow)."""
        keys = self.selected_keys()
        if keys:
            self._model.session.clear(keys)

    def cut_selection(self) -> None:
        """Ctrl+X as in Excel: copied, then the value cells cleared."""
        if self.copy_selection():
            self.clear_selection_values()

    def paste_clipboard(self) -> None:
        self.paste_text(QGuiApplication.clipboard().text())

    def paste_text(self, text: str) -> None:
        """Paste a tab/newline block from the current cell on; all or nothing (the session says why)."""
        start = self.current_key()
        if start is None:
            self.notice.emit("请先选中要粘贴到的第一个单元格。")
            return
        text = text.rstrip("\r\n")
        if not text:
            self.notice.emit("剪贴板中没有可粘贴的数值。")
            return
        block = [line.split("\t") for line in _ROWS.split(text)]
        targets = self._model.layout.block_targets(start, len(block), max(len(line) for line in block))
        session = self._model.session
        outcome = session.paste(targets, block)
        if outcome.ok:
            self._select_block(targets)

    # ------------------------------------------------------------ keyboard

    def event(self, event: QEvent) -> bool:
        # A window-wide 撤销/复制 action would otherwise take these keys before the grid sees them.
        if (
            event.type() == QEvent.Type.ShortcutOverride
            and isinstance(event, QKeyEvent)
            and self.state() != QAbstractItemView.State.EditingState
            and _own_shortcut(event)
        ):
            event.accept()
            return True
        return super().event(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if self.state() == QAbstractItemView.State.EditingState:
            super().keyPressEvent(event)
            return
        session = self._model.session
        key = event.key()
        plain = not (
            event.modifiers()
            & (Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier | Qt.KeyboardModifier.MetaModifier)
        )
        if _is_undo(event):
            session.undo()
        elif _is_redo(event):
            session.redo()
        elif event.matches(QKeySequence.StandardKey.Copy):
            self.copy_selection()
        elif event.matches(QKeySequence.StandardKey.Cut):
            self.cut_selection()
        elif event.matches(QKeySequence.StandardKey.Paste):
            self.paste_clipboard()
        elif key in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace) and plain:
            self.clear_selection_values()
        elif key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            shift = event.modifiers() & Qt.KeyboardModifier.ShiftModifier
            self._move("up" if shift else "down")
        elif plain and event.text() and event.text().isprintable():
            self._start_typing(event.text())
        else:
            super().keyPressEvent(event)

    def focusNextPrevChild(self, next: bool) -> bool:
        # Tab at a row's end stays in the grid, as in Excel (Ctrl+Tab goes on to the next tab)
        if self.tabKeyNavigation() and self.current_key() is not None:
            key = Qt.Key.Key_Tab if next else Qt.Key.Key_Backtab
            self.keyPressEvent(QKeyEvent(QEvent.Type.KeyPress, key, Qt.KeyboardModifier.NoModifier))
            return True
        return super().focusNextPrevChild(next)

    def moveCursor(self, cursorAction: QAbstractItemView.CursorAction, modifiers: Qt.KeyboardModifier) -> QModelIndex:
        direction = _ARROWS.get(cursorAction)
        current = self.current_key()
        if direction is None or current is None:
            return super().moveCursor(cursorAction, modifiers)
        tab = cursorAction in (QAbstractItemView.CursorAction.MoveNext, QAbstractItemView.CursorAction.MovePrevious)
        target = self._target(current, direction, tab=tab)
        return self.currentIndex() if target is None else self._model.index_of(target)

    # ------------------------------------------------------------ internals

    def _start_typing(self, text: str) -> None:
        index = self.currentIndex()
        cell = self._model.cell_at(index)
        if cell is None or cell.key is None:
            return
        if not self._model.is_editable_value(index):
            if self._model.session.editor.read_only:
                self.notice.emit("报告已定稿，不能修改。如需修改，请先“重新打开”。")
            else:
                self.notice.emit("合计由程序自动计算，不能直接修改。")
            return
        self.delegate.pending_text = text
        self.edit(index)
        self.delegate.pending_text = None
        editor = self.indexWidget(index)
        if isinstance(editor, QLineEdit):
            # Qt selects an editor's whole text on opening; the typed key must stay and the next one follow.
            editor.deselect()
            editor.end(False)

    def _after_commit(self, direction: str, ok: bool) -> None:
        # from the cell editor: Tab and Shift+Tab commit "right"/"left", Enter "down"/"up"
        if ok and direction in ("right", "down", "left", "up"):
            self._move(direction, tab=direction in ("right", "left"))  # type: ignore[arg-type]

    def _move(self, direction: Direction, *, tab: bool = False) -> None:
        current = self.current_key()
        if current is None:
            return
        target = self._target(current, direction, tab=tab)
        if target is not None:
            self.select_key(target)

    def _target(self, current: CellKey, direction: Direction, *, tab: bool) -> CellKey | None:
        """Where a key goes, as in Excel: Tab skips the totals the program computes (nothing to type there) and
        remembers where its run began; Enter after a run of Tabs goes to the next row under where it began;
        the arrows visit every cell."""
        layout = self._model.layout
        run, self._tab_from = self._tab_from, None
        if tab:
            target = layout.next_value(current, direction)
            while target is not None and self._computed(target):
                target = layout.next_value(target, direction)
            if target is not None:
                began = run[0] if run is not None and run[1] == current else current
                self._tab_from = (began, target)
            return target
        if direction == "down" and run is not None and run[1] == current:
            row_start = layout.in_column_of(run[0], current)
            if row_start is not None:
                return layout.next_value(row_start, "down")
        return layout.next_value(current, direction)

    def _computed(self, key: CellKey) -> bool:
        spec = self._model.session.editor.format.cell_spec(key)
        return spec is None or spec.computed

    def _context_menu(self, at: QPoint) -> None:
        """The right-click menu of a grid: what Excel's offers for cells."""
        menu = QMenu(self)
        editor = self._model.session.editor
        writable = not editor.read_only
        entries: tuple[tuple[str, QKeySequence.StandardKey, Callable[[], object], bool], ...] = (
            ("剪切", QKeySequence.StandardKey.Cut, self.cut_selection, writable),
            ("复制", QKeySequence.StandardKey.Copy, self.copy_selection, True),
            ("粘贴", QKeySequence.StandardKey.Paste, self.paste_clipboard, writable),
            ("清除内容", QKeySequence.StandardKey.Delete, self.clear_selection_values, writable),
            ("撤销", QKeySequence.StandardKey.Undo, self.undo, writable and editor.can_undo()),
            ("恢复", QKeySequence.StandardKey.Redo, self.redo, writable and editor.can_redo()),
        )
        for n, (text, shortcut, slot, enabled) in enumerate(entries):
            if n == 4:
                menu.addSeparator()
            action = menu.addAction(text, slot)
            action.setShortcut(QKeySequence(shortcut))
            action.setEnabled(enabled)
        menu.popup(self.viewport().mapToGlobal(at))

    def _keep_unsaved(self, outcome: EditOutcome) -> None:
        """The database refused the write (read-only, locked, disk full): the typed value stays in the open
        editor, so the clerk can press Enter again once the problem is solved."""
        if outcome.retry_text and self.isVisible():
            text = outcome.retry_text
            QTimer.singleShot(0, lambda: self._start_typing(text))

    def _on_cell_requested(self, key: object) -> None:
        if isinstance(key, tuple) and len(key) == 3 and key[0] == self._model.layout.table:
            self.select_key(key)

    def _sorted_selection(self) -> list[QModelIndex]:
        indexes = self.selectionModel().selectedIndexes()
        if not indexes and self.currentIndex().isValid():
            indexes = [self.currentIndex()]
        return sorted(indexes, key=lambda i: (i.row(), i.column()))

    def _select_block(self, targets: list[list[CellKey | None]]) -> None:
        keys = [k for line in targets for k in line if k is not None]
        if not keys:
            return
        selection = self.selectionModel()
        selection.clearSelection()
        for key in keys:
            selection.select(self._model.index_of(key), selection.SelectionFlag.Select)
        selection.setCurrentIndex(self._model.index_of(keys[0]), selection.SelectionFlag.NoUpdate)

    # ------------------------------------------------------------ sizes

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit_to(self.viewport().width())

    def _value_width(self, key: CellKey) -> int:
        text = self._model.index_of(key).data(Qt.ItemDataRole.DisplayRole)
        return self.fontMetrics().horizontalAdvance(str(text or "")) + _PAD_X

    def _widen_for(self, top_left: QModelIndex, bottom_right: QModelIndex) -> None:
        """A value grown wider than its column (an edit, a paste): fit the columns again."""
        for row in range(top_left.row(), bottom_right.row() + 1):
            for col in range(top_left.column(), bottom_right.column() + 1):
                key = self._model.key_at(self._model.index(row, col))
                if key is not None and self._value_width(key) > self.columnWidth(col):
                    self._fitted_for = 0
                    self._fit_to(self.viewport().width())
                    return

    def _fit_to(self, width: int) -> None:
        """Labels give way on a narrow window (1366 or 1024 pixels wide): they wrap onto more lines, so that
        every number column, 总计 included, stays in view; they widen again when there is room."""
        if width <= 0 or width == self._fitted_for:
            return
        self._fitted_for = width
        cap, chars = LABEL_MAX_WIDTH, NUMBER_CHARS
        while True:
            self._fit(cap, chars)
            if self.content_size()[0] <= width or chars <= NUMBER_MIN_CHARS:
                return
            if cap > LABEL_MIN_WIDTH:
                cap = max(LABEL_MIN_WIDTH, cap - 20)
            else:  # then the numbers' headers wrap at two characters (表四's fifteen columns at 1024)
                chars = NUMBER_MIN_CHARS

    def _fit(self, label_cap: int = LABEL_MAX_WIDTH, number_chars: float = NUMBER_CHARS) -> None:
        """Column widths and row heights from the texts, as on paper: numbers narrow, labels wrapped."""
        layout = self._model.layout
        metrics = self.fontMetrics()
        value_cols = {c.col for c in layout.value_cells()}
        char = metrics.horizontalAdvance("国")
        number = round(char * number_chars) + 8
        widths = [number if col in value_cols else 2 * char + _PAD_X for col in range(layout.cols)]
        for cell in layout.value_cells():  # a number is never cut: its column is at least as wide as it
            if cell.key is not None:
                widths[cell.col] = max(widths[cell.col], self._value_width(cell.key))
        labels = sorted(
            (c for c in layout.cells if c.role in ("label", "corner") and c.col not in value_cols),
            key=lambda c: c.colspan,
        )
        for cell in labels:
            if cell.rowspan > 1 and cell.colspan == 1:
                continue  # a label beside many rows reads downwards in a narrow column, as on paper
            wanted = min(metrics.horizontalAdvance(cell.text) + _PAD_X, label_cap * cell.colspan)
            last = cell.col + cell.colspan - 1
            have = sum(widths[cell.col : last + 1])
            if wanted > have:
                widths[last] += wanted - have
        for col, width in enumerate(widths):
            self.setColumnWidth(col, width)

        # What the style leaves for text inside a cell (QCommonStyle: focus-frame margin + 1 on each side).
        margin = 2 * (self.style().pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, self) + 1) + 1

        def height(cell_width: int, text: str) -> int:
            rect = metrics.boundingRect(
                QRect(0, 0, max(cell_width - margin, char), 100_000), int(Qt.TextFlag.TextWordWrap), text
            )
            return rect.height() + _PAD_Y

        heights = [metrics.height() + _PAD_Y] * layout.rows
        for cell in layout.cells:
            if cell.rowspan == 1 and cell.text:
                heights[cell.row] = max(
                    heights[cell.row], height(sum(widths[cell.col : cell.col + cell.colspan]), cell.text)
                )
        for cell in layout.cells:
            if cell.rowspan > 1 and cell.text:
                need = height(sum(widths[cell.col : cell.col + cell.colspan]), cell.text)
                have = sum(heights[cell.row : cell.row + cell.rowspan])
                if need > have:
                    heights[cell.row + cell.rowspan - 1] += need - have
        for row, h in enumerate(heights):
            self.setRowHeight(row, h)

    def sizeHint(self) -> QSize:
        """The whole grid, plus room for a vertical scroll bar should the window be short."""
        width, height = self.content_size()
        frame = 2 * self.frameWidth()
        return QSize(width + frame + self.verticalScrollBar().sizeHint().width(), height + frame)

    def content_size(self) -> tuple[int, int]:
        """Width and height of the whole grid in pixels."""
        layout = self._model.layout
        return (
            sum(self.columnWidth(c) for c in range(layout.cols)),
            sum(self.rowHeight(r) for r in range(layout.rows)),
        )
