"""Receiving a dossier from the dialog: typed in Vietnamese, saved in the background."""

from __future__ import annotations

import threading

import pytest
from PySide6.QtCore import Qt

from workstation.domain import ApplicantType
from workstation.i18n import tr
from workstation.store.dossiers import count_dossiers, get_dossier
from workstation.store.outbox import count_pending
from workstation.ui.background import run_in_background
from workstation.ui.dossiers.new_dossier_dialog import NewDossierDialog

pytestmark = pytest.mark.gui

NAME = "Nguyễn Thị Hồng Nhung"


def stored(services) -> tuple[int, int]:
    with services.database.transaction() as session:
        return count_dossiers(session), count_pending(session)


def test_typed_vietnamese_name_creates_the_dossier_and_selects_it(
    qtbot, services, section, type_text, sample_page
):
    dialog = section.open_new_dossier()
    assert dialog.windowTitle() == "Tiếp nhận hồ sơ mới"
    dialog.procedure_box.setCurrentIndex(dialog.procedure_box.findData("1.001193"))
    dialog.applicant_type_box.setCurrentIndex(
        dialog.applicant_type_box.findText(tr(ApplicantType.CITIZEN.message_key))
    )
    type_text(dialog.applicant_name_edit, NAME)
    type_text(dialog.id_number_edit, "001203004567")
    assert dialog.applicant_name_edit.text() == NAME
    dialog.set_files([sample_page])

    received: list[str] = []
    dialog.dossier_received.connect(received.append)
    with qtbot.waitSignals(
        [dialog.dossier_received, section.detail.dossier_shown, section.store_changed]
    ):
        qtbot.mouseClick(dialog.receive_button, Qt.MouseButton.LeftButton)
    [dossier_id] = received

    assert stored(services) == (1, 1)  # the dossier, and its message for the central system
    with services.database.transaction() as session:
        dossier = get_dossier(session, dossier_id)
    assert dossier.applicant.name == NAME
    assert dossier.applicant.id_number == "001203004567"
    assert dossier.procedure_code == "1.001193"
    assert section.list_view.selected_id() == dossier_id
    assert section.detail.fields["applicant"].text() == f"{NAME} (Công dân)"


def test_damaged_pdf_is_refused_in_vietnamese_and_nothing_is_created(
    qtbot, services, section, type_text, damaged_pdf
):
    dialog = section.open_new_dossier()
    type_text(dialog.applicant_name_edit, "Trần Minh Đức")
    dialog.set_files([damaged_pdf])
    with qtbot.waitSignal(dialog.receiving_failed) as blocker:
        qtbot.mouseClick(dialog.receive_button, Qt.MouseButton.LeftButton)
    expected = "Tệp PDF hong.pdf bị hỏng, không đọc được. Vui lòng quét lại hoặc chọn tệp khác."
    assert blocker.args == [expected]
    assert dialog.error_label.text() == expected
    assert dialog.isVisible()
    assert not dialog.busy and dialog.receive_button.isEnabled()
    # Nothing the officer typed or chose is lost.
    assert dialog.applicant_name_edit.text() == "Trần Minh Đức"
    assert dialog.files == [damaged_pdf]
    assert dialog.file_list.count() == 1
    assert stored(services) == (0, 0)
    dialog.close()


def test_missing_name_is_refused_inside_the_dialog(qtbot, services, sample_page):
    dialog = NewDossierDialog(services)
    qtbot.addWidget(dialog)
    dialog.set_files([sample_page])
    with qtbot.waitSignal(dialog.receiving_failed) as blocker:
        dialog.receive()
    assert blocker.args == ["Chưa nhập họ tên người nộp hồ sơ."]
    assert stored(services) == (0, 0)


def test_no_file_is_refused_inside_the_dialog(qtbot, services, type_text):
    dialog = NewDossierDialog(services)
    qtbot.addWidget(dialog)
    type_text(dialog.applicant_name_edit, "Lê Thị Hoa")
    with qtbot.waitSignal(dialog.receiving_failed) as blocker:
        dialog.receive()
    assert blocker.args == [tr("error.dossier.no_files")]


def test_dialog_stays_open_while_the_dossier_is_being_saved(
    qtbot, services, type_text, sample_page
):
    dialog = NewDossierDialog(services)
    qtbot.addWidget(dialog)
    dialog.show()
    type_text(dialog.applicant_name_edit, "Võ Thị Sáu")
    dialog.set_files([sample_page])
    release = threading.Event()
    # Hold the db executor, so the save waits behind it.
    run_in_background(None, lambda: release.wait(10), lambda _: None)
    dialog.receive()
    assert dialog.busy and not dialog.applicant_name_edit.isEnabled()
    dialog.reject()
    dialog.close()
    assert dialog.isVisible()
    with qtbot.waitSignal(dialog.dossier_received):
        release.set()
    assert stored(services) == (1, 1)


def test_procedures_in_force_are_offered_with_code_and_name(qtbot, services):
    dialog = NewDossierDialog(services)
    qtbot.addWidget(dialog)
    offered = [dialog.procedure_box.itemText(i) for i in range(dialog.procedure_box.count())]
    expected = [f"{p.code} — {p.name}" for p in services.catalogue.in_force()]
    assert offered == expected
    assert "1.001193 — Đăng ký khai sinh" in offered
    types = [
        dialog.applicant_type_box.itemText(i) for i in range(dialog.applicant_type_box.count())
    ]
    assert types == ["Công dân", "Doanh nghiệp", "Cơ quan nhà nước", "Tổ chức khác"]
