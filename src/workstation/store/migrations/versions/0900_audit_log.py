"""The audit log: who did what, append-only and hash-chained.

Adds ``audit_log``: one row per audited action (officer, UTC time, action,
object ids; never a citizen's data), numbered by ``seq`` and holding the
SHA-256 of the previous row (``prev_hash``) beside its own (``hash``), so an
edit, deletion, insertion or reordering breaks the chain
(:mod:`workstation.store.audit`). Two triggers refuse every ``UPDATE`` and
``DELETE`` on the table, so the log is append-only in SQLite itself.

Revision ID: 0900
Revises: 0850
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0900"
down_revision = "0850"
branch_labels = None
depends_on = None

TRIGGERS = {
    "audit_log_no_update": "UPDATE",
    "audit_log_no_delete": "DELETE",
}


def upgrade() -> None:
    op.create_table(
        "audit_log",
        sa.Column("seq", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("at", sa.String(32), nullable=False),
        sa.Column("officer", sa.String(100), nullable=False),
        sa.Column("officer_source", sa.String(40), nullable=False),
        sa.Column("action", sa.String(60), nullable=False),
        sa.Column("dossier_id", sa.String(36), nullable=True),
        sa.Column("document_id", sa.String(36), nullable=True),
        sa.Column("message_id", sa.String(36), nullable=True),
        sa.Column("object_id", sa.String(64), nullable=True),
        sa.Column("prev_hash", sa.String(64), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
    )
    op.create_index("ix_audit_log_officer", "audit_log", ["officer", "seq"])
    op.create_index("ix_audit_log_dossier", "audit_log", ["dossier_id", "seq"])
    for name, statement in TRIGGERS.items():
        op.execute(
            f"CREATE TRIGGER {name} BEFORE {statement} ON audit_log "
            "BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END"
        )


def downgrade() -> None:
    for name in TRIGGERS:
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.drop_index("ix_audit_log_dossier", table_name="audit_log")
    op.drop_index("ix_audit_log_officer", table_name="audit_log")
    op.drop_table("audit_log")
