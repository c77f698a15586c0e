"""The exchange file: exact round trips, the final-report hash, and strict refusal of every bad input."""

from __future__ import annotations

import copy
import hashlib
import json
import os
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from services.errors import ExchangeError
from services.exchange import (
    EXCHANGE_KIND,
    EXCHANGE_VERSION,
    MAX_FILE_BYTES,
    dump_exchange,
    parse_exchange,
    read_exchange,
    report_hash,
    to_exchange_dict,
    write_exchange,
)
from services.formats import get_format
from services.report import Fees, Report, empty_report
from services.values import to_text

Data = dict[str, Any]


@pytest.fixture(scope="module")
def sample_data(sample_json_path: Path) -> Data:
    data: Data = json.loads(sample_json_path.read_text(encoding="utf-8"))
    return data


def _report_2021() -> Report:
    """A 2021-format report with varied values, exact amounts, awkward texts, fees; status final."""
    report = empty_report("某某局", 2022)
    assert report.format_id == "2021"
    for i, spec in enumerate(report.format.cell_specs()):
        if spec.kind == "amount":
            report.cells[spec.key] = Decimal("1234.567891")
        elif i % 3 == 0:
            report.cells[spec.key] = i * 7
    report.set("t3", "new", "legal", None)  # an empty cell must stay empty
    report.agency_code = "11520100MB0000000X"
    report.title = "某某局2022年政府信息公开工作年度报告（修订版）"
    report.signed_by = "某某局"
    report.signed_on = date(2023, 1, 31)
    report.texts["s1_active"] = '第一段，含"双引号"与\\反斜杠。\n\n第二段：“中文引号”\t制表符。'
    report.texts["s6_other"] = "本年度收取信息处理费。\r\n另起一行 😀"
    report.fees = Fees(notices=3, amount_yuan=Decimal("125.5"))
    report.explanations = {"SIGN_DATE": "因机构改革延期。", "T3_SUM:natural": "原件如此。", "A": ""}
    report.status = "final"
    return report


def _problems(data: bytes | str) -> list[str]:
    with pytest.raises(ExchangeError) as info:
        parse_exchange(data, "测试.json")
    assert "测试.json" in info.value.message
    assert "未导入任何内容" in info.value.message
    return info.value.problems


# ---------------------------------------------------------------- reading the sample


def test_sample_parses_to_exact_values(sample_json_path: Path) -> None:
    report = read_exchange(sample_json_path)
    assert report.agency == "贵阳市人民防空办公室"
    assert report.agency_code is None
    assert report.agency_kind is None
    assert (report.year, report.format_id, report.status) == (2020, "2019", "draft")
    assert report.title is None
    assert report.signed_by == "贵阳市人民防空办公室"
    assert report.signed_on == date(2020, 1, 20)
    amount = report.get("t2", "procurement", "amount")
    assert isinstance(amount, Decimal)
    assert str(amount) == "533.41"
    assert report.get("t2", "procurement", "count") == 4
    assert report.get("t2", "licensing", "change") == 1
    assert report.get("t3", "new", "natural") == 6
    assert report.get("t3", "total_handled", "total") == 6
    assert report.get("t4", "review", "total") == 0
    assert len(report.cells) == sum(1 for _ in get_format("2019").cell_specs())
    assert report.texts["preamble"] == ""
    assert report.texts["s1_management"].count("\n\n") == 2
    assert report.fees == Fees()
    assert report.explanations == {}


def test_sample_dumps_back_to_the_same_data(sample_json_path: Path, sample_data: Data) -> None:
    text = dump_exchange(read_exchange(sample_json_path))
    assert json.loads(text) == sample_data
    assert '"amount": "533.41"' in text
    assert "贵阳市" in text  # not \u-escaped


def test_totals_are_kept_as_given(sample_data: Data) -> None:
    data = copy.deepcopy(sample_data)
    data["tables"]["t3"]["new"]["total"] = 999  # disagrees with its row on purpose
    assert parse_exchange(json.dumps(data)).get("t3", "new", "total") == 999


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("533.41", Decimal("533.41")),
        (533.41, Decimal("533.41")),
        (0.1, Decimal("0.1")),  # as float this would be 0.1000000000000000055…
        (533, Decimal(533)),
        ("0.000001", Decimal("0.000001")),
        (None, None),
    ],
)
def test_amount_cell_is_read_exactly(sample_data: Data, given: Any, expected: Decimal | None) -> None:
    data = copy.deepcopy(sample_data)
    data["tables"]["t2"]["procurement"]["amount"] = given
    text = json.dumps(data).replace("0.1000000000000000055", "0.1")
    value = parse_exchange(text).get("t2", "procurement", "amount")
    assert value == expected
    assert value is None or isinstance(value, Decimal)


