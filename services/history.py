"""修改历史 as a clerk reads it: what changed named as on the paper form, old → new in Chinese, one line per action.

The revision log (storage.revisions) keeps every stored change with its internal name (`cell t3.new.natural`,
`status`, `signed_on`). Here each becomes what the clerk sees on the form (表三·一、本年新收…·自然人); the totals the
program recomputed are left out (they follow from the change beside them); and a burst of changes to one field
(a date stepped with the arrow keys) becomes one line from its first value to its last.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from services.checks import row_name
from services.format_model import ReportFormat
from services.rule_names import RULE_NAMES

if TYPE_CHECKING:
    from services.storage import RevisionEntry

BURST = timedelta(seconds=60)
"""Changes to one field closer together than this, with no reason given, are one action."""

_FIELDS = {
    "title": "标题",
    "signed_by": "署名机关",
    "signed_on": "成文日期",
    "fee_notices": "信息处理费·收费通知件数",
    "fee_amount_yuan": "信息处理费·实际收取金额（元）",
    "status": "状态",
    "report": "报告",
    "agency name": "机关名称",
    "agency kind": "机关类别",
}
_VALUES = {
    "status": {"final": "已定稿", "draft": "草稿"},
    "report": {"created": "新建", "replaced": "替换（导入文件）"},
    "agency kind": {"government": "人民政府", "department": "部门"},
}


@dataclass(frozen=True)
class HistoryLine:
    at: datetime
    what: str
    old: str
    new: str
    reason: str


def readable_history(entries: Sequence[RevisionEntry], fmt: ReportFormat) -> list[HistoryLine]:
    """The log oldest first, as lines a clerk reads; computed totals left out, bursts folded."""
    lines: list[tuple[RevisionEntry, HistoryLine]] = []
    for entry in entries:
        name = _name(entry.what, fmt)
        if name is None:
            continue
        line = HistoryLine(
            entry.at, name, _value(entry.what, entry.old), _value(entry.what, entry.new), entry.reason or ""
        )
        if lines:
            last_entry, last = lines[-1]
            same = last_entry.what == entry.what and not entry.reason and not last.reason
            if same and entry.at - last_entry.at <= BURST:
                lines[-1] = (entry, HistoryLine(entry.at, name, last.old, line.new, ""))
                continue
        lines.append((entry, line))
    # a burst that came back to where it started changed nothing
    return [line for _, line in lines if line.old != line.new or line.reason]


def _name(what: str, fmt: ReportFormat) -> str | None:
    kind, _, rest = what.partition(" ")
    if kind == "cell":
        key = tuple(rest.split("."))
        spec = fmt.cell_spec(key) if len(key) == 3 else None
        if spec is None:
            return rest
        if spec.computed:
            return None  # follows from the change beside it
        table = fmt.table(key[0])
        return f"{table.name}·{row_name(table, table.row(key[1]))}·{table.column(key[2]).label}"
    if kind == "text":
        labels = {spec.key: spec.label for spec in fmt.text_specs()}
        owner = {spec.key: section.title for section in fmt.sections for spec in section.texts}
        label = labels.get(rest, rest)
        return f"{owner[rest]}·{label}" if rest in owner and owner[rest] != label else label
    if kind == "explanation":
        rule = rest.split(":")[0]
        return f"审核说明·{RULE_NAMES.get(rule, rule)}"
    return _FIELDS.get(what, what)


def _value(what: str, value: str | None) -> str:
    if value is None:
        return ""
    if what == "signed_on" and (day := _iso_date(value)) is not None:
        return f"{day.year}年{day.month}月{day.day}日"
    return _VALUES.get(what, {}).get(value, value)


def _iso_date(value: str) -> date | None:
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None
