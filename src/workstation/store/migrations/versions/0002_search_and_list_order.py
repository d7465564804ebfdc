"""Diacritic-insensitive applicant search and a fast newest-first dossier list.

Adds ``applicants.name_search`` (lower case, diacritics and đ folded, since
SQLite's own folding is ASCII-only), fills it for existing rows, and indexes
``dossiers(received_at, id)``, the key the dossier list pages on.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-29
"""

from __future__ import annotations

import unicodedata

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def _fold(text: str) -> str:
    # A frozen copy of workstation.domain.text.fold as it was when this migration was written.
    text = text.replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(stripped.casefold().split())


def upgrade() -> None:
    with op.batch_alter_table("applicants") as batch:
        batch.add_column(sa.Column("name_search", sa.Text(), nullable=False, server_default=""))
    op.create_index("ix_applicants_name_search", "applicants", ["name_search"])
    op.create_index("ix_dossiers_received", "dossiers", ["received_at", "id"])

    # Personal columns pass through the store's codec; this migration predates
    # encryption at rest, so names are still stored as written.
    connection = op.get_bind()
    rows = connection.execute(sa.text("SELECT id, name FROM applicants")).all()
    for row_id, name in rows:
        connection.execute(
            sa.text("UPDATE applicants SET name_search = :key WHERE id = :id"),
            {"key": _fold(name), "id": row_id},
        )


def downgrade() -> None:
    op.drop_index("ix_dossiers_received", table_name="dossiers")
    op.drop_index("ix_applicants_name_search", table_name="applicants")
    with op.batch_alter_table("applicants") as batch:
        batch.drop_column("name_search")
