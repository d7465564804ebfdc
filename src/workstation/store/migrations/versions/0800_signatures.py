"""Signed documents and the signing queue.

Adds ``signatures``, one row per signed PDF stored in a dossier (the signed
document, the document it was signed from, the role: result, certified copy
or seal, the signer, the certificate's SHA-256 fingerprint and the signing
time), and ``signing_requests``, the documents waiting for an officer's
signature (waiting, signed, or sent back with a comment).

Revision ID: 0800
Revises: 0700
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0800"
down_revision = "0700"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "signatures",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("dossier_id", sa.String(36), sa.ForeignKey("dossiers.id"), nullable=False),
        sa.Column("document_id", sa.String(36), sa.ForeignKey("documents.id"), nullable=False),
        sa.Column(
            "source_document_id", sa.String(36), sa.ForeignKey("documents.id"), nullable=False
        ),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("signer", sa.Text(), nullable=False),
        sa.Column("certificate_sha256", sa.String(64), nullable=False),
        sa.Column("field_name", sa.String(60), nullable=False),
        sa.Column("signed_at", sa.DateTime(), nullable=False),
    )
    op.create_index("ix_signatures_dossier_id", "signatures", ["dossier_id"])
    op.create_table(
        "signing_requests",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("dossier_id", sa.String(36), sa.ForeignKey("dossiers.id"), nullable=False),
        sa.Column("document_id", sa.String(36), sa.ForeignKey("documents.id"), nullable=False),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("state", sa.String(20), nullable=False),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("requested_at", sa.DateTime(), nullable=False),
        sa.Column("done_at", sa.DateTime(), nullable=True),
        sa.Column(
            "signed_document_id", sa.String(36), sa.ForeignKey("documents.id"), nullable=True
        ),
    )
    op.create_index("ix_signing_requests_state", "signing_requests", ["state"])


def downgrade() -> None:
    op.drop_index("ix_signing_requests_state", "signing_requests")
    op.drop_table("signing_requests")
    op.drop_index("ix_signatures_dossier_id", "signatures")
    op.drop_table("signatures")
