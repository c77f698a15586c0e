"""汇总 › 管理下属单位…: the tree of units under their parents, and each change one Workspace call (services/units.py):
新增 under the chosen unit, 重命名, 移到 another parent, 移除, or the office's whole Excel list imported at once."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from services.errors import NianbaoError
from services.workspace import Workspace
from ui.dialogs import ConfirmDialog, ask_text, show_problems
from ui.file_dialogs import open_files

NO_PARENT = "（不属于任何上级单位）"
LIST_FILTER = "Excel 工作簿 (*.xlsx)"
LIST_HELP = (
    "Excel 名单：第一张工作表中有“单位名称”“上级单位”两列（表头可在前 10 行内，其他列不读），"
    "每行一个单位；上级单位空白的为最上级单位。有错误的行会按行号列出，整份名单不导入。"
)


class ParentChoice:
    @classmethod
    def ask(cls, parent: QWidget | None, unit: str, choices: list[str], current: str | None) -> tuple[bool, str | None]:
        """(chosen, the new parent of `unit`: None for no parent); (False, None) when cancelled."""
        items = [NO_PARENT, *choices]
        start = items.index(current) if current in items else 0
        chosen, ok = QInputDialog.getItem(parent, "移到", f"把“{unit}”移到哪个上级单位之下：", items, start, False)
        return ok, None if not ok or chosen == NO_PARENT else chosen


class UnitsDialog(QDialog):
    def __init__(self, workspace: Workspace, data_dir: str | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("管理下属单位")
        self.resize(560, 560)
        self.workspace, self.data_dir = workspace, data_dir
        self.changed = False
        """Whether anything was changed (the board then reads its units again)."""
        self.tree = QTreeWidget()
        self.tree.setHeaderLabels(["单位"])
        self.tree.itemSelectionChanged.connect(self._enable)
        self.buttons: dict[str, QPushButton] = {}
        row = QHBoxLayout()
        for key, text, slot in (
            ("add", "新增单位…", self.add_unit),
            ("rename", "重命名…", self.rename_unit),
            ("move", "移到…", self.move_unit),
            ("remove", "移除", self.remove_unit),
            ("import", "从Excel名单导入…", self.import_list),
        ):
            button = QPushButton(text)
            button.clicked.connect(slot)
            self.buttons[key] = button
            row.addWidget(button)
        self.note = QLabel(LIST_HELP)
        self.note.setWordWrap(True)
        close = QPushButton("关闭")
        close.clicked.connect(self.accept)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tree, 1)
        layout.addLayout(row)
        layout.addWidget(self.note)
        layout.addWidget(close, alignment=Qt.AlignmentFlag.AlignRight)
        self.fill()

    def fill(self, chosen: str | None = None) -> None:
        """The tree read again, `chosen` (or the unit chosen before) selected."""
        chosen = chosen or self.current()
        self.tree.clear()
        lines = self.workspace.agency_lines()
        children: dict[str | None, list[str]] = {}
        for line in lines:
            children.setdefault(line.parent, []).append(line.name)
        items: dict[str, QTreeWidgetItem] = {}

        def add(under: QTreeWidgetItem | None, name: str) -> None:
            item = QTreeWidgetItem([name])
            if under is None:
                self.tree.addTopLevelItem(item)
            else:
                under.addChild(item)
            items[name] = item
            for child in children.get(name, []):
                add(item, child)

        for name in children.get(None, []):  # every agency is under one of no parent (loops are refused)
            add(None, name)
        self.tree.expandAll()
        if chosen in items:
            self.tree.setCurrentItem(items[chosen])
        self._enable()

    def current(self) -> str | None:
        item = self.tree.currentItem()
        return item.text(0) if item is not None else None

    def _parent_of(self, name: str) -> str | None:
        item = next(iter(self.tree.findItems(name, Qt.MatchFlag.MatchExactly | Qt.MatchFlag.MatchRecursive)), None)
        above = item.parent() if item is not None else None
        return above.text(0) if above is not None else None

    def _enable(self) -> None:
        chosen = self.current() is not None
        for key in ("rename", "move", "remove"):
            self.buttons[key].setEnabled(chosen)

    def _done(self, message: str, chosen: str | None = None) -> None:
        self.changed = True
        self.note.setText(message)
        self.fill(chosen)

    def _failed(self, title: str, exc: NianbaoError) -> None:
        show_problems(self, title, exc.message, tuple(exc.problems))

    def add_unit(self) -> None:
        under = self.current()
        where = f"在“{under}”下" if under else "新增最上级单位（如本机关）"
        name = ask_text(self, "新增单位", f"{where}，单位名称：")
        if not name or not name.strip():
            return
        try:
            added = self.workspace.add_unit(name, under)
        except NianbaoError as exc:
            self._failed("未新增", exc)
            return
        self._done(f"已新增“{added}”。", added)

    def rename_unit(self) -> None:
        old = self.current()
        if old is None:
            return
        new = ask_text(self, "重命名单位", f"“{old}”的新名称（其各年度报告随之改名，并记入修改历史）：", old)
        if new is None or new.strip() == old:
            return
        try:
            self.workspace.rename_agency(old, new)
        except NianbaoError as exc:
            self._failed("未重命名", exc)
            return
        self._done(f"已把“{old}”改名为“{new.strip()}”。", new.strip())

    def move_unit(self) -> None:
        unit = self.current()
        if unit is None:
            return
        others = [line.name for line in self.workspace.agency_lines() if line.name != unit]
        ok, new_parent = ParentChoice.ask(self, unit, others, self._parent_of(unit))
        if not ok:
            return
        try:
            self.workspace.move_unit(unit, new_parent)
        except NianbaoError as exc:
            self._failed("未移动", exc)
            return
        self._done(f"已把“{unit}”移到“{new_parent}”之下。" if new_parent else f"“{unit}”已不属于任何上级单位。", unit)

    def remove_unit(self) -> None:
        unit = self.current()
        if unit is None:
            return
        question = f"把“{unit}”从其上级单位的下属中移除吗？没有报告的单位将一并删除；有报告的，报告仍保留。"
        if not ConfirmDialog.ask(self, "移除单位", question, "移除"):
            return
        try:
            said = self.workspace.remove_unit(unit)
        except NianbaoError as exc:
            self._failed("未移除", exc)
            return
        self._done(said)

    def import_list(self) -> None:
        chosen = open_files(self, "导入单位名单（Excel）", LIST_FILTER, self.data_dir)
        if not chosen:
            return
        try:
            done = self.workspace.import_units(chosen[0])
        except NianbaoError as exc:
            self._failed("单位名单未导入", exc)
            return
        self._done(f"已导入“{chosen[0].name}”：{done.summary()}")
