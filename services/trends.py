"""历年对比: one agency's stored reports side by side, year by year, as series of figures.

Pure: the reports come in as values (services/trend_reports.py reads them from the database). A year without a
report is a gap, and so is a cell left empty: neither is 0. The year-on-year changes that X_SWING flags are the
check engine's own findings (checks.check_report with last year's report), never a second copy of its rule.

The 2019 and 2021 formats differ in rows. What is compared is named by the formats' stable keys (spec/formats.md);
the kinds of result are found in the format's row tree (the rows under 三's heading, by their sub-heading), so
"其他处理" is one row in 2019 and the sum of three in 2021, and the notes say so.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

from services.checks import check_report
from services.formats import CellKey, ReportFormat, Table, get_format, per_format
from services.report import Report
from services.values import CellValue, to_text

SWING_RULE = "X_SWING"

ChartKind = Literal["stacked", "totals", "all"]
"""How a group is drawn: its parts stacked with the total above; only its totals side by side; every series side
by side."""


@dataclass(frozen=True)
class Group:
    key: str
    title: str
    chart: ChartKind


GROUPS: tuple[Group, ...] = (
    Group("received", "本年新收申请（表三 一）", "stacked"),
    Group("results", "办理结果（表三 三）", "stacked"),
    Group("carried", "结转（表三 二、四）", "all"),
    Group("appeals", "行政复议和行政诉讼（表四）", "totals"),
    Group("t2", "主动公开（表二）", "all"),
)

# What is compared, by the stable keys of spec/formats.md. A format without one of these cells shows a gap there.
_T3, _T4 = "t3", "t4"
_NEW, _CARRIED_IN, _CARRIED_OUT, _HANDLED = "new", "carried_in", "carried_out", "total_handled"
_T2_COUNTS: tuple[tuple[str, tuple[str, ...]], ...] = (
    # (row, columns in order of preference): 2019's 本年新制作数量 is 2021's 本年制发件数 under its older name
    ("rules", ("issued", "made")),
    ("normative", ("issued", "made")),
    ("licensing", ("decisions",)),
    ("penalty", ("decisions",)),
    ("coercion", ("decisions",)),
)
_ORDINAL = re.compile(r"^（[一二三四五六七八九十]+）")
_TRAILING_NOTE = re.compile(r"（[^（）]*）$")

Number = CellValue


@dataclass(frozen=True)
class _Measure:
    key: str
    group: str
    label: str
    cells: tuple[CellKey, ...]
    """Summed; the value is unknown when any of them is empty."""
    total: bool = False
    """The group's total (drawn above a stack, or side by side for "totals" groups)."""
    source: str = ""
    """How the format names it, for the notes where formats differ."""


@dataclass(frozen=True)
class Series:
    """One figure over the years: `values[i]` is for `Trends.years[i]`, None when not known."""

    key: str
    group: str
    label: str
    values: tuple[Number | None, ...]
    flags: tuple[str | None, ...]
    """The X_SWING message where that year's value is flagged against the year before, else None."""
    total: bool = False

    def change(self, i: int) -> Number | None:
        """The change from the year before, when both are known (a gap has no change)."""
        if i == 0:
            return None
        now, before = self.values[i], self.values[i - 1]
        return None if now is None or before is None else now - before


@dataclass(frozen=True)
class FormatSpan:
    format_id: str
    name: str
    document: str
    years: tuple[int, ...]

    def text(self) -> str:
        years = _year_ranges(self.years)
        return f"{years}年报告：{self.format_id} 年格式（{self.document or self.name}）"


@dataclass(frozen=True)
class Swing:
    series: str
    label: str
    year: int
    message: str


@dataclass(frozen=True)
class Trends:
    subject: str
    years: tuple[int, ...]
    """Every year from the first stored to the last, those without a report included (as gaps)."""
    stored: frozenset[int]
    series: tuple[Series, ...]
    formats: tuple[FormatSpan, ...]
    notes: tuple[str, ...]
    """Where the formats count a figure differently."""
    swing_rule: str
    """When X_SWING flags a change, as the format file sets it."""

    def get(self, key: str) -> Series:
        for series in self.series:
            if series.key == key:
                return series
        raise KeyError(key)

    def in_group(self, group: str) -> tuple[Series, ...]:
        return tuple(s for s in self.series if s.group == group)

    def swings(self) -> tuple[Swing, ...]:
        return tuple(
            Swing(s.key, s.label, year, flag)
            for s in self.series
            for year, flag in zip(self.years, s.flags, strict=True)
            if flag is not None
        )

    def year_label(self, year: int) -> str:
        return f"{year}年" if year in self.stored else f"{year}年（无报告）"


