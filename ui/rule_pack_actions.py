"""审核 › 载入上级要求（规则包）… / 查看 / 移除, and the status bar's line naming the office whose pack is in force.

The pack itself is services.rule_pack_store's (copied into the data folder, remembered per user); this only asks
for the file, hands the pack to the open report's editor (ReportEditor.use_rule_pack) and repaints.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from functools import partial
from typing import TYPE_CHECKING

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QLabel, QMainWindow, QMenu, QMessageBox, QWidget
from shiboken6 import isValid

from services.editing import EditOutcome
from services.errors import NianbaoError
from services.rule_pack_store import install_pack, pack_in_force, pack_status, remove_pack
from services.rule_packs import RulePack, rule_title
from ui.dialogs import show_problems
from ui.file_dialogs import open_files

if TYPE_CHECKING:
    from services.aggregate import AggregateResult
    from ui.report_session import ReportSession

PACK_FILTER = "规则包 (*.json);;所有文件 (*)"
URGENT_STYLE = "color: #b00020"


class RulePackControl:
    """The pack in force for the window: its menu actions, its status line, and the editor it checks."""

    def __init__(
        self, window: QMainWindow, data_dir: str | None, today: date, say: Callable[[EditOutcome], None]
    ) -> None:
        self.window, self.data_dir, self.today, self.say = window, data_dir, today, say
        self.label = QLabel()
        window.statusBar().addPermanentWidget(self.label)
        self.session: ReportSession | None = None
        in_force = pack_in_force(data_dir)
        self.pack: RulePack | None = in_force.pack
        self.problem = in_force.problem
        self.remove_action: QAction | None = None
        self.show_action: QAction | None = None
        self.show_status()

    def fill_menu(self, menu: QMenu) -> None:
        menu.addAction("载入上级要求（规则包）…", self.load)
        self.show_action = menu.addAction("查看上级要求…", self.show_rules)
        self.remove_action = menu.addAction("移除上级要求", self.remove)
        self._enable()

    # ------------------------------------------------------------ the open report

    def attach(self, session: ReportSession) -> None:
        """A report was opened: check it against the pack, and follow its edits in the status line."""
        self.session = session
        if session.editor.rule_pack is not self.pack:
            session.editor.use_rule_pack(self.pack)
        session.changed.connect(self.show_status)
        session.reloaded.connect(self.show_status)
        session.destroyed.connect(partial(self._closed, id(session)))
        self.show_status()

    def _closed(self, token: int) -> None:
        # the report's session goes with its report (deleted, another database) and with the window, after the
        # status bar's label when the window closes
        if self.session is not None and id(self.session) == token and isValid(self.label):
            self.session = None
            self.show_status()

    def show_status(self, *_: object) -> None:
        if self.pack is None:
            self.label.setText("上级要求：无法读取，未生效" if self.problem else "")
            self.label.setToolTip(self.problem or "")
            self.label.setStyleSheet(URGENT_STYLE if self.problem else "")
            self.label.setVisible(bool(self.problem))
            return
        status = pack_status(self.pack, self.session.editor.report if self.session else None, self.today)
        self.label.setText(status.text)
        self.label.setToolTip(status.tooltip)
        self.label.setStyleSheet(URGENT_STYLE if status.urgent else "")
        self.label.setVisible(True)

    # ------------------------------------------------------------ actions

    def load(self) -> None:
        paths = open_files(self.window, "载入上级要求（规则包）", PACK_FILTER, self.data_dir)
        if not paths:
            return
        try:
            pack = install_pack(paths[0], self.data_dir)
        except NianbaoError as exc:
            show_problems(self.window, "未载入上级要求", exc.message, tuple(exc.problems))
            return
        self._use(pack)
        self.say(EditOutcome(True, f"已载入上级要求：{pack.name}（{pack.office}，共 {len(pack.rules)} 条要求）。"))

    def remove(self) -> None:
        if self.pack is None and self.problem is None:
            return
        name = self.pack.name if self.pack else "无法读取的规则包"
        try:
            remove_pack(self.data_dir)
        except NianbaoError as exc:
            show_problems(self.window, "未移除上级要求", str(exc), ())
            return
        self._use(None)
        self.say(EditOutcome(True, f"已移除上级要求“{name}”，只按正式的审核规则审核。"))

    def show_rules(self) -> None:
        if self.pack is None:
            return
        pack_box(self.window, self.pack).exec()

    def unit_lines(self, result: AggregateResult) -> tuple[str, ...]:
        """汇总: which units fail which rule of the pack in force (nothing without one)."""
        from services.rule_packs import units_against_pack

        return tuple(units_against_pack(result.units, self.pack).lines()) if self.pack else ()

    def _use(self, pack: RulePack | None) -> None:
        self.pack, self.problem = pack, None
        if self.session is not None:
            self.session.editor.use_rule_pack(pack)
            self.session.reloaded.emit()  # the panel, the tab titles and this line repaint from the new findings
        self.show_status()
        self._enable()

    def _enable(self) -> None:
        if self.remove_action is not None and self.show_action is not None:
            self.remove_action.setEnabled(self.pack is not None or self.problem is not None)
            self.show_action.setEnabled(self.pack is not None)


def pack_box(parent: QWidget, pack: RulePack) -> QMessageBox:
    """查看上级要求: who issued the pack, for which reports, and each of its rules as the office put it."""
    from services.formats import get_format

    fmt = get_format(pack.formats[0])
    box = QMessageBox(QMessageBox.Icon.Information, "上级要求", pack.name, parent=parent)
    lines = [
        f"发布：{pack.office}（版本 {pack.version}）",
        f"适用：{'、'.join(pack.formats)} 格式，{pack.years_text().strip()}的报告",
        "",
        *(
            f"{i}. {rule_title(fmt, rule)}{'（错误）' if rule.severity == 'error' else ''}"
            for i, rule in enumerate(pack.rules, 1)
        ),
        "",
        "审核结果显示在审核面板中，以【" + pack.short + "】开头：提示可填写审核说明，错误须改正后才能定稿。",
    ]
    box.setInformativeText("\n".join(lines))
    if pack.description:
        box.setDetailedText(pack.description)
    return box
