"""Handing back the result (trả kết quả): who collects, how, when; the record printed.

The officer finds the dossier by the receipt's barcode or QR code (or types
its code; :func:`dossier_reference_from_scan` takes a scanned status address
too), checks who collects and hands over. The collector is the dossier's
owner (chủ hồ sơ, :attr:`Dossier.dossier_owner`) or a person the owner
authorised, with their ID number and the authorisation document scanned
(stored as a blob, checked as every file is); a filer who is not the owner
is authorised like anyone else. Anyone else is refused. By e-mail the
address is the one the officer typed (:func:`is_email_address` checks it), else
the owner's as the dossier holds it. A result that is an
electronic document signed by the agency can instead be sent by e-mail or to
the citizen's own store (:mod:`workstation.onbehalf.delivery`), recorded the
same way with the document's id, SHA-256 and size; an e-mail hand-over is
recorded only once the SMTP server took the message. The dossier gets status 10
(result returned) and the time, in one transaction with its
``dossier.status_changed`` and ``result.handed_over`` messages.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from urllib.parse import unquote, urlsplit

from workstation.domain import Dossier, DossierStatus
from workstation.domain.dossier import new_id
from workstation.errors import BadInput, ConfigError
from workstation.onbehalf.delivery import (
    ElectronicResult,
    SmtpMailer,
    compose_result_email,
    read_result,
    require_signed_result,
)
from workstation.onbehalf.officer import Officer, officer_payload
from workstation.store import BlobStore, Database
from workstation.store.dossiers import find_dossier, set_dossier_status
from workstation.store.models import HandoverRow
from workstation.store.outbox import MessageKind, enqueue
from workstation.store.timestamps import to_stored

log = logging.getLogger(__name__)

_ID_NUMBER = re.compile(r"\d{9}|\d{12}")
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
EMAIL_MAX = 254  # the longest address SMTP carries (RFC 5321 path limit)


class Delivery(StrEnum):
    """How the result reached the citizen."""

    COUNTER = "counter"  # paper result at the counter
    EMAIL = "email"  # the signed electronic result by e-mail
    CITIZEN_STORE = "citizen_store"  # into the citizen's own store of documents


class Collector(StrEnum):
    OWNER = "owner"
    AUTHORISED = "authorised"


@dataclass(frozen=True)
class Handover:
    """A result handed over, as recorded."""

    id: str
    dossier: Dossier
    delivery: Delivery
    collector: Collector
    collector_id_number: str
    handed_at: datetime
    authorisation_sha256: str | None = None
    email: str | None = None
    document: ElectronicResult | None = None
    """The signed electronic result delivered (by e-mail or to the citizen's store)."""


def is_email_address(text: str | None) -> bool:
    """Whether ``text`` (trimmed) can be the address a result is e-mailed to: one ``@``,
    a dotted domain, no spaces, at most :data:`EMAIL_MAX` characters."""
    text = (text or "").strip()
    return len(text) <= EMAIL_MAX and _EMAIL.fullmatch(text) is not None


def dossier_reference_from_scan(text: str) -> str:
    """The dossier code in what a barcode reader typed: the code itself, or a status
    lookup address ending in it (the receipt's QR code)."""
    text = text.strip()
    if "://" in text:
        parts = urlsplit(text)
        for value in (parts.query.rpartition("=")[2], parts.path.rstrip("/").rpartition("/")[2]):
            if value:
                return unquote(value)
    return text


def _store_authorisation(blobs: BlobStore, path: Path) -> str:
    """Check the scanned authorisation as any received file and store it; its SHA-256."""
    from workstation.intake.files import inspect_files
    from workstation.intake.receive import _store

    return _store(blobs, inspect_files([path])[0]).sha256


def hand_over(
    database: Database,
    blobs: BlobStore,
    reference: str,
    collector_id: str,
    authorisation: Path | None = None,
    delivery: Delivery | str = Delivery.COUNTER,
    email: str | None = None,
    officer: Officer | None = None,
    mailer: SmtpMailer | None = None,
    agency_name: str = "",
) -> Handover:
    """Hand the result of dossier ``reference`` to the person with ID ``collector_id``.

    Refused: a collector who is neither the owner nor authorised (an
    authorisation document is needed), a dossier not processed yet or already
    returned, an e-mail delivery without an address, an electronic delivery of a
    dossier without a signed result. By e-mail the result is sent through ``mailer``
    first: a message the server did not take leaves nothing recorded.
    """
    delivery = Delivery(delivery)
    collector_id = (collector_id or "").strip()
    if not _ID_NUMBER.fullmatch(collector_id):
        raise BadInput(
            "the collector's ID number is 9 or 12 digits", code="handover.bad_collector_id"
        )
    with database.reading() as session:
        dossier = find_dossier(session, reference)
    _check_ready(dossier)
    # The owner (chủ hồ sơ) collects as such; anyone else, the filer included, needs an
    # authorisation document.
    if collector_id == (dossier.dossier_owner.id_number or ""):
        collector = Collector.OWNER
    elif authorisation is not None:
        collector = Collector.AUTHORISED
    else:
        raise BadInput(
            "the collector is neither the dossier's owner nor authorised by a scanned document",
            code="handover.not_authorised",
        )
    if delivery is Delivery.EMAIL:
        email = (email or dossier.dossier_owner.email or "").strip()
        if not email:
            raise BadInput("an e-mail hand-over needs an address", code="handover.no_email")
        if not is_email_address(email):
            raise BadInput(
                "the e-mail address is not one a result can be sent to",
                code="handover.bad_email",
            )
        if mailer is None:
            raise ConfigError(
                "set smtp_server and smtp_sender to hand results over by e-mail",
                code="handover.no_smtp",
            )
    else:
        email = None
    document = None
    if delivery is not Delivery.COUNTER:
        with database.reading() as session:
            document = require_signed_result(session, dossier.id)
    authorisation_sha256 = (
        _store_authorisation(blobs, authorisation) if collector is Collector.AUTHORISED else None
    )
    if delivery is Delivery.EMAIL:
        assert mailer is not None and email is not None and document is not None
        message = compose_result_email(
            mailer.sender,
            email,
            dossier.code or dossier.id,
            agency_name,
            read_result(blobs, document),
        )
        mailer.send(message)
        log.info("signed result of dossier %s e-mailed", dossier.id)
    now = datetime.now(UTC)
    handover_id = new_id()
    with database.transaction() as session:
        dossier = find_dossier(session, dossier.id)
        _check_ready(dossier)  # nobody handed it over meanwhile
        set_dossier_status(session, dossier.id, DossierStatus.RESULT_RETURNED)
        enqueue(
            session,
            MessageKind.DOSSIER_STATUS_CHANGED,
            dossier.id,
            {"id": dossier.id, "status": int(DossierStatus.RESULT_RETURNED)},
        )
        session.add(
            HandoverRow(
                id=handover_id,
                dossier_id=dossier.id,
                delivery=str(delivery),
                collector=str(collector),
                collector_id_number=collector_id,
                authorisation_sha256=authorisation_sha256,
                email=email,
                handed_at=to_stored(now),
                officer_id=None,  # the local officers table is not filled yet
            )
        )
        enqueue(
            session,
            MessageKind.RESULT_HANDED_OVER,
            dossier.id,
            {
                "dossier_id": dossier.id,
                "code": dossier.code,
                "status": int(DossierStatus.RESULT_RETURNED),
                "handed_at": now.isoformat(),
                "delivery": str(delivery),
                "collector": str(collector),
                "collector_id_number": collector_id,
                "authorisation_sha256": authorisation_sha256,
                "email": email,
                "document": document.as_payload() if document is not None else None,
                "officer": officer_payload(officer),
            },
        )
    log.info("result of dossier %s handed over (%s, %s)", dossier.id, delivery, collector)
    return Handover(
        handover_id,
        dossier,
        delivery,
        collector,
        collector_id,
        now,
        authorisation_sha256,
        email,
        document,
    )


def _check_ready(dossier: Dossier) -> None:
    if dossier.status is DossierStatus.RESULT_RETURNED:
        raise BadInput("the result was handed over already", code="handover.already_returned")
    if dossier.status is not DossierStatus.PROCESSED:
        raise BadInput(
            "the dossier has no result to hand over yet",
            code="handover.not_ready",
            status=int(dossier.status),
        )
