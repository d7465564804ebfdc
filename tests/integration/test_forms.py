"""Forms 01–07 written by ``workstation form``, read back as a citizen's scanner would.

Every printed field is read back with poppler's ``pdftotext``, the Code 39 and
QR symbols are decoded by zxing-cpp from the page rasterised by ``pdftoppm``,
and ``pdffonts`` shows the font embedded as a subset.
"""

from __future__ import annotations

import json
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pytest
import zxingcpp
from PIL import Image

from workstation.cli import main
from workstation.domain import Applicant, CollectionMethod, Dossier
from workstation.domain.dossier import Component
from workstation.store.dossiers import add_dossier
from workstation.store.outbox import MessageKind, enqueue

pytestmark = pytest.mark.integration

CODE = "000.00.06.H56-261027-0361"
URL = "https://dichvucong.example.vn/tra-cuu?ma="
RECEIVED = datetime(2026, 10, 27, 2, 32, tzinfo=UTC)  # 09:32 in Vietnam
APPLICANT = Applicant(
    name="Nguyễn Thị Ánh Tuyết",
    id_number="001185012345",
    address="Số 12 ngõ 34 phố Đội Cấn, Ba Đình, Hà Nội",
    phone="0912345678",
    email="tuyet@example.vn",
)


def _components() -> tuple[Component, ...]:
    return (
        Component(name="Tờ khai đăng ký khai sinh", originals=1),
        Component(name="Giấy chứng sinh", originals=2, certified_copies=3, photocopies=4),
    )


@pytest.fixture(autouse=True)
def agency(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WORKSTATION_AGENCY_NAME", "Bộ phận Một cửa UBND phường Ba Đình")
    monkeypatch.setenv("WORKSTATION_AGENCY_PARENT", "UBND thành phố Hà Nội")
    monkeypatch.setenv("WORKSTATION_AGENCY_PLACE", "Hà Nội")
    monkeypatch.setenv("WORKSTATION_STATUS_LOOKUP_URL", URL)


def _store(
    services, code: str | None = CODE, received_at: datetime = RECEIVED, **assessed
) -> Dossier:
    """A dossier saved as receiving saves it, with ``code`` as if it had been issued
    and ``assessed`` (due_at, fee, charge) as receiving computed them."""
    dossier = Dossier(
        procedure_code="1.001193",
        applicant=APPLICANT,
        received_at=received_at,
        code=code,
        components=_components(),
        **assessed,
    )
    with services.database.transaction() as session:
        saved = add_dossier(session, dossier)
        enqueue(session, MessageKind.DOSSIER_CREATED, saved.id, {"id": saved.id})
    return saved


def _form(capsys, *argv: str) -> tuple[int, dict]:
    code = main(["form", *argv, "--json"])
    out = capsys.readouterr().out
    return code, json.loads(out)


def _text(pdf: Path) -> str:
    """The PDF's text with white space collapsed (lines wrap where the layout needs)."""
    out = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, check=True, text=True)
    return " ".join(out.stdout.split())


def _symbols(pdf: Path, tmp_path: Path) -> dict[str, str]:
    """Format name → text of every barcode zxing-cpp finds on page 1 at 300 dpi."""
    prefix = tmp_path / "page"
    subprocess.run(
        ["pdftoppm", "-r", "300", "-gray", "-png", "-f", "1", "-l", "1", str(pdf), str(prefix)],
        check=True,
    )
    (image,) = tmp_path.glob("page*.png")
    return {str(b.format): b.text for b in zxingcpp.read_barcodes(Image.open(image))}


def test_receipt_prints_every_field_of_the_dossier(services, capsys, tmp_path) -> None:
    dossier = _store(services)
    out = tmp_path / "receipt.pdf"
    code, report = _form(capsys, "receipt", CODE, "-o", str(out), "--officer", "Lê Văn Lương")
    assert code == 0
    assert report["code"] == CODE and report["dossier"] == dossier.id
    text = _text(out)
    for expected in (
        "UBND THÀNH PHỐ HÀ NỘI",
        "BỘ PHẬN MỘT CỬA UBND PHƯỜNG BA ĐÌNH",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        f"Mã hồ sơ: {CODE}",
        "Hà Nội, ngày 27 tháng 10 năm 2026",
        "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ",
        "Ông/Bà/Tổ chức: Nguyễn Thị Ánh Tuyết",
        "Địa chỉ: Số 12 ngõ 34 phố Đội Cấn, Ba Đình, Hà Nội",
        "Số điện thoại: 0912345678",
        "Thư điện tử: tuyet@example.vn",
        "Số định danh cá nhân/mã số: 001185012345",
        "Nội dung yêu cầu giải quyết: Đăng ký khai sinh",
        "Chủ hồ sơ: Nguyễn Thị Ánh Tuyết",
        "Hình thức nộp phí, lệ phí:",
        "1 Tờ khai đăng ký khai sinh 1 0 0",
        "2 Giấy chứng sinh 2 3 4",
        "Số lượng hồ sơ: 1 bộ",
        "Thời gian giải quyết hồ sơ theo quy định: Trong ngày",
        "Thời gian nhận hồ sơ: 09 giờ 32 phút, ngày 27/10/2026",
        "Thời gian trả kết quả giải quyết hồ sơ:",
        "Đăng ký nhận kết quả tại:",
        "NGƯỜI NỘP HỒ SƠ",
        "NGƯỜI TIẾP NHẬN HỒ SƠ",
        "Lê Văn Lương",
    ):
        assert expected in text, expected


