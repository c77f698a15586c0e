"""Screenshots for the clerks' guide docs/使用说明.md, made from the real windows and dialogs over demo data.

    python docs/make_guide_screenshots.py                                            (offscreen)
    xvfb-run -a -s "-screen 0 1440x900x24" python docs/make_guide_screenshots.py     (a real X window)

Builds a throw-away database (某县教育局 2022 and its 2023 report made by 新建 with the carried-over values, four
more units of 某县 for 汇总, the sample report) and writes docs/guide/*.png. Dialogs are shown and grabbed, never
exec()'d, so the script runs without anyone clicking. The PDF page needs `pdftoppm` (poppler-utils).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
if not os.environ.get("DISPLAY"):
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

if TYPE_CHECKING:
    from PySide6.QtWidgets import QApplication, QWidget

    from models.database import Database
    from services.report import Report

OUT = ROOT / "docs" / "guide"
TODAY = date(2024, 1, 15)
"""Mid-January 2024: the 2023 reports are being written, the deadline (31 January) is near."""
COUNTY = "某县教育局"
UNITS = ("某县卫生健康局", "某县交通运输局", "某县自然资源局", "某县财政局")
WINDOW_SIZE = (1500, 840)
PANEL_WIDTH = 480
EXPLAIN_HEIGHT = 290


def settle(app: QApplication, rounds: int = 8) -> None:
    for _ in range(rounds):
        app.processEvents()


def wait_for_page(app: QApplication, preview: QWidget, seconds: float = 10.0) -> None:
    """QPdfView renders pages in a thread: wait until the page shows ink (text), not just white paper."""
    import time

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        settle(app)
        image = preview.grab().toImage()
        dark = sum(
            1
            for x in range(40, image.width() - 40, 7)
            for y in range(60, image.height() - 60, 7)
            if image.pixelColor(x, y).lightness() < 128
        )
        if dark > 50:
            return
        time.sleep(0.05)
    print("the print preview did not show its page in time", file=sys.stderr)


def save_png(widget: QWidget, name: str) -> Path:
    path = OUT / name
    widget.grab().save(str(path))
    print(path)
    return path


TEXTS = {
    2022: (
        "{year}年，本机关坚持以公开为常态、不公开为例外，围绕教育改革发展重点工作主动公开政府信息，"
        "通过门户网站、政务新媒体发布招生入学、学生资助等信息。（{key}）"
    ),
    2023: (
        "{year}年度，我局依申请公开工作进一步规范：完善受理、登记、审核、答复流程，"
        "答复文书统一格式，并组织全系统开展业务培训{n}次，提高了工作人员依法答复的能力。（{key}）"
    ),
}


def year_texts(report: Report, year: int) -> None:
    """Texts of this year's own (the factory's repeat last year's word for word, which the checks flag)."""
    template = TEXTS.get(year, TEXTS[2023])
    for n, key in enumerate(report.format.text_keys(), start=1):
        report.texts[key] = template.format(year=year, key=key, n=n)
    report.texts[report.format.preamble.key] = (
        f"本报告根据《中华人民共和国政府信息公开条例》和国务院办公厅政府信息与政务公开办公室有关要求编制。"
        f"报告中所列数据的统计期限自{year}年1月1日起至{year}年12月31日止。"
    )


