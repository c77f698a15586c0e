"""What the Excel template calls things, in the clerk's words: a cell as on the form, a text by its section, an
explanation by the warning it answers. Internal keys stay in the hidden map (and a hidden column) only."""

from __future__ import annotations

from collections.abc import Mapping

from services.checks import check_report, row_name
from services.formats import CellKey, ReportFormat
from services.report import Report
from services.rule_names import RULE_NAMES

SEPARATOR = " · "


def cell_name(fmt: ReportFormat, key: CellKey) -> str:
    """表三 · 三、本年度办理结果 › （七）总计 · 总计: the table, the row under its groups, the column."""
    table = fmt.table(key[0])
    return SEPARATOR.join((table.name, row_name(table, table.row(key[1])), table.column(key[2]).label))


def text_label(fmt: ReportFormat, key: str) -> str:
    """一、总体情况 · （一）主动公开; a section's only text is named by the section alone."""
    for section in fmt.sections:
        for spec in section.texts:
            if spec.key == key:
                # 五、…'s two texts both occur in its title, so only a lone text may go by the title
                return section.title if len(section.texts) == 1 else f"{section.title}{SEPARATOR}{spec.label}"
    return next((spec.label for spec in fmt.text_specs() if spec.key == key), key)


def _part_name(fmt: ReportFormat, part: str) -> str:
    """One piece of a finding key (`s1_request`, `t3/new/total`, `natural`) as the clerk knows it."""
    if part in fmt.text_keys():
        return text_label(fmt, part)
    pieces = part.split("/")
    if len(pieces) == 3 and fmt.cell_spec((pieces[0], pieces[1], pieces[2])) is not None:
        return cell_name(fmt, (pieces[0], pieces[1], pieces[2]))
    for table in fmt.tables:
        labels = {r.key: r.label for r in table.rows()} | {c: table.column(c).label for c in table.column_keys()}
        if part in labels:
            return labels[part]
    return part


def explanation_labels(report: Report) -> Mapping[str, str]:
    """For each explanation, the warning it answers: its name and today's message, or, when the warning cannot
    be seen from this report alone (a cross-year one) or is gone, its name and what it was about."""
    fmt = report.format
    messages = {f.key: f.message for f in check_report(report)}
    labels: dict[str, str] = {}
    for key in report.explanations:
        rule, _, detail = key.partition(":")
        name = f"审核说明{SEPARATOR}{RULE_NAMES[rule]}" if rule in RULE_NAMES else "审核说明"
        if key in messages:
            labels[key] = f"{name}\n{messages[key]}"
        elif detail:
            labels[key] = f"{name}（{'，'.join(_part_name(fmt, part) for part in detail.split(':'))}）"
        else:
            labels[key] = name
    return labels
