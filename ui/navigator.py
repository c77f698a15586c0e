"""The side panel: agencies, and under each its reports by year with status and number of errors."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QTreeWidget, QTreeWidgetItem, QWidget

from services.catalogue import ReportLine

REPORT_ID = Qt.ItemDataRole.UserRole
ERROR_COLOUR = QColor("#b00020")


class Navigator(QTreeWidget):
    report_chosen = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setHeaderLabels(["单位 / 年度", "状态", "错误"])
        self.setColumnWidth(0, 120)
        self.setColumnWidth(1, 48)
        self.setColumnWidth(2, 30)
        self.setRootIsDecorated(True)
        self.itemActivated.connect(self._activated)
        self.itemClicked.connect(self._activated)
        self._items: dict[int, QTreeWidgetItem] = {}

    def show_lines(self, lines: list[ReportLine], current: int | None) -> None:
        """Rebuild from the catalogue; keeps the open report selected."""
        self.blockSignals(True)
        self.setUpdatesEnabled(False)  # one layout and paint for the whole list, not one per line
        self.clear()
        self._items = {}
        agencies: dict[str, QTreeWidgetItem] = {}
        for line in lines:
            parent = agencies.get(line.agency)
            if parent is None:
                parent = agencies[line.agency] = QTreeWidgetItem(self, [line.agency])
                parent.setFirstColumnSpanned(True)
                parent.setExpanded(True)
            status = "已定稿" if line.status == "final" else "草稿"
            item = QTreeWidgetItem(parent, [f"{line.year} 年", status, str(line.errors) if line.errors else ""])
            item.setData(0, REPORT_ID, line.report_id)
            self._items[line.report_id] = item
            item.setToolTip(0, f"{line.agency} {line.year} 年（{line.format_id} 格式）：错误 {line.errors} 个，"
                               f"提示 {line.warnings} 个")
            if line.errors:
                item.setForeground(2, QBrush(ERROR_COLOUR))
            if line.report_id == current:
                self.setCurrentItem(item)
        self.setUpdatesEnabled(True)
        self.blockSignals(False)

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

    def _item(self, report_id: int) -> QTreeWidgetItem | None:
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

    def update_report(self, report_id: int, status: str, errors: int) -> None:
        """Refresh one report's line after an edit, without rebuilding the tree."""
        item = self._item(report_id)
        if item is not None:
            item.setText(1, "已定稿" if status == "final" else "草稿")
            item.setText(2, str(errors) if errors else "")
            item.setForeground(2, QBrush(ERROR_COLOUR))
