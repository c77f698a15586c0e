"""The rule pack in force for this user (上级要求): a copy in the data folder, named in what the app remembers.

The pack is copied, not referred to where it was found: the file an office mailed may be on a USB stick or in a
downloads folder that is emptied. It is per user, like the rest of services.app_state: two clerks sharing one
database may answer to two offices. A copy that can no longer be read is not an error at start-up: the window
says so and works without it.
"""

from __future__ import annotations

from contextlib import suppress
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from services.app_state import load_state, update_state
from services.errors import RulePackError
from services.files import write_atomically
from services.paths import user_data_dir
from services.report import Report
from services.rule_packs import Deadline, RulePack

PACK_FOLDER = "rule_packs"


@dataclass(frozen=True)
class InForce:
    pack: RulePack | None = None
    problem: str | None = None
    """Why the remembered pack could not be read (it is then not in force)."""
    path: Path | None = field(default=None, compare=False)


def pack_folder(data_dir: str | Path | None) -> Path:
    return user_data_dir(data_dir) / PACK_FOLDER


def pack_in_force(data_dir: str | Path | None) -> InForce:
    """The pack this user put in force, if any."""
    name = load_state(data_dir).rule_pack
    if name is None:
        return InForce()
    path = pack_folder(data_dir) / Path(name).name
    from services.rule_pack_reader import load_rule_pack  # only when a pack is in force: not at every start

    try:
        return InForce(load_rule_pack(path), path=path)
    except RulePackError as exc:
        return InForce(None, f"上级要求（规则包）无法读取，未生效：{exc}", path)


def install_pack(source: Path, data_dir: str | Path | None) -> RulePack:
    """Check the pack, copy it into the data folder and put it in force (in place of any other)."""
    from services.rule_pack_reader import read_pack_file

    pack, data = read_pack_file(source)  # a malformed pack is refused here, before anything is written
    folder = pack_folder(data_dir)
    folder.mkdir(exist_ok=True)
    target = folder / f"{pack.id}.json"
    write_atomically(target, data, RulePackError, "无法保存规则包到")
    old = load_state(data_dir).rule_pack
    update_state(data_dir, rule_pack=target.name)
    if old is not None and old != target.name:
        with suppress(OSError):
            (folder / Path(old).name).unlink()
    return pack


def remove_pack(data_dir: str | Path | None) -> None:
    """No pack in force any more (its copy is deleted)."""
    name = load_state(data_dir).rule_pack
    update_state(data_dir, rule_pack=None)
    if name is not None:
        with suppress(OSError):
            (pack_folder(data_dir) / Path(name).name).unlink()


def _cn(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


@dataclass(frozen=True)
class PackStatus:
    text: str
    tooltip: str
    urgent: bool
    """The office's deadline is a week away or less, or past, and the report is not final."""


def pack_status(pack: RulePack, report: Report | None, today: date) -> PackStatus:
    """The status bar's line: which office's pack is in force and, for the open report, its deadline."""
    tooltip = [
        pack.name,
        f"发布：{pack.office}，版本 {pack.version}",
        f"适用：{'、'.join(pack.formats)} 格式，{pack.years_text().strip()}",
        f"共 {len(pack.rules)} 条要求；其审核结果显示在审核面板中，以【{pack.short}】开头",
    ]
    if report is None:
        return PackStatus(pack.label(), "\n".join(tooltip), False)
    why = pack.applies(report)
    if why is not None:
        return PackStatus(f"{pack.label()}（不适用于本报告）", "\n".join([*tooltip, why]), False)
    deadline = next((r for r in pack.rules if isinstance(r, Deadline)), None)
    if deadline is None or report.status == "final":
        return PackStatus(pack.label(), "\n".join(tooltip), False)
    due = deadline.date_for(report.year)
    days = (due - today).days
    when = f"还有 {days} 天" if days > 0 else "今天到期" if days == 0 else f"已过 {-days} 天"
    tooltip.append(f"上级要求的报送期限：{_cn(due)}（成文日期不能晚于此日）")
    # short: the status bar also shows the legal deadline, and the message on its left needs the room
    return PackStatus(f"{pack.label()}（报送期限 {due.month}月{due.day}日，{when}）", "\n".join(tooltip), days <= 7)
