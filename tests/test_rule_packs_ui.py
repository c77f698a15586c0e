"""审核 › 载入上级要求（规则包）… as a clerk uses it: the pack's findings in the check panel, the office in the
status bar, an explanation written in the panel, the pack still in force after a restart, and removed."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from PySide6.QtGui import QAction
from pytestqt.qtbot import QtBot

from models.database import Database
from tests.factories import filled_report
from tests.stored import load, save
from tests.test_check_panel import children, explain, groups
from tests.test_rule_packs import EXAMPLE, pack_data
from ui import rule_pack_actions
from ui.check_panel import WARNINGS_TITLE
from ui.main_window import MainWindow

TODAY = date(2026, 1, 10)
LABEL = "上级要求：某市政务公开办 2025 年度报告要求"


def window_on(qtbot: QtBot, db: Database, data_dir: Path) -> MainWindow:
    window = MainWindow(db, str(data_dir), today=TODAY)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    return window


def menu_action(window: MainWindow, text: str) -> QAction:
    found = [a for a in window.findChildren(QAction) if a.text() == text]
    assert len(found) == 1, f"menu item {text}: {len(found)} found"
    return found[0]


def pack_warnings(window: MainWindow) -> list[str]:
    assert window.panel is not None
    return [c.text(0) for c in children(groups(window.panel)[WARNINGS_TITLE]) if "【某市要求】" in c.text(0)]


@pytest.fixture
def stored(db: Database) -> int:
    report = filled_report("2021", year=2025)
    report.signed_on = date(2026, 1, 8)
    return save(db, report)


def test_loading_a_pack_shows_its_findings_and_its_office(
    qtbot: QtBot, db: Database, stored: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = tmp_path / "data"
    window = window_on(qtbot, db, data)
    window.open_report(stored)
    assert pack_warnings(window) == [] and not window.rule_packs.label.isVisible()
    assert not menu_action(window, "移除上级要求").isEnabled()

    monkeypatch.setattr(rule_pack_actions, "open_files", lambda *_: [EXAMPLE])
    menu_action(window, "载入上级要求（规则包）…").trigger()

    shown = pack_warnings(window)
    assert len(shown) == 10
    assert (
        shown[0] == "⚠ 【某市要求】未写明通过政府网站主动公开政府信息的条数"
        "（“一、总体情况”中，如“通过门户网站主动公开政府信息N条”）"
    )
    label = window.rule_packs.label
    assert label.isVisible() and label.text() == f"{LABEL}（报送期限 1月15日，还有 5 天）"
    assert "某市人民政府办公室（市政务公开办）" in label.toolTip()
    assert (
        window.message.text()
        == "已载入上级要求：某市政务公开办 2025 年度报告要求（某市人民政府办公室（市政务公开办），共 14 条要求）。"
    )

    assert window.panel is not None
    explain(qtbot, window.panel, "PACK_CONFIRM:city-2025:justice", "已于1月8日与市司法局核对一致")
    assert load(db, stored).explanations["PACK_CONFIRM:city-2025:justice"] == "已于1月8日与市司法局核对一致"
    assert any(line.startswith("✓ 已说明：【某市要求】规章和行政规范性文件") for line in pack_warnings(window))

    window.close()
    again = window_on(qtbot, db, data)  # the next start: the pack is still in force
    again.open_report(stored)
    assert again.rule_packs.label.text().startswith(LABEL) and len(pack_warnings(again)) == 10

    menu_action(again, "移除上级要求").trigger()
    assert pack_warnings(again) == [] and not again.rule_packs.label.isVisible()
    assert again.message.text() == f"已移除上级要求“{LABEL[5:]}”，只按正式的审核规则审核。"


def test_a_malformed_pack_is_refused_with_its_problems(
    qtbot: QtBot, db: Database, stored: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import json

    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(pack_data({"id": "a", "kind": "max_chars", "text": "s9", "max": 10})), encoding="utf-8")
    window = window_on(qtbot, db, tmp_path / "data")
    window.open_report(stored)
    said: list[tuple[str, tuple[str, ...]]] = []
    monkeypatch.setattr(rule_pack_actions, "open_files", lambda *_: [bad])
    monkeypatch.setattr(
        rule_pack_actions, "show_problems", lambda _w, _t, message, problems: said.append((message, problems))
    )
    menu_action(window, "载入上级要求（规则包）…").trigger()
    assert said == [("规则包 bad.json 有 1 处错误，未载入", ('rules[0].text：2021 格式中没有文字部分 "s9"',))]
    assert pack_warnings(window) == [] and not window.rule_packs.label.isVisible()


def test_the_sum_of_units_lists_which_fail_the_pack_in_force(
    qtbot: QtBot, db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from services.rule_pack_store import install_pack
    from ui import main_window as main_window_module
    from ui.aggregate_dialog import AggregateDialog, AggregateRequest

    early = filled_report("2021", year=2025, agency="某市甲局")
    early.signed_on = date(2026, 1, 10)
    save(db, early)
    save(db, filled_report("2021", year=2025, agency="某市乙局", seed=2))  # signed 2026-01-20
    data = tmp_path / "data"
    install_pack(EXAMPLE, data)
    window = window_on(qtbot, db, data)
    monkeypatch.setattr(
        AggregateDialog,
        "ask",
        classmethod(lambda cls, parent, agencies, today: AggregateRequest("某市汇总", 2025, "2021", tuple(agencies))),
    )
    shown: list[tuple[str, ...]] = []
    monkeypatch.setattr(main_window_module, "show_problems", lambda _p, _t, _m, lines: shown.append(lines))
    window.aggregate()
    [lines] = shown
    assert f"{LABEL}：2 个单位未达要求" in lines
    assert "  次年 1 月 15 日前成文：某市乙局" in lines
