"""The live check panel (审核): every table identity with both sides' numbers, the other errors, and the
warnings with a line for the clerk's 审核说明. It repaints after every edit, so it updates items in place and
never recreates an explanation field the clerk may be typing in."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import QLabel, QLineEdit, QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget

from services.carry_over import carry_over_sources
from services.checks import Finding, IdentityResult, errors, terms_text, unexplained_warnings
from services.explanations import STALE
from services.formats import ReportFormat
from services.text_checks import difference
from services.values import CellValue, format_for_display
from ui.report_session import ReportSession

ERRORS_TITLE = "错误"
WARNINGS_TITLE = "提示（需填写审核说明）"
RED = QBrush(QColor("#c62828"))
AMBER = QBrush(QColor("#a15c00"))
GREY = QBrush(QColor("#6b6b6b"))
PLAIN = QBrush()
TARGET = Qt.ItemDataRole.UserRole
"""Item data: ("cell", CellKey) or ("text", text key), what clicking the line shows."""

Target = tuple[str, object] | None


# ---------------------------------------------------------------- line texts


def _side(terms: Sequence[tuple[str, CellValue | None]], total: CellValue, *, abbreviate: bool) -> str:
    text = terms_text(terms, abbreviate=abbreviate)
    return text if len(terms) == 1 else f"{text} = {format_for_display(total)}"


PENDING = "待填写，暂不核对"
"""An identity with an empty cell: neither ✓ nor ✗ (an unread cell of an imported report is not a 0)."""


def identity_line(name: str, result: IdentityResult, *, abbreviate: bool = True) -> str:
    """`✓ 自然人列  一(6) + 二(0) = 6 ＝ 三(七)总计(6) + 四(0) = 6`, or `✗ 自然人列  相差 1：… ≠ …`, or with an
    empty cell `○ 自然人列  待填写，暂不核对：一(6) + 二(未填) ＝ 三(七)总计(6) + 四(未填)` (no sums: they would be
    partial).

    The difference comes before the sums: a narrow dock cuts the end of a line (the tooltip has it all)."""
    if not result.judged:
        lhs = terms_text(result.left_terms, abbreviate=abbreviate)
        rhs = terms_text(result.right_terms, abbreviate=abbreviate)
        return f"○ {name}  {PENDING}：{lhs} ＝ {rhs}"
    lhs = _side(result.left_terms, result.left, abbreviate=abbreviate)
    rhs = _side(result.right_terms, result.right, abbreviate=abbreviate)
    if result.ok:
        return f"✓ {name}  {lhs} ＝ {rhs}"
    return f"✗ {name}  相差 {format_for_display(difference(result.left, result.right))}：{lhs} ≠ {rhs}"


def pending_note(result: IdentityResult) -> str:
    """Why an identity is not judged yet, for its tooltip."""
    return (
        f"有 {len(result.missing)} 个单元格未填写（导入时未读取或尚未填写，合计要等各项填齐），填上后核对；没有的请填 0"
    )


def line_names(fmt: ReportFormat) -> dict[tuple[str, str, str], str]:
    """(rule, table, line) → how the line is named: a column's label + 列, or a row's label + 行."""
    names: dict[tuple[str, str, str], str] = {}
    for rule in fmt.rules:
        table = fmt.table(rule.table)
        if rule.per == "column":
            for col in table.column_keys():
                names[(rule.id, table.key, col)] = f"{table.column(col).label}列"
        else:
            for row in table.rows():
                names[(rule.id, table.key, row.key)] = f"{row.label}行"
    return names


def warning_line(finding: Finding) -> str:
    """`✓ 已说明：…`, `⚠ …`, or `⚠ [说明需重新确认] …` when what the clerk wrote no longer counts."""
    if finding.explained:
        return f"✓ 已说明：{finding.message}"
    if finding.explanation_note is None:
        return f"⚠ {finding.message}"
    stale = finding.explanation_note.startswith(STALE)
    why = f"{STALE}，说明需重新确认" if stale else "说明过于简单"
    return f"⚠ [{why}] {finding.message}"


def finding_target(finding: Finding, fmt: ReportFormat) -> Target:
    """Where clicking a finding leads: the first narrative it is about, the narrative its key names, or its
    first cell."""
    if finding.texts:
        return ("text", finding.texts[0])
    text_keys = fmt.text_keys()
    for part in finding.key.split(":")[1:]:
        if part in text_keys:
            return ("text", part)
    if finding.cells:
        return ("cell", finding.cells[0])
    return None


# ---------------------------------------------------------------- rows kept between updates


@dataclass
class _Line:
    """One tree item and what it last showed, so an update only touches what changed."""

    item: QTreeWidgetItem
    text: str = ""
    bad: bool | None = None
    pending: bool = False
    """Greyed: an identity not judged yet (an empty cell), or a table with only such lines open."""

    def show(self, text: str, bad: bool, tooltip: str | None = None, *, pending: bool = False) -> None:
        if text != self.text:
            self.text = text
            self.item.setText(0, text)
            self.item.setToolTip(0, tooltip if tooltip is not None else text)
        if bad != self.bad or pending != self.pending:
            self.bad, self.pending = bad, pending
            self.item.setForeground(0, RED if bad else GREY if pending else PLAIN)


@dataclass
class _WarningRow:
    line: _Line
    child: QTreeWidgetItem
    edit: QLineEdit
    key: str
    """The finding's key: where its explanation is stored."""


