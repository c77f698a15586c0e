"""插入数据段落 / 更新数据段落 under a narrative editor whose format gives the text a template
(services.drafting): the proposal shown in a small dialog, then typed into the editor at the cursor as the clerk
would (the editor's own undo works) and saved at once through the session's set_text (修改历史, 撤销)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from services.drafting import drafted, inserted_text, stale_paragraphs
from ui.report_session import ReportSession

INSERT_LABEL = "插入数据段落"
UPDATE_LABEL = "更新数据段落"


def qt_position(text: str, index: int) -> int:
    """A Python index in the editor's text as a QTextDocument position (UTF-16 units)."""
    return len(text[:index].encode("utf-16-le")) // 2


def py_index(text: str, position: int) -> int:
    """A QTextDocument position as a Python index in the editor's text."""
    units = 0
    for i, char in enumerate(text):
        if units >= position:
            return i
        units += 2 if ord(char) > 0xFFFF else 1
    return len(text)


class DraftDialog(QDialog):
    """The proposed paragraphs, read-only, with 插入 (or 更新) and 取消."""

    def __init__(self, title: str, intro: str, text: str, accept: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.resize(560, 300)
        layout = QVBoxLayout(self)
        hint = QLabel(intro)
        hint.setWordWrap(True)
        layout.addWidget(hint)
        self.text = QPlainTextEdit(text)
        self.text.setObjectName("draft_text")
        self.text.setReadOnly(True)
        layout.addWidget(self.text, 1)
        buttons = QDialogButtonBox()
        buttons.addButton(accept, QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton("取消", QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)


class DraftButtons(QWidget):
    """The two buttons under one editor; 插入 is off (saying why) while the figures' cells are empty, 更新 is on
    only while the text holds a drafted paragraph whose figures the tables no longer say."""

    def __init__(self, session: ReportSession, key: str, edit: QPlainTextEdit, label: str) -> None:
        super().__init__()
        self.session = session
        self.key = key
        self.edit = edit
        self.label = label
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        self.insert_button = QPushButton(INSERT_LABEL)
        self.insert_button.setObjectName(f"draft_insert_{key}")
        self.update_button = QPushButton(UPDATE_LABEL)
        self.update_button.setObjectName(f"draft_update_{key}")
        for button in (self.insert_button, self.update_button):
            button.setFocusPolicy(Qt.FocusPolicy.ClickFocus)  # Tab still goes from one editor to the next
        row.addWidget(self.insert_button)
        row.addWidget(self.update_button)
        row.addStretch(1)
        self.insert_button.clicked.connect(self.insert)
        self.update_button.clicked.connect(self.update_figures)
        session.changed.connect(self.refresh)
        session.reloaded.connect(self.refresh)
        edit.textChanged.connect(self.refresh)
        self.refresh()

    def refresh(self) -> None:
        editor = self.session.editor
        proposal = drafted(editor.report, self.key)
        writable = not editor.read_only and not self.edit.isReadOnly()
        ready = proposal is not None and proposal.text is not None
        self.insert_button.setEnabled(writable and ready)
        if proposal is not None and proposal.missing:
            waiting = "、".join(proposal.missing)
            self.insert_button.setToolTip(
                f"按表中数字写出本段应说明的数字。以下单元格未填写，相关段落暂不拟写：{waiting}"
            )
        else:
            self.insert_button.setToolTip("按表中数字写出本段应说明的数字，插入到光标处")
        stale = stale_paragraphs(editor.report, self.key, self.edit.toPlainText())
        self.update_button.setEnabled(writable and bool(stale))
        self.update_button.setVisible(bool(stale))
        self.update_button.setToolTip(
            "表中数字已改变：把文中按表拟写的段落改为现在的数字" if stale else "文中没有需要更新的数据段落"
        )

    def insert(self) -> None:
        proposal = drafted(self.session.editor.report, self.key)
        if proposal is None or proposal.text is None:
            return
        intro = f"按表中现在的数字拟写的“{self.label}”段落，插入到光标处，插入后可以修改："
        if proposal.missing:
            intro += f"\n（以下单元格未填写，相关段落未拟写：{'、'.join(proposal.missing)}）"
        dialog = DraftDialog(INSERT_LABEL, intro, proposal.text, "插入", self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        text = self.edit.toPlainText()
        cursor = self.edit.textCursor()
        at = py_index(text, cursor.position())
        new, start, end = inserted_text(text, at, proposal.text)
        cursor.clearSelection()
        cursor.setPosition(qt_position(text, at))
        cursor.insertText(new[start:end])
        self.edit.setTextCursor(cursor)
        self._save()

    def update_figures(self) -> None:
        text = self.edit.toPlainText()
        stale = stale_paragraphs(self.session.editor.report, self.key, text)
        if not stale:
            return
        shown = "\n".join(f"原为：{s.old}\n改为：{s.new}" for s in stale)
        intro = "表中数字已改变，文中按表拟写的段落将改为现在的数字："
        dialog = DraftDialog(UPDATE_LABEL, intro, shown, "更新", self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        cursor = self.edit.textCursor()
        cursor.beginEditBlock()
        for item in sorted(stale, reverse=True):
            cursor.setPosition(qt_position(text, item.start))
            cursor.setPosition(qt_position(text, item.end), QTextCursor.MoveMode.KeepAnchor)
            cursor.insertText(item.new)
        cursor.endEditBlock()
        self._save()

    def _save(self) -> None:
        """Saved now, as leaving the editor would (a refused write leaves the text on screen with the reason)."""
        if self.edit.toPlainText() != self.session.editor.report.text(self.key):
            self.session.set_text(self.key, self.edit.toPlainText())
        self.refresh()
