"""Last year's report against this year's: what was carried over, what is in force, and figures that swung.

Warnings only (a clerk explains them): an empty cell in either year is not known, so nothing is said over it.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from decimal import Decimal

from services.formats import CellKey, ReportFormat
from services.report import Report
from services.text_checks import Issue, difference
from services.values import CellValue, format_for_display


def _number(cells: Mapping[CellKey, object], key: CellKey) -> CellValue:
    # only called on cells `known` has vouched for
    value = cells[key]
    assert isinstance(value, int | Decimal) and not isinstance(value, bool)
    return value


def cross_year_issues(
    report: Report,
    previous: Report,
    fmt: ReportFormat,
    kinds: Mapping[CellKey, object],
    before_kinds: Mapping[CellKey, object],
    cell_names: Mapping[CellKey, str],
) -> Iterator[Issue]:
    """The warnings that compare a report with last year's (the format's `cross_year` rules); `kinds` say which
    cells each year's format has."""
    cross = fmt.cross_year
    now, before = report.cells, previous.cells
    year = previous.year

    def both(now_key: CellKey, before_key: CellKey) -> bool:
        return now_key in kinds and before_key in before_kinds

    def known(cells: Mapping[CellKey, object], *keys: CellKey) -> bool:
        # an empty cell is "not known", never 0: a roll-forward over it cannot be checked, so nothing is said
        return all(isinstance(cells.get(k), int | Decimal) and not isinstance(cells.get(k), bool) for k in keys)

    if cross.carry_over is not None:
        co = cross.carry_over
        table = fmt.table(co.table)
        from_label, to_label = table.row(co.from_row).label, table.row(co.to_row).label
        for col in table.column_keys():
            to_key, from_key = (co.table, co.to_row, col), (co.table, co.from_row, col)
            if not both(to_key, from_key) or not (known(now, to_key) and known(before, from_key)):
                continue
            a, b = _number(now, to_key), _number(before, from_key)
            if a != b:
                yield Issue(
                    "X_CARRY_OVER",
                    f"X_CARRY_OVER:{col}",
                    f"{table.name}“{table.column(col).label}”列：{year} 年报告“{from_label}”为 "
                    f"{format_for_display(b)}，本年“{to_label}”为 {format_for_display(a)}，"
                    f"相差 {format_for_display(difference(a, b))}",
                    (to_key,),
                )

    if cross.in_force is not None:
        rule = cross.in_force
        table = fmt.table(rule.table)
        stock_label = table.column(rule.stock).label
        added_label, removed_label = table.column(rule.added).label, table.column(rule.removed).label
        for row in rule.rows:
            stock, added, removed = ((rule.table, row, c) for c in (rule.stock, rule.added, rule.removed))
            if not both(stock, stock) or not (known(before, stock) and known(now, stock, added, removed)):
                continue
            was = _number(before, stock)
            expected = was + _number(now, added) - _number(now, removed)
            current = _number(now, stock)
            if current != expected:
                yield Issue(
                    "X_IN_FORCE",
                    f"X_IN_FORCE:{row}",
                    f"{table.name}“{table.row(row).label}”行：{stock_label}({format_for_display(current)})"
                    f" ≠ {year} 年{stock_label}({format_for_display(was)})"
                    f" + {added_label}({format_for_display(_number(now, added))})"
                    f" − {removed_label}({format_for_display(_number(now, removed))})"
                    f" = {format_for_display(expected)}，"
                    f"相差 {format_for_display(difference(current, expected))}",
                    (stock, added, removed),
                )

    if cross.swing is not None:
        swing = cross.swing
        high, low = Decimal(str(swing.max_ratio)), Decimal(str(swing.min_ratio))
        for key in swing.cells:
            if not both(key, key) or not (known(now, key) and known(before, key)):
                continue
            a, b = _number(now, key), _number(before, key)
            if a < swing.min_value or b < swing.min_value or b <= 0:
                continue
            ratio = Decimal(a) / Decimal(b)
            if ratio > high or ratio < low:
                yield Issue(
                    "X_SWING",
                    f"X_SWING:{'/'.join(key)}",
                    f"{cell_names[key]}：本年 {format_for_display(a)}，{year} 年 "
                    f"{format_for_display(b)}，为上年的 {ratio:.2f} 倍"
                    f"（通常在 {swing.min_ratio:g} 至 {swing.max_ratio:g} 倍之间）",
                    (key,),
                )
