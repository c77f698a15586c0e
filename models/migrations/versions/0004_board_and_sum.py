"""For a superior office's thousands of units: the number of warnings not explained at each report's last check,
so that the 报送 board lists them without checking each one (services/board.py), and each report's value cells
packed into one text, so that 汇总 reads one row per report instead of some 200 (services/summands.py).

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-08
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    # nullable: reports stored before this revision get their count at their next check (the board checks
    # the ones it lists without one, once)
    with op.batch_alter_table("report") as batch:
        batch.add_column(sa.Column("unexplained_count", sa.Integer(), nullable=True))
        # NULL until packed: 汇总 packs a report it finds without one (models/ cannot read the formats)
        batch.add_column(sa.Column("summands", sa.Text(), nullable=True))


def downgrade() -> None:
    # recreate="never", as in 0002: copying the table would cascade-delete the cells on SQLite
    with op.batch_alter_table("report", recreate="never") as batch:
        batch.drop_column("summands")
        batch.drop_column("unexplained_count")
