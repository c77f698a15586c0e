"""The office's own deadline for its units' reports (内部报送期限), remembered per parent and year in what the app
keeps for this user (services/app_state.py); until the office sets one, the legal deadline of a department's
report (services/deadline.py), which no unit may pass."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from services.app_state import load_state, update_state
from services.deadline import legal_deadline


def office_deadline(data_dir: str | Path | None, parent: str, year: int) -> date | None:
    """The date the office set for `parent`'s units' reports of `year`, if it set one."""
    for name, for_year, text in load_state(data_dir).board_deadlines:
        if (name, for_year) == (parent, year):
            try:
                return date.fromisoformat(text)
            except ValueError:
                return None  # a hand-edited file: as if never set
    return None


def board_deadline(data_dir: str | Path | None, parent: str, year: int) -> tuple[date, bool]:
    """(the deadline the board counts down to, whether the office set it)."""
    own = office_deadline(data_dir, parent, year)
    return (own, True) if own is not None else (legal_deadline(year), False)


def remember_deadline(data_dir: str | Path | None, parent: str, year: int, day: date | None) -> None:
    """Keep the office's date (None: forget it, back to the legal one)."""
    kept = tuple(d for d in load_state(data_dir).board_deadlines if (d[0], d[1]) != (parent, year))
    update_state(data_dir, board_deadlines=kept + (() if day is None else ((parent, year, day.isoformat()),)))
