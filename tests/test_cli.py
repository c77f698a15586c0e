"""The command line exactly as ../shared/spec/exchange.md says: outputs and exit codes."""

from __future__ import annotations

import io
import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from main import run
from services.exchange import dump_exchange
from services.formats import get_format
from tests.factories import SAMPLE, filled_report


def cli(*argv: str | Path) -> tuple[int, str]:
    out = io.StringIO()
    code = run([str(a) for a in argv], out)
    return code, out.getvalue()


def test_check_sample_reports_only_the_signing_date(sample_json_path: Path) -> None:
    code, out = cli("check", sample_json_path, "--json")
    findings = json.loads(out)
    assert code == 0
    assert [(f["rule"], f["severity"]) for f in findings] == [("SIGN_DATE", "warning")]
    assert set(findings[0]) == {"rule", "severity", "message", "cells"}
    assert "2020年1月20日" in findings[0]["message"] or "2020-01-20" in findings[0]["message"]


def test_check_prints_findings_in_chinese(sample_json_path: Path) -> None:
    code, out = cli("check", sample_json_path)
    assert code == 0
    assert "SIGN_DATE" in out and "错误 0 条" in out


def _exchange_files(tmp_path: Path) -> dict[str, dict[str, Any]]:
    sample = json.loads(SAMPLE.read_text(encoding="utf-8"))
    return {"2019": sample, "2021": json.loads(dump_exchange(filled_report("2021")))}


def _count_cells(fid: str) -> list[tuple[str, str, str]]:
    f = get_format(fid)
    return [c.key for t in ("t3", "t4") for c in f.table(t).cells if c.kind == "count"]


@pytest.mark.parametrize("fid", ["2019", "2021"])
def test_every_count_cell_plus_one_is_caught(tmp_path: Path, fid: str) -> None:
    base = _exchange_files(tmp_path)[fid]
    path = tmp_path / "r.json"
    path.write_text(json.dumps(base, ensure_ascii=False), encoding="utf-8")
    assert cli("check", path, "--json")[0] == 0
    table_names = {t.key: t for t in get_format(fid).tables}
    cells = _count_cells(fid)
    assert len(cells) == {"2019": 176, "2021": 190}[fid]
    for table, row, col in cells:
        changed = json.loads(json.dumps(base))
        changed["tables"][table][row][col] += 1
        path.write_text(json.dumps(changed, ensure_ascii=False), encoding="utf-8")
        code, out = cli("check", path, "--json")
        identity = [
            f for f in json.loads(out) if f["rule"] in ("T3_BALANCE", "T3_HANDLED_SUM", "T3_ROW_TOTAL", "T4_ROW_TOTAL")
        ]
        assert code == 1, (table, row, col)
        assert identity, (table, row, col)
        t = table_names[table]
        names = {t.row(row).label, t.row(row).short, t.column(col).label}
        for f in identity:
            assert f["severity"] == "error"
            assert [table, row, col] in f["cells"] or any(n in f["message"] for n in names), f


def _db_dump(db: Path) -> list[str]:
    if not db.exists():
        return []
    con = sqlite3.connect(db)
    try:
        return [line for line in con.iterdump() if "alembic_version" not in line]
    finally:
        con.close()


def test_import_then_export_gives_back_an_equivalent_file(tmp_path: Path, sample_json_path: Path) -> None:
    db = tmp_path / "n.sqlite3"
    assert cli("--db", db, "import", sample_json_path)[0] == 0
    out = tmp_path / "out.json"
    code, _ = cli("--db", db, "export", "贵阳市人民防空办公室", "2020", "-o", out)
    assert code == 0
    assert json.loads(out.read_text(encoding="utf-8")) == json.loads(sample_json_path.read_text(encoding="utf-8"))


