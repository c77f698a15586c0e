"""Screenshots for the README: the main window with the sample report open.

    xvfb-run -a -s "-screen 0 1400x900x24" python docs/make_screenshots.py     (a real X window)
    python docs/make_screenshots.py                                            (offscreen, the same pixels)

Writes docs/screenshots/main-window.png (t3 tab) and main-window-s1.png (section 一).
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
if not os.environ.get("DISPLAY"):
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def main() -> None:
    from datetime import date

    from PySide6.QtWidgets import QApplication

    from models.database import open_database
    from ui.main_window import MainWindow

    app = QApplication([])
    out = ROOT / "docs" / "screenshots"
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        db = open_database(Path(tmp) / "demo.sqlite3")
        window = MainWindow(db, tmp, today=date(2021, 1, 10))
        window.resize(1440, 880)
        window.show()
        window.open_sample()
        tab = window.table_tab("t3")
        assert tab is not None
        window.tabs.setCurrentWidget(tab)
        tab.select_key(("t3", "new", "natural"))
        assert window.panel is not None
        group = window.panel.tree.topLevelItem(0)  # 表三: both sides of every identity
        assert group is not None
        group.setExpanded(True)
        for _ in range(5):
            app.processEvents()
        window.grab().save(str(out / "main-window.png"))
        window.tabs.setCurrentIndex(1)
        app.processEvents()
        window.grab().save(str(out / "main-window-s1.png"))
        window.close()
        db.dispose()
    print(out / "main-window.png")


if __name__ == "__main__":
    main()
