"""A 历年对比 chart in the window: the very ReportLab Drawing that the PDF and the PNG files show, drawn by Pillow
(services/chart_png.py) at the widget's size and the screen's pixel ratio, and painted with QPainter.

Why not QtCharts: it would be a second definition of every chart, to keep in step with the PDF's and the PNG
files' (which are drawn without Qt, from the command line too), and it would add 3.3 MB to the bundle
(QtCharts.abi3 1.0 MB and Qt6Charts 2.3 MB, which the spec leaves out today) for 3 ms of import and 17–28 ms to
the first chart. This way adds nothing to the bundle: ReportLab's chart modules and Pillow's FreeType are in it
already. It costs 130–190 ms of ReportLab imports when the dialog first opens (less after a printout), and
40–55 ms for the first chart — measured offscreen on this machine, never at start-up.
"""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QImage, QPainter, QPaintEvent, QResizeEvent
from PySide6.QtWidgets import QSizePolicy, QWidget

from services.chart_png import drawing_image
from services.trend_charts import TrendChart


class ChartView(QWidget):
    """Keeps the chart's proportions; redrawn only when its size (or the screen's pixel ratio) changes."""

    def __init__(self, chart: TrendChart, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.chart = chart
        self._image: QImage | None = None
        policy = QSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        policy.setHeightForWidth(True)
        self.setSizePolicy(policy)
        self.setMinimumWidth(240)
        self.setToolTip(chart.title)

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        drawing = self.chart.drawing
        return round(width * float(drawing.height) / float(drawing.width))

    def sizeHint(self) -> QSize:
        return QSize(560, self.heightForWidth(560))

    def resizeEvent(self, event: QResizeEvent) -> None:
        self._image = None
        super().resizeEvent(event)

    def image(self) -> QImage:
        """The chart at the widget's width in device pixels (what the clerk sees)."""
        ratio = self.devicePixelRatioF()
        pixels = max(1, round(self.width() * ratio))
        if self._image is None or self._image.width() != pixels:
            picture = drawing_image(self.chart.drawing, self.chart.face, pixels / self.chart.drawing.width)
            data = picture.tobytes()
            image = QImage(data, picture.width, picture.height, 3 * picture.width, QImage.Format.Format_RGB888)
            self._image = image.copy()  # a copy owns its pixels; `data` goes away with this frame
            self._image.setDevicePixelRatio(ratio)
        return self._image

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), Qt.GlobalColor.white)
        painter.drawImage(0, 0, self.image())
        painter.end()
