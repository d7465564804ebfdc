"""Store changes that queue no message are recorded too: the signing queue, an outbox retry."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tests.integration.sign.conftest import one_page_pdf
from tests.integration.test_receive_dossier import receive
from workstation.intake.attach import attach_document
from workstation.intake.signed import request_signature, send_back
from workstation.store import audit, outbox

pytestmark = pytest.mark.integration


def _actions(database) -> list[audit.AuditEntry]:
    with database.reading() as session:
        return audit.list_entries(session)


def test_a_signature_requested_and_sent_back_is_recorded_without_the_comment(
    services, sample_page, tmp_path
) -> None:
    dossier = receive(services, sample_page)
    scanned = attach_document(
        services.database, services.blobs, dossier.id, "1", one_page_pdf(tmp_path / "scan.pdf")
    )
    request = request_signature(services.database, dossier.id, scanned.id, "certified_copy")
    send_back(services.database, request, "Thiếu chữ ký của ông Nguyễn Văn A")
    entries = _actions(services.database)
    assert [(e.action, e.dossier_id, e.document_id, e.object_id) for e in entries[-2:]] == [
        ("signature.requested", dossier.id, scanned.id, request),
        ("signature.sent_back", None, None, request),
    ]
    assert "Nguyễn" not in repr(entries)
    with services.database.reading() as session:
        assert audit.verify(session).intact


def test_an_outbox_message_queued_again_by_the_officer_is_recorded(services, sample_page):
    dossier = receive(services, sample_page)
    with services.database.transaction() as session:
        [entry] = outbox.claim_next(session)
        outbox.mark_needs_attention(session, entry.message_id, "HTTP 422 validation")
    with services.database.transaction() as session:
        outbox.retry(session, entry.message_id)
    last = _actions(services.database)[-1]
    assert (last.action, last.message_id, last.dossier_id) == (
        "message.retried",
        entry.message_id,
        dossier.id,
    )
    assert datetime.fromisoformat(last.at) <= datetime.now(UTC)


def test_a_payment_the_central_system_confirmed_is_recorded_once(services, sample_page):
    from workstation.onbehalf.payment import confirm_payment

    dossier = receive(services, sample_page)
    for _ in range(2):  # the same confirmation again keeps nothing new
        confirm_payment(services.database, dossier.id, "FT26337001", 50_000, datetime.now(UTC))
    confirmed = [e for e in _actions(services.database) if e.action.startswith("payment.")]
    assert [(e.action, e.dossier_id) for e in confirmed] == [
        ("payment.confirmed_centrally", dossier.id)
    ]
