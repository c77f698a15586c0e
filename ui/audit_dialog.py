"""汇总 › 批量审核: a folder's report files read and checked in a worker thread (services.audit), with a progress
box that can be cancelled, then the rows in a sortable table with each file's findings, exported as Excel or a
web page. The window stays live throughout; a file that cannot be read is a row, never the end of the run."""

from __future__ import annotations

import queue
import threading
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, QUrl
from PySide6.QtGui import QColor, QDesktopServices
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QProgressDialog,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from services.audit import AuditResult, AuditRow, audit_files, find_report_files
from services.audit_write import ROW_HEADERS, detail_lines, row_values, write_audit
from services.errors import NianbaoError
from ui.dialogs import show_problems
from ui.file_dialogs import choose_folder, save_file

SORT_ROLE = Qt.ItemDataRole.UserRole + 1


class FolderChoice:
    @classmethod
    def ask(cls, parent: QWidget | None, data_dir: str | None) -> Path | None:
        return choose_folder(parent, "批量审核：选择存放报告文件的文件夹", data_dir)


@dataclass(frozen=True)
class _Found:
    files: int


@dataclass(frozen=True)
class _Audited:
    done: int
    total: int
    row: AuditRow


@dataclass(frozen=True)
class _Ended:
    result: AuditResult | None
    failure: Exception | None = None


Told = _Found | _Audited | _Ended
"""What the worker tells the window, in order."""
POLL_MS = 50


class _Worker(threading.Thread):
    """Finds the files, then audits them one by one. It touches no Qt object: what it has to say goes into a
    queue that the window's thread reads (a Qt call from this thread could take the app down)."""

    def __init__(self, folder: Path) -> None:
        # daemon: a clerk quitting mid-file never waits for ever; reading leaves nothing half-written
        super().__init__(name="批量审核", daemon=True)
        self.folder = folder
        self.stop = threading.Event()
        self.told: queue.SimpleQueue[Told] = queue.SimpleQueue()

    def run(self) -> None:
        try:
            files = find_report_files([self.folder])
            self.told.put(_Found(len(files)))
            result = audit_files(files, lambda *row: self.told.put(_Audited(*row)), self.stop.is_set, [self.folder])
        except Exception as exc:  # NothingToAuditError for the clerk; a bug goes on to the window's excepthook
            self.told.put(_Ended(None, exc))
            return
        self.told.put(_Ended(result))


class AuditRun(QObject):
    """One 批量审核 from the chosen folder to the results dialog. Closing the window stops it between files."""

    def __init__(self, folder: Path, parent: QWidget, data_dir: str | None) -> None:
        super().__init__(parent)
        self._parent = parent
        self._data_dir = data_dir
        self.results: ResultsDialog | None = None
        self.progress = QProgressDialog(f"正在查找 {folder} 中的报告文件…", "取消", 0, 0, parent)
        self.progress.setWindowTitle("批量审核")
        self.progress.setWindowModality(Qt.WindowModality.WindowModal)
        self.progress.setMinimumDuration(0)
        self.progress.setAutoClose(False)
        self.progress.setAutoReset(False)
        self.progress.setMinimumWidth(520)  # the label changes with every file: the box must not jump about
        self.worker = _Worker(folder)
        self.progress.canceled.connect(self._cancel)
        self.timer = QTimer(self)
        self.timer.setInterval(POLL_MS)
        self.timer.timeout.connect(self._poll)
        parent.installEventFilter(self)
        self.progress.show()
        self.worker.start()
        self.timer.start()

    @property
    def running(self) -> bool:
        return self.worker.is_alive()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self._parent and event.type() == QEvent.Type.Close and self.worker.is_alive():
            self.worker.stop.set()
            self.worker.join()  # the file being read is finished first, then nothing runs behind a closed window
        return False

    def _cancel(self) -> None:
        self.worker.stop.set()
        # QProgressDialog hides itself on 取消; a long PDF may take a while yet, so the clerk is told why
        self.progress.setLabelText("正在停止：读完当前文件后停止…")
        self.progress.show()

    def _poll(self) -> None:
        while True:
            try:
                told = self.worker.told.get_nowait()
            except queue.Empty:
                return
            if isinstance(told, _Found):
                self.progress.setMaximum(told.files)
            elif isinstance(told, _Audited):
                self.progress.setValue(told.done)
                if not self.worker.stop.is_set():
                    self.progress.setLabelText(f"已审核 {told.done}/{told.total}：{told.row.file}（{told.row.status}）")
            else:
                self._finish()
                self._ended(told)
                return

    def _finish(self) -> None:
        self.timer.stop()
        self.worker.join()
        self.progress.close()
        self._parent.removeEventFilter(self)

    def _ended(self, ended: _Ended) -> None:
        if ended.result is not None:
            self.results = ResultsDialog(ended.result, self._data_dir, self._parent)
            self.results.show()
        elif isinstance(ended.failure, NianbaoError):
            show_problems(self._parent, "未审核", ended.failure.message, tuple(ended.failure.problems))
        elif ended.failure is not None:
            raise ended.failure


def start_audit(parent: QWidget, data_dir: str | None) -> AuditRun | None:
    """批量审核…: the folder asked for, then the run started; None when the clerk chose no folder."""
    folder = FolderChoice.ask(parent, data_dir)
    return None if folder is None else AuditRun(folder, parent, data_dir)


class _Item(QTableWidgetItem):
    """A cell sorted by its value: numbers as numbers, and a file not read (no count) last either way."""

    def __init__(self, value: object) -> None:
        super().__init__(_shown(value))
        self.setData(SORT_ROLE, value)

    def __lt__(self, other: QTableWidgetItem) -> bool:
        mine, theirs = self.data(SORT_ROLE), other.data(SORT_ROLE)
        if isinstance(mine, int | float) and isinstance(theirs, int | float):
            return mine < theirs
        if mine is None or theirs is None:
            table = self.tableWidget()
            descending = (
                table is not None and table.horizontalHeader().sortIndicatorOrder() == Qt.SortOrder.DescendingOrder
            )
            return (mine is None) == descending and (mine is None) != (theirs is None)
        return str(mine) < str(theirs)


