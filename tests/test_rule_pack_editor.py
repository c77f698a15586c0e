"""A rule pack in force in the editor: its findings join the official ones after every edit, a warning is
explained like any other, and 定稿 waits for its errors and unexplained warnings."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtWidgets import QFileDialog
from pytestqt.qtbot import QtBot

from models.database import Database
from services.editing import ReportEditor
from services.rule_pack_reader import load_rule_pack
from tests.factories import filled_report
from tests.stored import load, save
from tests.test_rule_packs import EXAMPLE
from ui.main_window import MainWindow


def test_the_editor_checks_against_the_pack_in_force(db: Database) -> None:
    report = filled_report("2021", year=2025)
    report.signed_on = date(2026, 1, 10)
    report_id = save(db, report)
    editor = ReportEditor.open(db, report_id)
    official = list(editor.findings)
    assert not [f for f in official if f.rule.startswith("PACK_")]

    editor.use_rule_pack(load_rule_pack(EXAMPLE))
    added = editor.findings[len(official) :]
    assert editor.findings[: len(official)] == official
    assert [f.rule for f in added] == ["PACK_MENTION"] * 9 + ["PACK_CONFIRM"]
    assert len(editor.blocking()) == len(added)
    outcome = editor.set_field("fee_notices", None)  # the pack makes the fee fields an error
    assert outcome.ok
    assert [f.key for f in editor.findings if f.severity == "error"] == ["PACK_REQUIRED:city-2025:fees"]
    editor.set_field("fee_notices", 0)

    confirm = next(f for f in editor.findings if f.rule == "PACK_CONFIRM")
    assert editor.set_explanation(confirm.key, "已于2026年1月8日与市司法局核对一致").ok
    assert next(f for f in editor.findings if f.rule == "PACK_CONFIRM").explained
    assert load(db, report_id).explanations[confirm.key] == "已于2026年1月8日与市司法局核对一致"

    refused = editor.finalise()
    assert not refused.ok and "9 个未说明的提示" in refused.message
    editor.use_rule_pack(None)
    assert editor.finalise().ok


def test_the_check_report_lists_the_pack_findings_as_the_panel_does(
    qtbot: QtBot, db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    report = filled_report("2021", year=2025)
    report.signed_on = date(2026, 1, 10)
    report_id = save(db, report)
    window = MainWindow(db, str(tmp_path))
    qtbot.addWidget(window)
    window.open_report(report_id)
    assert window.session is not None
    window.session.editor.use_rule_pack(load_rule_pack(EXAMPLE))
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *args: (str(tmp_path / "check"), "")))
    window.export_check_report()
    text = "".join(p.extract_text() for p in PdfReader(tmp_path / "check.pdf").pages)
    assert "上级要求" in text and "【" in text  # the pack's rule named in Chinese, its message naming the pack
