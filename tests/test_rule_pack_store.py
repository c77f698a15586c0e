"""The rule pack in force for a user: copied into the data folder, remembered, removed; the status bar's line."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from services.app_state import load_state
from services.errors import RulePackError
from services.rule_pack_store import install_pack, pack_folder, pack_in_force, pack_status, remove_pack
from tests.factories import filled_report, sample_report
from tests.test_rule_packs import EXAMPLE, pack_data


def test_a_pack_is_copied_remembered_and_removed(tmp_path: Path) -> None:
    data = tmp_path / "data"
    assert pack_in_force(data).pack is None
    mailed = tmp_path / "usb" / "要求.json"
    mailed.parent.mkdir()
    mailed.write_bytes(EXAMPLE.read_bytes())
    pack = install_pack(mailed, data)
    mailed.unlink()  # the stick is gone: the copy in the data folder is what stays in force
    assert load_state(data).rule_pack == "city-2025.json"
    assert (pack_folder(data) / "city-2025.json").read_bytes() == EXAMPLE.read_bytes()
    assert pack_in_force(data).pack == pack

    other = tmp_path / "other.json"
    other.write_text(json.dumps(pack_data({"id": "d", "kind": "deadline", "date": "01-20"})), encoding="utf-8")
    install_pack(other, data)  # one pack in force at a time: the new one replaces the old, whose copy goes
    assert [p.name for p in pack_folder(data).iterdir()] == ["test.json"]
    in_force = pack_in_force(data).pack
    assert in_force is not None and in_force.id == "test"

    remove_pack(data)
    assert pack_in_force(data).pack is None and load_state(data).rule_pack is None
    assert list(pack_folder(data).iterdir()) == []


def test_a_malformed_pack_changes_nothing(tmp_path: Path) -> None:
    data = tmp_path / "data"
    install_pack(EXAMPLE, data)
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(pack_data({"id": "d", "kind": "deadline"})), encoding="utf-8")
    with pytest.raises(RulePackError, match="有 1 处错误"):
        install_pack(bad, data)
    in_force = pack_in_force(data).pack
    assert in_force is not None and in_force.id == "city-2025"


def test_a_copy_that_cannot_be_read_is_said_not_raised(tmp_path: Path) -> None:
    data = tmp_path / "data"
    install_pack(EXAMPLE, data)
    (pack_folder(data) / "city-2025.json").write_text("{", encoding="utf-8")
    in_force = pack_in_force(data)
    assert in_force.pack is None
    assert in_force.problem is not None and in_force.problem.startswith("上级要求（规则包）无法读取，未生效")


def test_the_status_line_names_the_office_and_the_days_left(tmp_path: Path) -> None:
    pack = install_pack(EXAMPLE, tmp_path)
    report = filled_report("2021", year=2025)
    label = "上级要求：某市政务公开办 2025 年度报告要求"
    assert pack_status(pack, None, date(2026, 1, 1)).text == label
    early = pack_status(pack, report, date(2025, 12, 1))
    assert early.text == f"{label}（报送期限 1月15日，还有 45 天）" and not early.urgent
    assert pack_status(pack, report, date(2026, 1, 10)).urgent
    late = pack_status(pack, report, date(2026, 1, 18))
    assert late.text == f"{label}（报送期限 1月15日，已过 3 天）" and late.urgent
    report.status = "final"
    assert pack_status(pack, report, date(2026, 1, 18)).text == label
    other = pack_status(pack, sample_report(), date(2026, 1, 18))
    assert other.text == f"{label}（不适用于本报告）" and "本报告为 2019 格式" in other.tooltip
    assert "发布：某市人民政府办公室（市政务公开办），版本 2025.1" in early.tooltip
