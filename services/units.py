"""Units and their parents (下属单位与上级单位) as the 报送 board and 汇总 read them (Agency.parent_id): added, moved
and removed one at a time, or many at once from the office's Excel list (services/unit_list.py). Renaming is
report_admin.rename_agency (each of the unit's reports logs it); a move that would make a loop is refused by
aggregate.set_agency_parent."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from models.tables import Agency, ReportRecord
from services.aggregate import set_agency_parent
from services.errors import StorageError
from services.names import clean_name
from services.storage import MAX_LENGTHS
from services.unit_list import UnitListError, UnitRow


def add_unit(session: Session, name: str, parent: str | None) -> str:
    """A new unit under `parent` (None: of no parent); returns its name as stored."""
    clean = _valid_name(name)
    if _find(session, clean) is not None:
        raise StorageError(f"已有名为“{clean}”的单位。如要把它放到别的上级单位下，请用“移到”。")
    parent_id = _existing(session, parent).id if parent is not None else None
    session.add(Agency(name=clean, parent_id=parent_id))
    session.flush()
    return clean


def move_unit(session: Session, name: str, parent: str | None) -> None:
    """Put a unit under another parent (None: under none)."""
    set_agency_parent(session, clean_name(name), None if parent is None else clean_name(parent))


def remove_unit(session: Session, name: str) -> str:
    """Take a unit off its parent's list; one with no report and no units of its own is deleted altogether.
    Returns what was done, as the clerk reads it."""
    agency = _existing(session, name)
    has_reports = session.scalar(select(exists().where(ReportRecord.agency_id == agency.id)))
    has_units = session.scalar(select(exists().where(Agency.parent_id == agency.id)))
    parent = session.get(Agency, agency.parent_id) if agency.parent_id is not None else None
    if not has_reports and not has_units:
        session.delete(agency)
        session.flush()
        return f"已删除单位“{agency.name}”。"
    if parent is None:
        raise StorageError(f"“{agency.name}”不属于任何上级单位，且有报告或下属单位，不能删除。")
    agency.parent_id = None
    session.flush()
    kept = "其报告仍保留" if has_reports else "其下属单位仍在它之下"
    return f"已把“{agency.name}”从“{parent.name}”的下属单位中移除（{kept}）。"


@dataclass(frozen=True)
class UnitsImported:
    added: tuple[str, ...]
    """Units (and parents) that were not in the database."""
    moved: tuple[str, ...]
    """Units already there, now under the parent the list gives."""
    unchanged: int

    def summary(self) -> str:
        return f"新增 {len(self.added)} 个单位，调整上级单位 {len(self.moved)} 个，{self.unchanged} 个未变。"


def import_units(session: Session, rows: Sequence[UnitRow]) -> UnitsImported:
    """Every unit of the list under its parent, parents that are not yet units added at the top; all or nothing:
    a row that cannot be done (a loop of parents) refuses the list, naming every such row."""
    # every agency read once: a province's list of thousands of units imports in one pass, not a query a row
    by_name = {agency.name: agency for agency in session.scalars(select(Agency))}
    added = [name for row in rows for name in (row.parent, row.name) if name is not None and name not in by_name]
    added = list(dict.fromkeys(added))
    for name in added:
        by_name[name] = Agency(name=name)
        session.add(by_name[name])
    session.flush()
    by_id = {agency.id: agency for agency in by_name.values()}
    moved: list[str] = []
    unchanged = 0
    problems: list[str] = []
    for row in rows:
        agency = by_name[row.name]
        parent = None if row.parent is None else by_name[row.parent]
        parent_id = None if parent is None else parent.id
        if agency.parent_id == parent_id:
            unchanged += row.name not in added
            continue
        # walk up from the new parent: meeting the unit itself would make a loop (as set_agency_parent refuses)
        step = parent
        while step is not None and step is not agency:
            step = by_id.get(step.parent_id) if step.parent_id is not None else None
        if step is agency and parent is not None:
            problems.append(f"第 {row.row} 行：不能把“{agency.name}”设为“{parent.name}”的下属：二者会互为上级。")
            continue
        agency.parent_id = parent_id
        if row.name not in added:
            moved.append(row.name)
    if problems:
        raise UnitListError("单位名单未导入，请改正以下各行后重新导入：", problems)
    session.flush()
    return UnitsImported(tuple(added), tuple(moved), unchanged)


def _valid_name(name: str) -> str:
    clean = clean_name(name)
    if not clean:
        raise StorageError("单位名称不能为空（看不见的字符不算）。")
    limit = MAX_LENGTHS["机关名称"]
    if len(clean) > limit:
        raise StorageError(f"单位名称过长（{len(clean)} 字，最多 {limit} 字）。")
    return clean


def _find(session: Session, name: str) -> Agency | None:
    return session.scalar(select(Agency).where(Agency.name == clean_name(name)))


def _existing(session: Session, name: str) -> Agency:
    agency = _find(session, name)
    if agency is None:
        raise StorageError(f"单位“{clean_name(name)}”不存在（可能已被其他人改名或删除）。")
    return agency
