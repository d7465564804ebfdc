"""Signed files into dossiers: a new stored document beside the kept original, its signature
record and its ``document.signed`` message in one transaction, on a real SoftHSM2 token."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from sqlalchemy import func, select

from tests.integration.consistency import assert_store_consistent
from tests.integration.sign.conftest import one_page_pdf
from tests.integration.test_receive_dossier import receive
from workstation.intake.attach import attach_document
from workstation.intake.signed import (
    SignItem,
    add_result_for_signature,
    request_signature,
    send_back,
    sign_into_dossiers,
    signing_queue,
)
from workstation.services import open_signer
from workstation.sign.pades import Appearance, KeyChoice
from workstation.sign.verify import verify_pdf
from workstation.store.dossiers import get_dossier
from workstation.store.models import ResultRow
from workstation.store.outbox import pending
from workstation.store.signatures import signatures_of


def _key(token) -> KeyChoice:
    return KeyChoice(token.module, token.label, None, "signer")


def _dossier_with_pdf(services, sample_page: Path, tmp_path: Path):
    dossier = receive(services, sample_page)
    scanned = attach_document(
        services.database, services.blobs, dossier.id, "1", one_page_pdf(tmp_path / "scan.pdf")
    )
    return dossier, scanned


def test_certified_copy_is_a_new_document_of_its_component_and_is_queued(
    services, sample_page, tmp_path, token
) -> None:
    dossier, scanned = _dossier_with_pdf(services, sample_page, tmp_path)
    request = request_signature(services.database, dossier.id, scanned.id, "certified_copy")
    assert [w.request_id for w in signing_queue(services.database)] == [request]
    look = Appearance("copy", copy_form="SAO Y", agency="UBND xã Thử Nghiệm")
    with open_signer(key=_key(token), pin=token.pin) as signer:
        result = sign_into_dossiers(
            services.database,
            services.blobs,
            signer,
            [SignItem(dossier.id, scanned.id, "certified_copy", request)],
            look,
        )
    assert len(result.stored) == 1 and not result.refused and not result.remaining
    signed = result.stored[0][1]
    with services.database.reading() as session:
        documents = get_dossier(session, dossier.id).components[0].documents
        queued = pending(session)
        recorded = signatures_of(session, dossier.id)
    ids = [d.id for d in documents]
    assert scanned.id in ids and ids[-1] == signed.id  # the original is kept
    assert signing_queue(services.database) == []
    message = [m for m in queued if m.kind == "document.signed"]
    assert len(message) == 1 and message[0].entity_id == dossier.id
    payload = message[0].payload
    assert payload["document"]["sha256"] == signed.sha256
    assert payload["source_document_id"] == scanned.id
    assert payload["signature"]["role"] == "certified_copy"
    assert "Nguyễn Văn Ký" in payload["signature"]["signer"]
    assert len(payload["signature"]["certificate_sha256"]) == 64
    assert recorded[0].certificate_sha256 == payload["signature"]["certificate_sha256"]
    stored_pdf = tmp_path / "stored.pdf"
    stored_pdf.write_bytes(services.blobs.read(signed.sha256))
    report = verify_pdf(stored_pdf, [token.ca_file])
    assert [r.intact and r.trusted for r in report] == [True]
    pdfsig = subprocess.run(["pdfsig", str(stored_pdf)], capture_output=True, text=True)
    assert "Signature is Valid" in pdfsig.stdout  # an independent validator agrees
    assert_store_consistent(services)


def test_signed_result_becomes_the_dossiers_result_and_the_draft_is_kept(
    services, sample_page, tmp_path, token
) -> None:
    dossier = receive(services, sample_page)
    draft, request = add_result_for_signature(
        services.database, services.blobs, dossier.id, one_page_pdf(tmp_path / "kq.pdf")
    )
    look = Appearance("signer", title="CHỦ TỊCH", name="Nguyễn Văn Ký")
    with open_signer(key=_key(token), pin=token.pin) as signer:
        result = sign_into_dossiers(
            services.database,
            services.blobs,
            signer,
            [SignItem(dossier.id, draft.id, "result", request)],
            look,
        )
    signed = result.stored[0][1]
    with services.database.reading() as session:
        result_row = session.scalar(select(ResultRow).where(ResultRow.dossier_id == dossier.id))
        kinds = [m.kind for m in pending(session)]
    assert result_row.document_id == signed.id
    assert services.blobs.exists(draft.sha256)
    assert kinds.count("document.signed") == 1


def test_sent_back_document_leaves_the_queue_with_its_comment(
    services, sample_page, tmp_path
) -> None:
    dossier, scanned = _dossier_with_pdf(services, sample_page, tmp_path)
    request = request_signature(services.database, dossier.id, scanned.id, "certified_copy")
    with pytest.raises(Exception) as caught:
        send_back(services.database, request, "  ")
    assert getattr(caught.value, "code", "") == "signing.comment_missing"
    send_back(services.database, request, "Bản quét bị mờ trang 2")
    assert signing_queue(services.database) == []


def test_wrong_pin_stores_nothing_and_queues_nothing(
    services, sample_page, tmp_path, token
) -> None:
    from workstation.errors import BadInput

    dossier, scanned = _dossier_with_pdf(services, sample_page, tmp_path)
    request_signature(services.database, dossier.id, scanned.id, "certified_copy")
    with pytest.raises(BadInput) as caught, open_signer(key=_key(token), pin="000000"):
        pass
    assert caught.value.code == "sign.pin_wrong"
    with services.database.reading() as session:
        assert session.scalar(select(func.count()).select_from(ResultRow)) == 0
        assert [m.kind for m in pending(session)].count("document.signed") == 0
    assert len(signing_queue(services.database)) == 1


def test_signed_result_reaches_the_reference_central_server(
    services, sample_page, tmp_path, token
) -> None:
    from tests.integration.sync.conftest import PASSWORD, start_server
    from workstation.sync.client import HttpCentralClient
    from workstation.sync.sender import Sender
    from workstation_central.models import DossierFile

    dossier = receive(services, sample_page)
    draft, request = add_result_for_signature(
        services.database, services.blobs, dossier.id, one_page_pdf(tmp_path / "kq.pdf")
    )
    with open_signer(key=_key(token), pin=token.pin) as signer:
        result = sign_into_dossiers(
            services.database,
            services.blobs,
            signer,
            [SignItem(dossier.id, draft.id, "result", request)],
            Appearance(),
        )
    signed = result.stored[0][1]
    server = start_server(tmp_path / "central")
    try:
        tokens = HttpCentralClient(server.url).login("canbo1", PASSWORD)
        client = HttpCentralClient(server.url, refresh_token=tokens.refresh_token, timeout=10)
        try:
            assert Sender(services.database, services.blobs, client).send_due() == 2
        finally:
            client.close()
        with server.central.sessions() as db:
            held = {f.sha256 for f in db.scalars(select(DossierFile))}
        assert signed.sha256 in held
        assert (server.central.file_path(signed.sha256)).read_bytes() == services.blobs.read(
            signed.sha256
        )
    finally:
        server.stop()


def test_sign_command_certifies_a_dossier_document_by_its_short_number(
    services, sample_page, tmp_path, token, monkeypatch, capsys
) -> None:
    import json

    from workstation.cli import main

    dossier, scanned = _dossier_with_pdf(services, sample_page, tmp_path)
    monkeypatch.setenv("TEST_TOKEN_PIN", token.pin)
    code = main(
        ["sign", "--dossier", f"#{dossier.number}", "--document", scanned.id,
         "--role", "certified_copy", "--module", str(token.module), "--token", token.label,
         "--key", "signer", "--pin-env", "TEST_TOKEN_PIN", "--appearance", "copy",
         "--copy-form", "SAO Y", "--agency", "UBND xã Thử Nghiệm", "--json"]
    )  # fmt: skip
    out = json.loads(capsys.readouterr().out)
    assert code == 0, out
    [stored] = out["stored"]
    assert stored["source"] == scanned.id
    with services.database.reading() as session:
        ids = [d.id for d in get_dossier(session, dossier.id).components[0].documents]
        kinds = [m.kind for m in pending(session)]
    assert ids[-1] == stored["document"] and scanned.id in ids
    assert kinds.count("document.signed") == 1


def test_sign_command_with_a_dossier_and_input_files_is_a_usage_error(tmp_path) -> None:
    from workstation.cli import main

    with pytest.raises(SystemExit) as caught:
        main(["sign", str(tmp_path / "a.pdf"), "--dossier", "1", "--document", "x"])
    assert caught.value.code == 2


def test_dossier_with_a_signed_result_can_still_be_deleted(
    services, sample_page, tmp_path, token
) -> None:
    from workstation.store.dossiers import delete_dossier
    from workstation.store.outbox import MessageKind, enqueue

    dossier = receive(services, sample_page)
    draft, request = add_result_for_signature(
        services.database, services.blobs, dossier.id, one_page_pdf(tmp_path / "kq.pdf")
    )
    with open_signer(key=_key(token), pin=token.pin) as signer:
        sign_into_dossiers(
            services.database,
            services.blobs,
            signer,
            [SignItem(dossier.id, draft.id, "result", request)],
            Appearance(),
        )
    with services.database.transaction() as session:
        delete_dossier(session, dossier.id)
        enqueue(session, MessageKind.DOSSIER_DELETED, dossier.id, {"id": dossier.id})
    with services.database.reading() as session:
        assert session.scalar(select(func.count()).select_from(ResultRow)) == 0
        assert signatures_of(session, dossier.id) == []


def test_signing_queue_command_adds_a_result_lists_it_and_sends_it_back(
    services, sample_page, tmp_path, capsys
) -> None:
    import json

    from workstation.cli import main

    dossier = receive(services, sample_page)
    kq = one_page_pdf(tmp_path / "kq.pdf")
    assert main(["signing-queue", "add-result", f"#{dossier.number}", str(kq), "--json"]) == 0
    added = json.loads(capsys.readouterr().out)
    assert main(["signing-queue", "list", "--json"]) == 0
    [item] = json.loads(capsys.readouterr().out)["items"]
    assert item["request_id"] == added["request_id"] and item["role"] == "result"
    argv = ["signing-queue", "send-back", item["request_id"], "--comment", "Sai số văn bản"]
    assert main([*argv, "--json"]) == 0
    capsys.readouterr()
    assert signing_queue(services.database) == []
