"""汇总: choose a year, a format and the units (or all units under a parent body); the sum becomes a report of
its own, re-checked, with the lists of included, missing and erroneous units."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from services.formats import all_formats, format_for_year
from services.report import YEAR_RANGE

if TYPE_CHECKING:  # SQLAlchemy loads after the window's first paint
    from services.aggregate import AggregateResult
from ui.file_dialogs import save_file


@dataclass(frozen=True)
class AggregateRequest:
    name: str
    year: int
    format_id: str
    agencies: tuple[str, ...]


class AggregateDialog(QDialog):
    def __init__(self, agencies: list[str], today: date, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("汇总下属单位报告")
        self.name = QLineEdit()
        self.name.setPlaceholderText("如：某某县（汇总）")
        self.year = QSpinBox()
        self.year.setRange(*YEAR_RANGE)
        self.year.setValue(today.year - 1)
        self.format = QComboBox()
        for fmt in all_formats().values():
            self.format.addItem(f"{fmt.id}（{fmt.document}）", fmt.id)
        self.year.valueChanged.connect(
            lambda year: self.format.setCurrentIndex(self.format.findData(format_for_year(year).id))
        )
        self.format.setCurrentIndex(self.format.findData(format_for_year(self.year.value()).id))
        self.units = QListWidget()
        for agency in agencies:
            item = QListWidgetItem(agency)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked)
            self.units.addItem(item)
        form = QFormLayout()
        form.addRow("汇总报告的机关名称", self.name)
        form.addRow("年度", self.year)
        form.addRow("格式", self.format)
        self.hint = QLabel("勾选要汇总的单位。不同格式的报告不能相加，会列为“未汇总”。")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(QLabel("单位"))
        layout.addWidget(self.units, 1)
        layout.addWidget(self.hint)
        layout.addWidget(buttons)

    def chosen(self) -> tuple[str, ...]:
        items = (self.units.item(i) for i in range(self.units.count()))
        return tuple(item.text() for item in items if item is not None and item.checkState() == Qt.CheckState.Checked)

    def _accept(self) -> None:
        if not self.name.text().strip():
            self.hint.setText("请填写汇总报告的机关名称。")
        elif not self.chosen():
            self.hint.setText("请至少勾选一个单位。")
        else:
            self.accept()

    def value(self) -> AggregateRequest:
        return AggregateRequest(
            self.name.text().strip(), self.year.value(), str(self.format.currentData()), self.chosen()
        )

    @classmethod
    def ask(cls, parent: QWidget | None, agencies: list[str], today: date) -> AggregateRequest | None:
        dialog = cls(agencies, today, parent)
        return dialog.value() if dialog.exec() == QDialog.DialogCode.Accepted else None


def result_text(result: AggregateResult) -> tuple[str, tuple[str, ...]]:
    """The message and the detail lines shown after a 汇总."""
    lines = [f"已汇总：{'、'.join(result.included) or '（无）'}"]
    if result.missing:
        lines.append(f"缺报（该年度没有报告）：{'、'.join(result.missing)}")
    lines += [f"有错误，已汇总但请督促更正：{u.agency}（{u.errors} 个错误）" for u in result.erroneous]
    lines += [f"未汇总：{agency}：{reason}" for agency, reason in result.refused]
    n_err = sum(1 for f in result.findings if f.severity == "error")
    message = (
        f"{result.report.year} 年 {len(result.included)} 个单位已汇总为“{result.report.agency}”的报告"
        f"（汇总结果 {n_err} 个错误）。"
    )
    return message, tuple(lines)


def save_units_workbook(parent: QWidget | None, result: AggregateResult, data_dir: str | None = None) -> Path | None:
    """导出汇总Excel: one sheet per included unit (the very reports summed) plus the sum."""
    from services.excel import write_units_xlsx

    name = f"{result.report.agency}{result.report.year}年汇总.xlsx"
    chosen = save_file(parent, "导出汇总Excel", name, "Excel 工作簿 (*.xlsx)", data_dir)
    if chosen is None:
        return None
    path = chosen[0] if chosen[0].suffix.lower() == ".xlsx" else chosen[0].with_name(chosen[0].name + ".xlsx")
    write_units_xlsx(result.report, list(result.units), path)
    return path
