"""Facts about the Qt binding the app depends on, checked where they would bite a clerk."""

from __future__ import annotations

import sys

from PySide6.QtWidgets import QPushButton
from pytestqt.qtbot import QtBot


def test_void_calls_do_not_drain_references_to_none(qtbot: QtBot) -> None:
    # PySide6 6.12.0 on Python 3.11 dropped one reference to None per void call and aborted the process
    # after a few thousand edits ("Fatal Python error: none_dealloc"); pyproject pins a good release.
    button = QPushButton()
    qtbot.addWidget(button)
    before = sys.getrefcount(None)
    for _ in range(2000):
        button.setVisible(False)
    assert sys.getrefcount(None) >= before - 100
