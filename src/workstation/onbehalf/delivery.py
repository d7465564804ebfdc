"""Delivering a signed electronic result: by e-mail, or into the citizen's own store.

The result delivered is the dossier's latest document signed in the
``result`` role (:func:`signed_result`). By e-mail, the message is composed
with Python's ``email`` package, the signed PDF attached, and sent through the
SMTP server the settings name (``smtp_server``, ``smtp_sender``); the hand-over
is recorded only once the server took the message, so an unreachable server
loses nothing and the officer can try again. Into the citizen's store, the
hand-over message carries the document (its id, SHA-256, size and media type):
the signed file is on the central system already (its ``document.signed``
message uploaded it), and the central system files it in the citizen's store.
"""

from __future__ import annotations

import logging
import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from typing import Any

from sqlalchemy import select

from workstation.errors import BadInput, ConfigError, ExternalPartError
from workstation.store import BlobStore
from workstation.store.models import DocumentRow, SignatureRow

log = logging.getLogger(__name__)

SMTP_TIMEOUT = 20.0


class MailNotSent(ExternalPartError):
    code = "handover.mail_not_sent"


@dataclass(frozen=True)
class ElectronicResult:
    """The signed result document of a dossier, as stored."""

    document_id: str
    sha256: str
    size_bytes: int
    media_type: str

    def as_payload(self) -> dict[str, Any]:
        return {
            "id": self.document_id,
            "sha256": self.sha256,
            "size_bytes": self.size_bytes,
            "media_type": self.media_type,
        }


def signed_result(session, dossier_id: str) -> ElectronicResult | None:  # type: ignore[no-untyped-def]
    """The dossier's latest document signed as its result, or None."""
    row = session.execute(
        select(DocumentRow)
        .join(SignatureRow, SignatureRow.document_id == DocumentRow.id)
        .where(SignatureRow.dossier_id == dossier_id, SignatureRow.role == "result")
        .order_by(SignatureRow.signed_at.desc(), SignatureRow.id.desc())
    ).scalar()
    if row is None:
        return None
    return ElectronicResult(row.id, row.sha256, row.size_bytes, row.media_type)


def require_signed_result(session, dossier_id: str) -> ElectronicResult:  # type: ignore[no-untyped-def]
    result = signed_result(session, dossier_id)
    if result is None:
        raise BadInput(
            "the dossier has no signed electronic result to deliver",
            code="handover.no_electronic_result",
        )
    return result


@dataclass(frozen=True)
class SmtpMailer:
    """Sends messages through one SMTP server (plain SMTP; STARTTLS, its certificate checked,
    when the server offers it)."""

    host: str
    port: int
    sender: str
    timeout: float = SMTP_TIMEOUT

    @classmethod
    def from_settings(cls, settings) -> SmtpMailer:  # type: ignore[no-untyped-def]
        """The mailer the settings name; :class:`ConfigError` when none is set."""
        server = (settings.smtp_server or "").strip()
        sender = (settings.smtp_sender or "").strip()
        if not server or not sender:
            raise ConfigError(
                "set smtp_server and smtp_sender to hand results over by e-mail",
                code="handover.no_smtp",
            )
        host, _, port = server.rpartition(":") if ":" in server else (server, "", "25")
        if not port.isdigit() or not 0 < int(port) < 65536 or not host:
            raise ConfigError(
                "smtp_server is host:port",
                code="config.invalid_value",
                name="smtp_server",
                value=server,
            )
        return cls(host, int(port), sender)

    def send(self, message: EmailMessage) -> None:
        """Hand ``message`` to the server; :class:`MailNotSent` if it was not taken."""
        try:
            with smtplib.SMTP(self.host, self.port, timeout=self.timeout) as smtp:
                smtp.ehlo()
                if smtp.has_extn("starttls"):
                    smtp.starttls(context=ssl.create_default_context())
                    smtp.ehlo()
                refused = smtp.send_message(message)
        except (TimeoutError, OSError, smtplib.SMTPException) as exc:
            raise MailNotSent(
                f"the SMTP server {self.host}:{self.port} did not take the message "
                f"({exc.__class__.__name__}); nothing was recorded, try again",
                server=f"{self.host}:{self.port}",
            ) from exc
        if refused:
            raise MailNotSent(
                f"the SMTP server {self.host}:{self.port} refused the recipient",
                server=f"{self.host}:{self.port}",
            )


def compose_result_email(
    sender: str,
    recipient: str,
    dossier_code: str,
    agency_name: str,
    pdf: bytes,
) -> EmailMessage:
    """The e-mail carrying the signed result of dossier ``dossier_code`` as a PDF."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = recipient
    message["Subject"] = f"Kết quả giải quyết hồ sơ {dossier_code}"
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2] or None)
    message.set_content(
        f"Kính gửi Ông/Bà,\n\n"
        f"{agency_name} gửi kèm kết quả giải quyết hồ sơ {dossier_code}, "
        f"bản điện tử có chữ ký số của cơ quan.\n\n"
        f"Thư này được gửi tự động; xin không trả lời thư.\n"
    )
    message.add_attachment(
        pdf, maintype="application", subtype="pdf", filename=f"ket-qua-{dossier_code}.pdf"
    )
    return message


def read_result(blobs: BlobStore, result: ElectronicResult) -> bytes:
    """The signed result's bytes from the blob store."""
    return blobs.read(result.sha256)


def mailer_for(settings, delivery: str) -> SmtpMailer | None:  # type: ignore[no-untyped-def]
    """The mailer an e-mail hand-over sends through (None for other deliveries)."""
    return SmtpMailer.from_settings(settings) if str(delivery) == "email" else None
