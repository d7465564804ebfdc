"""The citizen signs in either with VNeID level 2 or with the national portal's account,
through the one identity interface; the proof, the store and the outbox say which."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from tests.integration.onbehalf_helpers import OWNER_ID, received
from workstation.cli import main
from workstation.cli.onbehalf import ACCOUNT_KINDS
from workstation.errors import BadInput
from workstation.onbehalf.content import content_digest
from workstation.onbehalf.identity import (
    AccountKind,
    DemoIdentityProvider,
    Method,
    offered,
    proof_from_json,
)
from workstation.onbehalf.submit import online_state, submit_online
from workstation.store.models import IdentityProofRow
from workstation.store.outbox import pending

pytestmark = pytest.mark.integration

BOTH = [AccountKind.VNEID_LEVEL2, AccountKind.PORTAL]


def test_the_demo_provider_offers_both_ways_and_says_it_is_the_demo() -> None:
    demo = DemoIdentityProvider()
    assert demo.methods == (AccountKind.VNEID_LEVEL2, AccountKind.PORTAL)
    proof = demo.confirm(OWNER_ID, "ab" * 32, AccountKind.PORTAL)
    assert proof.provider == "demo" and proof.method is Method.DEMO


@pytest.mark.parametrize("kind", BOTH)
def test_the_proof_stored_and_queued_records_how_the_citizen_signed_in(
    services, sample_page, kind
) -> None:
    dossier = received(services, sample_page)
    proof = DemoIdentityProvider().confirm(OWNER_ID, content_digest(dossier), kind)
    assert proof.account_kind is kind
    assert proof_from_json(json.loads(json.dumps(proof.as_json()))) == proof
    submit_online(services.database, services.catalogue, dossier.id, proof)
    with services.database.reading() as session:
        row = session.scalars(
            select(IdentityProofRow).where(IdentityProofRow.dossier_id == dossier.id)
        ).one()
        message = pending(session)[-1]
    assert (row.account_kind, row.method, row.provider) == (str(kind), "demo", "demo")
    assert message.payload["proof"]["account"] == {"id_number": OWNER_ID, "kind": str(kind)}
    assert online_state(services.database, dossier.id).account_kind == str(kind)


@pytest.mark.parametrize("asked", ["password", "vneid_level1", ""])
def test_a_way_of_signing_in_the_provider_does_not_offer_is_refused(asked) -> None:
    with pytest.raises(BadInput) as caught:
        offered(DemoIdentityProvider(), asked)
    assert caught.value.code == "onbehalf.method_not_offered"
    with pytest.raises(BadInput):
        DemoIdentityProvider().confirm(OWNER_ID, "ab" * 32, asked)


def test_the_command_lines_choices_are_the_account_kinds() -> None:
    assert tuple(k.value for k in AccountKind) == ACCOUNT_KINDS


@pytest.mark.parametrize("kind", ["vneid_level2", "portal"])
def test_the_demo_proof_command_signs_in_either_way_and_submit_online_takes_it(
    services, sample_page, tmp_path, kind
) -> None:
    dossier = received(services, sample_page)
    proof = tmp_path / "proof.json"
    argv = ["dossier", "demo-proof", dossier.code, "--account-id", OWNER_ID, "-o", str(proof)]
    assert main([*argv, "--account-kind", kind]) == 0
    assert json.loads(proof.read_text())["account"]["kind"] == kind
    assert main(["dossier", "submit-online", dossier.code, "--proof", str(proof)]) == 0
    assert online_state(services.database, dossier.id).account_kind == kind
