"""Print preview and printing of the very PDF the renderer made: what the clerk sees is what is printed."""

from __future__ import annotations

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QRect, QRectF, QSize
from PySide6.QtGui import QPageLayout, QPageSize, QPainter
from PySide6.QtPdf import QPdfDocument, QPdfDocumentRenderOptions
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QVBoxLayout, QWidget

from services.errors import NianbaoError


def load_pdf(pdf: bytes, parent: QWidget | None = None) -> QPdfDocument:
    """A QPdfDocument over bytes in memory (the buffer lives as long as the document)."""
    document = QPdfDocument(parent)  # type: ignore[arg-type]  # the stubs demand a parent, Qt does not
    buffer = QBuffer(document)
    buffer.setData(QByteArray(pdf))
    buffer.open(QIODevice.OpenModeFlag.ReadOnly)
    document.load(buffer)
    if document.status() != QPdfDocument.Status.Ready:
        raise NianbaoError("无法显示生成的PDF。")
    return document


def a4_printer(printer: QPrinter | None = None) -> QPrinter:
    """A4 portrait, the whole sheet addressable, no margins of Qt's own: the PDF carries the GB/T 9704 ones."""
    printer = printer or QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
    printer.setPageOrientation(QPageLayout.Orientation.Portrait)
    printer.setFullPage(True)
    return printer


PRINT_DPI_CAP = 300
"""Pages are rasterised at no more than this: a 600 or 1,200 dpi printer would otherwise need 140–560 MB a page."""
BAND_HEIGHT_INCH = 1.0
"""Each page is rendered and sent in bands of this height, so memory stays at a few MB whatever the page."""


def print_pdf(pdf: bytes, printer: QPrinter) -> int:
    """Print every page at actual size (no fit-to-page scaling); returns the number of pages printed.

    A page is rendered at min(printer, 300) dpi, one band at a time, each band scaled onto the sheet where it
    belongs: peak memory is one band (about 3 MB), not one page at the printer's resolution.
    """
    document = load_pdf(pdf)
    painter = QPainter()
    if not painter.begin(printer):
        raise NianbaoError("无法开始打印：打印机不可用或被占用。")
    try:
        device_dpi = printer.resolution()
        dpi = min(device_dpi, PRINT_DPI_CAP)
        for page in range(document.pageCount()):
            if page:
                printer.newPage()
            points = document.pagePointSize(page)
            full = QSize(round(points.width() / 72 * dpi), round(points.height() / 72 * dpi))
            scale = device_dpi / dpi
            band = max(1, round(BAND_HEIGHT_INCH * dpi))
            for top in range(0, full.height(), band):
                height = min(band, full.height() - top)
                options = QPdfDocumentRenderOptions()
                options.setScaledSize(full)
                options.setScaledClipRect(QRect(0, top, full.width(), height))
                image = document.render(page, QSize(full.width(), height), options)
                # placed at the sheet's corner at actual size: the margins stay as drawn
                target = QRectF(0, top * scale, full.width() * scale, height * scale)
                painter.drawImage(target, image)
    finally:
        painter.end()
    return document.pageCount()


class PreviewDialog(QDialog):
    """打印预览: the PDF itself, page after page, with 打印."""

    def __init__(self, pdf: bytes, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"打印预览 — {title}")
        self.resize(820, 960)
        self.pdf = pdf
        self.document = load_pdf(pdf, self)
        self.view = QPdfView(self)
        self.view.setDocument(self.document)
        self.view.setPageMode(QPdfView.PageMode.MultiPage)
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        info = QLabel(f"共 {self.document.pageCount()} 页。打印时请选择 A4 纸、实际大小（不缩放）。")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.print_button = buttons.addButton("打印…", QDialogButtonBox.ButtonRole.ActionRole)
        self.print_button.clicked.connect(self.print_)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(info)
        layout.addWidget(self.view, 1)
        layout.addWidget(buttons)

    def print_(self) -> None:
        ask_and_print(self.pdf, self)

    @classmethod
    def ask(cls, pdf: bytes, title: str, parent: QWidget | None) -> None:
        cls(pdf, title, parent).exec()


def ask_and_print(pdf: bytes, parent: QWidget | None) -> bool:
    """The system print dialog, then printing at actual size; False when cancelled."""
    printer = a4_printer()
    dialog = QPrintDialog(printer, parent)
    dialog.setWindowTitle("打印")
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return False
    print_pdf(pdf, a4_printer(printer))
    return True
