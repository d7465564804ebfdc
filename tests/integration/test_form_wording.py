"""The wording each of forms 01–07 must carry (DOMAIN.md, Circular 03/2025 Annex I), read
back from the produced PDF with poppler's ``pdftotext``."""

from __future__ import annotations

import subprocess
from datetime import date, datetime
from pathlib import Path

import pytest

from workstation.domain import clock
from workstation.forms.model import (
    Agency,
    Apology,
    ComponentLine,
    ControlSlip,
    Handover,
    HandoverResult,
    Person,
    ProcessingTime,
    Receipt,
    Refusal,
    Register,
    RegisterLine,
    StopNotice,
    SupplementItem,
    SupplementRequest,
)
from workstation.forms.render import render_pdf

pytestmark = pytest.mark.integration

AGENCY = Agency("Bộ phận Một cửa UBND phường Ba Đình", "UBND thành phố Hà Nội", "Hà Nội")
CODE = "H01.123.45-261027-000361"
DAY = date(2026, 10, 27)
RECEIVED = datetime(2026, 10, 27, 9, 32, tzinfo=clock.VIETNAM)
DUE = datetime(2026, 11, 3, 9, 32, tzinfo=clock.VIETNAM)
CITIZEN = Person(
    "Nguyễn Thị Ánh Tuyết",
    "Số 12 ngõ 34 phố Đội Cấn, Ba Đình, Hà Nội",
    "0912345678",
    "tuyet@example.vn",
    "001185012345",
)
OWNER = Person("Trần Văn Bình", "Thôn Đông, xã Tây Phương, Hà Nội")
PROCEDURE = "Đăng ký thành lập hộ kinh doanh"
HEADER = (
    "UBND THÀNH PHỐ HÀ NỘI",
    "BỘ PHẬN MỘT CỬA UBND PHƯỜNG BA ĐÌNH",
    "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
    "Độc lập - Tự do - Hạnh phúc",
    "Hà Nội, ngày 27 tháng 10 năm 2026",
)


def _text(form, tmp_path: Path) -> str:
    path = tmp_path / "form.pdf"
    render_pdf(form, path)
    out = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, check=True, text=True)
    return " ".join(out.stdout.split())


def _has(text: str, *expected: str) -> None:
    missing = [e for e in expected if e not in text]
    assert not missing, missing


def test_form_01_receipt_carries_every_field_the_counter_prints(tmp_path):
    receipt = Receipt(
        agency=AGENCY,
        code=CODE,
        issued_on=DAY,
        applicant=CITIZEN,
        owner=OWNER,
        procedure_name=PROCEDURE,
        components=(ComponentLine("Giấy đề nghị", 1, 0, 2),),
        received_at=RECEIVED,
        processing_time=ProcessingTime(3, "working_days"),
        due_at=DUE,
        sets=1,
        fee_method="Chuyển khoản",
        collect_at="Bộ phận Một cửa",
        officer_name="Lê Văn Lương",
    )
    _has(
        _text(receipt, tmp_path),
        *HEADER,
        "Mẫu số 01",
        "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ",
        f"Mã hồ sơ: {CODE}",
        "Ông/Bà/Tổ chức: Nguyễn Thị Ánh Tuyết",
        "Địa chỉ: Số 12 ngõ 34 phố Đội Cấn, Ba Đình, Hà Nội",
        "Số điện thoại: 0912345678",
        "Thư điện tử: tuyet@example.vn",
        "Số định danh cá nhân/mã số: 001185012345",
        f"Nội dung yêu cầu giải quyết: {PROCEDURE}",
        "Chủ hồ sơ: Trần Văn Bình",
        "Địa chỉ chủ hồ sơ: Thôn Đông, xã Tây Phương, Hà Nội",
        "Hình thức nộp phí, lệ phí: Chuyển khoản",
        "Tên giấy tờ",
        "Bản chính",
        "Bản sao chứng",  # the header cell wraps; pdftotext reads its lines apart
        "Bản photo",
        "Giấy đề nghị",
        "1 0 2",
        "Số lượng hồ sơ: 1 bộ",
        "3 ngày làm việc",
        "Thời gian nhận hồ sơ: 09 giờ 32 phút, ngày 27/10/2026",
        "Thời gian trả kết quả giải quyết hồ sơ: 09 giờ 32 phút, ngày 03/11/2026",
        "Đăng ký nhận kết quả tại: Bộ phận Một cửa",
        "NGƯỜI NỘP HỒ SƠ",
        "NGƯỜI TIẾP NHẬN HỒ SƠ",
    )


