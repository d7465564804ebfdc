"""The sign-in dialog: a shell over the core login, never keeping or logging the password."""

from __future__ import annotations

import dataclasses
import logging

import pytest
from PySide6.QtWidgets import QLineEdit

from tests.fakes.central import FakeLogin
from workstation.ui.outbox.section import OutboxSection
from workstation.ui.outbox.sign_in_dialog import SignInDialog

pytestmark = pytest.mark.gui

SERVER = "https://motcua.example.gov.vn"
PASSWORD = "Mật-khẩu-đúng-2026"


@pytest.fixture
def login() -> FakeLogin:
    return FakeLogin("canbo01", PASSWORD)


@pytest.fixture
def dialog(qtbot, login) -> SignInDialog:
    dialog = SignInDialog(login, SERVER)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def fill(type_text, dialog: SignInDialog, user: str, password: str) -> None:
    type_text(dialog.user_edit, user)
    type_text(dialog.password_edit, password)


def test_the_password_is_typed_hidden(dialog):
    assert dialog.password_edit.echoMode() == QLineEdit.EchoMode.Password
    assert dialog.server_edit.text() == SERVER


def test_the_right_password_signs_in_and_closes(qtbot, dialog, login, type_text):
    fill(type_text, dialog, "canbo01", PASSWORD)
    with qtbot.waitSignal(dialog.signed_in) as blocker:
        dialog.sign_in_button.click()
    assert blocker.args == [login.name]
    assert login.attempts == [(SERVER, "canbo01")]
    assert not dialog.isVisible()
    assert dialog.password_edit.text() == ""


def test_a_wrong_password_is_said_at_the_field_which_is_cleared(
    qtbot, dialog, login, type_text, caplog
):
    caplog.set_level(logging.DEBUG)
    fill(type_text, dialog, "canbo01", "sai-mật-khẩu")
    with qtbot.waitSignal(dialog.refused) as blocker:
        dialog.sign_in_button.click()
    assert blocker.args == ["Tên đăng nhập hoặc mật khẩu không đúng."]
    assert dialog.password_message.text() == "Tên đăng nhập hoặc mật khẩu không đúng."
    assert dialog.password_message.isVisible()
    assert dialog.password_edit.text() == ""
    assert dialog.focusWidget() is dialog.password_edit
    assert dialog.user_edit.text() == "canbo01"
    assert dialog.isVisible()
    assert "sai-mật-khẩu" not in caplog.text
    # The officer types it again, rightly this time.
    type_text(dialog.password_edit, PASSWORD)
    with qtbot.waitSignal(dialog.signed_in):
        dialog.sign_in_button.click()
    assert PASSWORD not in caplog.text


def test_empty_fields_are_said_without_asking_the_server(qtbot, login, type_text):
    dialog = SignInDialog(login, "")
    qtbot.addWidget(dialog)
    dialog.show()
    type_text(dialog.user_edit, "canbo01")
    with qtbot.waitSignal(dialog.refused):
        dialog.sign_in_button.click()
    assert dialog.server_message.text() == "Vui lòng nhập thông tin này."
    assert dialog.password_message.text() == "Vui lòng nhập thông tin này."
    assert not dialog.user_message.isVisible()
    assert dialog.focusWidget() is dialog.server_edit
    assert login.attempts == []


def test_sign_in_is_offered_only_when_the_services_have_a_login(qtbot, services, login):
    section = OutboxSection(services)
    qtbot.addWidget(section)
    assert not section.sign_in_action.isEnabled()
    assert section.open_sign_in() is None
    settings = dataclasses.replace(services.settings, central_url=SERVER)
    with_login = OutboxSection(dataclasses.replace(services, login=login, settings=settings))
    qtbot.addWidget(with_login)
    assert with_login.sign_in_action.isEnabled()
    dialog = with_login.open_sign_in()
    assert dialog is not None and dialog.server_edit.text() == SERVER
    dialog.reject()
