"""Receiving a dossier from the dialog: typed in Vietnamese, stored in two background steps."""

from __future__ import annotations

import dataclasses
import threading

import pytest
import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox, QWidget

from tests.fakes.store import GatedBlobStore, UnreliableDatabase
from workstation.domain import ApplicantType
from workstation.i18n import tr
from workstation.services import Services
from workstation.store.dossiers import count_dossiers, get_dossier, list_dossiers
from workstation.store.outbox import count_pending
from workstation.ui import background
from workstation.ui.background import run_in_background
from workstation.ui.dossiers.new_dossier_dialog import NewDossierDialog
from workstation.ui.errors import reporter

pytestmark = pytest.mark.gui

NAME = "Nguyễn Thị Hồng Nhung"
BIRTH = "1.001193"


def stored(services) -> tuple[int, int]:
    with services.database.transaction() as session:
        return count_dossiers(session), count_pending(session)


@pytest.fixture
def dialog(qtbot, services) -> NewDossierDialog:
    """The dialog, shown, with nothing filled in."""
    dialog = NewDossierDialog(services)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def filled(dialog: NewDossierDialog, type_text, name: str, files) -> NewDossierDialog:
    assert dialog.procedure_box.choose(BIRTH)
    type_text(dialog.applicant_name_edit, name)
    dialog.set_files(files)
    return dialog


def test_typed_vietnamese_name_creates_the_dossier_and_selects_it(
    qtbot, services, section, type_text, sample_page
):
    dialog = section.open_new_dossier()
    assert dialog.windowTitle() == "Tiếp nhận hồ sơ mới"
    dialog.procedure_box.setCurrentIndex(dialog.procedure_box.findData(BIRTH))
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
    assert dossier.procedure_code == BIRTH
    assert section.list_view.selected_id() == dossier_id
    assert section.detail.fields["applicant"].text() == f"{NAME} (Công dân)"


@pytest.fixture
def gated(services, tmp_path) -> Services:
    """The real services, with a blob store whose writes wait until the test lets them go."""
    return dataclasses.replace(services, blobs=GatedBlobStore(tmp_path / "gated-blobs"))


@pytest.fixture
def unreliable(services) -> Services:
    """The real services, with a database the test can make refuse."""
    return dataclasses.replace(services, database=UnreliableDatabase(services.database))


def test_files_are_stored_on_the_io_thread_and_the_dossier_saved_on_the_db_thread(
    qtbot, services, type_text, sample_page
):
    blobs = GatedBlobStore(services.blobs.root)
    database = UnreliableDatabase(services.database)
    recording = dataclasses.replace(services, blobs=blobs, database=database)
    dialog = NewDossierDialog(recording)
    qtbot.addWidget(dialog)
    filled(dialog, type_text, "Võ Thị Sáu", [sample_page])
    release = threading.Event()
    run_in_background(None, lambda: release.wait(10), lambda _: None)  # the db thread is busy
    dialog.receive()
    # The files are checked and stored although the database thread is held.
    qtbot.waitUntil(lambda: dialog.progress_label.text() == tr("progress.saving_dossier"))
    assert database.threads == []
    with qtbot.waitSignal(dialog.dossier_received):
        release.set()
    assert blobs.threads[0].startswith(background.THREAD_PREFIX + "io")
    assert database.threads[0].startswith(background.THREAD_PREFIX + "db")
    assert stored(services) == (1, 1)


def test_the_dossier_is_saved_although_its_dialog_goes_while_the_files_are_stored(
    qtbot, gated, services, type_text, sample_page
):
    gated.blobs.close_gate()
    window = QWidget()
    dialog = filled(NewDossierDialog(gated, window), type_text, "Lê Văn Tám", [sample_page])
    dialog.receive()
    gated.blobs.reached.wait(10)
    shiboken6.delete(window)  # the window and its dialog go while the files are stored
    gated.blobs.open_gate()
    assert background.wait_for_idle(10_000)
    assert stored(services) == (1, 1)
    with services.database.transaction() as session:
        [summary] = list_dossiers(session)
        dossier = get_dossier(session, summary.id)
    assert dossier.applicant.name == "Lê Văn Tám"
    assert gated.blobs.read(dossier.components[0].documents[0].sha256) == sample_page.read_bytes()


