"""The reference central server takes every on-behalf message, and reports bank payments back."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from tests.integration.onbehalf_helpers import OWNER_ID, processed, received
from tests.integration.sync.conftest import PASSWORD
from workstation.onbehalf.content import content_digest
from workstation.onbehalf.handover import hand_over
from workstation.onbehalf.identity import DemoIdentityProvider
from workstation.onbehalf.officer import OfficerSource, os_officer
from workstation.onbehalf.payment import fetch_confirmations, record_payment
from workstation.onbehalf.ratings import record_rating
from workstation.onbehalf.submit import submit_online
from workstation.services import signed_in_officer
from workstation.store.outbox import count_pending
from workstation.sync.auth import login
from workstation.sync.client import HttpCentralClient
from workstation.sync.sender import Sender
from workstation_central.models import DossierEvent, DossierRecord

pytestmark = pytest.mark.integration


def test_submitted_online_payment_hand_over_and_rating_all_reach_the_central_system(
    central, services, sample_page
) -> None:
    dossier = received(services, sample_page)
    login(central.url, "canbo1", PASSWORD)
    officer = signed_in_officer(central.url)()
    proof = DemoIdentityProvider().confirm(OWNER_ID, content_digest(dossier))
    submit_online(services.database, services.catalogue, dossier.id, proof, officer)
    record_payment(services.database, dossier.id, "card", "POS-778", officer=officer)
    record_rating(services.database, dossier.id, "very_satisfied", officer=officer)
    processed(services, dossier)
    hand_over(services.database, services.blobs, dossier.id, OWNER_ID, officer=officer)

    tokens = HttpCentralClient(central.url).login("canbo1", PASSWORD)
    client = HttpCentralClient(central.url, refresh_token=tokens.refresh_token, timeout=10)
    try:
        Sender(services.database, services.blobs, client).send_due()
        with services.database.reading() as session:
            assert count_pending(session) == 0
        with central.central.sessions() as db:
            events = list(db.scalars(select(DossierEvent).order_by(DossierEvent.id)))
            kinds = [e.kind for e in events]
            officers = {e.officer for e in events}
            rating = json.loads(events[2].payload)
            named = [json.loads(e.payload).get("officer") for e in events]
            status = db.get(DossierRecord, dossier.id).status
        assert kinds == [
            "dossier.submitted_online",
            "payment.recorded",
            "rating.recorded",
            "result.handed_over",
        ]
        assert status == 10
        assert officers == {"canbo1"}  # the officer who sent them, as signed in
        # ... and the officer who did each step, named in the step itself
        assert named == [{"user": "canbo1", "source": "central_sign_in"}] * 4
        assert rating["code"] == dossier.code and rating["level"] == "very_satisfied"
    finally:
        client.close()


def test_a_payment_the_bank_reported_reaches_the_counter(central, services, sample_page) -> None:
    dossier = received(services, sample_page)
    tokens = HttpCentralClient(central.url).login("canbo1", PASSWORD)
    client = HttpCentralClient(central.url, refresh_token=tokens.refresh_token, timeout=10)
    try:
        Sender(services.database, services.blobs, client).send_due()
        client._call(  # the bank's notice, as the reference server takes it
            "POST",
            f"/v1/dossiers/{dossier.id}/payment-confirmations",
            json={"reference": "FT26307001", "amount": 100_000},
            key="bank-notice-1",
        )
        state = fetch_confirmations(client, services.database, dossier.id)
    finally:
        client.close()
    assert state.confirmed and state.due == 0
    assert state.payments[0].reference == "FT26307001"


def test_without_a_sign_in_the_officer_is_the_os_user_named_as_such(central) -> None:
    officer = signed_in_officer(central.url)()
    assert officer.source is OfficerSource.OS_USER
    assert officer == os_officer() and officer.user
