"""A result signed on a real SoftHSM2 token and handed over into the citizen's store: the
reference central server's citizen-documents lookup lists the signed file, and the hand-over
event there names it by SHA-256 and size."""

from __future__ import annotations

import json

import httpx
from sqlalchemy import select

from tests.integration.onbehalf_helpers import OWNER_ID, processed, received
from tests.integration.sign.conftest import one_page_pdf
from tests.integration.sync.conftest import PASSWORD, start_server
from workstation.intake.signed import SignItem, add_result_for_signature, sign_into_dossiers
from workstation.onbehalf.handover import Delivery, hand_over
from workstation.services import open_signer
from workstation.sign.pades import Appearance, KeyChoice
from workstation.sync.client import HttpCentralClient
from workstation.sync.sender import Sender
from workstation_central.models import DossierEvent


def test_a_signed_result_handed_to_the_citizens_store_is_listed_there(
    services, sample_page, tmp_path, token
) -> None:
    dossier = received(services, sample_page)
    draft, request = add_result_for_signature(
        services.database, services.blobs, dossier.id, one_page_pdf(tmp_path / "kq.pdf")
    )
    with open_signer(key=KeyChoice(token.module, token.label, None, "signer"), pin=token.pin) as s:
        result = sign_into_dossiers(
            services.database,
            services.blobs,
            s,
            [SignItem(dossier.id, draft.id, "result", request)],
            Appearance(),
        )
    signed = result.stored[0][1]
    processed(services, dossier)
    hand_over(
        services.database, services.blobs, dossier.id, OWNER_ID, delivery=Delivery.CITIZEN_STORE
    )
    server = start_server(tmp_path / "central")
    try:
        tokens = HttpCentralClient(server.url).login("canbo1", PASSWORD)
        client = HttpCentralClient(server.url, refresh_token=tokens.refresh_token, timeout=10)
        try:
            Sender(services.database, services.blobs, client).send_due()
        finally:
            client.close()
        listed = httpx.get(
            f"{server.url}/v1/citizens/{OWNER_ID}/documents",
            headers={"Authorization": f"Bearer {tokens.access_token}"},
        ).json()["documents"]
        with server.central.sessions() as db:
            events = [json.loads(e.payload) for e in db.scalars(select(DossierEvent))]
    finally:
        server.stop()
    assert signed.sha256 in {d["sha256"] for d in listed}
    [handed] = [e for e in events if e.get("delivery") == "citizen_store"]
    assert handed["document"]["sha256"] == signed.sha256
    assert handed["document"]["size_bytes"] == signed.size_bytes
