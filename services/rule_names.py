"""The check catalogue's rules as a clerk reads them: no rule code in anything printed or shown."""

from __future__ import annotations

from services.format_model import ReportFormat

RULE_NAMES = {
    "SIGN_DATE": "成文日期",
    "TEXT_NUMBER": "文字与表格数字不符",
    "X_SWING": "与上年相比变化大",
    "X_CARRY_OVER": "上年结转",
    "X_IN_FORCE": "现行有效件数",
    "X_REPEAT_TEXT": "与上年文字雷同",
    "S5_EMPTY": "问题及改进情况过简",
    "S6_FEE": "信息处理费未说明",
    "NARRATIVE_EMPTY": "文字未填写",
    "FORMAT_YEAR": "报告格式与年度不符",
    "VALUE_TYPE": "数值无效",
    "VALUE_MISSING": "数值未填写",
    "REQUIRED": "必填内容",
}
"""The check catalogue's rules as a clerk names them (no rule codes in what a clerk reads)."""


def rule_name(rule: str, fmt: ReportFormat) -> str:
    """A rule as the clerk reads it: a table identity by its table (表三勾稽关系), the others by RULE_NAMES."""
    identity = next((r for r in fmt.rules if r.id == rule), None)
    if identity is not None:
        return f"{fmt.table(identity.table).name}勾稽关系"
    if rule.startswith("PACK_"):
        return "上级要求"  # a rule pack's own rule: its message names the pack
    return RULE_NAMES.get(rule, "其他")