def _shown(value: object) -> str:
    if isinstance(value, float):
        return f"{value:.0%}"
    return "" if value is None else str(value)


_NUMBERS = {"年度", "错误", "提示", "未取得单元格", "表格读取率"}
STATUS_COLOURS = {"部分读取": "#fff2cc", "无法读取": "#f8cbad"}
"""As in the exported workbook and page."""


class ResultsDialog(QDialog):
    """The rows, sortable by any column; the selected file's every finding and note below; exports."""

    def __init__(self, result: AuditResult, data_dir: str | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.audit = result
        self._data_dir = data_dir
        self.saved: Path | None = None
        self.setWindowTitle("批量审核结果")
        self.resize(1100, 640)
        self.summary = QLabel(result.summary())
        self.summary.setWordWrap(True)
        self.table = self._table(result)
        self.details = QPlainTextEdit()
        self.details.setReadOnly(True)
        self.details.setPlaceholderText("选中一个文件，这里列出它的全部审核结果和未能识别的内容。")
        self.table.itemSelectionChanged.connect(self._show_details)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.table)
        splitter.addWidget(self.details)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        self.xlsx_button = buttons.addButton("导出Excel…", QDialogButtonBox.ButtonRole.ActionRole)
        self.html_button = buttons.addButton("导出网页…", QDialogButtonBox.ButtonRole.ActionRole)
        self.folder_button = QPushButton("打开所在文件夹")
        buttons.addButton(self.folder_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.folder_button.hide()  # until there is a file to show
        for button in (self.xlsx_button, self.html_button, self.folder_button):
            button.setAutoDefault(False)  # Enter closes the dialog, never opens a save dialog
        self.xlsx_button.clicked.connect(lambda: self.export(".xlsx"))
        self.html_button.clicked.connect(lambda: self.export(".html"))
        self.folder_button.clicked.connect(self.open_folder)
        self.saved_label = QLabel()
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(splitter, 1)
        layout.addWidget(self.saved_label)
        layout.addWidget(buttons)

    def _table(self, result: AuditResult) -> QTableWidget:
        table = QTableWidget(len(result.rows), len(ROW_HEADERS))
        table.setHorizontalHeaderLabels(list(ROW_HEADERS))
        table.verticalHeader().hide()
        table.verticalHeader().setDefaultSectionSize(table.fontMetrics().height() + 8)
        table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        table.setSelectionMode(QTableWidget.SelectionMode.SingleSelection)
        for r, row in enumerate(result.rows):
            for c, value in enumerate(row_values(row)):
                item = _Item(value)
                if ROW_HEADERS[c] in _NUMBERS:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                if ROW_HEADERS[c] == "读取情况" and row.status in STATUS_COLOURS:
                    item.setBackground(QColor(STATUS_COLOURS[row.status]))
                if ROW_HEADERS[c] == "主要问题":
                    item.setToolTip(item.text())
                    item.setText(item.text().replace("\n", "；"))
                if c == 0:
                    item.setData(Qt.ItemDataRole.UserRole, r)  # the row of result.rows, whatever the sorting
                table.setItem(r, c, item)
        # in the order found (by path) until the clerk clicks a column; Qt would start with the first descending
        table.horizontalHeader().setSortIndicator(0, Qt.SortOrder.AscendingOrder)
        table.setSortingEnabled(True)
        table.resizeColumnsToContents()
        header = table.horizontalHeader()
        header.setSectionResizeMode(len(ROW_HEADERS) - 1, QHeaderView.ResizeMode.Stretch)
        for c in range(len(ROW_HEADERS) - 1):
            table.setColumnWidth(c, min(table.columnWidth(c), 260))
        return table

    def row_at(self, table_row: int) -> AuditRow:
        item = self.table.item(table_row, 0)
        assert item is not None
        return self.audit.rows[int(item.data(Qt.ItemDataRole.UserRole))]

    def shown_files(self) -> list[str]:
        """The files in the order the table shows them (after sorting)."""
        return [self.row_at(r).file for r in range(self.table.rowCount())]

    def _show_details(self) -> None:
        selected = self.table.selectionModel().selectedRows()
        if not selected:
            self.details.clear()
            return
        row = self.row_at(selected[0].row())
        lines = [f"{row.file}（{row.kind}）：{row.status}"]
        for kind, rule, severity, message in detail_lines(row):
            label = "·".join(part for part in (kind, severity, rule) if part)
            lines.append(f"[{label}] {message}")
        self.details.setPlainText("\n".join(lines))

    def export(self, suffix: str) -> Path | None:
        """导出Excel… / 导出网页…: the results written where the clerk says; 打开所在文件夹 offered after."""
        kinds = "Excel 工作簿 (*.xlsx)" if suffix == ".xlsx" else "网页 (*.html)"
        chosen = save_file(self, "导出审核结果", f"批量审核结果{suffix}", kinds, self._data_dir)
        if chosen is None:
            return None
        path = chosen[0] if chosen[0].suffix.lower() == suffix else chosen[0].with_name(chosen[0].name + suffix)
        try:
            write_audit(self.audit, path)
        except NianbaoError as exc:
            show_problems(self, "未导出", str(exc), ())
            return None
        self.saved = path
        self.saved_label.setText(f"已导出 {path}")
        self.folder_button.show()
        return path

    def open_folder(self) -> None:
        if self.saved is not None:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.saved.parent)))
