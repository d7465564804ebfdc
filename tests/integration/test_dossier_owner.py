"""The dossier's owner (chủ hồ sơ) kept apart from the person filing, and how the result
will be collected: defaults, checks, the store round trip and migration 0850."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tests.integration.test_migration_0600 import insert_dossier
from workstation.domain import Applicant, ApplicantType, CollectionMethod, Dossier
from workstation.domain.contact import applicant_warnings
from workstation.errors import BadInput
from workstation.store.database import Database, open_database
from workstation.store.dossiers import add_dossier, get_dossier
from workstation.store.models import DossierRow
from workstation.store.outbox import MessageKind, enqueue
from workstation.store.protection import PersonalText

pytestmark = pytest.mark.integration

FILER = Applicant(name="Nguyễn Văn An", id_number="001090001234", phone="0912345678")
OWNER = Applicant(name="Nguyễn Thị Bình", id_number="001190004321", address="Số 5 phố Huế, Hà Nội")
RECEIVED = datetime(2026, 3, 12, 2, 32, tzinfo=UTC)


def test_the_owner_defaults_to_the_person_filing_and_collection_to_the_counter() -> None:
    dossier = Dossier(procedure_code="1.001193", applicant=FILER, received_at=RECEIVED)
    assert dossier.owner is None
    assert dossier.dossier_owner == FILER
    assert dossier.collection is CollectionMethod.COUNTER


def test_an_owner_equal_to_the_person_filing_is_not_kept_twice() -> None:
    same = Applicant(name=" Nguyễn  Văn An", id_number="001090001234", phone="0912345678")
    dossier = Dossier("1.001193", FILER, RECEIVED, owner=same, collection="post")
    assert dossier.owner is None
    assert dossier.collection is CollectionMethod.POST


def test_an_unknown_collection_method_is_refused() -> None:
    with pytest.raises(ValueError):
        Dossier("1.001193", FILER, RECEIVED, collection="pigeon")


def test_the_owners_id_number_is_checked_as_the_applicants() -> None:
    with pytest.raises(BadInput) as refused:
        Applicant(name="Nguyễn Thị Bình", id_number="0011\u202e90004321")
    assert refused.value.code == "applicant.id_number_invalid"
    odd = Applicant(name="Nguyễn Thị Bình", id_number="999190004321")  # no such province
    assert any(w.field == "id_number" for w in applicant_warnings(odd))


def test_owner_and_collection_survive_the_store_with_the_owner_sealed(
    database: Database,
) -> None:
    dossier = Dossier("1.001193", FILER, RECEIVED, owner=OWNER, collection=CollectionMethod.ONLINE)
    with database.transaction() as session:
        add_dossier(session, dossier)
        enqueue(session, MessageKind.DOSSIER_CREATED, dossier.id, {"id": dossier.id})
    with database.reading() as session:
        stored = get_dossier(session, dossier.id)
    assert stored.owner == OWNER
    assert stored.applicant == FILER
    assert stored.collection is CollectionMethod.ONLINE
    for name in ("owner_name", "owner_id_number", "owner_address", "owner_phone", "owner_email"):
        assert isinstance(DossierRow.__table__.c[name].type, PersonalText)


def test_a_dossier_filed_by_its_owner_stores_no_owner(database: Database) -> None:
    dossier = Dossier("1.001193", FILER, RECEIVED)
    with database.transaction() as session:
        add_dossier(session, dossier)
        enqueue(session, MessageKind.DOSSIER_CREATED, dossier.id, {"id": dossier.id})
    with database.reading() as session:
        stored = get_dossier(session, dossier.id)
    assert stored.owner is None
    assert stored.dossier_owner == FILER


def test_a_store_at_0840_upgrades_with_dossiers_owned_by_their_filer_collected_at_the_counter(
    tmp_path,
) -> None:
    path = tmp_path / "old.sqlite3"
    old = Database(path)
    old.migrate("0840")
    with old.engine.begin() as connection:
        insert_dossier(connection, "d1", 1)
    old.close()

    upgraded = open_database(path)
    assert upgraded.revision() == upgraded.head_revision()
    with upgraded.reading() as session:
        stored = get_dossier(session, "d1")
    assert stored.owner is None
    assert stored.collection is CollectionMethod.COUNTER
    assert stored.applicant.type is ApplicantType.CITIZEN
    upgraded.close()