def test_absent_cell_and_optional_keys_read_as_empty(sample_data: Data) -> None:
    data = copy.deepcopy(sample_data)
    del data["tables"]["t3"]["new"]["natural"]
    for key in ("title", "signed_by", "signed_on", "texts", "fees", "explanations"):
        del data[key]
    report = parse_exchange(json.dumps(data))
    assert report.get("t3", "new", "natural") is None
    assert (report.title, report.signed_by, report.signed_on) == (None, None, None)
    assert (report.texts, report.fees, report.explanations) == ({}, Fees(), {})


def test_utf8_bom_is_accepted(sample_json_path: Path) -> None:
    raw = sample_json_path.read_bytes()
    assert parse_exchange(b"\xef\xbb\xbf" + raw) == parse_exchange(raw)


# ---------------------------------------------------------------- writing and round trips


def test_round_trip_of_a_varied_2021_report() -> None:
    report = _report_2021()
    text = dump_exchange(report)
    back = parse_exchange(text)
    assert back == report
    assert back.get("t3", "new", "legal") is None
    assert back.fees.amount_yuan == Decimal("125.5")
    assert back.texts["s1_active"] == report.texts["s1_active"]


def test_round_trip_through_a_file(tmp_path: Path) -> None:
    report = _report_2021()
    path = tmp_path / "报送.json"
    write_exchange(report, path)
    assert read_exchange(path) == report
    assert path.read_bytes().decode("utf-8") == dump_exchange(report)
    assert [p.name for p in tmp_path.iterdir()] == ["报送.json"]  # no temporary file left behind


def test_written_layout_follows_the_format() -> None:
    report = _report_2021()
    fmt = report.format
    data = to_exchange_dict(report)
    assert list(data) == [
        "kind",
        "version",
        "agency",
        "year",
        "format",
        "title",
        "signed_by",
        "signed_on",
        "status",
        "tables",
        "texts",
        "fees",
        "explanations",
    ]
    assert (data["kind"], data["version"]) == (EXCHANGE_KIND, EXCHANGE_VERSION)
    assert "agency_kind" not in data and "sha256" not in data
    assert list(data["tables"]) == [t.key for t in fmt.tables]
    for table in fmt.tables:
        written = [(row, col) for row, cols in data["tables"][table.key].items() for col in cols]
        assert written == [(spec.row, spec.col) for spec in table.cells]
    assert data["tables"]["t3"]["new"]["legal"] is None
    assert data["tables"]["t2"]["fees"]["amount"] == "1234.567891"
    assert isinstance(data["tables"]["t3"]["new"]["natural"], int)
    assert list(data["texts"]) == list(fmt.text_keys())
    assert data["fees"] == {"fee_notices": 3, "fee_amount_yuan": "125.5"}
    assert list(data["explanations"]) == sorted(report.explanations)
    assert data["signed_on"] == "2023-01-31"


def test_agency_kind_is_not_written_and_read_as_none() -> None:
    report = _report_2021()
    report.agency_kind = "government"
    assert "government" not in dump_exchange(report)
    assert parse_exchange(dump_exchange(report)).agency_kind is None


@pytest.mark.parametrize(
    ("cell", "value", "problem"),
    [
        (("t3", "new", "natural"), -1, "t3.new.natural"),
        (("t3", "new", "natural"), Decimal("1.5"), "t3.new.natural"),
        (("t3", "nonexistent", "natural"), 1, "t3.nonexistent.natural"),
    ],
)
def test_writing_refuses_what_could_not_be_read_back(cell: tuple[str, str, str], value: Any, problem: str) -> None:
    report = _report_2021()
    report.cells[cell] = value
    with pytest.raises(ExchangeError) as info:
        dump_exchange(report)
    assert any(problem in p for p in info.value.problems)