def build_trends(subject: str, reports: Sequence[Report]) -> Trends:
    """The series of `reports` (one agency's, or one 汇总's, one per year), in year order."""
    by_year: dict[int, Report] = {}
    for report in reports:
        if report.year in by_year:
            raise ValueError(f"two reports for {report.year}")
        by_year[report.year] = report
    years = tuple(range(min(by_year), max(by_year) + 1)) if by_year else ()
    measures = {year: {m.key: m for m in _measures(get_format(r.format_id))} for year, r in by_year.items()}
    flags = {year: _swings(by_year[year], by_year.get(year - 1)) for year in by_year}

    series = []
    for key, first in _keys_in_order(by_year, measures).items():
        values: list[Number | None] = []
        flagged: list[str | None] = []
        for year in years:
            measure = measures.get(year, {}).get(key)
            if measure is None:
                values.append(None)
                flagged.append(None)
                continue
            values.append(_sum(by_year[year].cells, measure.cells))
            flagged.append(flags[year].get(measure.cells[0]) if len(measure.cells) == 1 else None)
        series.append(Series(key, first.group, first.label, tuple(values), tuple(flagged), first.total))
    latest = get_format(by_year[years[-1]].format_id) if years else None
    return Trends(
        subject,
        years,
        frozenset(by_year),
        tuple(series),
        _format_spans(by_year),
        _notes(by_year, measures),
        _swing_rule(latest),
    )


def value_text(value: Number | None) -> str:
    return "—" if value is None else to_text(value)


def change_text(change: Number | None) -> str:
    if change is None:
        return ""
    return f"+{to_text(change)}" if change > 0 else to_text(change)


def _sum(cells: Mapping[CellKey, CellValue], keys: Sequence[CellKey]) -> Number | None:
    total: Number = 0
    for key in keys:
        value = cells.get(key)
        if not isinstance(value, int | Decimal) or isinstance(value, bool):
            return None  # an empty cell is unknown, and so is any sum over it
        total += value
    return total


def _swings(report: Report, previous: Report | None) -> dict[CellKey, str]:
    """X_SWING's message per flagged cell, exactly as the check panel shows it for this year."""
    if previous is None:
        return {}
    return {f.cells[0]: f.message for f in check_report(report, previous) if f.rule == SWING_RULE and f.cells}


def _keys_in_order(
    by_year: Mapping[int, Report], measures: Mapping[int, Mapping[str, _Measure]]
) -> dict[str, _Measure]:
    """Every measure of any year, grouped as GROUPS, in the latest format's order; its label from the latest."""
    found: dict[str, _Measure] = {}
    for year in sorted(by_year, reverse=True):
        for key, measure in measures[year].items():
            found.setdefault(key, measure)
    order = {g.key: i for i, g in enumerate(GROUPS)}
    return dict(sorted(found.items(), key=lambda item: order[item[1].group]))


@per_format
def _measures(fmt: ReportFormat) -> tuple[_Measure, ...]:
    out: list[_Measure] = []
    t3 = _table(fmt, _T3)
    if t3 is not None:
        total_col = _total_column(t3)
        for col in t3.column_keys():
            if t3.cell(_NEW, col) is not None:
                label = "新收申请合计" if col == total_col else t3.column(col).label
                out.append(_Measure(f"t3/new/{col}", "received", label, ((_T3, _NEW, col),), col == total_col))
        if total_col is not None:
            out += _results(t3, total_col)
            for row, label in ((_CARRIED_IN, "上年结转"), (_CARRIED_OUT, "结转下年度继续办理")):
                if t3.cell(row, total_col) is not None:
                    out.append(_Measure(f"t3/{row}/total", "carried", label, ((_T3, row, total_col),)))
    t4 = _table(fmt, _T4)
    if t4 is not None:
        out += _appeals(t4)
    t2 = _table(fmt, "t2")
    if t2 is not None:
        for row, cols in _T2_COUNTS:
            found = next((c for c in cols if t2.cell(row, c) is not None), None)
            if found is not None:
                name = f"{t2.row(row).label}·{t2.column(found).label}"
                out.append(_Measure(f"t2/{row}/{cols[0]}", "t2", name, (("t2", row, found),), source=f"“{name}”"))
    return tuple(out)


def _table(fmt: ReportFormat, key: str) -> Table | None:
    return next((t for t in fmt.tables if t.key == key), None)


def _total_column(table: Table) -> str | None:
    """The row-total column (computed: the sum of a row)."""
    return next((c for c in table.column_keys() if table.column(c).computed), None)


def kind_label(label: str) -> str:
    """（二）部分公开（区分处理的，只计这一情形，不计其他情形） → 部分公开."""
    return _TRAILING_NOTE.sub("", _ORDINAL.sub("", label)).strip()


