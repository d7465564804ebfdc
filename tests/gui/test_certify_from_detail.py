"""Certifying a digitised component from the dossier's detail, on a real SoftHSM2 token.

The receiving officer chooses the scanned PDF of a component in the detail,
presses Ctrl+Shift+Y, picks the token and certificate, keeps SAO Y and the
agency, types the PIN once: the signed copy becomes a new document of the
same component (the scan kept), with its signature record and its
``document.signed`` message, valid for pdfsig and our verify. Ctrl+Shift+H
queues it for the signing page instead. A wrong PIN stores nothing and is
not retried.
"""

from __future__ import annotations

import dataclasses
import subprocess

import pytest
from PySide6.QtCore import Qt

from tests.gui.test_signing_section import _pdf
from tests.softhsm_token import SoftHsmToken, shared_token
from workstation.intake.attach import attach_document
from workstation.intake.signed import signing_queue
from workstation.sign.verify import last_signature, verify_pdf
from workstation.store.dossiers import get_dossier
from workstation.store.outbox import pending
from workstation.store.signatures import signatures_of
from workstation.ui.dossiers.dossier_detail import DOCUMENT_ROLE
from workstation.ui.dossiers.section import DossiersSection
from workstation.ui.signing.certify import CertifyDialog
from workstation.ui.signing.pin_dialog import PinDialog

pytestmark = pytest.mark.gui

CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
AGENCY = "UBND xã Thử Nghiệm"
SIGN_TIMEOUT_MS = 60_000


@pytest.fixture(scope="module")
def token(tmp_path_factory: pytest.TempPathFactory) -> SoftHsmToken:
    return shared_token(tmp_path_factory)


@pytest.fixture
def shown(qtbot, services, receive, tmp_path, token):
    """A dossier with a scanned PDF in its first component, shown in the Dossiers section
    of a window whose settings name the token's module and the agency."""
    dossier = receive("Trần Văn Chứng Thực")
    scan = attach_document(
        services.database, services.blobs, dossier.id, "1", _pdf(tmp_path / "giay-khai-sinh.pdf")
    )
    settings = dataclasses.replace(
        services.settings, pkcs11_module=str(token.module), agency_name=AGENCY
    )
    section = DossiersSection(dataclasses.replace(services, settings=settings))
    qtbot.addWidget(section)
    section.resize(1200, 800)
    with qtbot.waitSignal(section.model.page_loaded):
        section.show()
    with qtbot.waitSignal(section.detail.dossier_loaded, timeout=20_000):
        assert section.list_view.select_dossier(dossier.id)
    return section, dossier, scan


def choose_document(section: DossiersSection, document_id: str) -> None:
    tree = section.detail.components
    for i in range(tree.topLevelItemCount()):
        component = tree.topLevelItem(i)
        for j in range(component.childCount()):
            child = component.child(j)
            if child.data(0, DOCUMENT_ROLE).id == document_id:
                tree.setCurrentItem(child)
                return
    raise AssertionError("document not in the detail")


def press(qtbot, section: DossiersSection, key: Qt.Key) -> None:
    """Ctrl+Shift+key in the components tree, as the officer presses it."""
    with qtbot.waitActive(section):
        section.activateWindow()
    section.detail.components.setFocus()
    qtbot.keyClick(section.detail.components, key, CTRL_SHIFT)


def open_certify(qtbot, section: DossiersSection, token: SoftHsmToken) -> tuple[PinDialog, str]:
    """Ctrl+Shift+Y, the token and its signing certificate chosen, Enter: the PIN dialog
    (and the chosen token's serial)."""
    with qtbot.waitSignal(section.certify.tokens_listed, timeout=20_000):
        press(qtbot, section, Qt.Key.Key_Y)
    dialog = section.certify.dialog
    assert isinstance(dialog, CertifyDialog) and dialog.isVisible()
    assert dialog.copy_form_box.currentText() == "SAO Y"
    assert dialog.agency_edit.text() == AGENCY
    tokens = dialog.tokens
    tokens.token_box.setCurrentIndex(
        next(i for i, t in enumerate(tokens.tokens) if t.label == token.label)
    )
    tokens.certificate_box.setCurrentIndex(tokens.certificate_box.findData("signer"))
    assert tokens.pin_state_label.text()  # the PIN state, shown before the PIN is asked
    serial = tokens.token().serial
    qtbot.keyClick(dialog.agency_edit, Qt.Key.Key_Return)
    pin_dialog = section.certify.pin_dialog
    assert pin_dialog is not None and pin_dialog.isVisible(), dialog.problem.text()
    return pin_dialog, serial


