"""帮助: the clerk's guide (docs/使用说明.md, bundled with its pictures) in a window of its own, and 关于."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QUrl
from PySide6.QtGui import QImageReader, QTextCursor
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QMessageBox, QTextBrowser, QVBoxLayout, QWidget

from services.paths import guide_path

PICTURE_WIDTH = 820
"""Screenshots are wider than the dialog: shown at this width, never wider than taken."""


def _fit_pictures(browser: QTextBrowser, folder: Path, width: int) -> None:
    """Scale every picture wider than `width` down to it, keeping its proportions (no sideways scrolling)."""
    document = browser.document()
    cursor = QTextCursor(document)
    block = document.begin()
    while block.isValid():
        it = block.begin()
        while not it.atEnd():
            fragment = it.fragment()
            image = fragment.charFormat().toImageFormat()
            if image.isValid():
                size = QImageReader(str(folder / image.name())).size()  # reads the header only
                if size.width() > width:
                    image.setWidth(width)
                    image.setHeight(size.height() * width / size.width())
                    cursor.setPosition(fragment.position())
                    cursor.setPosition(fragment.position() + fragment.length(), QTextCursor.MoveMode.KeepAnchor)
                    cursor.setCharFormat(image)
            it += 1
        block = block.next()


class GuideDialog(QDialog):
    """The guide as a page: headings, lists and screenshots, links to sections followed in place."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("年报 使用说明")
        self.browser = QTextBrowser()
        self.browser.setOpenExternalLinks(False)
        path = guide_path()
        try:
            text = path.read_text(encoding="utf-8")
        except OSError:
            text = f"# 使用说明\n\n未找到使用说明文件（{path}），请重新安装程序。"
        self.browser.setSearchPaths([str(path.parent)])  # guide/welcome.png and the like
        self.browser.document().setBaseUrl(QUrl.fromLocalFile(str(path)))
        self.browser.setMarkdown(text)
        _fit_pictures(self.browser, path.parent, PICTURE_WIDTH)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.browser)
        layout.addWidget(buttons)
        screen = self.screen().availableGeometry()
        self.resize(min(900, screen.width() - 40), min(760, screen.height() - 40))


def show_about(parent: QWidget | None) -> None:
    QMessageBox.about(
        parent,
        "关于年报",
        "年报\n\n编制、审核、打印和报送《政府信息公开工作年度报告》。\n"
        "不需要联网，数据保存在本机（或办公室的共享数据库）。",
    )
