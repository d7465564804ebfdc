"""The intake view's dossier owner and how the result is collected, by keyboard."""

from __future__ import annotations

import subprocess
from pathlib import Path

from PySide6.QtCore import Qt
from sqlalchemy import text

from tests.gui.test_intake_view import PERMIT, Keyboard, open_view, pick
from workstation.domain import CollectionMethod
from workstation.services import Services
from workstation.store.dossiers import get_dossier
from workstation.ui.dossiers.dossier_detail import DossierDetail


def fill_applicant_and_components(view, keyboard: Keyboard, qtbot, sample_page, pdf_file) -> None:
    view.name_edit.setFocus()
    keyboard.type("Trần Thị Bình")
    for row, (path, pages) in zip(
        view.checklist.rows,
        [(sample_page, 1), (pdf_file, 2), (pdf_file, 2)],
        strict=True,
    ):
        row.pages_edit.setText(str(pages))
        with qtbot.waitSignal(view.checklist.row_checked):
            view.checklist.add_files(row.code, [path])
    view.email_edit.setFocus()


def test_an_owner_and_postal_collection_typed_by_keyboard_reach_the_store_and_the_receipt(
    qtbot, services: Services, type_text, sample_page: Path, pdf_file: Path
) -> None:
    view = open_view(qtbot, services)
    keyboard = Keyboard(qtbot, type_text)
    pick(qtbot, view, PERMIT)
    fill_applicant_and_components(view, keyboard, qtbot, sample_page, pdf_file)
    assert not view.owner_panel.fields.isVisible()

    keyboard.press(Qt.Key.Key_Tab)
    assert keyboard.focus() is view.owner_panel.check
    keyboard.press(Qt.Key.Key_Space)  # "người nộp không phải chủ hồ sơ"
    assert view.owner_panel.fields.isVisible()
    assert keyboard.focus() is view.owner_panel.name_edit
    keyboard.type("Phạm Văn Đông")
    keyboard.press(Qt.Key.Key_Return)
    keyboard.type("037090006543")
    keyboard.press(Qt.Key.Key_Return)
    keyboard.type("Phường Hoa Lư, tỉnh Ninh Bình")
    keyboard.press(Qt.Key.Key_Return)
    assert keyboard.focus() is view.owner_panel.email_edit
    keyboard.type("dong.pham@example.vn")
    keyboard.press(Qt.Key.Key_Return)
    assert keyboard.focus() is view.collection_box
    keyboard.press(Qt.Key.Key_Down)  # counter → post
    assert view.collection() is CollectionMethod.POST
    assert view.owner_panel.message() == []  # a well-formed ID number: no warning

    with qtbot.waitSignal(view.receipt_ready, timeout=60_000) as ready:
        keyboard.press(Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    with services.database.reading() as session:
        stored = get_dossier(session, view.dossier.id)
    assert stored.applicant.name == "Trần Thị Bình"
    assert stored.owner is not None
    assert (stored.owner.name, stored.owner.id_number) == ("Phạm Văn Đông", "037090006543")
    assert stored.owner.address == "Phường Hoa Lư, tỉnh Ninh Bình"
    assert stored.owner.email == "dong.pham@example.vn"
    assert stored.applicant.email is None  # the person filing gave none
    assert stored.collection is CollectionMethod.POST
    receipt = " ".join(
        subprocess.run(
            ["pdftotext", ready.args[0], "-"], capture_output=True, text=True, check=True
        ).stdout.split()
    )
    assert "Chủ hồ sơ: Phạm Văn Đông" in receipt
    assert "Đăng ký nhận kết quả tại: Qua dịch vụ bưu chính công ích" in receipt

    detail = DossierDetail(services.database, services.blobs, services.catalogue)
    qtbot.addWidget(detail)
    with qtbot.waitSignal(detail.dossier_loaded, timeout=30_000):
        detail.show_dossier(stored.id)
    assert detail.fields["owner"].text() == "Phạm Văn Đông (Công dân)"
    assert detail.fields["collection"].text() == "Qua dịch vụ bưu chính công ích"

    keyboard.press(Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)  # next citizen
    assert not view.owner_panel.check.isChecked() and view.owner_panel.name_edit.text() == ""
    assert view.owner_panel.email_edit.text() == ""
    assert view.collection() is CollectionMethod.COUNTER


def test_left_unchecked_the_person_filing_owns_the_dossier(
    qtbot, services: Services, type_text, sample_page: Path, pdf_file: Path
) -> None:
    view = open_view(qtbot, services)
    keyboard = Keyboard(qtbot, type_text)
    pick(qtbot, view, PERMIT)
    fill_applicant_and_components(view, keyboard, qtbot, sample_page, pdf_file)
    with qtbot.waitSignal(view.receipt_ready, timeout=60_000):
        keyboard.press(Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    with services.database.reading() as session:
        stored = get_dossier(session, view.dossier.id)
    assert stored.owner is None and stored.dossier_owner.name == "Trần Thị Bình"
    assert stored.collection is CollectionMethod.COUNTER


def test_an_owner_without_a_name_is_refused_at_the_owners_field_and_nothing_is_saved(
    qtbot, services: Services, type_text, sample_page: Path, pdf_file: Path
) -> None:
    view = open_view(qtbot, services)
    keyboard = Keyboard(qtbot, type_text)
    pick(qtbot, view, PERMIT)
    fill_applicant_and_components(view, keyboard, qtbot, sample_page, pdf_file)
    keyboard.press(Qt.Key.Key_Tab)
    keyboard.press(Qt.Key.Key_Space)
    view.owner_panel.id_number_edit.setFocus()
    keyboard.type("037090006543")
    with qtbot.waitSignal(view.receiving_failed):
        keyboard.press(Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    # The owner's own message, not the applicant's ("người nộp").
    assert view.owner_panel.message() == ["Chưa nhập họ tên (tên tổ chức) của chủ hồ sơ."]
    assert keyboard.focus() is view.owner_panel.name_edit
    assert view.name_edit.text() == "Trần Thị Bình"  # the applicant's own field untouched
    with services.database.reading() as session:
        assert session.execute(text("SELECT count(*) FROM dossiers")).scalar() == 0


def test_an_owners_malformed_e_mail_is_refused_at_that_field_and_nothing_is_saved(
    qtbot, services: Services, type_text, sample_page: Path, pdf_file: Path
) -> None:
    view = open_view(qtbot, services)
    keyboard = Keyboard(qtbot, type_text)
    pick(qtbot, view, PERMIT)
    fill_applicant_and_components(view, keyboard, qtbot, sample_page, pdf_file)
    keyboard.press(Qt.Key.Key_Tab)
    keyboard.press(Qt.Key.Key_Space)
    keyboard.type("Phạm Văn Đông")
    view.owner_panel.email_edit.setFocus()
    keyboard.type("dong.pham@example")  # no dotted domain: no result could be sent there
    with qtbot.waitSignal(view.receiving_failed):
        keyboard.press(Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert view.owner_panel.message() == [
        "Địa chỉ thư điện tử của chủ hồ sơ không đúng dạng ten@ten-mien.vn: sửa lại hoặc để trống."
    ]
    assert keyboard.focus() is view.owner_panel.email_edit
    with services.database.reading() as session:
        assert session.execute(text("SELECT count(*) FROM dossiers")).scalar() == 0


def test_an_owners_id_number_off_the_national_scheme_is_a_warning_at_the_owners_fields(
    qtbot, services: Services, type_text
) -> None:
    view = open_view(qtbot, services)
    keyboard = Keyboard(qtbot, type_text)
    view.owner_panel.check.setChecked(True)
    view.owner_panel.id_number_edit.setFocus()
    keyboard.type("999190004321")  # no province 999
    keyboard.press(Qt.Key.Key_Return)
    assert view.owner_panel.message() != []
    assert keyboard.focus() is view.owner_panel.address_edit
