"""打印字体: the face that prints each role of the report, automatic (the standard's faces, best installed first)
unless the clerk chooses one, with what automatic gives today shown beside it."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QComboBox, QDialog, QDialogButtonBox, QFormLayout, QLabel, QVBoxLayout, QWidget

from services.pdf.font_sources import ROLE_NAMES, ROLES

if TYPE_CHECKING:
    from services.pdf.fonts import FontSet

AUTOMATIC = "自动（按公文格式标准选择）"


class FontDialog(QDialog):
    def __init__(
        self, parent: QWidget | None, families: Sequence[str], chosen: Mapping[str, str], fonts: FontSet
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("打印字体")
        self.boxes: dict[str, QComboBox] = {}
        form = QFormLayout()
        used = fonts.describe()
        for role in ROLES:
            box = QComboBox(self)
            box.addItem(AUTOMATIC, "")
            for family in families:
                box.addItem(family, family)
            current = chosen.get(role, "")
            if current and box.findData(current) < 0:  # chosen earlier, no longer installed
                box.addItem(f"{current}（未安装）", current)
            box.setCurrentIndex(max(0, box.findData(current)))
            box.setAccessibleName(ROLE_NAMES[role])
            self.boxes[role] = box
            form.addRow(f"{ROLE_NAMES[role]}：", box)
            form.addRow("", QLabel(f"现在使用：{used[role]}"))
        notes = fonts.substitutions()
        info = QLabel("未安装标准字体时的替代：\n" + "\n".join(notes) if notes else "各部分都使用标准字体。")
        info.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(info)
        layout.addWidget(buttons)

    def choices(self) -> dict[str, str]:
        """Role → family for every role the clerk set; automatic roles are left out."""
        return {role: str(box.currentData()) for role, box in self.boxes.items() if box.currentData()}
