"""An office's list of its units as an Excel workbook (单位名单), read for services/units.py.

The layout, as an office keeps it: on the first sheet a header row (within the first 10 rows, so a title may
stand above it) with the columns 单位名称 and 上级单位, in any order and among any others (序号, 联系人… are left
alone); then one unit a row. 上级单位 blank makes a unit of no parent (the office itself). Blank rows are skipped.
A file with any bad row is refused whole, every bad row named by its number as Excel shows it.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass
from pathlib import Path

from openpyxl import load_workbook

from services.errors import NianbaoError
from services.excel.archive import check_archive, read_checked
from services.names import clean_name
from services.storage import MAX_LENGTHS

NAME, PARENT = "单位名称", "上级单位"
HEADER_ROWS = 10
"""The header row is looked for this far down (a title and a date may stand above it)."""
MAX_UNITS = 20_000
"""More rows than any province has units: a sheet beyond it is not a list of units."""


class UnitListError(NianbaoError):
    """The list cannot be read, or some of its rows are wrong: nothing was imported."""


@dataclass(frozen=True)
class UnitRow:
    row: int
    """The row number as Excel shows it."""
    name: str
    parent: str | None


def read_unit_list(path: Path) -> list[UnitRow]:
    """The units of the list, in its order (a unit listed twice under the same parent once); refuses the file
    whole, naming every bad row, when any row is wrong."""
    data = read_checked(path)
    check_archive(data, str(path))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl's notes on features it drops do not touch the cells read
            book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # a damaged file can fail anywhere inside openpyxl; this is input, not a bug
        raise UnitListError(f"“{path.name}”已损坏，无法作为 Excel 工作簿读取。") from None
    try:
        rows = list(book.worksheets[0].iter_rows(max_row=MAX_UNITS + HEADER_ROWS + 1, values_only=True))
    finally:
        book.close()
    return _units(path.name, rows)


def _units(source: str, rows: list[tuple[object, ...]]) -> list[UnitRow]:
    header = next((i for i, row in enumerate(rows[:HEADER_ROWS]) if {NAME, PARENT} <= set(map(_header, row))), None)
    if header is None:
        raise UnitListError(
            f"“{source}”的第一张工作表前 {HEADER_ROWS} 行中没有“{NAME}”和“{PARENT}”两列的表头，"
            "请按使用说明中的格式整理名单。"
        )
    titles = [_header(cell) for cell in rows[header]]
    name_col, parent_col = titles.index(NAME), titles.index(PARENT)
    if len(rows) > header + 1 + MAX_UNITS:
        raise UnitListError(f"“{source}”超过 {MAX_UNITS} 行，不像是单位名单，未导入。")
    units: list[UnitRow] = []
    first: dict[str, UnitRow] = {}
    problems: list[str] = []
    for number, row in enumerate(rows[header + 1 :], start=header + 2):
        name_cell = row[name_col] if name_col < len(row) else None
        parent_cell = row[parent_col] if parent_col < len(row) else None
        if _blank(name_cell) and _blank(parent_cell):
            continue
        name, why = _name(name_cell, NAME)
        parent, why_parent = _name(parent_cell, PARENT)
        if why or why_parent or name is None:
            problems.append(f"第 {number} 行：{why or why_parent or f'没有{NAME}'}")
            continue
        if parent == name:
            problems.append(f"第 {number} 行：“{name}”不能是自己的上级单位")
            continue
        unit = UnitRow(number, name, parent)
        earlier = first.get(name)
        if earlier is None:
            first[name] = unit
            units.append(unit)
        elif earlier.parent != parent:
            problems.append(
                f"第 {number} 行：“{name}”在第 {earlier.row} 行已列出，上级单位却不同"
                f"（“{earlier.parent or '无'}”与“{parent or '无'}”）"
            )
    if problems:
        raise UnitListError(f"单位名单“{source}”未导入，请改正以下各行后重新导入：", problems)
    if not units:
        raise UnitListError(f"单位名单“{source}”的表头下没有单位。")
    return units


def _header(cell: object) -> str:
    return "".join(cell.split()) if isinstance(cell, str) else ""


def _blank(cell: object) -> bool:
    return cell is None or (isinstance(cell, str) and not clean_name(cell))


def _name(cell: object, column: str) -> tuple[str | None, str | None]:
    """(the name, None) or (None, why it is not one); a blank cell is (None, None)."""
    if _blank(cell):
        return None, None
    if not isinstance(cell, str):
        return None, f"{column}应为文字，这里是“{cell}”"
    name = clean_name(cell)
    limit = MAX_LENGTHS["机关名称"]
    if len(name) > limit:
        return None, f"{column}过长（{len(name)} 字，最多 {limit} 字）"
    return name, None
