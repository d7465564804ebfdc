"""The on-behalf path by keyboard: receive, the citizen confirms, the payment code on both
screens, the rating; the citizen's screen shows one citizen only; a hand-over by barcode."""

from __future__ import annotations

import dataclasses
import subprocess
from pathlib import Path

import pytest
import zxingcpp
from PIL import Image
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from tests.fakes.printer import FakePrinter
from tests.integration.onbehalf_helpers import (
    OWNER_ID,
    assert_vietqr,
    payment_codes,
    printed_symbols,
    processed,
    received,
)
from workstation.domain import Channel, DossierStatus
from workstation.services import Services
from workstation.store.dossiers import get_dossier
from workstation.store.outbox import pending
from workstation.ui.intake.intake_view import IntakeView
from workstation.ui.onbehalf.handover_view import HandoverView

BUSINESS = "2.000575"  # business household: fee 100 000 đ, 50 % off online (sample catalogue)
CARD = f"{OWNER_ID}||Nguyễn Thị Hồng Nhung|24022001|Nữ|Số 5 Tràng Tiền, Hà Nội|31052021"


def press(qtbot, key, modifier=Qt.KeyboardModifier.NoModifier) -> None:
    widget = QApplication.focusWidget()
    assert widget is not None
    qtbot.keyClick(widget, key, modifier)


def decoded(pixmap, path: Path) -> list[str]:
    """What a banking app reads from a shown code: the pixmap saved and decoded by zxing-cpp."""
    assert pixmap is not None and not pixmap.isNull()
    assert pixmap.save(str(path), "PNG")
    return [b.text for b in zxingcpp.read_barcodes(Image.open(path))]


@pytest.fixture
def view(qtbot, services: Services) -> IntakeView:
    view = IntakeView(services)
    view.printer = FakePrinter()
    qtbot.addWidget(view)
    view.resize(1400, 950)
    view.show()
    qtbot.waitExposed(view)
    view.activateWindow()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is view.search.edit)
    return view


def test_receive_confirm_pay_and_rate_by_keyboard(
    qtbot, services: Services, view: IntakeView, type_text, sample_page: Path, tmp_path: Path
) -> None:
    panel, screen = view.onbehalf, view.onbehalf.screen
    press(qtbot, Qt.Key.Key_F11)  # the citizen's screen (a window: one screen here)
    qtbot.waitExposed(screen)
    assert screen.isVisible() and not screen.isFullScreen()

    type_text(view.search.edit, BUSINESS)
    press(qtbot, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: view.checklist.rows[-1].pages_edit.isVisible())
    with qtbot.waitSignal(view.card_read):
        type_text(view.card_edit, CARD)
        press(qtbot, Qt.Key.Key_Return)
    # Mirrored as entered, in Vietnamese, the ID masked but its last four digits.
    assert "Nguyễn Thị Hồng Nhung" in screen.text()
    assert "••••••••2345" in screen.text() and OWNER_ID not in screen.text()
    assert "Số 5 Tràng Tiền" not in screen.text()
    press(qtbot, Qt.Key.Key_Return)  # phone
    press(qtbot, Qt.Key.Key_Return)  # e-mail
    for row in view.checklist.rows:
        type_text(QApplication.focusWidget(), "1")
        if row.code == "GDN":
            with qtbot.waitSignal(view.checklist.row_checked):
                view.checklist.add_files(row.code, [sample_page])
        if row is not view.checklist.rows[-1]:
            press(qtbot, Qt.Key.Key_Return)
    assert "100.000 đ" in screen.text()
    with qtbot.waitSignal(view.receipt_ready, timeout=60_000):
        press(qtbot, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: panel.dossier is not None)
    assert panel.mode_label.text() == "Hồ sơ giấy nộp trực tiếp (không giảm phí trực tuyến)"
    assert panel.fee_label.text() == "100.000 đ"
    code = panel.dossier.code
    # The printed receipt carries the payment code of the counter rate, still due.
    [printed] = payment_codes(printed_symbols(view.receipt_path, tmp_path))
    assert_vietqr(printed, 100_000, code)

    with qtbot.waitSignals([panel.submitted, panel.receipt_rewritten], timeout=30_000):
        press(qtbot, Qt.Key.Key_F6)  # the citizen signs in (demo identity) and confirms
    assert panel.fee_label.text() == "50.000 đ"
    [printed] = payment_codes(printed_symbols(view.receipt_path, tmp_path))
    assert_vietqr(printed, 50_000, code)  # written again at the online rate
    assert "công dân đã xác nhận" in panel.mode_label.text()

    with qtbot.waitSignal(panel.payment_shown, timeout=20_000) as shown:
        press(qtbot, Qt.Key.Key_F7)
    payload = shown.args[0]
    assert_vietqr(payload, 50_000, code)
    assert decoded(panel.qr_label.pixmap(), tmp_path / "officer.png") == [payload]
    assert decoded(screen.qr_label.pixmap(), tmp_path / "citizen.png") == [payload]
    assert screen.showing() == "payment"

    assert QApplication.focusWidget() is panel.reference_edit
    type_text(panel.reference_edit, "FT26337001")
    with qtbot.waitSignals([panel.payment_recorded, panel.receipt_rewritten], timeout=30_000):
        press(qtbot, Qt.Key.Key_Return)
    assert panel.paid_label.text() == "Đã nộp đủ phí, lệ phí"
    assert view.receipt_path is not None and view.receipt_path.exists()
    receipt = subprocess.run(
        ["pdftotext", "-layout", str(view.receipt_path), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "Đã nộp đủ phí, lệ phí" in receipt
    symbols = printed_symbols(view.receipt_path, tmp_path)
    assert payment_codes(symbols) == [] and code in symbols  # paid: no payment code

    view.activateWindow()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is not None)
    press(qtbot, Qt.Key.Key_F10)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is screen.reason_edit)
    assert screen.showing() == "rating" and "Rất hài lòng" in screen.text()
    qtbot.keyClick(screen, Qt.Key.Key_2)
    type_text(screen.reason_edit, "Cán bộ hướng dẫn tận tình")
    with qtbot.waitSignal(panel.rating_recorded, timeout=20_000) as rated:
        qtbot.keyClick(screen.reason_edit, Qt.Key.Key_Return)
    assert rated.args == ["satisfied"]

    dossier_id = panel.dossier.id
    with services.database.reading() as session:
        stored = get_dossier(session, dossier_id)
        kinds = [e.kind for e in pending(session) if e.entity_id == dossier_id]
    assert stored.channel is Channel.ONLINE and stored.fee == 50_000 and stored.fee_paid
    assert kinds == [
        "dossier.created",
        "dossier.submitted_online",
        "payment.recorded",
        "rating.recorded",
    ]

    view.activateWindow()
    view.next_button.setFocus()
    press(qtbot, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)  # next citizen
    assert screen.showing() == "welcome"
    assert "Nguyễn" not in screen.text() and "2345" not in screen.text()
    assert screen.qr_label.pixmap() is None or screen.qr_label.pixmap().isNull()
    screen.close()


