"""The first schema: agency, report, cell, report_text, explanation, revision.

Revision ID: 0001
Revises:
Create Date: 2026-11-27
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    op.create_table(
        "agency",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("code", sa.String(64), nullable=True),
        sa.Column("kind", sa.String(16), nullable=True),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.CheckConstraint("kind IN ('department', 'government')", name="ck_agency_kind"),
        sa.ForeignKeyConstraint(
            ["parent_id"], ["agency.id"], name="fk_agency_parent_id_agency", ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_agency"),
        sa.UniqueConstraint("name", name="uq_agency_name"),
    )
    op.create_table(
        "report",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("format_id", sa.String(16), nullable=False),
        sa.Column("status", sa.String(8), nullable=False),
        sa.Column("title", sa.String(500), nullable=True),
        sa.Column("signed_by", sa.String(200), nullable=True),
        sa.Column("signed_on", sa.Date(), nullable=True),
        sa.Column("fee_notices", sa.Integer(), nullable=True),
        sa.Column("fee_amount_yuan", sa.String(32), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint("status IN ('draft', 'final')", name="ck_report_status"),
        sa.ForeignKeyConstraint(
            ["agency_id"], ["agency.id"], name="fk_report_agency_id_agency", ondelete="RESTRICT"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_report"),
        sa.UniqueConstraint("agency_id", "year", name="uq_report_agency_id_year"),
    )
    op.create_table(
        "cell",
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("table_key", sa.String(32), nullable=False),
        sa.Column("row_key", sa.String(64), nullable=False),
        sa.Column("col_key", sa.String(64), nullable=False),
        sa.Column("value", sa.String(40), nullable=False),
        sa.ForeignKeyConstraint(
            ["report_id"], ["report.id"], name="fk_cell_report_id_report", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("report_id", "table_key", "row_key", "col_key", name="pk_cell"),
    )
    op.create_table(
        "report_text",
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(64), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["report_id"], ["report.id"], name="fk_report_text_report_id_report", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("report_id", "key", name="pk_report_text"),
    )
    op.create_table(
        "explanation",
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(64), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["report_id"], ["report.id"], name="fk_explanation_report_id_report", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("report_id", "key", name="pk_explanation"),
    )
    op.create_table(
        "revision",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("report_id", sa.Integer(), nullable=True),
        sa.Column("agency", sa.String(200), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("changed_at", sa.DateTime(), nullable=False),
        sa.Column("what", sa.String(200), nullable=False),
        sa.Column("old_value", sa.Text(), nullable=True),
        sa.Column("new_value", sa.Text(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["report_id"], ["report.id"], name="fk_revision_report_id_report", ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_revision"),
    )
    op.create_index("ix_revision_report_id", "revision", ["report_id"])


def downgrade() -> None:
    op.drop_index("ix_revision_report_id", table_name="revision")
    for table in ("revision", "explanation", "report_text", "cell", "report", "agency"):
        op.drop_table(table)