def test_receipt_names_the_owner_apart_from_the_person_filing_and_where_to_collect(
    services, capsys, tmp_path
) -> None:
    owner = Applicant(name="Trần Văn Bình", address="Thôn Đông, xã Tây Phương, Hà Nội")
    _store(services, owner=owner, collection=CollectionMethod.POST)
    out = tmp_path / "receipt.pdf"
    assert _form(capsys, "receipt", CODE, "-o", str(out))[0] == 0
    text = _text(out)
    assert "Ông/Bà/Tổ chức: Nguyễn Thị Ánh Tuyết" in text
    assert "Chủ hồ sơ: Trần Văn Bình" in text
    assert "Địa chỉ chủ hồ sơ: Thôn Đông, xã Tây Phương, Hà Nội" in text
    assert "Đăng ký nhận kết quả tại: Qua dịch vụ bưu chính công ích" in text


def test_receipt_of_a_dossier_collected_at_the_counter_names_the_counter(
    services, capsys, tmp_path
) -> None:
    _store(services)
    out = tmp_path / "receipt.pdf"
    assert _form(capsys, "receipt", CODE, "-o", str(out))[0] == 0
    text = _text(out)
    assert "Đăng ký nhận kết quả tại: Trực tiếp tại Bộ phận Một cửa" in text
    assert "Chủ hồ sơ: Nguyễn Thị Ánh Tuyết" in text


def test_receipt_prints_the_due_date_and_the_fees_assessed_at_receipt(
    services, capsys, tmp_path
) -> None:
    due = datetime(2026, 11, 3, 2, 32, tzinfo=UTC)  # 09:32 in Vietnam
    _store(services, due_at=due, fee=8000, charge=12500)
    out = tmp_path / "receipt.pdf"
    assert _form(capsys, "receipt", CODE, "-o", str(out))[0] == 0
    text = _text(out)
    assert "Thời gian trả kết quả giải quyết hồ sơ: 09 giờ 32 phút, ngày 03/11/2026" in text
    assert "Lệ phí, phí phải nộp: lệ phí 8.000 đồng; phí 12.500 đồng" in text


def test_a_receipt_for_a_procedure_without_fees_says_none_is_collected(
    services, capsys, tmp_path
) -> None:
    _store(services, fee=0, charge=0)
    out = tmp_path / "receipt.pdf"
    assert _form(capsys, "receipt", CODE, "-o", str(out))[0] == 0
    assert "Lệ phí, phí phải nộp: không thu" in _text(out)


def test_receipt_barcode_and_qr_code_carry_the_dossier_code(services, capsys, tmp_path) -> None:
    _store(services)
    out = tmp_path / "receipt.pdf"
    assert _form(capsys, "receipt", CODE, "-o", str(out))[0] == 0
    symbols = _symbols(out, tmp_path)
    assert symbols["Code 39"] == CODE
    assert symbols["QR Code"] == URL + CODE