def test_form_02_asks_once_for_every_item_with_its_reason(tmp_path):
    form = SupplementRequest(
        AGENCY,
        CODE,
        DAY,
        CITIZEN,
        PROCEDURE,
        (
            SupplementItem("Bản sao hợp đồng thuê nhà", "Thiếu chữ ký bên cho thuê"),
            SupplementItem("Giấy đề nghị", "Ghi sai ngành nghề"),
        ),
        RECEIVED,
    )
    _has(
        _text(form, tmp_path),
        *HEADER,
        "Mẫu số 02",
        "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ",
        "Nội dung cần bổ sung, hoàn thiện",
        "Lý do",
        "1 Bản sao hợp đồng thuê nhà Thiếu chữ ký bên cho thuê",
        "2 Giấy đề nghị Ghi sai ngành nghề",
        "được nêu đầy đủ một lần",
    )


def test_form_03_refuses_with_its_reasons(tmp_path):
    form = Refusal(
        AGENCY, CODE, DAY, CITIZEN, PROCEDURE, ("Không thuộc thẩm quyền", "Hồ sơ giả mạo")
    )
    _has(
        _text(form, tmp_path),
        *HEADER,
        "Mẫu số 03",
        "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ",
        "từ chối tiếp nhận, giải quyết hồ sơ này vì lý do sau",
        "1. Không thuộc thẩm quyền",
        "2. Hồ sơ giả mạo",
    )


def test_form_04_is_the_apology_and_extension_with_reason_and_new_appointment(tmp_path):
    new_due = datetime(2026, 11, 10, 14, 0, tzinfo=clock.VIETNAM)
    form = Apology(
        AGENCY, CODE, DAY, CITIZEN, PROCEDURE, RECEIVED, "Cần xác minh thêm", new_due, DUE
    )
    _has(
        _text(form, tmp_path),
        *HEADER,
        "Mẫu số 04",
        "VĂN BẢN XIN LỖI VÀ ĐỀ NGHỊ GIA HẠN THỜI GIAN GIẢI QUYẾT",
        "xin lỗi ông/bà",
        "gia hạn thời gian giải quyết",
        "Cần xác minh thêm",
        "Thời gian hẹn trả kết quả giải quyết hồ sơ: 09 giờ 32 phút, ngày 03/11/2026",
        "Thời gian trả kết quả: 14 giờ 00 phút, ngày 10/11/2026",
    )


def test_form_05_stops_handling_at_the_applicants_request(tmp_path):
    form = StopNotice(AGENCY, CODE, DAY, CITIZEN, PROCEDURE, RECEIVED)
    _has(
        _text(form, tmp_path),
        *HEADER,
        "Mẫu số 05",
        "THÔNG BÁO DỪNG GIẢI QUYẾT HỒ SƠ",
        "Theo đề nghị của ông/bà",
        "dừng giải quyết hồ sơ",
    )


def test_form_06_has_the_control_columns_and_a_giver_and_receiver_per_hand_over(tmp_path):
    handovers = (
        Handover("Bộ phận Một cửa", "Lê Văn Lương", "Phạm Thu", RECEIVED, HandoverResult.EARLY),
        Handover(),
    )
    form = ControlSlip(AGENCY, CODE, DAY, CITIZEN, PROCEDURE, RECEIVED, handovers, DUE)
    text = _text(form, tmp_path)
    _has(
        text,
        *HEADER,
        "Mẫu số 06",
        "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ",
        "TÊN CƠ QUAN",
        "THỜI GIAN GIAO, NHẬN HỒ SƠ",
        "KẾT QUẢ GIẢI QUYẾT HỒ SƠ (trước hạn/đúng hạn/quá hạn)",
        "GHI CHÚ",
        "Người giao: Lê Văn Lương",
        "Người nhận: Phạm Thu",
        "Trước hạn",
    )
    assert text.count("Người giao") == text.count("Người nhận") == len(handovers)


def test_form_07_is_the_register_of_a_period(tmp_path):
    line = RegisterLine(CODE, PROCEDURE, CITIZEN.name, RECEIVED, "Đã tiếp nhận", DUE)
    form = Register(AGENCY, DAY, DAY, DAY, (line,))
    _has(
        _text(form, tmp_path),
        "Mẫu số 07",
        "SỔ THEO DÕI HỒ SƠ",
        "Từ ngày 27/10/2026 đến ngày 27/10/2026",
        "Mã hồ sơ",
        "Tên thủ tục",
        CODE,
        "Tổng số: 1 hồ sơ",
    )
