"""The cell value parser: forgiving about how a number is written, strict about what it is."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from services.errors import ValueParseError
from services.formats import CellKind
from services.values import MAX_VALUE, from_text, is_valid, parse_value, to_text


@pytest.mark.parametrize(
    ("text", "kind", "expected"),
    [
        ("12", "count", 12),
        ("１２", "count", 12),
        ("  7 ", "count", 7),
        ("1,234", "count", 1234),
        ("1，234", "count", 1234),
        ("１，２３４，５６７", "count", 1234567),
        ("0", "count", 0),
        ("", "count", None),
        ("   ", "amount", None),
        ("-3", "signed", -3),
        ("－3", "signed", -3),
        ("+2", "signed", 2),
        ("533.41", "amount", Decimal("533.41")),
        ("533.41万", "amount", Decimal("533.41")),
        ("533.41万元", "amount", Decimal("533.41")),
        ("251000元", "amount", Decimal("25.1")),
        ("0.01元", "amount", Decimal("0.000001")),
        ("１，０００．５", "amount", Decimal("1000.5")),
        ("1000000000", "count", MAX_VALUE),
        ("12件", "count", 12),  # a unit after a count means nothing else (issue 12 item 8)
        ("１２ 件", "count", 12),
        ("3条", "count", 3),
        ("-2件", "signed", -2),
    ],
)
def test_accepted(text: str, kind: str, expected: object) -> None:
    value = parse_value(text, kind)  # type: ignore[arg-type]
    assert value == expected
    assert type(value) is type(expected)


@pytest.mark.parametrize(
    ("text", "kind", "reason"),
    [
        ("abc", "count", "字符“a”"),
        ("12件件", "count", "字符“件”"),
        ("件", "count", "不是有效的数字写法"),
        ("12元", "count", "字符“元”"),
        ("1.5", "count", "不是整数"),
        ("-1", "count", "负数"),
        ("－1", "count", "负数"),
        ("1000000001", "count", "超过上限"),
        ("1,23", "count", "千位分隔符"),
        ("1e3", "count", "字符“e”"),
        ("0.5", "signed", "不是整数"),
        ("-5", "amount", "不能为负数"),
        ("0.0000001", "amount", "精度"),
        ("0.001元", "amount", "精度"),
        ("12万元", "count", "字符“万”"),
        ("NaN", "amount", "字符“N”"),
        ("1..2", "count", "不是有效的数字写法"),
    ],
)
def test_refused_with_a_reason(text: str, kind: str, reason: str) -> None:
    with pytest.raises(ValueParseError) as info:
        parse_value(text, kind)  # type: ignore[arg-type]
    assert reason in str(info.value)


@given(st.integers(min_value=0, max_value=MAX_VALUE))
def test_count_text_round_trip(n: int) -> None:
    assert parse_value(f"{n:,}", "count") == n
    assert from_text(to_text(n), "count") == n


@given(st.decimals(min_value=0, max_value=MAX_VALUE, places=6, allow_nan=False, allow_infinity=False))
def test_amount_text_round_trip_is_exact(d: Decimal) -> None:
    text = to_text(d)
    assert "E" not in text and "e" not in text
    assert from_text(text, "amount") == d
    assert parse_value(text, "amount") == d


@given(st.text(max_size=20))
def test_parser_never_crashes(text: str) -> None:
    kinds: tuple[CellKind, ...] = ("count", "signed", "amount")
    for kind in kinds:
        try:
            value = parse_value(text, kind)
        except ValueParseError as exc:
            assert str(exc)
        else:
            assert value is None or is_valid(value, kind)


@pytest.mark.parametrize(
    ("value", "kind", "ok"),
    [
        (3, "count", True),
        (-3, "count", False),
        (-3, "signed", True),
        (True, "count", False),
        (Decimal("1.5"), "count", False),
        (Decimal("1.5"), "amount", True),
        (Decimal("1.0000001"), "amount", False),
        ("3", "count", False),
        (MAX_VALUE + 1, "count", False),
    ],
)
def test_is_valid(value: object, kind: str, ok: bool) -> None:
    assert is_valid(value, kind) is ok  # type: ignore[arg-type]
