"""The counter's life-cycle steps on a real store: status, appointment, form and outbox
change together, or not at all."""

from __future__ import annotations

import subprocess
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.fakes.store import UnreliableDatabase
from workstation import lifecycle
from workstation.domain import Applicant, Dossier, DossierStatus, clock
from workstation.domain.dossier import Component
from workstation.domain.due_dates import compute_due, rules_in_force
from workstation.domain.events import EventKind
from workstation.errors import BadInput, StoreError
from workstation.forms.model import SupplementItem
from workstation.intake.receive import _counting
from workstation.store import outbox
from workstation.store.dossiers import add_dossier, get_dossier
from workstation.store.outbox import MessageKind, enqueue

pytestmark = pytest.mark.integration

RECEIVED = datetime(2026, 3, 12, 2, 0, tzinfo=UTC)  # 09:00 Thursday in Vietnam
PROCEDURE = "2.000575"  # 3 working days


def _due(catalogue, received: datetime, pauses=()) -> datetime:
    procedure = catalogue.get(PROCEDURE, clock.local(received).date())
    calendar, rules = _counting()
    day = clock.local(received).date()
    return compute_due(
        received, procedure.time_limit, calendar, rules_in_force(rules, day), pauses
    ).due


@pytest.fixture
def dossier(services) -> Dossier:
    saved = Dossier(
        procedure_code=PROCEDURE,
        applicant=Applicant(name="Phạm Thị Hồng", id_number="001185012345"),
        received_at=RECEIVED,
        code="000.00.06.H56-260312-0001",
        components=(Component(name="Giấy đề nghị đăng ký hộ kinh doanh"),),
        due_at=_due(services.catalogue, RECEIVED),
    )
    with services.database.transaction() as session:
        saved = add_dossier(session, saved)
        enqueue(session, MessageKind.DOSSIER_CREATED, saved.id, {"id": saved.id})
    return saved


@pytest.fixture
def counter(services, folders) -> lifecycle.Counter:
    return lifecycle.Counter.of(
        services.database, services.catalogue, services.settings, folders.data, "Lê Văn Lương"
    )


def _messages(services, dossier_id: str) -> list[tuple[str, dict]]:
    with services.database.reading() as session:
        return [
            (e.kind, e.payload)
            for e in outbox.pending(session, 100)
            if e.entity_id == dossier_id and e.kind != MessageKind.DOSSIER_CREATED
        ]


def _text(pdf: Path) -> str:
    out = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, check=True, text=True)
    return " ".join(out.stdout.split())


def _vn(*args: int) -> datetime:
    return datetime(*args, tzinfo=clock.VIETNAM)


def test_a_supplement_request_stops_the_clock_and_its_arrival_moves_the_appointment_on(
    services, counter, dossier
) -> None:
    items = [SupplementItem("Bản sao hợp đồng thuê nhà", "Thiếu chữ ký bên cho thuê")]
    asked = lifecycle.request_supplement(counter, dossier.id, items, at=_vn(2026, 3, 13, 9, 0))
    assert asked.dossier.status is DossierStatus.SUPPLEMENT_REQUESTED
    assert "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ" in _text(asked.form_path)
    assert "Thiếu chữ ký bên cho thuê" in _text(asked.form_path)

    back = lifecycle.receive_supplement(counter, dossier.id, at=_vn(2026, 3, 16, 9, 0))
    stored = get_dossier_now(services, dossier.id)
    assert stored.status is DossierStatus.RECEIVED
    # One working day (Friday 09:00 to Monday 09:00) paused: the appointment moves a day on.
    assert clock.local(stored.due_at).date() == clock.local(dossier.due_at).date() + timedelta(1)
    assert back.dossier.due_at == stored.due_at
    assert "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ" in _text(back.form_path)
    kinds = [k for k, _ in _messages(services, dossier.id)]
    assert kinds == [
        "dossier.status_changed",
        "dossier.supplement_requested",
        "dossier.status_changed",
        "dossier.supplement_received",
    ]
    payload = _messages(services, dossier.id)[1][1]
    assert payload["status"] == 5 and payload["details"]["items"][0]["reason"]


