"""The dossier detail panel shows the dossier's result documents and its signature records."""

from __future__ import annotations

import pytest

from tests.gui.test_signing_section import _pdf
from tests.softhsm_token import SoftHsmToken, shared_token
from workstation.domain.clock import local
from workstation.intake.signed import SignItem, add_result_for_signature, sign_into_dossiers
from workstation.services import open_signer
from workstation.sign.pades import Appearance, KeyChoice
from workstation.store.signatures import signatures_of
from workstation.ui.dossiers.dossier_detail import DossierDetail
from workstation.ui.dossiers.dossier_list_model import TIME_FORMAT

pytestmark = pytest.mark.gui


@pytest.fixture(scope="module")
def token(tmp_path_factory: pytest.TempPathFactory) -> SoftHsmToken:
    return shared_token(tmp_path_factory)


def open_detail(qtbot, services, dossier_id: str) -> DossierDetail:
    detail = DossierDetail(services.database, services.blobs, services.catalogue)
    qtbot.addWidget(detail)
    detail.resize(900, 900)
    detail.show()
    with qtbot.waitSignal(detail.dossier_loaded, timeout=20_000):
        detail.show_dossier(dossier_id)
    return detail


def cells(table) -> list[list[str]]:
    return [
        [table.item(r, c).text() if table.item(r, c) else "" for c in range(table.columnCount())]
        for r in range(table.rowCount())
    ]


def test_signed_result_shows_with_who_signed_in_which_role_when_and_the_certificate(
    qtbot, services, receive, tmp_path, token
) -> None:
    dossier = receive("Phạm Thị Kết Quả")
    draft, request = add_result_for_signature(
        services.database, services.blobs, dossier.id, _pdf(tmp_path / "ket-qua.pdf")
    )
    look = Appearance("signer", title="CHỦ TỊCH", name="Nguyễn Văn Ký")
    with open_signer(key=KeyChoice(token.module, token.label, None, "signer"), pin=token.pin) as s:
        signing = sign_into_dossiers(
            services.database,
            services.blobs,
            s,
            [SignItem(dossier.id, draft.id, "result", request)],
            look,
        )
    signed_document = signing.stored[0][1]
    with services.database.reading() as session:
        (record,) = signatures_of(session, dossier.id)
    detail = open_detail(qtbot, services, dossier.id)
    results = cells(detail.results)
    assert len(results) == 2
    assert results[0][0] == signed_document.file_name
    assert results[0][1] == "Đã ký số · kết quả hiện hành"
    assert results[1] == ["ket-qua.pdf", "Chưa ký"]
    ((signer, role, when, fingerprint),) = cells(detail.signatures)
    assert signer == record.signer and signer
    assert role == "Kết quả giải quyết"
    assert fingerprint == record.certificate_sha256 and len(fingerprint) == 64
    assert when == local(record.signed_at).strftime(TIME_FORMAT)
    assert detail.signatures.editTriggers() == detail.signatures.EditTrigger.NoEditTriggers


def test_dossier_without_signatures_says_so(qtbot, services, receive) -> None:
    dossier = receive("Võ Văn Chưa Ký")
    detail = open_detail(qtbot, services, dossier.id)
    assert cells(detail.results) == [["Chưa có kết quả.", ""]]
    assert cells(detail.signatures) == [["Chưa có chữ ký số.", "", "", ""]]
