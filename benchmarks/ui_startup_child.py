"""Child process of bench_ui.py: start a window, print "shown" once it has painted with its data, exit.

ui_startup_child.py bare                 a bare QMainWindow with a QTableView (the floor)
ui_startup_child.py ours DB DATA_DIR     Nianbao's window reopening the last report of DB
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def show_bare_window() -> tuple[object, object]:
    """A bare QMainWindow with a QTableView of 28 × 10 cells, shown and painted (the peer of our window)."""
    from PySide6.QtGui import QStandardItem, QStandardItemModel
    from PySide6.QtWidgets import QApplication, QMainWindow, QTableView

    app = QApplication([])
    model = QStandardItemModel(28, 10)
    for r in range(28):
        for c in range(10):
            model.setItem(r, c, QStandardItem(str(r * c)))
    window = QMainWindow()
    view = QTableView()
    view.setModel(model)
    window.setCentralWidget(view)
    window.show()
    window.repaint()
    app.processEvents()
    return app, window


def bare() -> int:
    _keep = show_bare_window()
    print("shown", flush=True)
    return 0


def ours(db_path: str, data_dir: str) -> int:
    from PySide6.QtWidgets import QApplication

    from models.database import open_database
    from ui.main_window import MainWindow

    app = QApplication([])
    db = open_database(db_path)
    window = MainWindow(db, data_dir)
    window.show()
    window.repaint()
    app.processEvents()
    # shown means: the last report is open with its checks, not just an empty frame
    assert window.session is not None and window.panel is not None, "the last report was not reopened"
    print("shown", flush=True)
    db.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(bare() if sys.argv[1] == "bare" else ours(sys.argv[2], sys.argv[3]))
