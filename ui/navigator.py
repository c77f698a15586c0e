"""The side panel: agencies, and under each its reports by year with status and number of errors."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QHeaderView, QTreeWidget, QTreeWidgetItem, QWidget

from services.report_line import ReportLine

REPORT_ID = Qt.ItemDataRole.UserRole
ERROR_COLOUR = QColor("#b00020")


class Navigator(QTreeWidget):
    report_chosen = Signal(int)

    EXPAND_ALL_UP_TO = 60
    """Lines shown at once; a larger list opens only the current agency (its lines are made on expanding)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setHeaderLabels(["单位 / 年度", "状态", "错误"])
        # 状态 and 错误 keep their width; the name column takes what is left, so a narrow list (1366×768)
        # shows all three columns without a sideways scroll bar (long names are elided, the tooltip has them)
        header = self.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Fixed)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Fixed)
        self.setColumnWidth(1, 44)
        self.setColumnWidth(2, 32)
        self.setRootIsDecorated(True)
        self.itemActivated.connect(self._activated)
        self.itemClicked.connect(self._activated)
        self.itemExpanded.connect(self._fill)
        self._items: dict[int, QTreeWidgetItem] = {}
        self._agency_items: dict[str, QTreeWidgetItem] = {}
        self._lines: dict[str, list[ReportLine]] = {}
        self._agency_of: dict[int, str] = {}

    def show_lines(self, lines: list[ReportLine], current: int | None) -> None:
        """Rebuild from the catalogue; keeps the open report selected."""
        self.blockSignals(True)
        self.setUpdatesEnabled(False)  # one layout and paint for the whole list, not one per line
        self.clear()
        self._items, self._agency_items, self._lines, self._agency_of = {}, {}, {}, {}
        for line in lines:
            self._lines.setdefault(line.agency, []).append(line)
            self._agency_of[line.report_id] = line.agency
        for agency in self._lines:
            item = QTreeWidgetItem([agency])
            item.setChildIndicatorPolicy(QTreeWidgetItem.ChildIndicatorPolicy.ShowIndicator)
            self._agency_items[agency] = item
        self.addTopLevelItems(list(self._agency_items.values()))
        for item in self._agency_items.values():  # spans once every line is in: each span lays out the list
            item.setFirstColumnSpanned(True)  # again while lines are still being added (250 agencies: 43 ms)
        self.blockSignals(False)
        if len(lines) <= self.EXPAND_ALL_UP_TO:
            for item in self._agency_items.values():
                item.setExpanded(True)
        if current is not None:
            self.select_report(current)
        self.setUpdatesEnabled(True)

    def _fill(self, agency_item: QTreeWidgetItem) -> None:
        """Make an agency's report lines the first time it is opened."""
        if agency_item.childCount() or agency_item.parent() is not None:
            return
        agency = agency_item.text(0)
        for line in self._lines.get(agency, []):
            status = "已定稿" if line.status == "final" else "草稿"
            item = QTreeWidgetItem(agency_item, [f"{line.year} 年", status, str(line.errors) if line.errors else ""])
            item.setData(0, REPORT_ID, line.report_id)
            item.setToolTip(0, _tooltip(line.agency, line.year, line.format_id, line.errors, line.warnings))
            if line.errors:
                item.setForeground(2, QBrush(ERROR_COLOUR))
            self._items[line.report_id] = item

    def _item(self, report_id: int) -> QTreeWidgetItem | None:
        agency = self._agency_of.get(report_id)
        if agency is None:
            return None
        self._agency_items[agency].setExpanded(True)  # makes its lines (_fill)
        return self._items.get(report_id)

    def select_report(self, report_id: int) -> bool:
        """Select a report's line without rebuilding; False when the list does not have it."""
        item = self._item(report_id)
        if item is None:
            return False
        self.blockSignals(True)
        self.setCurrentItem(item)
        self.blockSignals(False)
        return True

    def update_report(self, report_id: int, status: str, errors: int, warnings: int) -> None:
        """Refresh one report's line after an edit, without rebuilding the tree: status, counts and tooltip."""
        item = self._items.get(report_id)
        if item is None:
            return
        item.setText(1, "已定稿" if status == "final" else "草稿")
        item.setText(2, str(errors) if errors else "")
        item.setForeground(2, QBrush(ERROR_COLOUR))
        line = next(
            (x for x in self._lines.get(self._agency_of.get(report_id, ""), []) if x.report_id == report_id), None
        )
        if line is not None:
            item.setToolTip(0, _tooltip(line.agency, line.year, line.format_id, errors, warnings))

    def current_report_id(self) -> int | None:
        item = self.currentItem()
        value = item.data(0, REPORT_ID) if item is not None else None
        return int(value) if value is not None else None

    def current_agency(self) -> str | None:
        item = self.currentItem()
        if item is None:
            return None
        parent = item.parent()
        return item.text(0) if parent is None else parent.text(0)

    def _activated(self, item: QTreeWidgetItem, _column: int) -> None:
        value = item.data(0, REPORT_ID)
        if value is not None:
            self.report_chosen.emit(int(value))


def _tooltip(agency: str, year: int, format_id: str, errors: int, warnings: int) -> str:
    return f"{agency} {year} 年（{format_id} 格式）：错误 {errors} 个，提示 {warnings} 个"
