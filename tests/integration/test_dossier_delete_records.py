"""A dossier with financial or legal records on file is never deleted.

Payments, hand-overs of a result, citizens' ratings and identity proofs
refer to their dossier; deleting it is refused with a typed error that says
why, before anything is staged, and the dossier, its records and its outbox
stay as they were.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tests.store_helpers import received_dossier
from workstation import i18n
from workstation.domain.dossier import new_id
from workstation.errors import BadInput, ExitCode
from workstation.store.dossiers import count_dossiers, delete_dossier
from workstation.store.models import HandoverRow, IdentityProofRow, PaymentRow, RatingRow
from workstation.store.outbox import MessageKind, enqueue, pending

pytestmark = pytest.mark.integration

NOW = datetime(2026, 3, 13, 2, 0, tzinfo=UTC)


def _payment(dossier_id: str) -> PaymentRow:
    return PaymentRow(
        id=new_id(),
        dossier_id=dossier_id,
        method="cash",
        reference="",
        amount=100_000,
        source="counter",
        recorded_at=NOW,
    )


def _handover(dossier_id: str) -> HandoverRow:
    return HandoverRow(
        id=new_id(),
        dossier_id=dossier_id,
        delivery="counter",
        collector="owner",
        collector_id_number="001203012345",
        handed_at=NOW,
    )


def _rating(dossier_id: str) -> RatingRow:
    return RatingRow(id=new_id(), dossier_id=dossier_id, level="satisfied", rated_at=NOW)


def _identity_proof(dossier_id: str) -> IdentityProofRow:
    return IdentityProofRow(
        id=new_id(),
        dossier_id=dossier_id,
        account_id_number="001203012345",
        account_kind="vneid",
        method="level2",
        provider="demo",
        confirmed_at=NOW,
        content_sha256="0" * 64,
        submitted_at=NOW,
    )


RECORDS = {
    "payment": (_payment, "dossier.delete_has_payments"),
    "hand-over": (_handover, "dossier.delete_has_handovers"),
    "rating": (_rating, "dossier.delete_has_ratings"),
    "identity proof": (_identity_proof, "dossier.delete_has_identity_proofs"),
}


@pytest.mark.parametrize(("record", "code"), RECORDS.values(), ids=RECORDS.keys())
def test_a_dossier_with_a_financial_or_legal_record_is_refused_with_a_typed_error(
    database, record, code
) -> None:
    dossier = received_dossier(database)
    with database.transaction() as session:
        session.add(record(dossier.id))
    with pytest.raises(BadInput) as refused, database.transaction() as session:
        delete_dossier(session, dossier.id)
        enqueue(session, MessageKind.DOSSIER_DELETED, dossier.id, {"id": dossier.id})
    error = refused.value
    assert error.code == code and error.exit_code is ExitCode.BAD_INPUT
    assert error.__cause__ is None  # refused before the store was touched, not by its keys
    assert "Không thể xóa hồ sơ" in error.user_message("vi")
    assert "cannot be deleted" in error.user_message("en")
    with database.reading() as session:
        assert count_dossiers(session) == 1
        assert [m.kind for m in pending(session)] == ["dossier.created"]
        table = type(record(dossier.id))
        assert session.query(table).filter(table.dossier_id == dossier.id).count() == 1


def test_every_refusal_has_a_message_in_both_languages() -> None:
    for _, code in RECORDS.values():
        for language in ("vi", "en"):
            assert f"error.{code}" in i18n.catalogue(language), (code, language)


def test_a_dossier_without_such_records_is_still_deleted(database) -> None:
    dossier = received_dossier(database)
    other = received_dossier(database, name="Lê Thị Hoa")
    with database.transaction() as session:
        session.add(_payment(other.id))  # another dossier's payment does not hold this one
    with database.transaction() as session:
        delete_dossier(session, dossier.id)
        enqueue(session, MessageKind.DOSSIER_DELETED, dossier.id, {"id": dossier.id})
    with database.reading() as session:
        assert count_dossiers(session) == 1
