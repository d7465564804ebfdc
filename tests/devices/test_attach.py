"""A captured document into a component of a saved dossier: blob, rows and outbox together."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.integration.consistency import assert_store_consistent
from tests.integration.test_receive_dossier import receive
from workstation.errors import NotFound
from workstation.intake.attach import attach_document
from workstation.store.documents import page_captures
from workstation.store.dossiers import get_dossier
from workstation.store.outbox import pending

REPORT = {
    "pages": [
        {"index": 0, "dpi": 200, "colour": "color", "skew_deg": 0.4, "blank": False,
         "ocr_confidence": 91.5, "warnings": []},
    ]
}  # fmt: skip


def test_captured_document_joins_the_component_with_its_measurements_and_is_queued(
    services, sample_page: Path
) -> None:
    dossier = receive(services, sample_page)
    document = attach_document(
        services.database, services.blobs, str(dossier.number), "1", sample_page, REPORT
    )
    with services.database.transaction() as session:
        stored = get_dossier(session, dossier.id)
        captures = page_captures(session, document.id)
        queued = pending(session)
    documents = stored.components[0].documents
    assert [d.id for d in documents][-1] == document.id and len(documents) == 2
    assert [(c.dpi, c.colour, c.blank, c.ocr_confidence) for c in captures] == [
        (200, "color", False, 91.5)
    ]
    assert [m.kind for m in queued] == ["dossier.created", "document.added"]
    assert queued[1].entity_id == dossier.id
    assert queued[1].payload["document"]["sha256"] == document.sha256
    assert services.blobs.read(document.sha256) == sample_page.read_bytes()
    assert_store_consistent(services)


def test_unknown_component_adds_nothing_and_queues_nothing(services, sample_page: Path) -> None:
    dossier = receive(services, sample_page)
    with pytest.raises(NotFound) as caught:
        attach_document(services.database, services.blobs, dossier.id, "9.999", sample_page)
    assert caught.value.code == "document.component_not_found"
    with services.database.transaction() as session:
        assert len(get_dossier(session, dossier.id).components[0].documents) == 1
        assert [m.kind for m in pending(session)] == ["dossier.created"]


def test_a_dossier_with_a_captured_document_can_be_deleted_with_its_measurements(
    services, sample_page: Path
) -> None:
    from workstation.store.dossiers import delete_dossier
    from workstation.store.models import PageCaptureRow
    from workstation.store.outbox import MessageKind, enqueue

    dossier = receive(services, sample_page)
    document = attach_document(
        services.database, services.blobs, str(dossier.number), "1", sample_page, REPORT
    )
    with services.database.transaction() as session:
        assert page_captures(session, document.id)
        delete_dossier(session, dossier.id)
        enqueue(session, MessageKind.DOSSIER_DELETED, dossier.id, {"id": dossier.id})
    with services.database.reading() as session:
        with pytest.raises(NotFound):
            get_dossier(session, dossier.id)
        assert session.query(PageCaptureRow).count() == 0
