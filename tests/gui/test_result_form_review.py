"""The result-form review: a scanned form read off the UI thread with its template found, each
value shown beside the dossier's with mismatches flagged, corrected by keyboard and filed as the
dossier's result; a scan that matches no template refused with its reason, nothing filed."""

from __future__ import annotations

import random
import threading
from pathlib import Path

import cv2
import numpy as np
import pytest
from PIL import Image
from PySide6.QtCore import Qt

from tests.softhsm_token import SoftHsmToken, shared_token
from tests.store_helpers import received_dossier
from workstation.resultforms import synthetic
from workstation.resultforms.templates import load_template, user_templates_root
from workstation.services import open_signer
from workstation.store.documents import results_of
from workstation.store.outbox import MessageKind, pending
from workstation.ui.resultforms.review import ResultFormReview


def scanned_form(folder: Path, owner: str) -> Path:
    """A filled household-business certificate, scanned slightly skewed and shifted."""
    template = load_template("household-business")
    rng = random.Random(5)
    values = {f.name: synthetic.sample_value(f.type, f.name, rng) for f in template.fields}
    values["owner_name"] = owner
    fields = [{"name": f.name, "box": list(f.box)} for f in template.fields]
    page = synthetic.fill(Image.fromarray(template.reference), fields, values)
    scan = synthetic.distort(page, rng, angle=1.5, shift=(20, -15), scale=0.97)
    path = folder / "scan.png"
    cv2.imwrite(str(path), scan)
    return path


@pytest.fixture
def review(qtbot, services) -> ResultFormReview:
    widget = ResultFormReview(services, user_templates_root(services.folders.data))
    qtbot.addWidget(widget)
    widget.resize(1100, 700)
    widget.show()
    return widget


