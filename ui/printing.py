"""Print preview and printing of the very PDF the renderer made: what the clerk sees is what is printed."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QPointF, QRect, QRectF, QSize
from PySide6.QtGui import QAction, QGuiApplication, QKeySequence, QPageLayout, QPageSize, QPainter
from PySide6.QtPdf import QPdfDocument, QPdfDocumentRenderOptions
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QSpinBox,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

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
    """打印预览: the PDF itself, page after page, with zoom, fit width / fit page, page navigation and 打印."""

    ZOOM_STEP = 1.25

    def __init__(self, pdf: bytes, title: str, parent: QWidget | None = None, notes: Sequence[str] = ()) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"打印预览 — {title}")
        # a page's height where the screen allows, never taller than the screen (1366 × 768 office laptops)
        screen = (parent.screen() if parent is not None else None) or QGuiApplication.primaryScreen()
        room = screen.availableGeometry() if screen is not None else None
        self.resize(min(820, room.width() if room else 820), min(960, room.height() - 40 if room else 960))
        self.pdf = pdf
        self.document = load_pdf(pdf, self)
        self.view = QPdfView(self)
        self.view.setDocument(self.document)
        self.view.setPageMode(QPdfView.PageMode.MultiPage)
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        pages = self.document.pageCount()
        info = QLabel(f"共 {pages} 页。打印时请选择 A4 纸、实际大小（不缩放）。")
        # which face stands in for which role, when the standard ones are not installed
        self.font_note = QLabel("字体替代：" + "；".join(notes) if notes else "")
        self.font_note.setWordWrap(True)
        self.font_note.setVisible(bool(notes))

        self.page_box = QSpinBox(self)
        self.page_box.setRange(1, max(1, pages))
        self.page_box.setSuffix(f" / {pages}")
        self.page_box.setPrefix("第 ")
        self.page_box.setAccessibleName("页码")
        self.page_box.valueChanged.connect(lambda n: self.go_to(n - 1))
        self.view.pageNavigator().currentPageChanged.connect(self._page_shown)
        keys = QKeySequence.StandardKey
        navigation: list[tuple[str, str, Callable[[], None], QKeySequence.StandardKey | None]] = [
            ("上一页", "上一页（PgUp）", lambda: self.go_to(self.current_page() - 1), keys.MoveToPreviousPage),
            ("下一页", "下一页（PgDn）", lambda: self.go_to(self.current_page() + 1), keys.MoveToNextPage),
        ]
        zooming: list[tuple[str, str, Callable[[], None], QKeySequence.StandardKey | None]] = [
            ("缩小", "缩小（Ctrl+-）", lambda: self.zoom_by(1 / self.ZOOM_STEP), keys.ZoomOut),
            ("放大", "放大（Ctrl++）", lambda: self.zoom_by(self.ZOOM_STEP), keys.ZoomIn),
            ("适合宽度", "页面宽度撑满窗口", self.fit_width, None),
            ("适合整页", "整页显示在窗口中", self.fit_page, None),
        ]
        bar = QHBoxLayout()
        for text, tip, slot, key in navigation:
            bar.addWidget(self._button(text, tip, slot, key))
        bar.addWidget(self.page_box)
        bar.addSpacing(16)
        for text, tip, slot, key in zooming:
            bar.addWidget(self._button(text, tip, slot, key))
        bar.addStretch(1)

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.print_button = buttons.addButton("打印…", QDialogButtonBox.ButtonRole.ActionRole)
        self.print_button.clicked.connect(self.print_)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(info)
        layout.addWidget(self.font_note)
        layout.addLayout(bar)
        layout.addWidget(self.view, 1)
        layout.addWidget(buttons)

    def _button(
        self, text: str, tip: str, slot: Callable[[], None], keys: QKeySequence.StandardKey | None
    ) -> QToolButton:
        button = QToolButton(self)
        button.setText(text)
        button.setToolTip(tip)
        button.clicked.connect(slot)
        if keys is not None:
            action = QAction(self)
            action.setShortcuts(keys)
            action.triggered.connect(slot)
            self.addAction(action)
        return button

    def current_page(self) -> int:
        return int(self.view.pageNavigator().currentPage())

    def go_to(self, page: int) -> None:
        page = max(0, min(self.document.pageCount() - 1, page))
        if page != self.current_page():
            self.view.pageNavigator().jump(page, QPointF(), self.view.zoomFactor())

    def _page_shown(self, page: int) -> None:
        self.page_box.blockSignals(True)
        self.page_box.setValue(page + 1)
        self.page_box.blockSignals(False)

    def zoom_by(self, factor: float) -> None:
        zoom = self.view.zoomFactor() if self.view.zoomMode() == QPdfView.ZoomMode.Custom else self._fitted()
        page = self.current_page()
        self.view.setZoomMode(QPdfView.ZoomMode.Custom)
        self.view.setZoomFactor(max(0.25, min(4.0, zoom * factor)))
        self._stay_on(page)

    def _stay_on(self, page: int) -> None:
        """A new zoom keeps the page in view (the view would keep its pixel offset and land elsewhere)."""
        self.view.pageNavigator().jump(page, QPointF(), self.view.zoomFactor())

    def _fitted(self) -> float:
        """The zoom the fit modes show now (QPdfView keeps its own factor at 1 while fitting)."""
        points = self.document.pagePointSize(max(0, self.current_page()))
        dpi = self.logicalDpiX() / 72
        return max(0.1, (self.view.viewport().width() - 20) / max(1.0, points.width() * dpi))

    def fit_width(self) -> None:
        page = self.current_page()
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        self._stay_on(page)

    def fit_page(self) -> None:
        page = self.current_page()
        self.view.setZoomMode(QPdfView.ZoomMode.FitInView)
        self._stay_on(page)

    def print_(self) -> None:
        ask_and_print(self.pdf, self)

    @classmethod
    def ask(cls, pdf: bytes, title: str, parent: QWidget | None, notes: Sequence[str] = ()) -> None:
        cls(pdf, title, parent, notes).exec()


def ask_and_print(pdf: bytes, parent: QWidget | None) -> bool:
    """The system print dialog, then printing at actual size; False when cancelled."""
    printer = a4_printer()
    dialog = QPrintDialog(printer, parent)
    dialog.setWindowTitle("打印")
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return False
    print_pdf(pdf, a4_printer(printer))
    return True
