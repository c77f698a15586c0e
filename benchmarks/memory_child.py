"""Child process of bench_memory.py: do the work, then print the process's peak resident memory.

    memory_child.py bare                 a bare QMainWindow with a QTableView (the peer)
    memory_child.py ours DB DATA_DIR     Nianbao's window: reopen the last report of DB, open the sample too,
                                         render the official PDF once, run the event loop

Prints one line "peak_rss_kb N". The peak is VmHWM of /proc/self/status (Linux); elsewhere the kernel's
ru_maxrss from getrusage where it exists.
"""

from __future__ import annotations

import os
import sys
import threading
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))


WATCHDOG_SECONDS = 120.0


def peak_rss_kb() -> int:
    """The high-water mark of this process's resident set, in KiB."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    import resource  # not on Windows; there this benchmark has no reading yet

    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak // 1024 if sys.platform == "darwin" else peak  # bytes on macOS, KiB on Linux


def bare() -> int:
    from ui_startup_child import show_bare_window  # the same peer as the start-up benchmark

    _keep = show_bare_window()
    print(f"peak_rss_kb {peak_rss_kb()}", flush=True)
    return 0


def ours(db_path: str, data_dir: str) -> int:
    from PySide6.QtWidgets import QApplication

    from models.database import open_database
    from ui.main_window import MainWindow

    app = QApplication([])
    # a benchmark never waits on a dialog: whatever blocks, the child ends with a message
    watchdog = threading.Timer(
        WATCHDOG_SECONDS, lambda: (print("timeout: the window did not finish", flush=True), os._exit(3))
    )
    watchdog.daemon = True
    watchdog.start()
    db = open_database(db_path)
    window = MainWindow(db, data_dir)
    window.show()
    window.repaint()
    app.processEvents()
    assert window.session is not None, "the last report was not reopened"
    window.open_sample()
    window.repaint()
    app.processEvents()
    # the window's own PDF path shows a modal message when the PDF cannot be made (no Chinese font, say), which
    # nobody would close here: render through the service and fail with the reason instead
    from services.errors import NianbaoError
    from services.pdf.render import render_report
    from ui.report_output import print_fonts

    try:
        pdf = render_report(window.session.editor.report, fonts=print_fonts(data_dir))
    except NianbaoError as exc:
        print(f"pdf_error {exc}", flush=True)
        return 2
    assert pdf.startswith(b"%PDF"), "the PDF was not rendered"
    window.repaint()
    app.processEvents()
    print(f"peak_rss_kb {peak_rss_kb()}", flush=True)
    window.close()
    db.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(bare() if sys.argv[1] == "bare" else ours(sys.argv[2], sys.argv[3]))
