"""Blind search indexes: names and archive titles found by keyed tokens, never stored plain.

A name (or an archive record's title, codes and keywords) is folded
(:func:`workstation.domain.text.fold`: lower case, diacritics and đ removed),
cut into words at every character that is not a letter or a digit, and each
word is stored as a set of *tokens*: the whole word and each of its prefixes
from :data:`MIN_PREFIX` characters on. Each token passes through the store's
keyed door (:func:`workstation.store.protection.keyed`), so under the sealing
codec the tables hold keyed hashes (HMAC) that nobody without the key can test
a guessed name against; under today's plain codec they hold the folded tokens.

A search folds its text the same way and asks, for every word typed, for the
one token that word is: ``đức nguyễn`` finds ``Nguyễn Văn Đức`` (words in any
order) and ``nguy va`` finds it too (starts of words), but a piece from inside
a word (``uyen``) finds nothing, and a single letter finds only a one-letter
word. ARCHITECTURE.md (the local store) says what the index still gives away.

Every change to an applicant's name or an archive record's metadata goes
through here (:func:`dossier_tokens`, :func:`index_dossier_name` for a name
changed or forgotten, :func:`archive_tokens`); when the codec's
key changes (encryption switched on, a key rotated) :func:`rebuild_search_index`
computes every token again from the sealed columns.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, and_, delete, exists, func, insert, select
from sqlalchemy.orm import Session, aliased

from workstation.domain.text import fold
from workstation.errors import NotFound
from workstation.store import protection
from workstation.store.models import (
    ApplicantRow,
    ArchiveRecordRow,
    ArchiveSearchTokenRow,
    DossierRow,
    DossierSearchTokenRow,
)

MIN_PREFIX = 2
"""The shortest prefix of a word that is indexed (a word itself is, whatever its length)."""
TOKEN_LENGTH = 16
"""Characters of a keyed token kept: 64 bits of a keyed hash's hex (no two words a search
could tell apart collide in practice), or a folded word's first 16 characters."""
DOSSIER_PURPOSE = "search"
"""The keyed door's purpose for the dossier list's name search."""
ARCHIVE_PURPOSE = "archive-search"
"""The keyed door's purpose for the archive search (its own key: the two indexes do not link)."""

_WORD = re.compile(r"\w+")
_BATCH = 5_000
_COUNTED = 1_000
_EPOCH = datetime(1970, 1, 1)
_MICROSECOND = timedelta(microseconds=1)


def words(text: str) -> list[str]:
    """The folded words of ``text``, in order (letters and digits; anything else separates)."""
    return _WORD.findall(fold(text))


def _token(purpose: str, word: str) -> str:
    return protection.keyed(purpose, word)[:TOKEN_LENGTH]


def index_tokens(purpose: str, text: str) -> set[str]:
    """The keyed tokens ``text`` is stored under: each word whole and its prefixes."""
    pieces: set[str] = set()
    for word in words(text):
        pieces.add(word)
        pieces.update(word[:end] for end in range(MIN_PREFIX, len(word)))
    return {_token(purpose, piece) for piece in pieces}


def query_tokens(purpose: str, text: str) -> set[str]:
    """The keyed tokens a search for ``text`` asks for: one per distinct word typed."""
    return {_token(purpose, word) for word in words(text)}


def _holding_all(owner: Any, table: Any, key: Any, tokens: set[str]) -> ColumnElement[bool]:
    """``owner`` (an id column) is among the ids (``key``) holding every one of ``tokens``."""
    return and_(*(owner.in_(select(key).where(table.token == t)) for t in sorted(tokens)))


def received_key(received_at: datetime) -> int:
    """A stored (naive UTC) reception time as the index keeps it: microseconds since 1970."""
    return (received_at.replace(tzinfo=None) - _EPOCH) // _MICROSECOND


def dossier_tokens(name: str, received_at: datetime) -> list[DossierSearchTokenRow]:
    """The rows a dossier received at ``received_at`` (stored, naive UTC) whose applicant
    is ``name`` is found by (set on ``DossierRow.search_tokens``)."""
    received = received_key(received_at)
    return [
        DossierSearchTokenRow(token=t, received=received)
        for t in sorted(index_tokens(DOSSIER_PURPOSE, name))
    ]


def index_dossier_name(session: Session, dossier_id: str, name: str | None) -> None:
    """Stage ``dossier_id``'s tokens for its applicant's ``name`` in place of its old ones;
    ``None`` forgets them (for whoever changes or forgets a name: the index follows)."""
    row = session.get(DossierRow, dossier_id)
    if row is None:
        raise NotFound(f"no dossier {dossier_id}", code="dossier.not_found", dossier=dossier_id)
    row.search_tokens = dossier_tokens(name, row.received_at) if name else []


def dossiers_named(text: str) -> ColumnElement[bool] | None:
    """A condition on ``DossierRow``: its applicant's name holds every word of ``text``
    (whole, or as the start of a word); None when ``text`` has no word. For searches
    that also look at codes; a search by name alone walks :func:`named_in_order`."""
    tokens = query_tokens(DOSSIER_PURPOSE, text)
    if not tokens:
        return None
    table = DossierSearchTokenRow
    return _holding_all(DossierRow.number, table, table.number, tokens)