def fill_new_year(db: Database, report_id: int, seed: int, *, keep_in_force_warning: bool) -> None:
    """Fill a report made by 新建 like a clerk would: every number, carried-over ones kept, totals agreeing."""
    from services.checks import recompute_totals
    from services.storage import load_report, previous_report, save_report
    from tests.factories import filled_report

    with db.transaction() as session:
        report = load_report(session, report_id)
        previous = previous_report(session, report)
    specs = {spec.key: spec for spec in report.format.cell_specs()}
    carried = {k: v for k, v in report.cells.items() if v and not specs[k].computed}
    filled = filled_report(report.format_id, year=report.year, agency=report.agency, seed=seed)
    report.cells = {**filled.cells, **carried}
    if previous is not None:  # 现行有效件数 = 上年现行有效 + 本年制发 − 本年废止, as the clerk counts them
        for row in ("rules", "normative"):
            base = int(previous.number("t2", row, "in_force"))
            issued = int(report.number("t2", row, "issued"))
            repealed = min(int(report.number("t2", row, "repealed")), base + issued)
            report.cells[("t2", row, "repealed")] = repealed
            report.cells[("t2", row, "in_force")] = base + issued - repealed
        if keep_in_force_warning:  # one number the clerk has to explain
            report.cells[("t2", "rules", "in_force")] = int(report.number("t2", "rules", "in_force")) + 2
            # and one the clerk has explained already
            report.cells[("t2", "normative", "in_force")] = int(report.number("t2", "normative", "in_force")) + 1
            report.explanations["X_IN_FORCE:normative"] = "1件规范性文件由县政府办公室转交本局管理，已核实"
    recompute_totals(report)
    t3 = report.format.table("t3")
    for col in t3.column_keys():  # 一 + 二 = 三(七)总计 + 四
        handled = int(report.number("t3", "total_handled", col))
        out = int(report.number("t3", "carried_out", col))
        carried_in = int(report.number("t3", "carried_in", col))
        new = handled + out - carried_in
        if new < 0:
            report.cells[("t3", "carried_out", col)] = out - new
            new = 0
        report.cells[("t3", "new", col)] = new
    recompute_totals(report)
    year_texts(report, report.year)
    report.fees.notices = 0
    report.fees.amount_yuan = Decimal(0)
    with db.transaction() as session:
        save_report(session, report, replace=True)


def build_demo(db: Database) -> dict[str, int]:
    """The demo database; returns the report ids by name."""
    from services.storage import save_report
    from tests.factories import filled_report

    ids: dict[str, int] = {}
    last_year = filled_report("2021", year=2022, agency=COUNTY, seed=11)
    year_texts(last_year, 2022)
    last_year.status = "final"
    with db.transaction() as session:
        ids["county-2022"] = save_report(session, last_year)
    for n, unit in enumerate(UNITS):
        report = filled_report("2021", year=2022 if unit == "某县财政局" else 2023, agency=unit, seed=20 + n)
        year_texts(report, report.year)
        if unit == "某县交通运输局":  # a unit whose report still has an error
            report.cells[("t3", "granted", "natural")] = int(report.number("t3", "granted", "natural")) + 3
        with db.transaction() as session:
            ids[unit] = save_report(session, report)
    return ids


def shoot_welcome(app: QApplication, window: QWidget) -> None:
    window.show()
    settle(app)
    save_png(window, "welcome.png")


def shoot_new_dialog(app: QApplication, window: QWidget, agencies: list[str]) -> None:
    from ui.dialogs import NewReportDialog

    dialog = NewReportDialog(agencies, TODAY, window)
    dialog.agency.setCurrentText(COUNTY)
    dialog.year.setValue(2023)
    dialog.resize(520, dialog.sizeHint().height())
    dialog.show()
    settle(app)
    save_png(dialog, "new-report.png")
    dialog.close()


