"""A received dossier keeps the card's address as printed, with today's units stored beside it."""

from __future__ import annotations

from datetime import timedelta

import pytest

from workstation.domain import Applicant, clock
from workstation.dossiers import show_dossier
from workstation.intake.receive import NewDossier, receive_dossier
from workstation.store import outbox

pytestmark = pytest.mark.integration

PRINTED = "Tổ 10 Ấp An Thái, Hòa Bình, Chợ Mới, An Giang"


def _receive(services, sample_page, address: str):
    return receive_dossier(
        services.database,
        services.blobs,
        services.catalogue,
        NewDossier(
            procedure_code="1.001193",
            applicant=Applicant(name="Lê Văn Lương", address=address),
            files=[sample_page],
            received_at=clock.now() - timedelta(minutes=5),
        ),
    )


def test_the_stored_applicant_has_the_printed_address_and_the_current_units(services, sample_page):
    dossier = _receive(services, sample_page, PRINTED)
    stored = show_dossier(services.database, dossier.id).applicant
    assert stored.address == PRINTED
    assert (stored.current_address, stored.address_units) == ("Xã Hội An, An Giang", "mapped")
    with services.database.reading() as session:
        [message] = outbox.pending(session, 10)
    assert message.payload["applicant"]["address"] == PRINTED
    assert message.payload["applicant"]["current_address"] == "Xã Hội An, An Giang"


def test_an_address_whose_units_are_unknown_is_stored_as_written_and_flagged(services, sample_page):
    written = "Xóm 3, Yên Thành, Ý Yên, Nam Định"
    stored = show_dossier(services.database, _receive(services, sample_page, written).id)
    assert stored.applicant.address == written
    assert stored.applicant.current_address is None
    assert stored.applicant.address_units == "unknown"
