"""The counter's life-cycle steps reach the reference central server, in order, once."""

from __future__ import annotations

from datetime import timedelta

import httpx
import pytest

from tests.integration.sync.conftest import PASSWORD
from workstation import lifecycle
from workstation.domain import Applicant, clock
from workstation.forms.model import SupplementItem
from workstation.intake.receive import NewDossier, receive_dossier
from workstation.sync.client import HttpCentralClient
from workstation.sync.sender import Sender

pytestmark = pytest.mark.integration


def test_supplement_and_refusal_arrive_as_events_with_the_status_after_each(
    central, services, folders, sample_page
):
    dossier = receive_dossier(
        services.database,
        services.blobs,
        services.catalogue,
        NewDossier(
            procedure_code="1.001193",
            applicant=Applicant(name="Đỗ Thị Mai", id_number="001185012345"),
            files=[sample_page],
            received_at=clock.now() - timedelta(minutes=30),
        ),
    )
    counter = lifecycle.Counter.of(
        services.database, services.catalogue, services.settings, folders.data
    )
    items = [SupplementItem("Giấy chứng sinh", "Bản chụp không rõ")]
    lifecycle.request_supplement(counter, dossier.id, items)
    lifecycle.refuse(counter, dossier.id, ["Quá hạn bổ sung"])

    client = HttpCentralClient(central.url)
    client.login("canbo1", PASSWORD)
    try:
        assert Sender(services.database, services.blobs, client).send_due() == 5
        assert Sender(services.database, services.blobs, client).send_due() == 0
        assert client.dossier_status(dossier.id) == 3
    finally:
        client.close()

    with httpx.Client(base_url=central.url) as http:
        token = http.post("/v1/auth/login", json={"user": "canbo1", "password": PASSWORD})
        http.headers["Authorization"] = f"Bearer {token.json()['access_token']}"
        events = http.get(f"/v1/dossiers/{dossier.id}/events").json()["events"]
    assert [(e["event"], e["status"]) for e in events] == [
        ("supplement_requested", 5),
        ("refused", 3),
    ]
    assert events[0]["details"]["items"] == [
        {"name": "Giấy chứng sinh", "reason": "Bản chụp không rõ"}
    ]