def test_the_citizens_screen_clears_itself_after_idle(qtbot, view: IntakeView) -> None:
    screen = view.onbehalf.screen
    screen.idle.setInterval(50)
    screen.open()
    qtbot.waitExposed(screen)
    view.search._search(BUSINESS)
    view.search.pick()
    view.name_edit.setText("Trần Văn Bình")
    view.onbehalf.mirror_form()
    assert "Trần Văn Bình" in screen.text()
    with qtbot.waitSignal(screen.cleared, timeout=5_000):
        pass
    assert "Trần Văn Bình" not in screen.text() and screen.showing() == "welcome"
    screen.close()


def test_without_the_citizens_id_number_there_is_no_confirming_online(
    qtbot, services: Services, view: IntakeView, sample_page: Path
) -> None:
    from workstation.domain import Applicant

    dossier = received(services, sample_page, Applicant(name="Lê Văn Lương"))
    view.onbehalf.dossier_received(dossier.id)
    qtbot.waitUntil(lambda: view.onbehalf.dossier is not None)
    assert not view.onbehalf.confirm_button.isEnabled()
    assert view.onbehalf.mode_label.text().startswith("Hồ sơ giấy")


def test_hand_over_by_barcode_to_the_owner_prints_the_record(
    qtbot, services: Services, sample_page: Path, type_text
) -> None:
    dossier = received(services, sample_page)
    processed(services, dossier)
    handover = HandoverView(services)
    handover.printer = FakePrinter()
    qtbot.addWidget(handover)
    handover.show()
    qtbot.waitExposed(handover)
    handover.activateWindow()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is handover.code_edit)
    with qtbot.waitSignal(handover.found, timeout=20_000):
        type_text(handover.code_edit, f"https://dichvucong.example.vn/tra-cuu/{dossier.code}")
        press(qtbot, Qt.Key.Key_Return)  # what the barcode reader sends after the code
    assert dossier.code in handover.dossier_label.text()
    assert QApplication.focusWidget() is handover.collector_edit
    type_text(handover.collector_edit, "079301000111")  # someone else, no authorisation
    with qtbot.waitSignal(handover.failed, timeout=20_000) as refused:
        press(qtbot, Qt.Key.Key_Return)
    assert "không phải chủ hồ sơ" in refused.args[0]
    handover.collector_edit.clear()
    type_text(handover.collector_edit, OWNER_ID)
    with qtbot.waitSignal(handover.handed_over, timeout=30_000) as done:
        press(qtbot, Qt.Key.Key_Return)
    record = Path(done.args[0])
    assert handover.printer.printed == [record]
    assert record.read_bytes().startswith(b"%PDF")
    with services.database.reading() as session:
        assert get_dossier(session, dossier.id).status is DossierStatus.RESULT_RETURNED


