"""On behalf of the dossier's owner (chủ hồ sơ) when someone else files it."""

from __future__ import annotations

from dataclasses import replace

import pytest

from tests.integration.onbehalf_helpers import OTHER_ID, OWNER, OWNER_ID, processed, received
from workstation.domain import Applicant, ApplicantType, Channel, CollectionMethod
from workstation.errors import BadInput
from workstation.intake.attach import attach_document
from workstation.onbehalf.content import content_digest, dossier_content
from workstation.onbehalf.handover import hand_over
from workstation.onbehalf.identity import DemoIdentityProvider
from workstation.onbehalf.payment import payment_code, record_payment
from workstation.onbehalf.submit import online_state, submit_online

pytestmark = pytest.mark.integration

DEMO = DemoIdentityProvider()
FILER_ID = "036095000222"
FILER = Applicant(name="Trần Văn Bình", type=ApplicantType.CITIZEN, id_number=FILER_ID)


def _for_owner(services, page):
    """A dossier filed by FILER (A) for OWNER (B)."""
    return received(services, page, applicant=FILER, owner=OWNER)


def _submit(services, dossier, proof):
    return submit_online(services.database, services.catalogue, dossier.id, proof)


def test_the_owners_own_proof_is_accepted_when_another_person_files(services, sample_page) -> None:
    dossier = _for_owner(services, sample_page)
    online = _submit(services, dossier, DEMO.confirm(OWNER_ID, content_digest(dossier)))
    assert online.channel is Channel.ONLINE and online.fee == 50_000


def test_the_filers_proof_is_refused_when_the_filer_is_not_the_owner(services, sample_page) -> None:
    dossier = _for_owner(services, sample_page)
    with pytest.raises(BadInput) as caught:
        _submit(services, dossier, DEMO.confirm(FILER_ID, content_digest(dossier)))
    assert caught.value.code == "onbehalf.proof_other_person"
    assert not online_state(services.database, dossier.id).online


def test_the_owner_collects_without_an_authorisation(services, sample_page) -> None:
    dossier = _for_owner(services, sample_page)
    processed(services, dossier)
    handover = hand_over(services.database, services.blobs, dossier.id, OWNER_ID)
    assert handover.collector == "owner"


def test_the_filer_who_is_not_the_owner_needs_an_authorisation(services, sample_page) -> None:
    dossier = _for_owner(services, sample_page)
    processed(services, dossier)
    with pytest.raises(BadInput) as caught:
        hand_over(services.database, services.blobs, dossier.id, FILER_ID)
    assert caught.value.code == "handover.not_authorised"
    handover = hand_over(
        services.database, services.blobs, dossier.id, FILER_ID, authorisation=sample_page
    )
    assert handover.collector == "authorised"


def test_the_confirmed_content_includes_the_owner_and_the_collection_method(
    services, sample_page
) -> None:
    dossier = _for_owner(services, sample_page)
    digest = content_digest(dossier)
    other_owner = replace(OWNER, id_number=OTHER_ID)
    assert content_digest(replace(dossier, owner=other_owner)) != digest
    assert content_digest(replace(dossier, owner=None)) != digest
    assert content_digest(replace(dossier, collection=CollectionMethod.POST)) != digest
    # Defaults add nothing: proofs given before the owner was part of the content still match.
    plain = received(services, sample_page)
    assert "owner" not in dossier_content(plain) and "collection" not in dossier_content(plain)


def test_an_online_dossier_changed_since_confirming_is_not_paid_until_confirmed_again(
    services, sample_page
) -> None:
    dossier = received(services, sample_page)
    _submit(services, dossier, DEMO.confirm(OWNER_ID, content_digest(dossier)))
    attach_document(services.database, services.blobs, dossier.id, "CCCD", sample_page)
    for ask in (
        lambda: record_payment(services.database, dossier.id, "cash"),
        lambda: payment_code(services.database, services.settings, dossier.id),
    ):
        with pytest.raises(BadInput) as caught:
            ask()
        assert caught.value.code == "payment.needs_confirmation"
    now = online_state(services.database, dossier.id)
    assert now.online and not now.current
