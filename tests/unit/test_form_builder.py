"""Filling forms from a dossier: what each form needs, and times in Vietnam's zone."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from workstation.domain import Applicant, Dossier
from workstation.domain.catalogue import load_catalogue
from workstation.domain.dossier import Component, DossierStatus, DossierSummary
from workstation.errors import BadInput
from workstation.forms import build
from workstation.forms.model import Agency, SupplementItem
from workstation.forms.render import render_pdf
from workstation.forms.sheet import status_address
from workstation.forms.texts import texts_for
from workstation.paths import resources_dir

AGENCY = Agency("Bộ phận Một cửa UBND xã Ẩm Hạ", place="Hà Giang", status_url="https://x/?ma=")
RECEIVED = datetime(2026, 3, 5, 8, 45, tzinfo=UTC)  # 15:45 in Vietnam


@pytest.fixture(scope="module")
def catalogue():
    return load_catalogue(resources_dir() / "catalogue" / "procedures.json")


def _dossier(code: str | None = "000.00.06.H56-260305-0001") -> Dossier:
    return Dossier(
        procedure_code="1.001193",
        applicant=Applicant(name="Lò Thị Mỷ"),
        received_at=RECEIVED,
        code=code,
        components=(Component(name="Tờ khai", originals=1, photocopies=2),),
    )


@pytest.mark.parametrize(
    "make",
    [
        lambda d, c: build.receipt(d, c, AGENCY),
        lambda d, c: build.apology(d, c, AGENCY, "Chờ xác minh", datetime(2026, 3, 9, 9, 0)),
        lambda d, c: build.stop_notice(d, c, AGENCY),
        lambda d, c: build.control_slip(d, c, AGENCY),
    ],
    ids=["receipt", "apology", "withdrawal", "control-slip"],
)
def test_forms_that_carry_the_code_refuse_a_dossier_without_one(make, catalogue) -> None:
    with pytest.raises(BadInput) as caught:
        make(_dossier(code=None), catalogue)
    assert caught.value.code == "forms.no_code"
    assert caught.value.user_message("en").startswith("The dossier has no code yet")


def test_receipt_prints_times_in_vietnam_and_the_procedures_time_limit(catalogue) -> None:
    receipt = build.receipt(_dossier(), catalogue, AGENCY, "Vàng A Sử")
    assert (receipt.received_at.hour, receipt.received_at.minute) == (15, 45)
    assert receipt.issued_on == date(2026, 3, 5)
    assert receipt.processing_time is not None and receipt.processing_time.unit == "same_day"
    assert receipt.components[0].photocopies == 2
    assert receipt.owner == receipt.applicant
    assert receipt.due_at is None  # not stored yet: printed blank for the pen


def test_a_moment_is_worded_as_the_receipt_prints_it() -> None:
    texts = texts_for("receipt", date(2026, 3, 5))
    moment = datetime(2023, 10, 27, 9, 32)
    assert texts.moment(moment) == "09 giờ 32 phút, ngày 27/10/2023"
    assert texts.moment(None) == texts["blank"]
    assert texts.date_line("Hà Giang", date(2026, 3, 5)) == "Hà Giang, ngày 05 tháng 03 năm 2026"


def test_forms_before_the_circular_took_effect_have_no_texts() -> None:
    with pytest.raises(BadInput) as caught:
        texts_for("receipt", date(2024, 12, 31))
    assert caught.value.code == "forms.no_texts"


def test_a_supplement_request_lists_at_least_one_item(catalogue) -> None:
    with pytest.raises(BadInput) as caught:
        build.supplement_request(_dossier(), catalogue, AGENCY, [])
    assert caught.value.code == "forms.no_items"


def test_an_apology_appointment_before_the_receipt_is_refused(catalogue) -> None:
    with pytest.raises(BadInput) as caught:
        build.apology(_dossier(), catalogue, AGENCY, "Chờ", datetime(2026, 3, 1, 9, 0))
    assert caught.value.code == "forms.new_due_too_early"


def test_a_register_period_that_ends_before_it_starts_is_refused(catalogue) -> None:
    with pytest.raises(BadInput) as caught:
        build.register([], catalogue, AGENCY, date(2026, 3, 5), date(2026, 3, 4))
    assert caught.value.code == "forms.bad_period"


def test_register_names_a_dossier_without_code_by_its_short_number(catalogue) -> None:
    summary = DossierSummary(
        id="x",
        code=None,
        procedure_code="9.999999",
        applicant_name="Lò Thị Mỷ",
        status=DossierStatus.RECEIVED,
        received_at=RECEIVED,
        component_count=1,
        number=42,
    )
    register = build.register([summary], catalogue, AGENCY, date(2026, 3, 5), date(2026, 3, 5))
    (line,) = register.lines
    assert line.reference == "#000042"
    assert line.procedure_name == "9.999999"  # unknown to the catalogue: its code stands in
    assert line.status == "Đã tiếp nhận"


def test_the_qr_code_address_takes_the_code_where_the_setting_says() -> None:
    code = "H56.123.01-260305-000001"
    assert status_address(AGENCY, code) == "https://x/?ma=" + code
    placed = Agency("A", status_url="https://x/ho-so/{code}/trang-thai")
    assert status_address(placed, code) == f"https://x/ho-so/{code}/trang-thai"
    assert status_address(Agency("A"), code) == code


def test_a_long_supplement_request_runs_on_with_its_table_heading_repeated(
    catalogue, tmp_path
) -> None:
    from pypdf import PdfReader

    items = [SupplementItem(f"Giấy tờ số {i}", "Bản sao chưa chứng thực") for i in range(60)]
    form = build.supplement_request(_dossier(), catalogue, AGENCY, items, on=date(2026, 3, 5))
    render_pdf(form, tmp_path / "long.pdf")
    pages = PdfReader(tmp_path / "long.pdf").pages
    assert len(pages) >= 2
    second = pages[1].extract_text()
    assert (
        "Nội dung cần bổ sung, hoàn thiện" in second and "Giấy tờ số 59" in pages[-1].extract_text()
    )