def test_failed_write_leaves_the_old_file_untouched(tmp_path: Path) -> None:
    path = tmp_path / "report.json"
    path.write_text("old", encoding="utf-8")
    report = _report_2021()
    report.cells[("t3", "new", "natural")] = -5
    with pytest.raises(ExchangeError):
        write_exchange(report, path)
    assert path.read_text(encoding="utf-8") == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["report.json"]


def test_write_into_missing_folder_is_a_domain_error(tmp_path: Path) -> None:
    with pytest.raises(ExchangeError, match="无法写入文件"):
        write_exchange(_report_2021(), tmp_path / "missing" / "report.json")


# ---------------------------------------------------------------- the final-report hash


def test_final_file_carries_a_verified_hash() -> None:
    report = _report_2021()
    data = json.loads(dump_exchange(report))
    assert list(data)[-1] == "sha256"
    assert len(data["sha256"]) == 64
    assert data["sha256"] == report_hash(data)
    canonical = json.dumps(
        {k: v for k, v in data.items() if k != "sha256"}, sort_keys=True, separators=(",", ":"), ensure_ascii=False
    )
    assert data["sha256"] == hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def test_draft_has_no_hash_and_a_present_draft_hash_is_verified(sample_data: Data) -> None:
    report = _report_2021()
    report.status = "draft"
    assert "sha256" not in json.loads(dump_exchange(report))
    data = copy.deepcopy(sample_data)
    data["sha256"] = report_hash(data)
    assert parse_exchange(json.dumps(data)).status == "draft"
    data["tables"]["t3"]["new"]["natural"] = 7
    assert _problems(json.dumps(data)) == ["$.sha256：内容与校验码不符：文件在定稿后被改动或已损坏"]


TAMPERINGS: list[tuple[str, Callable[[Data], None]]] = [
    ("count", lambda d: d["tables"]["t3"]["new"].__setitem__("natural", 1)),
    ("amount", lambda d: d["tables"]["t2"]["fees"].__setitem__("amount", "1234.567892")),
    ("text", lambda d: d["texts"].__setitem__("s1_active", d["texts"]["s1_active"] + "。")),
    ("agency", lambda d: d["agency"].__setitem__("name", "另一个局")),
    ("date", lambda d: d.__setitem__("signed_on", "2023-01-30")),
    ("explanation", lambda d: d["explanations"].pop("A")),
    ("status", lambda d: d.__setitem__("status", "draft")),
]


@pytest.mark.parametrize(("what", "tamper"), TAMPERINGS, ids=[t[0] for t in TAMPERINGS])
def test_tampered_final_file_is_refused(what: str, tamper: Callable[[Data], None]) -> None:
    data = json.loads(dump_exchange(_report_2021()))
    tamper(data)
    problems = _problems(json.dumps(data, ensure_ascii=False))
    assert problems == ["$.sha256：内容与校验码不符：文件在定稿后被改动或已损坏"]


@pytest.mark.parametrize(
    ("sha", "expected"),
    [
        (None, "$.sha256：定稿（status 为 final）的数据包必须带校验码 sha256"),
        ("abc", "$.sha256：校验码应为 64 位小写十六进制字符串"),
        (64, "$.sha256：校验码应为 64 位小写十六进制字符串"),
    ],
)
def test_final_file_needs_a_well_formed_hash(sha: Any, expected: str) -> None:
    data = json.loads(dump_exchange(_report_2021()))
    if sha is None:
        del data["sha256"]
    else:
        data["sha256"] = sha
    problems = _problems(json.dumps(data))
    assert len(problems) == 1 and problems[0].startswith(expected)


# ---------------------------------------------------------------- bad input, each refused with its JSON path


def _set(path: str, value: Any) -> Callable[[Data], None]:
    """A mutation setting `a.b.c` in the data."""
    *parents, last = path.split(".")

    def mutate(data: Data) -> None:
        target = data
        for key in parents:
            target = target[key]
        target[last] = value

    return mutate


def _delete(path: str) -> Callable[[Data], None]:
    *parents, last = path.split(".")

    def mutate(data: Data) -> None:
        target = data
        for key in parents:
            target = target[key]
        del target[last]

    return mutate


