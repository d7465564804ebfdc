"""What receiving at the counter records: due date, fees, page counts, import keys.

Adds to ``dossiers`` the appointment (``due_at``), the fee and charge in đồng
(``fee``, ``charge``; empty for dossiers received before fees were assessed),
whether they were paid (``fee_paid``) and the key of the import that created
the dossier (``import_key``, unique where given, so importing a file twice
creates nothing twice); to ``components`` the number of paper pages the
officer counted (``paper_pages``). Only columns are added: no table is rebuilt.

Revision ID: 0600
Revises: 0500
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0600"
down_revision = "0500"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("dossiers") as batch:
        batch.add_column(sa.Column("due_at", sa.DateTime(), nullable=True))
        batch.add_column(sa.Column("fee", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("charge", sa.Integer(), nullable=True))
        batch.add_column(
            sa.Column("fee_paid", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch.add_column(sa.Column("import_key", sa.String(100), nullable=True))
    op.create_index("ix_dossiers_import_key", "dossiers", ["import_key"], unique=True)
    with op.batch_alter_table("components") as batch:
        batch.add_column(sa.Column("paper_pages", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("components") as batch:
        batch.drop_column("paper_pages")
    op.drop_index("ix_dossiers_import_key", table_name="dossiers")
    with op.batch_alter_table("dossiers") as batch:
        batch.drop_column("import_key")
        batch.drop_column("fee_paid")
        batch.drop_column("charge")
        batch.drop_column("fee")
        batch.drop_column("due_at")
