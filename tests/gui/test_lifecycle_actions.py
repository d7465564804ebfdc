"""The life-cycle steps from the Dossiers section, by keyboard: each shortcut opens its
dialog, Ctrl+Enter saves the step, prints its form and shows the dossier's new state."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from PySide6.QtCore import Qt

from tests.fakes.printer import FakePrinter
from workstation.domain import Applicant, clock
from workstation.intake.receive import CodeIssuer, NewDossier, receive_dossier
from workstation.store import outbox
from workstation.store.dossiers import get_dossier
from workstation.ui.lifecycle.step_dialog import (
    ExtensionDialog,
    ItemsDialog,
    ReasonsDialog,
    SupplementDialog,
)

pytestmark = pytest.mark.gui

CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier


@pytest.fixture
def shown(qtbot, services, sample_page, section):
    """A received dossier with its code, selected in the section, its detail loaded."""
    dossier = receive_dossier(
        services.database,
        services.blobs,
        services.catalogue,
        NewDossier(
            procedure_code="1.001193",
            applicant=Applicant(name="Nguyễn Thị Hồng Nhung"),
            files=[sample_page],
            received_at=clock.now() - timedelta(minutes=30),
        ),
        issuer=CodeIssuer.from_settings(services.settings),
    )
    section.lifecycle.printer = FakePrinter()
    with qtbot.waitSignal(section.model.page_loaded):
        section.model.reload()
    with qtbot.waitSignal(section.detail.dossier_loaded):
        assert section.list_view.select_dossier(dossier.id)
    return dossier


def _press(qtbot, section, key: Qt.Key) -> None:
    """Ctrl+Shift+key in the dossier list, as the officer presses it (the section active)."""
    with qtbot.waitActive(section):
        section.activateWindow()
    section.list_view.table.setFocus()
    qtbot.keyClick(section.list_view.table, key, CTRL_SHIFT)


def _accept(qtbot, section, dialog) -> None:
    """Ctrl+Enter in the dialog; wait until the step is saved and the detail reloaded."""
    with (
        qtbot.waitSignal(section.lifecycle.step_finished, timeout=20_000),
        qtbot.waitSignal(section.detail.dossier_loaded, timeout=20_000),
    ):
        qtbot.keyClick(dialog.focusWidget(), Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)


def _pending_kinds(services) -> list[str]:
    with services.database.reading() as session:
        return [e.kind for e in outbox.pending(session, 100)]


def test_supplement_requested_then_received_by_keyboard_pauses_and_resumes_the_clock(
    qtbot, services, section, shown, type_text
):
    _press(qtbot, section, Qt.Key.Key_B)
    dialog = section.lifecycle.dialog
    assert isinstance(dialog, ItemsDialog) and dialog.isVisible()
    type_text(dialog.items_edit, "Giấy chứng sinh: Bản chụp bị mờ")
    _accept(qtbot, section, dialog)
    detail = section.detail
    assert detail.fields["status"].text() == "Yêu cầu bổ sung"
    assert "thời hạn tạm dừng" in detail.fields["history"].text()
    [printed] = section.lifecycle.printer.printed
    assert printed.name.endswith(".pdf") and "-supplement-" in printed.name
    assert not section.lifecycle.actions["supplement"].isEnabled()
    assert section.lifecycle.actions["supplement_received"].isEnabled()

    _press(qtbot, section, Qt.Key.Key_N)
    dialog = section.lifecycle.dialog
    assert isinstance(dialog, SupplementDialog) and dialog.isVisible()
    _accept(qtbot, section, dialog)  # no papers picked: the step alone
    assert detail.fields["status"].text() == "Đã tiếp nhận"
    assert "Nhận bổ sung" in detail.fields["history"].text()
    assert "-receipt-" in section.lifecycle.printer.printed[-1].name
    assert _pending_kinds(services)[-4:] == [
        "dossier.status_changed",
        "dossier.supplement_requested",
        "dossier.status_changed",
        "dossier.supplement_received",
    ]


def test_the_supplements_papers_picked_per_component_join_the_dossier_with_the_step(
    qtbot, services, section, shown, type_text, pdf_file
):
    _press(qtbot, section, Qt.Key.Key_B)
    type_text(section.lifecycle.dialog.items_edit, "Giấy chứng sinh: Bản chụp bị mờ")
    _accept(qtbot, section, section.lifecycle.dialog)

    _press(qtbot, section, Qt.Key.Key_N)
    dialog = section.lifecycle.dialog
    assert isinstance(dialog, SupplementDialog)
    dialog.choose = lambda: [pdf_file]  # what the officer picks in the system file dialog
    assert dialog.focusWidget() is dialog.buttons["1"]
    qtbot.keyClick(dialog.buttons["1"], Qt.Key.Key_Space)
    assert pdf_file.name in dialog.labels["1"].text()
    _accept(qtbot, section, dialog)

    assert section.detail.fields["status"].text() == "Đã tiếp nhận"
    with services.database.reading() as session:
        stored = get_dossier(session, shown.id)
    documents = stored.components[0].documents
    assert [d.page_count for d in documents] == [1, 2]  # the one received, then the supplement
    assert _pending_kinds(services)[-3:] == [
        "document.added",
        "dossier.status_changed",
        "dossier.supplement_received",
    ]


def test_refusal_by_keyboard_leaves_the_dossier_refused_with_no_step_left_but_the_register(
    qtbot, services, section, shown, type_text
):
    _press(qtbot, section, Qt.Key.Key_T)
    dialog = section.lifecycle.dialog
    assert isinstance(dialog, ReasonsDialog)
    type_text(dialog.reasons_edit, "Hồ sơ không thuộc thẩm quyền")
    _accept(qtbot, section, dialog)
    assert section.detail.fields["status"].text() == "Không tiếp nhận"
    enabled = {n for n, a in section.lifecycle.actions.items() if a.isEnabled()}
    assert enabled == {"register"}
    assert _pending_kinds(services)[-2:] == ["dossier.status_changed", "dossier.refused"]


def test_an_extension_to_an_earlier_day_is_refused_with_its_reason(
    qtbot, services, section, shown, type_text
):
    _press(qtbot, section, Qt.Key.Key_G)
    dialog = section.lifecycle.dialog
    assert isinstance(dialog, ExtensionDialog)
    type_text(dialog.reason_edit, "Cần xác minh thêm")
    dialog.due_edit.setDateTime(datetime(2020, 1, 1, 8, 0))
    with qtbot.waitSignal(section.lifecycle.step_failed, timeout=20_000) as failed:
        qtbot.keyClick(dialog.reason_edit, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert failed.args == ["lifecycle.new_due_not_later"]
    assert section.lifecycle.printer.printed == []
    assert "dossier.extended" not in _pending_kinds(services)


def test_the_register_of_today_is_printed_from_the_keyboard(qtbot, section, shown):
    _press(qtbot, section, Qt.Key.Key_S)
    dialog = section.lifecycle.dialog
    with qtbot.waitSignal(section.lifecycle.step_finished, timeout=20_000) as done:
        qtbot.keyClick(dialog.focusWidget(), Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert done.args == [""]
    [printed] = section.lifecycle.printer.printed
    today = clock.now().date().isoformat()
    assert printed.name == f"register-{today}-{today}.pdf"