BAD_DATA: list[tuple[str, Callable[[Data], None], str]] = [
    ("unknown row key", _set("tables.t3.new_apps", {"natural": 1}), '$.tables.t3.new_apps：t3 表没有行键 "new_apps"'),
    (
        "row label",
        _set("tables.t2.规章", {"made": 1}),
        '$.tables.t2.规章：t2 表没有行键 "规章"；“规章”是行的名称，应使用键 rules',
    ),
    (
        "column label",
        _set("tables.t3.new.自然人", 6),
        '$.tables.t3.new.自然人：new 行没有列键 "自然人"；“自然人”是列的名称，应使用键 natural',
    ),
    (
        "column of another row",
        _set("tables.t2.fees.decisions", 1),
        '$.tables.t2.fees.decisions：fees 行没有列键 "decisions"',
    ),
    ("unknown table", _set("tables.t9", {}), '$.tables.t9：2019 格式没有表 "t9"'),
    ("string count", _set("tables.t3.new.natural", "6"), '$.tables.t3.new.natural：件数应为非负整数，实际为字符串 "6"'),
    ("negative count", _set("tables.t3.new.natural", -6), "$.tables.t3.new.natural：“-6”是负数：件数不能为负"),
    (
        "float count",
        _set("tables.t3.new.natural", Decimal("6.0")),
        "$.tables.t3.new.natural：件数应为非负整数，实际为小数 6.0",
    ),
    (
        "bool count",
        _set("tables.t4.review.upheld", True),
        "$.tables.t4.review.upheld：件数应为非负整数，实际为布尔值 true",
    ),
    ("huge count", _set("tables.t4.review.upheld", 10**12), "$.tables.t4.review.upheld：“1000000000000”超过上限"),
    (
        "string signed",
        _set("tables.t2.licensing.change", "-1"),
        "$.tables.t2.licensing.change：增减数应为整数（可为负），实际为字符串",
    ),
    (
        "amount with unit",
        _set("tables.t2.procurement.amount", "533.41万元"),
        '$.tables.t2.procurement.amount：金额应为数字或十进制数字字符串（如 "533.41"），实际为字符串 "533.41万元"',
    ),
    (
        "negative amount",
        _set("tables.t2.procurement.amount", "-1"),
        "$.tables.t2.procurement.amount：金额“-1”不能为负数",
    ),
    (
        "too precise amount",
        _set("tables.t2.procurement.amount", Decimal("1.0000001")),
        "$.tables.t2.procurement.amount：金额“1.0000001”精度超过分",
    ),
    ("row not an object", _set("tables.t3.new", [6]), "$.tables.t3.new：应为对象（{…}），实际为数组"),
    ("unknown top-level key", _set("agency_kind", "government"), '$.agency_kind：未知的键 "agency_kind"'),
    (
        "wrong kind",
        _set("kind", "other-report"),
        '$.kind：不是年报数据包（应为 "nianbao-report"，实际为字符串 "other-report"）',
    ),
    ("missing version", _delete("version"), "$.version：缺少此项"),
    ("string version", _set("version", "1"), '$.version：应为整数版本号 1，实际为字符串 "1"'),
    ("bool version", _set("version", True), "$.version：应为整数版本号 1，实际为布尔值 true"),
    ("float version", _set("version", Decimal("1.0")), "$.version：应为整数版本号 1，实际为小数 1.0"),
    ("missing tables", _delete("tables"), "$.tables：缺少此项"),
    ("empty agency name", _set("agency.name", " "), "$.agency.name：应为非空字符串"),
    ("numeric agency code", _set("agency.code", 12), "$.agency.code：应为字符串或 null，实际为整数 12"),
    ("unknown agency key", _set("agency.kind", "x"), '$.agency.kind：未知的键 "kind"'),
    ("year as string", _set("year", "2020"), "$.year：应为 1990 到 2100 之间的整数年份，实际为字符串"),
    ("year out of range", _set("year", 20200), "$.year：应为 1990 到 2100 之间的整数年份，实际为整数 20200"),
    ("unknown format", _set("format", "2018"), '$.format：未知的报告格式：字符串 "2018"（本程序支持：2019、2021）'),
    (
        "bad date",
        _set("signed_on", "2020-02-30"),
        '$.signed_on：应为 YYYY-MM-DD 格式的有效日期或 null，实际为字符串 "2020-02-30"',
    ),
    ("date in another form", _set("signed_on", "2020年1月20日"), "$.signed_on：应为 YYYY-MM-DD 格式的有效日期"),
    ("compact date", _set("signed_on", "20200120"), "$.signed_on：应为 YYYY-MM-DD 格式的有效日期"),
    ("bad status", _set("status", "done"), '$.status：应为 "draft"（草稿）或 "final"（定稿），实际为字符串 "done"'),
    ("title not a string", _set("title", 1), "$.title：应为字符串或 null"),
    (
        "text label",
        _set("texts.（一）主动公开", "x"),
        '$.texts.（一）主动公开：2019 格式没有文字键 "（一）主动公开"；'
        "“（一）主动公开”是段落的名称，应使用键 s1_active",
    ),
    ("text not a string", _set("texts.s1_active", None), "$.texts.s1_active：应为字符串，实际为空值 null"),
    (
        "fee notices float",
        _set("fees.fee_notices", Decimal("1.0")),
        "$.fees.fee_notices：件数应为非负整数，实际为小数 1.0",
    ),
    (
        "fee with three decimals",
        _set("fees.fee_amount_yuan", "1.234"),
        "$.fees.fee_amount_yuan：信息处理费：金额“1.234”以元计最多 2 位小数",
    ),
    ("negative fee", _set("fees.fee_amount_yuan", -5), "$.fees.fee_amount_yuan：金额“-5”不能为负数"),
    ("unknown fee key", _set("fees.fee_yuan", 1), '$.fees.fee_yuan：未知的键 "fee_yuan"'),
    ("explanation key", _set("explanations.sign_date", "x"), "$.explanations.sign_date：说明的键应为检查规则编号"),
    ("explanation value", _set("explanations.SIGN_DATE", 1), "$.explanations.SIGN_DATE：应为字符串，实际为整数 1"),
]


