"""The one error dialog: the officer's message, a copyable report, and the exception hook."""

from __future__ import annotations

import sys

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QPushButton

from workstation import __version__, i18n
from workstation.errors import BadInput, Cancelled
from workstation.i18n import tr
from workstation.ui.errors import ErrorDialog, install_excepthook, reporter, show_error

pytestmark = pytest.mark.gui


def damaged_pdf_error() -> BadInput:
    try:
        try:
            raise ValueError("xref table broken")
        except ValueError as cause:
            raise BadInput(
                "hong.pdf is a damaged PDF (ValueError: xref table broken)",
                code="file.pdf_damaged",
                name="hong.pdf",
            ) from cause
    except BadInput as exc:
        return exc


def test_report_holds_code_detail_cause_and_version(qtbot):
    dialog = ErrorDialog(damaged_pdf_error())
    qtbot.addWidget(dialog)
    assert dialog.message_label.text() == (
        "Tệp PDF hong.pdf bị hỏng, không đọc được. Vui lòng quét lại hoặc chọn tệp khác."
    )
    assert "Code: file.pdf_damaged" in dialog.report
    assert "Detail: hong.pdf is a damaged PDF (ValueError: xref table broken)" in dialog.report
    assert "Cause: ValueError: xref table broken" in dialog.report
    assert f"workstation {__version__}" in dialog.report
    assert "Traceback" not in dialog.report  # an expected error needs none
    assert dialog.details.toPlainText() == dialog.report


def test_copy_report_puts_it_on_the_clipboard(qtbot):
    dialog = ErrorDialog(damaged_pdf_error())
    qtbot.addWidget(dialog)
    QApplication.clipboard().clear()
    with qtbot.waitSignal(dialog.report_copied):
        qtbot.mouseClick(dialog.copy_button, Qt.MouseButton.LeftButton)
    assert QApplication.clipboard().text() == dialog.report
    assert dialog.copy_button.text() == tr("error.dialog.copied")


def test_details_are_hidden_until_asked_for(qtbot):
    dialog = ErrorDialog(damaged_pdf_error())
    qtbot.addWidget(dialog)
    dialog.show()
    assert not dialog.details.isVisible()
    qtbot.mouseClick(dialog.details_button, Qt.MouseButton.LeftButton)
    assert dialog.details.isVisible()


def test_unexpected_error_shows_the_generic_message_and_a_traceback(qtbot):
    try:
        {}["missing"]
    except KeyError as exc:
        error = exc
    dialog = ErrorDialog(error)
    qtbot.addWidget(dialog)
    assert dialog.message_label.text() == tr("error.internal.unexpected")
    assert "Code: internal.unexpected" in dialog.report
    assert "Traceback" in dialog.report
    assert "KeyError: 'missing'" in dialog.report


def test_report_never_carries_a_citizen_id_number(qtbot):
    error = BadInput("applicant 001203004567 refused", code="input.invalid")
    dialog = ErrorDialog(error)
    qtbot.addWidget(dialog)
    assert "001203004567" not in dialog.report
    assert "001******567" in dialog.report


def test_message_follows_the_interface_language(qtbot):
    i18n.set_language("en")
    dialog = ErrorDialog(damaged_pdf_error())
    qtbot.addWidget(dialog)
    assert dialog.message_label.text().startswith("The PDF hong.pdf is damaged")
    assert dialog.windowTitle() == "Error"


@pytest.mark.parametrize("key", [Qt.Key.Key_Return, Qt.Key.Key_Escape])
def test_enter_or_escape_closes_the_dialog(qtbot, key):
    dialog = show_error(None, damaged_pdf_error())  # deletes itself on close
    assert dialog is not None
    qtbot.waitExposed(dialog)
    assert dialog.focusWidget() is dialog.close_button
    # Even with the officer's focus on "details", Enter closes rather than toggles.
    dialog.details_button.setFocus()
    with qtbot.waitSignal(dialog.finished):
        qtbot.keyClick(dialog.details_button, key)
    assert not dialog.details_button.isChecked()


def test_show_error_ignores_cancelled(qtbot):
    with qtbot.assertNotEmitted(reporter().error_shown):
        assert show_error(None, Cancelled()) is None


@pytest.mark.qt_no_exception_capture
def test_exception_raised_in_a_slot_reaches_the_error_dialog(qtbot):
    button = QPushButton()
    qtbot.addWidget(button)

    def broken_slot() -> None:
        raise RuntimeError("slot failed")

    button.clicked.connect(broken_slot)
    previous = sys.excepthook
    uninstall = install_excepthook()
    try:
        with qtbot.waitSignal(reporter().error_shown) as blocker:
            qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
        dialog = blocker.args[0]
        qtbot.addWidget(dialog)
        assert dialog.message_label.text() == tr("error.internal.unexpected")
        assert "RuntimeError: slot failed" in dialog.report
        # While it is open, a second failure is logged but opens no second dialog.
        with qtbot.assertNotEmitted(reporter().error_shown):
            qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    finally:
        uninstall()
    assert sys.excepthook is previous
