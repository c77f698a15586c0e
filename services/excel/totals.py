"""The total cells of the Excel template: which cells each one adds up, and that sum as a live Excel formula.

What a total adds up comes from the format's own identity rules, exactly as `checks.recompute_totals` fills it
(one instance per row or column of a rule with `computes`), so no format is named here.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from openpyxl.utils import get_column_letter

from services.checks import identity_results
from services.formats import CellKey, ReportFormat, per_format
from services.grid_layout import GridCell, GridLayout
from services.report import Report

TotalTerms = Mapping[CellKey, tuple[CellKey, ...]]


def _build_terms(fmt: ReportFormat) -> TotalTerms:
    computing = {rule.id for rule in fmt.rules if rule.computes}
    # identity_results expands every rule into its rows or columns as the checks do; the values do not matter
    blank = Report(agency="-", year=fmt.year_from, format_id=fmt.id)
    terms: dict[CellKey, tuple[CellKey, ...]] = {}
    for result in identity_results(blank):
        if result.rule in computing:
            # a total defined twice (t3's grand total is a row's and a column's) is the same number either way
            terms.setdefault(result.cells[0], result.cells[len(result.left_terms) :])
    return terms


total_terms = per_format(_build_terms)
"""Each computed cell of a format with the cells whose sum it is."""


def _coordinate(cell: GridCell, top: int) -> str:
    return f"{get_column_letter(cell.col + 1)}{top + cell.row}"


def _runs(cells: Sequence[GridCell]) -> list[list[GridCell]]:
    """The cells cut into runs that touch, down one column or along one row, so a run is one A1:A9 range."""
    if len({c.col for c in cells}) == 1:
        ordered, along = sorted(cells, key=lambda c: c.row), True
    elif len({c.row for c in cells}) == 1:
        ordered, along = sorted(cells, key=lambda c: c.col), False
    else:
        return [[c] for c in cells]
    runs: list[list[GridCell]] = []
    for cell in ordered:
        last = runs[-1][-1] if runs else None
        follows = last is not None and (
            cell.row == last.row + last.rowspan if along else cell.col == last.col + last.colspan
        )
        if follows:
            runs[-1].append(cell)
        else:
            runs.append([cell])
    return runs


def sum_formula(layout: GridLayout, top: int, terms: Sequence[CellKey]) -> str:
    """`=SUM(D5:D23)` over the terms' cells of a table drawn with its first row at sheet row `top`."""
    cells = [layout.at(*layout.position(key)) for key in terms]
    known = [c for c in cells if c is not None]
    parts = []
    for run in _runs(known):
        first, last = _coordinate(run[0], top), _coordinate(run[-1], top)
        parts.append(first if first == last else f"{first}:{last}")
    return f"=SUM({','.join(parts)})"


def same_formula(typed: str, ours: str) -> bool:
    """Whether a total's formula is still the one written (Excel may add $ signs, spaces or lower case)."""
    return typed.replace("$", "").replace(" ", "").upper() == ours
