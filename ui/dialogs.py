"""Small dialogs of the main window. Each has an `ask()` classmethod, which tests replace."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QMessageBox,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from services.formats import all_formats, format_for_year
from services.history import HistoryLine
from services.report import YEAR_RANGE


@dataclass(frozen=True)
class NewReport:
    agency: str
    year: int
    format_id: str


class NewReportDialog(QDialog):
    """新建报告: agency (pick or type), year (last year by default), format (follows the year)."""

    def __init__(self, agencies: list[str], today: date, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("新建年度报告")
        self.agency = QComboBox()
        self.agency.setEditable(True)
        self.agency.addItems(agencies)
        self.agency.setCurrentText(agencies[0] if agencies else "")
        if (line := self.agency.lineEdit()) is not None:
            line.setPlaceholderText("如：某某市某某局")
        self.year = QSpinBox()
        self.year.setRange(*YEAR_RANGE)
        self.year.setValue(today.year - 1)
        self.format = QComboBox()
        for fmt in all_formats().values():
            self.format.addItem(f"{fmt.name}（{fmt.document}）", fmt.id)
        self.year.valueChanged.connect(self._follow_year)
        self._follow_year(self.year.value())
        form = QFormLayout()
        form.addRow("机关名称", self.agency)
        form.addRow("报告年度", self.year)
        form.addRow("报告格式", self.format)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        self.hint = QLabel("")
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.hint)
        layout.addWidget(buttons)

    def _follow_year(self, year: int) -> None:
        self.format.setCurrentIndex(self.format.findData(format_for_year(year).id))

    def _accept(self) -> None:
        if not self.agency.currentText().strip():
            self.hint.setText("请填写机关名称。")
            return
        self.accept()

    def value(self) -> NewReport:
        return NewReport(self.agency.currentText().strip(), self.year.value(), str(self.format.currentData()))

    @classmethod
    def ask(cls, parent: QWidget | None, agencies: list[str], today: date) -> NewReport | None:
        dialog = cls(agencies, today, parent)
        return dialog.value() if dialog.exec() == QDialog.DialogCode.Accepted else None


def ask_text(parent: QWidget | None, title: str, label: str, text: str = "") -> str | None:
    """One line of text (a reason, a new name); None when cancelled."""
    value, ok = QInputDialog.getText(parent, title, label, text=text)
    return value if ok else None


class ConfirmDialog:
    """A question whose safe answer is the default: Enter (or Esc) keeps things as they are."""

    @classmethod
    def ask(cls, parent: QWidget | None, title: str, text: str, action: str) -> bool:
        box = QMessageBox(QMessageBox.Icon.Warning, title, text, parent=parent)
        do = box.addButton(action, QMessageBox.ButtonRole.DestructiveRole)
        keep = box.addButton("取消", QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(keep)
        box.setEscapeButton(keep)
        box.exec()
        return box.clickedButton() is do


def show_problems(parent: QWidget | None, title: str, message: str, problems: tuple[str, ...]) -> None:
    box = QMessageBox(QMessageBox.Icon.Warning, title, message, parent=parent)
    if problems:
        box.setInformativeText(
            "\n".join(f"• {p}" for p in problems[:12]) + (f"\n……共 {len(problems)} 条" if len(problems) > 12 else "")
        )
        box.setDetailedText("\n".join(problems))
    box.exec()


class HistoryDialog(QDialog):
    """修改历史: every change of the report with old and new value and the reason."""

    def __init__(self, lines: list[HistoryLine], title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"修改历史 — {title}")
        self.resize(900, 480)
        self.table = QTableWidget(len(lines), 4)
        self.table.setHorizontalHeaderLabels(["时间", "修改了什么", "原值 → 新值", "原因"])
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(True)
        header = self.table.horizontalHeader()
        # every column on screen, the reason included: the long names and values wrap instead
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Interactive)
        header.resizeSection(3, 160)
        for row, line in enumerate(reversed(lines)):  # newest first
            local = line.at.astimezone()
            change = f"{line.old or '（空）'} → {line.new or '（空）'}"
            for col, text in enumerate((f"{local:%Y-%m-%d %H:%M}", line.what, change, line.reason)):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                self.table.setItem(row, col, item)
        self.table.resizeRowsToContents()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addWidget(buttons)

    @classmethod
    def ask(cls, parent: QWidget | None, lines: list[HistoryLine], title: str) -> None:
        cls(lines, title, parent).exec()
