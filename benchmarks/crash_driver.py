"""Child process of crash_harness.py: edit one report through the app's own services until it is killed.

    crash_driver.py DB REPORT_ID FIRST_N

Opens DB with models.database.open_database (the same PRAGMAs as the app), opens the report with ReportEditor
and prints "ready FIRST_N". Then edit number n = FIRST_N, FIRST_N + 1, … follows `planned_edit`: every 10th
edit replaces a narrative text, the others type the value n into the next of the 144 value cells of table 三
(so totals and the stored check counts move too). Once an edit is acknowledged — the editor returned ok, which
means its transaction has committed — one line goes to stdout and is flushed before the next edit starts:

    ack <n> t3 <row> <col> <value>
    ack <n> text <key> <length>

It never stops by itself. With NIANBAO_CRASH_TEST_UNSAFE=1 (tests only) it acknowledges each edit *before*
making it and waits UNSAFE_DELAY before saving, like an app that shows "saved" at once and saves a moment later:
a deliberately broken promise that shows the harness can tell when acknowledged edits are lost.
"""

from __future__ import annotations

import os
import sys
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from services.formats import ReportFormat

UNSAFE_ENV = "NIANBAO_CRASH_TEST_UNSAFE"
UNSAFE_DELAY = 0.02
"""Seconds between the early acknowledgement and the save in unsafe mode. Without it the gap would be only the
checks before the commit: once SQLite has written the commit to the WAL, a process kill no longer loses it."""
TEXT_EVERY = 10
EDITED_TABLE = "t3"


@dataclass(frozen=True)
class Edit:
    """One planned edit: `key` is ("t3", row, col) for a cell or ("text", key) for a narrative text."""

    n: int
    key: tuple[str, ...]
    value: str
    """The cell's value as typed (and as stored), or the whole text."""

    @property
    def is_text(self) -> bool:
        return self.key[0] == "text"

    def ack_line(self) -> str:
        if self.is_text:
            return f"ack {self.n} text {self.key[1]} {len(self.value)}"
        return f"ack {self.n} {' '.join(self.key)} {self.value}"


def edited_cells(fmt: ReportFormat) -> list[tuple[str, str, str]]:
    """The value cells of table 三 the driver types into, in format order."""
    return [spec.key for spec in fmt.cell_specs() if spec.key[0] == EDITED_TABLE and not spec.computed]


def edited_keys(fmt: ReportFormat) -> list[tuple[str, ...]]:
    """Every key an edit can touch: the cells, then the texts."""
    return [*edited_cells(fmt), *(("text", key) for key in fmt.text_keys())]


def text_for(n: int) -> str:
    """The narrative text written by edit n; its length varies so that rows of different sizes are written."""
    return f"第{n}次修改：" + "本机关依申请公开政府信息，按期答复。" * (1 + n % 7)


def planned_edit(fmt: ReportFormat, n: int) -> Edit:
    """Edit number n of the deterministic stream (the harness recomputes it to know what to expect)."""
    if n % TEXT_EVERY == 0:
        keys = fmt.text_keys()
        return Edit(n, ("text", keys[(n // TEXT_EVERY) % len(keys)]), text_for(n))
    cells = edited_cells(fmt)
    ordinal = n - n // TEXT_EVERY  # consecutive over the cell edits, so every cell gets its turn
    return Edit(n, cells[ordinal % len(cells)], str(n))


def main(argv: list[str]) -> int:
    from models.database import open_database
    from services.editing import ReportEditor

    db_path, report_id, first = argv[0], int(argv[1]), int(argv[2])
    unsafe = os.environ.get(UNSAFE_ENV) == "1"
    db = open_database(db_path, create=False)
    editor = ReportEditor.open(db, report_id)
    fmt = editor.format
    print(f"ready {first}", flush=True)
    n = first
    while True:
        edit = planned_edit(fmt, n)
        if unsafe:
            print(edit.ack_line(), flush=True)
            time.sleep(UNSAFE_DELAY)
        if edit.is_text:
            outcome = editor.set_text(edit.key[1], edit.value)
        else:
            table, row, col = edit.key
            outcome = editor.set_cell_text((table, row, col), edit.value)
        if not outcome.ok:
            print(f"edit {n} refused: {outcome.message} {outcome.problems}", file=sys.stderr, flush=True)
            return 2
        if not unsafe:
            print(edit.ack_line(), flush=True)
        n += 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
