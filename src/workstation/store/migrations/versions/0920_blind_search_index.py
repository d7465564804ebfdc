"""Blind search indexes in place of the plain folded columns.

Adds ``dossier_search_tokens`` (a dossier's applicant name) and
``archive_search_tokens`` (an archive record's title, codes and keywords):
one row per folded word and per prefix of it from two characters, each passed
through the store's keyed door (``protection.keyed``, 16 characters kept), so
under the sealing codec nothing there can be read back as a name. A dossier's
rows name it by its short number and repeat its reception time (microseconds
since 1970), so one token's rows lie in the list's order.
Fills both from the rows already stored, then drops ``applicants.name_search``
and ``archive_records.search``, which held the folded text plainly.

The words are made by a frozen copy of what ``workstation.store.search_index``
did when this migration was written; the values pass through the codec door
(read with ``open_text``, keyed with ``keyed``), so the migration is right
whichever codec is installed when it runs.

Revision ID: 0920
Revises: 0900
Create Date: 2026-12-03
"""

from __future__ import annotations

import json
import re
import unicodedata
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from alembic import op

from workstation.store import protection

revision = "0920"
down_revision = "0910"
branch_labels = None
depends_on = None

_WORD = re.compile(r"\w+")
_BATCH = 5_000


def _fold(text: str) -> str:
    # A frozen copy of workstation.domain.text.fold as it was when this migration was written.
    text = text.replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(stripped.casefold().split())


def _tokens(purpose: str, text: str) -> set[str]:
    # A frozen copy of workstation.store.search_index.index_tokens (prefixes from 2, 16 kept).
    pieces: set[str] = set()
    for word in _WORD.findall(_fold(text)):
        pieces.add(word)
        pieces.update(word[:end] for end in range(2, len(word)))
    return {protection.keyed(purpose, piece)[:16] for piece in pieces}


def _archive_text(metadata: dict[str, Any]) -> str:
    # A frozen copy of workstation.store.search_index.archive_search_text.
    keys = ("fonds", "catalogue", "box", "file_number", "title", "keywords", "notes")
    parts = [metadata.get(key) for key in keys]
    for item in metadata.get("items") or []:
        parts += [item.get("summary"), item.get("number"), item.get("symbol")]
    return " ".join(str(p) for p in parts if p not in (None, ""))


def _create(table: str, owner: sa.Column, *ordered: sa.Column) -> None:
    op.create_table(
        table,
        sa.Column("token", sa.String(16), primary_key=True),
        *ordered,
        owner,
        sqlite_with_rowid=False,
    )
    op.create_index(f"ix_{table}_{owner.name.removesuffix('_id')}", table, [owner.name])


def _received(stored: str | datetime) -> int:
    # As workstation.store.search_index.received_key: microseconds since 1970 (naive UTC).
    when = stored if isinstance(stored, datetime) else datetime.fromisoformat(stored)
    return (when.replace(tzinfo=None) - datetime(1970, 1, 1)) // timedelta(microseconds=1)


def _fill(table: str, columns: tuple[str, ...], rows: list[dict[str, Any]]) -> None:
    connection = op.get_bind()
    names = ", ".join(columns)
    values = ", ".join(f":{c}" for c in columns)
    statement = sa.text(f"INSERT INTO {table} ({names}) VALUES ({values})")
    for start in range(0, len(rows), _BATCH):
        connection.execute(statement, rows[start : start + _BATCH])


def upgrade() -> None:
    _create(
        "dossier_search_tokens",
        sa.Column("number", sa.Integer(), sa.ForeignKey("dossiers.number"), primary_key=True),
        sa.Column("received", sa.Integer(), primary_key=True),
    )
    _create(
        "archive_search_tokens",
        sa.Column(
            "record_id", sa.String(36), sa.ForeignKey("archive_records.id"), primary_key=True
        ),
    )
    connection = op.get_bind()
    names = connection.execute(
        sa.text(
            "SELECT d.number, d.received_at, a.name FROM dossiers d "
            "JOIN applicants a ON d.applicant_id = a.id"
        )
    ).all()
    _fill(
        "dossier_search_tokens",
        ("token", "received", "number"),
        [
            {"token": token, "received": _received(received_at), "number": number}
            for number, received_at, name in names
            for token in _tokens("search", protection.open_text(name or ""))
        ],
    )
    records = connection.execute(sa.text("SELECT id, record FROM archive_records")).all()
    _fill(
        "archive_search_tokens",
        ("token", "record_id"),
        [
            {"token": token, "record_id": record_id}
            for record_id, record in records
            for token in _tokens(
                "archive-search", _archive_text(json.loads(protection.open_text(record or "{}")))
            )
        ],
    )
    op.drop_index("ix_applicants_name_search", table_name="applicants")
    with op.batch_alter_table("applicants") as batch:
        batch.drop_column("name_search")
    with op.batch_alter_table("archive_records") as batch:
        batch.drop_column("search")


def downgrade() -> None:
    # The folded columns come back empty: the tokens may be keyed and cannot give them back.
    with op.batch_alter_table("archive_records") as batch:
        batch.add_column(sa.Column("search", sa.Text(), nullable=False, server_default=""))
    with op.batch_alter_table("applicants") as batch:
        batch.add_column(sa.Column("name_search", sa.Text(), nullable=False, server_default=""))
    op.create_index("ix_applicants_name_search", "applicants", ["name_search"])
    for table, owner in (("archive_search_tokens", "record"), ("dossier_search_tokens", "number")):
        op.drop_index(f"ix_{table}_{owner}", table_name=table)
        op.drop_table(table)
