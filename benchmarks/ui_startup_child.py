"""Child process of bench_ui.py: start a window, print "shown" once it has painted with its data, exit.

ui_startup_child.py bare                 a bare QMainWindow with a QTableView (the floor)
ui_startup_child.py ours DB DATA_DIR     Nianbao's window reopening the last report of DB, started as the app
                                         starts it (ui.app.run_app); prints "shown (fast start)" when the report
                                         was painted before the database was opened, "shown (normal start)" else
"""

from __future__ import annotations

import os
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
    from ui.app import run_app
    from ui.fast_start import is_live
    from ui.main_window import MainWindow

    def shown(window: MainWindow) -> None:
        # shown means: the last report is open with its checks, painted — not just an empty frame. No assert:
        # in a Qt callback it would open the bug dialog, and nobody would close it.
        if window.session is None or window.panel is None:
            print("the last report was not reopened", flush=True)
            os._exit(1)
        print(f"shown ({'normal' if is_live(window) else 'fast'} start)", flush=True)
        os._exit(0)  # what follows (going live, the event loop) is not measured

    return run_app(["--db", db_path, "--data-dir", data_dir], shown)


if __name__ == "__main__":
    sys.exit(bare() if sys.argv[1] == "bare" else ours(sys.argv[2], sys.argv[3]))
