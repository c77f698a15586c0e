"""The finding's message each explanation was written for, so that an explanation stops counting when the
warning's values change (services/explanations.py).

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-30
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    # nullable: explanations written before this revision have no message and keep counting as they did
    with op.batch_alter_table("explanation") as batch:
        batch.add_column(sa.Column("written_for", sa.Text(), nullable=True))


def downgrade() -> None:
    # recreate="never", as in 0002: copying the table is not needed to drop a column on SQLite >= 3.35
    with op.batch_alter_table("explanation", recreate="never") as batch:
        batch.drop_column("written_for")
