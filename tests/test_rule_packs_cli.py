"""`check --rules PACK.json` and `aggregate … --rules PACK.json`: a superior office's pack on top of the official
checks, in the same outputs and with the exit codes of README's table."""

from __future__ import annotations

import io
import json
from datetime import date
from pathlib import Path

import pytest

from main import run
from services.exchange import dump_exchange
from services.report import Report
from tests.factories import filled_report
from tests.test_rule_packs import EXAMPLE, pack_data


def cli(*argv: str | Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    out = io.StringIO()
    code = run([str(a) for a in argv], out)
    return code, out.getvalue(), capsys.readouterr().err


def saved(tmp_path: Path, report: Report, name: str = "r.json") -> Path:
    path = tmp_path / name
    path.write_text(dump_exchange(report), encoding="utf-8")
    return path


def test_check_with_the_example_pack_adds_its_findings(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = saved(tmp_path, filled_report("2021", year=2025))
    code, official, _ = cli("check", path, "--json", capsys=capsys)
    assert code == 0
    code, out, err = cli("check", path, "--json", "--rules", EXAMPLE, capsys=capsys)
    findings = json.loads(out)  # stdout stays one JSON list: what the pack is goes to stderr
    assert code == 0
    assert findings[: len(json.loads(official))] == json.loads(official)
    added = findings[len(json.loads(official)) :]
    assert [f["rule"] for f in added] == ["PACK_MENTION"] * 9 + ["PACK_CONFIRM", "PACK_DEADLINE"]
    assert all(f["severity"] == "warning" and f["message"].startswith("【某市要求】") for f in added)
    assert "上级要求：某市政务公开办 2025 年度报告要求" in err
    code, text, _ = cli("check", path, "--rules", EXAMPLE, capsys=capsys)
    assert "[提示] PACK_DEADLINE：【某市要求】成文日期为 2026年1月20日，晚于上级要求的报送期限 2026年1月15日" in text


def test_a_pack_error_makes_check_exit_1(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    report = filled_report("2021", year=2025)
    report.fees.notices = None
    report.fees.amount_yuan = None
    report.texts["s6_other"] += "本年未收取信息处理费。"  # the official S6_FEE is content with the words
    path = saved(tmp_path, report)
    assert cli("check", path, capsys=capsys)[0] == 0
    code, out, _ = cli("check", path, "--rules", EXAMPLE, capsys=capsys)
    assert code == 1
    assert (
        "[错误] PACK_REQUIRED：【某市要求】须填写：信息处理费·收费通知件数、信息处理费·实际收取金额（元）；"
        "没有收费的填 0" in out
    )


def test_a_pack_that_does_not_apply_says_so(sample_json_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = cli("check", sample_json_path, "--json", "--rules", EXAMPLE, capsys=capsys)
    assert code == 0 and [f["rule"] for f in json.loads(out)] == ["SIGN_DATE"]
    assert "不适用于本报告：规则包适用于 2021 格式，本报告为 2019 格式" in err


def test_a_malformed_pack_exits_2_with_every_problem(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = pack_data(
        {"id": "a", "kind": "mention", "text": "s1", "what": "x", "template": "{n}件", "equals": 5},
        {"id": "b", "kind": "deadline", "date": "1月15日"},
    )
    pack = tmp_path / "bad.json"
    pack.write_text(json.dumps(bad, ensure_ascii=False), encoding="utf-8")
    path = saved(tmp_path, filled_report("2021", year=2025))
    code, out, err = cli("check", path, "--rules", pack, capsys=capsys)
    assert code == 2 and out == ""
    assert "规则包 bad.json 有 2 处错误，未载入" in err
    assert "rules[0].equals：应为单元格键" in err and "rules[1].date：应为次年的月-日" in err


def test_aggregate_lists_the_units_that_fail_each_rule(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    early = filled_report("2021", year=2025, agency="某市甲局")
    early.signed_on = date(2026, 1, 10)
    late = filled_report("2021", year=2025, agency="某市乙局", seed=2)
    files = [saved(tmp_path, early, "a.json"), saved(tmp_path, late, "b.json")]
    code, plain, _ = cli("aggregate", *files, "-o", tmp_path / "sum.json", capsys=capsys)
    assert code == 0 and "上级要求" not in plain
    code, out, _ = cli("aggregate", *files, "-o", tmp_path / "sum.json", "--rules", EXAMPLE, capsys=capsys)
    assert code == 0
    assert "  上级要求：某市政务公开办 2025 年度报告要求：2 个单位未达要求\n" in out
    assert "    次年 1 月 15 日前成文：某市乙局\n" in out
    assert "    “一、总体情况”写明本年制发规章件数并与表中一致：某市甲局、某市乙局\n" in out
    early.fees.notices = None
    files[0] = saved(tmp_path, early, "a.json")
    code, out, _ = cli("aggregate", *files, "-o", tmp_path / "sum.json", "--rules", EXAMPLE, capsys=capsys)
    assert code == 1 and "    须填写信息处理费·收费通知件数、信息处理费·实际收取金额（元）（错误）：某市甲局\n" in out
