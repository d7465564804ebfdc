"""The signing section on a real SoftHSM2 token, driven by the keyboard.

Two dossiers' documents queued and signed with one PIN are both stored in
their dossiers and queued for the central system; a wrong PIN shows the
token's PIN state and is not retried; a token pulled out mid-batch keeps
what was signed and leaves the rest in the queue.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from tests.fakes.token import FakePulledOutSigner
from tests.softhsm_token import SoftHsmToken, shared_token
from workstation.intake.attach import attach_document
from workstation.intake.signed import request_signature, signing_queue
from workstation.services import Services, open_signer
from workstation.store.dossiers import get_dossier
from workstation.store.outbox import pending
from workstation.ui.signing.pin_dialog import PinDialog
from workstation.ui.signing.section import SigningSection
from workstation.ui.signing.token_picker import pin_state_text

SIGN_TIMEOUT_MS = 60_000


@pytest.fixture(scope="module")
def token(tmp_path_factory: pytest.TempPathFactory) -> SoftHsmToken:
    return shared_token(tmp_path_factory)


def _pdf(path: Path) -> Path:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    with path.open("wb") as f:
        writer.write(f)
    return path


def queue_documents(services: Services, receive, tmp_path: Path, count: int) -> list[tuple]:
    """``count`` dossiers, each with a scanned PDF waiting to be certified."""
    queued = []
    for n in range(count):
        dossier = receive(f"Công dân {n}")
        scan = attach_document(
            services.database, services.blobs, dossier.id, "1", _pdf(tmp_path / f"scan{n}.pdf")
        )
        request_signature(services.database, dossier.id, scan.id, "certified_copy")
        queued.append((dossier, scan))
    return queued


def open_section(qtbot, services: Services, token: SoftHsmToken, type_text) -> SigningSection:
    settings = dataclasses.replace(services.settings, pkcs11_module=str(token.module))
    section = SigningSection(dataclasses.replace(services, settings=settings))
    qtbot.addWidget(section)
    section.resize(1200, 800)
    queue = section.queue
    with qtbot.waitSignals([queue.queue_loaded, queue.tokens.loaded], timeout=20_000):
        section.show()
    section.activateWindow()
    qtbot.waitActive(section)
    tokens = queue.tokens
    tokens.token_box.setCurrentIndex(
        next(i for i, t in enumerate(tokens.tokens) if t.label == token.label)
    )
    tokens.certificate_box.setCurrentIndex(tokens.certificate_box.findData("signer"))
    queue.look_box.setCurrentIndex(queue.look_box.findData("copy"))
    type_text(queue.agency_edit, "UBND xã Thử Nghiệm")
    return section


def sign_with_pin(
    qtbot, section: SigningSection, type_text, pin: str, *, select_all: bool = True
) -> PinDialog:
    queue = section.queue
    queue.table.setFocus()
    if select_all:
        qtbot.keyClick(queue.table, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(queue.table, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    dialog = queue.pin_dialog
    assert dialog is not None and dialog.isVisible(), queue.message
    type_text(dialog.pin_edit, pin)
    with qtbot.waitSignal(queue.batch_finished, timeout=SIGN_TIMEOUT_MS):
        qtbot.keyClick(dialog.pin_edit, Qt.Key.Key_Return)
    return dialog


def test_two_queued_documents_signed_with_one_pin_are_stored_in_their_dossiers_and_queued(
    qtbot, services, receive, tmp_path, token, type_text
) -> None:
    queued = queue_documents(services, receive, tmp_path, 2)
    section = open_section(qtbot, services, token, type_text)
    assert len(section.queue.entries) == 2
    with qtbot.waitSignal(section.queue.queue_loaded, timeout=20_000):
        sign_with_pin(qtbot, section, type_text, token.pin)
    assert "2" in section.queue.message and "Đã ký và lưu" in section.queue.message
    assert not [w for w in section.findChildren(PinDialog) if w.isVisible()]
    with services.database.reading() as session:
        for dossier, scan in queued:
            documents = get_dossier(session, dossier.id).components[0].documents
            assert scan.id in [d.id for d in documents] and len(documents) == 3
        signed = [m for m in pending(session) if m.kind == "document.signed"]
    assert sorted(m.entity_id for m in signed) == sorted(d.id for d, _ in queued)
    assert signing_queue(services.database) == []
    assert section.queue.entries == []
    # The batch ran on its token slot's own serial executor.
    from workstation.ui import background

    serial = section.queue.tokens.token().serial
    assert background.EXECUTORS[f"token:{serial}"] == 1


def test_wrong_pin_shows_the_pin_state_and_is_not_retried(
    qtbot, services, receive, tmp_path, token, type_text, caplog
) -> None:
    queue_documents(services, receive, tmp_path, 1)
    section = open_section(qtbot, services, token, type_text)
    queue = section.queue
    with qtbot.waitSignal(queue.tokens.loaded, timeout=20_000):  # the state is read again
        sign_with_pin(qtbot, section, type_text, "000000")
    assert "Mã PIN không đúng" in queue.message
    assert "không tự thử lại" in queue.message
    # The state the token reports after the wrong try (SoftHSM2 sets "count low").
    state = queue.tokens.token().pin_state
    assert state != "locked" and pin_state_text(state) in queue.message
    assert not [w for w in section.findChildren(PinDialog) if w.isVisible()]  # not asked again
    assert [e.state for e in queue.entries] == ["waiting"]
    assert "000000" not in caplog.text
    with services.database.reading() as session:
        assert not [m for m in pending(session) if m.kind == "document.signed"]


def test_token_pulled_out_mid_batch_keeps_what_was_signed_and_the_rest_stays_queued(
    qtbot, services, receive, tmp_path, token, type_text
) -> None:
    queued = queue_documents(services, receive, tmp_path, 3)

    def pulled_out_after_one(**arguments):
        return FakePulledOutSigner(open_signer(**arguments), signatures=1)

    services = dataclasses.replace(services, signer_factory=pulled_out_after_one)
    section = open_section(qtbot, services, token, type_text)
    with qtbot.waitSignal(section.queue.queue_loaded, timeout=20_000):
        sign_with_pin(qtbot, section, type_text, token.pin)
    message = section.queue.message
    assert "rút ra" in message and "Đã ký và lưu 1 tài liệu" in message
    assert "2 tài liệu còn lại vẫn nằm trong hàng đợi" in message
    waiting = signing_queue(services.database)
    assert sorted(w.dossier_id for w in waiting) == sorted(d.id for d, _ in queued[1:])
    assert len(section.queue.entries) == 2
    with services.database.reading() as session:
        assert len([m for m in pending(session) if m.kind == "document.signed"]) == 1


def test_verify_panel_reports_each_signature_in_vietnamese(qtbot, tmp_path, token) -> None:
    from workstation.sign.pades import KeyChoice
    from workstation.ui.signing.verify_panel import VerifyPanel

    source = _pdf(tmp_path / "in.pdf")
    with open_signer(key=KeyChoice(token.module, token.label, None, "signer"), pin=token.pin) as s:
        s.sign(source, tmp_path / "signed.pdf")
    panel = VerifyPanel([token.ca_file])
    qtbot.addWidget(panel)
    with qtbot.waitSignal(panel.verified, timeout=20_000):
        panel.verify(tmp_path / "signed.pdf")
    row = [panel.table.item(0, c).text() for c in range(panel.table.columnCount())]
    assert "Nguyễn Văn Ký" in row[0]
    assert row[2] == "Nội dung không bị thay đổi"
    assert row[3] == "Chứng thư thuộc tổ chức được tin cậy"
    assert row[4] == "Không kiểm tra được (không coi là hợp lệ)"  # no OCSP here: never "valid"
    assert row[5] == "Ký toàn bộ tệp"
    assert row[6] == "Chưa xác định được"
    assert panel.summary.text() == "Tệp có 1 chữ ký; 0 chữ ký hợp lệ."


def test_verify_panel_without_the_trusted_root_says_so(qtbot, tmp_path, token) -> None:
    from workstation.sign.pades import KeyChoice
    from workstation.ui.signing.verify_panel import VerifyPanel

    source = _pdf(tmp_path / "in.pdf")
    with open_signer(key=KeyChoice(token.module, token.label, None, "signer"), pin=token.pin) as s:
        s.sign(source, tmp_path / "signed.pdf")
    panel = VerifyPanel([])
    qtbot.addWidget(panel)
    with qtbot.waitSignal(panel.verified, timeout=20_000):
        panel.verify(tmp_path / "signed.pdf")
    assert panel.table.item(0, 3).text() == "Không xác định được tổ chức cấp chứng thư tin cậy"
    assert panel.table.item(0, 6).text() == "KHÔNG hợp lệ"


def test_box_dragged_on_the_page_preview_is_given_in_pdf_points(qtbot, tmp_path) -> None:
    from PySide6.QtCore import QPoint

    from workstation.ui.signing.box_preview import RENDER_WIDTH, BoxPreview

    preview = BoxPreview()
    qtbot.addWidget(preview)
    preview.show()
    with qtbot.waitSignal(preview.page_shown, timeout=20_000):
        preview.show_pdf(_pdf(tmp_path / "a4.pdf").read_bytes())
    canvas = preview.canvas
    with qtbot.waitSignal(preview.box_changed):
        qtbot.mousePress(canvas, Qt.MouseButton.LeftButton, pos=QPoint(210, 300))
        qtbot.mouseMove(canvas, QPoint(300, 340))
        qtbot.mouseRelease(canvas, Qt.MouseButton.LeftButton, pos=QPoint(389, 379))
    scale = 595 / RENDER_WIDTH
    x1, y1, x2, y2 = preview.box()
    assert preview.page() == 0
    assert abs(x1 - 210 * scale) < 1 and abs(x2 - 390 * scale) < 1
    assert abs(y2 - (842 - 300 * scale)) < 1 and abs(y1 - (842 - 380 * scale)) < 1


def test_document_sent_back_with_a_comment_leaves_the_queue(
    qtbot, services, receive, tmp_path, token, type_text
) -> None:
    from PySide6.QtWidgets import QInputDialog, QLineEdit

    queue_documents(services, receive, tmp_path, 2)
    section = open_section(qtbot, services, token, type_text)
    queue = section.queue
    queue.table.setFocus()
    queue.table.selectRow(0)
    dialog = queue.ask_send_back()
    assert isinstance(dialog, QInputDialog)
    edit = dialog.findChild(QLineEdit)
    type_text(edit, "Bản quét bị mờ, đề nghị quét lại")
    with qtbot.waitSignal(queue.queue_loaded, timeout=20_000):
        qtbot.keyClick(edit, Qt.Key.Key_Return)
    assert queue.message == "Đã trả lại tài liệu kèm lý do."
    assert len(queue.entries) == 1 and len(signing_queue(services.database)) == 1


def test_locked_token_is_not_asked_for_its_pin(
    qtbot, services, receive, tmp_path, token, type_text
) -> None:
    queue_documents(services, receive, tmp_path, 1)
    section = open_section(qtbot, services, token, type_text)
    queue = section.queue
    chosen = queue.tokens.token()
    # What the token's module reports once its PIN is locked (SoftHSM2 never locks).
    queue.tokens.tokens[queue.tokens.token_box.currentIndex()] = dataclasses.replace(
        chosen, pin_state="locked"
    )
    queue.table.setFocus()
    qtbot.keyClick(queue.table, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert queue.pin_dialog is None
    assert "đã bị khóa" in queue.message
    assert [e.state for e in queue.entries] == ["waiting"]


def test_token_pulled_out_or_plugged_in_lists_the_tokens_again(
    qtbot, services, token, type_text
) -> None:
    section = open_section(qtbot, services, token, type_text)
    picker = section.queue.tokens
    assert picker._timer.isActive()  # polling while shown
    with qtbot.waitSignal(picker.loaded, timeout=20_000):
        picker.polled(set())  # what a poll sees once every token is pulled out
    assert token.label in [t.label for t in picker.tokens]  # SoftHSM2's are all still there
    shown = picker.pin_state_label.text()
    picker.polled({(t.label, t.serial) for t in picker.tokens})  # nothing changed
    assert picker.pin_state_label.text() == shown  # not listed again (it would say "looking")
    section.hide()
    assert not picker._timer.isActive()


def test_agency_seal_goes_on_the_signed_result_by_incremental_update(
    qtbot, services, receive, tmp_path, token, type_text
) -> None:
    from tests.integration.sign.test_appearance import seal_png
    from workstation.intake.signed import SignItem, add_result_for_signature, sign_into_dossiers
    from workstation.sign.pades import Appearance, KeyChoice
    from workstation.sign.verify import verify_pdf

    dossier = receive("Công dân có kết quả")
    draft, request = add_result_for_signature(
        services.database, services.blobs, dossier.id, _pdf(tmp_path / "kq.pdf")
    )
    key = KeyChoice(token.module, token.label, None, "signer")
    with open_signer(key=key, pin=token.pin) as signer:
        signed = sign_into_dossiers(
            services.database,
            services.blobs,
            signer,
            [SignItem(dossier.id, draft.id, "result", request)],
            Appearance("signer", title="CHỦ TỊCH", name="Nguyễn Văn Ký"),
        ).stored[0][1]
    request_signature(services.database, dossier.id, signed.id, "seal")
    section = open_section(qtbot, services, token, type_text)
    queue = section.queue
    queue.table.setFocus()
    queue.table.selectRow(0)
    assert queue.look_box.currentData() == "agency"  # the role's look
    type_text(queue.seal_edit, str(seal_png(tmp_path / "seal.png")))
    with qtbot.waitSignal(queue.queue_loaded, timeout=20_000):
        sign_with_pin(qtbot, section, type_text, token.pin, select_all=False)
    assert "Đã ký và lưu 1" in queue.message, queue.message
    with services.database.reading() as session:
        from workstation.store.signatures import signatures_of

        sealed = [s for s in signatures_of(session, dossier.id) if s.role == "seal"]
    assert len(sealed) == 1 and sealed[0].source_document_id == signed.id
    sealed_doc = services.blobs.read(
        next(m for m in _signed_messages(services) if m["signature"]["role"] == "seal")["document"][
            "sha256"
        ]
    )
    assert sealed_doc.startswith(services.blobs.read(signed.sha256))  # incremental update
    (tmp_path / "sealed.pdf").write_bytes(sealed_doc)
    reports = verify_pdf(tmp_path / "sealed.pdf", [token.ca_file])
    assert [r.intact and r.trusted for r in reports] == [True, True]


def _signed_messages(services: Services) -> list[dict]:
    with services.database.reading() as session:
        return [m.payload for m in pending(session) if m.kind == "document.signed"]


def test_a_signature_policy_the_settings_cannot_reach_signs_nothing_and_says_why(
    qtbot, services, receive, tmp_path, token, type_text
) -> None:
    queue_documents(services, receive, tmp_path, 1)
    policy = dataclasses.replace(services.settings, signature_level="B-T", tsa_url="")
    section = open_section(qtbot, dataclasses.replace(services, settings=policy), token, type_text)
    queue = section.queue
    sign_with_pin(qtbot, section, type_text, token.pin)
    assert "máy chủ dấu thời gian (tsa_url)" in queue.message
    assert [e.state for e in queue.entries] == ["waiting"]
    with services.database.reading() as session:
        assert not [m for m in pending(session) if m.kind == "document.signed"]
