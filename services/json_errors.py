"""The JSON parser's complaints in Chinese, for a clerk's exchange file and an office's hand-written rule pack."""

from __future__ import annotations

import json

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
