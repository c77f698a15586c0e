"""Storage: SQLAlchemy models, the engine/session factory and Alembic migrations. Never imports Qt.

The names below are loaded on first use (PEP 562): `models.errors` and `models.backup` need no SQLAlchemy, and the
window's fast start (ui/fast_start.py) paints before SQLAlchemy is imported."""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from models.base import Base
    from models.database import Database, make_url_for, open_database
    from models.tables import Agency, Cell, Explanation, ReportRecord, ReportText, Revision

_HOMES = {
    "Base": "models.base",
    "Database": "models.database",
    "make_url_for": "models.database",
    "open_database": "models.database",
    "Agency": "models.tables",
    "Cell": "models.tables",
    "Explanation": "models.tables",
    "ReportRecord": "models.tables",
    "ReportText": "models.tables",
    "Revision": "models.tables",
}

__all__ = [
    "Agency",
    "Base",
    "Cell",
    "Database",
    "Explanation",
    "ReportRecord",
    "ReportText",
    "Revision",
    "make_url_for",
    "open_database",
]


def __getattr__(name: str) -> object:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'models' has no attribute {name!r}")
    value = getattr(import_module(home), name)
    globals()[name] = value
    return value
