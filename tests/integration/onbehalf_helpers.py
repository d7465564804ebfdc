"""A dossier received at the counter as the on-behalf tests start from it."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

from aiosmtpd.controller import Controller

from workstation.domain import Applicant, ApplicantType, Document, DossierStatus
from workstation.domain.clock import VIETNAM
from workstation.domain.dossier import DocumentKind
from workstation.intake.receive import (
    ChecklistRequest,
    CodeIssuer,
    ComponentReceipt,
    receive_dossier,
)
from workstation.store.dossiers import set_dossier_status
from workstation.store.outbox import MessageKind, enqueue
from workstation.store.signatures import (
    SignatureFacts,
    add_result_document,
    add_signed_document,
)

MONDAY = datetime(2026, 11, 2, 9, 30, tzinfo=VIETNAM)
OWNER_ID = "001203012345"
OTHER_ID = "079301000111"
OWNER = Applicant(
    name="Nguyễn Thị Hồng Nhung",
    type=ApplicantType.CITIZEN,
    id_number=OWNER_ID,
    email="nhung@example.vn",
)


def received(services, page, applicant=OWNER, owner=None):
    """A business-household dossier (fee 100 000 đ, 50 % off online), received Monday.

    ``owner``: the dossier's owner (chủ hồ sơ) when ``applicant`` files for someone else.
    """
    request = ChecklistRequest(
        procedure_code="2.000575",
        applicant=applicant,
        components=(
            ComponentReceipt("GDN", (page,), paper_pages=1),
            ComponentReceipt("CCCD", (), paper_pages=1),
        ),
        received_at=MONDAY,
        owner=owner,
    )
    issuer = CodeIssuer.from_settings(services.settings)
    return receive_dossier(
        services.database, services.blobs, services.catalogue, request, issuer=issuer
    )


def processed(services, dossier) -> None:
    """Mark ``dossier`` processed (its result is ready), as the central system would."""
    with services.database.transaction() as session:
        set_dossier_status(session, dossier.id, DossierStatus.PROCESSED)
        enqueue(session, MessageKind.DOSSIER_STATUS_CHANGED, dossier.id, {"status": 9})


SIGNED_PDF = b"%PDF-1.7\n% the agency's signed result\n%%EOF\n"


def with_signed_result(services, dossier) -> Document:
    """Store a PDF as the dossier's result and its signed version, as signing leaves them."""
    sha = services.blobs.put(SIGNED_PDF)
    unsigned = Document(sha, "application/pdf", "ket-qua.pdf", len(SIGNED_PDF))
    signed = Document(
        sha, "application/pdf", "ket-qua-ky.pdf", len(SIGNED_PDF), kind=DocumentKind.RESULT
    )
    with services.database.transaction() as session:
        add_result_document(session, dossier.id, unsigned)
        add_signed_document(
            session,
            dossier.id,
            unsigned.id,
            signed,
            "result",
            SignatureFacts("UBND phường Demo", "ab" * 32, datetime.now(UTC), "Signature1"),
        )
    return signed


class Inbox:
    """An aiosmtpd handler keeping every message the server took."""

    def __init__(self) -> None:
        self.envelopes: list = []

    async def handle_DATA(self, server, session, envelope) -> str:
        self.envelopes.append(envelope)
        return "250 OK"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def smtp_server() -> Iterator[tuple[Inbox, int]]:
    """A real SMTP server (aiosmtpd) on loopback while the block runs, and what it received."""
    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield inbox, port
    finally:
        controller.stop()
