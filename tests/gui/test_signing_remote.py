"""Remote signing (CSC API v1) offered in the signing section, against the fake service on loopback.

The officer picks the remote service of their signing profile instead of a
token, types the access token and the credential's PIN in the window's own
prompt, and the queued documents are signed through the service (the fake
plays the phone) and stored in their dossiers; a wrong PIN is refused and
not retried.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt

from tests.fakes.csc_server import FakeCredential, FakeCscService, fake_csc_server
from tests.gui.test_signing_section import SIGN_TIMEOUT_MS, queue_documents
from tests.softhsm_token import SoftHsmToken, shared_token
from workstation.intake.signed import signing_queue
from workstation.services import Services
from workstation.sign import softhsm
from workstation.sign.profile import RemoteService, SigningProfile, save_profile
from workstation.store.dossiers import get_dossier
from workstation.store.outbox import pending
from workstation.ui.signing.remote_picker import RemoteDialog
from workstation.ui.signing.section import SigningSection

ACCESS = "csc-access-token-for-tests"
CREDENTIAL_PIN = "8642"


@pytest.fixture(scope="module")
def token(tmp_path_factory: pytest.TempPathFactory) -> SoftHsmToken:
    return shared_token(tmp_path_factory)


@pytest.fixture(scope="module")
def csc(token: SoftHsmToken) -> Iterator[FakeCscService]:
    now = dt.datetime.now(dt.UTC)
    key = softhsm.new_signing_key()
    cert = token.authority.issue(
        key,
        "Lê Văn Ký Xa",
        not_before=now - dt.timedelta(days=1),
        not_after=now + dt.timedelta(days=30),
    )
    chain = [cert, token.authority.certificate]
    service = FakeCscService(
        ACCESS,
        {
            "mysign-1": FakeCredential(key, chain, pin=CREDENTIAL_PIN),
            "never-confirmed": FakeCredential(key, chain, polls_before_confirm=10_000),
        },
    )
    with fake_csc_server(service):
        yield service


def open_remote_section(
    qtbot, services: Services, csc: FakeCscService, type_text
) -> SigningSection:
    save_profile(
        services.folders.config,
        SigningProfile([RemoteService("MySign thử", csc.url, "mysign-1")]),
    )
    section = SigningSection(services)
    qtbot.addWidget(section)
    section.resize(1200, 800)
    with qtbot.waitSignal(section.queue.queue_loaded, timeout=20_000):
        section.show()
    section.activateWindow()
    qtbot.waitActive(section)
    queue = section.queue
    source = queue.source
    assert source.isVisible() and source.source_box.count() == 2
    source.source_box.setCurrentIndex(1)  # the remote service, beside the token
    assert source.credential_id() == "mysign-1" and not queue.tokens.isVisible()
    queue.look_box.setCurrentIndex(queue.look_box.findData("copy"))
    type_text(queue.agency_edit, "UBND xã Thử Nghiệm")
    return section


def sign_remotely(qtbot, section: SigningSection, type_text, pin: str) -> RemoteDialog:
    queue = section.queue
    queue.table.setFocus()
    qtbot.keyClick(queue.table, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(queue.table, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    dialog = queue.pin_dialog
    assert isinstance(dialog, RemoteDialog) and dialog.isVisible(), queue.message
    type_text(dialog.token_edit, ACCESS)
    type_text(dialog.pin_edit, pin)
    with qtbot.waitSignal(queue.batch_finished, timeout=SIGN_TIMEOUT_MS):
        qtbot.keyClick(dialog.pin_edit, Qt.Key.Key_Return)
    return dialog


def test_queued_documents_signed_through_the_remote_service_are_stored_in_their_dossiers(
    qtbot, services, receive, tmp_path, csc, type_text, caplog
) -> None:
    queued = queue_documents(services, receive, tmp_path, 2)
    section = open_remote_section(qtbot, services, csc, type_text)
    before = csc.calls.count("signatures/signHash")
    with qtbot.waitSignal(section.queue.queue_loaded, timeout=20_000):
        dialog = sign_remotely(qtbot, section, type_text, CREDENTIAL_PIN)
    assert "Đã ký và lưu" in section.queue.message, section.queue.message
    assert csc.calls.count("signatures/signHash") - before == 2
    assert dialog.take_secrets() == ("", "")  # the dialog kept nothing
    with services.database.reading() as session:
        for dossier, scan in queued:
            documents = get_dossier(session, dossier.id).components[0].documents
            assert scan.id in [d.id for d in documents] and len(documents) == 3
        signed = [m for m in pending(session) if m.kind == "document.signed"]
    assert sorted(m.entity_id for m in signed) == sorted(d.id for d, _ in queued)
    assert signing_queue(services.database) == []
    assert ACCESS not in caplog.text and CREDENTIAL_PIN not in caplog.text


def test_wrong_remote_pin_is_refused_and_not_retried(
    qtbot, services, receive, tmp_path, csc, type_text
) -> None:
    queue_documents(services, receive, tmp_path, 1)
    section = open_remote_section(qtbot, services, csc, type_text)
    before = csc.calls.count("credentials/authorize")
    sign_remotely(qtbot, section, type_text, "0000")
    assert "PIN" in section.queue.message
    assert csc.calls.count("credentials/authorize") - before == 1  # asked once, never again
    assert [e.state for e in section.queue.entries] == ["waiting"]
    assert len(signing_queue(services.database)) == 1


def test_cancel_stops_waiting_for_the_phone_and_the_documents_stay_queued(
    qtbot, services, receive, tmp_path, csc, type_text
) -> None:
    queue_documents(services, receive, tmp_path, 2)
    section = open_remote_section(qtbot, services, csc, type_text)
    queue = section.queue
    queue.source.credential_edit.setText("never-confirmed")
    before = len(csc.calls)
    queue.table.setFocus()
    qtbot.keyClick(queue.table, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(queue.table, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    dialog = queue.pin_dialog
    assert isinstance(dialog, RemoteDialog)
    type_text(dialog.token_edit, ACCESS)
    qtbot.keyClick(dialog.token_edit, Qt.Key.Key_Return)
    assert "điện thoại" in queue.message
    # The service has been asked and the phone does not answer: the officer cancels.
    qtbot.waitUntil(lambda: "credentials/authorize" in csc.calls[before:], timeout=20_000)
    with qtbot.waitSignal(queue.batch_finished, timeout=SIGN_TIMEOUT_MS):
        queue.cancel_action.trigger()
    assert queue.message.startswith("Đã dừng ký. Đã ký 0 tài liệu"), queue.message
    assert [e.state for e in queue.entries] == ["waiting", "waiting"]
    assert len(signing_queue(services.database)) == 2
    assert "signatures/signHash" not in csc.calls[before:]
