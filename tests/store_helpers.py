"""Helpers the store's tests share: a dossier received as the counter receives it."""

from __future__ import annotations

from datetime import UTC, datetime

from workstation.domain import Applicant, Dossier
from workstation.store.database import Database
from workstation.store.dossiers import add_dossier
from workstation.store.outbox import MessageKind, enqueue

T0 = datetime(2026, 3, 12, 2, 0, tzinfo=UTC)
"""When :func:`received_dossier`'s dossiers are received: 09:00 in Vietnam, a Thursday."""


def received_dossier(database: Database, name: str = "Trần Minh Đức") -> Dossier:
    """Save a dossier and queue its ``dossier.created`` message in one transaction."""
    with database.transaction() as session:
        dossier = add_dossier(
            session,
            Dossier(procedure_code="1.001193", applicant=Applicant(name=name), received_at=T0),
        )
        enqueue(session, MessageKind.DOSSIER_CREATED, dossier.id, {"id": dossier.id})
    return dossier
