"""The window as the officer acting on this PC sees it: sections their roles do not allow
are disabled naming the role, a refused attempt shows the typed message, and the window
locks (on Ctrl+L and when idle) until the same officer, or another who takes over, signs in.

Against the reference central server on loopback, with secrets in a test keyring.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog

from tests.fakes.fake_keyring import FakeFileKeyring
from tests.integration.sync.conftest import PASSWORD, Server, start_server
from workstation.config import load_settings
from workstation.i18n import tr
from workstation.services import Services, open_services
from workstation.store import audit
from workstation.ui import background
from workstation.ui.archive.section import ArchiveSection
from workstation.ui.capture.section import CaptureSection
from workstation.ui.errors import ErrorDialog
from workstation.ui.intake.section import IntakeSection
from workstation.ui.main_window import MainWindow
from workstation_central.models import Officer, OfficerRole
from workstation_central.security import hash_password

pytestmark = pytest.mark.gui

CLERK_PASSWORD = "Lưu-trữ-2026"


@pytest.fixture
def central(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Server]:
    monkeypatch.setenv("WORKSTATION_FAKE_KEYRING", str(tmp_path / "keyring.json"))
    before = keyring.get_keyring()
    keyring.set_keyring(FakeFileKeyring())
    server = start_server(tmp_path / "central")
    with server.central.sessions() as db:
        db.merge(Officer(user="vanthu", password_hash=hash_password(CLERK_PASSWORD)))
        db.flush()
        db.merge(OfficerRole(user="vanthu", role="records_clerk"))
        db.commit()
    monkeypatch.setenv("WORKSTATION_CENTRAL_URL", server.url)
    yield server
    server.stop()
    keyring.set_keyring(before)


def open_window(qtbot, folders) -> tuple[MainWindow, Services]:
    services = open_services(load_settings(folders), folders)
    services.sender = None  # no sending rounds: the window's officer is under test here
    window = MainWindow(services)
    qtbot.addWidget(window)
    window.show()
    return window, services


@pytest.fixture
def signed_in_window(qtbot, central, folders) -> Iterator[MainWindow]:
    """The window with ``canbo1`` (every role) acting."""
    opened = open_services(load_settings(folders), folders)
    opened.desk.sign_in("canbo1", PASSWORD)
    opened.close()
    window, services = open_window(qtbot, folders)
    qtbot.waitUntil(lambda: window.officers.officer is not None)
    yield window
    window.close()
    background.wait_for_idle(10_000)
    services.close()


def audit_actions(window: MainWindow) -> list[tuple[str, str, str | None]]:
    with window.services.database.reading() as session:
        return [(e.action, e.officer, e.object_id) for e in audit.list_entries(session)]


def unlock(qtbot, type_text, window: MainWindow, user: str, password: str, signal) -> list:
    page = window.officers.lock_page
    page.user_edit.clear()
    type_text(page.user_edit, user)
    type_text(page.password_edit, password)
    with qtbot.waitSignal(signal, timeout=20_000) as blocker:
        page.unlock_button.click()
    return blocker.args


def test_ctrl_l_locks_the_window_hiding_its_content(qtbot, signed_in_window) -> None:
    window = signed_in_window
    shown = window.show_section(IntakeSection)
    assert shown.isVisible()
    with qtbot.waitSignal(window.officers.locked):
        qtbot.keyClick(window, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    assert window.pages.currentWidget() is window.officers.lock_page
    assert not shown.isVisible()
    assert window.windowTitle() == tr("app.name")
    assert not window.menuBar().isEnabled()
    assert "canbo1" in window.officers.lock_page.text.text()


def test_the_lock_is_listed_with_the_shortcuts(signed_in_window) -> None:
    from workstation.ui.shortcuts import shortcut_rows

    rows = shortcut_rows(signed_in_window)
    assert any(r.what == tr("officers.lock") and r.keys == "Ctrl+L" for r in rows)


def test_an_open_dialog_is_hidden_while_locked_and_back_after(
    qtbot, type_text, signed_in_window
) -> None:
    window = signed_in_window
    dialog = QDialog(window)
    dialog.show()
    window.officers.lock()
    assert not dialog.isVisible()
    unlock(qtbot, type_text, window, "canbo1", PASSWORD, window.officers.unlocked)
    assert dialog.isVisible()
    dialog.close()


def test_the_window_locks_when_idle(qtbot, central, folders, monkeypatch) -> None:
    monkeypatch.setenv("WORKSTATION_LOCK_AFTER_SECONDS", "1")
    window, services = open_window(qtbot, folders)
    try:
        assert window.officers.idle_timer.interval() == 1000
        with qtbot.waitSignal(window.officers.locked, timeout=10_000):
            pass
        assert window.pages.currentWidget() is window.officers.lock_page
        assert not window.officers.idle_timer.isActive()  # locked: no second lock
    finally:
        window.close()
        background.wait_for_idle(10_000)
        services.close()


def test_the_same_officer_unlocks(qtbot, type_text, signed_in_window) -> None:
    window = signed_in_window
    window.officers.lock()
    page = window.officers.lock_page
    assert page.user_edit.text() == "canbo1"
    wrong = unlock(qtbot, type_text, window, "canbo1", "sai", page.refused)
    assert wrong == [tr("error.sync.wrong_password", server=window.services.settings.central_url)]
    assert window.officers.is_locked and page.password_edit.text() == ""
    assert unlock(qtbot, type_text, window, "canbo1", PASSWORD, window.officers.unlocked) == [
        "canbo1"
    ]
    assert window.pages.currentIndex() == 0
    assert window.menuBar().isEnabled()
    assert ("officer.took_over", "canbo1", None) not in audit_actions(window)


def test_another_officer_takes_over_with_their_own_roles(
    qtbot, type_text, signed_in_window
) -> None:
    window = signed_in_window
    window.officers.lock()
    taken = unlock(qtbot, type_text, window, "vanthu", CLERK_PASSWORD, window.officers.taken_over)
    assert taken == ["vanthu"]
    assert ("officer.took_over", "vanthu", "canbo1") in audit_actions(window)
    intake = window.sections.index(window.section(IntakeSection))
    archive = window.sections.index(window.section(ArchiveSection))
    item = window.navigation.item(intake)
    assert not item.flags() & Qt.ItemFlag.ItemIsEnabled
    assert tr("role.counter_officer") in item.toolTip()
    assert not window.section(IntakeSection).isEnabled()
    assert window.navigation.item(archive).flags() & Qt.ItemFlag.ItemIsEnabled
    assert not window.settings_action.isEnabled()
    assert tr("role.administrator") in window.settings_action.toolTip()
    entry = window.section(CaptureSection).view.address_entry  # devices: an administrator's
    assert not entry.isEnabled() and tr("role.administrator") in entry.toolTip()


def test_a_refused_attempt_shows_the_typed_message_and_is_recorded(
    qtbot, type_text, signed_in_window
) -> None:
    window = signed_in_window
    window.officers.lock()
    unlock(qtbot, type_text, window, "vanthu", CLERK_PASSWORD, window.officers.taken_over)
    with qtbot.waitSignal(window.officers.refused) as blocker:
        assert window.open_settings() is None
    assert tr("role.administrator") in blocker.args[0]
    assert ("action.refused", "vanthu", "settings") in audit_actions(window)
    for dialog in window.findChildren(ErrorDialog):
        dialog.close()


def test_nobody_signed_in_sees_every_gated_section_disabled(qtbot, central, folders) -> None:
    window, services = open_window(qtbot, folders)
    try:
        with qtbot.waitSignal(window.officers.officer_known, timeout=10_000) as known:
            pass
        assert known.args == [None]
        for section in window.sections:
            if section.action is not None:
                assert not section.isEnabled()
        assert window.officers.officer_label.text() == tr("officers.status_nobody")
    finally:
        window.close()
        background.wait_for_idle(10_000)
        services.close()


def test_signing_out_locks_and_is_recorded(qtbot, signed_in_window) -> None:
    window = signed_in_window
    with qtbot.waitSignal(window.officers.signed_out, timeout=20_000):
        window.officers.sign_out_action.trigger()
    assert window.officers.is_locked and window.officers.officer is None
    assert window.officers.lock_page.user_edit.text() == ""
    assert audit_actions(window)[-1][:2] == ("officer.signed_out", "canbo1")
    assert window.services.desk.current() is None


def test_signing_in_from_the_outbox_enables_what_the_roles_allow(
    qtbot, type_text, central, folders
) -> None:
    from workstation.ui.outbox.section import OutboxSection

    window, services = open_window(qtbot, folders)
    try:
        with qtbot.waitSignal(window.officers.officer_known, timeout=10_000):
            pass
        assert not window.section(IntakeSection).isEnabled()
        dialog = window.section(OutboxSection).open_sign_in()
        type_text(dialog.user_edit, "canbo1")
        type_text(dialog.password_edit, PASSWORD)
        with qtbot.waitSignal(
            window.officers.officer_known,
            timeout=20_000,
            check_params_cb=lambda officer: officer is not None,
        ):
            dialog.sign_in_button.click()
        assert window.section(IntakeSection).isEnabled()
        assert window.officers.officer_label.text() == tr("officers.status", user="canbo1")
    finally:
        window.close()
        background.wait_for_idle(10_000)
        services.close()


def test_adding_a_scanner_past_the_disabled_box_is_refused_with_the_message(
    qtbot, type_text, signed_in_window
) -> None:
    window = signed_in_window
    window.officers.lock()
    unlock(qtbot, type_text, window, "vanthu", CLERK_PASSWORD, window.officers.taken_over)
    entry = window.section(CaptureSection).view.address_entry
    entry.edit.setText("http://127.0.0.1:9/eSCL")
    with qtbot.waitSignal(entry.failed, timeout=20_000) as blocker:
        entry.add()  # as a shortcut or a stale state would, past the disabled box
    assert tr("role.administrator") in blocker.args[0]
    assert ("action.refused", "vanthu", "devices") in audit_actions(window)