def main() -> None:
    from PySide6.QtCore import QRect, Qt
    from PySide6.QtWidgets import QApplication, QMessageBox

    from models.database import open_database
    from services.editing import EditOutcome
    from services.pdf.render import render_report
    from services.report_admin import create_report, list_agencies
    from services.storage import find_report
    from ui.aggregate_dialog import AggregateDialog, result_text
    from ui.main_window import MainWindow
    from ui.printing import PreviewDialog

    app = QApplication([])
    from ui.app import _install_translations

    _install_translations(app)  # 确定 / 取消 on the standard buttons, as in the app
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        db = open_database(Path(tmp) / "demo.sqlite3")
        window = MainWindow(db, tmp, today=TODAY)
        window.resize(*WINDOW_SIZE)

        # 1. the first start: an empty database
        shoot_welcome(app, window)

        # 2. 新建年度报告 (the list offers the agencies already stored)
        build_demo(db)
        window.refresh_navigator()
        with db.transaction() as session:
            agencies = [a.name for a in list_agencies(session)]
        shoot_new_dialog(app, window, agencies)

        # 3. the new 2023 report, made as 新建 makes it: 上年结转 copied from 2022's 结转下年度继续办理
        with db.transaction() as session:
            created = create_report(session, COUNTY, 2023)
        window.open_report(created.report_id)
        window._say(EditOutcome(True, "已新建报告；" + "；".join(created.sources)))
        tab = window.table_tab("t3")
        assert tab is not None and window.panel is not None
        window.tabs.setCurrentWidget(tab)
        tab.select_key(("t3", "carried_in", "natural"))
        settle(app)
        save_png(window, "carry-over.png")

        # 4. the check panel: the same report filled in, one deliberate error and a warning being explained.
        # A fresh window reopens the report last worked on, as the app does at its next start.
        window.close()
        fill_new_year(db, created.report_id, seed=12, keep_in_force_warning=True)
        window = MainWindow(db, tmp, today=TODAY)
        window.resize(*WINDOW_SIZE)
        window.show()
        session_ = window.session
        assert session_ is not None and window.panel is not None
        assert session_.editor.report_id == created.report_id
        natural = ("t3", "granted", "natural")
        value = session_.editor.report.number(*natural)
        session_.set_cell_text(natural, str(int(value) + 5))  # a typing slip: 一 + 二 ≠ 三(七) + 四
        tab = window.table_tab("t3")
        assert tab is not None
        window.tabs.setCurrentWidget(tab)
        tab.select_key(natural)
        panel = window.panel
        window.resizeDocks([window.panel_dock], [PANEL_WIDTH], Qt.Orientation.Horizontal)
        groups = {}
        for i in range(panel.tree.topLevelItemCount()):
            item = panel.tree.topLevelItem(i)
            if item is not None:
                groups[item.text(0)[:2]] = item
        groups["表三"].setExpanded(True)
        panel.tree.scrollToTop()
        settle(app)
        save_png(window, "check-panel.png")
        # …and the warning's 审核说明 being typed, the long table group folded away
        groups["表三"].setExpanded(False)
        edit = panel.explanation_edit("X_IN_FORCE:rules")
        assert edit is not None, "no 现行有效件数 warning"
        edit.setFocus()
        edit.setText("市政府统一清理规章，2件延至2024年废止")
        edit.setCursorPosition(0)
        settle(app)
        top = window.panel_dock.grab(QRect(0, 0, window.panel_dock.width(), EXPLAIN_HEIGHT))
        top.save(str(OUT / "check-explain.png"))
        print(OUT / "check-explain.png")

        # 5. 定稿 refused while an error stands or a warning is unexplained
        outcome = session_.finalise()
        box = QMessageBox(QMessageBox.Icon.Warning, "不能定稿", outcome.message, parent=window)
        if outcome.problems:
            box.setInformativeText("\n".join(f"• {p}" for p in outcome.problems[:12]))
        box.show()
        settle(app)
        save_png(box, "finalise-refused.png")
        box.close()
        session_.undo()
        edit.setText("")
        settle(app)

        # 6. printing: the sample report's PDF, in the preview and as paper
        window.open_sample()
        settle(app)
        editor = window.session.editor if window.session else None
        assert editor is not None
        pdf = render_report(editor.report)
        preview = PreviewDialog(pdf, editor.report.display_title(), window)
        preview.resize(760, 900)
        preview.show()
        wait_for_page(app, preview)
        save_png(preview, "print-preview.png")
        preview.close()
        pdf_path = Path(tmp) / "sample.pdf"
        pdf_path.write_bytes(pdf)
        if shutil.which("pdftoppm"):
            subprocess.run(
                [
                    "pdftoppm",
                    "-r",
                    "60",
                    "-png",
                    "-f",
                    "1",
                    "-l",
                    "1",
                    "-singlefile",
                    str(pdf_path),
                    str(OUT / "pdf-page-1"),
                ],
                check=True,
            )
            print(OUT / "pdf-page-1.png")
        else:
            print("pdftoppm not found: docs/guide/pdf-page-1.png not remade", file=sys.stderr)
        window.back_home()  # the sample lives in a database of its own

        # 7. 汇总 for the county: the dialog filled in, then the sum report open
        with db.transaction() as session:
            agencies = [a.name for a in list_agencies(session)]
        dialog = AggregateDialog(agencies, TODAY, window)
        dialog.name.setText("某县（汇总）")
        dialog.year.setValue(2023)
        for i in range(dialog.units.count()):
            unit = dialog.units.item(i)
            if unit is not None and not unit.text().startswith("某县"):
                unit.setCheckState(Qt.CheckState.Unchecked)
        dialog.resize(520, 480)
        dialog.show()
        settle(app)
        save_png(dialog, "aggregate-dialog.png")
        request = dialog.value()
        dialog.close()

        from services.aggregate import aggregate_stored
        from ui.file_import import import_files_of_reports

        with db.transaction() as session:
            result = aggregate_stored(
                session, request.name, request.year, request.format_id, agencies=list(request.agencies)
            )
        imported = import_files_of_reports(window.workspace, [result.report], window)
        window.refresh_navigator()
        if imported.imported:
            window.open_report(imported.imported[-1])
        message, lines = result_text(result)
        box = QMessageBox(QMessageBox.Icon.Warning, "汇总结果", message, parent=window)
        box.setInformativeText("\n".join(f"• {p}" for p in lines))
        tab = window.table_tab("t3")
        if tab is not None:
            window.tabs.setCurrentWidget(tab)
        settle(app)
        save_png(window, "aggregate-report.png")
        box.show()
        settle(app)
        save_png(box, "aggregate-result.png")
        box.close()
        with db.transaction() as session:
            assert find_report(session, request.name, 2023) is not None

        # 8. the office screens (1366×768 and 1024×768): the 2023 report's 表三 with every column in view
        window.open_report(created.report_id)
        tab = window.table_tab("t3")
        assert tab is not None
        window.tabs.setCurrentWidget(tab)
        for width, height in ((1366, 768), (1024, 768)):
            window.resize(width, height)
            settle(app, 16)
            save_png(window, f"screen-{width}.png")

        # 9. 修改历史 of that report: edits named as on the form, old → new, the reason on screen
        from services.history import readable_history
        from ui.dialogs import HistoryDialog

        editor = window.session.editor if window.session is not None else None
        assert editor is not None
        history = HistoryDialog(
            readable_history(editor.history(), editor.format), editor.report.display_title(), window
        )
        history.show()
        settle(app)
        save_png(history, "history.png")
        history.close()

        # 10. 数据库 › 备份与恢复: a few days of backups, a second folder on a USB stick
        shoot_backup_dialog(app, window, Path(tmp) / "demo.sqlite3", tmp)

        window.close()
        db.dispose()


def shoot_backup_dialog(app: QApplication, window: QWidget, db_path: Path, data_dir: str) -> None:
    from datetime import datetime

    from services.app_state import update_state
    from services.backup import make_backup
    from ui.backup_dialog import BackupDialog

    for day, hour, reason in ((11, 8, "daily"), (12, 9, "daily"), (15, 8, "daily"), (15, 16, "manual")):
        make_backup(db_path, reason, now=datetime(2024, 1, day, hour, 30))
    stick = "E:\\年报备份"
    update_state(data_dir, backup_copies=stick)
    dialog = BackupDialog(window, db_path, data_dir, lambda backup: "")
    folder = "C:\\Users\\张三\\AppData\\Roaming\\Nianbao\\Nianbao"  # where a clerk's PC keeps it, not the temp folder
    dialog.where.setText(dialog.where.text().replace(str(db_path.parent), folder).replace("/", "\\"))
    dialog.say(f"已备份数据库；已复制到 {stick}")
    dialog.show()
    settle(app)
    save_png(dialog, "backup-dialog.png")
    dialog.close()


if __name__ == "__main__":
    main()
