"""The open report leaving the app: PDF, print preview, printing, the check report, and the other file kinds.
Each returns the status-bar message, or None when the clerk cancelled or an error was already shown."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QWidget

from services.app_state import load_state
from services.documents import write_report_file
from services.editing import ReportEditor
from services.errors import NianbaoError
from services.files import refuse_database_target, write_atomically
from services.rule_packs import check_with_pack
from ui.dialogs import show_problems
from ui.file_dialogs import save_file

if TYPE_CHECKING:
    from services.pdf.fonts import FontSet
    from services.trends import Trends
    from services.workspace import Workspace

EXPORT_KINDS = (
    "Excel 模板 (*.xlsx);;Word 文档 (*.docx);;网页 (*.html);;报送数据包 (*.json);;PDF (*.pdf);;OFD 版式文档 (*.ofd)"
)


def print_fonts(data_dir: str | None) -> FontSet:
    """The faces for the printout: automatic per role, but for the ones the clerk chose (打印字体…)."""
    from services.pdf.fonts import resolve_fonts

    return resolve_fonts(choices=load_state(data_dir).font_choices())  # type: ignore[arg-type]


def report_pdf(parent: QWidget, editor: ReportEditor, centred: bool, data_dir: str | None = None) -> bytes | None:
    """The official PDF (草稿 watermark unless final); None when it cannot be made (the reason is shown)."""
    from services.pdf.render import PdfOptions, render_report  # ReportLab loads only when printing

    options = PdfOptions(page_numbers="centred") if centred else PdfOptions()
    try:
        return render_report(editor.report, options, print_fonts(data_dir))
    except NianbaoError as exc:
        show_problems(parent, "无法生成PDF", str(exc), ())
        return None


@dataclass(frozen=True)
class Saved:
    """A file written: what the status bar says, and where it is (打开所在文件夹)."""

    message: str
    path: Path


def _save_pdf(
    parent: QWidget, content: bytes, caption: str, name: str, database_file: Path | None, data_dir: str | None
) -> Saved | None:
    chosen = save_file(parent, caption, name, "PDF 文件 (*.pdf)", data_dir)
    if chosen is None:
        return None
    path = chosen[0] if chosen[0].suffix.lower() == ".pdf" else chosen[0].with_name(chosen[0].name + ".pdf")
    try:
        refuse_database_target(path, database_file)
        write_atomically(path, content)
    except NianbaoError as exc:
        show_problems(parent, "未保存", str(exc), ())
        return None
    return Saved(f"已保存 {path}", path)


def _database_file(editor: ReportEditor) -> Path | None:
    """The open SQLite file, which an export must not overwrite (None for a server database)."""
    from models.database import sqlite_file  # SQLAlchemy: not before the window's first paint

    return sqlite_file(editor.db.url)


def export_pdf(parent: QWidget, editor: ReportEditor, centred: bool, data_dir: str | None = None) -> Saved | None:
    pdf = report_pdf(parent, editor, centred, data_dir)
    if pdf is None:
        return None
    name = f"{editor.report.display_title()}.pdf"
    return _save_pdf(parent, pdf, "导出PDF", name, _database_file(editor), data_dir)


def export_ofd(parent: QWidget, editor: ReportEditor, centred: bool, data_dir: str | None = None) -> Saved | None:
    """导出OFD: the printout's very pages (the PDF's glyphs, positions, table rules and embedded fonts) as OFD."""
    from services.ofd import report_ofd
    from services.pdf.render import PdfOptions

    name = f"{editor.report.display_title()}.ofd"
    chosen = save_file(parent, "导出OFD", name, "OFD 版式文档 (*.ofd)", data_dir)
    if chosen is None:
        return None
    path = chosen[0] if chosen[0].suffix.lower() == ".ofd" else chosen[0].with_name(chosen[0].name + ".ofd")
    options = PdfOptions(page_numbers="centred") if centred else PdfOptions()
    try:
        refuse_database_target(path, _database_file(editor))
        write_atomically(path, report_ofd(editor.report, options, print_fonts(data_dir)))
    except NianbaoError as exc:
        show_problems(parent, "未导出OFD", str(exc), ())
        return None
    return Saved(f"已导出 {path}", path)


def preview(parent: QWidget, editor: ReportEditor, centred: bool, data_dir: str | None = None) -> None:
    from ui.printing import PreviewDialog  # QtPdf and QtPrintSupport: not before the window's first paint

    pdf = report_pdf(parent, editor, centred, data_dir)
    if pdf is not None:
        PreviewDialog.ask(pdf, editor.report.display_title(), parent, print_fonts(data_dir).substitutions())


def print_report(parent: QWidget, editor: ReportEditor, centred: bool, data_dir: str | None = None) -> str | None:
    from ui.printing import ask_and_print

    pdf = report_pdf(parent, editor, centred, data_dir)
    if pdf is None:
        return None
    try:
        return "已发送到打印机。" if ask_and_print(pdf, parent) else None
    except NianbaoError as exc:
        show_problems(parent, "未打印", str(exc), ())
        return None


def export_check_report(
    parent: QWidget, editor: ReportEditor, data_dir: str | None = None, trends_from: Workspace | None = None
) -> Saved | None:
    """The 审核报告; with `trends_from` (文件 › 审核报告附历年对比图) the agency's 历年对比 from that database
    follows, this report as it stands in the window for its year."""
    from services.pdf.render import render_check_report

    try:
        trends = _trends(trends_from, editor) if trends_from is not None else None
        # the 审核报告 lists what the panel lists: the official findings, then the 上级要求 in force
        findings = check_with_pack(editor.report, editor.previous, editor.rule_pack)
        pdf = render_check_report(editor.report, findings, print_fonts(data_dir), trends=trends)
    except NianbaoError as exc:
        show_problems(parent, "无法生成审核报告", str(exc), ())
        return None
    name = f"{editor.report.display_title()}（审核报告）.pdf"
    return _save_pdf(parent, pdf, "导出审核报告", name, _database_file(editor), data_dir)


def _trends(workspace: Workspace, editor: ReportEditor) -> Trends:
    from services.trend_reports import TrendSubject

    return workspace.trends(TrendSubject(editor.report.agency), editor.report)


def export_as(parent: QWidget, editor: ReportEditor, data_dir: str | None = None) -> Saved | None:
    """Excel template, Word, a web page, the exchange file or PDF, by the chosen file name."""
    report = editor.report
    chosen = save_file(parent, "导出", report.display_title(), EXPORT_KINDS, data_dir)
    if chosen is None:
        return None
    path, kind = chosen
    if not path.suffix:
        path = path.with_suffix(kind[kind.index("*") + 1 : kind.index(")")])
    try:
        write_report_file(report, path, _database_file(editor))
    except NianbaoError as exc:
        show_problems(parent, "未导出", str(exc), ())
        return None
    return Saved(f"已导出 {path}", path)
