"""The open report as the widgets see it: a QObject around services.editing.ReportEditor that announces
every outcome, so the tabs, the check panel and the status bar repaint from one place."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal

from services.editing import EditOutcome, ReportEditor
from services.formats import CellKey

if TYPE_CHECKING:
    from services.storage import MetaField


class ReportSession(QObject):
    changed = Signal(object)
    """An edit was saved (EditOutcome): values, totals and findings may have moved."""
    failed = Signal(object)
    """An edit was refused or could not be saved (EditOutcome with the reason)."""
    reloaded = Signal()
    """The whole report was read again (someone else saved it, or it was finalised/reopened)."""
    cell_requested = Signal(object)
    """Show this CellKey: switch to its tab, select and scroll to it (from the check panel)."""
    text_requested = Signal(str)
    """Show the editor of this narrative key."""

    def __init__(self, editor: ReportEditor, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.editor = editor

    def _emit(self, outcome: EditOutcome, *, reload: bool = False) -> EditOutcome:
        if outcome.ok:
            self.changed.emit(outcome)
        else:
            self.failed.emit(outcome)
        if outcome.reloaded or (reload and outcome.ok):
            self.reloaded.emit()
        return outcome

    def set_cell_text(self, key: CellKey, text: str) -> EditOutcome:
        return self._emit(self.editor.set_cell_text(key, text))

    def clear(self, keys: Sequence[CellKey]) -> EditOutcome:
        return self._emit(self.editor.clear(keys))

    def paste(self, targets: Sequence[Sequence[CellKey | None]], block: Sequence[Sequence[str]]) -> EditOutcome:
        return self._emit(self.editor.paste(targets, block))

    def undo(self) -> EditOutcome:
        return self._emit(self.editor.undo())

    def redo(self) -> EditOutcome:
        return self._emit(self.editor.redo())

    def accept_computed_totals(self) -> EditOutcome:
        return self._emit(self.editor.accept_computed_totals())

    def set_text(self, key: str, text: str) -> EditOutcome:
        return self._emit(self.editor.set_text(key, text))

    def set_field(self, name: MetaField, value: str | int | Decimal | date | None) -> EditOutcome:
        return self._emit(self.editor.set_field(name, value))

    def set_explanation(self, key: str, text: str) -> EditOutcome:
        return self._emit(self.editor.set_explanation(key, text))

    def finalise(self) -> EditOutcome:
        return self._emit(self.editor.finalise(), reload=True)

    def reopen(self, reason: str) -> EditOutcome:
        return self._emit(self.editor.reopen(reason), reload=True)