def _mark(o: Any) -> Any:
    """Decimals wrapped in NUL markers, so `_dumps` can write them as exact JSON numbers (e.g. 6.0)."""
    if isinstance(o, dict):
        return {k: _mark(v) for k, v in o.items()}
    if isinstance(o, Decimal):
        return f"\u0000{o}\u0000"
    return o


def _dumps(data: Data) -> str:
    text = json.dumps(_mark(data), ensure_ascii=False)
    return text.replace('"\\u0000', "").replace('\\u0000"', "")


@pytest.mark.parametrize(("case", "mutate", "expected"), BAD_DATA, ids=[c[0] for c in BAD_DATA])
def test_bad_data_is_refused_with_its_json_path(
    sample_data: Data, case: str, mutate: Callable[[Data], None], expected: str
) -> None:
    data = copy.deepcopy(sample_data)
    mutate(data)
    problems = _problems(_dumps(data))
    assert any(p.startswith(expected) for p in problems), problems


def test_all_problems_are_reported_together(sample_data: Data) -> None:
    data = copy.deepcopy(sample_data)
    data["tables"]["t3"]["new"]["natural"] = "6"
    data["tables"]["t3"]["carried_in"]["total"] = -1
    data["signed_on"] = "2020-13-01"
    data["extra"] = True
    problems = _problems(json.dumps(data, ensure_ascii=False))
    assert [p.split("：")[0] for p in problems] == [
        "$.extra",
        "$.signed_on",
        "$.tables.t3.new.natural",
        "$.tables.t3.carried_in.total",
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            '{"kind": "nianbao-report", "version": 1, "agency": {"name": "某局"',
            "$：JSON 语法错误，第 1 行第 65 列：文件在此处意外结束",
        ),
        (
            '{\n  "kind": "nianbao-report",\n  "version": 1,\n  "year": 2020\n  "format": "2019"\n}',
            "$：JSON 语法错误，第 5 行第 3 列：缺少逗号",
        ),
        ("{'kind': 'nianbao-report'}", "$：JSON 语法错误，第 1 行第 2 列：此处应为带双引号的键名"),
        ('{"kind": "nianbao-report"} x', "$：JSON 语法错误，第 1 行第 28 列：JSON 之后还有多余的内容"),
        ("", "$：JSON 语法错误，第 1 行第 1 列：文件在此处意外结束"),
        ('{"year": NaN}', "$：JSON 中不允许 NaN"),
        ('{"year": Infinity}', "$：JSON 中不允许 Infinity"),
        ("[" * 100_000, "$：嵌套层数过深"),
        ('{"a": ' * 40 + "1" + "}" * 40, "$.a.a.a"),
        ("[]", "$：应为对象（{…}），实际为数组"),
        ('"nianbao-report"', "$：应为对象（{…}），实际为字符串"),
        ('{"version": 1}', '$.kind：不是年报数据包（应为 "nianbao-report"，实际为空值 null）'),
        ('{"kind": "nianbao-report", "kind": "nianbao-report", "version": 1}', "$.kind：键重复出现"),
    ],
)
def test_broken_json_is_refused(text: str, expected: str) -> None:
    problems = _problems(text)
    assert any(p.startswith(expected) for p in problems), problems


