"""A signed electronic result handed over by e-mail (a real SMTP server on loopback) or
into the citizen's store (the hand-over message carries the document)."""

from __future__ import annotations

from collections.abc import Iterator
from email import message_from_bytes, policy
from email.message import EmailMessage

import pytest

from tests.integration.onbehalf_helpers import (
    OWNER_ID,
    SIGNED_PDF,
    Inbox,
    free_port,
    processed,
    received,
    smtp_server,
    with_signed_result,
)
from workstation.config import Settings
from workstation.domain import DossierStatus
from workstation.errors import BadInput, ConfigError
from workstation.onbehalf.delivery import MailNotSent, SmtpMailer
from workstation.onbehalf.handover import Delivery, hand_over
from workstation.store.dossiers import find_dossier
from workstation.store.outbox import pending

pytestmark = pytest.mark.integration


@pytest.fixture
def smtp() -> Iterator[tuple[Inbox, int]]:
    """A real SMTP server on loopback, and what it received."""
    with smtp_server() as running:
        yield running


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
            mailer=_mailer(free_port()),  # nothing listens there
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
    monkeypatch.setenv("WORKSTATION_SMTP_SERVER", f"127.0.0.1:{free_port()}")
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


def test_a_malformed_address_is_refused_before_anything_is_sent(
    services, sample_page, smtp
) -> None:
    inbox, port = smtp
    dossier = received(services, sample_page)
    processed(services, dossier)
    with_signed_result(services, dossier)
    with pytest.raises(BadInput) as caught:
        hand_over(
            services.database,
            services.blobs,
            dossier.id,
            OWNER_ID,
            delivery=Delivery.EMAIL,
            email="nhung at example.vn",
            mailer=_mailer(port),
        )
    assert caught.value.code == "handover.bad_email"
    assert not inbox.envelopes and _status(services, dossier) is DossierStatus.PROCESSED


@pytest.mark.parametrize(
    ("text", "fine"),
    [
        ("nhung@example.vn", True),
        (" nhung@example.vn ", True),
        ("nhung@example", False),
        ("nhung@@example.vn", False),
        ("nh ung@example.vn", False),
        ("a@" + "b" * 250 + ".vn", False),
        ("", False),
    ],
)
def test_an_e_mail_address_is_checked_as_typed(text, fine) -> None:
    from workstation.onbehalf.handover import is_email_address

    assert is_email_address(text) is fine
