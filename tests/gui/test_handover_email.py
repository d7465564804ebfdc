"""Handing a signed electronic result over by e-mail from the hand-over view: the citizen's
address filled in from the dossier, checked as typed, sent through a real SMTP server."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from tests.fakes.printer import FakePrinter
from tests.integration.onbehalf_helpers import (
    OTHER_ID,
    OWNER_ID,
    Inbox,
    processed,
    received,
    smtp_server,
    with_signed_result,
)
from workstation.domain import Applicant, DossierStatus
from workstation.onbehalf.handover import Delivery
from workstation.services import Services
from workstation.store.dossiers import get_dossier
from workstation.store.outbox import pending
from workstation.ui.onbehalf.handover_view import HandoverView


@pytest.fixture
def smtp() -> Iterator[tuple[Inbox, int]]:
    with smtp_server() as running:
        yield running


@pytest.fixture
def mailing(services: Services, smtp) -> Services:
    _inbox, port = smtp
    settings = services.settings.replace(
        smtp_server=f"127.0.0.1:{port}", smtp_sender="motcua@demo.gov.vn"
    )
    return dataclasses.replace(services, settings=settings)


def _open(qtbot, services: Services) -> HandoverView:
    view = HandoverView(services)
    view.printer = FakePrinter()
    qtbot.addWidget(view)
    view.show()
    qtbot.waitExposed(view)
    view.activateWindow()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is view.code_edit)
    return view


def _find(qtbot, view: HandoverView, code: str, type_text) -> None:
    with qtbot.waitSignal(view.found, timeout=20_000):
        type_text(view.code_edit, code)
        qtbot.keyClick(view.code_edit, Qt.Key.Key_Return)


def _choose_email(qtbot, view: HandoverView) -> None:
    view.delivery_box.setFocus()
    while view.delivery() is not Delivery.EMAIL:
        qtbot.keyClick(view.delivery_box, Qt.Key.Key_Down)


def test_the_result_is_e_mailed_to_the_address_typed_after_a_wrong_one_is_refused(
    qtbot, mailing: Services, smtp, sample_page, type_text
) -> None:
    inbox, _port = smtp
    dossier = received(mailing, sample_page)
    processed(mailing, dossier)
    with_signed_result(mailing, dossier)
    view = _open(qtbot, mailing)
    assert not view.email_edit.isVisible()  # at the counter: no address asked
    _find(qtbot, view, dossier.code, type_text)
    type_text(view.collector_edit, OWNER_ID)
    _choose_email(qtbot, view)
    assert view.email_edit.isVisible()
    assert view.email_edit.text() == "nhung@example.vn"  # from the dossier
    assert QApplication.focusWidget() is view.email_edit

    view.email_edit.clear()
    type_text(view.email_edit, "nhung.example.vn")
    assert view.email_message.isVisible()
    with qtbot.waitSignal(view.failed, timeout=20_000) as refused:
        qtbot.keyClick(view.email_edit, Qt.Key.Key_Return)
    assert "thư điện tử chưa đúng" in refused.args[0]
    assert not inbox.envelopes

    view.email_edit.clear()
    type_text(view.email_edit, "nguoinhan@example.vn")
    assert not view.email_message.isVisible()
    with qtbot.waitSignal(view.handed_over, timeout=30_000):
        qtbot.keyClick(view.email_edit, Qt.Key.Key_Return)
    [envelope] = inbox.envelopes
    assert envelope.rcpt_tos == ["nguoinhan@example.vn"]
    with mailing.database.reading() as session:
        assert get_dossier(session, dossier.id).status is DossierStatus.RESULT_RETURNED
        payload = pending(session)[-1].payload
    assert payload["delivery"] == "email" and payload["email"] == "nguoinhan@example.vn"


def test_without_an_address_on_the_dossier_the_field_waits_empty_and_nothing_is_sent(
    qtbot, mailing: Services, smtp, sample_page, type_text
) -> None:
    inbox, _port = smtp
    dossier = received(mailing, sample_page, Applicant(name="Lê Văn Lương", id_number=OWNER_ID))
    processed(mailing, dossier)
    with_signed_result(mailing, dossier)
    view = _open(qtbot, mailing)
    _find(qtbot, view, dossier.code, type_text)
    type_text(view.collector_edit, OWNER_ID)
    _choose_email(qtbot, view)
    assert view.email_edit.text() == "" and not view.email_message.isVisible()
    with qtbot.waitSignal(view.failed, timeout=20_000) as refused:
        qtbot.keyClick(view.email_edit, Qt.Key.Key_Return)
    assert refused.args[0] == "Cần địa chỉ thư điện tử để gửi kết quả."
    assert QApplication.focusWidget() is view.email_edit and not inbox.envelopes
    with mailing.database.reading() as session:
        assert get_dossier(session, dossier.id).status is DossierStatus.PROCESSED


def test_for_a_dossier_filed_for_its_owner_the_owners_address_is_filled_in(
    qtbot, mailing: Services, sample_page, type_text
) -> None:
    filer = Applicant(name="Lê Văn Lương", id_number=OTHER_ID, email="nguoinop@example.vn")
    owner = Applicant(name="Nguyễn Thị Hồng Nhung", id_number=OWNER_ID, email="chu@example.vn")
    dossier = received(mailing, sample_page, filer, owner=owner)
    processed(mailing, dossier)
    with_signed_result(mailing, dossier)
    view = _open(qtbot, mailing)
    _find(qtbot, view, dossier.code, type_text)
    type_text(view.collector_edit, OWNER_ID)
    _choose_email(qtbot, view)
    assert view.email_edit.text() == "chu@example.vn"  # the owner's, not the filer's
    assert not view.email_message.isVisible()
