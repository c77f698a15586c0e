"""Storage: SQLAlchemy models, the engine/session factory and Alembic migrations. Never imports Qt."""

from models.base import Base
from models.database import Database, make_url_for, open_database
from models.tables import Agency, Cell, Explanation, ReportRecord, ReportText, Revision

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