def _results(t3: Table, total_col: str) -> list[_Measure]:
    """The kinds of result: the value rows under 三's heading, one kind per sub-heading or per row of its own."""
    try:
        heading = t3.row(_HANDLED).parents[:1]
    except KeyError:
        return []
    kinds: dict[str, list[str]] = {}
    sources: dict[str, str] = {}
    for row in t3.rows():
        if row.computed or row.parents[:1] != heading or not heading:
            continue
        own = row.parents[1] if len(row.parents) > 1 else row.label
        label = kind_label(own)
        kinds.setdefault(label, []).append(row.key)
        sources[label] = own
    out = [
        _Measure(
            f"t3/result/{label}",
            "results",
            label,
            tuple((_T3, r, total_col) for r in rows),
            source=f"“{sources[label]}”" + (f"下 {len(rows)} 项之和" if len(rows) > 1 else "一行"),
        )
        for label, rows in kinds.items()
    ]
    out.append(_Measure("t3/total_handled/total", "results", "办理结果合计", ((_T3, _HANDLED, total_col),), True))
    return out


def _appeals(t4: Table) -> list[_Measure]:
    """表四 by its row groups (行政复议, 行政诉讼): each outcome summed over the group's rows, then each row's total."""
    total_col = _total_column(t4)
    outcomes = [c for c in t4.column_keys() if c != total_col]
    out = []
    for group in t4.row_groups:
        out += [
            _Measure(
                f"t4/{group.label}/{col}",
                "appeals",
                f"{group.label}·{t4.column(col).label}",
                tuple((_T4, row, col) for row in group.rows),
            )
            for col in outcomes
        ]
        if total_col is not None:
            out += [
                _Measure(f"t4/{row}/total", "appeals", f"{t4.row(row).label}·总计", ((_T4, row, total_col),), True)
                for row in group.rows
            ]
    grouped = {row for group in t4.row_groups for row in group.rows}
    if total_col is not None:  # a format whose 表四 has no row groups: each row's total all the same
        out += [
            _Measure(f"t4/{row.key}/total", "appeals", f"{row.label}·总计", ((_T4, row.key, total_col),), True)
            for row in t4.rows()
            if row.key not in grouped
        ]
    return out


def _format_spans(by_year: Mapping[int, Report]) -> tuple[FormatSpan, ...]:
    spans: dict[str, list[int]] = {}
    for year in sorted(by_year):
        spans.setdefault(by_year[year].format_id, []).append(year)
    out = []
    for format_id, years in spans.items():
        fmt = get_format(format_id)
        out.append(FormatSpan(format_id, fmt.name, fmt.document, tuple(years)))
    return tuple(out)


def _notes(by_year: Mapping[int, Report], measures: Mapping[int, Mapping[str, _Measure]]) -> tuple[str, ...]:
    """Where the formats of these years count a figure differently (rows summed, a column's older name)."""
    per_format: dict[str, dict[str, _Measure]] = {}
    for year, report in sorted(by_year.items()):
        per_format.setdefault(report.format_id, dict(measures[year]))
    if len(per_format) < 2:
        return ()
    notes = []
    keys = dict.fromkeys(k for ms in per_format.values() for k in ms)
    for key in keys:
        seen = {fid: ms.get(key) for fid, ms in per_format.items()}
        if None not in seen.values() and len({m.cells for m in seen.values() if m is not None}) < 2:
            continue  # the same cells under the same keys, whatever each format calls them
        sources = {fid: m.source if m is not None else None for fid, m in seen.items()}
        label = next(m.label for m in reversed(list(seen.values())) if m is not None)
        parts = [
            f"{fid} 年格式为{src}" if src is not None else f"{fid} 年格式没有此项（为空缺）"
            for fid, src in sources.items()
        ]
        notes.append(f"{label}：" + "；".join(parts) + "。")
    return tuple(notes)


def _swing_rule(fmt: ReportFormat | None) -> str:
    swing = fmt.cross_year.swing if fmt is not None else None
    if swing is None:
        return ""
    return (
        f"与上年相比变化大：本年为上年的 {swing.min_ratio:g} 倍以下或 {swing.max_ratio:g} 倍以上"
        f"（两年均不少于 {swing.min_value} 件时；审核中的“与上年相比变化大”提示）"
    )


def _year_ranges(years: Sequence[int]) -> str:
    runs: list[list[int]] = []
    for year in years:
        if runs and year == runs[-1][-1] + 1:
            runs[-1].append(year)
        else:
            runs.append([year])
    return "、".join(str(r[0]) if len(r) == 1 else f"{r[0]}–{r[-1]}" for r in runs)
