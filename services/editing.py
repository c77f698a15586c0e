"""One open report as the window edits it: value, version, checks, undo and redo.

Every edit is one short transaction through services.storage and comes back as an EditOutcome the window
shows; the window never holds a session and never adds up a total. A stale version (someone else saved in
between) reloads the report and says so.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from services.checks import (
    Finding,
    IdentityResult,
    blockers_summary,
    cell_name,
    errors,
    finalise_blockers,
    identity_results,
    recompute_totals,
    unexplained_warnings,
)
from services.errors import StaleReportError, StorageError, ValueParseError
from services.explanations import thin_reason
from services.formats import CellKey, ReportFormat
from services.report import Report, Status
from services.rule_packs import RulePack, check_with_pack, pack_blockers
from services.values import MAX_VALUE, CellValue, format_for_display, parse_value, to_text

if TYPE_CHECKING:  # services.storage is imported where it is used: the window paints before SQLAlchemy loads
    from sqlalchemy.orm import Session

    from models.database import Database
    from services import storage

Changes = dict[CellKey, CellValue | None]


@dataclass(frozen=True)
class EditOutcome:
    ok: bool
    message: str
    """What the status bar says: the saved time, or why nothing was written."""
    changed: tuple[CellKey, ...] = ()
    problems: tuple[str, ...] = ()
    reloaded: bool = False
    """Someone else had saved the report: it was read again (and, unless `ok`, this edit was not applied)."""
    retry_text: str | None = None
    """The database refused the write (read-only, locked, disk full): what the clerk typed, to keep on screen
    and try again — nothing was written."""


@dataclass
class _Step:
    label: str
    before: Changes
    after: Changes


@dataclass
class ReportEditor:
    """The working state of one report; construct with `ReportEditor.open(db, report_id)`."""

    db: Database
    report_id: int
    report: Report
    version: int
    previous: Report | None
    findings: list[Finding] = field(default_factory=list)
    identities: list[IdentityResult] = field(default_factory=list)
    saved_at: datetime | None = None
    clock: Callable[[], datetime] = datetime.now
    rule_pack: RulePack | None = None
    """上级要求 in force (services.rule_packs): its findings join the official ones, and 定稿 respects them."""
    _undo: list[_Step] = field(default_factory=list)
    _redo: list[_Step] = field(default_factory=list)

    # ------------------------------------------------------------ opening

    @classmethod
    def open(cls, db: Database, report_id: int, clock: Callable[[], datetime] = datetime.now) -> ReportEditor:
        from services import storage

        # The SQLite driver reads outside a snapshot: another writer may commit between reading the cells and
        # reading the version, which would pair old values with a new version and let a later save pass the
        # version check with stale totals. Every change bumps the version, so an unchanged version read before
        # and after the values proves they belong together.
        for attempt in range(50):
            with db.transaction() as session:
                version = storage.report_version(session, report_id)
                report = storage.load_report(session, report_id)
                consistent = storage.report_version(session, report_id) == version
                if consistent:
                    previous = storage.previous_report(session, report)
            if consistent:
                break
            time.sleep(0.002 * attempt)  # someone is saving right now: let them finish
        else:
            raise StorageError("报告正在被其他人频繁修改，暂时无法读取一致的内容，请稍后再试。")
        editor = cls(db, report_id, report, version, previous, clock=clock)
        editor._recheck()
        return editor

    def reload(self) -> None:
        """Read the report again (after someone else saved it); undo history no longer applies."""
        fresh = ReportEditor.open(self.db, self.report_id, self.clock)
        self.report, self.version, self.previous = fresh.report, fresh.version, fresh.previous
        self._undo.clear()
        self._redo.clear()
        self._recheck()

    @property
    def format(self) -> ReportFormat:
        return self.report.format

    @property
    def read_only(self) -> bool:
        return self.report.status == "final"

    def can_undo(self) -> bool:
        return bool(self._undo)

    def can_redo(self) -> bool:
        return bool(self._redo)

    def cell_text(self, key: CellKey) -> str:
        value = self.report.get(*key)
        return "" if value is None else to_text(value)

    # ------------------------------------------------------------ cells

    def set_cell_text(self, key: CellKey, text: str) -> EditOutcome:
        """What the clerk typed into one cell; an invalid entry changes nothing and says why."""
        spec = self.format.cell_spec(key)
        if spec is None or spec.computed:
            return EditOutcome(False, "合计由程序自动计算，不能直接修改。")
        try:
            value = parse_value(text, spec.kind)
        except ValueParseError as exc:
            return EditOutcome(False, f"未修改：{exc}{self._negative_hint(key, text, spec.kind)}")
        outcome = self.set_values({key: value}, "修改单元格")
        if outcome.retry_text is not None:
            return replace(outcome, retry_text=text)
        return outcome

    def _negative_hint(self, key: CellKey, text: str, kind: str) -> str:
        """A negative count: where its table has a column of increases and decreases (2019's 本年增/减), name
        it; the 2021 form has none, so nothing is suggested there."""
        if kind != "count" or not text.strip().startswith(("-", "－", "−")):
            return ""
        table = self.format.table(key[0])
        signed = sorted({table.column(spec.key[2]).label for spec in table.cells if spec.kind == "signed"})
        return f"；增减请填在“{'”“'.join(signed)}”列" if signed else ""

    def clear(self, keys: Sequence[CellKey]) -> EditOutcome:
        """Delete on a selection: value cells become empty; computed totals follow."""
        editable = [k for k in keys if (spec := self.format.cell_spec(k)) is not None and not spec.computed]
        if not editable:
            return EditOutcome(False, "所选单元格都是自动计算的合计，无需清除。")
        return self.set_values(dict.fromkeys(editable), "清除单元格")

    def paste(self, targets: Sequence[Sequence[CellKey | None]], block: Sequence[Sequence[str]]) -> EditOutcome:
        """A tab-separated block from Excel/WPS; all or nothing. `targets` comes from the grid layout."""
        changes: Changes = {}
        problems: list[str] = []
        skipped_totals = 0
        for r, (keys, texts) in enumerate(zip(targets, block, strict=False)):
            for c, (key, text) in enumerate(zip(keys, texts, strict=False)):
                if key is None:
                    if text.strip():
                        problems.append(f"第{r + 1}行第{c + 1}个值“{text.strip()}”超出了表格范围")
                    continue
                spec = self.format.cell_spec(key)
                assert spec is not None
                try:
                    value = parse_value(text, spec.kind)
                except ValueParseError as exc:
                    problems.append(f"第{r + 1}行第{c + 1}个值：{exc}")
                    continue
                if spec.computed:
                    skipped_totals += 1
                else:
                    changes[key] = value
        if problems:
            return EditOutcome(False, "粘贴未进行：" + problems[0], problems=tuple(problems))
        if not changes:
            return EditOutcome(False, "没有可粘贴的数值。")
        outcome = self.set_values(changes, "粘贴")
        if outcome.ok and skipped_totals:
            return EditOutcome(
                True, outcome.message + f"（{skipped_totals} 个合计单元格由程序计算，未采用粘贴的值）", outcome.changed
            )
        return outcome

    def accept_computed_totals(self) -> EditOutcome:
        """Replace totals as given (an imported report) by the sums of their parts; a total with an empty part
        (not read) keeps what was published until its parts are filled."""
        trial = self.report.copy()
        computed = recompute_totals(trial, incomplete="keep")
        if not computed:
            return EditOutcome(False, "所有合计都与各项之和一致。")
        return self._write(dict(computed), "采用计算的合计", record_undo=True)

    def set_values(self, changes: Mapping[CellKey, CellValue | None], label: str) -> EditOutcome:
        """Write value cells and the totals that depend on them, as one undoable step."""
        trial = self.report.copy()
        for key, value in changes.items():
            trial.set(*key, value)
        # Never a partial sum that an identity would judge. A cell emptied leaves the totals over it empty until
        # their parts are all filled again; a cell filled while others of its row are still empty (an imported
        # report's unread cells, typed one by one) leaves the total as it is: published, it keeps being checked.
        emptied = any(value is None for value in changes.values())
        totals = recompute_totals(trial, changes.keys(), incomplete="empty" if emptied else "keep")
        for key, total in totals.items():
            if total is not None and not -MAX_VALUE <= total <= MAX_VALUE:  # said of what was typed, not of the sum
                return EditOutcome(
                    False,
                    f"未修改：填入后“{cell_name(self.format, key)}”的合计将为 {format_for_display(total)}，"
                    f"超过上限（不大于 {MAX_VALUE:,}），请核对所填数字",
                )
        full: Changes = {**changes, **totals}
        return self._write(full, label, record_undo=True)

    def undo(self) -> EditOutcome:
        if not self._undo:
            return EditOutcome(False, "没有可撤销的修改。")
        step = self._undo.pop()
        outcome = self._write(step.before, f"撤销{step.label}", record_undo=False)
        if outcome.ok:
            self._redo.append(step)
        else:
            self._undo.append(step)
        return outcome

    def redo(self) -> EditOutcome:
        if not self._redo:
            return EditOutcome(False, "没有可恢复的修改。")
        step = self._redo.pop()
        outcome = self._write(step.after, f"恢复{step.label}", record_undo=False)
        if outcome.ok:
            self._undo.append(step)
        else:
            self._redo.append(step)
        return outcome

    def _write(self, changes: Changes, label: str, *, record_undo: bool) -> EditOutcome:
        from services import storage

        before: Changes = {k: self.report.get(*k) for k in changes}
        real = {k: v for k, v in changes.items() if before[k] != v or type(before[k]) is not type(v)}
        if not real:
            return EditOutcome(True, "数值未变化。")
        trial = self.report.copy()
        for key, value in real.items():
            trial.set(*key, value)
        failed = self._commit(trial, lambda session: storage.set_cells(session, self.report_id, real, self.version))
        if failed:
            return failed
        if record_undo:
            self._undo.append(_Step(label, {k: before[k] for k in real}, real))
            self._redo.clear()
        return EditOutcome(True, self._saved_message(label), tuple(real))

    # ------------------------------------------------------------ texts and fields

    def set_text(self, key: str, text: str) -> EditOutcome:
        """Save a narrative text. Typed text is never thrown away: if someone else saved the report in
        between, the report is reloaded and the text written again (their version of this very text, if they
        changed it, stays in the revision log)."""
        if self.report.text(key) == text:
            return EditOutcome(True, "文字未变化。")
        base = self.report.text(key)
        outcome = self._set_text_once(key, text)
        if not outcome.reloaded:
            return outcome
        theirs_changed = self.report.text(key) != base
        retry = self._set_text_once(key, text)
        if not retry.ok:
            return retry
        note = (
            "此部分刚被其他人修改过，已用您的文字保存；对方的文字可在“修改历史”中查到"
            if theirs_changed
            else "报告刚被其他人修改过，已载入对方的修改并保存了您的文字"
        )
        return EditOutcome(True, f"{retry.message}（{note}）", retry.changed, reloaded=True)

    def _set_text_once(self, key: str, text: str) -> EditOutcome:
        from services import storage

        trial = self.report.copy()
        trial.texts[key] = text
        failed = self._commit(trial, lambda session: storage.set_text(session, self.report_id, key, text, self.version))
        return failed or EditOutcome(True, self._saved_message("文字"))

    def set_field(self, name: storage.MetaField, value: str | int | Decimal | date | None) -> EditOutcome:
        from services import storage

        trial = self.report.copy()
        if name == "title":
            trial.title = value if isinstance(value, str) and value else None
        elif name == "signed_by":
            trial.signed_by = value if isinstance(value, str) and value else None
        elif name == "signed_on":
            trial.signed_on = value if isinstance(value, date) else None
        elif name == "fee_notices":
            trial.fees.notices = value if isinstance(value, int) else None
        else:
            trial.fees.amount_yuan = Decimal(value) if isinstance(value, int | Decimal) else None
        failed = self._commit(
            trial, lambda session: storage.set_field(session, self.report_id, name, value, self.version)
        )
        return failed or EditOutcome(True, self._saved_message("基本信息"))

    def set_explanation(self, key: str, text: str) -> EditOutcome:
        """The clerk's 审核说明 for a warning, tied to the warning's message as it reads now; blank removes it.
        The same text again confirms it for the current values."""
        from services import storage

        text_or_none = text if text.strip() else None
        written_for = next((f.message for f in self.findings if key in (f.key, f.rule)), None)
        if text_or_none is None:
            written_for = None
        current = self.report.explanations.get(key)
        if current == text_or_none and self.report.explained_for.get(key, written_for) == written_for:
            return EditOutcome(True, "说明未变化。")
        trial = self.report.copy()
        trial.explanations.pop(key, None)
        trial.explained_for.pop(key, None)
        if text_or_none is not None:
            trial.explanations[key] = text_or_none
            if written_for is not None:
                trial.explained_for[key] = written_for
        failed = self._commit(
            trial,
            lambda session: storage.set_explanation(
                session, self.report_id, key, text_or_none, self.version, written_for=written_for
            ),
        )
        if failed:
            return failed
        thin = thin_reason(text_or_none) if text_or_none else None
        return EditOutcome(True, thin or self._saved_message("审核说明"))

    # ------------------------------------------------------------ status

    def blocking(self) -> list[Finding]:
        """What stands in the way of 定稿 now (checks.finalise_blockers, and the rule pack's errors and unexplained
        warnings)."""
        return finalise_blockers(self.report, self.previous) + pack_blockers(self.report, self.rule_pack)

    def use_rule_pack(self, pack: RulePack | None) -> None:
        """Check against this superior office's pack from now on (None: the official checks alone)."""
        self.rule_pack = pack
        self._recheck()

    def finalise(self, reason: str | None = None) -> EditOutcome:
        blocking = self.blocking()
        if blocking:
            return EditOutcome(
                False, f"不能定稿：{blockers_summary(blocking)}。", problems=tuple(f.message for f in blocking)
            )
        return self._set_status("final", reason or "定稿")

    def reopen(self, reason: str) -> EditOutcome:
        if not reason.strip():
            return EditOutcome(False, "重新打开已定稿的报告须填写原因。")
        return self._set_status("draft", reason.strip())

    def _set_status(self, status: Status, reason: str) -> EditOutcome:
        from services import storage

        trial = self.report.copy()
        trial.status = status
        failed = self._commit(
            trial,
            lambda session: storage.set_status(session, self.report_id, status, reason, self.version),
            allow_final=True,
        )
        if failed:
            return failed
        self._undo.clear()
        self._redo.clear()
        return EditOutcome(True, self._saved_message("已定稿" if status == "final" else "已重新打开"))

    def history(self) -> list[storage.RevisionEntry]:
        from services import storage

        with self.db.transaction() as session:
            return storage.revisions(session, self.report_id)

    # ------------------------------------------------------------ internals

    def _commit(
        self, trial: Report, write: Callable[[Session], int], *, allow_final: bool = False
    ) -> EditOutcome | None:
        """Write one change and the report's check counts in one transaction; on success `trial` becomes
        the report. Returns None on success, else the outcome that says why nothing changed."""
        from services import storage

        if self.read_only and not allow_final:
            return EditOutcome(False, "报告已定稿，不能修改。如需修改，请先“重新打开”。")
        findings = check_with_pack(trial, self.previous, self.rule_pack)
        n_err = len(errors(findings))
        try:
            with self.db.transaction() as session:
                version = write(session)
                n_open = len(unexplained_warnings(findings))
                storage.set_counts(session, self.report_id, n_err, len(findings) - n_err, n_open)
        except StaleReportError as exc:
            self.reload()
            return EditOutcome(False, exc.message + "已重新载入最新内容。", reloaded=True)
        except StorageError as exc:
            return EditOutcome(False, f"未保存：{exc.message}", problems=tuple(exc.problems), retry_text="")
        except ValueParseError as exc:
            return EditOutcome(False, f"未保存：{exc}")
        self.report, self.version, self.findings = trial, version, findings
        self.identities = identity_results(trial)
        self.saved_at = self.clock()
        return None

    def _recheck(self) -> None:
        self.findings = check_with_pack(self.report, self.previous, self.rule_pack)
        self.identities = identity_results(self.report)

    def _saved_message(self, label: str) -> str:
        at = self.saved_at or self.clock()
        return f"{label}已保存（{at:%H:%M:%S}）"
