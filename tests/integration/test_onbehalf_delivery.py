"""A signed electronic result handed over by e-mail (a real SMTP server on loopback) or
into the citizen's store (the hand-over message carries the document)."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from datetime import UTC, datetime
from email import message_from_bytes, policy
from email.message import EmailMessage

import pytest
from aiosmtpd.controller import Controller

from tests.integration.onbehalf_helpers import OWNER_ID, processed, received
from workstation.config import Settings
from workstation.domain import Document, DossierStatus
from workstation.domain.dossier import DocumentKind
from workstation.errors import BadInput, ConfigError
from workstation.onbehalf.delivery import MailNotSent, SmtpMailer
from workstation.onbehalf.handover import Delivery, hand_over
from workstation.store.dossiers import find_dossier
from workstation.store.outbox import pending
from workstation.store.signatures import (
    SignatureFacts,
    add_result_document,
    add_signed_document,
)

pytestmark = pytest.mark.integration

SIGNED_PDF = b"%PDF-1.7\n% the agency's signed result\n%%EOF\n"


class Inbox:
    """An aiosmtpd handler keeping every message the server took."""

    def __init__(self) -> None:
        self.envelopes: list = []

    async def handle_DATA(self, server, session, envelope) -> str:
        self.envelopes.append(envelope)
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp() -> Iterator[tuple[Inbox, int]]:
    """A real SMTP server on loopback, and what it received."""
    inbox = Inbox()
    port = _free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    yield inbox, port
    controller.stop()


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


def _mailer(port: int) -> SmtpMailer:
    settings = Settings(smtp_server=f"127.0.0.1:{port}", smtp_sender="motcua@demo.gov.vn")
    return SmtpMailer.from_settings(settings)


def _status(services, dossier) -> DossierStatus:
    with services.database.reading() as session:
        return find_dossier(session, dossier.id).status


def test_the_signed_result_is_e_mailed_with_the_pdf_attached_then_recorded(
    services, sample_page, smtp
) -> None:
    inbox, port = smtp
    dossier = received(services, sample_page)
    processed(services, dossier)
    signed = with_signed_result(services, dossier)
    handover = hand_over(
        services.database,
        services.blobs,
        dossier.id,
        OWNER_ID,
        delivery=Delivery.EMAIL,
        mailer=_mailer(port),
        agency_name="UBND phường Demo",
    )
    [envelope] = inbox.envelopes
    assert envelope.rcpt_tos == ["nhung@example.vn"]
    message: EmailMessage = message_from_bytes(envelope.content, policy=policy.default)
    assert dossier.code in message["Subject"]
    [attachment] = list(message.iter_attachments())
    assert attachment.get_content_type() == "application/pdf"
    assert attachment.get_content() == SIGNED_PDF
    assert handover.email == "nhung@example.vn"
    with services.database.reading() as session:
        payload = pending(session)[-1].payload
    assert payload["delivery"] == "email"
    assert payload["document"]["id"] == signed.id
    assert payload["document"]["size_bytes"] == len(SIGNED_PDF)


def test_an_unreachable_smtp_server_leaves_the_result_not_handed_over(
    services, sample_page
) -> None:
    dossier = received(services, sample_page)
    processed(services, dossier)
    with_signed_result(services, dossier)
    with pytest.raises(MailNotSent) as caught:
        hand_over(
            services.database,
            services.blobs,
            dossier.id,
            OWNER_ID,
            delivery=Delivery.EMAIL,
            mailer=_mailer(_free_port()),  # nothing listens there
        )
    assert caught.value.code == "handover.mail_not_sent"
    assert _status(services, dossier) is DossierStatus.PROCESSED
    with services.database.reading() as session:
        assert "result.handed_over" not in [m.kind for m in pending(session)]


def test_to_the_citizens_store_the_message_carries_the_signed_document(
    services, sample_page
) -> None:
    dossier = received(services, sample_page)
    processed(services, dossier)
    signed = with_signed_result(services, dossier)
    hand_over(
        services.database, services.blobs, dossier.id, OWNER_ID, delivery=Delivery.CITIZEN_STORE
    )
    with services.database.reading() as session:
        payload = pending(session)[-1].payload
    assert payload["delivery"] == "citizen_store"
    assert payload["document"] == {
        "id": signed.id,
        "sha256": signed.sha256,
        "size_bytes": len(SIGNED_PDF),
        "media_type": "application/pdf",
    }
    assert _status(services, dossier) is DossierStatus.RESULT_RETURNED


def test_an_electronic_delivery_without_a_signed_result_is_refused(services, sample_page) -> None:
    dossier = received(services, sample_page)
    processed(services, dossier)
    with pytest.raises(BadInput) as caught:
        hand_over(services.database, services.blobs, dossier.id, OWNER_ID, delivery="citizen_store")
    assert caught.value.code == "handover.no_electronic_result"


def test_e_mail_without_an_smtp_server_set_is_refused_before_anything_happens(
    services, sample_page
) -> None:
    dossier = received(services, sample_page)
    processed(services, dossier)
    with_signed_result(services, dossier)
    with pytest.raises(ConfigError) as caught:
        SmtpMailer.from_settings(Settings())
    assert caught.value.code == "handover.no_smtp"
    with pytest.raises(ConfigError):
        hand_over(services.database, services.blobs, dossier.id, OWNER_ID, delivery="email")
    assert _status(services, dossier) is DossierStatus.PROCESSED


def test_the_hand_over_command_e_mails_the_result_or_exits_4_with_nothing_recorded(
    services, sample_page, smtp, monkeypatch, capsys
) -> None:
    from workstation.cli import main

    inbox, port = smtp
    dossier = received(services, sample_page)
    processed(services, dossier)
    with_signed_result(services, dossier)
    argv = ["result", "hand-over", dossier.code, "--collector-id", OWNER_ID, "--delivery", "email"]
    monkeypatch.setenv("WORKSTATION_SMTP_SENDER", "motcua@demo.gov.vn")
    monkeypatch.setenv("WORKSTATION_SMTP_SERVER", f"127.0.0.1:{_free_port()}")
    capsys.readouterr()
    assert main(argv) == 4
    err = capsys.readouterr().err
    assert "did not take the message" in err and err.count("\n") == 1
    assert _status(services, dossier) is DossierStatus.PROCESSED and not inbox.envelopes
    monkeypatch.setenv("WORKSTATION_SMTP_SERVER", f"127.0.0.1:{port}")
    assert main(argv) == 0
    assert len(inbox.envelopes) == 1
    assert _status(services, dossier) is DossierStatus.RESULT_RETURNED


@pytest.mark.parametrize(
    ("server", "expected"),
    [("mail.demo.gov.vn", ("mail.demo.gov.vn", 25)), ("10.0.0.5:2525", ("10.0.0.5", 2525))],
)
def test_the_smtp_server_setting_is_host_and_port_25_unless_given(server, expected) -> None:
    mailer = SmtpMailer.from_settings(Settings(smtp_server=server, smtp_sender="a@b.vn"))
    assert (mailer.host, mailer.port) == expected


@pytest.mark.parametrize("server", [":25", "mail:0", "mail:smtp", "mail:70000"])
def test_a_malformed_smtp_server_setting_is_refused(server) -> None:
    with pytest.raises(ConfigError) as caught:
        SmtpMailer.from_settings(Settings(smtp_server=server, smtp_sender="a@b.vn"))
    assert caught.value.code == "config.invalid_value"
