"""Agency names as one: the same name typed, pasted or imported from any file is the same string.

A name copied from a web page or a Word file can carry characters no one sees — zero-width spaces (U+200B), a
byte-order mark (U+FEFF), direction marks (U+202E) — or a character in decomposed form. Two such names look
identical, are two agencies to the database, and 汇总 then counts one unit twice. Every name that enters is made
NFC, loses its format and control characters, and is trimmed.
"""

from __future__ import annotations

import unicodedata

_DROPPED = frozenset({"Cf", "Cc", "Zl", "Zp"})
"""Format (zero-width, direction, BOM), control, and line/paragraph separator characters."""


def clean_name(name: str) -> str:
    """The name as stored and compared: NFC, without invisible format/control characters, trimmed."""
    text = unicodedata.normalize("NFC", name)
    return "".join(ch for ch in text if unicodedata.category(ch) not in _DROPPED).strip()