def test_forms_embed_a_subset_of_their_font(services, capsys, tmp_path) -> None:
    _store(services)
    out = tmp_path / "receipt.pdf"
    assert _form(capsys, "receipt", CODE, "-o", str(out))[0] == 0
    listing = subprocess.run(["pdffonts", str(out)], capture_output=True, text=True, check=True)
    rows = listing.stdout.splitlines()[2:]
    assert rows
    for row in rows:
        name, *_, emb, sub, _uni, _obj, _gen = row.split()
        assert "+" in name and (emb, sub) == ("yes", "yes"), row


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (
            [
                "supplement",
                "--item",
                "Giấy chứng sinh: bản sao chưa chứng thực",
                "--item",
                "Tờ khai: thiếu chữ ký người đi đăng ký",
            ],
            [
                "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ",
                "1 Giấy chứng sinh bản sao chưa chứng thực",
                "2 Tờ khai thiếu chữ ký người đi đăng ký",
            ],
        ),
        (
            ["refusal", "--reason", "Hồ sơ không thuộc thẩm quyền giải quyết của phường"],
            [
                "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ",
                "1. Hồ sơ không thuộc thẩm quyền giải quyết của phường",
            ],
        ),
        (
            [
                "apology",
                "--reason",
                "Cần xác minh thêm thông tin với cơ quan khác",
                "--new-due",
                "2026-11-05T14:00",
            ],
            [
                "VĂN BẢN XIN LỖI VÀ ĐỀ NGHỊ GIA HẠN THỜI GIAN GIẢI QUYẾT",
                "Ngày 27/10/2026",
                "Cần xác minh thêm thông tin với cơ quan khác",
                "Thời gian trả kết quả: 14 giờ 00 phút, ngày 05/11/2026",
            ],
        ),
        (
            ["withdrawal"],
            ["THÔNG BÁO DỪNG GIẢI QUYẾT HỒ SƠ", "Lý do: Theo đề nghị của người nộp hồ sơ"],
        ),
        (
            ["control-slip", "--officer", "Lê Văn Lương"],
            [
                "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ",
                "TÊN CƠ QUAN",
                "09 giờ 32 phút, ngày 27/10/2026 Người giao: Lê Văn Lương",
                "Trước hạn / Đúng hạn / Quá hạn",
            ],
        ),
    ],
    ids=["supplement", "refusal", "apology", "withdrawal", "control-slip"],
)
def test_each_form_prints_its_title_its_details_and_the_code(
    services, capsys, tmp_path, argv, expected
) -> None:
    _store(services)
    out = tmp_path / "form.pdf"
    code, report = _form(capsys, argv[0], CODE, "-o", str(out), *argv[1:])
    assert code == 0, report
    text = _text(out)
    for line in [*expected, "Nguyễn Thị Ánh Tuyết", "Đăng ký khai sinh"]:
        assert line in text, line
    assert _symbols(out, tmp_path)["Code 39"] == CODE


def test_receipt_of_a_dossier_without_a_code_is_refused(services, capsys, tmp_path) -> None:
    dossier = _store(services, code=None)
    out = tmp_path / "receipt.pdf"
    code, report = _form(capsys, "receipt", dossier.id, "-o", str(out))
    assert code == 3
    assert report["error"]["code"] == "forms.no_code"
    assert not out.exists()


def test_a_supplement_request_can_be_given_before_a_code_is_issued(
    services, capsys, tmp_path
) -> None:
    dossier = _store(services, code=None)
    out = tmp_path / "supplement.pdf"
    argv = ["supplement", f"#{dossier.number}", "-o", str(out), "--item", "Tờ khai: thiếu"]
    assert _form(capsys, *argv)[0] == 0
    assert "Mã hồ sơ" not in _text(out)
    assert _symbols(out, tmp_path) == {}


def test_a_supplement_item_without_its_reason_is_refused(services, capsys, tmp_path) -> None:
    _store(services)
    argv = ["supplement", CODE, "-o", str(tmp_path / "s.pdf"), "--item", "Tờ khai"]
    code, report = _form(capsys, *argv)
    assert code == 3
    assert report["error"]["code"] == "forms.item_unreadable"


def test_register_lists_the_dossiers_received_in_its_period_only(
    services, capsys, tmp_path
) -> None:
    _store(services)
    _store(
        services,
        code="000.00.06.H56-261028-0001",
        received_at=datetime(2026, 10, 28, 17, 30, tzinfo=UTC),
    )
    _store(services, code=None, received_at=datetime(2026, 10, 26, 3, 0, tzinfo=UTC))
    out = tmp_path / "register.pdf"
    code, report = _form(
        capsys, "register", "-o", str(out), "--from", "2026-10-27", "--to", "2026-10-28"
    )
    assert code == 0 and report["count"] == 1  # 17:30 UTC on the 28th is the 29th in Vietnam
    text = _text(out)
    assert "SỔ THEO DÕI HỒ SƠ" in text
    assert "Từ ngày 27/10/2026 đến ngày 28/10/2026" in text
    assert CODE in text and "Đã tiếp nhận" in text
    assert "261028-0001" not in text
    assert "Tổng số: 1 hồ sơ" in text


def test_a_form_printed_before_the_agency_is_set_warns_so(
    services, capsys, tmp_path, monkeypatch
) -> None:
    monkeypatch.delenv("WORKSTATION_AGENCY_NAME")
    _store(services)
    code, report = _form(capsys, "receipt", CODE, "-o", str(tmp_path / "r.pdf"))
    assert code == 0
    assert report["warnings"] == ["agency_name is not set: the form's header names no agency"]