def get_dossier_now(services, dossier_id: str) -> Dossier:
    with services.database.reading() as session:
        return get_dossier(session, dossier_id)


def test_refusal_sets_status_3_prints_the_reasons_and_tells_the_central_system(
    services, counter, dossier
) -> None:
    step = lifecycle.refuse(counter, dossier.id, ["Hồ sơ không thuộc thẩm quyền"])
    assert get_dossier_now(services, dossier.id).status is DossierStatus.NOT_RECEIVED
    text = _text(step.form_path)
    assert "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ" in text
    assert "1. Hồ sơ không thuộc thẩm quyền" in text
    messages = _messages(services, dossier.id)
    assert [k for k, _ in messages] == ["dossier.status_changed", "dossier.refused"]
    assert messages[1][1]["details"] == {"reasons": ["Hồ sơ không thuộc thẩm quyền"]}


def test_a_refused_dossier_takes_no_further_step(counter, dossier) -> None:
    lifecycle.refuse(counter, dossier.id, ["Không đủ điều kiện"])
    with pytest.raises(BadInput) as caught:
        lifecycle.stop(counter, dossier.id)
    assert caught.value.code == "lifecycle.not_allowed"


def test_an_extension_sets_the_new_appointment_and_prints_the_apology(
    services, counter, dossier
) -> None:
    new_due = _vn(2026, 3, 24, 16, 0)
    step = lifecycle.extend(
        counter, dossier.id, "Cần xác minh thêm", new_due, at=_vn(2026, 3, 17, 10, 0)
    )
    stored = get_dossier_now(services, dossier.id)
    assert stored.due_at == new_due and stored.status is DossierStatus.RECEIVED
    text = _text(step.form_path)
    assert "Cần xác minh thêm" in text and "16 giờ 00 phút, ngày 24/03/2026" in text
    messages = _messages(services, dossier.id)
    assert [k for k, _ in messages] == ["dossier.extended"]
    assert messages[0][1]["due_at"] == "20260324160000"


def test_an_extension_to_an_earlier_day_is_refused_and_changes_nothing(
    services, counter, dossier, folders
) -> None:
    with pytest.raises(BadInput) as caught:
        lifecycle.extend(counter, dossier.id, "Lý do", clock.local(dossier.due_at) - timedelta(1))
    assert caught.value.code == "lifecycle.new_due_not_later"
    assert get_dossier_now(services, dossier.id).due_at == dossier.due_at
    assert _messages(services, dossier.id) == []
    assert not list((folders.data / "forms").glob("*.pdf"))


def test_stopping_at_the_applicants_request_marks_it_withdrawn(services, counter, dossier) -> None:
    step = lifecycle.stop(counter, dossier.id, "Người nộp rút hồ sơ")
    assert get_dossier_now(services, dossier.id).status is DossierStatus.WITHDRAWN
    assert "THÔNG BÁO DỪNG GIẢI QUYẾT HỒ SƠ" in _text(step.form_path)
    assert [k for k, _ in _messages(services, dossier.id)] == [
        "dossier.status_changed",
        "dossier.stopped",
    ]


def test_the_control_slip_is_kept_as_a_step_without_a_message(services, counter, dossier) -> None:
    step = lifecycle.print_control_slip(counter, dossier.id)
    assert "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ" in _text(step.form_path)
    assert [e.kind for e in lifecycle.history(services.database, dossier.id)] == [
        EventKind.CONTROL_SLIP
    ]
    assert _messages(services, dossier.id) == []


def test_the_register_lists_the_dossiers_of_the_range(counter, dossier) -> None:
    day = clock.local(RECEIVED).date()
    path = lifecycle.print_register(counter, day, day)
    text = _text(path)
    assert "SỔ THEO DÕI HỒ SƠ" in text and dossier.code in text and "Tổng số: 1 hồ sơ" in text


