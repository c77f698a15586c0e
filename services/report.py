"""The report as a plain value, independent of the ORM: what checks, printing, Excel and exchange work on."""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Literal

from services.formats import CellKey, ReportFormat, get_format
from services.names import clean_name
from services.values import CellValue

Status = Literal["draft", "final"]
YEAR_RANGE = (1990, 2100)
MAX_TEXT_CHARS = 100_000
"""Characters of one narrative or explanation — some sixty pages of 3号 text, far beyond any report. One limit
for every reader (exchange, Excel, published pages) and for storage, so what the program writes it reads back."""
EXPLANATION_KEY_MAX = 64
"""Characters of an explanation's key (a rule id, or rule:cell): the stored column's width on every database."""
"""Report years the app accepts anywhere (files, command line, forms)."""
AgencyKind = Literal["department", "government"]


def agency_kind_from_name(name: str) -> AgencyKind:
    """A people's government reports by 31 March, its departments by 31 January (条例 art. 49-50).

    '…人民政府' is the government itself; '…人民政府办公室' and every other body is a department.
    """
    return "government" if name.strip().endswith("人民政府") else "department"


@dataclass
class Fees:
    """信息处理费 of section 六 (2021 format): notices issued and amount collected in 元."""

    notices: int | None = None
    amount_yuan: Decimal | None = None

    def is_set(self) -> bool:
        return self.notices is not None or self.amount_yuan is not None


@dataclass
class Report:
    agency: str
    year: int
    format_id: str
    agency_code: str | None = None
    agency_kind: AgencyKind | None = None
    title: str | None = None
    signed_by: str | None = None
    signed_on: date | None = None
    status: Status = "draft"
    cells: dict[CellKey, CellValue] = field(default_factory=dict)
    texts: dict[str, str] = field(default_factory=dict)
    fees: Fees = field(default_factory=Fees)
    explanations: dict[str, str] = field(default_factory=dict)
    explained_for: dict[str, str] = field(default_factory=dict, compare=False)
    """For each explanation, the finding's message when it was written (services.explanations); an explanation
    without one (from a file) stands for the values it came with."""

    def __post_init__(self) -> None:
        # whatever file or dialog the report came from, its names are compared and stored clean (services.names)
        self.agency = clean_name(self.agency)
        if self.signed_by is not None:
            self.signed_by = clean_name(self.signed_by) or None

    @property
    def format(self) -> ReportFormat:
        return get_format(self.format_id)

    @property
    def kind(self) -> AgencyKind:
        return self.agency_kind or agency_kind_from_name(self.agency)

    def display_title(self) -> str:
        return self.title or self.format.standard_title(self.agency, self.year)

    def get(self, table: str, row: str, col: str) -> CellValue | None:
        return self.cells.get((table, row, col))

    def number(self, table: str, row: str, col: str) -> CellValue:
        """The cell's value with empty read as 0, for sums."""
        return self.cells.get((table, row, col), 0)

    def set(self, table: str, row: str, col: str, value: CellValue | None) -> None:
        if value is None:
            self.cells.pop((table, row, col), None)
        else:
            self.cells[(table, row, col)] = value

    def text(self, key: str) -> str:
        return self.texts.get(key, "")

    def copy(self) -> Report:
        return copy.deepcopy(self)


def empty_report(agency: str, year: int, format_id: str | None = None) -> Report:
    """A new draft with every cell 0 and every text empty, in the format of its year unless given."""
    from services.formats import format_for_year

    fmt = get_format(format_id) if format_id else format_for_year(year)
    report = Report(agency=agency, year=year, format_id=fmt.id)
    for spec in fmt.cell_specs():
        report.cells[spec.key] = Decimal(0) if spec.kind == "amount" else 0
    report.texts = dict.fromkeys(fmt.text_keys(), "")
    return report


def text_too_long(text: str) -> str | None:
    """Why a narrative or explanation is refused for its length, or None."""
    if len(text) <= MAX_TEXT_CHARS:
        return None
    return f"文字过长（{len(text):,} 字，每段文字最多 {MAX_TEXT_CHARS:,} 字）"
