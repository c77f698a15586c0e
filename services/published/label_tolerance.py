"""A table's label that is not printed as the format prints it, read anyway where only one reading is possible.

Published tables bend their labels: a label the page break or a PDF row cut in two (（四）无 … 法提供), two
labels in one cell where a column line is missing (（三）不予公开1.属于国家秘密), a typo (国家秘蜜). Each is read
as the format's label only when exactly one label fits; what is read by likeness is named for the clerk.
Labels here are in compare form (`matching.normalise`).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from difflib import SequenceMatcher

FUZZY_RATIO = 0.85
"""How alike (difflib's ratio) a label must be to the format's to be read as it: one or two characters wrong in
a label of ten or more."""
MIN_FRAGMENT = 3
"""A shorter piece (1.) opens too many labels to be taken for the start of one."""
_MAX_PARTS = 3


Place = tuple[str, int | None]
"""A text as published, and its row in the table."""


@dataclass(frozen=True)
class Reading:
    labels: list[str] = field(default_factory=list)
    """The format's labels the text stands for, in order (none: nothing to do yet)."""
    alike: list[tuple[Place, str]] = field(default_factory=list)
    """Texts read as a label they only resemble or begin, with that label as printed: for the clerk to check."""
    unknown: list[Place] = field(default_factory=list)
    """Texts that are no label."""


@dataclass
class _Fragment:
    text: str
    place: Place
    taken: str | None
    """The one label it begins, already read as that label (the rest may follow or not)."""


class LabelTolerance:
    """What a table's unknown labels stand for, remembering a piece that may go on in a later cell."""

    def __init__(self, known: Collection[str], printed: Mapping[str, str]) -> None:
        self.known = set(known)
        self.printed = printed
        self.fragment: _Fragment | None = None

    def read(self, text: str, place: Place) -> Reading:
        """`text` (compare form of the published `place`) is none of the table's labels: what it stands for."""
        if self.fragment is not None and (joined := self.fragment.text + text) in self.known:
            taken, self.fragment = self.fragment.taken, None  # the rest of a label cut in two
            return Reading([] if taken == joined else [joined])
        held = self.finish()
        if parts := self._parts(text, _MAX_PARTS):
            return Reading(parts, held.alike, held.unknown)
        if (match := self._alike(text)) is not None:
            return Reading([match], [*held.alike, (place, self.printed.get(match, match))], held.unknown)
        starts = [label for label in self.known if label.startswith(text)] if len(text) >= MIN_FRAGMENT else []
        if starts:
            taken = starts[0] if len(starts) == 1 else None
            self.fragment = _Fragment(text, place, taken)
            return Reading([taken] if taken else [], held.alike, held.unknown)
        return Reading([], held.alike, [*held.unknown, place])

    def finish(self) -> Reading:
        """The piece held from before, never continued: read as the one label it begins, else unknown."""
        held, self.fragment = self.fragment, None
        if held is None:
            return Reading()
        if held.taken is not None:
            return Reading(alike=[(held.place, self.printed.get(held.taken, held.taken))])
        return Reading(unknown=[held.place])

    def _parts(self, text: str, most: int) -> list[str] | None:
        """`text` as two or more of the labels one after another, the longest first."""
        if most < 2:
            return None
        for label in sorted((k for k in self.known if text.startswith(k) and k != text), key=len, reverse=True):
            rest = text[len(label) :]
            if rest in self.known:
                return [label, rest]
            if more := self._parts(rest, most - 1):
                return [label, *more]
        return None

    def _alike(self, text: str) -> str | None:
        """The one label most like `text`, if alike enough and no other is as alike."""
        scored = sorted(((SequenceMatcher(None, text, k).ratio(), k) for k in self.known), reverse=True)
        if not scored or scored[0][0] < FUZZY_RATIO:
            return None
        if len(scored) > 1 and scored[1][0] == scored[0][0]:
            return None
        return scored[0][1]
