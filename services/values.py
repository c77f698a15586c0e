"""Cell values: forgiving, exact parsing of what a clerk types or a file holds, and canonical text for storage.

Counts are `int`; amounts are `Decimal` in 万元 with at most 6 decimals (exact to the fen). Nothing goes
through float.
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal, InvalidOperation

from services.errors import ValueParseError
from services.formats import CellKind

CellValue = int | Decimal
MAX_VALUE = 10**9
AMOUNT_PLACES = 6
_YUAN_PER_WAN = Decimal(10000)

_PLAIN = re.compile(r"[+-]?\d+(?:\.\d+)?")
_GROUPED = re.compile(r"[+-]?\d{1,3}(?:,\d{3})+(?:\.\d+)?")
_UNITS = (("万元", Decimal(1)), ("万", Decimal(1)), ("元", 1 / _YUAN_PER_WAN))
_COUNT_UNITS = ("件", "条", "个", "项", "次")
"""What clerks write after a count ("12件"): one of them at the end means nothing else."""


def _normalise(text: str) -> str:
    # NFKC maps full-width digits, '，', '．' and '－' to ASCII; Chinese thousands marks and spaces go too.
    text = unicodedata.normalize("NFKC", text)
    text = text.replace("\u2212", "-")
    return re.sub(r"\s+", "", text)


def parse_value(text: str, kind: CellKind) -> CellValue | None:
    """Parse typed-in text for a cell of `kind`; '' means empty (None). Raises ValueParseError with a reason."""
    raw = text
    text = _normalise(text)
    if not text:
        return None
    scale = Decimal(1)
    if kind == "amount":
        for unit, factor in _UNITS:
            if text.endswith(unit):
                text, scale = text[: -len(unit)], factor
                break
    elif text.endswith(_COUNT_UNITS):
        text = text[:-1]
    if not (_PLAIN.fullmatch(text) or _GROUPED.fullmatch(text)):
        bad = next((c for c in text if not (c.isdigit() or c in ".,+-")), None)
        if bad is not None:
            raise ValueParseError(f"“{raw.strip()}”不是数字：含有字符“{bad}”")
        raise ValueParseError(f"“{raw.strip()}”不是有效的数字写法（千位分隔符应每三位一个）")
    number = Decimal(text.replace(",", "")) * scale
    return check_value(number, kind, raw.strip())


def check_value(number: int | Decimal, kind: CellKind, shown: str | None = None) -> CellValue:
    """Validate a number for a cell kind and return it in its canonical type; raises ValueParseError."""
    shown = shown if shown is not None else str(number)
    if isinstance(number, bool):
        raise ValueParseError(f"“{shown}”不是数字")
    try:
        value = Decimal(number)
    except (InvalidOperation, TypeError, ValueError):
        raise ValueParseError(f"“{shown}”不是数字") from None
    if not value.is_finite():
        raise ValueParseError(f"“{shown}”不是有限的数字")
    if abs(value) > MAX_VALUE:
        raise ValueParseError(f"“{shown}”超过上限（不大于 {MAX_VALUE:,}）")
    if kind == "amount":
        if value < 0:
            raise ValueParseError(f"金额“{shown}”不能为负数")
        quantised = value.quantize(Decimal(1).scaleb(-AMOUNT_PLACES))
        if quantised != value:
            raise ValueParseError(f"金额“{shown}”精度超过分（以万元计最多 {AMOUNT_PLACES} 位小数）")
        return normalise_amount(value)
    if value != value.to_integral_value():
        raise ValueParseError(f"“{shown}”不是整数：件数只能填整数")
    if kind == "count" and value < 0:
        raise ValueParseError(f"“{shown}”是负数：件数不能为负")
    return int(value)


YUAN_PLACES = 2


def check_yuan(number: int | Decimal, shown: str | None = None) -> Decimal:
    """Validate an amount in 元 (the 信息处理费): finite, not negative, exact to the fen."""
    shown = shown if shown is not None else str(number)
    value = check_value(number, "amount", shown)
    if value != round(value, YUAN_PLACES):
        raise ValueParseError(f"金额“{shown}”以元计最多 {YUAN_PLACES} 位小数（精确到分）")
    return Decimal(value)


def parse_yuan(text: str) -> Decimal | None:
    """An amount in 元 as typed ('1,200', '１２００元', '0.12万元'); '' is None. Raises ValueParseError.

    Unlike a table amount (in 万元), the 信息处理费 is in 元: a bare number is 元, and 万 multiplies."""
    raw = text.strip()
    body = raw.removesuffix("元").strip()
    wan = body.endswith("万")
    value = parse_value(body, "amount")
    if value is None:
        return None
    return check_yuan(value * 10000 if wan else value, raw)


def normalise_amount(value: Decimal) -> Decimal:
    """Drop trailing zeros but never use exponent notation (Decimal('5E+2') → Decimal('500')); -0 is 0."""
    if value == 0:
        return Decimal(0)
    value = value.normalize()
    if value == value.to_integral_value():
        return value.quantize(Decimal(1))
    return value


def is_valid(value: object, kind: CellKind) -> bool:
    """True when `value` is already a canonical value of `kind` (used by the VALUE_TYPE check)."""
    if kind == "amount":
        if not isinstance(value, Decimal | int) or isinstance(value, bool):
            return False
    elif not isinstance(value, int) or isinstance(value, bool):
        return False
    try:
        check_value(value, kind)
    except ValueParseError:
        return False
    return True


def to_text(value: CellValue) -> str:
    """Canonical text for storage and exchange: '12', '-3', '533.41' (never exponent, never float)."""
    if isinstance(value, Decimal):
        return format(normalise_amount(value), "f")
    return str(value)


def from_text(text: str, kind: CellKind) -> CellValue:
    """Inverse of to_text for values already validated on the way in."""
    return Decimal(text) if kind == "amount" else int(text)


def format_for_display(value: CellValue | None) -> str:
    """How a value reads in a message: '6', '533.41'; empty shows as '空'."""
    return "空" if value is None else to_text(value)
