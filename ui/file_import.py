"""Importing report files in the window: many at once with a progress bar, and a question when a report for
that agency and year is already stored (替换 / 保留原有 / 取消)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QInputDialog, QMessageBox, QProgressDialog, QWidget

from models.database import Database
from services.documents import ReadReport, read_document
from services.errors import NianbaoError
from services.importing import OnExisting, existing_report, import_report
from services.report import Report

Choice = Literal["replace", "keep", "cancel"]
FILE_FILTER = ";;".join(
    (
        "报告文件 (*.json *.xlsx *.html *.htm *.txt)",
        "报送数据包 (*.json)",
        "Excel 模板 (*.xlsx)",
        "网页或文本 (*.html *.htm *.txt)",
    )
)


class ConflictDialog:
    @classmethod
    def ask(cls, parent: QWidget | None, agency: str, year: int, file_name: str) -> Choice:
        box = QMessageBox(
            QMessageBox.Icon.Question,
            "报告已存在",
            f"数据库中已有“{agency}”{year} 年的报告。\n要用文件“{file_name}”中的内容替换它吗？",
            parent=parent,
        )
        replace = box.addButton("替换", QMessageBox.ButtonRole.DestructiveRole)
        keep = box.addButton("保留原有的", QMessageBox.ButtonRole.AcceptRole)
        box.addButton("取消导入", QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(keep)
        box.exec()
        clicked = box.clickedButton()
        return "replace" if clicked is replace else "keep" if clicked is keep else "cancel"


class AgencyDialog:
    @classmethod
    def ask(cls, parent: QWidget | None, label: str) -> str | None:
        name, ok = QInputDialog.getText(parent, "机关名称", f"“{label}”中没有写明机关名称，请填写：")
        return name.strip() if ok and name.strip() else None


@dataclass
class ImportOutcome:
    imported: list[int] = field(default_factory=list)
    messages: list[str] = field(default_factory=list)
    cancelled: bool = False


def _import_one(db: Database, label: str, read: ReadReport, parent: QWidget | None, outcome: ImportOutcome) -> bool:
    """Store one report, asking when it exists; False when the clerk cancels the rest."""
    if not read.report.agency.strip():  # a published page that names no agency
        name = AgencyDialog.ask(parent, label)
        if not name:
            outcome.messages.append(f"{label}：没有机关名称，未导入。")
            return True
        read.report.agency = name
    with db.transaction() as session:
        stored = existing_report(session, read.report)
    on_existing: OnExisting = "refuse"
    if stored is not None:
        choice = ConflictDialog.ask(parent, read.report.agency, read.report.year, label)
        if choice == "cancel":
            outcome.cancelled = True
            return False
        on_existing = choice
    with db.transaction() as session:
        result = import_report(session, read.report, on_existing=on_existing)
    if not result.kept:
        outcome.imported.append(result.report_id)
    if result.notice():
        outcome.messages.append(f"{label}：{result.notice()}")
    if read.not_understood:
        outcome.messages.append(
            f"{label}：以下内容未能识别，请核对后手工填写：\n" + "\n".join(f"  {line}" for line in read.not_understood)
        )
    return True


def import_files(db: Database, paths: list[Path], parent: QWidget | None) -> ImportOutcome:
    """Each file all-or-nothing; a bad file is reported and the next one goes on."""
    outcome = ImportOutcome()
    progress = QProgressDialog("正在导入…", "取消", 0, len(paths), parent)
    progress.setWindowTitle("导入")
    progress.setWindowModality(Qt.WindowModality.WindowModal)
    progress.setMinimumDuration(400)  # a single small file shows no dialog
    for i, path in enumerate(paths):
        progress.setValue(i)
        progress.setLabelText(f"正在导入 {path.name}（{i + 1}/{len(paths)}）…")
        if progress.wasCanceled():
            outcome.cancelled = True
            break
        try:
            if not _import_one(db, path.name, read_document(path), parent, outcome):
                break
        except NianbaoError as exc:
            outcome.messages.append(f"{path.name}：未导入。{exc}")
    progress.setValue(len(paths))
    return outcome


def import_files_of_reports(db: Database, reports: list[Report], parent: QWidget | None) -> ImportOutcome:
    """Store reports made in the app (a 汇总) with the same questions as imported files."""
    outcome = ImportOutcome()
    for report in reports:
        label = f"{report.agency} {report.year} 年报告"
        if not _import_one(db, label, ReadReport(report), parent, outcome):
            break
    return outcome