def test_a_failed_save_is_shown_although_its_dialog_is_gone(
    qtbot, unreliable, type_text, sample_page
):
    unreliable.database.refuse()
    window = QWidget()
    dialog = filled(NewDossierDialog(unreliable, window), type_text, "Lê Văn Tám", [sample_page])
    with qtbot.waitSignal(reporter().error_shown) as blocker:
        dialog.receive()
        shiboken6.delete(window)
    error_dialog = blocker.args[0]
    qtbot.addWidget(error_dialog)
    assert error_dialog.message_label.text() == tr("error.store.database_refused")


def test_cancel_while_the_files_are_stored_stops_and_saves_nothing(
    qtbot, gated, services, type_text, sample_page
):
    gated.blobs.close_gate()
    dialog = filled(NewDossierDialog(gated), type_text, "Lê Văn Tám", [sample_page, sample_page])
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.receive()
    gated.blobs.reached.wait(10)
    cancel = dialog.buttons.button(QDialogButtonBox.StandardButton.Cancel)
    assert cancel.isEnabled() and not dialog.receive_button.isEnabled()
    qtbot.mouseClick(cancel, Qt.MouseButton.LeftButton)
    assert dialog.progress_label.text() == tr("new_dossier.cancelling")
    with qtbot.assertNotEmitted(reporter().error_shown), qtbot.waitSignal(dialog.rejected):
        gated.blobs.open_gate()
    assert not dialog.isVisible()
    assert len(gated.blobs.threads) == 1  # the second file was never stored
    assert stored(services) == (0, 0)


def test_no_procedure_is_chosen_at_first_and_one_is_required(
    qtbot, dialog, services, type_text, sample_page
):
    assert dialog.procedure_box.currentIndex() == -1
    assert dialog.procedure_box.procedure() is None
    assert dialog.procedure_box.currentText() == ""
    type_text(dialog.applicant_name_edit, "Lê Thị Hoa")
    dialog.set_files([sample_page])
    with qtbot.waitSignal(dialog.receiving_failed) as blocker:
        dialog.receive()
    assert blocker.args == [tr("error.dossier.procedure_missing")]
    assert dialog.error_label.isVisible()
    assert dialog.focusWidget() is dialog.procedure_box
    assert stored(services) == (0, 0)


@pytest.mark.parametrize("typed", ["khai sinh", "KHAI SINH", "đăng ký khai", "dang ky khai"])
def test_procedure_is_found_by_any_part_of_its_name_with_or_without_accents(
    qtbot, dialog, type_text, typed
):
    box = dialog.procedure_box
    box.setFocus()
    type_text(box, typed)
    completer = box.completer()
    offered = [
        completer.completionModel().index(row, 0).data()
        for row in range(completer.completionCount())
    ]
    assert offered == ["1.001193 — Đăng ký khai sinh"]
    with qtbot.waitSignal(box.procedure_changed) as blocker:
        qtbot.keyClick(completer.popup(), Qt.Key.Key_Down)
        qtbot.keyClick(completer.popup(), Qt.Key.Key_Return)
    assert blocker.args[0].code == BIRTH
    assert box.currentText() == "1.001193 — Đăng ký khai sinh"
    assert box.procedure().code == BIRTH


def test_file_list_names_the_component_the_files_are_filed_under(dialog):
    assert dialog.component_label.text() == tr("new_dossier.component_unknown")
    dialog.procedure_box.choose(BIRTH)
    assert dialog.component_label.text() == tr(
        "new_dossier.component", component="Tờ khai đăng ký khai sinh"
    )
    dialog.procedure_box.choose("2.000908")
    assert "Bản chính giấy tờ, văn bản cần chứng thực" in dialog.component_label.text()
    dialog.procedure_box.setEditText("không có thủ tục này")
    assert dialog.component_label.text() == tr("new_dossier.component_unknown")


