"""Receiving against the checklist: every component, page counts, code, due date and fees."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

import pytest

from workstation.domain import Applicant, ApplicantType, Channel, DigitisationStatus
from workstation.domain.clock import VIETNAM
from workstation.domain.codes import format_for, load_formats
from workstation.errors import BadInput, ConfigError, NotFound, StoreError
from workstation.intake.receive import (
    ChecklistRequest,
    CodeIssuer,
    ComponentReceipt,
    NewDossier,
    page_warnings,
    receive_dossier,
)
from workstation.store.dossiers import count_dossiers, find_dossier, list_dossiers
from workstation.store.outbox import pending

pytestmark = pytest.mark.integration

MONDAY = datetime(2026, 11, 2, 9, 30, tzinfo=VIETNAM)
CITIZEN = Applicant(name="Nguyễn Thị Hồng Nhung", type=ApplicantType.CITIZEN)


def business_household(page, **changes) -> ChecklistRequest:
    request = ChecklistRequest(
        procedure_code="2.000575",
        applicant=CITIZEN,
        components=(
            ComponentReceipt("GDN", (page,), paper_pages=1),
            ComponentReceipt("CCCD", (), paper_pages=1),  # scanned later
        ),
        received_at=MONDAY,
    )
    return ChecklistRequest(**{**request.__dict__, **changes})


def receive(services, request, issuer=True):
    issuer = CodeIssuer.from_settings(services.settings) if issuer else None
    return receive_dossier(
        services.database, services.blobs, services.catalogue, request, issuer=issuer
    )


def assert_nothing_saved(services) -> None:
    with services.database.reading() as session:
        assert count_dossiers(session) == 0
        assert pending(session) == []


def test_dossier_gets_every_component_of_the_checklist_with_its_page_count(
    services, sample_page
) -> None:
    dossier = receive(services, business_household(sample_page))
    with services.database.reading() as session:
        stored = find_dossier(session, dossier.code)
    assert [c.requirement_code for c in stored.components] == ["GDN", "CCCD", "HDTN"]
    form, card, lease = stored.components
    assert (form.paper_pages, form.image_count, form.digitisation) == (
        1,
        1,
        DigitisationStatus.DIGITISED,
    )
    assert (card.paper_pages, card.documents, card.certified_copies) == (1, (), 1)
    assert card.digitisation == DigitisationStatus.NOT_DIGITISED
    assert (lease.paper_pages, lease.photocopies) == (0, 0)  # optional, not presented


def test_receipt_issues_the_code_due_date_and_fees_in_the_saving_transaction(
    services, sample_page
) -> None:
    dossier = receive(services, business_household(sample_page))
    code_format = format_for(load_formats(), MONDAY.date())
    assert code_format.matches(dossier.code)
    assert dossier.code.startswith(services.settings.agency_code + "-261102-")
    # 3 working days from Monday 09:30: Thursday at the same time.
    assert dossier.due_at == datetime(2026, 11, 5, 9, 30, tzinfo=VIETNAM)
    assert (dossier.fee, dossier.charge, dossier.fee_paid) == (100_000, 0, False)
    with services.database.reading() as session:
        stored = find_dossier(session, dossier.code)
        payload = pending(session)[0].payload
        listed = list_dossiers(session, search=dossier.code)
    assert (stored.due_at, stored.fee, stored.charge) == (dossier.due_at, 100_000, 0)
    assert payload["code"] == dossier.code
    assert payload["due_at"] == "20261105093000" and payload["fee"] == 100_000
    assert payload["components"][0]["paper_pages"] == 1
    assert [s.code for s in listed] == [dossier.code]


def test_online_dossier_pays_the_reduced_fee(services, sample_page) -> None:
    dossier = receive(services, business_household(sample_page, channel=Channel.ONLINE))
    assert dossier.fee == 50_000  # the province's online reduction (illustrative 50 %)


def test_codes_of_one_day_follow_each_other_and_a_refused_write_gives_its_number_back(
    services, sample_page
) -> None:
    first = receive(services, business_household(sample_page))
    with services.database.engine.begin() as connection:
        connection.exec_driver_sql(
            "CREATE TRIGGER refuse_outbox BEFORE INSERT ON outbox "
            "BEGIN SELECT RAISE(ABORT, 'refused'); END"
        )
    with pytest.raises(StoreError):
        receive(services, business_household(sample_page))
    with services.database.engine.begin() as connection:
        connection.exec_driver_sql("DROP TRIGGER refuse_outbox")
    second = receive(services, business_household(sample_page))
    numbers = [int(re.search(r"(\d+)$", d.code).group(1)) for d in (first, second)]
    assert numbers[1] == numbers[0] + 1


def test_classic_format_by_configuration_uses_the_classic_agency_code(
    services, sample_page
) -> None:
    services.settings = services.settings.replace(dossier_code_format="classic")
    dossier = receive(services, business_household(sample_page))
    assert re.fullmatch(r"000\.00\.01\.H99-261102-\d{4}", dossier.code)


def test_an_agency_code_the_format_cannot_carry_stops_with_a_configuration_error(
    services, sample_page
) -> None:
    services.settings = services.settings.replace(agency_code="not a code")
    with pytest.raises(ConfigError) as caught:
        receive(services, business_household(sample_page))
    assert caught.value.code == "codes.bad_agency_code"
    assert_nothing_saved(services)


def test_missing_mandatory_component_is_refused_naming_it(services, sample_page) -> None:
    request = business_household(
        sample_page, components=(ComponentReceipt("GDN", (sample_page,), 1),)
    )
    with pytest.raises(BadInput) as caught:
        receive(services, request)
    assert caught.value.code == "receive.missing_component"
    assert "Bản sao giấy tờ pháp lý của chủ hộ kinh doanh" in caught.value.user_message()
    assert_nothing_saved(services)
    assert list(services.blobs.names()) == []  # refused before any file was stored


def test_component_with_zero_pages_and_no_file_is_not_presented(services, sample_page) -> None:
    request = business_household(
        sample_page,
        components=(ComponentReceipt("GDN", (sample_page,), 1), ComponentReceipt("CCCD", (), 0)),
    )
    with pytest.raises(BadInput) as caught:
        receive(services, request)
    assert caught.value.code == "receive.missing_component"


@pytest.mark.parametrize(
    ("components", "code"),
    [
        (
            (ComponentReceipt("GDN", (), -1), ComponentReceipt("CCCD", (), 1)),
            "receive.bad_page_count",
        ),
        (
            (ComponentReceipt("GDN", (), 1), ComponentReceipt("GDN", (), 1)),
            "receive.component_twice",
        ),
        ((ComponentReceipt("XYZ", (), 1),), "dossier.unknown_component"),
    ],
)
def test_impossible_checklists_are_refused(services, sample_page, components, code) -> None:
    with pytest.raises(BadInput) as caught:
        receive(services, business_household(sample_page, components=components))
    assert caught.value.code == code
    assert_nothing_saved(services)


def test_a_fee_case_the_procedure_does_not_know_is_refused(services, sample_page) -> None:
    with pytest.raises(BadInput) as caught:
        receive(services, business_household(sample_page, cases=("martian",)))
    assert caught.value.code == "receive.unknown_case"


def test_procedure_not_in_force_on_the_receipt_date_is_refused(services, sample_page) -> None:
    old = datetime(2025, 3, 3, 9, 0, tzinfo=VIETNAM)
    with pytest.raises(NotFound) as caught:
        receive(services, business_household(sample_page, received_at=old))
    assert caught.value.code == "catalogue.procedure_not_found"
    assert "03/03/2025" in caught.value.user_message()
    assert_nothing_saved(services)


def test_a_receipt_time_in_the_future_is_refused(services, sample_page) -> None:
    later = datetime.now(VIETNAM) + timedelta(days=2)
    with pytest.raises(BadInput) as caught:
        receive(services, business_household(sample_page, received_at=later))
    assert caught.value.code == "receive.received_in_future"
    assert_nothing_saved(services)


def test_images_not_matching_paper_pages_warn_at_the_component(services, sample_page) -> None:
    request = business_household(
        sample_page,
        components=(
            ComponentReceipt("GDN", (sample_page, sample_page), 1),  # a sticky note: 2 images
            ComponentReceipt("CCCD", (), 1),
        ),
    )
    dossier = receive(services, request)
    [warning] = page_warnings(dossier)
    assert warning.field == "component.GDN"
    assert "2 ảnh trang cho 1 trang giấy" in warning.message("vi")
    assert "Giấy đề nghị đăng ký hộ kinh doanh" in warning.message("en")
    matching = receive(services, business_household(sample_page))
    assert page_warnings(matching) == []


def test_the_single_component_request_still_files_under_one_component(
    services, sample_page
) -> None:
    request = NewDossier("1.001193", CITIZEN, [sample_page], received_at=MONDAY)
    dossier = receive(services, request)
    assert [c.requirement_code for c in dossier.components] == ["TK"]
    assert dossier.code is not None and dossier.due_at is not None
    assert receive(services, request, issuer=False).code is None


def test_workstation_slot_from_the_environment_picks_its_own_stripe(
    monkeypatch, folders, sample_page
) -> None:
    from workstation.config import load_settings
    from workstation.services import open_services

    monkeypatch.setenv("WORKSTATION_WORKSTATION_SLOT", "3")
    services = open_services(load_settings(folders), folders)
    try:
        dossier = receive(services, business_household(sample_page))
    finally:
        services.close()
    first, _ = format_for(load_formats(), MONDAY.date()).sequence.stripe(3)
    assert dossier.code.endswith(f"-01{first:04d}")


def test_a_slot_below_one_is_refused_as_configuration(monkeypatch, folders) -> None:
    from workstation.config import load_settings

    monkeypatch.setenv("WORKSTATION_WORKSTATION_SLOT", "0")
    with pytest.raises(ConfigError) as caught:
        load_settings(folders)
    assert caught.value.params["name"] == "workstation_slot"


def test_dossier_add_records_paper_pages_and_fee_cases_and_warns_on_a_mismatch(
    capsys, sample_page
) -> None:
    import json

    from workstation.cli import main

    argv = ["dossier", "add", "--procedure", "1.004222", "--applicant-name", "Mai Văn Phúc",
            "--component", "CT01", "--file", str(sample_page), "--paper-pages", "2",
            "--case", "poor_household", "--json"]  # fmt: skip
    assert main(argv) == 0
    added = json.loads(capsys.readouterr().out)
    assert added["fee"] == 0 and added["code"]
    assert [w["code"] for w in added["warnings"]] == ["receive.page_count_mismatch"]
    assert added["components"][0]["paper_pages"] == 2
    assert main([*argv[:-3], "--case", "martian"]) == 3
    assert "no fee reduction for martian" in capsys.readouterr().err
