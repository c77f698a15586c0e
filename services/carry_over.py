"""What a new report takes from last year's: the applications carried over and the regulations in force, each
copied value with a sentence saying where it came from.

Pure, without SQLAlchemy: report_admin.create_report copies them, and the panel and the t3 tab name the sources on
the window's first paint (ui/fast_start.py), before the database is open."""

from __future__ import annotations

from services.formats import CellKey
from services.report import Report
from services.values import CellValue


def carry_over_sources(report: Report, previous: Report | None) -> list[str]:
    """The sentences saying which of the report's values come from last year's report (for the panel)."""
    return from_previous(report, previous)[1]


def from_previous(report: Report, previous: Report | None) -> tuple[dict[CellKey, CellValue], list[str]]:
    """The cells to copy from last year's report, and one sentence per copied row."""
    if previous is None:
        return {}, []
    if previous.year != report.year - 1:
        raise ValueError(f"previous is the {previous.year} report, not the one for {report.year - 1}")
    fmt, before = report.format, previous.format
    copied: dict[CellKey, CellValue] = {}
    sources: list[str] = []
    # a draft may still change: the clerk is told, and checks the copied numbers once last year's is final
    origin = f"{previous.year}年报告" + ("" if previous.status == "final" else "（尚未定稿，定稿后请核对）")

    carry, carry_before = fmt.cross_year.carry_over, before.cross_year.carry_over
    if carry is not None and carry_before is not None:
        table = fmt.table(carry.table)
        found = False
        for col in table.column_keys():
            to_key: CellKey = (carry.table, carry.to_row, col)
            from_key: CellKey = (carry_before.table, carry_before.from_row, col)
            value = previous.get(*from_key)
            spec = fmt.cell_spec(to_key)
            if spec is None or before.cell_spec(from_key) is None or value is None:
                continue
            found = True
            if not spec.computed:  # totals are recomputed from the copied parts
                copied[to_key] = value
        if found:
            from_label = before.table(carry_before.table).row(carry_before.from_row).label
            sources.append(f"{table.name}“{table.row(carry.to_row).label}”取自{origin}“{from_label}”")

    rule = fmt.cross_year.in_force
    if rule is not None:
        table = fmt.table(rule.table)
        for row in rule.rows:
            key: CellKey = (rule.table, row, rule.stock)
            value = previous.get(*key)
            if before.cell_spec(key) is None or value is None:
                continue
            copied[key] = value
            where = f"“{table.row(row).label}”的“{table.column(rule.stock).label}”"
            sources.append(f"{table.name}{where}取自{origin}{where}")
    return copied, sources