def test_the_applicant_name_has_the_cursor_when_the_dialog_opens(qtbot, section):
    dialog = section.open_new_dossier()
    qtbot.waitExposed(dialog)
    assert dialog.focusWidget() is dialog.applicant_name_edit


def test_damaged_pdf_is_refused_in_vietnamese_and_nothing_is_created(
    qtbot, services, section, type_text, damaged_pdf
):
    dialog = filled(section.open_new_dossier(), type_text, "Trần Minh Đức", [damaged_pdf])
    with qtbot.waitSignal(dialog.receiving_failed) as blocker:
        qtbot.mouseClick(dialog.receive_button, Qt.MouseButton.LeftButton)
    expected = "Tệp PDF hong.pdf bị hỏng, không đọc được. Vui lòng quét lại hoặc chọn tệp khác."
    assert blocker.args == [expected]
    assert dialog.error_label.text() == expected
    assert dialog.isVisible()
    assert not dialog.busy and dialog.receive_button.isEnabled()
    assert dialog.focusWidget() is dialog.add_files_button  # where a better file is chosen
    # Nothing the officer typed or chose is lost.
    assert dialog.applicant_name_edit.text() == "Trần Minh Đức"
    assert dialog.files == [damaged_pdf]
    assert dialog.file_list.count() == 1
    assert stored(services) == (0, 0)
    dialog.close()


def test_missing_name_is_refused_and_the_name_field_gets_the_cursor(
    qtbot, dialog, services, sample_page
):
    dialog.procedure_box.choose(BIRTH)
    dialog.set_files([sample_page])
    dialog.id_number_edit.setFocus()
    with qtbot.waitSignal(dialog.receiving_failed) as blocker:
        dialog.receive()
    assert blocker.args == ["Chưa nhập họ tên người nộp hồ sơ."]
    assert dialog.focusWidget() is dialog.applicant_name_edit
    assert stored(services) == (0, 0)


def test_no_file_is_refused_and_the_add_files_button_gets_the_cursor(qtbot, dialog, type_text):
    dialog.procedure_box.choose(BIRTH)
    type_text(dialog.applicant_name_edit, "Lê Thị Hoa")
    with qtbot.waitSignal(dialog.receiving_failed) as blocker:
        dialog.receive()
    assert blocker.args == [tr("error.dossier.no_files")]
    assert dialog.focusWidget() is dialog.add_files_button


def test_other_failures_give_the_cursor_back_where_it_was(
    qtbot, unreliable, type_text, sample_page
):
    unreliable.database.refuse()
    dialog = NewDossierDialog(unreliable)
    qtbot.addWidget(dialog)
    dialog.show()
    filled(dialog, type_text, "Phạm Văn Đồng", [sample_page])
    dialog.id_number_edit.setFocus()
    with qtbot.waitSignal(dialog.receiving_failed) as blocker:
        qtbot.keyClick(dialog.id_number_edit, Qt.Key.Key_Return)
    assert blocker.args == [tr("error.store.database_refused")]
    assert dialog.focusWidget() is dialog.id_number_edit
    assert dialog.receive_button.isEnabled()


def test_enter_receives_and_escape_cancels(qtbot, dialog, type_text):
    type_text(dialog.applicant_name_edit, "Lê Thị Hoa")
    with qtbot.waitSignal(dialog.receiving_failed):
        qtbot.keyClick(dialog.applicant_name_edit, Qt.Key.Key_Return)
    assert dialog.isVisible()
    with qtbot.waitSignal(dialog.rejected):
        qtbot.keyClick(dialog.applicant_name_edit, Qt.Key.Key_Escape)
    assert not dialog.isVisible()


