"""What the dossier shows about its signing: its result documents and its signature records.

Read-only, for the dossier's detail panel: the result documents (the
unsigned result and each signed one, current first) and one record per
signature stored with the dossier (who signed, in which role, when, and the
SHA-256 fingerprint of the signing certificate).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from workstation.store import Database
from workstation.store.models import DocumentRow, ResultRow
from workstation.store.signatures import StoredSignature, signatures_of
from workstation.store.timestamps import from_stored


@dataclass(frozen=True)
class ResultDocument:
    """One result document of a dossier."""

    document_id: str
    file_name: str
    created_at: datetime
    signed: bool  # a signature record points to it
    current: bool  # the dossier's result is this file


@dataclass(frozen=True)
class SigningRecord:
    """A dossier's result documents and signature records."""

    results: list[ResultDocument]
    signatures: list[StoredSignature]


def signing_record(database: Database, dossier_id: str) -> SigningRecord:
    """The dossier's result documents (current first, then newest first) and signatures."""
    with database.reading() as session:
        signatures = signatures_of(session, dossier_id)
        current = set(
            session.scalars(
                select(ResultRow.document_id).where(
                    ResultRow.dossier_id == dossier_id, ResultRow.document_id.is_not(None)
                )
            )
        )
        signed = {s.document_id for s in signatures}
        ids = current | {s.document_id for s in signatures if s.role in ("result", "seal")}
        ids |= {s.source_document_id for s in signatures if s.role in ("result", "seal")}
        rows = (
            session.scalars(select(DocumentRow).where(DocumentRow.id.in_(ids))).all() if ids else []
        )
        results = [
            ResultDocument(
                r.id, r.file_name, from_stored(r.created_at), r.id in signed, r.id in current
            )
            for r in rows
            if r.component_id is None
        ]
    results.sort(key=lambda d: (not d.current, -d.created_at.timestamp()))
    return SigningRecord(results, signatures)
