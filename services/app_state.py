"""What the app remembers per user between runs (the report last worked on, the print faces the clerk chose), in a
small JSON file.

It lives in the user data folder, not in the database: two clerks sharing one database each come back to their
own report. A missing, unreadable or corrupt file means a fresh start, never an error at start-up.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from services.errors import StorageError
from services.files import write_atomically
from services.paths import user_data_dir
from services.server_settings import DatabaseKind, ServerSettings

STATE_FILE = "state.json"
_FILE_VERSION = 1


@dataclass(frozen=True)
class AppState:
    last_report_key: tuple[str, int] | None = None
    """(agency, year) of the report last worked on."""
    db: str | None = None
    """The database (as shown: path or URL) that report belongs to."""
    fonts: tuple[tuple[str, str], ...] = ()
    """(role, family) the clerk chose for the printout (services.pdf.font_sources.ROLES); others are automatic."""
    window: str | None = None
    """The window's size and place as Qt saves them (base64), so it opens as the clerk left it."""
    folder: str | None = None
    """The folder of the last file opened or saved: the next file dialog starts there."""
    database: DatabaseKind | None = None
    """Local or the office's shared database; None until the clerk has chosen (the first start asks)."""
    server: ServerSettings | None = None
    """The shared database last connected to (its password is in the credential store, never here)."""
    backup_copies: str | None = None
    """A second folder (USB stick, network share) that each backup of the local database is copied to."""
    rule_pack: str | None = None
    """The file name, in the data folder's rule_packs/, of the superior office's rule pack in force (上级要求)."""
    board_deadlines: tuple[tuple[str, int, str], ...] = ()
    """(parent, year, ISO date): the office's own deadline for its units' reports (报送 board, board_deadline.py)."""

    def font_choices(self) -> dict[str, str]:
        return dict(self.fonts)

    def last_report_in(self, db: str) -> tuple[str, int] | None:
        """The last report, if it was in this database (another database may not have it)."""
        return self.last_report_key if self.db == db else None


def state_path(data_dir: str | Path | None = None) -> Path:
    return user_data_dir(data_dir) / STATE_FILE


def load_state(data_dir: str | Path | None = None) -> AppState:
    """The remembered state; the default state if there is none or it cannot be read."""
    try:
        raw = json.loads(state_path(data_dir).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError, StorageError):
        return AppState()
    return _parse(raw)


def update_state(data_dir: str | Path | None, **changes: Any) -> None:
    """Remember some things, keeping the rest of what is remembered; an unchanged state writes nothing."""
    state = load_state(data_dir)
    wanted = replace(state, **changes)
    if wanted != state:
        save_state(data_dir, wanted)


def save_state(data_dir: str | Path | None, state: AppState) -> None:
    """Write the state atomically: a crash mid-write leaves the old file, never half a file."""
    data: dict[str, Any] = {
        "version": _FILE_VERSION,
        "db": state.db,
        "last_report": None,
        "fonts": dict(state.fonts),
        "window": state.window,
        "folder": state.folder,
        "database": state.database,
        "server": state.server.to_json() if state.server is not None else None,
        "backup_copies": state.backup_copies,
        "rule_pack": state.rule_pack,
        "board_deadlines": [{"parent": p, "year": y, "date": d} for p, y, d in state.board_deadlines],
    }
    if state.last_report_key is not None:
        agency, year = state.last_report_key
        data["last_report"] = {"agency": agency, "year": year}
    text = json.dumps(data, ensure_ascii=False, indent=2)
    write_atomically(state_path(data_dir), text.encode("utf-8"), StorageError, "无法保存程序状态到")


def _parse(raw: object) -> AppState:
    if not isinstance(raw, dict):
        return AppState()
    db = raw.get("db")
    db = db if isinstance(db, str) and db else None
    last = raw.get("last_report")
    key: tuple[str, int] | None = None
    if isinstance(last, dict):
        agency, year = last.get("agency"), last.get("year")
        if isinstance(agency, str) and agency.strip() and type(year) is int:
            key = (agency, year)
    fonts = raw.get("fonts")
    chosen = (
        tuple(
            (role, family)
            for role, family in fonts.items()
            if isinstance(role, str) and isinstance(family, str) and family
        )
        if isinstance(fonts, dict)
        else ()
    )
    window, folder, copies = raw.get("window"), raw.get("folder"), raw.get("backup_copies")
    kind = raw.get("database")
    return AppState(
        key,
        db,
        chosen,
        window if isinstance(window, str) and window else None,
        folder if isinstance(folder, str) and folder else None,
        "local" if kind == "local" else "shared" if kind == "shared" else None,
        ServerSettings.from_json(raw.get("server")),
        copies if isinstance(copies, str) and copies else None,
        rule_pack=_name(raw.get("rule_pack")),
        board_deadlines=_deadlines(raw.get("board_deadlines")),
    )


def _name(value: object) -> str | None:
    return value if isinstance(value, str) and value else None


def _deadlines(value: object) -> tuple[tuple[str, int, str], ...]:
    if not isinstance(value, list):
        return ()
    return tuple(
        (item["parent"], item["year"], item["date"])
        for item in value
        if isinstance(item, dict)
        and isinstance(item.get("parent"), str)
        and type(item.get("year")) is int
        and isinstance(item.get("date"), str)
    )
