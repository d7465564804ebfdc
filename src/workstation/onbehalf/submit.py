"""Submitting a received dossier online on the citizen's behalf (nộp hộ), with their proof.

A dossier received at the counter is a direct paper dossier and pays the
counter rate. It becomes an online dossier (channel ``online``, the province's
online reduction applied) only through :func:`submit_online`, with an
:class:`~workstation.onbehalf.identity.IdentityProof` from the dossier's
owner's own account (chủ hồ sơ, :attr:`Dossier.dossier_owner`: the citizen on
whose behalf it is filed, the authorising person in an authorisation case; the
filer's account only when the filer is the owner) over the dossier's content
as it is now; an online dossier whose content changed since (a component
scanned later) is confirmed again the same way (:func:`online_state` tells).
Refused, each as bad input: no proof; a proof of another person's account; a
proof of other content (another dossier, or this one before it changed: the
citizen confirms again). The proof is stored and the
``dossier.submitted_online`` message queued in the transaction that changes
the channel and the fees; the digest is checked again inside that transaction,
so a change that slipped in between is caught.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from datetime import UTC, datetime

from sqlalchemy import select

from workstation.domain import Catalogue, Channel, Dossier, DossierStatus, clock
from workstation.domain.dossier import new_id
from workstation.domain.fees import assess_fees
from workstation.errors import BadInput
from workstation.onbehalf.content import content_digest
from workstation.onbehalf.identity import IdentityProof
from workstation.onbehalf.officer import Officer, officer_payload
from workstation.store import Database
from workstation.store.dossiers import find_dossier, get_dossier
from workstation.store.models import DossierRow, IdentityProofRow
from workstation.store.outbox import MessageKind, enqueue
from workstation.store.timestamps import from_stored, to_stored

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class OnlineState:
    """Which of the two a dossier is, as the officer sees it at every step.

    ``online`` with ``current`` False means the content changed after the
    citizen confirmed it (they must confirm again).
    """

    online: bool
    current: bool = True
    confirmed_at: datetime | None = None
    provider: str | None = None
    account_kind: str | None = None
    """How the citizen signed in (an :class:`~workstation.onbehalf.identity.AccountKind`)."""


def check_proof(dossier: Dossier, proof: IdentityProof | None) -> None:
    """Refuse a missing proof, one of another person's account, or one of other content.

    The account must be the dossier owner's (:attr:`Dossier.dossier_owner`), not the
    filer's unless the filer is the owner.
    """
    if proof is None:
        raise BadInput(
            "no identity proof: the dossier stays a direct paper dossier",
            code="onbehalf.no_proof",
            name="",
        )
    owner = dossier.dossier_owner.id_number
    if not owner:
        raise BadInput(
            "the dossier has no ID number for its owner to sign in with",
            code="onbehalf.no_id_number",
        )
    if proof.account_id_number != owner:
        raise BadInput(
            "the proof is of another person's account, not the dossier owner's",
            code="onbehalf.proof_other_person",
        )
    if proof.content_sha256 != content_digest(dossier):
        raise BadInput(
            "the proof confirms other content than the dossier's as it is now",
            code="onbehalf.proof_other_content",
        )


def submit_online(
    database: Database,
    catalogue: Catalogue,
    reference: str,
    proof: IdentityProof | None,
    officer: Officer | None = None,
) -> Dossier:
    """Make the received dossier ``reference`` an online dossier under ``proof``; queue it.

    Returns the dossier with its channel and its fees as now assessed.
    """
    with database.reading() as session:
        dossier = find_dossier(session, reference)
    check_proof(dossier, proof)
    assert proof is not None
    if dossier.channel is Channel.ONLINE and online_state(database, dossier.id).current:
        raise BadInput("the dossier is already an online dossier", code="onbehalf.already_online")
    # An online dossier whose content changed since the citizen confirmed it (a component
    # scanned later) is confirmed again the same way; its proof is replaced.
    if dossier.status is not DossierStatus.RECEIVED:
        raise BadInput(
            "only a dossier just received can be submitted online",
            code="onbehalf.not_submittable",
            status=int(dossier.status),
        )
    day = clock.local(dossier.received_at).date()
    fees = assess_fees(
        catalogue.get(dossier.procedure_code, day), day, Channel.ONLINE, dossier.cases
    )
    now = datetime.now(UTC)
    with database.transaction() as session:
        check_proof(get_dossier(session, dossier.id), proof)  # unchanged since it was read
        row = session.get(DossierRow, dossier.id)
        assert row is not None
        row.channel = str(Channel.ONLINE)
        row.fee, row.charge = fees.fee, fees.charge
        row.updated_at = to_stored(now)
        session.add(
            IdentityProofRow(
                id=new_id(),
                dossier_id=dossier.id,
                account_id_number=proof.account_id_number,
                account_kind=str(proof.account_kind),
                method=str(proof.method),
                provider=proof.provider,
                confirmed_at=to_stored(proof.confirmed_at),
                content_sha256=proof.content_sha256,
                submitted_at=to_stored(now),
            )
        )
        enqueue(
            session,
            MessageKind.DOSSIER_SUBMITTED_ONLINE,
            dossier.id,
            {
                "dossier_id": dossier.id,
                "code": dossier.code,
                "channel": str(Channel.ONLINE),
                "fee": fees.fee,
                "charge": fees.charge,
                "officer": officer_payload(officer),
                "proof": proof.as_json(),
            },
        )
    log.info("dossier %s submitted online (proof by %s)", dossier.id, proof.provider)
    return replace(dossier, channel=Channel.ONLINE, fee=fees.fee, charge=fees.charge)


def _latest_proof(session, dossier: Dossier) -> IdentityProofRow | None:  # type: ignore[no-untyped-def]
    return session.scalars(
        select(IdentityProofRow)
        .where(IdentityProofRow.dossier_id == dossier.id)
        .order_by(IdentityProofRow.submitted_at.desc())
        .limit(1)
    ).first()


def needs_confirming_again(session, dossier: Dossier) -> bool:  # type: ignore[no-untyped-def]
    """Whether ``dossier`` is online but its content no longer matches its latest proof."""
    latest = _latest_proof(session, dossier)
    return latest is not None and latest.content_sha256 != content_digest(dossier)


def online_state(database: Database, reference: str) -> OnlineState:
    """Whether ``reference`` is an online dossier, and whether its proof still matches."""
    with database.reading() as session:
        dossier = find_dossier(session, reference)
        latest = _latest_proof(session, dossier)
        if latest is None:
            return OnlineState(online=dossier.channel is Channel.ONLINE)
        return OnlineState(
            online=True,
            current=latest.content_sha256 == content_digest(dossier),
            confirmed_at=from_stored(latest.confirmed_at),
            provider=latest.provider,
            account_kind=latest.account_kind,
        )
