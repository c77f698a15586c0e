"""Numbers run together on a flattened page ("640020470" for seven cells), split only where the tables allow one
reading.

A crawler or a portal's "text version" prints a table row's cells with nothing between them. A run of digits can
then be read many ways; the format's identities (a row's 总计 is the sum of its parts, 一 + 二 = 三 + 四 in every
column, …) usually leave exactly one. A run is split only when every reading that satisfies the identities puts
the same numbers in its cells; otherwise its cells stay unread with the reason, and a number is never guessed.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass

from services.checks import identity_results
from services.errors import ValueParseError
from services.formats import CellKey, Table
from services.report import Report
from services.values import parse_value

Identity = tuple[tuple[CellKey, ...], tuple[CellKey, ...]]
"""Cells on the left and on the right of one instance of an identity rule: their sums are equal."""

MAX_CELL = 99_999
"""The largest count one cell may be read as (matching.PLAUSIBLE_COUNT): a longer piece is several cells."""
_MAX_READINGS = 20_000
"""A run with more readings than this (a long run over few cells) is left unread rather than searched."""
_MAX_SEARCH = 500_000
"""Partial assignments tried across runs joined by identities before giving up (a few ms in real tables)."""
_MAX_STEPS = 2_000_000
"""Pieces tried while reading one table's runs (a second or two): a run past this is left unread, never
half-searched."""
_RUN = re.compile(r"[\d\s-]+")


@dataclass(frozen=True)
class Run:
    """The digits printed for some cells, in order; spaces in `text` are certain boundaries between cells."""

    cells: tuple[CellKey, ...]
    text: str
    signed: tuple[bool, ...] = ()
    """Per cell: may it be negative (本年增/减)."""

    def groups(self) -> list[str]:
        return self.text.split()

    def is_plain(self) -> bool:
        """One number per cell already: nothing to infer."""
        return len(self.groups()) == len(self.cells) and all(_valid(g) for g in self.groups())


def _valid(piece: str) -> bool:
    return piece.isdigit() and (piece == "0" or not piece.startswith("0")) and int(piece) <= MAX_CELL


Check = Callable[[tuple[int, ...]], bool]
"""Whether the numbers read so far (the run's first cells) still satisfy what can be judged of them."""


class TooMany(Exception):
    """A run whose readings cannot all be searched: it stays unread."""


def readings(
    text: str,
    n: int,
    check: Check | None = None,
    *,
    signed: Sequence[bool] = (),
    budget: list[int] | None = None,
) -> Iterator[tuple[int, ...]]:
    """Every way to read `text` (digits, spaces as boundaries) as n counts without leading zeros, cut short as
    soon as `check` refuses the numbers read so far; TooMany once the steps left in `budget` (shared by the
    runs of one table, so that a hostile page cannot make the reading slow) are spent. A minus sign begins a
    cell, and only a cell marked in `signed` (本年增/减) may take it."""
    if not _RUN.fullmatch(text):
        return
    groups = text.replace("-", " -").split()
    if any(g == "-" for g in groups):
        return
    if not groups or n < len(groups):
        return
    widest = len(str(MAX_CELL))
    left = [sum(len(g.lstrip("-")) for g in groups[i:]) for i in range(len(groups) + 1)]
    steps = budget if budget is not None else [_MAX_STEPS]

    def walk(g: int, at: int, values: tuple[int, ...]) -> Iterator[tuple[int, ...]]:
        if at == len(groups[g]):  # this group is read: the next begins a new cell
            g, at = g + 1, 0
            if g == len(groups):
                if len(values) == n:
                    yield values
                return
        group = groups[g]
        sign = 1
        if at == 0 and group.startswith("-"):
            if len(values) >= len(signed) or not signed[len(values)]:
                return
            sign, at = -1, 1
        parts_left = n - len(values)
        digits_left = left[g] - at + (1 if group.startswith("-") and at > 0 else 0)
        # every cell takes one digit at least and `widest` at most; every group one cell at least
        if not len(groups) - g <= parts_left <= digits_left or digits_left > parts_left * widest:
            return
        for width in range(1, min(widest, len(group) - at) + 1):
            steps[0] -= 1
            if steps[0] < 0:
                raise TooMany
            piece = group[at : at + width]
            if not _valid(piece):
                break  # a leading zero stays one however wide the piece
            value = (*values, sign * int(piece))
            if check is None or check(value):
                yield from walk(g, at + width, value)

    yield from walk(0, 0, ())


@dataclass(frozen=True)
class Solved:
    values: dict[CellKey, int]
    """Cells of the runs that could be read one way only."""
    unread: dict[int, str]
    """Index of each run left unread, with the reason in Chinese."""


def solve(runs: Sequence[Run], known: Mapping[CellKey, object], identities: Sequence[Identity]) -> Solved:
    """Split every run where the identities leave one reading. `known` holds the cells read directly."""
    fixed = {k: v for k, v in known.items() if isinstance(v, int) and not isinstance(v, bool)}
    owner = {cell: i for i, run in enumerate(runs) for cell in run.cells}
    candidates: list[list[tuple[int, ...]]] = []
    unread: dict[int, str] = {}
    steps = [_MAX_STEPS]
    for i, run in enumerate(runs):
        found: list[tuple[int, ...]] = []
        try:
            for reading in readings(
                run.text, len(run.cells), _checker(run, identities, fixed), signed=run.signed, budget=steps
            ):
                found.append(reading)
                if len(found) > _MAX_READINGS:
                    raise TooMany
        except TooMany:
            found = []
            unread[i] = "可能的拆分太多，无法确定"
        candidates.append(found)
        if not found and i not in unread:
            unread[i] = "没有一种拆分能让本行的数字满足表格的勾稽关系"
    live = [i for i in range(len(runs)) if i not in unread]
    # identities whose every cell is read directly or lies in a run still in play can judge a reading
    judging = [
        idn
        for idn in identities
        if all(c in fixed or (c in owner and owner[c] in live) for c in (*idn[0], *idn[1]))
        and any(c in owner for c in (*idn[0], *idn[1]))
    ]
    seen: dict[int, set[tuple[int, ...]]] = {}
    for part in _components(runs, live, judging):
        seen.update(_agreed(runs, candidates, part, judging, fixed))
    values: dict[CellKey, int] = {}
    for i in live:
        options = seen.get(i)
        if options is None and len(candidates[i]) == 1:
            # the table's identities fail together (a mistake in the published table, or too large a search):
            # a run that reads one way within its own row is still read, and the checks will show the mistake
            options = {candidates[i][0]}
        if options is None:
            unread[i] = "表格的勾稽关系无法同时满足（原表可能有误），无法确定如何拆分"
        elif len(options) > 1 and not any(_touches(idn, runs[i]) for idn in identities):
            unread[i] = f"可以拆成 {len(options)} 种不同的数字，表中没有勾稽关系能确定是哪一种"
        elif len(options) > 1:
            unread[i] = f"有 {len(options)} 种拆分都满足勾稽关系，无法确定是哪一种"
        else:
            values.update(zip(runs[i].cells, next(iter(options)), strict=True))
    return Solved(values, unread)


def _components(runs: Sequence[Run], live: list[int], judging: list[Identity]) -> list[list[int]]:
    """The runs in groups that identities tie together: each group is searched on its own, so runs that no
    identity joins never multiply each other's readings."""
    parent = {i: i for i in live}

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    cell_run = {c: i for i in live for c in runs[i].cells}
    for idn in judging:
        tied = [root(cell_run[c]) for c in (*idn[0], *idn[1]) if c in cell_run]
        for other in tied[1:]:
            parent[root(other)] = root(tied[0])
    groups: dict[int, list[int]] = {}
    for i in live:
        groups.setdefault(root(i), []).append(i)
    return list(groups.values())


def _checker(run: Run, identities: Sequence[Identity], fixed: Mapping[CellKey, int]) -> Check:
    """Each identity within the run (and the cells read directly) judged as soon as its last cell is read."""
    index = {c: n for n, c in enumerate(run.cells)}
    due: dict[int, list[Identity]] = {}
    for idn in identities:
        if _within(idn, set(run.cells), fixed):
            due.setdefault(max(index[c] for c in (*idn[0], *idn[1]) if c in index), []).append(idn)

    def check(values: tuple[int, ...]) -> bool:
        judged = due.get(len(values) - 1)
        if not judged:
            return True
        trial = dict(zip(run.cells, values, strict=False))
        return all(_holds(idn, trial, fixed) for idn in judged)

    return check


def _touches(idn: Identity, run: Run) -> bool:
    return any(c in run.cells for c in (*idn[0], *idn[1]))


def _within(idn: Identity, cells: set[CellKey], fixed: Mapping[CellKey, int]) -> bool:
    every = (*idn[0], *idn[1])
    return any(c in cells for c in every) and all(c in cells or c in fixed for c in every)


def _holds(idn: Identity, trial: Mapping[CellKey, int], fixed: Mapping[CellKey, int]) -> bool:
    def value(c: CellKey) -> int:
        return trial[c] if c in trial else fixed[c]

    return sum(map(value, idn[0])) == sum(map(value, idn[1]))


def _agreed(
    runs: Sequence[Run],
    candidates: list[list[tuple[int, ...]]],
    live: list[int],
    judging: list[Identity],
    fixed: Mapping[CellKey, int],
) -> dict[int, set[tuple[int, ...]]]:
    """For each run, the readings it takes in some assignment of all runs that satisfies every judging identity
    (a run missing from the result: no assignment satisfies them, or the search was too large)."""
    order = sorted(live, key=lambda i: len(candidates[i]))
    position = {i: n for n, i in enumerate(order)}
    cell_run = {c: i for i in order for c in runs[i].cells}
    # each identity is checked as soon as the last of its runs is assigned
    due: dict[int, list[Identity]] = {}
    for idn in judging:
        if not any(c in cell_run for c in (*idn[0], *idn[1])):
            continue
        last = max(position[cell_run[c]] for c in (*idn[0], *idn[1]) if c in cell_run)
        due.setdefault(last, []).append(idn)
    seen: dict[int, set[tuple[int, ...]]] = {}
    chosen: dict[CellKey, int] = {}
    picked: list[tuple[int, ...]] = []
    budget = [_MAX_SEARCH]

    def go(n: int) -> bool:
        if n == len(order):
            for i, reading in zip(order, picked, strict=True):
                seen.setdefault(i, set()).add(reading)
            return True
        i = order[n]
        for reading in candidates[i]:
            budget[0] -= 1
            if budget[0] < 0:
                return False
            chosen.update(zip(runs[i].cells, reading, strict=True))
            if all(_holds(idn, chosen, fixed) for idn in due.get(n, [])):
                picked.append(reading)
                ok = go(n + 1)
                picked.pop()
                if not ok:
                    return False
        return True

    if not go(0):
        return {}
    return seen


def described(reading: Sequence[int]) -> str:
    return "、".join(str(v) for v in reading)


@dataclass(frozen=True)
class _Pending:
    run: Run
    where: str


class RunReader:
    """The rows of one flattened table: each row's digits kept until the table ends, then read — plainly where
    they are one number per cell, by `solve` where they run together — and what stays unread said."""

    def __init__(self, to_check: list[str], not_understood: list[str]) -> None:
        self.to_check, self.not_understood = to_check, not_understood
        self.pending: list[_Pending] = []
        self.inferred: list[CellKey] = []

    def add(self, cells: Sequence[CellKey], texts: Sequence[str], where: str) -> None:
        text = " ".join(t for t in texts if t.strip())
        if cells and text:
            self.pending.append(_Pending(Run(tuple(cells), text), where))

    def settle(self, report: Report, table: Table) -> int:
        """Put what can be read into the report; returns the number of cells filled."""
        filled = 0
        runs: list[_Pending] = []
        for item in self.pending:
            run, kinds = item.run, [table.cell(r, c) for _, r, c in item.run.cells]
            if run.is_plain() or (len(run.cells) == 1 and " " not in run.text):
                values = run.groups() if len(run.cells) > 1 else [run.text]
                for key, text, spec in zip(run.cells, values, kinds, strict=True):
                    try:
                        value = parse_value(text, spec.kind if spec else "count")
                    except ValueParseError as exc:
                        self.not_understood.append(f"{item.where}：“{text}”无法读取（{exc.message}）")
                        continue
                    if value is not None:
                        report.cells[key] = value
                        filled += 1
            elif not _RUN.fullmatch(run.text):
                self.not_understood.append(
                    f"{item.where}：原文“{run.text}”是几个单元格连在一起的数字，含小数或单位，无法确定如何拆分，"
                    "这一行未读取，请对照原文填写"
                )
            else:
                signed = tuple(spec is not None and spec.kind == "signed" for spec in kinds)
                runs.append(_Pending(Run(run.cells, run.text, signed), item.where))
        solved = solve([p.run for p in runs], report.cells, _identities(report, table.key))
        for n, item in enumerate(runs):
            if n in solved.unread:
                self.not_understood.append(
                    f"{item.where}：原文“{item.run.text}”是几个单元格连在一起的数字，{solved.unread[n]}，"
                    "这一行未读取，请对照原文填写"
                )
                continue
            reading = [solved.values[c] for c in item.run.cells]
            report.cells.update(zip(item.run.cells, reading, strict=True))
            filled += len(reading)
            if _only_reading(item.run):
                continue  # "0000000" for seven cells: nothing was inferred
            self.inferred += item.run.cells
            self.to_check.append(
                f"{item.where}：原文“{item.run.text}”按表格的勾稽关系拆分为 {described(reading)}"
                "（推断：只有这一种拆分成立），请对照原文核对"
            )
        self.pending.clear()
        return filled


def _only_reading(run: Run) -> bool:
    """The run reads one way whatever the identities say."""
    found = readings(run.text, len(run.cells), signed=run.signed, budget=[10_000])
    try:
        return next(found, None) is not None and next(found, None) is None
    except TooMany:
        return False


def _identities(report: Report, table_key: str) -> list[Identity]:
    blank = Report(agency="-", year=report.year, format_id=report.format_id)
    out: list[Identity] = []
    for result in identity_results(blank):
        if result.table == table_key:
            n = len(result.left_terms)
            out.append((result.cells[:n], result.cells[n:]))
    return out
