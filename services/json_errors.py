"""JSON in Chinese, for a clerk's exchange file and an office's hand-written rule pack: the parser's complaints,
and how a wrong value reads in a message."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

_MESSAGES = (
    ("Expecting value", "此处应有一个值"),
    ("Expecting ',' delimiter", "缺少逗号"),
    ("Expecting ':' delimiter", "缺少冒号"),
    ("Expecting property name enclosed in double quotes", "此处应为带双引号的键名（最后一项之后不能有逗号）"),
    ("Unterminated string", "字符串缺少结尾的引号"),
    ("Invalid control character", "字符串中有未转义的控制字符"),
    ("Invalid \\escape", "无效的转义符（反斜杠 \\ 在 JSON 里要写成 \\\\）"),
    ("Extra data", "JSON 之后还有多余的内容"),
)


def json_error_reason(exc: json.JSONDecodeError) -> str:
    """Why the text is not JSON, in Chinese (the parser's own words where no translation is known)."""
    return next((cn for en, cn in _MESSAGES if exc.msg.startswith(en)), exc.msg)


def describe_value(value: Any) -> str:
    """How a wrong value reads in a message: 字符串 "6", 小数 6.0 (parsed as Decimal), 数字 6, 布尔值 true, …"""
    if value is None:
        return "空值 null"
    if isinstance(value, bool):
        return f"布尔值 {json.dumps(value)}"
    if isinstance(value, str):
        shown = value if len(value) <= 40 else value[:40] + "…"
        return f"字符串 {json.dumps(shown, ensure_ascii=False)}"
    if isinstance(value, Decimal):
        return f"小数 {value}"
    if isinstance(value, int):
        return f"整数 {value}"
    if isinstance(value, float):
        return f"数字 {value:g}"
    if isinstance(value, dict):
        return "对象"
    if isinstance(value, list):
        return "数组"
    return type(value).__name__  # pragma: no cover - json produces nothing else
