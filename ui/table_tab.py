"""The tab of a section that holds a table (二, 三, 四): heading, the grid, and what the clerk needs beside it."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from services.carry_over import carry_over_sources
from services.formats import CellKey, Section
from services.grid_layout import grid_layout
from ui.report_session import ReportSession
from ui.table_model import ReportTableModel
from ui.table_view import ReportTableView


class TableTab(QWidget):
    """One section with a table: its title, the grid, where copied values came from, and a button to accept
    the computed totals when an imported report's totals disagree with their parts."""

    notice = Signal(str)
    """A hint for the status bar from the grid (edits report through the session's `failed`)."""

    def __init__(self, session: ReportSession, section: Section, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        if section.table is None:
            raise ValueError(f"section {section.key} has no table")
        self.session = session
        self.section = section
        self.table_key = section.table
        editor = session.editor
        self.model = ReportTableModel(grid_layout(editor.format, section.table), session, self)
        self.view = ReportTableView(self.model, self)

        self.heading = QLabel(section.title)
        font = QFont(self.heading.font())
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.2)
        self.heading.setFont(font)
        self.sources = QLabel()
        self.sources.setWordWrap(True)
        self.sources.setStyleSheet("color: #555555;")
        self.accept_button = QPushButton("采用计算的合计")
        self.accept_button.setToolTip("合计与各项之和不一致：用程序计算的合计替换报告中原有的合计")

        top = QHBoxLayout()
        top.addWidget(self.heading)
        top.addStretch(1)
        top.addWidget(self.accept_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.sources)
        layout.addWidget(self.view, 1, Qt.AlignmentFlag.AlignLeft)
        # The grid keeps its paper width; extra room stays beside it rather than stretching the numbers.
        self.view.setMaximumWidth(self.view.sizeHint().width())

        self.accept_button.clicked.connect(self._accept_totals)
        self.view.notice.connect(self.notice)
        session.changed.connect(self._refresh)
        session.reloaded.connect(self._reload)
        self._reload()

    def select_key(self, key: CellKey) -> None:
        """Select and show one cell of this table (the check panel's 定位)."""
        self.view.select_key(key)

    def totals_disagree(self) -> bool:
        """True when a total of this table differs from the sum of its parts (as the check engine says), or is
        empty (not read from a published page) while its parts are all there: what 采用计算的合计 would fill.
        A total with an empty part is not judged, and is not replaced by a partial sum."""
        editor = self.session.editor
        computing = {rule.id for rule in editor.format.rules if rule.computes and rule.table == self.table_key}
        return any(
            not result.ok or result.missing == result.cells[:1]
            for result in editor.identities
            if result.rule in computing
        )

    def _accept_totals(self) -> None:
        self.session.accept_computed_totals()

    def _refresh(self, *_: object) -> None:
        self.accept_button.setVisible(self.totals_disagree() and not self.session.editor.read_only)

    def _reload(self) -> None:
        """Where copied values came from changes only with the whole report, not with a cell edit."""
        self._refresh()
        editor = self.session.editor
        lines: list[str] = []
        table_name = editor.format.table(self.table_key).name
        found = carry_over_sources(editor.report, editor.previous)
        lines = [line for line in found if line.startswith(table_name)]
        self.sources.setText("；".join(lines) + ("。" if lines else ""))
        self.sources.setVisible(bool(lines))
