"""审核说明: what counts as an explanation of a warning, and whether it still belongs to the warning's values.

An explanation is written for the values a warning showed ("相差 2"). When they change, the text is kept and
shown, but no longer counts until the clerk confirms it again; and a word such as "无" never counts, or a report
could be finalised empty by "explaining" every warning away.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from services.report import Report

MIN_EXPLANATION_CHARS = 4
"""Letters, digits or characters (punctuation and spaces not counted): "已核实无误" passes, "无" / "同上" do not."""

_NOT_WORDS = re.compile(r"[\W_]+")
STALE = "数值已变化"
"""How a note on an explanation written for other values begins (the panel shortens notes by it)."""


def thin_reason(text: str) -> str | None:
    """Why a text says nothing as an explanation, or None when it may stand."""
    core = _NOT_WORDS.sub("", text)
    if len(core) >= MIN_EXPLANATION_CHARS and len(set(core)) > 1:
        return None
    return (
        f"说明“{text.strip()}”过于简单，不能作为审核说明：请用至少 {MIN_EXPLANATION_CHARS} 个字写明为什么这样填是对的"
    )


@dataclass(frozen=True)
class Explained:
    """A warning's explanation as the checks see it."""

    counts: str | None = None
    """The explanation, when it stands (the warning is explained)."""
    stored: str | None = None
    """What the clerk wrote, whether or not it counts (shown in the box)."""
    note: str | None = None
    """Why what was written does not count: too thin, or written for other values."""


NOTHING = Explained()


def explained(report: Report, keys: tuple[str, ...], message: str) -> Explained:
    """The first of the keys the clerk explained (a finding's own key, then its rule's), judged against the
    finding's message as it reads now."""
    for key in keys:
        text = report.explanations.get(key)
        if not text or not text.strip():
            continue
        thin = thin_reason(text)
        if thin is not None:
            return Explained(None, text, thin)
        written_for = report.explained_for.get(key)
        if written_for is not None and written_for != message:
            return Explained(None, text, f"{STALE}，此说明是针对“{written_for}”写的：请核对，仍然适用就按回车确认")
        return Explained(text, text, None)
    return NOTHING