def test_once_the_files_are_stored_the_dossier_is_saved_whatever_the_officer_presses(
    qtbot, dialog, services, type_text, sample_page
):
    filled(dialog, type_text, "Võ Thị Sáu", [sample_page])
    release = threading.Event()
    # Hold the db executor, so the save waits behind it.
    run_in_background(None, lambda: release.wait(10), lambda _: None)
    dialog.receive()
    assert dialog.busy and not dialog.applicant_name_edit.isEnabled()
    qtbot.waitUntil(lambda: dialog.progress_label.text() == tr("progress.saving_dossier"))
    dialog.close()
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)  # too late to cancel: the save is on its way
    assert dialog.isVisible()
    with qtbot.waitSignal(dialog.dossier_received):
        release.set()
    assert stored(services) == (1, 1)
    assert not dialog.isVisible()


def test_procedures_in_force_are_offered_with_code_and_name(dialog, services):
    offered = [dialog.procedure_box.itemText(i) for i in range(dialog.procedure_box.count())]
    expected = [f"{p.code} — {p.name}" for p in services.catalogue.in_force()]
    assert offered == expected
    assert "1.001193 — Đăng ký khai sinh" in offered
    types = [
        dialog.applicant_type_box.itemText(i) for i in range(dialog.applicant_type_box.count())
    ]
    assert types == ["Công dân", "Doanh nghiệp", "Cơ quan nhà nước", "Tổ chức khác"]


# Applicant details and warnings at the fields ----------------------------------


def test_address_phone_and_email_typed_in_the_dialog_are_stored(
    qtbot, dialog, services, type_text, sample_page
):
    filled(dialog, type_text, NAME, [sample_page])
    type_text(dialog.address_edit, "Tổ 10 Ấp An Thái, Hòa Bình, Chợ Mới, An Giang")
    type_text(dialog.phone_edit, "091 234 5678")
    type_text(dialog.email_edit, "nhung.nguyen@gmail.com")
    with qtbot.waitSignal(dialog.dossier_received) as blocker:
        qtbot.keyClick(dialog.email_edit, Qt.Key.Key_Return)  # Enter receives from any field
    with services.database.transaction() as session:
        applicant = get_dossier(session, blocker.args[0]).applicant
    assert applicant.address == "Tổ 10 Ấp An Thái, Hòa Bình, Chợ Mới, An Giang"
    assert applicant.phone == "091 234 5678"
    assert applicant.email == "nhung.nguyen@gmail.com"


def test_an_implausible_id_number_is_warned_about_at_its_field_and_can_still_be_received(
    qtbot, dialog, services, type_text, sample_page
):
    filled(dialog, type_text, NAME, [sample_page])
    warning = dialog.warning_labels["id_number"]
    assert not warning.isVisible()
    dialog.id_number_edit.setFocus()
    type_text(dialog.id_number_edit, "003203004567")  # 003 is no province's code
    with qtbot.waitSignal(dialog.warnings_shown) as blocker:
        qtbot.keyClick(dialog.id_number_edit, Qt.Key.Key_Tab)  # the officer moves on
    assert blocker.args == ["id_number"]
    assert dialog.focusWidget() is dialog.address_edit  # the keyboard flow is unchanged
    assert warning.isVisible()
    assert dialog.warnings("id_number") == [tr("warning.applicant.id_number_province", code="003")]
    assert dialog.error_label.isHidden()

    with qtbot.waitSignal(dialog.dossier_received) as received:
        qtbot.keyClick(dialog.address_edit, Qt.Key.Key_Return)
    assert stored(services) == (1, 1)
    with services.database.transaction() as session:
        assert get_dossier(session, received.args[0]).applicant.id_number == "003203004567"


