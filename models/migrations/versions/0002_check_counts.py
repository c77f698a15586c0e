"""Stored check counts on report, so the navigator lists reports without checking each one.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    # Adding a nullable column is a plain ALTER TABLE on SQLite too: batch mode does not copy the table.
    with op.batch_alter_table("report") as batch:
        batch.add_column(sa.Column("error_count", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("warning_count", sa.Integer(), nullable=True))


def downgrade() -> None:
    # recreate="never": copying the table would DROP the old `report`, and with PRAGMA foreign_keys=ON (every
    # app connection) that cascades to every cell, text and explanation. SQLite >= 3.35 drops columns in place.
    with op.batch_alter_table("report", recreate="never") as batch:
        batch.drop_column("warning_count")
        batch.drop_column("error_count")
