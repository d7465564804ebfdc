"""Short numbers that cannot collide, and what the outbox's sender needs.

Adds ``dossiers.number``, the dossier's short number on this workstation
(1, 2, 3 … in the order received; existing dossiers are numbered by
``received_at``), unique and never reused: ``counters.dossier_number`` holds
the last number given. Making the column NOT NULL rebuilds ``dossiers``, which
other tables refer to (the store runs migrations with foreign keys off and
checks them before committing). Adds ``outbox.claimed_at`` (when a sender took
a message; a claim expires) and an index on ``outbox(entity_id, id)`` for
sending in order per entity.

Revision ID: 0500
Revises: 0100
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0500"
down_revision = "0100"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "counters",
        sa.Column("name", sa.String(40), primary_key=True),
        sa.Column("value", sa.Integer(), nullable=False),
    )
    with op.batch_alter_table("dossiers") as batch:
        batch.add_column(sa.Column("number", sa.Integer(), nullable=True))
    connection = op.get_bind()
    connection.execute(
        sa.text(
            "UPDATE dossiers SET number = (SELECT ordered.n FROM "
            "(SELECT id, ROW_NUMBER() OVER (ORDER BY received_at, id) AS n FROM dossiers) "
            "AS ordered WHERE ordered.id = dossiers.id)"
        )
    )
    connection.execute(
        sa.text(
            "INSERT INTO counters (name, value) "
            "SELECT 'dossier_number', COALESCE(MAX(number), 0) FROM dossiers"
        )
    )
    with op.batch_alter_table("dossiers", recreate="always") as batch:
        batch.alter_column("number", existing_type=sa.Integer(), nullable=False)
    op.create_index("ix_dossiers_number", "dossiers", ["number"], unique=True)

    with op.batch_alter_table("outbox") as batch:
        batch.add_column(sa.Column("claimed_at", sa.DateTime(), nullable=True))
    op.create_index("ix_outbox_entity", "outbox", ["entity_id", "id"])


def downgrade() -> None:
    op.drop_index("ix_outbox_entity", table_name="outbox")
    with op.batch_alter_table("outbox") as batch:
        batch.drop_column("claimed_at")
    op.drop_index("ix_dossiers_number", table_name="dossiers")
    with op.batch_alter_table("dossiers") as batch:
        batch.drop_column("number")
    op.drop_table("counters")