def test_correcting_the_id_number_clears_its_warning(qtbot, dialog, type_text):
    type_text(dialog.id_number_edit, "12345")
    with qtbot.waitSignal(dialog.warnings_shown):
        dialog.id_number_edit.editingFinished.emit()
    assert dialog.warnings("id_number") == [tr("warning.applicant.id_number_length", digits="12")]
    with qtbot.waitSignal(dialog.warnings_shown):
        type_text(dialog.id_number_edit, "6")  # editing hides the warning until the field is left
    assert dialog.warning_labels["id_number"].isHidden()
    dialog.id_number_edit.setText("089202017098")
    with qtbot.waitSignal(dialog.warnings_shown):
        dialog.id_number_edit.editingFinished.emit()
    assert dialog.warning_labels["id_number"].isHidden()


def test_an_organisation_number_is_not_held_to_the_citizen_format(qtbot, dialog, type_text):
    type_text(dialog.id_number_edit, "0101234567-001")
    with qtbot.waitSignal(dialog.warnings_shown):
        dialog.id_number_edit.editingFinished.emit()
    assert dialog.warning_labels["id_number"].isVisible()
    with qtbot.waitSignal(dialog.warnings_shown):
        dialog.applicant_type_box.setCurrentIndex(
            dialog.applicant_type_box.findData(ApplicantType.BUSINESS)
        )
    assert dialog.warning_labels["id_number"].isHidden()


def test_phone_and_email_that_cannot_be_right_are_warned_about_when_receiving(
    qtbot, dialog, services, type_text, sample_page
):
    filled(dialog, type_text, NAME, [sample_page])
    dialog.phone_edit.setText("12345")
    dialog.email_edit.setText("nhung@gmail")
    with qtbot.waitSignal(dialog.dossier_received):
        dialog.receive()
    assert dialog.warnings("phone") == [tr("warning.applicant.phone_not_vietnamese")]
    assert dialog.warnings("email") == [tr("warning.applicant.email_shape")]
    assert stored(services) == (1, 1)


def test_a_right_to_left_override_in_the_phone_is_refused_at_that_field(
    qtbot, dialog, services, type_text, sample_page
):
    filled(dialog, type_text, NAME, [sample_page])
    dialog.phone_edit.insert("0912\u202e345678")  # as pasted
    dialog.email_edit.setFocus()
    with qtbot.waitSignal(dialog.receiving_failed) as blocker:
        dialog.receive()
    assert blocker.args == [tr("error.applicant.phone_invalid")]
    assert dialog.focusWidget() is dialog.phone_edit
    assert stored(services) == (0, 0)


def test_a_file_chosen_twice_is_warned_about_under_the_files_and_can_still_be_received(
    qtbot, dialog, services, type_text, sample_page, tmp_path
):
    filled(dialog, type_text, NAME, [])
    with qtbot.waitSignal(dialog.warnings_shown) as blocker:
        dialog.set_files([sample_page, sample_page])
    assert blocker.args == ["files"]
    name = sample_page.name
    expected = tr("warning.dossier.file_added_twice", name=name, position="2", first=name)
    assert dialog.warnings("files") == [expected]
    assert dialog.warning_labels["files"].isVisible()

    copy = tmp_path / "ban-sao.png"
    copy.write_bytes(sample_page.read_bytes())
    with qtbot.waitSignal(dialog.warnings_shown):
        dialog.set_files([sample_page, copy])
    assert dialog.warnings("files") == [
        tr("warning.dossier.file_same_content", name="ban-sao.png", position="2", first=name)
    ]
    with qtbot.waitSignal(dialog.dossier_received):
        dialog.receive()
    assert stored(services) == (1, 1)


def test_removing_the_repeated_file_clears_the_warning(qtbot, dialog, sample_page):
    with qtbot.waitSignal(dialog.warnings_shown):
        dialog.set_files([sample_page, sample_page])
    assert dialog.warning_labels["files"].isVisible()
    dialog.file_list.setCurrentRow(1)
    with qtbot.waitSignal(dialog.warnings_shown):
        qtbot.mouseClick(dialog.remove_file_button, Qt.MouseButton.LeftButton)
    assert dialog.warning_labels["files"].isHidden()
    assert dialog.warnings("files") == []
