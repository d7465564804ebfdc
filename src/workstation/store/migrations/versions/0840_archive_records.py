"""Archive records: each record of a split archive batch, stored with its PDF/A.

Adds ``archive_records``, one row per record, unique by batch and position
(a batch stored again after an interruption adds only what is missing), with
the archive's place columns (fonds, catalogue, box, file number) and dates
indexed for search and a folded search text.

Revision ID: 0840
Revises: 0830
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0840"
down_revision = "0830"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "archive_records",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("batch", sa.String(64), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.String(36), sa.ForeignKey("documents.id"), nullable=False),
        sa.Column("fonds", sa.String(100), nullable=False),
        sa.Column("catalogue", sa.Integer(), nullable=True),
        sa.Column("box", sa.Integer(), nullable=True),
        sa.Column("file_number", sa.String(100), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=True),
        sa.Column("end_date", sa.Date(), nullable=True),
        sa.Column("pages", sa.Integer(), nullable=False),
        sa.Column("search", sa.Text(), nullable=False),
        sa.Column("record", sa.Text(), nullable=False),
        sa.Column("warnings", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.UniqueConstraint("batch", "position"),
    )
    op.create_index(
        "ix_archive_records_place",
        "archive_records",
        ["fonds", "catalogue", "box", "file_number"],
    )


def downgrade() -> None:
    op.drop_index("ix_archive_records_place", table_name="archive_records")
    op.drop_table("archive_records")