def test_import_existing_needs_replace(
    tmp_path: Path, sample_json_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "n.sqlite3"
    assert cli("--db", db, "import", sample_json_path)[0] == 0
    before = _db_dump(db)
    assert cli("--db", db, "import", sample_json_path)[0] == 2
    assert "已存在" in capsys.readouterr().err
    assert _db_dump(db) == before
    assert cli("--db", db, "import", sample_json_path, "--replace")[0] == 0


def _mutate(sample: dict[str, Any], how: str) -> str:
    d = json.loads(json.dumps(sample))
    if how == "wrong key":
        d["tables"]["t3"]["new"]["natrual"] = d["tables"]["t3"]["new"].pop("natural")
    elif how == "string count":
        d["tables"]["t3"]["new"]["natural"] = "6"
    elif how == "negative count":
        d["tables"]["t4"]["review"]["pending"] = -1
    elif how == "newer version":
        d["version"] = 2
    elif how == "tampered hash":
        d["status"] = "final"
        d["sha256"] = "0" * 64
    elif how == "truncated":
        return json.dumps(d, ensure_ascii=False)[:-40]
    return json.dumps(d, ensure_ascii=False)


@pytest.mark.parametrize(
    ("how", "place"),
    [
        ("wrong key", "$.tables.t3.new"),
        ("string count", "$.tables.t3.new.natural"),
        ("negative count", "$.tables.t4.review.pending"),
        ("truncated", "行"),
        ("newer version", "2"),
        ("tampered hash", "校验"),
    ],
)
def test_bad_input_exits_2_names_the_place_and_changes_nothing(
    tmp_path: Path, sample_json_path: Path, capsys: pytest.CaptureFixture[str], how: str, place: str
) -> None:
    sample = json.loads(sample_json_path.read_text(encoding="utf-8"))
    db = tmp_path / "n.sqlite3"
    other = filled_report("2021", agency="另一个局")
    good = tmp_path / "good.json"
    good.write_text(dump_exchange(other), encoding="utf-8")
    assert cli("--db", db, "import", good)[0] == 0
    before = _db_dump(db)
    bad = tmp_path / "bad.json"
    bad.write_text(_mutate(sample, how), encoding="utf-8")
    capsys.readouterr()
    assert cli("check", bad)[0] == 2
    err = capsys.readouterr().err
    assert place in err
    assert any("\u4e00" <= ch <= "\u9fff" for ch in err)
    assert cli("--db", db, "import", bad)[0] == 2
    assert _db_dump(db) == before


def test_export_to_an_unknown_kind_says_which_kinds_exist(
    tmp_path: Path, sample_json_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "n.sqlite3"
    cli("--db", db, "import", sample_json_path)
    assert cli("--db", db, "export", "贵阳市人民防空办公室", "2020", "-o", tmp_path / "x.odt")[0] == 2
    assert ".xlsx" in capsys.readouterr().err
    assert not (tmp_path / "x.odt").exists()


def test_export_of_a_missing_report(tmp_path: Path, sample_json_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "n.sqlite3"
    assert cli("--db", db, "export", "无此单位", "2020", "-o", tmp_path / "x.json")[0] == 2
    assert "数据库文件不存在" in capsys.readouterr().err
    assert not db.exists()  # a mistyped --db leaves no empty database behind
    cli("--db", db, "import", sample_json_path)
    assert cli("--db", db, "export", "无此单位", "2020", "-o", tmp_path / "x.json")[0] == 2
    assert "没有“无此单位”2020 年的报告" in capsys.readouterr().err
    assert cli("--db", db, "export", "贵阳市人民防空办公室", "2020", "-o", tmp_path / "x.json")[0] == 0


def test_export_refuses_an_impossible_year(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        cli("--db", tmp_path / "n.sqlite3", "export", "某局", "99999999999999999999", "-o", tmp_path / "x.json")
    assert info.value.code == 2
    assert "年度应为 1990–2100" in capsys.readouterr().err


def test_an_unusable_data_folder_is_a_message_not_a_crash(
    tmp_path: Path, sample_json_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from main import main

    not_a_folder = tmp_path / "file.txt"
    not_a_folder.write_text("x", encoding="utf-8")
    assert main(["--data-dir", str(not_a_folder), "import", str(sample_json_path)]) == 2
    assert "无法使用数据目录" in capsys.readouterr().err


def _as_final(data: dict[str, Any]) -> dict[str, Any]:
    from services.exchange import report_hash

    data = {k: v for k, v in data.items() if k != "sha256"}
    data["status"] = "final"
    data["sha256"] = report_hash(data)
    return data


def test_a_final_file_that_fails_its_checks_is_imported_as_a_draft(tmp_path: Path, sample_json_path: Path) -> None:
    data = json.loads(sample_json_path.read_text(encoding="utf-8"))
    data["tables"]["t3"]["new"]["natural"] = 99
    path = tmp_path / "final.json"
    path.write_text(json.dumps(_as_final(data), ensure_ascii=False), encoding="utf-8")
    db = tmp_path / "n.sqlite3"
    code, out = cli("--db", db, "import", path)
    assert code == 0 and "已作为草稿导入" in out
    con = sqlite3.connect(db)
    assert con.execute("SELECT status FROM report").fetchall() == [("draft",)]
    con.close()


def test_a_clean_final_file_stays_final(tmp_path: Path) -> None:
    report = filled_report("2021")
    report.status = "final"
    path = tmp_path / "final.json"
    path.write_text(dump_exchange(report), encoding="utf-8")
    db = tmp_path / "n.sqlite3"
    code, out = cli("--db", db, "import", path)
    assert code == 0 and "草稿" not in out
    con = sqlite3.connect(db)
    assert con.execute("SELECT status FROM report").fetchall() == [("final",)]
    con.close()


def test_an_agency_name_with_stray_spaces_is_the_same_agency(tmp_path: Path, sample_json_path: Path) -> None:
    data = json.loads(sample_json_path.read_text(encoding="utf-8"))
    data["agency"]["name"] = " 贵阳市人民防空办公室 "
    spaced = tmp_path / "spaced.json"
    spaced.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    db = tmp_path / "n.sqlite3"
    assert cli("--db", db, "import", sample_json_path)[0] == 0
    assert cli("--db", db, "import", spaced)[0] == 2
    con = sqlite3.connect(db)
    assert con.execute("SELECT name FROM agency").fetchall() == [("贵阳市人民防空办公室",)]
    con.close()


def test_check_with_last_years_file_runs_the_cross_year_rules(tmp_path: Path) -> None:
    last = filled_report("2021", year=2022, seed=3)
    this = filled_report("2021", year=2023, seed=4)
    paths = []
    for r in (last, this):
        paths.append(tmp_path / f"{r.year}.json")
        paths[-1].write_text(dump_exchange(r), encoding="utf-8")
    code, out = cli("check", paths[1], "--json", "--previous", paths[0])
    rules = {f["rule"] for f in json.loads(out)}
    assert code == 0 and "X_CARRY_OVER" in rules and "X_IN_FORCE" in rules
    assert cli("check", paths[1], "--json")[1].count("X_CARRY_OVER") == 0
    assert cli("check", paths[0], "--previous", paths[1])[0] == 2  # not last year's report


def test_main_runs_a_command_after_global_options(
    tmp_path: Path, sample_json_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from main import main

    assert main(["--db", str(tmp_path / "n.sqlite3"), "import", str(sample_json_path)]) == 0
    assert main(["--db", str(tmp_path / "n.sqlite3"), "check", str(tmp_path / "missing.json")]) == 2
    assert "文件不存在" in capsys.readouterr().err


def test_pdf_command_writes_the_report_and_the_check_report(tmp_path: Path, sample_json_path: Path) -> None:
    from pypdf import PdfReader

    out, check = tmp_path / "r.pdf", tmp_path / "check.pdf"
    code, text = cli("pdf", sample_json_path, "-o", out, "--check-report", check)
    assert code == 0 and "已生成" in text
    pages = PdfReader(out).pages
    assert len(pages) >= 2 and "贵阳市人民防空办公室" in pages[0].extract_text()
    assert "成文日期为 2020年1月20日" in "".join(p.extract_text() for p in PdfReader(check).pages)


def test_pdf_of_a_bad_file_is_exit_2_and_writes_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("{", encoding="utf-8")
    assert cli("pdf", bad, "-o", tmp_path / "r.pdf")[0] == 2
    assert not (tmp_path / "r.pdf").exists() and "JSON" in capsys.readouterr().err


def test_export_to_pdf(tmp_path: Path, sample_json_path: Path) -> None:
    db = tmp_path / "n.sqlite3"
    cli("--db", db, "import", sample_json_path)
    assert cli("--db", db, "export", "贵阳市人民防空办公室", "2020", "-o", tmp_path / "x.pdf")[0] == 0
    assert (tmp_path / "x.pdf").read_bytes().startswith(b"%PDF")


def test_import_keep_leaves_the_stored_report(tmp_path: Path, sample_json_path: Path) -> None:
    db = tmp_path / "n.sqlite3"
    assert cli("--db", db, "import", sample_json_path)[0] == 0
    changed = json.loads(sample_json_path.read_text(encoding="utf-8"))
    changed["texts"]["s6_other"] = "文件中的新文字"
    other = tmp_path / "changed.json"
    other.write_text(json.dumps(changed, ensure_ascii=False), encoding="utf-8")
    before = _db_dump(db)
    code, out = cli("--db", db, "import", other, "--keep")
    assert code == 0 and "保留原有的" in out
    assert _db_dump(db) == before
    assert cli("--db", db, "import", other, "--replace")[0] == 0
    assert _db_dump(db) != before


def test_aggregate_command_sums_and_reports_the_units(tmp_path: Path) -> None:
    units = [filled_report("2021", agency=f"某县{name}", seed=i) for i, name in enumerate(("教育局", "民政局"))]
    paths = []
    for unit in units:
        paths.append(tmp_path / f"{unit.agency}.json")
        paths[-1].write_text(dump_exchange(unit), encoding="utf-8")
    out = tmp_path / "sum.json"
    code, text = cli("aggregate", *paths, "-o", out, "--name", "某县汇总")
    assert code == 0, text
    total = json.loads(out.read_text(encoding="utf-8"))
    assert total["agency"]["name"] == "某县汇总"
    natural = sum(u.number("t3", "new", "natural") for u in units)
    assert total["tables"]["t3"]["new"]["natural"] == natural
    assert "汇总 2 个单位" in text


def test_aggregate_refuses_another_format_and_flags_errors(tmp_path: Path, sample_json_path: Path) -> None:
    good = filled_report("2021", agency="某县教育局")
    broken = filled_report("2021", agency="某县民政局", seed=5)
    broken.cells[("t3", "new", "natural")] = broken.number("t3", "new", "natural") + 1
    paths = []
    for unit in (good, broken):
        paths.append(tmp_path / f"{unit.agency}.json")
        paths[-1].write_text(dump_exchange(unit), encoding="utf-8")
    code, text = cli("aggregate", *paths, sample_json_path, "-o", tmp_path / "sum.json", "--year", "2022")
    assert code == 1
    assert "有错误的单位：某县民政局" in text and "未汇总：贵阳市人民防空办公室" in text


def test_excel_round_trip_through_the_command_line(tmp_path: Path, sample_json_path: Path) -> None:
    db = tmp_path / "n.sqlite3"
    cli("--db", db, "import", sample_json_path)
    xlsx = tmp_path / "r.xlsx"
    assert cli("--db", db, "export", "贵阳市人民防空办公室", "2020", "-o", xlsx)[0] == 0
    code, out = cli("check", xlsx, "--json")
    assert code == 0 and [f["rule"] for f in json.loads(out)] == ["SIGN_DATE"]
    other = tmp_path / "other.sqlite3"
    assert cli("--db", other, "import", xlsx)[0] == 0
    back = tmp_path / "back.json"
    assert cli("--db", other, "export", "贵阳市人民防空办公室", "2020", "-o", back)[0] == 0
    assert json.loads(back.read_text(encoding="utf-8")) == json.loads(sample_json_path.read_text(encoding="utf-8"))


@pytest.mark.parametrize("suffix", [".docx", ".html"])
def test_export_for_the_portal(tmp_path: Path, sample_json_path: Path, suffix: str) -> None:
    db = tmp_path / "n.sqlite3"
    cli("--db", db, "import", sample_json_path)
    target = tmp_path / f"r{suffix}"
    assert cli("--db", db, "export", "贵阳市人民防空办公室", "2020", "-o", target)[0] == 0
    assert target.stat().st_size > 10_000


def test_import_of_the_published_text_needs_an_agency_then_matches_the_sample(
    tmp_path: Path, sample_text_path: Path, sample_json_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = sample_text_path
    db = tmp_path / "n.sqlite3"
    assert cli("--db", db, "import", text)[0] == 2
    assert "--agency" in capsys.readouterr().err
    assert cli("--db", db, "import", text, "--agency", "贵阳市人民防空办公室")[0] == 0
    out = tmp_path / "back.json"
    assert cli("--db", db, "export", "贵阳市人民防空办公室", "2020", "-o", out)[0] == 0
    back, sample = (json.loads(p.read_text(encoding="utf-8")) for p in (out, sample_json_path))
    assert back["tables"] == sample["tables"] and back["texts"] == sample["texts"]


def test_a_page_without_tables_imports_its_texts_and_says_the_tables_are_missing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    page = tmp_path / "page.html"
    page.write_text(
        "<html><head><title>某局2022年政府信息公开工作年度报告</title></head><body>"
        "<p>一、总体情况</p><p>（一）主动公开</p><p>本年度主动公开信息。</p></body></html>",
        encoding="utf-8",
    )
    db = tmp_path / "n.sqlite3"
    code, said = cli("--db", db, "import", page)
    assert code == 0  # partial is fine: the text is not lost with the tables
    assert "未找到表格" in said
    out = tmp_path / "back.json"
    assert cli("--db", db, "export", "某局", "2022", "-o", out)[0] == 0
    back = json.loads(out.read_text(encoding="utf-8"))
    assert back["texts"]["s1_active"] == "本年度主动公开信息。"
    assert all(v is None for table in back["tables"].values() for row in table.values() for v in row.values())


def test_a_page_with_neither_tables_nor_texts_imports_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    page = tmp_path / "page.html"
    page.write_text(
        "<html><head><title>某局2022年政府信息公开工作年度报告</title></head><body>"
        "<p>一、总体情况</p><p>二、主动公开政府信息情况</p></body></html>",
        encoding="utf-8",
    )
    db = tmp_path / "n.sqlite3"
    assert cli("--db", db, "import", page)[0] == 2
    assert "既没有找到年度报告的表格，也没有找到各部分的文字" in capsys.readouterr().err
    assert _db_dump(db) == [] or all('INSERT INTO "report"' not in line for line in _db_dump(db))


def test_a_report_file_given_to_the_app_is_imported_and_opened(tmp_path: Path, sample_json_path: Path) -> None:
    # what Explorer's 打开方式 → 年报 does: `nianbao FILE.json`
    import os
    import subprocess
    import sys

    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "NIANBAO_SMOKE_EXIT_MS": "1500"}
    db = tmp_path / "n.sqlite3"
    result = subprocess.run(
        [sys.executable, "main.py", str(sample_json_path), "--db", str(db), "--data-dir", str(tmp_path)],
        cwd=Path(__file__).resolve().parent.parent,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "window shown" in result.stdout
    con = sqlite3.connect(db)
    assert con.execute("SELECT count(*) FROM report").fetchone() == (1,)
    con.close()


def test_pdf_uses_the_faces_the_clerk_chose_and_names_the_stand_ins(tmp_path: Path, sample_json_path: Path) -> None:
    import pdfplumber

    from services.app_state import AppState, save_state

    def heading_faces(pdf: Path) -> tuple[str, str]:
        with pdfplumber.open(pdf) as doc:
            chars = doc.pages[0].chars
        text = "".join(c["text"] for c in chars)
        level1 = chars[text.index("一、总体情况")]["fontname"]
        level2 = chars[text.index("（一）主动公开")]["fontname"]
        return level1, level2

    data = tmp_path / "data"
    code, text = cli("--data-dir", data, "pdf", sample_json_path, "-o", tmp_path / "auto.pdf")
    assert code == 0
    if "字体替代 一级标题" not in text:
        pytest.skip("this machine has a standard 黑体: no stand-in to name (CI's Debian faces are stand-ins)")
    assert "字体替代 一级标题：未安装方正黑体_GBK、SimHei、方正黑体简体、CESI黑体，改用" in text
    level1, level2 = heading_faces(tmp_path / "auto.pdf")
    assert level1 != level2
    # the clerk prints level-1 headings in the 楷体 face of level 2 (打印字体…, remembered per user)
    kai = next(line for line in text.splitlines() if line.startswith("字体替代 二级标题")).rsplit("改用", 1)[1]
    save_state(data, AppState(fonts=(("heading1", kai),)))
    code, text = cli("--data-dir", data, "pdf", sample_json_path, "-o", tmp_path / "chosen.pdf")
    assert code == 0 and "一级标题" not in text
    level1, level2 = heading_faces(tmp_path / "chosen.pdf")
    assert level1 == level2


def test_fonts_lists_each_role_by_the_family_inside_the_files(tmp_path: Path) -> None:
    from tests.test_pdf_fonts import SUNGTI, _renamed

    folder = tmp_path / "fonts"
    folder.mkdir()
    _renamed(SUNGTI, folder / "no-meaningful-name.ttf", ["仿宋_GB2312", "FangSong_GB2312"])
    code, text = cli("--data-dir", tmp_path / "data", "fonts", "--folder", folder)
    assert code == 0
    lines = dict(line.split("：", 1) for line in text.splitlines() if not line.startswith("字体替代"))
    assert set(lines) == {"标题", "正文", "表格", "一级标题", "二级标题", "页码"}
    assert lines["正文"] == f"仿宋_GB2312（{folder / 'no-meaningful-name.ttf'}）"
    assert "字体替代 正文" not in text


def test_the_units_workbook_shows_the_report_that_was_summed(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    last_year = filled_report("2021", year=2021, agency="某县教育局", seed=3)
    this_year = filled_report("2021", year=2022, agency="某县教育局", seed=4)
    other = filled_report("2021", year=2022, agency="某县民政局", seed=5)
    paths = []
    for unit in (last_year, this_year, other):  # last year's report first: refused for its year
        paths.append(tmp_path / f"{unit.agency}-{unit.year}.json")
        paths[-1].write_text(dump_exchange(unit), encoding="utf-8")
    out = tmp_path / "units.xlsx"
    code, text = cli("aggregate", *paths, "-o", out, "--year", "2022")
    assert code == 0, text
    sheets = load_workbook(out, read_only=True)
    titles = {ws.title: ws["A1"].value for ws in sheets.worksheets}
    assert titles["某县教育局"] == "某县教育局 2022年", titles


@pytest.mark.parametrize("companion", ["", "-wal", "-shm"])
def test_export_never_writes_over_the_database_in_use(
    tmp_path: Path, sample_json_path: Path, companion: str, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "n.sqlite3"
    assert cli("--db", db, "import", sample_json_path)[0] == 0
    before = _db_dump(db)
    target = tmp_path / f"n.sqlite3{companion}"
    code, _ = cli("--db", db, "export", "贵阳市人民防空办公室", "2020", "-o", target)
    assert code == 2 and "正在使用的数据库文件" in capsys.readouterr().err
    assert _db_dump(db) == before


def test_a_pipe_or_a_folder_is_refused_at_once(tmp_path: Path) -> None:
    import os
    import subprocess
    import sys

    if not hasattr(os, "mkfifo"):
        pytest.skip("named pipes are a POSIX thing")
    pipe = tmp_path / "report.json"
    os.mkfifo(pipe)
    root = Path(__file__).resolve().parent.parent
    for target in (pipe, tmp_path):
        # in a child with a timeout: opening a pipe to read it would wait for ever
        done = subprocess.run(
            [sys.executable, str(root / "main.py"), "check", str(target)],
            capture_output=True,
            text=True,
            timeout=60,
            cwd=root,
        )
        assert done.returncode == 2, done.stderr
        assert "不是普通文件" in done.stderr