def test_a_transfer_the_bank_reported_is_shown_when_it_arrives(
    qtbot, services: Services, sample_page: Path
) -> None:
    reported: list[str] = []

    def bank_reports(dossier_id: str) -> list[dict]:
        reported.append(dossier_id)
        if len(reported) < 2:
            return []  # not yet
        return [{"reference": "FT26337009", "amount": 100_000,
                 "confirmed_at": "2026-12-03T06:00:00+00:00"}]  # fmt: skip

    with_central = dataclasses.replace(services, payment_confirmations=bank_reports)
    view = IntakeView(with_central)
    view.printer = FakePrinter()
    qtbot.addWidget(view)
    view.show()
    qtbot.waitExposed(view)
    panel = view.onbehalf
    panel.poll.setInterval(20)
    dossier = received(services, sample_page)
    panel.dossier_received(dossier.id)
    qtbot.waitUntil(lambda: panel.dossier is not None)
    with qtbot.waitSignal(panel.payment_shown, timeout=20_000):
        panel.show_payment_code()
    assert panel.poll.isActive()
    with qtbot.waitSignals([panel.payment_confirmed, panel.receipt_rewritten], timeout=20_000):
        pass
    assert reported[0] == dossier.id and not panel.poll.isActive()
    assert panel.paid_label.text() == "Ngân hàng đã xác nhận: đã nộp đủ phí, lệ phí"
    with services.database.reading() as session:
        assert get_dossier(session, dossier.id).fee_paid


def test_an_online_dossier_changed_after_confirming_asks_to_confirm_again(
    qtbot, services: Services, view: IntakeView, sample_page: Path
) -> None:
    from workstation.intake.attach import attach_document
    from workstation.onbehalf.content import content_digest
    from workstation.onbehalf.identity import DemoIdentityProvider
    from workstation.onbehalf.submit import submit_online

    dossier = received(services, sample_page)
    proof = DemoIdentityProvider().confirm(OWNER_ID, content_digest(dossier))
    submit_online(services.database, services.catalogue, dossier.id, proof)
    attach_document(services.database, services.blobs, dossier.id, "CCCD", sample_page)
    panel = view.onbehalf
    panel.dossier_received(dossier.id)
    qtbot.waitUntil(lambda: panel.dossier is not None)
    assert "xác nhận lại" in panel.mode_label.text()
    assert panel.confirm_button.isEnabled()
    with qtbot.waitSignal(panel.submitted, timeout=20_000):
        press(qtbot, Qt.Key.Key_F6)
    assert panel.mode_label.text().startswith("Hồ sơ trực tuyến: công dân đã xác nhận")
    assert not panel.confirm_button.isEnabled()


def test_an_authorisation_scanned_on_the_counters_scanner_lets_the_authorised_person_collect(
    qtbot, services: Services, sample_page: Path, type_text, tmp_path, monkeypatch
) -> None:
    from tests.gui.capture_helpers import SANE_TEST, sane_test_scanner

    monkeypatch.setenv("SANE_CONFIG_DIR", str(sane_test_scanner(tmp_path / "sane")))
    dossier = received(services, sample_page)
    processed(services, dossier)
    handover = HandoverView(services)
    handover.printer = FakePrinter()
    qtbot.addWidget(handover)
    handover.show()
    qtbot.waitExposed(handover)
    handover.activateWindow()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is handover.code_edit)
    with qtbot.waitSignal(handover.found, timeout=20_000):
        type_text(handover.code_edit, dossier.code)
        press(qtbot, Qt.Key.Key_Return)
    type_text(handover.collector_edit, "079301000111")  # not the owner: authorised
    with qtbot.waitSignal(handover.authorisation_scanned, timeout=120_000) as scanned:
        qtbot.mouseClick(handover.scan_button, Qt.MouseButton.LeftButton)
    assert SANE_TEST in [
        handover.device_box.itemData(i) for i in range(handover.device_box.count())
    ]
    scan = Path(scanned.args[0])
    assert scan.read_bytes().startswith(b"%PDF")
    assert handover.authorisation_edit.text() == str(scan)
    assert QApplication.focusWidget() is handover.collector_edit
    with qtbot.waitSignal(handover.handed_over, timeout=30_000):
        press(qtbot, Qt.Key.Key_Return)
    with services.database.reading() as session:
        payload = pending(session)[-1].payload
    assert payload["collector"] == "authorised" and payload["authorisation_sha256"]


