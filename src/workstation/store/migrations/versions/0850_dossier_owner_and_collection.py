"""The dossier's owner apart from the person filing, and how the result is collected.

Adds to ``dossiers`` the owner's columns (``owner_type``, ``owner_name``,
``owner_id_number``, ``owner_address``, ``owner_phone``, ``owner_email``;
all NULL when the person filing owns the dossier; personal text sealed like
the applicant's) and ``collection`` (counter, post or online; existing
dossiers: counter).

Revision ID: 0850
Revises: 0840
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0850"
down_revision = "0840"
branch_labels = None
depends_on = None

_OWNER_TEXT = ("owner_name", "owner_id_number", "owner_address", "owner_phone", "owner_email")


def upgrade() -> None:
    with op.batch_alter_table("dossiers") as batch:
        batch.add_column(sa.Column("owner_type", sa.Integer(), nullable=True))
        for name in _OWNER_TEXT:
            batch.add_column(sa.Column(name, sa.Text(), nullable=True))
        batch.add_column(
            sa.Column("collection", sa.String(20), nullable=False, server_default="counter")
        )


def downgrade() -> None:
    with op.batch_alter_table("dossiers") as batch:
        batch.drop_column("collection")
        for name in reversed(_OWNER_TEXT):
            batch.drop_column(name)
        batch.drop_column("owner_type")
