"""The outbox page: every message with its state and reason, and the officer's Retry."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QItemSelectionModel, Qt

from workstation import i18n
from workstation.outbox import State, list_outbox
from workstation.store.outbox import MessageKind, mark_needs_attention, mark_sent
from workstation.ui.dossiers.section import DossiersSection
from workstation.ui.main_window import MainWindow
from workstation.ui.outbox.outbox_model import Column, kind_text
from workstation.ui.outbox.section import OutboxSection

pytestmark = pytest.mark.gui


def needs_attention(services, message_id: str, reason: str = "central.refused.invalid") -> None:
    with services.database.transaction() as session:
        mark_needs_attention(session, message_id, reason)


def cells(section: OutboxSection, row: int) -> list[str]:
    model = section.model
    return [model.index(row, c).data() for c in range(model.columnCount())]


def select_rows(section: OutboxSection, *rows: int) -> None:
    selection = section.table.selectionModel()
    selection.clearSelection()
    flags = QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows
    for row in rows:
        selection.select(section.model.index(row, 0), flags)


@pytest.fixture
def three_messages(services, receive) -> list[str]:
    """Three dossiers received: the first needs the officer, the second was sent."""
    for name in ("Nguyễn Văn An", "Trần Minh Đức", "Lê Thị Hoa"):
        receive(name)
    ids = [item.message_id for item in list_outbox(services.database)]
    needs_attention(services, ids[0])
    with services.database.transaction() as session:
        mark_sent(session, ids[1])
    return ids


@pytest.fixture
def outbox(qtbot, services) -> OutboxSection:
    section = OutboxSection(services)
    qtbot.addWidget(section)
    with qtbot.waitSignal(section.model.loaded):
        section.show()
    return section


def test_each_message_shows_its_dossier_kind_state_attempts_and_reason(
    qtbot, three_messages, outbox
):
    assert outbox.model.rowCount() == 3
    assert cells(outbox, 0) == [
        "#000001",
        "Tiếp nhận hồ sơ",
        "Cần xử lý",
        "0",
        "central.refused.invalid",
        "",
    ]
    assert cells(outbox, 1)[Column.STATE] == "Đã gửi"
    assert cells(outbox, 2)[:3] == ["#000003", "Tiếp nhận hồ sơ", "Chờ gửi"]
    assert outbox.counts_label.text() == "Chờ gửi: 1 · Đang gửi: 0 · Cần xử lý: 1 · Đã gửi: 1"


@pytest.mark.parametrize("language", ["vi", "en"])
def test_every_kind_of_message_has_a_name_in_the_outbox(language) -> None:
    names = i18n.catalogue(language)
    assert [k.value for k in MessageKind if f"outbox.kind.{k.value}" not in names] == []
    assert kind_text(MessageKind.DOCUMENT_ADDED) != "outbox.kind.document.added"


def test_headers_and_states_speak_english_when_asked(qtbot, services, three_messages):
    i18n.set_language("en")
    section = OutboxSection(services)
    qtbot.addWidget(section)
    with qtbot.waitSignal(section.model.loaded):
        section.show()
    headers = [section.model.headerData(c, Qt.Orientation.Horizontal) for c in range(len(Column))]
    assert headers == ["Dossier", "Content", "State", "Attempts", "Error / reason", "Next attempt"]
    assert cells(section, 0)[Column.STATE] == "Needs attention"


def test_retry_is_offered_only_for_a_message_needing_the_officer(qtbot, three_messages, outbox):
    assert not outbox.retry_action.isEnabled()
    select_rows(outbox, 1)  # sent
    assert not outbox.retry_action.isEnabled()
    select_rows(outbox, 2)  # waiting, never failed
    assert not outbox.retry_action.isEnabled()
    select_rows(outbox, 0)
    assert outbox.retry_action.isEnabled()
    assert outbox.retry_action.toolTip() == "Gửi lại (Ctrl+R)"


def test_ctrl_r_queues_the_selected_message_again(qtbot, services, three_messages, outbox):
    outbox.window().activateWindow()
    qtbot.waitActive(outbox.window())
    select_rows(outbox, 0, 1)
    with qtbot.waitSignal(outbox.retried, check_params_cb=lambda n: n == 1):
        qtbot.keyClick(outbox.table, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)
    with qtbot.waitSignal(outbox.model.loaded):
        pass
    states = [item.state for item in list_outbox(services.database)]
    assert states == [State.PENDING, State.SENT, State.PENDING]
    assert cells(outbox, 0)[Column.STATE] == "Chờ gửi"
    assert outbox.model.counts.needs_attention == 0
    assert not outbox.retry_all_action.isEnabled()


def test_selection_survives_a_refresh(qtbot, three_messages, outbox):
    select_rows(outbox, 0)
    with qtbot.waitSignal(outbox.model.loaded):
        outbox.refresh()
    assert outbox.selected_message_ids() == [three_messages[0]]
    assert outbox.retry_action.isEnabled()


def test_retry_all_queues_every_message_needing_the_officer(
    qtbot, services, receive, three_messages, outbox
):
    needs_attention(services, three_messages[2])
    with qtbot.waitSignal(outbox.model.loaded):
        outbox.refresh()
    assert outbox.retry_all_action.isEnabled()
    with qtbot.waitSignal(outbox.retried, check_params_cb=lambda n: n == 2):
        outbox.retry_all_action.trigger()
    with qtbot.waitSignal(outbox.model.loaded):
        pass
    assert outbox.model.counts.needs_attention == 0
    assert outbox.model.counts.pending == 2


def test_a_dossier_received_in_another_section_appears_in_the_outbox(qtbot, services, receive):
    window = MainWindow(services)
    qtbot.addWidget(window)
    outbox = window.section(OutboxSection)
    with qtbot.waitSignal(outbox.model.loaded):
        window.show_section(OutboxSection)
        window.show()
    assert outbox.model.rowCount() == 0
    receive("Nguyễn Văn An")
    with qtbot.waitSignal(outbox.model.loaded):
        window.section(DossiersSection).store_changed.emit()
    assert outbox.model.rowCount() == 1
    assert cells(outbox, 0)[Column.DOSSIER] == "#000001"


def test_the_refresh_timer_runs_only_while_the_page_is_shown(qtbot, outbox):
    assert outbox._timer.isActive()
    outbox.hide()
    assert not outbox._timer.isActive()
    with qtbot.waitSignal(outbox.model.loaded):
        outbox.show()
    assert outbox._timer.isActive()
    outbox.close()
    assert not outbox._timer.isActive()


def test_closing_the_window_stops_the_outbox_timer(qtbot, services):
    window = MainWindow(services)
    qtbot.addWidget(window)
    outbox = window.section(OutboxSection)
    with qtbot.waitSignal(outbox.model.loaded):
        window.show_section(OutboxSection)
        window.show()
    assert outbox._timer.isActive()
    window.close()
    assert not outbox._timer.isActive()