def test_truncated_sample_names_line_and_column(sample_json_path: Path) -> None:
    raw = sample_json_path.read_bytes()
    with pytest.raises(ExchangeError) as info:
        parse_exchange(raw[: len(raw) // 2].decode("utf-8", errors="ignore"), "半截.json")
    assert "不是有效的 JSON" in info.value.message
    assert "行第" in info.value.message and "列" in info.value.message


def test_duplicate_key_deep_inside_is_refused(sample_data: Data) -> None:
    text = json.dumps(sample_data, ensure_ascii=False)
    text = text.replace('"natural": 6,', '"natural": 6, "natural": 7,', 1)
    assert _problems(text) == ["$.tables.t3.new.natural：键重复出现，无法确定以哪个为准"]


def test_newer_version_names_both_versions(sample_data: Data) -> None:
    data = copy.deepcopy(sample_data)
    data["version"] = EXCHANGE_VERSION + 1
    data["something_new"] = {}
    with pytest.raises(ExchangeError) as info:
        parse_exchange(json.dumps(data))
    message = str(info.value)
    assert f"数据包版本为 {EXCHANGE_VERSION + 1}" in message
    assert f"只能读取到版本 {EXCHANGE_VERSION}" in message
    assert "请升级年报程序" in message
    assert info.value.problems[0].startswith("$.version：")


def test_non_utf8_file_is_refused_with_a_clear_message(sample_json_path: Path) -> None:
    gbk = sample_json_path.read_text(encoding="utf-8").encode("gbk")
    with pytest.raises(ExchangeError) as info:
        parse_exchange(gbk, "gbk.json")
    assert "不是 UTF-8 编码" in info.value.message
    assert "第 5 行" in info.value.message  # the agency name is the first non-ASCII text
    assert info.value.problems[0].startswith("$：不是 UTF-8 编码，第 5 行")


def test_too_large_file_is_refused_quickly(tmp_path: Path) -> None:
    path = tmp_path / "huge.json"
    with path.open("wb") as fh:
        fh.truncate(MAX_FILE_BYTES + 1)  # sparse: the size is what counts, not the content
    with pytest.raises(ExchangeError, match="过大"):
        read_exchange(path)


@pytest.mark.parametrize("make", ["missing", "folder"])
def test_unreadable_file_is_a_domain_error(tmp_path: Path, make: str) -> None:
    path = tmp_path / "x.json"
    if make == "folder":
        os.mkdir(path)
    with pytest.raises(ExchangeError, match="无法读取文件"):
        read_exchange(path)


def test_explanations_of_single_findings_travel_in_the_file() -> None:
    from services.checks import check_report
    from tests.factories import filled_report

    report = filled_report("2021")
    report.texts["s1_request"] = "本年度共收到政府信息公开申请99999件。"
    [finding] = [f for f in check_report(report) if f.rule == "TEXT_NUMBER"]
    report.explanations[finding.key] = "含线下当面咨询，未计入申请。"
    report.explanations["X_SWING:t3/new/total"] = "专项整治。"
    back = parse_exchange(dump_exchange(report))
    assert back == report
    assert [f.explained for f in check_report(back) if f.rule == "TEXT_NUMBER"] == [True]


def test_minus_zero_amount_reads_as_zero() -> None:
    from tests.factories import filled_report

    data = json.loads(dump_exchange(filled_report("2021")))
    data["tables"]["t2"]["fees"]["amount"] = "-0"
    report = parse_exchange(json.dumps(data, ensure_ascii=False))
    assert to_text(report.cells[("t2", "fees", "amount")]) == "0"
