"""The main window. This first version lists the reports in the database and imports exchange files;
the six-tab form, the totals panel and printing come with the next issues."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QFileDialog,
    QHeaderView,
    QLabel,
    QMainWindow,
    QMessageBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from models.database import Database
from services.catalogue import ReportLine, report_lines
from services.documents import read_report_file
from services.errors import NianbaoError
from services.storage import save_report

HEADERS = ("单位", "年度", "格式", "状态", "错误", "提示")


class MainWindow(QMainWindow):
    def __init__(self, db: Database) -> None:
        super().__init__()
        self._db = db
        self.setWindowTitle("年报 — 政府信息公开工作年度报告")
        self.resize(900, 560)

        self.empty_hint = QLabel("数据库中还没有报告。请用“文件 › 导入报送数据包…”导入一个 .json 文件。")
        self.table = QTableWidget(0, len(HEADERS))
        self.table.setHorizontalHeaderLabels(HEADERS)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        body = QWidget()
        layout = QVBoxLayout(body)
        layout.addWidget(self.empty_hint)
        layout.addWidget(self.table)
        self.setCentralWidget(body)

        menu = self.menuBar().addMenu("文件(&F)")
        menu.addAction("导入报送数据包(&I)…", self._ask_import)
        menu.addSeparator()
        menu.addAction("退出(&X)", self.close)
        self.statusBar().showMessage(f"数据库：{db.url_for_display}")
        self.refresh()

    def refresh(self) -> None:
        with self._db.transaction() as session:
            lines = report_lines(session)
        self._show(lines)

    def _show(self, lines: list[ReportLine]) -> None:
        self.empty_hint.setVisible(not lines)
        self.table.setRowCount(len(lines))
        for i, line in enumerate(lines):
            values = (line.agency, str(line.year), line.format_id, "已定稿" if line.status == "final" else "草稿",
                      str(line.errors), str(line.warnings))
            for j, text in enumerate(values):
                self.table.setItem(i, j, QTableWidgetItem(text))

    def import_files(self, paths: list[Path]) -> list[str]:
        """Import exchange files one by one (each all-or-nothing); returns the problems to show."""
        problems = []
        for path in paths:
            try:
                report = read_report_file(path)
                with self._db.transaction() as session:
                    save_report(session, report)
            except NianbaoError as exc:
                problems.append(f"{path.name}：{exc}")
        self.refresh()
        return problems

    def _ask_import(self) -> None:
        names, _ = QFileDialog.getOpenFileNames(self, "导入报送数据包", "", "报送数据包 (*.json)")
        problems = self.import_files([Path(n) for n in names])
        if problems:
            QMessageBox.warning(self, "部分文件未导入", "\n\n".join(problems))
