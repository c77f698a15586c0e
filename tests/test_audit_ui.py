"""汇总 › 批量审核 in the window, as a clerk uses it: the menu, a folder, the progress box, the rows sorted by a
click on a column, a file's findings, the export and 打开所在文件夹; cancel, and closing the window mid-run."""

from __future__ import annotations

import time
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook
from PySide6.QtCore import QPoint, Qt, QUrl
from PySide6.QtGui import QAction, QDesktopServices
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QPushButton
from pytestqt.qtbot import QtBot

from models.database import Database
from services import audit as audit_service
from services.audit import AuditRow
from services.audit_write import ROW_HEADERS
from services.documents import write_report_file
from tests.factories import filled_report, sample_report
from ui import audit_dialog
from ui.audit_dialog import AuditRun, FolderChoice, ResultsDialog
from ui.main_window import MainWindow

FILES = ["broken.pdf", "sample.json", "sub/wrong.json"]


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    root = tmp_path / "reports"
    (root / "sub").mkdir(parents=True)
    write_report_file(sample_report(), root / "sample.json")
    wrong = filled_report("2021", agency="某县教育局")
    wrong.cells[("t3", "new", "natural")] += 1
    write_report_file(wrong, root / "sub" / "wrong.json")
    (root / "broken.pdf").write_bytes(b"%PDF-1.4 cut off")
    (root / "~$lock.docx").write_bytes(b"lock")
    return root


def window_on(qtbot: QtBot, db: Database, tmp_path: Path, folder: Path, monkeypatch: pytest.MonkeyPatch) -> MainWindow:
    monkeypatch.setattr(FolderChoice, "ask", classmethod(lambda cls, parent, data_dir: folder))
    window = MainWindow(db, str(tmp_path / "data"), today=date(2024, 1, 10))
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    return window


def start_from_menu(window: MainWindow) -> AuditRun:
    [action] = [a for a in window.findChildren(QAction) if a.text() == "批量审核…"]
    action.trigger()
    run = window.audit_run
    assert run is not None
    return run


def results_of(qtbot: QtBot, run: AuditRun) -> ResultsDialog:
    qtbot.waitUntil(lambda: run.results is not None, timeout=20_000)
    assert run.results is not None and not run.running
    return run.results


def slow_reads(monkeypatch: pytest.MonkeyPatch, seconds: float) -> None:
    real = audit_service.audit_file

    def slow(path: Path, label: str | None = None) -> AuditRow:
        time.sleep(seconds)
        return real(path, label)

    monkeypatch.setattr(audit_service, "audit_file", slow)


def test_the_clerk_audits_a_folder_sorts_the_rows_reads_a_files_findings_and_exports(
    qtbot: QtBot, db: Database, tmp_path: Path, folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    window = window_on(qtbot, db, tmp_path, folder, monkeypatch)
    run = start_from_menu(window)
    dialog = results_of(qtbot, run)
    qtbot.addWidget(dialog)
    assert dialog.isVisible() and not run.progress.isVisible()
    assert sorted(dialog.shown_files()) == FILES
    assert dialog.summary.text() == "审核 3 个文件：已读取 2，部分读取 0，无法读取 1；表格有错误的 1 个。"

    errors_column = ROW_HEADERS.index("错误")
    assert dialog.table.model().headerData(errors_column, Qt.Orientation.Horizontal) == "错误"
    header = dialog.table.horizontalHeader()
    at = QPoint(header.sectionViewportPosition(errors_column) + 5, header.height() // 2)
    QTest.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=at)
    assert dialog.shown_files() == ["sample.json", "sub/wrong.json", "broken.pdf"]  # 0, 2, then no count at all
    QTest.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=at)
    assert dialog.shown_files() == ["sub/wrong.json", "sample.json", "broken.pdf"]  # most errors first

    dialog.table.selectRow(0)
    assert "[审核结果·错误·表三勾稽关系]" in dialog.details.toPlainText()
    dialog.table.selectRow(2)
    assert dialog.details.toPlainText().startswith("broken.pdf（PDF）：无法读取")

    out = tmp_path / "结果"
    monkeypatch.setattr(audit_dialog, "save_file", lambda *args: (out, "Excel 工作簿 (*.xlsx)"))
    opened: list[QUrl] = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened.append(url))
    assert not dialog.folder_button.isVisible()
    QTest.mouseClick(dialog.xlsx_button, Qt.MouseButton.LeftButton)
    written = tmp_path / "结果.xlsx"
    rows = list(load_workbook(written)["审核结果"].iter_rows(min_row=2, values_only=True))
    assert [row[0] for row in rows] == FILES
    assert dialog.folder_button.isVisible()
    QTest.mouseClick(dialog.folder_button, Qt.MouseButton.LeftButton)
    assert [url.toLocalFile() for url in opened] == [str(tmp_path)]


def test_cancel_stops_after_the_file_being_read_and_shows_the_rows_so_far(
    qtbot: QtBot, db: Database, tmp_path: Path, folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    slow_reads(monkeypatch, 0.3)
    window = window_on(qtbot, db, tmp_path, folder, monkeypatch)
    run = start_from_menu(window)
    qtbot.waitUntil(lambda: run.progress.value() >= 1, timeout=10_000)
    assert run.progress.labelText().startswith("已审核 1/3：")
    assert window.isEnabled()  # the event loop runs: the window paints, nothing waits on the audit
    [cancel] = [b for b in run.progress.findChildren(QPushButton) if b.text() == "取消"]
    QTest.mouseClick(cancel, Qt.MouseButton.LeftButton)
    dialog = results_of(qtbot, run)
    qtbot.addWidget(dialog)
    assert dialog.audit.cancelled and 1 <= len(dialog.audit.rows) < 3
    assert "已取消" in dialog.summary.text()


def test_closing_the_window_mid_run_waits_for_the_file_being_read(
    qtbot: QtBot, db: Database, tmp_path: Path, folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    slow_reads(monkeypatch, 0.3)
    window = window_on(qtbot, db, tmp_path, folder, monkeypatch)
    run = start_from_menu(window)
    qtbot.waitUntil(lambda: run.progress.value() >= 1, timeout=10_000)
    window.close()
    assert not run.running  # stopped between two files, not cut off inside one


def test_a_folder_without_reports_is_said_and_nothing_runs(
    qtbot: QtBot, db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    said: list[str] = []
    monkeypatch.setattr(audit_dialog, "show_problems", lambda parent, title, message, problems: said.append(message))
    window = window_on(qtbot, db, tmp_path, empty, monkeypatch)
    run = start_from_menu(window)
    qtbot.waitUntil(lambda: bool(said), timeout=10_000)
    assert "中没有报告文件" in said[0] and run.results is None and not run.progress.isVisible()
