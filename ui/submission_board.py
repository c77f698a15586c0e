"""汇总 › 报送情况…: the 报送 board of a parent agency and a year — each unit's state, counts, and the file and time of
its import (services/board.py), the days left to the office's own deadline (remembered), the 催报 notice to copy,
and from here: 导入文件夹 (or files dropped on it), 导出Excel, 汇总 of the units with reports, 管理下属单位.
Everything shown comes from a Workspace call; the window only lays it out."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import (
    QAbstractTableModel,
    QDate,
    QModelIndex,
    QPersistentModelIndex,
    QRegularExpression,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtGui import QBrush, QColor, QGuiApplication
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from services.board import STATE_NOTES, STATES, Board, BoardLine, days_text, reminder_text
from services.board_deadline import board_deadline, remember_deadline
from services.errors import NianbaoError
from services.report import YEAR_RANGE
from ui.dialogs import ask_text, show_problems
from ui.file_dialogs import open_files, save_file
from ui.folder_import import FileDrop, import_folder, import_paths

if TYPE_CHECKING:
    from ui.main_window import MainWindow

COLUMNS = ("单位", "状态", "错误", "未说明的提示", "格式", "报告保存（导入）时间", "来源文件")
STATE_COLOURS = {"未报送": "#F8CBAD", "有错误": "#FFF2CC", "已定稿": "#E2EFDA"}
ALL_STATES = "全部"
SORT_ROLE = Qt.ItemDataRole.UserRole + 1
ModelIndex = QModelIndex | QPersistentModelIndex


class BoardModel(QAbstractTableModel):
    """The board's units as rows; sorts by number where a column holds numbers."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.lines: tuple[BoardLine, ...] = ()

    def show_board(self, board: Board | None) -> None:
        self.beginResetModel()
        self.lines = board.lines if board is not None else ()
        self.endResetModel()

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008  (Qt's own default)
        return 0 if parent.isValid() else len(self.lines)

    def columnCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return COLUMNS[section]
        if role == Qt.ItemDataRole.DisplayRole:
            return section + 1
        return None

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid():
            return None
        line = self.lines[index.row()]
        column = COLUMNS[index.column()]
        if role in (Qt.ItemDataRole.DisplayRole, SORT_ROLE):
            return self._value(line, column, role == SORT_ROLE)
        if role == Qt.ItemDataRole.BackgroundRole and column == "状态" and line.state in STATE_COLOURS:
            return QBrush(QColor(STATE_COLOURS[line.state]))
        if role == Qt.ItemDataRole.ToolTipRole and column == "状态":
            return STATE_NOTES[line.state]
        if role == Qt.ItemDataRole.TextAlignmentRole and column in ("错误", "未说明的提示"):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    @staticmethod
    def _value(line: BoardLine, column: str, for_sorting: bool) -> object:
        reported = line.report_id is not None
        if column == "单位":
            return line.unit
        if column == "状态":
            return STATES.index(line.state) if for_sorting else line.state
        if column in ("错误", "未说明的提示"):
            number = line.errors if column == "错误" else line.unexplained
            return (number if reported else -1) if for_sorting else (str(number) if reported else "")
        if column == "格式":
            return f"{line.format_id} 格式" if line.format_id else ""  # as the navigator says it: not a year
        if column == "来源文件":
            return line.source or ("本程序中填写" if reported else "")
        at = line.saved_at
        return "" if at is None else f"{at.astimezone():%Y-%m-%d %H:%M}"


class StateFilter(QSortFilterProxyModel):
    """Only the units of one state (全部: every unit); sorts numbers as numbers."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setSortRole(SORT_ROLE)
        self.setFilterKeyColumn(COLUMNS.index("状态"))

    def show_state(self, state: str) -> None:
        pattern = "" if state == ALL_STATES else f"^{QRegularExpression.escape(state)}$"
        self.setFilterRegularExpression(QRegularExpression(pattern))


class ReminderDialog(QDialog):
    """催报: the notice to send, to read over and copy (a 复制 button; the text can be edited before)."""

    def __init__(self, text: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("催报通知")
        self.resize(560, 480)
        self.text = QPlainTextEdit(text)
        copy = QPushButton("复制全文")
        copy.clicked.connect(self.copy)
        close = QPushButton("关闭")
        close.clicked.connect(self.accept)
        self.said = QLabel("复制后可粘贴到通知、邮件或工作群中。")
        buttons = QHBoxLayout()
        buttons.addWidget(self.said, 1)
        buttons.addWidget(copy)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.text, 1)
        layout.addLayout(buttons)

    def copy(self) -> None:
        clipboard = QGuiApplication.clipboard()
        clipboard.setText(self.text.toPlainText())
        self.said.setText("已复制。")

    @classmethod
    def ask(cls, parent: QWidget | None, text: str) -> None:
        cls(text, parent).exec()


class BoardWindow(QDialog):
    def __init__(
        self, window: MainWindow, today: date, data_dir: str | None = None, parent_unit: str | None = None
    ) -> None:
        super().__init__(window)
        self.setWindowTitle("报送情况")
        self.window_, self.workspace, self.today, self.data_dir = window, window.workspace, today, data_dir
        self.board: Board | None = None
        self.resize(1080, 640)

        self.parent_unit = QComboBox()
        self.parent_unit.setMinimumWidth(240)
        self.year = QSpinBox()
        self.year.setRange(*YEAR_RANGE)
        self.year.setValue(today.year - 1)
        self.deadline = QDateEdit()
        self.deadline.setCalendarPopup(True)
        self.deadline.setDisplayFormat("yyyy年M月d日")
        self.deadline_note = QLabel()
        self.state = QComboBox()
        self.state.addItems([ALL_STATES, *STATES])
        top = QHBoxLayout()
        for label, widget in (
            ("上级单位", self.parent_unit),
            ("年度", self.year),
            ("内部报送期限", self.deadline),
        ):
            top.addWidget(QLabel(label))
            top.addWidget(widget)
        top.addWidget(self.deadline_note)
        top.addStretch(1)
        top.addWidget(QLabel("显示"))
        top.addWidget(self.state)

        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setStyleSheet("font-weight: bold")
        self.model = BoardModel(self)
        self.proxy = StateFilter(self)
        self.proxy.setSourceModel(self.model)
        self.table = QTableView()
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(-1, Qt.SortOrder.AscendingOrder)  # the units' own order until a header is clicked
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.doubleClicked.connect(self._open)
        rows = self.table.verticalHeader()
        rows.setDefaultSectionSize(self.table.fontMetrics().height() + 8)  # a county's units in one view

        self.buttons: dict[str, QPushButton] = {}
        row = QHBoxLayout()
        for key, text, slot in (
            ("reminder", "催报通知…", self.show_reminder),
            ("folder", "导入文件夹…", self.import_folder),
            ("files", "导入文件…", self.import_files),
            ("export", "导出Excel…", self.export),
            ("sum", "汇总有报告的单位…", self.aggregate),
            ("units", "管理下属单位…", self.manage_units),
            ("refresh", "刷新", self.refresh),
        ):
            button = QPushButton(text)
            button.clicked.connect(slot)
            self.buttons[key] = button
            row.addWidget(button)
        row.addStretch(1)
        hint = QLabel("双击有报告的单位打开其报告；可把报告文件或文件夹拖到此窗口导入。")
        hint.setStyleSheet("color: #666")

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)
        layout.addLayout(row)
        layout.addWidget(hint)
        self.drop = FileDrop(self, self._dropped)

        self._fill_parents(parent_unit)
        self.year.setValue(self._latest_year(today.year - 1))
        self.parent_unit.currentIndexChanged.connect(lambda _: self.refresh())
        self.year.valueChanged.connect(lambda _: self.refresh())
        self.deadline.dateChanged.connect(self._deadline_set)
        self.state.currentTextChanged.connect(self.proxy.show_state)
        self.refresh()

    # ------------------------------------------------------------ reading

    def _fill_parents(self, chosen: str | None = None) -> None:
        chosen = chosen or self.parent_unit.currentText() or None
        parents = sorted({line.parent for line in self.workspace.agency_lines() if line.parent is not None})
        self.parent_unit.blockSignals(True)
        self.parent_unit.clear()
        self.parent_unit.addItems(parents)
        if chosen in parents:
            self.parent_unit.setCurrentText(chosen)
        self.parent_unit.blockSignals(False)

    def _latest_year(self, otherwise: int) -> int:
        """The year being collected: the latest of the units' reports (a new year's first package shows it)."""
        parent = self.parent_unit.currentText()
        units = {line.name for line in self.workspace.agency_lines() if line.parent == parent}
        years = [line.year for line in self.workspace.lines() if line.agency in units]
        return max(years, default=otherwise)

    def refresh(self) -> None:
        """The board read again (after an import elsewhere, or another clerk's on a shared database)."""
        parent, year = self.parent_unit.currentText(), self.year.value()
        self.board = None
        if not parent:
            self.summary.setText("还没有下属单位：请先“管理下属单位”，逐个添加或从 Excel 名单导入。")
        else:
            try:
                self.board = self.workspace.board(parent, year)
            except NianbaoError as exc:
                self.summary.setText(f"无法读取报送情况：{exc}")
        self.model.show_board(self.board)
        self.table.resizeColumnsToContents()
        for key in ("reminder", "export", "sum"):
            self.buttons[key].setEnabled(self.board is not None)
        self._show_deadline()

    def deadline_date(self) -> date:
        return date.fromisoformat(self.deadline.date().toString("yyyy-MM-dd"))

    def _show_deadline(self) -> None:
        parent, year = self.parent_unit.currentText(), self.year.value()
        day, own = board_deadline(self.data_dir, parent, year)
        self.deadline.blockSignals(True)
        self.deadline.setDate(QDate(day.year, day.month, day.day))
        self.deadline.blockSignals(False)
        self.deadline_note.setText("（本单位设定，已记住）" if own else "（未设定，按法定期限）")
        if self.board is not None:
            self.summary.setText(f"{self.board.summary()}。{days_text(day, self.today)}。")

    def _deadline_set(self) -> None:
        parent = self.parent_unit.currentText()
        if not parent:
            return
        try:
            remember_deadline(self.data_dir, parent, self.year.value(), self.deadline_date())
        except NianbaoError as exc:
            show_problems(self, "未记住期限", str(exc), ())
        self._show_deadline()

    def line_at(self, row: int) -> BoardLine:
        """The unit on a row as shown (sorted, filtered)."""
        return self.model.lines[self.proxy.mapToSource(self.proxy.index(row, 0)).row()]

    def _open(self, index: QModelIndex) -> None:
        line = self.model.lines[self.proxy.mapToSource(index).row()]
        if line.report_id is not None:
            self.window_.open_report(line.report_id)

    # ------------------------------------------------------------ actions

    def show_reminder(self) -> None:
        if self.board is not None:
            ReminderDialog.ask(self, reminder_text(self.board, self.deadline_date(), self.today))

    def import_folder(self) -> None:
        if import_folder(self.window_, self, self.data_dir):
            self.refresh()

    def import_files(self) -> None:
        from ui.file_import import FILE_FILTER

        chosen = open_files(self, "导入报告文件", FILE_FILTER, self.data_dir)
        if chosen:
            self._dropped(chosen)

    def _dropped(self, paths: list[Path]) -> None:
        import_paths(self.window_, paths, self)
        self.refresh()

    def export(self) -> None:
        from services.board_write import write_board

        if self.board is None:
            return
        name = f"{self.board.parent}{self.board.year}年度报送情况.xlsx"
        chosen = save_file(self, "导出报送情况", name, "Excel 工作簿 (*.xlsx)", self.data_dir)
        if chosen is None:
            return
        path = chosen[0] if chosen[0].suffix.lower() == ".xlsx" else chosen[0].with_name(chosen[0].name + ".xlsx")
        try:
            write_board(self.board, self.deadline_date(), self.today, path)
        except NianbaoError as exc:
            show_problems(self, "未导出", str(exc), ())
            return
        self.summary.setText(f"已导出 {path}")

    def aggregate(self) -> None:
        """汇总 of the units with a report of the year, stored (替换 / 保留 asked) and opened as the 汇总 menu does."""
        from ui.aggregate_dialog import result_text
        from ui.file_import import import_files_of_reports

        if self.board is None:
            return
        board = self.board
        name = ask_text(self, "汇总", "汇总报告的机关名称：", f"{board.parent}（汇总）")
        if not name or not name.strip():
            return
        try:
            result = self.workspace.board_sum(name.strip(), board.parent, board.year)
            outcome = import_files_of_reports(self.workspace, [result.report], self)
        except NianbaoError as exc:
            show_problems(self, "未汇总", str(exc), ())
            return
        self.window_.refresh_navigator()
        if outcome.imported:
            self.window_.open_report(outcome.imported[-1])
        message, lines = result_text(result)
        show_problems(self, "汇总结果", message, lines + tuple(outcome.messages))

    def manage_units(self) -> None:
        from ui.units_dialog import UnitsDialog

        dialog = UnitsDialog(self.workspace, self.data_dir, self)
        dialog.exec()
        if dialog.changed:
            self._fill_parents()
            self.refresh()


def open_board(window: MainWindow, today: date, data_dir: str | None, agency: str | None) -> BoardWindow:
    """The board, modeless (the clerk keeps it beside the reports), on `agency` when it has units."""
    board = BoardWindow(window, today, data_dir, agency)
    board.show()
    return board