def test_a_scanned_component_certified_from_the_detail_is_stored_beside_the_scan_and_queued(
    qtbot, services, token, shown, type_text, tmp_path
) -> None:
    section, dossier, scan = shown
    certify = section.certify
    first = section.detail.current_document()
    assert first is not None and first.media_type != "application/pdf"  # a page image
    assert not certify.certify_action.isEnabled()  # only a component's PDF is certified
    choose_document(section, scan.id)
    assert certify.certify_action.isEnabled() and certify.queue_action.isEnabled()

    pin_dialog, serial = open_certify(qtbot, section, token)
    type_text(pin_dialog.pin_edit, token.pin)
    with (
        qtbot.waitSignal(certify.certified, timeout=SIGN_TIMEOUT_MS),
        qtbot.waitSignal(section.detail.dossier_loaded, timeout=SIGN_TIMEOUT_MS),
    ):
        qtbot.keyClick(pin_dialog.pin_edit, Qt.Key.Key_Return)

    assert "Đã chứng thực «giay-khai-sinh.pdf»" in certify.message
    assert section.notice.isVisible() and section.notice.text() == certify.message
    with services.database.reading() as session:
        documents = get_dossier(session, dossier.id).components[0].documents
        (record,) = signatures_of(session, dossier.id)
        signed_messages = [m for m in pending(session) if m.kind == "document.signed"]
    ids = [d.id for d in documents]
    assert scan.id in ids and len(documents) == 3  # the page, the scan kept, the signed copy
    (signed,) = [d for d in documents if d.id not in (scan.id, first.id)]
    assert signed.file_name == "giay-khai-sinh.signed.pdf"
    assert record.role == "certified_copy"
    assert [m.entity_id for m in signed_messages] == [dossier.id]

    path = tmp_path / "signed.pdf"
    path.write_bytes(services.blobs.read(signed.sha256))
    assert last_signature(path).field_name.startswith("Copy")  # Decree 30's copy text
    (report,) = verify_pdf(path, [token.ca_file])
    assert report.intact and report.trusted
    pdfsig = subprocess.run(["pdfsig", str(path)], capture_output=True, text=True).stdout
    assert "Signature is Valid" in pdfsig

    # The detail shows the new document and the signature in the copy's role.
    assert section.detail.signatures.rowCount() == 1
    assert section.detail.signatures.item(0, 1).text() == "Bản sao điện tử"
    assert section.detail.signatures.item(0, 3).text() == record.certificate_sha256
    # Signed on the token slot's own serial executor, not the store's.
    from workstation.ui import background

    assert background.EXECUTORS[f"token:{serial}"] == 1


def test_a_scanned_component_queued_from_the_detail_waits_for_the_signing_page(
    qtbot, services, shown
) -> None:
    section, dossier, scan = shown
    choose_document(section, scan.id)
    with (
        qtbot.waitSignal(section.certify.queued, timeout=20_000),
        qtbot.waitSignal(section.store_changed, timeout=20_000),
    ):
        press(qtbot, section, Qt.Key.Key_H)
    (waiting,) = signing_queue(services.database)
    assert (waiting.dossier_id, waiting.document_id, waiting.role) == (
        dossier.id,
        scan.id,
        "certified_copy",
    )
    assert "hàng chờ ký chứng thực" in section.certify.message


def test_a_wrong_pin_when_certifying_stores_nothing_and_is_not_retried(
    qtbot, services, token, shown, type_text, caplog
) -> None:
    section, dossier, scan = shown
    choose_document(section, scan.id)
    pin_dialog, _serial = open_certify(qtbot, section, token)
    type_text(pin_dialog.pin_edit, "000000")
    with qtbot.waitSignal(section.certify.finished, timeout=SIGN_TIMEOUT_MS):
        qtbot.keyClick(pin_dialog.pin_edit, Qt.Key.Key_Return)
    message = section.certify.message
    assert "Mã PIN không đúng" in message and "không tự thử lại" in message
    # The state the token reports after the wrong try, read again (not "loading").
    from workstation.sign.tokens import list_tokens
    from workstation.ui.signing.token_picker import pin_state_text

    found = list_tokens(token.module, with_certificates=False)
    state = next(t.pin_state for t in found if t.label == token.label)
    assert pin_state_text(state) in message and "Đang" not in message
    assert not [w for w in section.findChildren(PinDialog) if w.isVisible()]
    assert "000000" not in caplog.text
    with services.database.reading() as session:
        assert len(get_dossier(session, dossier.id).components[0].documents) == 2
        assert signatures_of(session, dossier.id) == []
    assert section.certify.certify_action.isEnabled()  # the officer may try again, by hand