def _group_font(font: QFont) -> QFont:
    bold = QFont(font)
    bold.setBold(True)
    return bold


class CheckPanel(QWidget):
    """Identities per table, other errors and explainable warnings of the open report, updated after each edit."""

    def __init__(self, session: ReportSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.tree = QTreeWidget()
        self.tree.setHeaderHidden(True)
        self.tree.setColumnCount(1)
        # Same height for every line: without it, a changed line makes the tree lay out and repaint every row.
        self.tree.setUniformRowHeights(True)
        # …and tall enough for an explanation field
        self.tree.setStyleSheet(f"QTreeView::item {{ height: {QLineEdit().sizeHint().height()}px; }}")
        # One line per item: QTreeView does not grow rows for wrapped text, so long lines end in "…" and
        # carry their full text in the tooltip.
        self.tree.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.tree.setTextElideMode(Qt.TextElideMode.ElideRight)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        # where carried-over values came from (a new year's report): said once, above the checks
        self.sources = QLabel()
        self.sources.setWordWrap(True)
        self.sources.setStyleSheet("QLabel { color: #555; }")
        layout.addWidget(self.summary)
        layout.addWidget(self.sources)
        layout.addWidget(self.tree, 1)

        self._fmt: ReportFormat | None = None
        self._names: dict[tuple[str, str, str], str] = {}
        self._identity_keys: list[tuple[str, str, str]] = []
        self._table_groups: dict[str, _Line] = {}
        self._identity_lines: list[_Line] = []
        self._errors_group: _Line | None = None
        self._error_keys: list[str] = []
        self._error_lines: list[_Line] = []
        self._warnings_group: _Line | None = None
        self._warning_rows: dict[tuple[str, int], _WarningRow] = {}
        self._warning_ids: list[tuple[str, int]] = []
        self._notes: dict[str, str | None] = {}
        """Per warning key, why its stored explanation does not count (services/explanations.py)."""

        self.tree.itemClicked.connect(self._clicked)
        self.tree.itemActivated.connect(self._clicked)
        session.changed.connect(self.refresh)
        session.reloaded.connect(self.refresh)
        session.reloaded.connect(self._show_sources)
        self._show_sources()
        self.refresh()

    # ------------------------------------------------------------ public

    def _show_sources(self) -> None:
        editor = self.session.editor
        lines = carry_over_sources(editor.report, editor.previous)
        self.sources.setText("数据来源：" + "；".join(lines) + "。" if lines else "")
        self.sources.setVisible(bool(lines))

    def refresh(self) -> None:
        """Show the editor's current identities and findings (cheap when nothing but numbers moved)."""
        editor = self.session.editor
        fmt = editor.format
        identities = editor.identities
        keys = [(r.rule, r.table, r.line) for r in identities]
        if fmt is not self._fmt or keys != self._identity_keys:
            self._rebuild(fmt, identities)
        findings = editor.findings
        self._show_identities(identities)
        self._show_errors(findings, fmt)
        self._show_warnings(findings, fmt, editor.read_only)
        n_errors = len(errors(findings))
        n_open = len(unexplained_warnings(findings))
        summary = f"错误 {n_errors} 个，未说明的提示 {n_open} 个"
        if summary != self.summary.text():  # setStyleSheet restyles and re-lays out: only when it changes
            self.summary.setText(summary)
            colour = "#c62828" if n_errors else ("#a15c00" if n_open else "#2e7d32")
            self.summary.setStyleSheet(f"QLabel {{ font-weight: bold; color: {colour}; }}")

    def explanation_edit(self, key: str) -> QLineEdit | None:
        """The 审核说明 field of the warning with this key (the first, if one key warns twice)."""
        row = self._warning_rows.get((key, 0))
        return row.edit if row is not None else None

    # ------------------------------------------------------------ building

    def _group(self, title: str) -> _Line:
        item = QTreeWidgetItem(self.tree, [title])
        item.setFont(0, _group_font(self.tree.font()))
        item.setFlags(Qt.ItemFlag.ItemIsEnabled)
        line = _Line(item, title)
        return line

    def _rebuild(self, fmt: ReportFormat, identities: Sequence[IdentityResult]) -> None:
        for row in self._warning_rows.values():
            row.edit.blockSignals(True)
        self.tree.clear()
        self._fmt = fmt
        self._names = line_names(fmt)
        self._identity_keys = [(r.rule, r.table, r.line) for r in identities]
        self._table_groups = {}
        self._identity_lines = []
        for result in identities:
            group = self._table_groups.get(result.table)
            if group is None:
                group = self._table_groups[result.table] = self._group(fmt.table(result.table).name)
            item = QTreeWidgetItem(group.item)
            item.setData(0, TARGET, ("cell", result.cells[0]) if result.cells else None)
            self._identity_lines.append(_Line(item))
        self._errors_group = self._group(ERRORS_TITLE)
        self._error_keys, self._error_lines = [], []
        self._warnings_group = self._group(WARNINGS_TITLE)
        self._warning_rows, self._warning_ids = {}, []
        # table groups open themselves when an identity fails (_show_identities): all ✓ stays folded
        self._errors_group.item.setExpanded(True)
        self._warnings_group.item.setExpanded(True)

    def _show_identities(self, identities: Sequence[IdentityResult]) -> None:
        bad_per_table: dict[str, int] = dict.fromkeys(self._table_groups, 0)
        pending_per_table: dict[str, int] = dict.fromkeys(self._table_groups, 0)
        count_per_table: dict[str, int] = dict.fromkeys(self._table_groups, 0)
        for line, result in zip(self._identity_lines, identities, strict=True):
            name = self._names.get((result.rule, result.table, result.line), result.line)
            text = identity_line(name, result)
            if text != line.text:
                full = identity_line(name, result, abbreviate=False)
                if not result.judged:
                    full += "\n" + pending_note(result)
                line.show(text, not result.ok, full, pending=not result.judged)
            count_per_table[result.table] += 1
            bad_per_table[result.table] += not result.ok
            pending_per_table[result.table] += not result.judged
        assert self._fmt is not None
        for table, group in self._table_groups.items():
            bad, pending = bad_per_table[table], pending_per_table[table]
            waiting = f"，待填写 {pending}" if pending else ""
            title = f"{self._fmt.table(table).name} 勾稽关系（✗ {bad} / 共 {count_per_table[table]}{waiting}）"
            if bad and not group.bad:
                group.item.setExpanded(True)
            group.show(title, bad > 0, pending=pending > 0)

    def _show_errors(self, findings: Sequence[Finding], fmt: ReportFormat) -> None:
        assert self._errors_group is not None
        identity_rules = {rule.id for rule in fmt.rules}
        others = [f for f in findings if f.severity == "error" and f.rule not in identity_rules]
        keys = [f.key for f in others]
        group = self._errors_group.item
        if keys != self._error_keys:
            group.takeChildren()
            self._error_keys = keys
            self._error_lines = []
            for finding in others:
                item = QTreeWidgetItem(group)
                item.setData(0, TARGET, finding_target(finding, fmt))
                self._error_lines.append(_Line(item))
            if others:
                group.setExpanded(True)
        for line, finding in zip(self._error_lines, others, strict=True):
            line.show(f"✗ {finding.message}", True)
        self._errors_group.show(f"{ERRORS_TITLE}（{len(others)}）", bool(others))
        group.setHidden(not others)

    def _show_warnings(self, findings: Sequence[Finding], fmt: ReportFormat, read_only: bool) -> None:
        assert self._warnings_group is not None
        group = self._warnings_group.item
        warnings = [f for f in findings if f.severity == "warning"]
        ids: list[tuple[str, int]] = []
        seen: dict[str, int] = {}
        for finding in warnings:
            n = seen[finding.key] = seen.get(finding.key, -1) + 1
            ids.append((finding.key, n))
        if ids != self._warning_ids:
            self._place_warning_rows(ids, warnings, fmt)
        self._notes = {f.key: f.explanation_note for f in warnings}
        for row_id, finding in zip(ids, warnings, strict=True):
            row = self._warning_rows[row_id]
            row.line.show(warning_line(finding), False, finding.explanation_note)
            row.line.item.setForeground(0, GREY if finding.explained else AMBER)
            edit = row.edit
            if edit.isReadOnly() != read_only:
                edit.setReadOnly(read_only)
            stored = finding.stored_explanation or ""
            if not edit.hasFocus() and edit.text() != stored:
                edit.setText(stored)
            tip = finding.explanation_note or (f"此说明针对：{finding.message}" if finding.explained else "")
            if edit.toolTip() != tip:
                edit.setToolTip(tip)
        n_open = sum(1 for f in warnings if not f.explained)
        self._warnings_group.show(f"{WARNINGS_TITLE}：未说明 {n_open} / 共 {len(warnings)}", False)
        group.setHidden(not warnings)

    def _place_warning_rows(self, ids: list[tuple[str, int]], warnings: list[Finding], fmt: ReportFormat) -> None:
        """Keep the rows of warnings that stay (with what is typed in them); add and drop the others."""
        assert self._warnings_group is not None
        group = self._warnings_group.item
        wanted = set(ids)
        for row_id in [r for r in self._warning_rows if r not in wanted]:
            self._drop_warning_row(self._warning_rows.pop(row_id))
        for index, (row_id, finding) in enumerate(zip(ids, warnings, strict=True)):
            existing = self._warning_rows.get(row_id)
            if existing is not None and group.indexOfChild(existing.line.item) == index:
                continue
            if existing is not None:
                # Warnings keep their catalogue order, so this does not happen in practice; stay correct anyway.
                self._drop_warning_row(existing)
            row = self._warning_rows[row_id] = self._warning_row(finding, fmt)
            group.insertChild(index, row.line.item)
            self.tree.setItemWidget(row.child, 0, row.edit)
            row.line.item.setExpanded(True)
        self._warning_ids = ids

    def _drop_warning_row(self, row: _WarningRow) -> None:
        assert self._warnings_group is not None
        row.edit.blockSignals(True)  # its focus-out while being deleted must not save anything
        self.tree.removeItemWidget(row.child, 0)
        self._warnings_group.item.removeChild(row.line.item)

    def _warning_row(self, finding: Finding, fmt: ReportFormat) -> _WarningRow:
        item = QTreeWidgetItem()
        item.setData(0, TARGET, finding_target(finding, fmt))
        child = QTreeWidgetItem(item)
        child.setFlags(Qt.ItemFlag.ItemIsEnabled)
        edit = QLineEdit()
        edit.setPlaceholderText("审核说明：写明为什么这样填是对的")
        edit.setText(finding.explanation or "")
        key = finding.key
        edit.editingFinished.connect(lambda: self._explain(key, edit))
        return _WarningRow(_Line(item), child, edit, key)

    # ------------------------------------------------------------ actions

    def _explain(self, key: str, edit: QLineEdit) -> None:
        if edit.isReadOnly():
            return
        text = edit.text()
        current = self.session.editor.report.explanations.get(key)
        if (text.strip() or None) == current and not (current and self._notes.get(key)):
            return  # unchanged; but the same text again confirms an explanation whose values changed
        self.session.set_explanation(key, text)

    def _clicked(self, item: QTreeWidgetItem, _column: int = 0) -> None:
        target = item.data(0, TARGET)
        if not target:
            return
        kind, value = target
        if kind == "cell":
            self.session.cell_requested.emit(value)
        elif kind == "text":
            self.session.text_requested.emit(value)
