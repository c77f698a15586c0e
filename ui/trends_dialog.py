"""报告 › 历年对比…: one agency's reports (or a parent body's units summed) side by side over the years, as a
table and as charts, with the changes that 与上年相比变化大 (X_SWING) flags in red; the charts export as PNG and
the figures as a workbook or CSV. Everything shown comes from one Workspace call (services/trend_reports.py)."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMenu,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from services.errors import NianbaoError
from services.files import write_atomically
from services.trend_charts import TrendChart, trend_charts
from services.trend_export import chart_file_name, chart_png, write_csv, write_trend_files, write_xlsx
from services.trend_reports import TrendSubject
from services.trends import GROUPS, Series, Trends, change_text, value_text
from ui.chart_view import ChartView
from ui.dialogs import show_problems
from ui.file_dialogs import choose_folder, save_file

if TYPE_CHECKING:
    from services.pdf.fonts import FontSet
    from services.workspace import Workspace

FLAG_BACKGROUND = QColor("#F8D7DA")
FLAG_TEXT = QColor("#C62828")
GROUP_BACKGROUND = QColor("#EEF1F5")
GAP_TEXT = QColor("#999999")
TABLE_SHARE = 40
"""Per cent of the width for the table; the charts take the rest."""


class TrendsDialog(QDialog):
    def __init__(
        self,
        workspace: Workspace,
        fonts: FontSet,
        subjects: list[TrendSubject],
        chosen: TrendSubject | None = None,
        data_dir: str | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("历年对比")
        self.workspace, self.fonts, self.data_dir = workspace, fonts, data_dir
        self.trends: Trends | None = None
        self.charts: list[TrendChart] = []

        self.subject = QComboBox()
        for subject in subjects:
            self.subject.addItem(subject.label, subject)
        self.changes = QCheckBox("显示与上年相比的增减")
        self.changes.toggled.connect(lambda _: self._fill_table())
        top = QHBoxLayout()
        top.addWidget(QLabel("单位"))
        top.addWidget(self.subject, 1)
        top.addWidget(self.changes)

        self.about = QLabel()
        self.about.setWordWrap(True)
        self.about.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.table = QTableWidget()
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        self.chart_box = QWidget()
        self.chart_layout = QVBoxLayout(self.chart_box)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)  # a chart follows the width
        scroll.setWidget(self.chart_box)
        splitter = QSplitter()
        splitter.addWidget(self.table)
        splitter.addWidget(scroll)
        splitter.setChildrenCollapsible(False)
        splitter.setSizes([TABLE_SHARE, 100 - TABLE_SHARE])  # in proportion: the charts get the larger part

        self.export_images = QPushButton("导出图片…")
        self.export_menu = QMenu(self.export_images)
        self.export_images.setMenu(self.export_menu)
        export_table = QPushButton("导出表格…")
        export_table.clicked.connect(self.save_table)
        close = QPushButton("关闭")
        close.clicked.connect(self.accept)
        buttons = QHBoxLayout()
        buttons.addWidget(self.export_images)
        buttons.addWidget(export_table)
        buttons.addStretch(1)
        buttons.addWidget(close)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.about)
        layout.addWidget(splitter, 1)
        layout.addLayout(buttons)
        screen = self.screen().availableGeometry()
        self.resize(min(1280, screen.width() - 40), min(720, screen.height() - 40))

        if chosen is not None and chosen in subjects:
            self.subject.setCurrentIndex(subjects.index(chosen))
        self.subject.currentIndexChanged.connect(lambda _: self.show_subject())
        self.show_subject()

    # ------------------------------------------------------------ showing

    def show_subject(self) -> None:
        subject = self.subject.currentData()
        self.trends, self.charts = None, []
        if not isinstance(subject, TrendSubject):
            self.about.setText("数据库中还没有报告。")
        else:
            try:
                self.trends = self.workspace.trends(subject)
                self.charts = trend_charts(self.trends, self.fonts)
            except NianbaoError as exc:  # a glyph no face has (in a label of the format), no Chinese face at all
                self.about.setText(str(exc))
            else:
                self.about.setText(self._about(self.trends))
        self._fill_table()
        self._fill_charts()

    @staticmethod
    def _about(trends: Trends) -> str:
        lines = [span.text() for span in trends.formats]
        lines += trends.notes
        swings = trends.swings()
        if swings:
            lines.append(f"红色：{trends.swing_rule}，共 {len(swings)} 处（鼠标停在数字上可见说明）。")
        return "\n".join(lines)

    def _fill_table(self) -> None:
        trends = self.trends
        self.table.clear()
        if trends is None:
            return
        with_changes = self.changes.isChecked()
        self.table.setColumnCount(1 + len(trends.years))
        self.table.setHorizontalHeaderLabels(["项目", *(trends.year_label(y) for y in trends.years)])
        rows: list[str | Series] = []  # a group's title, then its series
        for group in GROUPS:
            members = trends.in_group(group.key)
            if members:
                rows += [group.title, *members]
        self.table.setRowCount(len(rows))
        bold = QFont(self.table.font())
        bold.setBold(True)
        for r, series in enumerate(rows):
            if isinstance(series, str):
                item = QTableWidgetItem(series)
                item.setFont(bold)
                item.setBackground(QBrush(GROUP_BACKGROUND))
                self.table.setItem(r, 0, item)
                self.table.setSpan(r, 0, 1, 1 + len(trends.years))
                continue
            self.table.setItem(r, 0, QTableWidgetItem(series.label))
            for i, year in enumerate(trends.years):
                self.table.setItem(r, 1 + i, self._cell(trends, series, i, year, with_changes, bold))
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        for i in range(len(trends.years)):
            header.setSectionResizeMode(1 + i, QHeaderView.ResizeMode.Stretch)

    @staticmethod
    def _cell(trends: Trends, series: Series, i: int, year: int, with_changes: bool, bold: QFont) -> QTableWidgetItem:
        value, flag = series.values[i], series.flags[i]
        change = change_text(series.change(i))
        text = value_text(value)
        if with_changes and change:
            text += f"（{change}）"
        item = QTableWidgetItem(text)
        item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if year not in trends.stored:
            item.setForeground(QBrush(GAP_TEXT))
            item.setToolTip(f"{year} 年没有报告")
        elif value is None:
            item.setForeground(QBrush(GAP_TEXT))
            item.setToolTip("未填写（不是 0）")
        elif flag is not None:
            item.setBackground(QBrush(FLAG_BACKGROUND))
            item.setForeground(QBrush(FLAG_TEXT))
            item.setFont(bold)
            item.setToolTip(flag)
        elif change:
            item.setToolTip(f"比上年 {change}")
        return item

    def _fill_charts(self) -> None:
        while (old := self.chart_layout.takeAt(0)) is not None:
            widget = old.widget()
            if widget is not None:
                widget.deleteLater()
        self.export_menu.clear()
        for chart in self.charts:
            self.chart_layout.addWidget(ChartView(chart))
        self.chart_layout.addStretch(1)
        self.export_menu.addAction("全部图表和表格（选择文件夹）…", self.save_all)
        self.export_menu.addSeparator()
        for chart in self.charts:
            self.export_menu.addAction(f"{chart_file_name(chart)}…", partial(self.save_chart, chart))
        self.export_images.setEnabled(bool(self.charts))

    # ------------------------------------------------------------ exports

    def save_chart(self, chart: TrendChart) -> Path | None:
        chosen = save_file(self, "导出图片", chart_file_name(chart), "PNG 图片 (*.png)", self.data_dir)
        if chosen is None:
            return None
        path = chosen[0] if chosen[0].suffix.lower() == ".png" else chosen[0].with_name(chosen[0].name + ".png")
        return self._saved(lambda: write_atomically(path, chart_png(chart)), path)

    def save_all(self) -> Path | None:
        folder = choose_folder(self, "把历年对比的图表和表格导出到文件夹", self.data_dir)
        if folder is None or self.trends is None:
            return None
        trends = self.trends
        return self._saved(lambda: write_trend_files(trends, self.fonts, folder), folder)

    def save_table(self) -> Path | None:
        if self.trends is None:
            return None
        name = f"{self.trends.subject}历年对比.xlsx"
        chosen = save_file(self, "导出表格", name, "Excel 工作簿 (*.xlsx);;CSV 文件 (*.csv)", self.data_dir)
        if chosen is None:
            return None
        path, kind = chosen
        if path.suffix.lower() not in (".xlsx", ".csv"):
            path = path.with_name(path.name + (".csv" if "csv" in kind else ".xlsx"))
        trends = self.trends
        write = write_csv if path.suffix.lower() == ".csv" else write_xlsx
        return self._saved(lambda: write(trends, path), path)

    def _saved(self, write: Callable[[], object], path: Path) -> Path | None:
        try:
            write()
        except NianbaoError as exc:
            show_problems(self, "未导出", str(exc), ())
            return None
        return path


def open_trends(
    parent: QWidget, workspace: Workspace, fonts: FontSet, agency: str | None, data_dir: str | None
) -> TrendsDialog:
    """The 历年对比 window, on `agency` when it has reports (modeless: the clerk may keep it beside the report)."""
    subjects = workspace.trend_subjects()
    chosen = next((s for s in subjects if s.agency == agency and not s.units), None)
    dialog = TrendsDialog(workspace, fonts, subjects, chosen, data_dir, parent)
    dialog.show()
    return dialog
