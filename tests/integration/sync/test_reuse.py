"""Reusing a citizen's digitised documents from the reference central server on loopback."""

from __future__ import annotations

import shutil
from datetime import timedelta

import pytest

from tests.integration.sync.conftest import PASSWORD
from workstation.domain import Applicant, DigitisationStatus, clock
from workstation.errors import BadInput, ExternalPartError
from workstation.intake.receive import ChecklistRequest, ComponentReceipt, receive_dossier
from workstation.reuse import ReuseLookup
from workstation.store import outbox
from workstation.sync.client import HttpCentralClient
from workstation.sync.sender import Sender

pytestmark = pytest.mark.integration

ID_NUMBER = "001185012345"
PERMANENT = "1.004222"  # Đăng ký thường trú: CT01, CHO
TEMPORARY = "1.004194"  # Đăng ký tạm trú: the same two papers


def _client(url: str) -> HttpCentralClient:
    client = HttpCentralClient(url)
    client.login("canbo1", PASSWORD)
    return client


def _receive(services, procedure: str, components, id_number: str = ID_NUMBER):
    return receive_dossier(
        services.database,
        services.blobs,
        services.catalogue,
        ChecklistRequest(
            procedure_code=procedure,
            applicant=Applicant(name="Hoàng Văn Nam", id_number=id_number),
            components=components,
            received_at=clock.now() - timedelta(minutes=10),
        ),
    )


@pytest.fixture
def synced(central, services, sample_page, tmp_path):
    """A first dossier of the citizen, with its proof of residence, sent to the server."""
    proof = tmp_path / "hop-dong-thue-nha.png"
    shutil.copy(sample_page, proof)
    dossier = _receive(
        services,
        PERMANENT,
        [ComponentReceipt("CT01", (sample_page,), 1), ComponentReceipt("CHO", (proof,), 1)],
    )
    client = _client(central.url)
    try:
        assert Sender(services.database, services.blobs, client).send_due() == 1
    finally:
        client.close()
    return dossier, proof


def test_a_document_in_the_citizens_store_is_offered_for_the_same_component_and_reused(
    central, services, folders, synced, sample_page
):
    first, proof = synced
    lookup = ReuseLookup(lambda: _client(central.url), folders.data / "reused")
    procedure = services.catalogue.get(TEMPORARY, clock.now().date())
    found = lookup.find(ID_NUMBER, procedure)
    assert set(found) == {"CT01", "CHO"}
    [document] = found["CHO"]
    assert document.dossier_code == first.code and document.file_name == proof.name

    path = lookup.fetch(document)
    assert path.read_bytes() == proof.read_bytes()

    second = _receive(
        services,
        TEMPORARY,
        [
            ComponentReceipt("CT01", (sample_page,), 1),
            ComponentReceipt("CHO", (path,), 1, reused=True),
        ],
    )
    digitisation = {c.requirement_code: c.digitisation for c in second.components}
    assert digitisation == {
        "CT01": DigitisationStatus.DIGITISED,
        "CHO": DigitisationStatus.REUSED_FROM_COMPONENT,
    }
    with services.database.reading() as session:
        message = next(e for e in outbox.pending(session, 10) if e.entity_id == second.id)
    reused = next(c for c in message.payload["components"] if c["requirement_code"] == "CHO")
    assert reused["digitisation"] == 2


def test_another_citizens_documents_are_not_offered(central, services, folders, synced):
    lookup = ReuseLookup(lambda: _client(central.url), folders.data / "reused")
    procedure = services.catalogue.get(TEMPORARY, clock.now().date())
    assert lookup.find("079190000001", procedure) == {}


def test_offline_the_lookup_says_it_cannot_look_up(services, folders):
    lookup = ReuseLookup(
        lambda: HttpCentralClient("http://127.0.0.1:9", refresh_token="x", timeout=2),
        folders.data / "reused",
    )
    procedure = services.catalogue.get(TEMPORARY, clock.now().date())
    with pytest.raises(ExternalPartError) as caught:
        lookup.find(ID_NUMBER, procedure)
    assert caught.value.code == "reuse.offline"


def test_a_lookup_without_an_id_number_is_refused_before_asking(services, folders):
    asked = []
    lookup = ReuseLookup(lambda: asked.append(1), folders.data / "reused")  # type: ignore[arg-type,return-value]
    procedure = services.catalogue.get(TEMPORARY, clock.now().date())
    with pytest.raises(BadInput) as caught:
        lookup.find("", procedure)
    assert caught.value.code == "reuse.no_id_number" and asked == []
