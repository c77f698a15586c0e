"""The official report formats, loaded from `resources/formats/*.json` into immutable typed objects
(services.format_model), found and kept here.

A format file is the only place that knows a format's labels, keys, cell kinds, spans and sum rules; the form,
the checks, the printout and the exchange file are all driven from these objects. Adding a format means adding
a file. services.format_reader reads and validates the files; this module imports it, and it imports only the
objects, so the two do not import each other.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import cache, wraps
from pathlib import Path
from types import MappingProxyType
from typing import TypeVar

from services.errors import FormatFileError
from services.format_model import (
    CELL_KINDS,
    SCHEMA_VERSION,
    SECTION_SPLITS,
    Block,
    CarryOver,
    CellKey,
    CellKind,
    CellSpec,
    Column,
    CrossYear,
    HeaderNode,
    IdentityRule,
    InForce,
    ReportFormat,
    Row,
    RowGroup,
    Section,
    SectionSplit,
    Swing,
    Table,
    TextNumberRule,
    TextSpec,
)
from services.format_reader import load_format
from services.paths import resource_path

__all__ = [
    "CELL_KINDS",
    "SCHEMA_VERSION",
    "SECTION_SPLITS",
    "Block",
    "CarryOver",
    "CellKey",
    "CellKind",
    "CellSpec",
    "Column",
    "CrossYear",
    "HeaderNode",
    "IdentityRule",
    "InForce",
    "ReportFormat",
    "Row",
    "RowGroup",
    "Section",
    "SectionSplit",
    "Swing",
    "Table",
    "TextNumberRule",
    "TextSpec",
    "all_formats",
    "format_for_year",
    "get_format",
    "per_format",
]

_T = TypeVar("_T")


def per_format(build: Callable[[ReportFormat], _T]) -> Callable[[ReportFormat], _T]:
    """`build(fmt)` computed once per format (checks' plan, 汇总's plan, the paper grids): keyed by the format's
    id, checked by identity, so another file loaded with the same id (a test's) gets its own."""
    known: dict[str, tuple[ReportFormat, _T]] = {}

    @wraps(build)
    def cached(fmt: ReportFormat) -> _T:
        entry = known.get(fmt.id)
        if entry is None or entry[0] is not fmt:
            entry = known[fmt.id] = (fmt, build(fmt))
        return entry[1]

    return cached


@cache
def _registry(folder: Path) -> Mapping[str, ReportFormat]:
    formats = {p.stem: load_format(p) for p in sorted(folder.glob("*.json"))}
    if not formats:
        raise FormatFileError(f"在 {folder} 中找不到任何格式文件")
    return MappingProxyType(formats)


def all_formats(folder: Path | None = None) -> Mapping[str, ReportFormat]:
    """Every format shipped with the app, by id (loaded once per process)."""
    return _registry(folder or resource_path("formats"))


def get_format(format_id: str) -> ReportFormat:
    formats = all_formats()
    if format_id not in formats:
        known = "、".join(formats)
        raise FormatFileError(f"未知的报告格式 {format_id!r}（本程序支持：{known}）")
    return formats[format_id]


def format_for_year(year: int) -> ReportFormat:
    """The official format for a report year: 2019 for 2019–2020, 2021 from 2021 on."""
    matching = [f for f in all_formats().values() if f.covers_year(year)]
    if not matching:
        raise FormatFileError(f"没有适用于 {year} 年的报告格式")
    return max(matching, key=lambda f: f.year_from)
