"""The counter's intake view, driven by the keyboard as an officer at the counter would."""

from __future__ import annotations

import dataclasses
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWidget
from sqlalchemy import text

from tests.fakes.printer import FakePrinter
from workstation.domain import Catalogue, Channel
from workstation.domain.catalogue import ComponentRequirement
from workstation.services import Services
from workstation.store.dossiers import get_dossier
from workstation.ui.intake.intake_view import IntakeView
from workstation.ui.intake.summary import appointment, printed_moment

PERMIT = "1.009994"  # building permit for a house: three components in the sample catalogue
CARD = "049202000284||Khuất Lưu Huy Nhật|24022002|Nam|Cẩm Bào, Cẩm Yên, Thạch Thất, Hà Nội|31052021"
# Two components Decree 15/2021 asks of some permits, added so the checklist has five.
EXTRA = (
    ComponentRequirement("CK", "Bản cam kết bảo đảm an toàn công trình liền kề", required=False),
    ComponentRequirement(
        "TT", "Báo cáo kết quả thẩm tra thiết kế", originals=0, photocopies=1, required=False
    ),
)


class Keyboard:
    """Presses keys into whichever widget has the focus, counting every action."""

    def __init__(self, qtbot, type_text: Callable[[QWidget, str], None]) -> None:
        self.qtbot, self.type_text = qtbot, type_text
        self.keys = 0  # Enter, shortcuts
        self.characters = 0  # typed (or sent by the card reader)
        self.files = 0  # files chosen

    def focus(self) -> QWidget:
        widget = QApplication.focusWidget()
        assert widget is not None, "nothing has the keyboard focus"
        return widget

    def type(self, text: str) -> None:
        self.characters += len(text)
        self.type_text(self.focus(), text)

    def press(self, key: Qt.Key, modifier=Qt.KeyboardModifier.NoModifier) -> None:
        self.keys += 1
        self.qtbot.keyClick(self.focus(), key, modifier)

    @property
    def actions(self) -> int:
        return self.keys + self.characters + self.files


@pytest.fixture
def five_component_services(services: Services) -> Services:
    procedures = [
        dataclasses.replace(p, components=p.components + EXTRA) if p.code == PERMIT else p
        for p in services.catalogue.in_force()
    ]
    return dataclasses.replace(services, catalogue=Catalogue(procedures))


def open_view(qtbot, services: Services) -> IntakeView:
    view = IntakeView(services)
    view.printer = FakePrinter()
    qtbot.addWidget(view)
    view.resize(1300, 900)
    view.show()
    qtbot.waitExposed(view)
    view.activateWindow()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is view.search.edit)
    return view


def pick(qtbot, view: IntakeView, code: str) -> None:
    """Choose the procedure ``code`` and wait for its checklist rows to be shown."""
    view.search._search(code)
    view.search.pick()
    qtbot.waitUntil(lambda: view.checklist.rows[-1].pages_edit.isVisible())


