"""Retention: when the central system confirmed a message, and what was purged here.

Adds ``outbox.sent_at`` (when the central system acknowledged the message;
the retention periods count from it), ``documents.removed_at`` (the local copy
of the file was removed by the retention purge: the central system holds it)
and ``dossiers.forgotten_at`` (the dossier's personal data was forgotten).
Messages sent before this revision get the time of their ``message.sent``
audit entry, else the time of the upgrade: their period starts no earlier
than it could have.

Revision ID: 0930
Revises: 0900
Create Date: 2026-12-03
"""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "0930"
down_revision = "0920"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("outbox") as batch:
        batch.add_column(sa.Column("sent_at", sa.DateTime(), nullable=True))
    with op.batch_alter_table("documents") as batch:
        batch.add_column(sa.Column("removed_at", sa.DateTime(), nullable=True))
    with op.batch_alter_table("dossiers") as batch:
        batch.add_column(sa.Column("forgotten_at", sa.DateTime(), nullable=True))
    now = datetime.now(UTC).replace(tzinfo=None).isoformat(sep=" ")
    # Audit times are ISO UTC with an offset ("…+00:00"); the store's are naive UTC.
    op.execute(
        sa.text(
            "UPDATE outbox SET sent_at = COALESCE("
            " (SELECT replace(substr(a.at, 1, 19), 'T', ' ') FROM audit_log a"
            "  WHERE a.action = 'message.sent' AND a.message_id = outbox.message_id"
            "  ORDER BY a.seq LIMIT 1),"
            " :now) WHERE state = 'sent'"
        ).bindparams(now=now)
    )


def downgrade() -> None:
    with op.batch_alter_table("dossiers") as batch:
        batch.drop_column("forgotten_at")
    with op.batch_alter_table("documents") as batch:
        batch.drop_column("removed_at")
    with op.batch_alter_table("outbox") as batch:
        batch.drop_column("sent_at")
