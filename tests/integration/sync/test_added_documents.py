"""Documents added to a dossier after it was sent reach the reference central server."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from PIL import Image, ImageDraw

from tests.integration.sync.conftest import PASSWORD
from workstation.domain import Applicant, clock
from workstation.intake.attach import attach_document, attach_result
from workstation.intake.receive import ChecklistRequest, ComponentReceipt, receive_dossier
from workstation.store import outbox
from workstation.sync.client import HttpCentralClient, Refused
from workstation.sync.sender import Sender, report
from workstation_central.app import inventory

pytestmark = pytest.mark.integration

ID_NUMBER = "001185012345"
PERMANENT = "1.004222"  # Đăng ký thường trú: CT01, CHO


def _page(path: Path, text: str) -> Path:
    image = Image.new("L", (1240, 1754), 255)
    ImageDraw.Draw(image).text((100, 100), text, fill=0)
    image.save(path, dpi=(150, 150))
    return path


@pytest.fixture
def client(central):
    client = HttpCentralClient(central.url)
    client.login("canbo1", PASSWORD)
    yield client
    client.close()


@pytest.fixture
def sent(services, client, sample_page):
    """A dossier already on the server: CT01 scanned, CHO on paper (scanned later)."""
    dossier = receive_dossier(
        services.database,
        services.blobs,
        services.catalogue,
        ChecklistRequest(
            procedure_code=PERMANENT,
            applicant=Applicant(name="Hoàng Văn Nam", id_number=ID_NUMBER),
            components=[
                ComponentReceipt("CT01", (sample_page,), 1),
                ComponentReceipt("CHO", (), 1),
            ],
            received_at=clock.now() - timedelta(minutes=10),
        ),
    )
    assert Sender(services.database, services.blobs, client).send_due() == 1
    return dossier


def _files(central, dossier_id: str) -> list[dict]:
    [held] = [d for d in inventory(central.central)["dossiers"] if d["id"] == dossier_id]
    return held["files"]


def test_a_document_added_later_arrives_once_with_its_bytes_and_is_offered_to_the_citizen(
    central, services, client, sent, tmp_path
):
    proof = _page(tmp_path / "hop-dong-thue-nha.png", "HOP DONG THUE NHA")
    added = attach_document(services.database, services.blobs, sent.id, "CHO", proof)
    with services.database.reading() as session:
        [message] = outbox.pending(session, 10)
    assert message.kind == "document.added"

    assert Sender(services.database, services.blobs, client).send_due() == 1
    # The same message again (a retry after a lost answer) changes nothing.
    client.add_document(sent.id, message.payload, message.message_id)

    files = _files(central, sent.id)
    assert [f["sha256"] for f in files].count(added.sha256) == 1
    assert central.central.file_path(added.sha256).read_bytes() == proof.read_bytes()
    summary = report(services.database)
    assert (summary.waiting, summary.needs_attention) == (0, [])

    offered = {d["sha256"]: d for d in client.citizen_documents(ID_NUMBER)}
    assert offered[added.sha256]["component_code"] == "CHO"
    assert offered[added.sha256]["dossier_id"] == sent.id


def test_a_filed_result_arrives_as_a_file_of_its_dossier(central, services, client, sent, tmp_path):
    scan = _page(tmp_path / "ket-qua.png", "GIAY XAC NHAN")
    result = attach_result(
        services.database, services.blobs, sent.id, scan, number_symbol="12/GXN",
        details={"fields": {"so": "12"}},
    )  # fmt: skip
    assert Sender(services.database, services.blobs, client).send_due() == 1
    assert result.document.sha256 in [f["sha256"] for f in _files(central, sent.id)]
    assert report(services.database).needs_attention == []


def test_a_document_for_a_dossier_the_server_lacks_is_refused_as_unknown(client, sent):
    payload = {
        "dossier_id": "no-such-dossier",
        "component_id": None,
        "document": {
            "id": "doc-x",
            "sha256": "0" * 64,
            "media_type": "image/png",
            "file_name": "x.png",
            "size_bytes": 1,
        },
    }
    with pytest.raises(Refused) as refused:
        client.add_document("no-such-dossier", payload, "key-x")
    assert refused.value.params["reason"] == "HTTP 404 dossier.unknown"