def test_receiving_a_five_component_dossier_by_keyboard_alone_stores_it_and_prints_its_receipt(
    qtbot, five_component_services: Services, type_text, sample_page: Path, pdf_file: Path
) -> None:
    services = five_component_services
    view = open_view(qtbot, services)
    keyboard = Keyboard(qtbot, type_text)

    keyboard.type("giay phep xay dung nha o")
    keyboard.press(Qt.Key.Key_Return)
    assert view.procedure() is not None and view.procedure().code == PERMIT
    assert len(view.checklist.rows) == 5
    # The rows are shown once the event loop runs, as it does between two keystrokes.
    qtbot.waitUntil(lambda: view.checklist.rows[-1].pages_edit.isVisible())
    assert keyboard.focus() is view.card_edit

    with qtbot.waitSignal(view.card_read):
        keyboard.type(CARD)  # what the handheld reader types
        keyboard.press(Qt.Key.Key_Return)
    assert view.name_edit.text() == "Khuất Lưu Huy Nhật"
    assert view.id_number_edit.text() == "049202000284"
    assert view.address_edit.text() == "Cẩm Bào, Cẩm Yên, Thạch Thất, Hà Nội"
    assert "24/02/2002" in view.card_label.text() and "Nam" in view.card_label.text()
    assert keyboard.focus() is view.phone_edit
    keyboard.type("0912345678")
    keyboard.press(Qt.Key.Key_Return)
    keyboard.type("nhat@example.vn")
    keyboard.press(Qt.Key.Key_Return)

    # Each row: its pages typed, its file chosen (the file dialog's seam), Enter to the next.
    files = {"DN": (sample_page, 1), "QSDD": (pdf_file, 2), "BV": (pdf_file, 2)}
    files |= {"CK": (sample_page, 1), "TT": (sample_page, 1)}
    for row in view.checklist.rows:
        assert keyboard.focus() is row.pages_edit
        path, pages = files[row.code]
        keyboard.type(str(pages))
        with qtbot.waitSignal(view.checklist.row_checked):
            keyboard.files += 1
            view.checklist.add_files(row.code, [path])
        assert view.checklist.warning(row.code) == ""
        if row is not view.checklist.rows[-1]:
            keyboard.press(Qt.Key.Key_Return)
    assert view.summary.assessment is not None and view.summary.assessment.total == 75_000

    with qtbot.waitSignal(view.receipt_ready, timeout=60_000) as ready:
        keyboard.press(Qt.Key.Key_Return)  # Enter on the last field receives
    print(
        f"\nfive-component dossier received in {keyboard.actions} actions: "
        f"{keyboard.keys} key presses, {keyboard.files} files chosen, "
        f"{keyboard.characters} characters typed (card payload {len(CARD)} of them, by the reader)"
    )
    assert (keyboard.keys, keyboard.files) == (9, 5)

    with services.database.reading() as session:
        stored = get_dossier(session, view.dossier.id)
    assert [c.requirement_code for c in stored.components] == ["DN", "QSDD", "BV", "CK", "TT"]
    assert [c.paper_pages for c in stored.components] == [1, 2, 2, 1, 1]
    assert [c.image_count for c in stored.components] == [1, 2, 2, 1, 1]
    assert stored.code and stored.code == view.code_label.text()
    assert stored.fee == 75_000 and stored.charge == 0
    procedure = services.catalogue.get(PERMIT)
    assert stored.due_at == appointment(procedure, Channel.COUNTER, stored.received_at)
    assert view.due_label.text() == printed_moment(stored.due_at)
    receipt = Path(ready.args[0])
    assert view.printer.printed == [receipt]
    text = subprocess.run(
        ["pdftotext", "-layout", str(receipt), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert stored.code in text
    assert "Khuất Lưu Huy Nhật" in text

    keyboard.press(Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)  # next citizen
    assert view.procedure() is None and view.name_edit.text() == "" and not view.checklist.rows
    assert keyboard.focus() is view.search.edit


def test_a_missing_required_component_is_refused_at_its_row_and_nothing_is_saved(
    qtbot, services: Services, type_text, sample_page: Path
) -> None:
    view = open_view(qtbot, services)
    keyboard = Keyboard(qtbot, type_text)
    pick(qtbot, view, PERMIT)
    view.name_edit.setText("Khuất Lưu Huy Nhật")
    with qtbot.waitSignal(view.checklist.row_checked):
        view.checklist.add_files("DN", [sample_page])
    with qtbot.waitSignal(view.receiving_failed):
        keyboard.press(Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert "Giấy tờ chứng minh quyền sử dụng đất" in view.checklist.warning("QSDD")
    assert keyboard.focus() is view.checklist.row("QSDD").pages_edit
    assert view.dossier is None
    with services.database.reading() as session:
        assert session.execute(text("SELECT count(*) FROM dossiers")).scalar() == 0


def test_more_images_than_paper_pages_warns_at_the_row(
    qtbot, services: Services, type_text, pdf_file: Path
) -> None:
    view = open_view(qtbot, services)
    keyboard = Keyboard(qtbot, type_text)
    pick(qtbot, view, PERMIT)
    view.checklist.row("BV").pages_edit.setFocus()
    keyboard.type("1")
    with qtbot.waitSignal(view.checklist.row_checked):
        view.checklist.add_files("BV", [pdf_file])
    warning = view.checklist.warning("BV")
    assert "2" in warning and "1" in warning and "Bản vẽ thiết kế" in warning


def test_the_fee_follows_the_channel_and_the_applicants_case(qtbot, services: Services) -> None:
    view = open_view(qtbot, services)
    pick(qtbot, view, PERMIT)
    assert view.summary.assessment.total == 75_000
    # Online only through the citizen's own e-ID confirmation, never picked at the counter.
    assert view.channel_box.findData(Channel.ONLINE) == -1
    view.channel_box.setCurrentIndex(view.channel_box.findData(Channel.ON_BEHALF))
    assert view.summary.assessment.total == 75_000  # filed for the citizen: counter rate
    view.case_checks["person_with_merit"].setChecked(True)
    assert view.summary.assessment.total == 37_500
    assert view.summary.due_label.text() == printed_moment(view.summary.due)


def test_scan_is_offered_with_the_workstations_own_scanner_service(
    qtbot, services: Services
) -> None:
    assert services.scan_into is not None  # open_services with default settings sets it
    view = open_view(qtbot, services)
    pick(qtbot, view, PERMIT)
    assert view.checklist.row("DN").scan_button.isVisible()


def test_scan_is_hidden_without_a_scanner_and_scans_into_its_row_with_one(
    qtbot, services: Services, sample_page: Path, tmp_path: Path
) -> None:
    view = open_view(qtbot, dataclasses.replace(services, scan_into=None))
    pick(qtbot, view, PERMIT)
    assert view.checklist.row("DN").scan_button.isHidden()
    view.close()

    scanned: list[str] = []

    def scan_into(code: str) -> list[Path]:  # a scanner that "scans" the sample page
        scanned.append(code)
        page = tmp_path / f"{code}-1.png"
        shutil.copy(sample_page, page)
        return [page]

    view = open_view(qtbot, dataclasses.replace(services, scan_into=scan_into))
    pick(qtbot, view, PERMIT)
    row = view.checklist.row("QSDD")
    assert row.scan_button.isVisible()
    row.pages_edit.setFocus()
    with qtbot.waitSignal(view.checklist.row_checked):
        qtbot.keyClick(row.pages_edit, Qt.Key.Key_F9)  # one action
    assert scanned == ["QSDD"]
    assert row.files == [tmp_path / "QSDD-1.png"] and row.images == 1


def test_a_payload_that_is_no_card_is_refused_at_the_card_field_and_fills_nothing(
    qtbot, services: Services, type_text
) -> None:
    view = open_view(qtbot, services)
    view.card_edit.setFocus()
    keyboard = Keyboard(qtbot, type_text)
    with qtbot.waitSignal(view.card_read):
        keyboard.type("049202000284|Khuất Lưu Huy Nhật")
        keyboard.press(Qt.Key.Key_Return)
    assert view.message("card") and "|" in view.message("card")[0]
    assert view.name_edit.text() == "" and view.id_number_edit.text() == ""


def test_a_card_typed_by_a_reader_with_caps_lock_on_is_repaired_and_warned_about(
    qtbot, services: Services, type_text
) -> None:
    view = open_view(qtbot, services)
    view.card_edit.setFocus()
    keyboard = Keyboard(qtbot, type_text)
    with qtbot.waitSignal(view.card_read):
        keyboard.type(CARD.swapcase())
        keyboard.press(Qt.Key.Key_Return)
    assert view.name_edit.text() == "Khuất Lưu Huy Nhật"
    assert view.address_edit.text() == "Cẩm Bào, Cẩm Yên, Thạch Thất, Hà Nội"
    assert "Nam" in view.card_label.text()
    assert view.message("card")  # the repair is said, at the field


def test_ctrl_n_in_the_window_clears_the_intake_view_and_opens_no_dialog(
    qtbot, services: Services
) -> None:
    from workstation.ui.intake.section import IntakeSection
    from workstation.ui.main_window import MainWindow

    window = MainWindow(services)
    qtbot.addWidget(window)
    with qtbot.waitSignal(window.outbox_counted):
        window.show()
    window.activateWindow()
    view = window.section(IntakeSection).view
    qtbot.waitUntil(lambda: QApplication.focusWidget() is view.search.edit)
    view.name_edit.setText("Khuất Lưu Huy Nhật")
    qtbot.keyClick(view.search.edit, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert view.name_edit.text() == ""
    assert QApplication.activeModalWidget() is None


def test_a_card_read_shows_todays_units_beside_the_address_kept_as_printed(
    qtbot, services: Services, type_text
) -> None:
    view = open_view(qtbot, services)
    view.card_edit.setFocus()
    keyboard = Keyboard(qtbot, type_text)
    with qtbot.waitSignal(view.card_read):
        keyboard.type(CARD)
        keyboard.press(Qt.Key.Key_Return)
    assert view.address_edit.text() == "Cẩm Bào, Cẩm Yên, Thạch Thất, Hà Nội"
    assert "Xã Tây Phương, Thành phố Hà Nội" in view.units_label.text()
    assert "minh họa" in view.units_label.text()  # the commune table is illustrative
    view.address_edit.setText("Xóm 3, Yên Thành, Ý Yên, Nam Định")
    assert "giữ nguyên địa chỉ như ghi" in view.units_label.text()
