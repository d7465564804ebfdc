"""Life-cycle events of dossiers in the store (table ``dossier_events``).

Functions take the caller's session, so a life-cycle step saves its event,
the dossier's new status or appointment and its outbox message in one
transaction (see :mod:`workstation.lifecycle`).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from workstation.domain import DossierStatus
from workstation.domain.events import DossierEvent, EventKind
from workstation.store.models import DossierEventRow, DossierRow
from workstation.store.timestamps import from_stored, to_stored


def add_event(session: Session, event: DossierEvent) -> None:
    """Stage ``event``."""
    session.add(
        DossierEventRow(
            id=event.id,
            dossier_id=event.dossier_id,
            kind=str(event.kind),
            at=to_stored(event.at),
            status_before=_int(event.status_before),
            status_after=_int(event.status_after),
            due_before=_moment(event.due_before),
            due_after=_moment(event.due_after),
            details=json.dumps(event.details, ensure_ascii=False, sort_keys=True),
            form=event.form,
            form_file=event.form_file,
        )
    )


def events_of(session: Session, dossier_id: str) -> list[DossierEvent]:
    """Every event of ``dossier_id``, oldest first."""
    rows = session.scalars(
        select(DossierEventRow)
        .where(DossierEventRow.dossier_id == dossier_id)
        .order_by(DossierEventRow.at, DossierEventRow.id)
    )
    return [_event(r) for r in rows]


def set_due_at(session: Session, dossier_id: str, due_at: datetime | None) -> None:
    """Stage a new appointment for ``dossier_id`` (the caller has loaded it)."""
    row = session.get(DossierRow, dossier_id)
    if row is None:  # pragma: no cover - the caller found the dossier in this transaction
        raise LookupError(dossier_id)
    row.due_at = _moment(due_at)
    row.updated_at = to_stored(datetime.now(UTC))


def _int(status: DossierStatus | None) -> int | None:
    return None if status is None else int(status)


def _moment(moment: datetime | None) -> datetime | None:
    return None if moment is None else to_stored(moment)


def _event(row: DossierEventRow) -> DossierEvent:
    return DossierEvent(
        id=row.id,
        dossier_id=row.dossier_id,
        kind=EventKind(row.kind),
        at=from_stored(row.at),
        status_before=None if row.status_before is None else DossierStatus(row.status_before),
        status_after=None if row.status_after is None else DossierStatus(row.status_after),
        due_before=None if row.due_before is None else from_stored(row.due_before),
        due_after=None if row.due_after is None else from_stored(row.due_after),
        details=json.loads(row.details),
        form=row.form,
        form_file=row.form_file,
    )
