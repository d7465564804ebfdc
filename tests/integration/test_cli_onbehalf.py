"""``dossier submit-online``, ``payment qr | record``, ``result hand-over``: output and exit 3."""

from __future__ import annotations

import json

import pytest
import zxingcpp
from PIL import Image

from tests.integration.onbehalf_helpers import (
    OTHER_ID,
    OWNER_ID,
    assert_vietqr,
    processed,
    received,
)
from workstation.cli import main

pytestmark = pytest.mark.integration


def run(capsys, *argv: str) -> tuple[int, dict, str]:
    capsys.readouterr()
    code = main([*argv, "--json"])
    out, err = capsys.readouterr()
    return code, json.loads(out) if out.strip() else {}, err


def run_text(capsys, *argv: str) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_submit_online_with_the_owners_demo_proof_applies_the_online_fee(
    services, sample_page, tmp_path, capsys
) -> None:
    dossier = received(services, sample_page)
    proof = tmp_path / "proof.json"
    assert main(["dossier", "demo-proof", dossier.code, "--account-id", OWNER_ID,
                 "-o", str(proof)]) == 0  # fmt: skip
    code, data, _ = run(capsys, "dossier", "submit-online", dossier.code, "--proof", str(proof))
    assert code == 0
    assert data["channel"] == "online" and data["fee"] == 50_000


@pytest.mark.parametrize(
    ("account", "change", "error"),
    [
        (None, None, "no identity proof"),
        (OTHER_ID, None, "another person's account"),
        (OWNER_ID, "content", "other content"),
    ],
)
def test_submit_online_refuses_with_one_line_and_exit_3(
    services, sample_page, tmp_path, capsys, account, change, error
) -> None:
    dossier = received(services, sample_page)
    argv = ["dossier", "submit-online", dossier.code]
    if account:
        proof = tmp_path / "proof.json"
        main(["dossier", "demo-proof", dossier.id, "--account-id", account, "-o", str(proof)])
        if change:
            data = json.loads(proof.read_text())
            data["content_sha256"] = "0" * 64
            proof.write_text(json.dumps(data))
        argv += ["--proof", str(proof)]
    code, _, err = run_text(capsys, *argv)
    assert code == 3
    assert err.count("\n") == 1 and error in err


def test_payment_qr_prints_the_payload_and_writes_a_code_that_decodes_to_it(
    services, sample_page, tmp_path, capsys
) -> None:
    dossier = received(services, sample_page)
    png = tmp_path / "qr.png"
    code, data, _ = run(capsys, "payment", "qr", dossier.code, "-o", str(png))
    assert code == 0 and data["due"] == 100_000
    [symbol] = zxingcpp.read_barcodes(Image.open(png))
    assert symbol.text == data["payload"]
    assert_vietqr(data["payload"], 100_000, dossier.code)
    code, text, _ = run_text(capsys, "payment", "qr", dossier.code, "-o", str(png))
    assert text.splitlines()[0] == data["payload"]


def test_payment_record_then_again_with_nothing_due_exits_3(services, sample_page, capsys) -> None:
    dossier = received(services, sample_page)
    code, data, _ = run(
        capsys, "payment", "record", dossier.code, "--method", "transfer", "--reference", "FT1"
    )
    assert code == 0 and data["due"] == 0 and data["payments"][0]["reference"] == "FT1"
    code, _, err = run_text(capsys, "payment", "record", dossier.code, "--method", "cash")
    assert code == 3 and "nothing due" in err and err.count("\n") == 1
    code, _, err = run_text(capsys, "payment", "qr", dossier.code, "-o", "x.png")
    assert code == 3 and "nothing due" in err


def test_hand_over_to_the_owner_prints_the_record(services, sample_page, tmp_path, capsys) -> None:
    dossier = received(services, sample_page)
    processed(services, dossier)
    record = tmp_path / "handover.pdf"
    code, data, _ = run(capsys, "result", "hand-over", dossier.code,
                        "--collector-id", OWNER_ID, "--record", str(record))  # fmt: skip
    assert code == 0 and data["status"] == 10 and data["collector"] == "owner"
    assert record.read_bytes().startswith(b"%PDF")


def test_hand_over_to_someone_neither_owner_nor_authorised_exits_3(
    services, sample_page, capsys
) -> None:
    dossier = received(services, sample_page)
    processed(services, dossier)
    code, _, err = run_text(capsys, "result", "hand-over", dossier.code, "--collector-id", OTHER_ID)
    assert code == 3 and "neither the dossier's owner nor authorised" in err
    assert err.count("\n") == 1


def test_hand_over_to_an_authorised_person_with_the_scan(services, sample_page, capsys) -> None:
    dossier = received(services, sample_page)
    processed(services, dossier)
    code, data, _ = run(capsys, "result", "hand-over", dossier.code, "--collector-id", OTHER_ID,
                        "--authorisation", str(sample_page))  # fmt: skip
    assert code == 0 and data["collector"] == "authorised"


def pdf_text(path) -> str:
    import subprocess

    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def test_the_receipt_says_what_is_due_then_that_it_was_paid(
    services, sample_page, tmp_path, capsys
) -> None:
    dossier = received(services, sample_page)
    before, after = tmp_path / "before.pdf", tmp_path / "after.pdf"
    assert main(["form", "receipt", dossier.code, "-o", str(before)]) == 0
    assert "Còn phải nộp 100.000 đồng" in pdf_text(before)
    assert main(["payment", "record", dossier.code, "--method", "cash"]) == 0
    assert main(["form", "receipt", dossier.code, "-o", str(after)]) == 0
    text = pdf_text(after)
    assert "Đã nộp đủ phí, lệ phí" in text and "Còn phải nộp" not in text


def test_dossier_add_cannot_make_an_online_dossier_without_the_citizens_proof(
    sample_page, capsys
) -> None:
    with pytest.raises(SystemExit) as usage:
        main(["dossier", "add", "--procedure", "2.000575", "--applicant-name", "Lê Văn An",
              "--channel", "online", "--file", str(sample_page)])  # fmt: skip
    assert usage.value.code == 2
