"""基本信息: who reports for which year in which format, the title, the signature and the opening paragraph."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from PySide6.QtCore import QDate, QLocale, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QDateEdit,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from ui.narrative_tab import section_heading, text_block
from ui.report_session import ReportSession

if TYPE_CHECKING:
    from services.storage import MetaField

NO_DATE = QDate(1900, 1, 1)
"""The date edit's minimum, shown as "未填写" (no 成文日期 yet)."""
DATE_FORMAT = "yyyy年M月d日"


def _qdate(day: date | None) -> QDate:
    return NO_DATE if day is None else QDate(day.year, day.month, day.day)


class BasicTab(QWidget):
    """Title, signature and preamble of the open report; agency, year and format are shown, not edited here."""

    def __init__(self, session: ReportSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self._loading = False
        report = session.editor.report
        fmt = session.editor.format

        self.agency_label = QLabel()
        self.agency_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.year_label = QLabel()
        self.format_label = QLabel()
        self.status_label = QLabel()
        self.title_edit = QLineEdit()
        self.title_edit.setObjectName("title")
        self.signed_by_edit = QLineEdit()
        self.signed_by_edit.setObjectName("signed_by")
        self.signed_by_edit.setPlaceholderText("署名的机关名称，通常与单位名称相同")
        self.date_set = QCheckBox("已填写成文日期")
        self.date_edit = QDateEdit()
        self.date_edit.setObjectName("signed_on")
        self.date_edit.setDisplayFormat(DATE_FORMAT)
        self.date_edit.setCalendarPopup(True)
        # Chinese month and weekday names in the calendar, whatever the system's locale (C on some PCs)
        self.date_edit.setLocale(QLocale(QLocale.Language.Chinese, QLocale.Country.China))
        self.date_edit.calendarWidget().setLocale(self.date_edit.locale())
        self.date_edit.setMinimumDate(NO_DATE)
        self.date_edit.setSpecialValueText("未填写")

        form = QFormLayout()
        form.addRow("单位", self.agency_label)
        form.addRow("年度", self.year_label)
        form.addRow("报告格式", self.format_label)
        form.addRow("状态", self.status_label)
        form.addRow("标题", self.title_edit)
        form.addRow("署名", self.signed_by_edit)
        date_row = QHBoxLayout()
        date_row.addWidget(self.date_set)
        date_row.addWidget(self.date_edit)
        date_row.addStretch(1)
        form.addRow("成文日期", date_row)

        column = QVBoxLayout(self)
        column.addWidget(section_heading("基本信息"))
        column.addLayout(form)
        self.preamble_edit: QPlainTextEdit
        self.preamble_edit, self.preamble_counter, self._preamble = text_block(session, fmt.preamble, column)
        hint = QLabel(
            f"{fmt.preamble.label}：不编号的开头段落，一般写明编制依据和统计期限（{report.year}年1月1日至12月31日）。"
        )
        hint.setWordWrap(True)
        hint.setStyleSheet("color: #666;")
        column.insertWidget(column.indexOf(self.preamble_edit), hint)

        self.title_edit.editingFinished.connect(lambda: self._save_line("title", self.title_edit))
        self.signed_by_edit.editingFinished.connect(lambda: self._save_line("signed_by", self.signed_by_edit))
        self.date_set.toggled.connect(self._date_toggled)
        self.date_edit.dateChanged.connect(self._date_changed)
        session.reloaded.connect(self.refill)
        self.refill()

    # ------------------------------------------------------------ public

    def has_key(self, key: str) -> bool:
        return key == self._preamble.key

    def show_key(self, key: str) -> bool:
        """Focus the preamble editor when asked for its key; False for any other key."""
        if key != self._preamble.key:
            return False
        self.preamble_edit.setFocus(Qt.FocusReason.OtherFocusReason)
        return True

    def flush(self) -> None:
        """Save what is typed but not yet saved (the window calls this on closing)."""
        self._save_line("title", self.title_edit)
        self._save_line("signed_by", self.signed_by_edit)
        self._preamble.flush()

    def refill(self) -> None:
        """Show the report as it is now, without saving anything."""
        editor = self.session.editor
        report, fmt, read_only = editor.report, editor.format, editor.read_only
        self._loading = True
        try:
            self.agency_label.setText(report.agency)
            self.year_label.setText(f"{report.year} 年度")
            self.format_label.setText(f"{fmt.name}（格式 {fmt.id}）")
            self.status_label.setText("已定稿（只读）" if read_only else "草稿")
            self.title_edit.setPlaceholderText(fmt.standard_title(report.agency, report.year))
            self.title_edit.setText(report.title or "")
            self.signed_by_edit.setText(report.signed_by or "")
            for edit in (self.title_edit, self.signed_by_edit):
                edit.setReadOnly(read_only)
            self.date_set.setChecked(report.signed_on is not None)
            self.date_set.setEnabled(not read_only)
            self.date_edit.setDate(_qdate(report.signed_on))
            self.date_edit.setEnabled(report.signed_on is not None and not read_only)
            self._preamble.load(report.text(self._preamble.key), read_only=read_only)
        finally:
            self._loading = False

    # ------------------------------------------------------------ saving

    def _save_line(self, name: MetaField, edit: QLineEdit) -> None:
        if self._loading or edit.isReadOnly():
            return
        report = self.session.editor.report
        current = report.title if name == "title" else report.signed_by
        text = edit.text().strip()
        if text != (current or ""):
            self.session.set_field(name, text or None)

    def _default_date(self) -> QDate:
        # Reports are signed early in the following year; today is the likeliest date when it is that year.
        year = self.session.editor.report.year + 1
        today = date.today()
        return _qdate(today) if today.year == year else QDate(year, 1, 1)

    def _date_toggled(self, checked: bool) -> None:
        if self._loading:
            return
        self._loading = True
        try:
            self.date_edit.setEnabled(checked)
            self.date_edit.setDate(self._default_date() if checked else NO_DATE)
        finally:
            self._loading = False
        self._save_date()

    def _date_changed(self, _: QDate) -> None:
        if not self._loading:
            self._save_date()

    def _save_date(self) -> None:
        chosen = self.date_edit.date()
        value: date | None = None
        if self.date_set.isChecked() and chosen != NO_DATE:
            value = date(chosen.year(), chosen.month(), chosen.day())
        if value != self.session.editor.report.signed_on:
            self.session.set_field("signed_on", value)
