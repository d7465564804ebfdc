"""Online on the citizen's behalf: proof, online fees, payment, hand-over, rating, outbox."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from tests.integration.onbehalf_helpers import OTHER_ID, OWNER_ID, processed, received
from workstation.domain import Channel, DossierStatus
from workstation.errors import BadInput
from workstation.intake.attach import attach_document
from workstation.onbehalf.content import content_digest
from workstation.onbehalf.handover import dossier_reference_from_scan, hand_over
from workstation.onbehalf.handover_record import render_handover_record
from workstation.onbehalf.identity import DemoIdentityProvider, proof_from_json
from workstation.onbehalf.payment import (
    confirm_payment,
    payment_code,
    payment_state,
    record_payment,
)
from workstation.onbehalf.ratings import rating_levels, record_rating
from workstation.onbehalf.submit import online_state, submit_online
from workstation.onbehalf.vietqr import parse_fields
from workstation.store.dossiers import find_dossier
from workstation.store.outbox import pending

pytestmark = pytest.mark.integration

DEMO = DemoIdentityProvider()


def _kinds(services) -> list[str]:
    with services.database.reading() as session:
        return [e.kind for e in pending(session)]


def _submit(services, dossier, proof):
    return submit_online(services.database, services.catalogue, dossier.id, proof)


def test_without_proof_the_dossier_stays_paper_at_the_counter_rate(services, sample_page) -> None:
    dossier = received(services, sample_page)
    assert dossier.channel is Channel.COUNTER and dossier.fee == 100_000
    with pytest.raises(BadInput) as caught:
        _submit(services, dossier, None)
    assert caught.value.code == "onbehalf.no_proof"
    assert not online_state(services.database, dossier.id).online
    assert _kinds(services) == ["dossier.created"]


def test_the_owners_proof_of_this_content_makes_it_online_with_the_reduction(
    services, sample_page
) -> None:
    dossier = received(services, sample_page)
    proof = DEMO.confirm(OWNER_ID, content_digest(dossier))
    online = _submit(services, dossier, proof)
    assert online.channel is Channel.ONLINE and online.fee == 50_000
    with services.database.reading() as session:
        stored = find_dossier(session, dossier.id)
        message = pending(session)[-1]
    assert stored.channel is Channel.ONLINE and stored.fee == 50_000
    assert message.kind == "dossier.submitted_online"
    assert message.payload["proof"]["account"]["id_number"] == OWNER_ID
    assert message.payload["proof"]["content_sha256"] == content_digest(dossier)
    assert message.payload["proof"]["provider"] == "demo"
    assert online_state(services.database, dossier.id).current


def test_another_persons_proof_is_refused(services, sample_page) -> None:
    dossier = received(services, sample_page)
    with pytest.raises(BadInput) as caught:
        _submit(services, dossier, DEMO.confirm(OTHER_ID, content_digest(dossier)))
    assert caught.value.code == "onbehalf.proof_other_person"


def test_a_proof_of_another_dossiers_content_is_refused(services, sample_page) -> None:
    first = received(services, sample_page)
    second = received(services, sample_page)
    with pytest.raises(BadInput) as caught:
        _submit(services, second, DEMO.confirm(OWNER_ID, content_digest(first)))
    assert caught.value.code == "onbehalf.proof_other_content"


def test_content_changed_after_confirming_needs_confirming_again(services, sample_page) -> None:
    dossier = received(services, sample_page)
    proof = DEMO.confirm(OWNER_ID, content_digest(dossier))
    attach_document(services.database, services.blobs, dossier.id, "CCCD", sample_page)
    with pytest.raises(BadInput) as caught:
        _submit(services, dossier, proof)
    assert caught.value.code == "onbehalf.proof_other_content"
    changed = services.database
    with changed.reading() as session:
        now = find_dossier(session, dossier.id)
    again = DEMO.confirm(OWNER_ID, content_digest(now))
    assert _submit(services, now, again).channel is Channel.ONLINE


def test_the_proof_survives_its_json_form(services, sample_page) -> None:
    dossier = received(services, sample_page)
    proof = DEMO.confirm(OWNER_ID, content_digest(dossier))
    assert proof_from_json(json.loads(json.dumps(proof.as_json()))) == proof
    for broken in ({}, {**proof.as_json(), "content_sha256": "zz"}, []):
        with pytest.raises(BadInput) as caught:
            proof_from_json(broken)
        assert caught.value.code == "onbehalf.proof_unreadable"


def test_payment_code_asks_what_is_due_with_the_dossier_code_as_note(services, sample_page) -> None:
    dossier = received(services, sample_page)
    state, payload = payment_code(services.database, services.settings, dossier.id)
    values = dict(parse_fields(payload))
    assert state.due == 100_000 and values["54"] == "100000"
    assert dict(parse_fields(values["62"]))["08"] == dossier.code
    merchant = dict(parse_fields(values["38"]))
    assert dict(parse_fields(merchant["01"]))["00"] == "970415"  # the demo unit's entry


def test_the_account_comes_from_the_settings_when_an_administrator_set_one(
    services, sample_page
) -> None:
    dossier = received(services, sample_page)
    settings = replace(services.settings, collection_bank_bin="970436", collection_account="0071")
    _, payload = payment_code(services.database, settings, dossier.id)
    merchant = dict(parse_fields(dict(parse_fields(payload))["38"]))
    assert dict(parse_fields(merchant["01"])) == {"00": "970436", "01": "0071"}


def test_a_recorded_payment_is_queued_and_nothing_is_due_after_it(services, sample_page) -> None:
    dossier = received(services, sample_page)
    state = record_payment(services.database, dossier.id, "transfer", "FT2633012345")
    assert state.due == 0 and state.paid == 100_000 and not state.confirmed
    with services.database.reading() as session:
        message = pending(session)[-1]
        assert find_dossier(session, dossier.id).fee_paid
    assert message.kind == "payment.recorded"
    assert message.payload["method"] == "transfer" and message.payload["amount"] == 100_000
    with pytest.raises(BadInput) as caught:
        record_payment(services.database, dossier.id, "cash")
    assert caught.value.code == "payment.nothing_due"


def test_a_payment_the_central_system_confirmed_is_kept_once_and_shown(
    services, sample_page
) -> None:
    dossier = received(services, sample_page)
    from workstation.domain import clock

    for _ in range(2):
        state = confirm_payment(services.database, dossier.id, "BANK-1", 100_000, clock.now())
    assert state.confirmed and state.due == 0 and len(state.payments) == 1
    assert _kinds(services) == ["dossier.created"]  # it came from there: nothing to send
    assert payment_state(services.database, dossier.id).confirmed


def test_hand_over_to_the_owner_records_status_10_and_queues_it(
    services, sample_page, tmp_path
) -> None:
    dossier = received(services, sample_page)
    processed(services, dossier)
    handover = hand_over(services.database, services.blobs, dossier.code, OWNER_ID)
    with services.database.reading() as session:
        assert find_dossier(session, dossier.id).status is DossierStatus.RESULT_RETURNED
        messages = pending(session)[-2:]
    assert [m.kind for m in messages] == ["dossier.status_changed", "result.handed_over"]
    assert messages[1].payload["collector"] == "owner"
    data = render_handover_record(
        handover, services.catalogue, "UBND phường Demo", tmp_path / "handover.pdf"
    )
    assert data.startswith(b"%PDF")
    with pytest.raises(BadInput) as caught:
        hand_over(services.database, services.blobs, dossier.code, OWNER_ID)
    assert caught.value.code == "handover.already_returned"


def test_a_collector_neither_owner_nor_authorised_is_refused(services, sample_page) -> None:
    dossier = received(services, sample_page)
    processed(services, dossier)
    with pytest.raises(BadInput) as caught:
        hand_over(services.database, services.blobs, dossier.id, OTHER_ID)
    assert caught.value.code == "handover.not_authorised"


def test_an_authorised_collector_with_the_scanned_authorisation_collects(
    services, sample_page
) -> None:
    dossier = received(services, sample_page)
    processed(services, dossier)
    handover = hand_over(
        services.database, services.blobs, dossier.id, OTHER_ID, authorisation=sample_page
    )
    assert handover.collector == "authorised"
    assert services.blobs.exists(handover.authorisation_sha256)


def test_a_dossier_without_a_result_yet_is_not_handed_over(services, sample_page) -> None:
    dossier = received(services, sample_page)
    with pytest.raises(BadInput) as caught:
        hand_over(services.database, services.blobs, dossier.id, OWNER_ID)
    assert caught.value.code == "handover.not_ready"


def test_the_receipts_qr_address_gives_the_dossier_code() -> None:
    code = "H99.001.01-261102-010001"
    assert dossier_reference_from_scan(f"https://dvc.example.vn/tra-cuu?ma={code}") == code
    assert dossier_reference_from_scan(f"  {code}\n") == code


def test_a_rating_is_kept_once_and_queued_with_the_code(services, sample_page) -> None:
    dossier = received(services, sample_page)
    assert [lv.code for lv in rating_levels()] == [
        "very_satisfied",
        "satisfied",
        "not_satisfied",
    ]
    record_rating(services.database, dossier.id, "not_satisfied", "Chờ lâu")
    with services.database.reading() as session:
        message = pending(session)[-1]
    assert message.kind == "rating.recorded" and message.payload["code"] == dossier.code
    with pytest.raises(BadInput) as caught:
        record_rating(services.database, dossier.id, "satisfied")
    assert caught.value.code == "rating.already_rated"
    with pytest.raises(BadInput):
        record_rating(services.database, received(services, sample_page).id, "great")


def test_content_changed_after_filing_online_is_confirmed_again(services, sample_page) -> None:
    dossier = received(services, sample_page)
    _submit(services, dossier, DEMO.confirm(OWNER_ID, content_digest(dossier)))
    with pytest.raises(BadInput) as caught:
        _submit(services, dossier, DEMO.confirm(OWNER_ID, content_digest(dossier)))
    assert caught.value.code == "onbehalf.already_online"
    attach_document(services.database, services.blobs, dossier.id, "CCCD", sample_page)
    assert not online_state(services.database, dossier.id).current
    with services.database.reading() as session:
        now = find_dossier(session, dossier.id)
    again = _submit(services, now, DEMO.confirm(OWNER_ID, content_digest(now)))
    assert again.fee == 50_000
    assert online_state(services.database, dossier.id).current
    assert _kinds(services).count("dossier.submitted_online") == 2
