"""What filing on the citizen's behalf and handing back results record.

Adds to ``dossiers`` the applicant's fee cases (``fee_cases``), so the fees
can be assessed again when the dossier becomes an online one; and four
tables: ``identity_proofs`` (the citizen's own e-ID confirmation of the
content), ``payments`` (recorded at the counter or confirmed centrally),
``handovers`` (the result handed back) and ``ratings`` (the citizen's rating).

Revision ID: 0830
Revises: 0820
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0830"
down_revision = "0820"
branch_labels = None
depends_on = None


def _dossier() -> sa.Column:
    return sa.Column("dossier_id", sa.String(36), sa.ForeignKey("dossiers.id"), nullable=False)


def upgrade() -> None:
    with op.batch_alter_table("dossiers") as batch:
        batch.add_column(sa.Column("fee_cases", sa.String(200), nullable=False, server_default=""))
    op.create_table(
        "identity_proofs",
        sa.Column("id", sa.String(36), primary_key=True),
        _dossier(),
        sa.Column("account_id_number", sa.Text(), nullable=False),
        sa.Column("account_kind", sa.String(40), nullable=False),
        sa.Column("method", sa.String(40), nullable=False),
        sa.Column("provider", sa.String(40), nullable=False),
        sa.Column("confirmed_at", sa.DateTime(), nullable=False),
        sa.Column("content_sha256", sa.String(64), nullable=False),
        sa.Column("submitted_at", sa.DateTime(), nullable=False),
    )
    op.create_index("ix_identity_proofs_dossier_id", "identity_proofs", ["dossier_id"])
    op.create_table(
        "payments",
        sa.Column("id", sa.String(36), primary_key=True),
        _dossier(),
        sa.Column("method", sa.String(20), nullable=False),
        sa.Column("reference", sa.String(100), nullable=False),
        sa.Column("amount", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(20), nullable=False),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.Column("officer_id", sa.Integer(), nullable=True),
    )
    op.create_index("ix_payments_dossier_id", "payments", ["dossier_id"])
    op.create_table(
        "handovers",
        sa.Column("id", sa.String(36), primary_key=True),
        _dossier(),
        sa.Column("delivery", sa.String(20), nullable=False),
        sa.Column("collector", sa.String(20), nullable=False),
        sa.Column("collector_id_number", sa.Text(), nullable=False),
        sa.Column("authorisation_sha256", sa.String(64), nullable=True),
        sa.Column("email", sa.Text(), nullable=True),
        sa.Column("handed_at", sa.DateTime(), nullable=False),
        sa.Column("officer_id", sa.Integer(), nullable=True),
    )
    op.create_index("ix_handovers_dossier_id", "handovers", ["dossier_id"])
    op.create_table(
        "ratings",
        sa.Column("id", sa.String(36), primary_key=True),
        _dossier(),
        sa.Column("level", sa.String(40), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("rated_at", sa.DateTime(), nullable=False),
        sa.Column("officer_id", sa.Integer(), nullable=True),
    )
    op.create_index("ix_ratings_dossier_id", "ratings", ["dossier_id"])


def downgrade() -> None:
    for table in ("ratings", "handovers", "payments", "identity_proofs"):
        op.drop_index(f"ix_{table}_dossier_id", table_name=table)
        op.drop_table(table)
    with op.batch_alter_table("dossiers") as batch:
        batch.drop_column("fee_cases")
