"""Receiving a dossier: file, dossier and outbox message stored together or not at all."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest
from sqlalchemy import text

from tests.fakes.codec import ScramblingCodec
from tests.integration.consistency import assert_store_consistent
from workstation.domain import Applicant, ApplicantType, DigitisationStatus
from workstation.errors import BadInput, StoreError
from workstation.intake.receive import DOSSIER_CREATED, NewDossier, receive_dossier
from workstation.store import BlobStore, protection
from workstation.store.dossiers import count_dossiers, get_dossier, referenced_blobs
from workstation.store.outbox import count_pending, pending

pytestmark = pytest.mark.integration


def request(*files, procedure="1.001193", name="Nguyễn Thị Hồng Nhung") -> NewDossier:
    return NewDossier(
        procedure_code=procedure,
        applicant=Applicant(name=name, type=ApplicantType.CITIZEN, id_number="089202017098"),
        files=list(files),
    )


def receive(services, *args, **kwargs):
    return receive_dossier(
        services.database, services.blobs, services.catalogue, request(*args, **kwargs)
    )


def test_dossier_is_saved_with_its_page_and_queued_for_the_central_system(
    services, sample_page
) -> None:
    dossier = receive(services, sample_page)
    with services.database.transaction() as session:
        stored = get_dossier(session, dossier.id)
        queued = pending(session)
    assert stored.applicant.name == "Nguyễn Thị Hồng Nhung"
    assert stored.applicant.id_number == "089202017098"
    component = stored.components[0]
    assert component.name == "Tờ khai đăng ký khai sinh"
    assert component.digitisation == DigitisationStatus.DIGITISED
    document = component.documents[0]
    assert services.blobs.read(document.sha256) == sample_page.read_bytes()
    assert [(e.kind, e.entity_id) for e in queued] == [(DOSSIER_CREATED, dossier.id)]
    payload = queued[0].payload
    assert payload["applicant"]["name"] == "Nguyễn Thị Hồng Nhung"
    assert len(payload["received_at"]) == 14  # yyyyMMddHHmmss, as the national portal writes it
    assert payload["components"][0]["documents"][0]["sha256"] == document.sha256
    assert_store_consistent(services)


def test_refused_database_write_leaves_no_dossier_and_no_outbox_entry(
    services, sample_page, tmp_path
) -> None:
    receive(services, sample_page, name="Đã có trước")
    with services.database.engine.begin() as connection:
        connection.exec_driver_sql(
            "CREATE TRIGGER refuse_outbox BEFORE INSERT ON outbox "
            "BEGIN SELECT RAISE(ABORT, 'disk refused the write'); END"
        )
    other = tmp_path / "trang-khac.png"
    other.write_bytes(sample_page.read_bytes() + b"\x00")  # new content: a new blob is written
    with pytest.raises(StoreError) as caught:
        receive(services, other, name="Lê Văn Lương")
    assert caught.value.code == "store.database_refused"
    assert "Không có dữ liệu nào bị lưu dở" in caught.value.user_message()
    with services.database.transaction() as session:
        assert count_dossiers(session) == 1
        assert count_pending(session) == 1
        names = session.execute(text("SELECT name FROM applicants")).scalars().all()
    assert names == ["Đã có trước"]
    new_blob = hashlib.sha256(other.read_bytes()).hexdigest()
    assert services.blobs.exists(new_blob), "the blob was written before the refusal"
    assert_store_consistent(services)


def test_blob_left_by_a_refused_write_is_unreferenced_and_can_be_cleared(
    services, tmp_path, sample_page
) -> None:
    other = tmp_path / "khac.png"
    other.write_bytes(sample_page.read_bytes() + b"\x00")  # different content, still a PNG
    with services.database.engine.begin() as connection:
        connection.exec_driver_sql(
            "CREATE TRIGGER refuse_dossier BEFORE INSERT ON dossiers "
            "BEGIN SELECT RAISE(ABORT, 'refused'); END"
        )
    with pytest.raises(StoreError):
        receive(services, other)
    with services.database.transaction() as session:
        referenced = referenced_blobs(session)
        assert count_dossiers(session) == 0 and count_pending(session) == 0
    stray = set(services.blobs.names()) - referenced
    assert len(stray) == 1
    assert services.blobs.remove_unreferenced(referenced) == [], "too young: may be in flight"
    assert services.blobs.remove_unreferenced(referenced, older_than=timedelta(0)) == list(stray)
    assert set(services.blobs.names()) == referenced


def test_failed_blob_write_creates_nothing(services, tmp_path, sample_page) -> None:
    blocked = tmp_path / "blocked"
    blocked.write_text("a file where the blob folder should be")
    with pytest.raises(StoreError) as caught:
        receive_dossier(
            services.database, BlobStore(blocked), services.catalogue, request(sample_page)
        )
    assert caught.value.code == "store.blob_write_failed"
    with services.database.transaction() as session:
        assert count_dossiers(session) == 0 and count_pending(session) == 0


def test_damaged_file_is_refused_before_anything_is_stored(services, tmp_path) -> None:
    broken = tmp_path / "ho-so.pdf"
    broken.write_bytes(b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog")
    with pytest.raises(BadInput) as caught:
        receive(services, broken)
    assert caught.value.code == "file.pdf_damaged"
    assert list(services.blobs.names()) == []
    with services.database.transaction() as session:
        assert count_dossiers(session) == 0


def test_unknown_procedure_is_bad_input(services, sample_page) -> None:
    with pytest.raises(BadInput) as caught:
        receive(services, sample_page, procedure="9.999999")
    assert caught.value.code == "catalogue.procedure_not_found"


@pytest.fixture
def scrambling_codec():
    protection.install_codec(ScramblingCodec())
    yield
    protection.install_codec(protection.PlainCodec())


def test_personal_data_and_files_pass_through_the_one_codec(
    services, scrambling_codec, sample_page
) -> None:  # (services first: opening them installs the store's own codec)
    dossier = receive(services, sample_page)
    with services.database.engine.connect() as connection:
        raw_name = connection.exec_driver_sql("SELECT name FROM applicants").scalar()
        raw_id = connection.exec_driver_sql("SELECT id_number FROM applicants").scalar()
        raw_payload = connection.exec_driver_sql("SELECT payload FROM outbox").scalar()
    for raw in (raw_name, raw_id, raw_payload):
        assert "Nhung" not in raw and "089202017098" not in raw
    digest = dossier.components[0].documents[0].sha256
    assert not list(services.blobs.root.rglob(digest)), "blobs are named by the codec's keyed name"
    on_disk = services.blobs.path_of_name(services.blobs.name_of(digest)).read_bytes()
    assert on_disk != sample_page.read_bytes()
    with services.database.transaction() as session:
        stored = get_dossier(session, dossier.id)
        assert pending(session)[0].payload["applicant"]["id_number"] == "089202017098"
    assert stored.applicant.name == "Nguyễn Thị Hồng Nhung"
    assert services.blobs.read(digest) == sample_page.read_bytes()
