"""Importing report files in the window: many at once with a progress bar, and a question when a report for
that agency and year is already stored (替换 / 保留原有 / 取消)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QInputDialog, QMessageBox, QProgressDialog, QWidget

from services.documents import ReadReport, read_document
from services.errors import NianbaoError
from services.report import Report
from services.workspace import Workspace

if TYPE_CHECKING:  # SQLAlchemy loads after the window's first paint
    from services.importing import OnExisting

Choice = Literal["replace", "keep", "cancel"]
FILE_FILTER = ";;".join(
    (
        "报告文件 (*.json *.xlsx *.html *.htm *.txt *.pdf *.docx)",
        "报送数据包 (*.json)",
        "Excel 模板 (*.xlsx)",
        "网上公开的报告 (*.html *.htm *.txt *.pdf *.docx)",
    )
)


class ConflictDialog:
    @classmethod
    def ask(cls, parent: QWidget | None, agency: str, year: int, file_name: str) -> Choice:
        box = QMessageBox(
            QMessageBox.Icon.Question,
            "报告已存在",
            f"数据库中已有“{agency}”{year} 年的报告。\n要用“{file_name}”中的内容替换它吗？",
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
    replaced: list[int] = field(default_factory=list)
    """Reports stored before and now replaced from a file (an open one must be read again)."""
    messages: list[str] = field(default_factory=list)
    cancelled: bool = False


def _decide(
    space: Workspace, label: str, read: ReadReport, parent: QWidget | None, outcome: ImportOutcome
) -> OnExisting | Literal["skip", "cancel"]:
    """Ask what the clerk must say about one report before anything is stored: its agency when the file names
    none, and what to do when that agency and year are stored already."""
    if not read.report.agency.strip():  # a published page that names no agency
        name = AgencyDialog.ask(parent, label)
        if not name:
            outcome.messages.append(f"{label}：没有机关名称，未导入。")
            return "skip"
        read.report.agency = name
    if space.stored_as(read.report) is None:
        return "refuse"
    choice = ConflictDialog.ask(parent, read.report.agency, read.report.year, label)
    return choice


def _store(
    space: Workspace, label: str, read: ReadReport, on_existing: OnExisting, outcome: ImportOutcome, source: bool
) -> None:
    done = space.store(label, read, on_existing, source=label if source else None)
    if done.report_id is not None:
        outcome.imported.append(done.report_id)
        if done.replaced:
            outcome.replaced.append(done.report_id)
    outcome.messages += done.messages


def _progress(parent: QWidget | None, title: str, total: int) -> QProgressDialog:
    progress = QProgressDialog(title, "取消", 0, total, parent)
    progress.setWindowTitle("导入")
    progress.setWindowModality(Qt.WindowModality.WindowModal)
    progress.setMinimumDuration(400)  # a single small file shows no dialog
    return progress


def _ask_and_store(
    space: Workspace,
    reads: list[tuple[str, ReadReport]],
    parent: QWidget | None,
    outcome: ImportOutcome,
    *,
    from_files: bool = False,
) -> None:
    """Every question first, with nothing in front of it; then the storing, with its own progress. A report
    `from_files` has its label (the file) logged as where it came from."""
    decided: list[tuple[str, ReadReport, OnExisting]] = []
    for label, read in reads:
        decision = _decide(space, label, read, parent, outcome)
        if decision == "cancel":
            outcome.cancelled = True
            return
        if decision != "skip":
            decided.append((label, read, decision))
    progress = _progress(parent, "正在保存…", len(decided))
    for i, (label, read, on_existing) in enumerate(decided):
        progress.setValue(i)
        progress.setLabelText(f"正在保存 {label}（{i + 1}/{len(decided)}）…")
        try:
            _store(space, label, read, on_existing, outcome, from_files)
        except NianbaoError as exc:
            outcome.messages.append(f"{label}：未导入。{exc}")
    progress.setValue(len(decided))
    progress.close()


def import_files(
    space: Workspace, paths: list[Path], parent: QWidget | None, labels: list[str] | None = None
) -> ImportOutcome:
    """Each file all-or-nothing; a bad file is reported and the next one goes on. The files are read first
    (with progress), then every question is asked (no progress box over it), then the reports are stored.
    `labels` name the files (a folder's files by their path in it); by default their names."""
    outcome = ImportOutcome()
    reads: list[tuple[str, ReadReport]] = []
    names = labels or [path.name for path in paths]
    progress = _progress(parent, "正在读取…", len(paths))
    for i, (path, name) in enumerate(zip(paths, names, strict=True)):
        progress.setValue(i)
        progress.setLabelText(f"正在读取 {name}（{i + 1}/{len(paths)}）…")
        if progress.wasCanceled():
            outcome.cancelled = True
            break
        try:
            reads.append((name, read_document(path)))
        except NianbaoError as exc:
            outcome.messages.append(f"{name}：未导入。{exc}")
    progress.setValue(len(paths))
    progress.close()
    if not outcome.cancelled:
        _ask_and_store(space, reads, parent, outcome, from_files=True)
    return outcome


def import_files_of_reports(
    space: Workspace, reports: list[Report], parent: QWidget | None, label: Callable[[Report], str] | None = None
) -> ImportOutcome:
    """Store reports made in the app (a 汇总) or read from another database (an upload) with the same questions as
    imported files; `label` names each in the questions and messages."""
    outcome = ImportOutcome()
    name = label or (lambda report: f"{report.agency} {report.year} 年报告")
    _ask_and_store(space, [(name(report), ReadReport(report)) for report in reports], parent, outcome)
    return outcome
