"""Fees paid at the counter without cash (or with it): what is due, payments, the code.

What a dossier owes is its fee plus its charge as assessed (online dossiers
with the online reduction); what was paid is the sum of its payments, those
the officer recorded (:func:`record_payment`: transfer by the VietQR code,
card or cash, with the payment's reference) and those the central system
confirmed (:func:`confirm_payment`, e.g. a transfer the bank reported). The
officer's records are queued for the central system as ``payment.recorded``;
a confirmation came from there and is only kept. Whether a counter payment
counts as paid online is the central system's decision.

An online dossier whose content changed after the citizen confirmed it
(:func:`~workstation.onbehalf.submit.needs_confirming_again`) is neither
paid nor given a payment code until the owner confirms again: its online
reduction rests on that confirmation, and quietly charging the counter rate
instead would surprise the citizen more than being asked to confirm
(``payment.needs_confirmation``). A dossier with nothing due is told so first.

The collection account of the VietQR code comes from the settings an
administrator sets, or else from the unit's entry in
``resources/onbehalf/collection-accounts.json``.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import Any

from sqlalchemy import select

from workstation.domain import Dossier
from workstation.domain.dossier import new_id
from workstation.errors import BadInput, ConfigError
from workstation.onbehalf.officer import Officer, officer_payload
from workstation.onbehalf.submit import needs_confirming_again
from workstation.onbehalf.vietqr import CollectionAccount, payment_payload
from workstation.paths import resources_dir
from workstation.store import Database, audit
from workstation.store.dossiers import find_dossier
from workstation.store.models import DossierRow, PaymentRow
from workstation.store.outbox import MessageKind, enqueue
from workstation.store.timestamps import from_stored, to_stored

log = logging.getLogger(__name__)

PAYMENT_CONFIRMED = "payment.confirmed_centrally"
"""Audit action: a payment the central system confirmed, kept here (nothing is queued)."""

REFERENCE_LIMIT = 100


class PaymentMethod(StrEnum):
    """How a fee was paid."""

    TRANSFER = "transfer"  # bank transfer by the VietQR code
    CARD = "card"
    CASH = "cash"


@dataclass(frozen=True)
class Payment:
    method: str
    reference: str
    amount: int
    source: str  # counter | central
    recorded_at: datetime


@dataclass(frozen=True)
class PaymentState:
    """What a dossier owes and what was paid; ``confirmed`` once the central system said so."""

    dossier_id: str
    code: str | None
    total: int
    paid: int
    payments: tuple[Payment, ...] = ()

    @property
    def due(self) -> int:
        return max(0, self.total - self.paid)

    @property
    def confirmed(self) -> bool:
        return any(p.source == "central" for p in self.payments)


def collection_account(settings, path: Path | None = None) -> CollectionAccount:  # type: ignore[no-untyped-def]
    """The agency's collection account: from the settings, else the unit's data entry."""
    if settings.collection_bank_bin or settings.collection_account:
        try:
            return CollectionAccount(
                settings.collection_bank_bin,
                settings.collection_account,
                settings.collection_account_name,
            )
        except BadInput as exc:
            raise ConfigError(
                "collection_bank_bin and collection_account must be a 6-digit BIN and an account",
                code="config.invalid_value",
                name="collection_account",
                value="",
            ) from exc
    path = path or resources_dir() / "onbehalf" / "collection-accounts.json"
    entry = json.loads(path.read_text(encoding="utf-8"))["accounts"].get(settings.agency_code)
    if entry is None:
        raise ConfigError(
            f"no collection account is set for unit {settings.agency_code}",
            code="payment.no_account",
            unit=settings.agency_code,
        )
    return CollectionAccount(
        entry["bank_bin"],
        entry["account_number"],
        entry.get("account_name", ""),
        entry.get("bank_name", ""),
    )


def _state(session, dossier: Dossier) -> PaymentState:  # type: ignore[no-untyped-def]
    rows = session.scalars(
        select(PaymentRow)
        .where(PaymentRow.dossier_id == dossier.id)
        .order_by(PaymentRow.recorded_at)
    )
    payments = tuple(
        Payment(r.method, r.reference, r.amount, r.source, from_stored(r.recorded_at)) for r in rows
    )
    total = (dossier.fee or 0) + (dossier.charge or 0)
    # The officer's records and the central system's confirmations describe the same
    # money (a transfer recorded at the counter, then reported by the bank): not added up.
    counter = sum(p.amount for p in payments if p.source == "counter")
    central = sum(p.amount for p in payments if p.source == "central")
    return PaymentState(dossier.id, dossier.code, total, max(counter, central), payments)


def payment_state(database: Database, reference: str) -> PaymentState:
    """What the dossier ``reference`` owes and what was paid."""
    with database.reading() as session:
        return _state(session, find_dossier(session, reference))


def _check_confirmed(session, dossier: Dossier) -> None:  # type: ignore[no-untyped-def]
    if needs_confirming_again(session, dossier):
        raise BadInput(
            "the online dossier changed since its owner confirmed it: confirm again first",
            code="payment.needs_confirmation",
        )


def payment_code(database: Database, settings, reference: str) -> tuple[PaymentState, str]:  # type: ignore[no-untyped-def]
    """The VietQR payload for what dossier ``reference`` still owes (note: its code).

    Refused while the online dossier needs confirming again (see the module).
    """
    with database.reading() as session:
        dossier = find_dossier(session, reference)
        state = _state(session, dossier)
        if state.due > 0:
            _check_confirmed(session, dossier)
    if state.due <= 0:
        raise BadInput("the dossier has nothing due", code="payment.nothing_due")
    if not state.code:
        raise BadInput(
            "the dossier has no code yet for the transfer note", code="payment.no_dossier_code"
        )
    return state, payment_payload(collection_account(settings), state.due, state.code)


def receipt_payment_code(database: Database, settings, reference: str) -> str | None:  # type: ignore[no-untyped-def]
    """The VietQR payload the receipt of dossier ``reference`` prints, or None.

    None when nothing is due (paid, or nothing assessed), when the dossier has no
    code yet, while the online dossier needs confirming again, or when no
    collection account is set: the receipt then prints without it (the
    officer still sees why on the panel when asking for the code).
    """
    try:
        return payment_code(database, settings, reference)[1]
    except (BadInput, ConfigError) as exc:
        log.info("no payment code on the receipt of dossier %s: %s", reference, exc.code)
        return None


def _check_reference(reference: str) -> str:
    reference = (reference or "").strip()
    if len(reference) > REFERENCE_LIMIT or any(not ch.isprintable() for ch in reference):
        raise BadInput(
            f"a payment reference is at most {REFERENCE_LIMIT} printable characters",
            code="payment.bad_reference",
            limit=REFERENCE_LIMIT,
        )
    return reference


def record_payment(
    database: Database,
    reference: str,
    method: PaymentMethod | str,
    payment_reference: str = "",
    officer: Officer | None = None,
) -> PaymentState:
    """Record that what dossier ``reference`` owes was paid by ``method``; queue it.

    Refused (bad input) when nothing is due, or while the online dossier
    needs confirming again (see the module). A transfer or card payment
    without its reference is taken (the bank's reference may come later with
    the central system's confirmation).
    """
    try:
        method = PaymentMethod(method)
    except ValueError:
        raise BadInput(
            f"{method!r} is not a payment method (transfer, card, cash)",
            code="payment.bad_method",
            method=str(method),
        ) from None
    payment_reference = _check_reference(payment_reference)
    now = datetime.now(UTC)
    with database.transaction() as session:
        dossier = find_dossier(session, reference)
        state = _state(session, dossier)
        if state.due <= 0:
            raise BadInput("the dossier has nothing due", code="payment.nothing_due")
        _check_confirmed(session, dossier)
        session.add(
            PaymentRow(
                id=new_id(),
                dossier_id=dossier.id,
                method=str(method),
                reference=payment_reference,
                amount=state.due,
                source="counter",
                recorded_at=to_stored(now),
                officer_id=None,  # the local officers table is not filled yet
            )
        )
        row = session.get(DossierRow, dossier.id)
        assert row is not None
        row.fee_paid = True
        enqueue(
            session,
            MessageKind.PAYMENT_RECORDED,
            dossier.id,
            {
                "dossier_id": dossier.id,
                "code": dossier.code,
                "method": str(method),
                "reference": payment_reference,
                "amount": state.due,
                "recorded_at": now.isoformat(),
                "officer": officer_payload(officer),
            },
        )
        session.flush()
        state = _state(session, dossier)
    log.info("payment recorded for dossier %s: %s", dossier.id, method)
    return state


def confirm_payment(
    database: Database, dossier_id: str, payment_reference: str, amount: int, at: datetime
) -> PaymentState:
    """Keep a payment the central system confirmed (once per reference); nothing is queued."""
    payment_reference = _check_reference(payment_reference)
    with database.transaction() as session:
        dossier = find_dossier(session, dossier_id)
        known = session.scalars(
            select(PaymentRow).where(
                PaymentRow.dossier_id == dossier.id,
                PaymentRow.source == "central",
                PaymentRow.reference == payment_reference,
            )
        ).first()
        if known is None:
            payment_id = new_id()
            session.add(
                PaymentRow(
                    id=payment_id,
                    dossier_id=dossier.id,
                    method=str(PaymentMethod.TRANSFER),
                    reference=payment_reference,
                    amount=int(amount),
                    source="central",
                    recorded_at=to_stored(at),
                    officer_id=None,
                )
            )
            session.flush()
            audit.record(session, PAYMENT_CONFIRMED, dossier_id=dossier.id, object_id=payment_id)
        state = _state(session, dossier)
        row = session.get(DossierRow, dossier.id)
        assert row is not None
        row.fee_paid = state.due <= 0 or bool(row.fee_paid)
    log.info("payment confirmed centrally for dossier %s", dossier.id)
    return state


def fetch_confirmations(client, database: Database, reference: str) -> PaymentState:  # type: ignore[no-untyped-def]
    """Ask the central system (a :class:`~workstation.sync.client.CentralClient`) which
    payments the bank reported for dossier ``reference`` and keep them."""
    state = payment_state(database, reference)
    return apply_confirmations(
        database, state.dossier_id, client.payment_confirmations(state.dossier_id)
    )


def apply_confirmations(
    database: Database, dossier_id: str, items: list[dict[str, Any]]
) -> PaymentState:
    """Keep the payments the central system reported (outside data: an unreadable one is
    skipped); the dossier's payment state after them."""
    state = payment_state(database, dossier_id)
    for item in items:
        try:
            at = datetime.fromisoformat(str(item["confirmed_at"]))
            amount = int(item["amount"])
            payment_reference = str(item["reference"])
            if at.tzinfo is None or amount <= 0:
                raise ValueError("no time zone or no amount")
            state = confirm_payment(database, state.dossier_id, payment_reference, amount, at)
        except (KeyError, TypeError, ValueError, BadInput):
            log.warning("a payment confirmation for dossier %s was unreadable", state.dossier_id)
    return state
