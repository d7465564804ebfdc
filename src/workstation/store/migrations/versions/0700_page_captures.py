"""What capture measured on each stored page: resolution, colour, skew, blank flag, OCR confidence.

Adds ``page_captures``, one row per page captured by the scanner path, keyed
by the page; the digitisation statistics count from it.

Revision ID: 0700
Revises: 0600
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0700"
down_revision = "0600"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "page_captures",
        sa.Column("page_id", sa.Integer(), sa.ForeignKey("pages.id"), primary_key=True),
        sa.Column("dpi", sa.Integer(), nullable=True),
        sa.Column("colour", sa.String(20), nullable=True),
        sa.Column("skew_deg", sa.Float(), nullable=True),
        sa.Column("blank", sa.Boolean(), nullable=False),
        sa.Column("ocr_confidence", sa.Float(), nullable=True),
        sa.Column("warnings", sa.Text(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("page_captures")
