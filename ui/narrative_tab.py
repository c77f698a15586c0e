"""The narrative sections (一、五、六): one editor per text key, saved shortly after typing stops, and the
信息处理费 fields of section 六 where the format has them."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtWidgets import (
    QFormLayout,
    QFrame,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from services.editing import EditOutcome
from services.errors import ValueParseError
from services.formats import Section, TextSpec
from services.values import parse_value, parse_yuan, to_text
from ui.draft_actions import DraftButtons
from ui.report_session import ReportSession

if TYPE_CHECKING:
    from services.storage import MetaField

SAVE_DELAY_MS = 1000
"""Narrative typing is saved this long after the last keystroke (checks on tables need no debounce)."""
EDITOR_MIN_HEIGHT = 150
_SPACE = re.compile(r"\s+")
FEE_NOTICES_LABEL = "信息处理费收费通知件数"
FEE_AMOUNT_LABEL = "实际收取金额（元）"
_INVALID_STYLE = "QLineEdit { border: 1px solid #c62828; background: #fff3f3; }"


def char_count_text(text: str) -> str:
    """The live count under an editor; whitespace and line breaks are not counted as 字."""
    return f"共 {len(_SPACE.sub('', text))} 字"


def section_heading(text: str) -> QLabel:
    label = QLabel(text)
    font = label.font()
    font.setPointSizeF(font.pointSizeF() * 1.3)
    font.setBold(True)
    label.setFont(font)
    return label


def sub_heading(text: str) -> QLabel:
    label = QLabel(text)
    font = label.font()
    font.setBold(True)
    label.setFont(font)
    return label


class TextSaver(QObject):
    """Saves one narrative editor through the session: 1 s after the last keystroke, on focus-out, on flush().

    Only a text that differs from the report's is written, so focus changes and reloads cost nothing.
    """

    def __init__(
        self,
        session: ReportSession,
        key: str,
        edit: QPlainTextEdit,
        counter: QLabel | None = None,
        delay_ms: int = SAVE_DELAY_MS,
    ) -> None:
        super().__init__(edit)
        self.session = session
        self.key = key
        self.edit = edit
        self.counter = counter
        self._loading = False
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(delay_ms)
        self.timer.timeout.connect(self.flush)
        edit.textChanged.connect(self._changed)
        edit.installEventFilter(self)

    def load(self, text: str, *, read_only: bool) -> None:
        """Show the stored text without it counting as an edit."""
        self.timer.stop()
        self.edit.setReadOnly(read_only)
        if self.edit.toPlainText() != text:
            self._loading = True
            try:
                self.edit.setPlainText(text)
            finally:
                self._loading = False
        self._count()

    def pending(self) -> bool:
        return self.edit.toPlainText() != self.session.editor.report.text(self.key)

    def flush(self) -> None:
        """Write the editor's text now if it differs from the report's."""
        self.timer.stop()
        if self.edit.isReadOnly() or not self.pending():
            return
        self.session.set_text(self.key, self.edit.toPlainText())

    def _changed(self) -> None:
        self._count()
        if not self._loading and not self.edit.isReadOnly():
            self.timer.start()

    def _count(self) -> None:
        if self.counter is not None:
            self.counter.setText(char_count_text(self.edit.toPlainText()))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.edit and event.type() == QEvent.Type.FocusOut:
            self.flush()
        return False


def text_block(session: ReportSession, spec: TextSpec, layout: QVBoxLayout) -> tuple[QPlainTextEdit, QLabel, TextSaver]:
    """Sub-heading, editor and character count for one text key, added to `layout`."""
    layout.addWidget(sub_heading(spec.heading or spec.label))
    edit = QPlainTextEdit()
    edit.setObjectName(f"text_{spec.key}")
    edit.setTabChangesFocus(True)
    edit.setMinimumHeight(EDITOR_MIN_HEIGHT)
    edit.setPlaceholderText(f"请填写“{spec.label}”")
    counter = QLabel()
    counter.setAlignment(Qt.AlignmentFlag.AlignRight)
    counter.setStyleSheet("color: #666;")
    layout.addWidget(edit, 1)
    layout.addWidget(counter)
    return edit, counter, TextSaver(session, spec.key, edit, counter)


def yuan_text(value: Decimal | None) -> str:
    return "" if value is None else to_text(value)


class NarrativeTab(QWidget):
    """One narrative section of the report: its title, an editor per text key, and (section 六 of a format
    with 信息处理费) the two fee fields."""

    def __init__(self, session: ReportSession, section: Section, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.section = section
        self.editors: dict[str, QPlainTextEdit] = {}
        self.counters: dict[str, QLabel] = {}
        self._savers: dict[str, TextSaver] = {}
        self.draft_buttons: dict[str, DraftButtons] = {}
        """插入数据段落 / 更新数据段落 under each editor whose text has a template in the format file."""
        self.fee_notices_edit: QLineEdit | None = None
        self.fee_amount_edit: QLineEdit | None = None

        body = QWidget()
        column = QVBoxLayout(body)
        column.addWidget(section_heading(section.title))
        for spec in section.texts:
            edit, counter, saver = text_block(session, spec, column)
            self.editors[spec.key] = edit
            self.counters[spec.key] = counter
            self._savers[spec.key] = saver
            if spec.draft:
                self.draft_buttons[spec.key] = DraftButtons(session, spec.key, edit, spec.heading or spec.label)
                column.addWidget(self.draft_buttons[spec.key])
        if section.fees and session.editor.format.has_fee_fields():
            column.addWidget(self._fee_fields())
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(body)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll)

        session.reloaded.connect(self.refill)
        self.refill()

    def _fee_fields(self) -> QWidget:
        box = QWidget()
        layout = QVBoxLayout(box)
        layout.setContentsMargins(0, 8, 0, 0)
        layout.addWidget(sub_heading("信息处理费"))
        form = QFormLayout()
        self.fee_notices_edit = QLineEdit()
        self.fee_notices_edit.setObjectName("fee_notices")
        self.fee_notices_edit.setPlaceholderText("件数，未发出收费通知填 0")
        self.fee_amount_edit = QLineEdit()
        self.fee_amount_edit.setObjectName("fee_amount_yuan")
        self.fee_amount_edit.setPlaceholderText("金额（元），未收取填 0")
        form.addRow(FEE_NOTICES_LABEL, self.fee_notices_edit)
        form.addRow(FEE_AMOUNT_LABEL, self.fee_amount_edit)
        layout.addLayout(form)
        hint = QLabel("留空表示未填写。两项都填 0 时，打印稿第六部分写“本年度未收取信息处理费。”")
        hint.setWordWrap(True)
        hint.setStyleSheet("color: #666;")
        layout.addWidget(hint)
        notices, amount = self.fee_notices_edit, self.fee_amount_edit
        notices.editingFinished.connect(lambda: self._save_fee("fee_notices", notices))
        amount.editingFinished.connect(lambda: self._save_fee("fee_amount_yuan", amount))
        return box

    # ------------------------------------------------------------ public

    def keys(self) -> tuple[str, ...]:
        return tuple(self.editors)

    def has_key(self, key: str) -> bool:
        return key in self.editors

    def show_key(self, key: str) -> bool:
        """Focus the editor of a text key (from the check panel); False when this tab has no such key."""
        edit = self.editors.get(key)
        if edit is None:
            return False
        edit.setFocus(Qt.FocusReason.OtherFocusReason)
        edit.ensureCursorVisible()
        scroll = self.findChild(QScrollArea)
        if scroll is not None:
            scroll.ensureWidgetVisible(edit)
        return True

    def flush(self) -> None:
        """Save whatever the clerk typed and has not been saved yet (the window calls this on closing)."""
        for saver in self._savers.values():
            saver.flush()
        if self.fee_notices_edit is not None and self.fee_amount_edit is not None:
            self._save_fee("fee_notices", self.fee_notices_edit)
            self._save_fee("fee_amount_yuan", self.fee_amount_edit)

    def refill(self) -> None:
        """Show the report as it is now (after opening or a reload), without saving anything."""
        editor = self.session.editor
        read_only = editor.read_only
        for key, saver in self._savers.items():
            saver.load(editor.report.text(key), read_only=read_only)
        fees = editor.report.fees
        if self.fee_notices_edit is not None:
            self._show_fee(self.fee_notices_edit, "" if fees.notices is None else str(fees.notices), read_only)
        if self.fee_amount_edit is not None:
            self._show_fee(self.fee_amount_edit, yuan_text(fees.amount_yuan), read_only)

    # ------------------------------------------------------------ fees

    @staticmethod
    def _show_fee(edit: QLineEdit, text: str, read_only: bool) -> None:
        edit.setReadOnly(read_only)
        edit.setText(text)
        edit.setStyleSheet("")
        edit.setToolTip("")

    def _save_fee(self, name: MetaField, edit: QLineEdit) -> None:
        if edit.isReadOnly():
            return
        fees = self.session.editor.report.fees
        current: int | Decimal | None
        try:
            if name == "fee_notices":
                value: int | Decimal | None = parse_value(edit.text(), "count")
                current = fees.notices
            else:
                value = parse_yuan(edit.text())
                current = fees.amount_yuan
        except ValueParseError as exc:
            # Keep the clerk's text for correction; the reason goes to the status bar.
            label = FEE_NOTICES_LABEL if name == "fee_notices" else FEE_AMOUNT_LABEL
            reason = f"“{label}”未保存：{exc}"
            edit.setStyleSheet(_INVALID_STYLE)
            edit.setToolTip(reason)
            self.session.failed.emit(EditOutcome(False, reason))
            return
        edit.setStyleSheet("")
        edit.setToolTip("")
        if value == current:
            return
        outcome = self.session.set_field(name, value)
        if outcome.ok:
            edit.setText("" if value is None else to_text(value))