def rarest_first(session: Session, text: str) -> list[str] | None:
    """The tokens a name search for ``text`` asks for, the one fewest dossiers hold first;
    None when one of them is held by none (nothing can match).

    Each token's dossiers are counted up to :data:`_COUNTED` only: past that,
    every token is common and any of them leads as well.
    """
    tokens = query_tokens(DOSSIER_PURPOSE, text)
    if not tokens:
        return None
    table = DossierSearchTokenRow
    counts: dict[str, int] = {}
    for token in tokens:
        held = select(table.number).where(table.token == token).limit(_COUNTED).subquery()
        counts[token] = session.scalar(select(func.count()).select_from(held)) or 0
        if not counts[token]:
            return None
    return sorted(tokens, key=lambda t: (counts[t], t))


def named_in_order(tokens: list[str]) -> tuple[Any, ColumnElement[bool]]:
    """The token rows of the dossiers holding every one of ``tokens``, and the condition
    that picks them: walks the first (rarest) token's rows, which lie in the list's order
    (``received``, ``number``), and checks each other token by its primary key."""
    first = aliased(DossierSearchTokenRow, name="t0")
    conditions = [first.token == tokens[0]]
    for n, token in enumerate(tokens[1:], start=1):
        other = aliased(DossierSearchTokenRow, name=f"t{n}")
        conditions.append(
            exists().where(
                other.token == token,
                other.received == first.received,
                other.number == first.number,
            )
        )
    return first, and_(*conditions)


def archive_tokens(search_text: str) -> list[ArchiveSearchTokenRow]:
    """The rows an archive record is found by, from its metadata's search text."""
    return [
        ArchiveSearchTokenRow(token=t) for t in sorted(index_tokens(ARCHIVE_PURPOSE, search_text))
    ]


def archive_records_matching(text: str) -> ColumnElement[bool] | None:
    """A condition on ``ArchiveRecordRow``: its search text holds every word of ``text``
    (whole, or as the start of a word); None when ``text`` has no word."""
    tokens = query_tokens(ARCHIVE_PURPOSE, text)
    if not tokens:
        return None
    table = ArchiveSearchTokenRow
    return _holding_all(ArchiveRecordRow.id, table, table.record_id, tokens)


def archive_search_text(metadata: dict[str, Any]) -> str:
    """What an archive record is found by: its place, title, keywords, notes, items."""
    parts = [
        metadata.get("fonds"),
        metadata.get("catalogue"),
        metadata.get("box"),
        metadata.get("file_number"),
        metadata.get("title"),
        metadata.get("keywords"),
        metadata.get("notes"),
    ]
    for item in metadata.get("items") or []:
        parts += [item.get("summary"), item.get("number"), item.get("symbol")]
    return " ".join(str(p) for p in parts if p not in (None, ""))


def rebuild_search_index(session: Session) -> tuple[int, int]:
    """Compute every token again with the installed codec's key, in the caller's transaction.

    For when the key the tokens were made with changes (encryption switched on,
    a key rotated): reads each applicant's name and each archive record's
    metadata through the codec and replaces both indexes. Returns how many
    dossiers and archive records were indexed.
    """
    session.execute(delete(DossierSearchTokenRow))
    session.execute(delete(ArchiveSearchTokenRow))
    names = session.execute(
        select(DossierRow.number, DossierRow.received_at, ApplicantRow.name).join(
            ApplicantRow, DossierRow.applicant_id == ApplicantRow.id
        )
    ).all()
    dossiers = _insert_all(
        session,
        DossierSearchTokenRow,
        (
            {"number": number, "received": received_key(received_at), "token": token}
            for number, received_at, name in names
            for token in index_tokens(DOSSIER_PURPOSE, name or "")
        ),
        "number",
    )
    records = session.execute(select(ArchiveRecordRow.id, ArchiveRecordRow.record)).all()
    archived = _insert_all(
        session,
        ArchiveSearchTokenRow,
        (
            {"record_id": record_id, "token": token}
            for record_id, record in records
            for token in index_tokens(
                ARCHIVE_PURPOSE, archive_search_text(json.loads(record or "{}"))
            )
        ),
        "record_id",
    )
    return dossiers, archived


def _insert_all(session: Session, table: Any, rows: Iterable[dict[str, Any]], key: str) -> int:
    """Insert ``rows`` in batches; how many distinct ``key`` values they held."""
    owners: set[Any] = set()
    for batch in _batches(rows):
        owners.update(row[key] for row in batch)
        session.execute(insert(table), batch)
    return len(owners)


def _batches(rows: Iterable[dict[str, Any]]) -> Iterator[list[dict[str, Any]]]:
    batch: list[dict[str, Any]] = []
    for row in rows:
        batch.append(row)
        if len(batch) == _BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


__all__ = [
    "MIN_PREFIX",
    "TOKEN_LENGTH",
    "archive_records_matching",
    "archive_search_text",
    "archive_tokens",
    "dossier_tokens",
    "dossiers_named",
    "index_dossier_name",
    "index_tokens",
    "named_in_order",
    "query_tokens",
    "rarest_first",
    "rebuild_search_index",
    "received_key",
    "words",
]