def test_filed_for_someone_else_the_owner_confirms_and_a_stale_one_is_not_paid(
    qtbot, services: Services, view: IntakeView, sample_page: Path
) -> None:
    from tests.integration.onbehalf_helpers import OWNER
    from workstation.domain import Applicant
    from workstation.intake.attach import attach_document
    from workstation.onbehalf.content import content_digest
    from workstation.onbehalf.identity import DemoIdentityProvider
    from workstation.onbehalf.submit import submit_online

    filer = Applicant(name="Trần Văn Bình", id_number="036095000222")
    dossier = received(services, sample_page, filer, owner=OWNER)
    panel = view.onbehalf
    panel.dossier_received(dossier.id)
    qtbot.waitUntil(lambda: panel.dossier is not None)
    with qtbot.waitSignal(panel.submitted, timeout=20_000):
        press(qtbot, Qt.Key.Key_F6)
    with services.database.reading() as session:
        message = pending(session)[-1]
    assert message.payload["proof"]["account"]["id_number"] == OWNER_ID  # the owner's account
    # The content changed after confirming: no payment code, no payment until confirmed again.
    again = received(services, sample_page)
    proof = DemoIdentityProvider().confirm(OWNER_ID, content_digest(again))
    submit_online(services.database, services.catalogue, again.id, proof)
    attach_document(services.database, services.blobs, again.id, "CCCD", sample_page)
    panel.dossier = None
    panel.dossier_received(again.id)
    qtbot.waitUntil(lambda: panel.dossier is not None and panel.dossier.id == again.id)
    assert panel.confirm_button.isEnabled()
    assert not panel.qr_button.isEnabled() and not panel.pay_button.isEnabled()


def test_filed_for_someone_else_the_citizens_screen_shows_the_owner_and_the_filer(
    qtbot, services: Services, view: IntakeView, sample_page: Path
) -> None:
    from tests.integration.onbehalf_helpers import OWNER
    from workstation.domain import Applicant

    filer = Applicant(name="Trần Văn Bình", id_number="036095000222")
    dossier = received(services, sample_page, filer, owner=OWNER)
    panel = view.onbehalf
    panel.dossier_received(dossier.id)
    qtbot.waitUntil(lambda: panel.dossier is not None)
    shown = panel.screen.text()
    # The owner confirms with their own e-ID: their name and masked ID are the ones shown.
    assert "Họ và tên: Nguyễn Thị Hồng Nhung" in shown
    assert "Số định danh: ••••••••2345" in shown and OWNER_ID not in shown
    assert "Người nộp: Trần Văn Bình (••••••••0222)" in shown
    assert "036095000222" not in shown


def test_the_dossier_detail_says_an_online_dossier_needs_confirming_again(
    qtbot, services: Services, sample_page: Path
) -> None:
    from workstation.intake.attach import attach_document
    from workstation.onbehalf.content import content_digest
    from workstation.onbehalf.identity import DemoIdentityProvider
    from workstation.onbehalf.submit import submit_online
    from workstation.ui.dossiers.dossier_detail import DossierDetail

    dossier = received(services, sample_page)
    proof = DemoIdentityProvider().confirm(OWNER_ID, content_digest(dossier))
    submit_online(services.database, services.catalogue, dossier.id, proof)
    detail = DossierDetail(services.database, services.blobs, services.catalogue)
    qtbot.addWidget(detail)
    detail.show()
    with qtbot.waitSignal(detail.dossier_loaded, timeout=20_000):
        detail.show_dossier(dossier.id)
    assert "xác nhận lại" not in detail.fields["channel"].text()
    attach_document(services.database, services.blobs, dossier.id, "CCCD", sample_page)
    with qtbot.waitSignal(detail.dossier_loaded, timeout=20_000):
        detail.show_dossier(dossier.id)
    assert detail.fields["channel"].text() == "Trực tuyến — cần xác nhận lại"
