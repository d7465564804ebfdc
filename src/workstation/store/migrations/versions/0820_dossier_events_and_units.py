"""The counter's life cycle and today's administrative units.

Adds ``dossier_events``: one row per step of a dossier's life cycle at the
counter (supplement requested and received, refused, extended with an
apology, stopped at the applicant's request, control slip printed), with the
status and appointment before and after, the reasons (personal data, sealed)
and the form printed for it; the supplement steps are the pauses of the
due-date clock. Adds to ``applicants`` the current two-level unit suggested
for the card's address (``current_address``) and how it was found
(``address_units``: current, mapped, unknown). Only a table and columns are
added: no table is rebuilt.

Revision ID: 0820
Revises: 0800
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0820"
down_revision = "0800"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "dossier_events",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("dossier_id", sa.String(36), sa.ForeignKey("dossiers.id"), nullable=False),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("status_before", sa.Integer(), nullable=True),
        sa.Column("status_after", sa.Integer(), nullable=True),
        sa.Column("due_before", sa.DateTime(), nullable=True),
        sa.Column("due_after", sa.DateTime(), nullable=True),
        sa.Column("details", sa.Text(), nullable=False),
        sa.Column("form", sa.String(20), nullable=True),
        sa.Column("form_file", sa.Text(), nullable=True),
    )
    op.create_index("ix_dossier_events_dossier", "dossier_events", ["dossier_id", "at"])
    with op.batch_alter_table("applicants") as batch:
        batch.add_column(sa.Column("current_address", sa.Text(), nullable=True))
        batch.add_column(sa.Column("address_units", sa.String(20), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("applicants") as batch:
        batch.drop_column("address_units")
        batch.drop_column("current_address")
    op.drop_index("ix_dossier_events_dossier", table_name="dossier_events")
    op.drop_table("dossier_events")
