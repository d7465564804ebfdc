"""The store's data keys, kept wrapped, for encryption at rest.

Adds ``store_keys``: one row per data key, wrapped (AES key wrap) under the
key-encryption key held in the OS keyring and again under the store's recovery
key; ``state`` is ``sealing`` while the store is being sealed under it (switching
encryption on, or a rotation) and ``current`` once everything is. Adds
``store_recovery``: the one recovery key, wrapped under the key-encryption key,
under a passphrase (scrypt) and/or for the province's recovery public key
(RSA-OAEP). A store with a row in ``store_keys`` has encryption on
(:mod:`workstation.store.keys`).

Revision ID: 0910
Revises: 0900
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0910"
down_revision = "0900"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "store_keys",
        sa.Column("key_id", sa.String(16), primary_key=True),
        sa.Column("state", sa.String(12), nullable=False),
        sa.Column("wrapped_local", sa.Text(), nullable=False),
        sa.Column("wrapped_recovery", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
    )
    op.create_table(
        "store_recovery",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("store_id", sa.String(36), nullable=False),
        sa.Column("wrapped_local", sa.Text(), nullable=False),
        sa.Column("by_passphrase", sa.Text(), nullable=True),
        sa.Column("by_public_key", sa.Text(), nullable=True),
        sa.Column("public_key_sha256", sa.String(64), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("store_recovery")
    op.drop_table("store_keys")
