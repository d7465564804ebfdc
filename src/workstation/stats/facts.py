"""What the local store holds about each dossier received in a period, as plain facts.

One :class:`DossierFacts` per dossier, read in a few queries (dossiers, then
their components, results, events, proofs, handovers, payments and ratings, each
joined to the period's dossiers), so the measures are counted from plain data and a test can
count them again independently.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from workstation.domain.clock import VIETNAM
from workstation.domain.dossier import DigitisationStatus
from workstation.domain.status import DossierStatus
from workstation.store.models import (
    ComponentRow,
    DocumentRow,
    DossierEventRow,
    DossierRow,
    HandoverRow,
    IdentityProofRow,
    PaymentRow,
    RatingRow,
    ResultRow,
)
from workstation.store.timestamps import from_stored, to_stored

DONE = (DossierStatus.PROCESSED, DossierStatus.RESULT_RETURNED)


@dataclass(frozen=True)
class ComponentFacts:
    """A component's digitisation status and whether a digitised document is stored for it."""

    digitisation: int
    has_document: bool

    @property
    def digitised(self) -> bool:
        """Digitised: it has a digitised record (a stored document) or a digitised status."""
        return self.has_document or self.digitisation != DigitisationStatus.NOT_DIGITISED

    @property
    def reused(self) -> bool:
        return self.digitisation in (
            DigitisationStatus.REUSED_FROM_COMPONENT,
            DigitisationStatus.REUSED_FROM_RESULT,
        )


@dataclass(frozen=True)
class DossierFacts:
    """One dossier as the statistics see it (ids and codes only, no personal data)."""

    id: str
    number: int
    code: str | None
    procedure_code: str
    channel: str
    status: int
    received_on: date  # in Viet Nam
    due_at: datetime | None
    done_at: datetime | None  # processed or handed over, whichever came first
    components: tuple[ComponentFacts, ...]
    result_documents: int  # results with a stored (digitised) file
    identity_proofs: int  # the citizen's own e-ID confirmations (on-behalf filing)
    handed_over: bool
    payment_methods: tuple[str, ...]
    rating_levels: tuple[str, ...]


def day_bounds(first: date, last: date) -> tuple[datetime, datetime]:
    """From the start of ``first`` to the end of ``last``, Viet Nam days, as aware datetimes."""
    start = datetime.combine(first, time(), VIETNAM)
    end = datetime.combine(last + timedelta(days=1), time(), VIETNAM)
    return start, end


def read_facts(session: Session, first: date, last: date) -> list[DossierFacts]:
    """The facts of every dossier received from ``first`` to ``last`` (Viet Nam days)."""
    start, end = day_bounds(first, last)
    rows = session.execute(
        select(
            DossierRow.id,
            DossierRow.number,
            DossierRow.code,
            DossierRow.procedure_code,
            DossierRow.channel,
            DossierRow.status,
            DossierRow.received_at,
            DossierRow.due_at,
        )
        .where(DossierRow.received_at >= to_stored(start), DossierRow.received_at < to_stored(end))
        .order_by(DossierRow.received_at, DossierRow.id)
    ).all()
    components: dict[str, list[ComponentFacts]] = defaultdict(list)
    results: dict[str, int] = defaultdict(int)
    done: dict[str, datetime] = {}
    proofs: dict[str, int] = defaultdict(int)
    handed: set[str] = set()
    payments: dict[str, list[str]] = defaultdict(list)
    ratings: dict[str, list[str]] = defaultdict(list)
    # One query per table, each joined to the period's dossiers on the (received_at, id)
    # index: far fewer round trips than asking by chunks of ids.
    received = (
        DossierRow.received_at >= to_stored(start),
        DossierRow.received_at < to_stored(end),
    )

    def of_period(query, dossier_id):  # type: ignore[no-untyped-def]
        return query.join(DossierRow, DossierRow.id == dossier_id).where(*received)

    with_document = set(
        session.scalars(
            of_period(
                select(DocumentRow.component_id)
                .join(ComponentRow, ComponentRow.id == DocumentRow.component_id)
                .distinct(),
                ComponentRow.dossier_id,
            )
        )
    )
    for c in session.execute(
        of_period(
            select(ComponentRow.id, ComponentRow.dossier_id, ComponentRow.digitisation),
            ComponentRow.dossier_id,
        ).order_by(ComponentRow.dossier_id, ComponentRow.position)
    ):
        components[c.dossier_id].append(ComponentFacts(c.digitisation, c.id in with_document))
    for dossier_id in session.scalars(
        of_period(select(ResultRow.dossier_id), ResultRow.dossier_id).where(
            ResultRow.document_id.is_not(None)
        )
    ):
        results[dossier_id] += 1
    for e in session.execute(
        of_period(
            select(DossierEventRow.dossier_id, DossierEventRow.at), DossierEventRow.dossier_id
        ).where(DossierEventRow.status_after.in_([int(s) for s in DONE]))
    ):
        _earliest(done, e.dossier_id, from_stored(e.at))
    for h in session.execute(
        of_period(select(HandoverRow.dossier_id, HandoverRow.handed_at), HandoverRow.dossier_id)
    ):
        handed.add(h.dossier_id)
        _earliest(done, h.dossier_id, from_stored(h.handed_at))
    for dossier_id in session.scalars(
        of_period(select(IdentityProofRow.dossier_id), IdentityProofRow.dossier_id)
    ):
        proofs[dossier_id] += 1
    for p in session.execute(
        of_period(select(PaymentRow.dossier_id, PaymentRow.method), PaymentRow.dossier_id)
    ):
        payments[p.dossier_id].append(p.method)
    for r in session.execute(
        of_period(select(RatingRow.dossier_id, RatingRow.level), RatingRow.dossier_id)
    ):
        ratings[r.dossier_id].append(r.level)
    return [
        DossierFacts(
            id=r.id,
            number=r.number,
            code=r.code,
            procedure_code=r.procedure_code,
            channel=r.channel,
            status=r.status,
            received_on=from_stored(r.received_at).astimezone(VIETNAM).date(),
            due_at=None if r.due_at is None else from_stored(r.due_at),
            done_at=done.get(r.id),
            components=tuple(components[r.id]),
            result_documents=results[r.id],
            identity_proofs=proofs[r.id],
            handed_over=r.id in handed,
            payment_methods=tuple(payments[r.id]),
            rating_levels=tuple(ratings[r.id]),
        )
        for r in rows
    ]


def _earliest(found: dict[str, datetime], key: str, moment: datetime) -> None:
    if key not in found or moment < found[key]:
        found[key] = moment
