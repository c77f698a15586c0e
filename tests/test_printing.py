"""Print preview and printing show and print the very PDF the renderer made, at actual size on A4."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QDialog, QFileDialog
from pytestqt.qtbot import QtBot

from models.database import Database
from services import storage
from services.pdf.render import render_report
from tests.factories import sample_report
from ui.main_window import MainWindow
from ui.printing import PreviewDialog, a4_printer, print_pdf


def test_printing_puts_every_page_on_an_a4_sheet_at_actual_size(qtbot: QtBot, tmp_path: Path) -> None:
    pdf = render_report(sample_report())
    printer = a4_printer(QPrinter(QPrinter.PrinterMode.ScreenResolution))
    out = tmp_path / "printed.pdf"
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(out))
    pages = print_pdf(pdf, printer)
    printed = PdfReader(out)
    assert pages == len(PdfReader(io.BytesIO(pdf)).pages) == len(printed.pages)
    for page in printed.pages:
        width, height = float(page.mediabox.width), float(page.mediabox.height)
        assert abs(width - 595.3) < 1.5 and abs(height - 841.9) < 1.5


def test_preview_shows_the_same_pages(qtbot: QtBot) -> None:
    pdf = render_report(sample_report())
    dialog = PreviewDialog(pdf, "示例", None)
    qtbot.addWidget(dialog)
    assert dialog.document.pageCount() == len(PdfReader(io.BytesIO(pdf)).pages)
    assert not dialog.font_note.isVisibleTo(dialog)


def test_preview_zooms_fits_and_goes_to_a_page_and_names_font_stand_ins(qtbot: QtBot) -> None:
    from PySide6.QtPdfWidgets import QPdfView

    pdf = render_report(sample_report())
    notes = ["标题：未安装方正小标宋简体、方正小标宋_GBK，改用SimHei"]
    dialog = PreviewDialog(pdf, "示例", None, notes)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.font_note.isVisibleTo(dialog) and "改用SimHei" in dialog.font_note.text()
    dialog.go_to(3)
    qtbot.waitUntil(lambda: dialog.current_page() == 3)
    assert dialog.page_box.value() == 4 and dialog.page_box.suffix() == f" / {dialog.document.pageCount()}"
    dialog.page_box.setValue(2)
    qtbot.waitUntil(lambda: dialog.current_page() == 1)
    dialog.go_to(99)  # past the end: the last page
    qtbot.waitUntil(lambda: dialog.current_page() == dialog.document.pageCount() - 1)
    dialog.zoom_by(PreviewDialog.ZOOM_STEP)
    zoomed = dialog.view.zoomFactor()
    assert dialog.view.zoomMode() == QPdfView.ZoomMode.Custom
    dialog.zoom_by(PreviewDialog.ZOOM_STEP)
    assert dialog.view.zoomFactor() > zoomed
    dialog.go_to(2)
    qtbot.waitUntil(lambda: dialog.current_page() == 2)
    dialog.fit_page()
    assert dialog.view.zoomMode() == QPdfView.ZoomMode.FitInView
    qtbot.wait(50)
    assert dialog.current_page() == 2, "a new zoom keeps the page in view"
    dialog.fit_width()
    assert dialog.view.zoomMode() == QPdfView.ZoomMode.FitToWidth


def test_the_window_exports_the_pdf_and_the_check_report(
    qtbot: QtBot, db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with db.transaction() as session:
        report_id = storage.save_report(session, sample_report())
    window = MainWindow(db, str(tmp_path))
    qtbot.addWidget(window)
    window.open_report(report_id)
    targets = iter([str(tmp_path / "report.pdf"), str(tmp_path / "check")])
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *args: (next(targets), "")))
    window.export_pdf()
    window.export_check_report()
    assert "草稿" in PdfReader(tmp_path / "report.pdf").pages[0].extract_text()
    check_text = "".join(p.extract_text() for p in PdfReader(tmp_path / "check.pdf").pages)
    assert "成文日期为 2020年1月20日" in check_text and "SIGN_DATE" not in check_text
    assert "已保存" in window.message.text()


def test_centred_page_numbers_from_the_menu(qtbot: QtBot, db: Database, tmp_path: Path) -> None:
    import pdfplumber

    with db.transaction() as session:
        report_id = storage.save_report(session, sample_report())
    window = MainWindow(db, str(tmp_path))
    qtbot.addWidget(window)
    window.open_report(report_id)
    window.centred_action.setChecked(True)
    pdf = window.report_pdf()
    assert pdf is not None
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        for page in doc.pages[:2]:
            dash = [w for w in page.extract_words() if w["text"].startswith("—")]
            middle = (dash[0]["x0"] + dash[-1]["x1"]) / 2
            assert abs(middle - page.width / 2) < 20


_PRINT_IN_CHILD = """
import os, sys
def peak():  # VmHWM: this process's own peak (ru_maxrss keeps the forking parent's across exec)
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmHWM"))
os.environ["QT_QPA_PLATFORM"] = "offscreen"
from PySide6.QtWidgets import QApplication
app = QApplication([])
from PySide6.QtPrintSupport import QPrinter
from services.pdf.render import render_report
from tests.factories import sample_report
from ui.printing import a4_printer, print_pdf
pdf = render_report(sample_report())
printer = a4_printer(QPrinter(QPrinter.PrinterMode.HighResolution))
printer.setResolution(int(sys.argv[1]))
printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
printer.setOutputFileName(sys.argv[2])
before = peak()
pages = print_pdf(pdf, printer)
print(pages, before // 1024, peak() // 1024)
"""


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="the peak is read from Linux's /proc")
def test_printing_at_1200_dpi_stays_within_the_memory_budget(tmp_path: Path) -> None:
    """A 1,200 dpi printer (here Qt's PDF printer) once cost ~560 MB a page; bands at ≤ 300 dpi keep the whole
    process within the app's 250 MB."""
    import subprocess
    import sys

    root = Path(__file__).resolve().parent.parent
    out = tmp_path / "printed.pdf"
    done = subprocess.run(
        [sys.executable, "-c", _PRINT_IN_CHILD, "1200", str(out)],
        capture_output=True,
        text=True,
        cwd=root,
        env={**__import__("os").environ, "PYTHONPATH": str(root)},
        timeout=300,
        check=True,
    )
    pages, before_mb, peak_mb = map(int, done.stdout.split())
    assert pages == len(PdfReader(out).pages) >= 5
    assert peak_mb <= 250, f"peak {peak_mb} MB (before printing {before_mb} MB)"
    assert peak_mb - before_mb < 60, "printing itself holds no more than a few bands"


def test_the_clerk_chooses_a_print_face_and_the_window_keeps_it(
    qtbot: QtBot, db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from services.app_state import load_state
    from services.pdf.fonts import available_families
    from ui.font_dialog import AUTOMATIC, FontDialog

    families = available_families()
    assert families, "fontconfig lists this machine's faces"
    chosen = families[-1]

    def pick(dialog: FontDialog) -> QDialog.DialogCode:
        assert dialog.boxes["body"].currentText() == AUTOMATIC
        dialog.boxes["body"].setCurrentIndex(dialog.boxes["body"].findData(chosen))
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(FontDialog, "exec", pick)
    with db.transaction() as session:
        report_id = storage.save_report(session, sample_report())
    window = MainWindow(db, str(tmp_path))
    qtbot.addWidget(window)
    window.open_report(report_id)
    window.choose_fonts()
    assert load_state(str(tmp_path)).font_choices() == {"body": chosen}
    assert "打印字体已保存" in window.message.text()
    window.open_report(report_id)  # remembering the report keeps the faces
    assert load_state(str(tmp_path)).font_choices() == {"body": chosen}
    from ui import report_output

    assert report_output.print_fonts(str(tmp_path)).primary("body").family == chosen
