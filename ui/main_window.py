"""The window a clerk works in: navigator on the left, the report's tabs in the middle, checks on the right."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import suppress
from datetime import date
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QByteArray, QPoint, Qt, QUrl
from PySide6.QtGui import QAction, QCloseEvent, QDesktopServices, QKeySequence, QResizeEvent
from PySide6.QtWidgets import (
    QDockWidget,
    QLabel,
    QMainWindow,
    QMenu,
    QPushButton,
    QSizePolicy,
    QStackedWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from services.app_state import load_state, update_state
from services.checks import errors
from services.deadline import deadline_text
from services.editing import EditOutcome, ReportEditor
from services.errors import NianbaoError
from services.formats import CellKey, Section
from services.paths import resource_path, sample_database_path
from services.workspace import Workspace
from ui.basic_tab import BasicTab
from ui.check_panel import CheckPanel
from ui.database_menu import DatabaseMenu
from ui.dialogs import ConfirmDialog, HistoryDialog, NewReportDialog, ask_text, show_problems
from ui.edit_menu import add_tab_keys, build_edit_menu
from ui.folder_import import FileDrop, import_folder, import_paths
from ui.narrative_tab import NarrativeTab
from ui.navigator import Navigator
from ui.report_session import ReportSession
from ui.rule_pack_actions import RulePackControl

if TYPE_CHECKING:  # SQLAlchemy loads after the first paint (ui/fast_start.py)
    from models.database import Database
    from services.aggregate import AggregateResult
    from ui.fast_start import FirstView
    from ui.report_output import Saved
    from ui.table_tab import TableTab

SAMPLE = resource_path("samples", "guiyang-rfb-2020.json")
ERROR_STYLE = "color: #b00020"
WINDOW_TITLE = "年报 — 政府信息公开工作年度报告"


class MainWindow(QMainWindow):
    def __init__(
        self, db: Database, data_dir: str | None = None, today: date | None = None, *, first: FirstView | None = None
    ) -> None:
        super().__init__()
        self._db = db
        self.workspace = Workspace(db)
        self._data_dir = data_dir
        self._today = today or date.today()
        self.session: ReportSession | None = None
        self.section_tabs: list[QWidget] = []
        self._first_frame = False
        self._later: list[tuple[QWidget, Section]] = []
        self._last_aggregate: AggregateResult | None = None
        self._side_size = ""
        self._home: Database | None = None
        """The clerk's own database while the sample's is open (打开示例报告)."""
        self._nav_hidden_by_width = False
        self.setWindowTitle(WINDOW_TITLE)
        self._fit_to_screen()

        self.navigator = Navigator()
        self.navigator.report_chosen.connect(self.open_report)
        self.navigator.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.navigator.customContextMenuRequested.connect(self._navigator_menu)
        self.nav_dock = nav_dock = QDockWidget("报告", self)
        nav_dock.setObjectName("navigator")
        nav_dock.setWidget(self.navigator)
        nav_dock.setFeatures(QDockWidget.DockWidgetFeature.DockWidgetClosable)
        self.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, nav_dock)
        self.resizeDocks([nav_dock], [215], Qt.Orientation.Horizontal)

        self.panel_dock = QDockWidget("审核（勾稽关系与提示）", self)
        self.panel_dock.setObjectName("checks")
        self.panel_dock.setFeatures(
            QDockWidget.DockWidgetFeature.DockWidgetMovable | QDockWidget.DockWidgetFeature.DockWidgetClosable
        )
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.panel_dock)
        self.resizeDocks([self.panel_dock], [330], Qt.Orientation.Horizontal)
        self.panel: CheckPanel | None = None

        self.tabs = QTabWidget()
        self.welcome = self._welcome_page()
        self.stack = QStackedWidget()
        self.stack.addWidget(self.welcome)
        self.stack.addWidget(self.tabs)
        self.setCentralWidget(self.stack)

        # Fixed geometry: a label whose size hint changes with every "已保存 hh:mm:ss" would re-lay out and
        # repaint the whole window after each edit.
        self.message = QLabel()
        self.message.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        self.saved_label = QLabel()
        self.saved_label.setFixedWidth(self.saved_label.fontMetrics().horizontalAdvance("最后保存：00:00:00") + 12)
        self.deadline_label = QLabel()
        self._saved_file: Path | None = None
        self.folder_button = QPushButton("打开所在文件夹")
        self.folder_button.setFlat(True)
        self.folder_button.clicked.connect(self.open_saved_folder)
        self.folder_button.hide()
        self.statusBar().addPermanentWidget(self.folder_button)
        self.sample_label = QLabel("示例数据库：可随意试用，不影响您自己的报告（文件 › 返回我的报告）")
        self.sample_label.setStyleSheet("color: #a15c00;")
        self.sample_label.hide()
        self.statusBar().addPermanentWidget(self.sample_label)
        self.statusBar().addWidget(self.message, 1)
        self.statusBar().addPermanentWidget(self.saved_label)
        self.statusBar().addPermanentWidget(self.deadline_label)
        self.rule_packs = RulePackControl(self, data_dir, self._today, self._say)
        self._build_menus()
        self.file_drop = FileDrop(self, lambda paths: import_paths(self, paths))  # files or folders dropped

        self._first = first
        if first is None:
            self.refresh_navigator()
            self._reopen_last()
        else:
            self._show_first(first)

    # ------------------------------------------------------------ building

    def _welcome_page(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.addStretch(1)
        title = QLabel("欢迎使用年报")
        title.setStyleSheet("font-size: 22px; font-weight: bold")
        layout.addWidget(title, alignment=Qt.AlignmentFlag.AlignHCenter)
        layout.addWidget(
            QLabel("编制、审核、打印《政府信息公开工作年度报告》。请选择："), alignment=Qt.AlignmentFlag.AlignHCenter
        )
        self.welcome_buttons = {}
        for key, text, slot in (
            ("new", "新建年度报告…", self.new_report),
            ("import", "导入报告文件（数据包、Excel、网页、文本、PDF、Word）…", self._ask_import),
            ("sample", "打开示例报告（贵阳市人民防空办公室 2020 年）", self.open_sample),
        ):
            button = QPushButton(text)
            button.setMinimumWidth(360)
            button.clicked.connect(slot)
            self.welcome_buttons[key] = button
            layout.addWidget(button, alignment=Qt.AlignmentFlag.AlignHCenter)
        layout.addStretch(2)
        return page

    def _build_menus(self) -> None:
        bar = self.menuBar()
        file = bar.addMenu("文件(&F)")
        file.addAction("新建报告(&N)…", QKeySequence.StandardKey.New, self.new_report)
        file.addAction("导入报告文件(&I)…", self._ask_import)
        file.addAction("导入文件夹（各单位的报告）…", lambda: import_folder(self, data_dir=self._data_dir))
        file.addAction("打开示例报告", self.open_sample)
        self.home_action = file.addAction("返回我的报告", self.back_home)
        self.home_action.setVisible(False)
        file.addSeparator()
        self.pdf_action = file.addAction("导出PDF(&E)…", self.export_pdf)
        self.ofd_action = file.addAction("导出OFD（版式文档）…", self.export_ofd)
        self.preview_action = file.addAction("打印预览(&V)…", self.preview)
        self.print_action = file.addAction("打印(&P)…", QKeySequence.StandardKey.Print, self.print_report)
        self.check_report_action = file.addAction("导出审核报告…", self.export_check_report)
        self.trends_in_check_action = file.addAction("审核报告附历年对比图")
        self.trends_in_check_action.setCheckable(True)
        self.export_action = file.addAction("导出为（Excel、Word、网页、报送数据包）…", self.export_as)
        file.addAction("打印字体…", self.choose_fonts)
        self.centred_action = file.addAction("页码居中（默认单页居右、双页居左）")
        self.centred_action.setCheckable(True)
        file.addSeparator()
        file.addAction("退出(&X)", QKeySequence.StandardKey.Quit, self.close)

        self.edit_actions = build_edit_menu(self)
        add_tab_keys(self, self.tabs)

        view = bar.addMenu("视图(&V)")
        self.nav_dock.toggleViewAction().setText("报告列表")
        self.nav_dock.toggleViewAction().setShortcut(QKeySequence("F9"))
        view.addAction(self.nav_dock.toggleViewAction())
        self.panel_dock.toggleViewAction().setText("审核面板")
        self.panel_dock.toggleViewAction().setShortcut(QKeySequence("F10"))
        view.addAction(self.panel_dock.toggleViewAction())

        units = bar.addMenu("汇总(&A)")
        units.addAction("报送情况…", self.show_board)
        units.addAction("管理下属单位…", self.manage_units)
        units.addAction("汇总下属单位报告…", self.aggregate)
        self.units_xlsx_action = units.addAction("导出上次汇总的Excel（每单位一表）…", self._save_units_xlsx)
        self.units_xlsx_action.setEnabled(False)
        units.addSeparator()
        units.addAction("批量审核…", self.audit_folder)
        self.rule_packs.fill_menu(bar.addMenu("审核(&C)"))

        report = bar.addMenu("报告(&R)")
        self.finalise_action = report.addAction("定稿(&F)…", self.finalise)
        self.reopen_action = report.addAction("重新打开(&O)…", self.reopen)
        report.addSeparator()
        self.totals_action = report.addAction("采用计算的合计", self._accept_totals)
        self.history_action = report.addAction("修改历史(&H)…", self.show_history)
        report.addAction("历年对比…", self.show_trends)
        report.addSeparator()
        self.rename_action = report.addAction("重命名单位…", self.rename_agency)
        self.delete_action = report.addAction("删除报告…", self.delete_report)
        self.database_menu = DatabaseMenu(self, bar.addMenu("数据库(&D)"), self._data_dir)
        help_menu = bar.addMenu("帮助(&H)")
        help_menu.addAction("使用说明(&G)", QKeySequence("F1"), self.show_guide)
        help_menu.addAction("关于年报(&A)", self.show_about)
        self.report_actions: list[QAction] = [
            self.finalise_action,
            self.reopen_action,
            self.totals_action,
            self.history_action,
            self.rename_action,
            self.delete_action,
            self.pdf_action,
            self.ofd_action,
            self.preview_action,
            self.print_action,
            self.check_report_action,
            self.export_action,
        ]
        self.toolbar = self.addToolBar("常用")
        self.toolbar.setObjectName("toolbar")
        self.toolbar.addAction(self.finalise_action)
        self.toolbar.addAction(self.reopen_action)
        self.toolbar.addAction(self.history_action)
        self.toolbar.addSeparator()
        self.toolbar.addAction(self.preview_action)
        self.toolbar.addAction(self.print_action)
        self._enable_report_actions()

    # ------------------------------------------------------------ reports

    def refresh_navigator(self) -> None:
        lines = self.workspace.lines()
        current = self.session.editor.report_id if self.session else None
        self.navigator.show_lines(lines, current)
        if not lines and self.session is None:
            self.stack.setCurrentWidget(self.welcome)

    def _reopen_last(self) -> None:
        key = load_state(self._data_dir).last_report_in(self._db.url_for_display)
        if key is None:
            return
        report_id = self.workspace.find(*key)
        if report_id is not None:
            self.open_report(report_id)

    def open_report(self, report_id: int, *, again: bool = False) -> None:
        """Show a report; `again` reads the one already open anew (it was replaced by an import)."""
        if not again and self.session is not None and self.session.editor.report_id == report_id:
            return
        self._flush()
        try:
            editor = self._first_editor(report_id) or ReportEditor.open(self._db, report_id)
        except NianbaoError as exc:
            self._say(EditOutcome(False, f"无法打开报告：{exc}"))
            return
        old = self.session
        self.session = ReportSession(editor, self)
        self.session.changed.connect(self._after_change)
        self.session.failed.connect(self._say)
        self.session.reloaded.connect(self._after_reload)
        self.session.cell_requested.connect(self._show_cell)
        self.session.text_requested.connect(self._show_text)
        self.rule_packs.attach(self.session)  # before the panel is built: it shows the pack's findings too
        self._build_tabs()
        if old is not None:
            old.deleteLater()
        self.stack.setCurrentWidget(self.tabs)
        report = editor.report
        sample = "【示例】" if self._home is not None else ""
        self.setWindowTitle(f"年报{sample} — {report.display_title()}")
        self.deadline_label.setText(deadline_text(report, self._today))
        self.saved_label.setText("")
        self._say(EditOutcome(True, f"已打开 {report.agency} {report.year} 年报告（{report.format_id} 格式）。"))
        if not self.navigator.select_report(report_id):  # a report the list does not have yet (new, imported)
            self.refresh_navigator()
        self._update_titles()
        self._enable_report_actions()
        self._remember(report.agency, report.year)

    def _build_tabs(self) -> None:
        assert self.session is not None
        self._drop_tabs()
        self.section_tabs = [BasicTab(self.session)]
        self.tabs.addTab(self.section_tabs[0], "基本信息")
        for section in self.session.editor.format.sections:
            tab = QWidget() if self._first_frame else self._section_tab(section)  # a stand-in: see finish_tabs
            if self._first_frame:
                self._later.append((tab, section))
            self.tabs.addTab(tab, section.tab_title)
            self.tabs.setTabToolTip(self.tabs.count() - 1, section.title)
            self.section_tabs.append(tab)
        self.panel = CheckPanel(self.session)
        self.panel_dock.setWidget(self.panel)

    def _section_tab(self, section: Section) -> QWidget:
        assert self.session is not None
        if section.table is None:
            return NarrativeTab(self.session, section)
        from ui.table_tab import TableTab  # the grids' modules: after the fast start's first paint

        tab = TableTab(self.session, section)
        tab.view.notice.connect(lambda text: self._say(EditOutcome(False, text)))
        return tab

    def finish_tabs(self) -> None:
        """Build the tabs the fast start's first frame left as stand-ins (only 基本信息 and the panel are seen)."""
        later, self._later = self._later, []
        for stand_in, section in later:
            i = self.tabs.indexOf(stand_in)
            text, tip = self.tabs.tabText(i), self.tabs.tabToolTip(i)
            tab = self._section_tab(section)
            self.tabs.removeTab(i)
            self.tabs.insertTab(i, tab, text)
            self.tabs.setTabToolTip(i, tip)
            self.section_tabs[self.section_tabs.index(stand_in)] = tab
            stand_in.deleteLater()

    def _drop_tabs(self) -> None:
        self._later = []
        for tab in self.section_tabs:
            tab.deleteLater()
        self.tabs.clear()
        self.section_tabs = []
        if self.panel is not None:
            self.panel.deleteLater()
            self.panel = None

    def _tab_titles(self) -> list[str]:
        """Each tab's title with its count of errors: a table's on its section, an empty section's on that
        section, the rest (date, signature, format) on 基本信息."""
        assert self.session is not None
        editor = self.session.editor
        fmt = editor.format
        section_of = {s.table: s.key for s in fmt.sections if s.table}
        section_of.update({spec.key: s.key for s in fmt.sections for spec in s.texts})
        counts: dict[str, int] = {}
        for finding in errors(editor.findings):
            where = finding.cells[0][0] if finding.cells else (finding.texts or ("",))[0]
            key = section_of.get(where, "")
            counts[key] = counts.get(key, 0) + 1
        other = counts.get("", 0)
        titles = [f"基本信息 ({other}✗)" if other else "基本信息"]
        for section in fmt.sections:
            short = section.tab_title
            n = counts.get(section.key, 0)
            titles.append(f"{short} ({n}✗)" if n else short)
        return titles

    def _update_titles(self) -> None:
        for i, title in enumerate(self._tab_titles()):
            if self.tabs.tabText(i) != title:  # a tab bar re-lays itself out on every setTabText
                self.tabs.setTabText(i, title)

    def _after_change(self, outcome: EditOutcome) -> None:
        assert self.session is not None
        editor = self.session.editor
        self._say(outcome)
        if editor.saved_at is not None:
            self.saved_label.setText(f"最后保存：{editor.saved_at:%H:%M:%S}")
        self._update_titles()
        self.navigator.update_report(
            editor.report_id,
            editor.report.status,
            len(errors(editor.findings)),
            sum(1 for f in editor.findings if f.severity == "warning"),
        )
        self._enable_report_actions()

    def _after_reload(self) -> None:
        self._update_titles()
        self._enable_report_actions()

    def _say(self, outcome: EditOutcome) -> None:
        self.message.setStyleSheet("" if outcome.ok else ERROR_STYLE)
        self.message.setText(outcome.message)

    def table_tab(self, table_key: str) -> TableTab | None:
        from ui.table_tab import TableTab

        self.finish_tabs()
        return next((t for t in self.section_tabs if isinstance(t, TableTab) and t.table_key == table_key), None)

    def _show_cell(self, key: CellKey) -> None:
        # the table tab selects the cell itself (it listens to cell_requested); bring it to the front
        tab = self.table_tab(key[0])
        if tab is not None:
            self.tabs.setCurrentWidget(tab)
            tab.view.setFocus(Qt.FocusReason.OtherFocusReason)  # the keyboard follows, as the eye does

    def _show_text(self, key: str) -> None:
        self.finish_tabs()
        for tab in self.section_tabs:
            if isinstance(tab, NarrativeTab | BasicTab) and tab.has_key(key):
                self.tabs.setCurrentWidget(tab)
                tab.show_key(key)
                return

    def _enable_report_actions(self) -> None:
        open_report = self.session is not None
        final = self.session is not None and self.session.editor.read_only
        wanted = {action: open_report for action in self.report_actions}
        wanted[self.finalise_action] = open_report and not final
        wanted[self.reopen_action] = final
        wanted[self.totals_action] = open_report and not final
        for action, enabled in wanted.items():
            if action.isEnabled() != enabled:  # setEnabled repaints the toolbar even when nothing changes
                action.setEnabled(enabled)

    def _remember(self, agency: str, year: int) -> None:
        if self._home is not None:
            return  # the sample is not the clerk's last report
        try:  # reopening the last report at start-up writes nothing
            update_state(self._data_dir, last_report_key=(agency, year), db=self._db.url_for_display)
        except NianbaoError as exc:
            self._say(EditOutcome(False, str(exc)))

    def _flush(self) -> None:
        """Save what is still being typed (narrative debounce) before switching or closing."""
        for tab in self.section_tabs:
            if isinstance(tab, NarrativeTab | BasicTab):
                tab.flush()

    # ------------------------------------------------------------ fast start (ui/fast_start.py)

    def _show_first(self, first: FirstView) -> None:
        """The report read before the database was opened, shown as open_report shows any report."""
        self.navigator.show_lines(list(first.lines), None)
        self._first_frame = True  # the other tabs once it is painted (ui/fast_start.py calls finish_tabs)
        self.open_report(first.editor.report_id)
        self._first_frame = False

    def _first_editor(self, report_id: int) -> ReportEditor | None:
        first, self._first = self._first, None
        return first.editor if first is not None and first.editor.report_id == report_id else None

    def attach_database(self, db: Database) -> None:
        """Go live: edits are saved from now on. The report on screen stays, tabs, scroll and focus as they are,
        unless the open database holds something else by now (restored from a backup): then it is read again."""
        self._db = db
        self.workspace = Workspace(db)
        if self.session is not None:
            shown = self.session.editor
            try:
                fresh = ReportEditor.open(db, shown.report_id)
            except NianbaoError as exc:
                gone, self.session = self.session, None
                self._drop_tabs()
                gone.deleteLater()
                self.stack.setCurrentWidget(self.welcome)
                self._enable_report_actions()
                self._say(EditOutcome(False, f"无法打开报告：{exc}"))
            else:
                fresh.use_rule_pack(shown.rule_pack)
                same = (fresh.version, fresh.report, fresh.findings, fresh.identities)
                if same == (shown.version, shown.report, shown.findings, shown.identities):
                    shown.db = db
                else:
                    self.open_report(shown.report_id, again=True)
        self.refresh_navigator()

    # ------------------------------------------------------------ actions

    def new_report(self) -> None:
        wanted = NewReportDialog.ask(self, self.workspace.agencies(), self._today)
        if wanted is None:
            return
        try:
            created = self.workspace.create(wanted.agency, wanted.year, wanted.format_id)
        except NianbaoError as exc:
            show_problems(self, "未新建报告", str(exc), ())
            return
        self.open_report(created.report_id)
        if created.sources:
            self._say(EditOutcome(True, "已新建报告；" + "；".join(created.sources)))

    def import_files(self, paths: list[Path], labels: list[str] | None = None) -> list[str]:
        """Import report files (each all-or-nothing; `labels` name them, by default their names); returns what to
        tell the clerk."""
        from ui.file_import import import_files  # the readers: not before the first paint

        outcome = import_files(self.workspace, paths, self, labels)
        self.refresh_navigator()
        current = self.session.editor.report_id if self.session is not None else None
        if current is not None and current in outcome.replaced:
            self.open_report(current, again=True)  # the open report was replaced: show what was imported
        elif outcome.imported:
            self.open_report(outcome.imported[-1])
        if outcome.imported:
            replaced = f"，其中 {len(outcome.replaced)} 份替换了原有的报告" if outcome.replaced else ""
            self._say(EditOutcome(True, f"已导入 {len(outcome.imported)} 份报告{replaced}。"))
        if outcome.cancelled:
            outcome.messages.append("导入已取消，其余文件未导入。")
        return outcome.messages

    def _ask_import(self) -> None:
        from ui.file_dialogs import open_files
        from ui.file_import import FILE_FILTER

        problems = self.import_files(open_files(self, "导入报告", FILE_FILTER, self._data_dir))
        if problems:
            show_problems(self, "导入结果", "部分文件未导入或有提示：", tuple(problems))

    def open_sample(self) -> None:
        """The sample report, in a database of its own: the clerk tries anything on it, and it never appears
        among their reports nor in their 汇总. 文件 › 返回我的报告 goes back."""
        if self._home is None:
            from models.database import open_database

            try:
                sample_db = open_database(sample_database_path(self._data_dir))
            except NianbaoError as exc:
                show_problems(self, "无法打开示例", str(exc), ())
                return
            self._home = self._db
            self._use_database(sample_db)
        from services.documents import read_report_file

        sample = read_report_file(SAMPLE)
        existing = self.workspace.find(sample.agency, sample.year)
        if existing is not None:
            self.open_report(existing)
            return
        self.import_files([SAMPLE])

    def back_home(self) -> None:
        """Leave the sample's database for the clerk's own."""
        home, self._home = self._home, None
        if home is None:
            return
        sample_db = self._db
        self._use_database(home)
        sample_db.dispose()
        self._reopen_last()

    def switch_database(self, db: Database) -> None:
        """Work on another database (数据库 menu): typed text saved, the old one closed, its last report opened."""
        if self._home is not None:
            self.back_home()  # the sample is left first: "home" is the database being switched from
        old = self._db
        self._use_database(db)
        old.dispose()
        self._reopen_last()

    def _use_database(self, db: Database) -> None:
        self._flush()
        if self.session is not None:
            gone, self.session = self.session, None
            self._drop_tabs()
            gone.deleteLater()
        self._db, self.workspace = db, Workspace(db)
        self.stack.setCurrentWidget(self.welcome)
        self.setWindowTitle(WINDOW_TITLE)
        self.deadline_label.setText("")
        sample = self._home is not None
        self.sample_label.setVisible(sample)
        self.home_action.setVisible(sample)
        self._enable_report_actions()
        self.refresh_navigator()

    def finalise(self) -> None:
        if self.session is None:
            return
        self._flush()
        outcome = self.session.finalise()
        if not outcome.ok:
            show_problems(self, "不能定稿", outcome.message, outcome.problems)

    def reopen(self) -> None:
        if self.session is None:
            return
        reason = ask_text(self, "重新打开报告", "重新打开已定稿的报告，请填写原因（将记入修改历史）：")
        if reason is None:
            return
        outcome = self.session.reopen(reason)
        if not outcome.ok:
            show_problems(self, "未重新打开", outcome.message, outcome.problems)

    # ------------------------------------------------------------ printing and export

    def _output(self, action: Callable[[ReportEditor], str | Saved | None]) -> None:
        """Run one of ui.report_output's actions on the open report, typed text saved first; a file written
        offers 打开所在文件夹 in the status bar."""
        from ui import report_output  # exports and printing: loaded when first used

        if self.session is None:
            return
        self._flush()
        done = action(self.session.editor)
        if isinstance(done, report_output.Saved):
            self._say(EditOutcome(True, done.message))
            self._saved_file = done.path
            self.folder_button.show()
        elif done:
            self._say(EditOutcome(True, done))

    def open_saved_folder(self) -> None:
        """打开所在文件夹: the folder of the file just written, in Explorer (or the desktop's file manager)."""
        if self._saved_file is not None:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(self._saved_file.parent)))

    def report_pdf(self) -> bytes | None:
        from ui import report_output

        if self.session is None:
            return None
        self._flush()
        return report_output.report_pdf(self, self.session.editor, self.centred_action.isChecked(), self._data_dir)

    def export_pdf(self) -> None:
        from ui import report_output

        self._output(lambda e: report_output.export_pdf(self, e, self.centred_action.isChecked(), self._data_dir))

    def export_ofd(self) -> None:
        from ui import report_output

        self._output(lambda e: report_output.export_ofd(self, e, self.centred_action.isChecked(), self._data_dir))

    def preview(self) -> None:
        from ui import report_output

        self._output(lambda e: report_output.preview(self, e, self.centred_action.isChecked(), self._data_dir))

    def print_report(self) -> None:
        from ui import report_output

        self._output(lambda e: report_output.print_report(self, e, self.centred_action.isChecked(), self._data_dir))

    def choose_fonts(self) -> None:
        """打印字体: which installed face prints each role (automatic by GB/T 9704 unless the clerk chooses)."""
        from services.pdf.fonts import available_families
        from ui import report_output
        from ui.font_dialog import FontDialog

        state = load_state(self._data_dir)
        dialog = FontDialog(self, available_families(), state.font_choices(), report_output.print_fonts(self._data_dir))
        if dialog.exec() != FontDialog.DialogCode.Accepted:
            return
        try:
            update_state(self._data_dir, fonts=tuple(sorted(dialog.choices().items())))
        except NianbaoError as exc:
            show_problems(self, "未保存", str(exc), ())
            return
        self._say(EditOutcome(True, "打印字体已保存，下次生成PDF时使用。"))

    def export_check_report(self) -> None:
        from ui import report_output

        trends_from = self.workspace if self.trends_in_check_action.isChecked() else None
        self._output(lambda e: report_output.export_check_report(self, e, self._data_dir, trends_from))

    def show_trends(self) -> None:
        """报告 › 历年对比…: the open report's agency over the years (ui/trends_dialog.py)."""
        from ui.report_output import print_fonts
        from ui.trends_dialog import open_trends

        agency = self.session.editor.report.agency if self.session is not None else self.navigator.current_agency()
        self.trends_dialog = open_trends(self, self.workspace, print_fonts(self._data_dir), agency, self._data_dir)

    def export_as(self) -> None:
        from ui import report_output

        self._output(lambda e: report_output.export_as(self, e, self._data_dir))

    def aggregate(self) -> None:
        from ui.aggregate_dialog import AggregateDialog, result_text
        from ui.file_import import import_files_of_reports

        request = AggregateDialog.ask(self, self.workspace.agencies(), self._today)
        if request is None:
            return
        try:
            units = [a for a in request.agencies if a != request.name]
            result = self.workspace.aggregate(request.name, request.year, request.format_id, units)
            outcome = import_files_of_reports(self.workspace, [result.report], self)
        except NianbaoError as exc:
            show_problems(self, "未汇总", str(exc), ())
            return
        self._last_aggregate = result
        self.units_xlsx_action.setEnabled(True)
        self.refresh_navigator()
        if outcome.imported:
            self.open_report(outcome.imported[-1])
        message, lines = result_text(result)
        show_problems(self, "汇总结果", message, lines + self.rule_packs.unit_lines(result) + tuple(outcome.messages))

    def _save_units_xlsx(self) -> None:
        from ui.aggregate_dialog import save_units_workbook

        result = self._last_aggregate
        if result is None:
            return
        try:
            path = save_units_workbook(self, result, self._data_dir)
        except NianbaoError as exc:
            show_problems(self, "未导出", str(exc), ())
            return
        if path is not None:
            self._say(EditOutcome(True, f"已导出 {path}"))
            self._saved_file = path
            self.folder_button.show()

    def show_board(self) -> None:
        """汇总 › 报送情况…: the 报送 board, on the open report's agency when it has units (ui/submission_board.py)."""
        from ui.submission_board import open_board

        agency = self.session.editor.report.agency if self.session is not None else None
        self.board_window = open_board(self, self._today, self._data_dir, agency)

    def manage_units(self) -> None:
        from ui.units_dialog import UnitsDialog

        UnitsDialog(self.workspace, self._data_dir, self).exec()

    def audit_folder(self) -> None:
        """批量审核: every report file of a folder read and checked in a worker thread (ui/audit_dialog.py)."""
        from ui.audit_dialog import start_audit

        self.audit_run = start_audit(self, self._data_dir)

    def _accept_totals(self) -> None:
        if self.session is not None:
            self.session.accept_computed_totals()

    def show_history(self) -> None:
        from services.history import readable_history

        if self.session is not None:
            editor = self.session.editor
            lines = readable_history(editor.history(), editor.report.format)
            HistoryDialog.ask(self, lines, editor.report.display_title())

    def rename_agency(self) -> None:
        old = self.navigator.current_agency() or (self.session.editor.report.agency if self.session else None)
        if old is None:
            return
        new = ask_text(self, "重命名单位", f"“{old}”的新名称：", old)
        if new is None or new.strip() == old:
            return
        try:
            self.workspace.rename_agency(old, new)
        except NianbaoError as exc:
            show_problems(self, "未重命名", str(exc), ())
            return
        if self.session is not None:
            self.session.editor.reload()
            self.session.reloaded.emit()
        self.refresh_navigator()

    def delete_report(self) -> None:
        report_id = self.navigator.current_report_id() or (self.session.editor.report_id if self.session else None)
        if report_id is None:
            return
        try:
            what = self.workspace.to_delete(report_id)  # the version shown is the one deleted
        except NianbaoError as exc:
            show_problems(self, "未删除", str(exc), ())
            return
        name = what.name
        reason: str | None = None
        if what.final:
            reason = ask_text(self, "删除已定稿的报告", f"“{name}”已定稿。删除须填写原因（将记入日志）：")
            if reason is None:
                return
        elif not ConfirmDialog.ask(self, "删除报告", f"确定删除“{name}”吗？删除后不能恢复。", "删除"):
            return
        try:
            self.workspace.delete(what, reason)
        except NianbaoError as exc:
            show_problems(self, "未删除", str(exc), ())
            return
        if self.session is not None and self.session.editor.report_id == report_id:
            gone, self.session = self.session, None
            self._drop_tabs()
            gone.deleteLater()
            self.stack.setCurrentWidget(self.welcome)
            self.setWindowTitle(WINDOW_TITLE)  # not the deleted report's title
            self.deadline_label.setText("")
            self._enable_report_actions()
        self.refresh_navigator()
        self._say(EditOutcome(True, f"已删除“{name}”。"))

    def _navigator_menu(self, at: QPoint) -> None:
        """Right-click on the list of reports: what can be done to the report (or agency) under the mouse."""
        item = self.navigator.itemAt(at)
        if item is None:
            return
        self.navigator.setCurrentItem(item)
        report_id = self.navigator.current_report_id()
        menu = QMenu(self)
        if report_id is not None:
            menu.addAction("打开", lambda: self.open_report(report_id))
            menu.addAction("修改历史…", partial(self._history_of, report_id))
            menu.addSeparator()
        menu.addAction("重命名单位…", self.rename_agency)
        if report_id is not None:
            menu.addAction("删除报告…", self.delete_report)
        menu.popup(self.navigator.viewport().mapToGlobal(at))

    def _history_of(self, report_id: int) -> None:
        self.open_report(report_id)
        self.show_history()

    def show_about(self) -> None:
        from ui.guide import show_about

        show_about(self)

    def show_guide(self) -> None:
        from ui.guide import GuideDialog

        GuideDialog(self).exec()

    def closeEvent(self, event: QCloseEvent) -> None:
        self._flush()
        with suppress(NianbaoError):  # a size not remembered is no reason to keep the clerk from closing
            update_state(self._data_dir, window=bytes(self.saveGeometry().toBase64().data()).decode())
        super().closeEvent(event)

    # ------------------------------------------------------------ size (1366×768 and 1024×768 screens)

    def _fit_to_screen(self) -> None:
        """As the clerk left it; the first time, as large as the screen allows up to 1440×880."""
        saved = load_state(self._data_dir).window
        if saved and self.restoreGeometry(QByteArray.fromBase64(saved.encode())):
            return
        screen = self.screen().availableGeometry()
        self.resize(min(1440, screen.width()), min(880, screen.height()))

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit_side_panels(event.size().width())

    def _fit_side_panels(self, width: int) -> None:
        """The list of reports and the check panel give way on narrow screens, so the paper grid keeps its
        number columns in view: narrower at 1366, and below 1100 the list hides (视图 › 报告列表, F9)."""
        size = "wide" if width >= 1600 else "medium" if width >= 1100 else "narrow"
        if size == self._side_size:
            return
        self._side_size = size
        nav, panel = {"wide": (215, 330), "medium": (185, 270), "narrow": (185, 240)}[size]
        if size == "narrow":
            self.nav_dock.hide()
        elif not self.nav_dock.isVisible() and self._nav_hidden_by_width:
            self.nav_dock.show()
        self._nav_hidden_by_width = size == "narrow"
        self.resizeDocks([self.nav_dock, self.panel_dock], [nav, panel], Qt.Orientation.Horizontal)