def test_a_mismatched_name_is_flagged_corrected_by_keyboard_and_filed_as_the_result(
    review: ResultFormReview, qtbot, services, tmp_path: Path, type_text
) -> None:
    dossier = received_dossier(services.database, name="Trần Minh Đức")
    type_text(review.dossier_edit, str(dossier.number))
    with qtbot.waitSignal(review.read, timeout=120_000):
        review.open_scan(scanned_form(tmp_path, owner="Nguyễn Văn An"))
    assert review.template is not None and review.template.name == "household-business"
    assert review.template_box.currentData() == "household-business"
    owner = next(r for r in review.rows if r.field == "owner_name")
    assert owner.matches is False and owner.dossier_value == "Trần Minh Đức"
    editor = review.findChild(type(review.dossier_edit), "value-owner_name")
    assert editor.hasFocus()  # the first flagged value, selected for retyping
    row = [r.field for r in review.rows].index("owner_name")
    assert review.table.item(row, 3).text() == "Khác với hồ sơ"
    type_text(editor, "Trần Minh Đức")
    with qtbot.waitSignal(review.filed, timeout=60_000):
        qtbot.keyClick(editor, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    with services.database.reading() as session:
        [(result, document)] = results_of(session, dossier.id)
        [message] = [m for m in pending(session) if m.kind == MessageKind.DOCUMENT_ADDED]
    assert document.kind == "result" and result.signer == ""
    assert message.payload["result"]["fields"]["owner_name"] == "Trần Minh Đức"
    assert message.payload["result"]["template"] == "household-business"
    assert review.status.text() == "Đã lưu phôi làm kết quả của hồ sơ."


def test_a_name_read_without_its_diacritics_is_flagged_and_unknown_data_not_called_a_match(
    review: ResultFormReview, qtbot, services, tmp_path: Path, type_text
) -> None:
    dossier = received_dossier(services.database, name="Trần Minh Đức")
    type_text(review.dossier_edit, str(dossier.number))
    with qtbot.waitSignal(review.read, timeout=120_000):
        review.open_scan(scanned_form(tmp_path, owner="Tran Minh Duc"))
    fields = [r.field for r in review.rows]
    owner = review.rows[fields.index("owner_name")]
    assert owner.matches is False and owner.hint == "diacritics"
    assert (
        review.table.item(fields.index("owner_name"), 3)
        .text()
        .startswith("Khác với hồ sơ; Chỉ khác dấu")
    )
    editor = review.findChild(type(review.dossier_edit), "value-owner_name")
    assert editor.styleSheet()  # flagged in red
    # No result issued yet: the registration date has nothing to compare, not a match.
    registered = review.rows[fields.index("registered_on")]
    assert registered.matches is None
    assert review.table.item(fields.index("business_name"), 3).text() == "Không có gì để so sánh"


@pytest.fixture(scope="module")
def token(tmp_path_factory: pytest.TempPathFactory) -> SoftHsmToken:
    return shared_token(tmp_path_factory)


def test_a_form_filed_with_sign_ticked_asks_the_pin_once_and_stores_a_signed_result(
    qtbot, services, tmp_path: Path, type_text, token: SoftHsmToken
) -> None:
    import dataclasses

    from workstation.sign.verify import verify_pdf

    settings = dataclasses.replace(services.settings, pkcs11_module=str(token.module))
    threads: list[str] = []

    def signer_on_this_thread(**arguments):  # type: ignore[no-untyped-def]
        threads.append(threading.current_thread().name)
        return open_signer(**arguments)

    services = dataclasses.replace(
        services, settings=settings, signer_factory=signer_on_this_thread
    )
    review = ResultFormReview(services, user_templates_root(services.folders.data))
    qtbot.addWidget(review)
    review.show()
    dossier = received_dossier(services.database, name="Trần Minh Đức")
    type_text(review.dossier_edit, str(dossier.number))
    with qtbot.waitSignal(review.tokens.loaded, timeout=20_000):
        qtbot.keyClick(review.sign_box, Qt.Key.Key_Space)
    tokens = review.tokens
    tokens.token_box.setCurrentIndex(
        next(i for i, t in enumerate(tokens.tokens) if t.label == token.label)
    )
    tokens.certificate_box.setCurrentIndex(tokens.certificate_box.findData("signer"))
    with qtbot.waitSignal(review.read, timeout=120_000):
        review.open_scan(scanned_form(tmp_path, owner="Trần Minh Đức"))
    qtbot.keyClick(review.editors[0], Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    dialog = review.pin_dialog
    assert dialog is not None and dialog.isVisible()
    type_text(dialog.pin_edit, token.pin)
    with qtbot.waitSignal(review.filed, timeout=60_000):
        qtbot.keyClick(dialog.pin_edit, Qt.Key.Key_Return)
    with services.database.reading() as session:
        [(result, document)] = results_of(session, dossier.id)
    assert result.signer  # the certificate's subject
    signed = tmp_path / "result.pdf"
    signed.write_bytes(services.blobs.read(document.sha256))
    [report] = verify_pdf(signed, (token.ca_file,))
    assert report.intact
    assert review.status.text() == "Đã lưu phôi làm kết quả của hồ sơ (đã ký số)."
    # signed on the token slot's serial queue, not the store's thread
    assert len(threads) == 1 and "token:" in threads[0], threads


def test_a_scan_that_matches_no_template_is_refused_and_nothing_is_filed(
    review: ResultFormReview, qtbot, services, tmp_path: Path, type_text
) -> None:
    dossier = received_dossier(services.database)
    type_text(review.dossier_edit, str(dossier.number))
    blank = tmp_path / "blank.png"
    page = np.full((1754, 1240), 255, np.uint8)
    cv2.putText(page, "NOT A FORM", (200, 800), cv2.FONT_HERSHEY_SIMPLEX, 4, 0, 8)
    cv2.imwrite(str(blank), page)
    with qtbot.waitSignal(review.failed, timeout=120_000) as failure:
        review.open_scan(blank)
    assert failure.args[0].code == "resultforms.no_template_matches"
    assert review.status.text().startswith("Ảnh quét không khớp với mẫu phôi nào")
    assert not review.file_action.isEnabled()
    with services.database.reading() as session:
        assert results_of(session, dossier.id) == []


def test_a_value_that_breaks_its_format_is_flagged_with_the_reason_even_when_it_matches() -> None:
    from workstation.resultforms.compare import Comparison
    from workstation.ui.resultforms.review import check_text, field_problems

    warnings = ["field_format:serial", "field_empty:owner_name", "form_cut_off"]
    assert field_problems("serial", warnings) == ["field_format"]
    assert field_problems("registered_on", warnings) == []
    row = Comparison("serial", "Số", "12AB34", 80.0, "12AB34", True)
    assert check_text(row, ["field_format"]) == "Sai định dạng"
    assert check_text(row, []) == "Khớp"
    other = Comparison("owner_name", "Họ tên", "", 0.0, "Lê Văn Tám", False)
    assert check_text(other, ["field_empty"]) == "Khác với hồ sơ; Không đọc được giá trị"


def test_a_name_differing_only_in_diacritics_says_so_and_a_field_without_data_says_so() -> None:
    from workstation.resultforms.compare import DIACRITICS, Comparison
    from workstation.ui.resultforms.review import check_text

    name = Comparison("owner_name", "Họ tên", "Lê Văn Tam", 90.0, "Lê Văn Tám", False, DIACRITICS)
    assert check_text(name, []) == "Khác với hồ sơ; Chỉ khác dấu: kiểm tra cách viết đúng"
    unknown = Comparison("business_name", "Tên", "Tạp hoá An", 90.0, None, None)
    assert check_text(unknown, []) == "Không có gì để so sánh"


def test_a_dossier_that_does_not_exist_is_said_so_and_nothing_can_be_filed(
    review: ResultFormReview, qtbot, services, tmp_path: Path, type_text
) -> None:
    type_text(review.dossier_edit, "999")
    with qtbot.waitSignal(review.failed, timeout=120_000) as failure:
        review.open_scan(scanned_form(tmp_path, owner="Lê Văn Tám"))
    assert failure.args[0].code == "dossier.not_found"
    assert review.status.text() == failure.args[0].user_message()
    assert not review.file_action.isEnabled()
    qtbot.keyClick(review, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    with services.database.reading() as session:
        assert pending(session) == []