def test_a_refused_transaction_leaves_no_event_no_message_and_no_form(
    services, counter, dossier, folders
) -> None:
    database = UnreliableDatabase(services.database)
    database.refuse()
    reading = database.reading
    database.reading = services.database.reading  # reads pass; the write is refused
    failing = replace(counter, database=database)
    with pytest.raises(StoreError):
        lifecycle.refuse(failing, dossier.id, ["Không đủ điều kiện"])
    database.reading = reading
    assert get_dossier_now(services, dossier.id).status is DossierStatus.RECEIVED
    assert lifecycle.history(services.database, dossier.id) == []
    assert _messages(services, dossier.id) == []
    assert not list((folders.data / "forms").glob("*.pdf"))


def test_a_supplement_asked_for_when_the_dossier_was_already_late_stops_no_clock(
    services, counter, dossier
) -> None:
    late = clock.local(dossier.due_at) + timedelta(days=2)
    lifecycle.request_supplement(counter, dossier.id, [SupplementItem("Giấy tờ", "Thiếu")], at=late)
    lifecycle.receive_supplement(counter, dossier.id, at=late + timedelta(days=1))
    assert get_dossier_now(services, dossier.id).due_at == dossier.due_at


@pytest.fixture
def counter_with_blobs(services, folders) -> lifecycle.Counter:
    return lifecycle.Counter.of(
        services.database, services.catalogue, services.settings, folders.data, blobs=services.blobs
    )


def _documents(services, dossier_id: str) -> list:
    return [d for c in get_dossier_now(services, dossier_id).components for d in c.documents]


def test_the_supplements_papers_join_the_same_dossier_with_the_step_and_their_messages(
    services, counter_with_blobs, dossier, sample_page
) -> None:
    counter = counter_with_blobs
    items = [SupplementItem("Giấy đề nghị", "Thiếu chữ ký")]
    lifecycle.request_supplement(counter, dossier.id, items, at=_vn(2026, 3, 13, 9, 0))
    back = lifecycle.receive_supplement(
        counter, dossier.id, at=_vn(2026, 3, 16, 9, 0), files={"1": [sample_page]}
    )
    [document] = _documents(services, dossier.id)
    assert document.page_count == 1
    assert get_dossier_now(services, dossier.id).status is DossierStatus.RECEIVED
    assert back.event is not None
    assert back.event.details["documents"] == [
        {"component": "1", "document_id": document.id, "pages": 1}
    ]
    messages = _messages(services, dossier.id)
    assert [k for k, _ in messages][-3:] == [
        "document.added",
        "dossier.status_changed",
        "dossier.supplement_received",
    ]
    assert messages[-3][1]["document"]["id"] == document.id


def test_a_supplement_for_a_component_the_dossier_lacks_changes_nothing(
    services, counter_with_blobs, dossier, sample_page
) -> None:
    counter = counter_with_blobs
    items = [SupplementItem("Giấy đề nghị", "Thiếu chữ ký")]
    lifecycle.request_supplement(counter, dossier.id, items, at=_vn(2026, 3, 13, 9, 0))
    before = _messages(services, dossier.id)
    with pytest.raises(BadInput) as caught:
        lifecycle.receive_supplement(
            counter, dossier.id, at=_vn(2026, 3, 16, 9, 0), files={"9": [sample_page]}
        )
    assert caught.value.code == "document.component_not_found"
    stored = get_dossier_now(services, dossier.id)
    assert stored.status is DossierStatus.SUPPLEMENT_REQUESTED
    assert _documents(services, dossier.id) == []
    assert _messages(services, dossier.id) == before
    assert not list(counter.forms_folder.glob("*-receipt-*.pdf"))


def test_a_supplement_file_that_cannot_be_read_is_refused_before_anything_is_written(
    services, counter_with_blobs, dossier, tmp_path
) -> None:
    counter = counter_with_blobs
    items = [SupplementItem("Giấy đề nghị", "Thiếu chữ ký")]
    lifecycle.request_supplement(counter, dossier.id, items, at=_vn(2026, 3, 13, 9, 0))
    broken = tmp_path / "scan.pdf"
    broken.write_bytes(b"%PDF-1.7 broken")
    with pytest.raises(BadInput):
        lifecycle.receive_supplement(counter, dossier.id, files={"1": [broken]})
    assert get_dossier_now(services, dossier.id).status is DossierStatus.SUPPLEMENT_REQUESTED
    assert _documents(services, dossier.id) == []
