"""Verifying signatures: our report beside poppler's pdfsig on the same files."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from workstation.errors import BadInput
from workstation.sign.pades import KeyChoice, TokenSigner
from workstation.sign.verify import verify_pdf

from .conftest import SoftHsmToken, one_page_pdf


@pytest.fixture(scope="module")
def signed(token: SoftHsmToken, tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("verify")
    source = one_page_pdf(folder / "in.pdf")
    with TokenSigner(KeyChoice(token.module, token.label, key_label="signer"), token.pin) as s:
        s.sign(source, folder / "one.pdf")
        s.sign(folder / "one.pdf", folder / "two.pdf")
    return folder / "two.pdf"


def crl_file(token: SoftHsmToken, folder: Path, revoked: bool) -> Path:
    path = folder / ("revoked.crl" if revoked else "empty.crl")
    path.write_bytes(token.authority.crl([token.signer_certificate] if revoked else []))
    return path


def test_intact_trusted_signatures_with_no_revocation_data_are_indeterminate(
    token: SoftHsmToken, signed: Path
) -> None:
    reports = verify_pdf(signed, [token.ca_file])
    assert [r.field_name for r in reports] == ["Signature1", "Signature2"]
    first, second = reports
    assert first.signer.endswith("Nguyễn Văn Ký") or "Nguyễn Văn Ký" in first.signer
    assert first.intact and second.intact
    assert first.coverage == "entire_revision" and second.coverage == "entire_file"
    assert first.changes_after == "form_filling"
    assert first.trusted and first.certificate_valid_at_signing
    assert not first.timestamp
    assert first.revocation == "unknown"
    assert first.verdict == "indeterminate"  # unknown revocation is never "valid"
    assert first.signing_time is not None and first.signing_time.endswith("+07:00")


def test_a_crl_not_listing_the_signer_makes_the_signature_valid(
    token: SoftHsmToken, signed: Path, tmp_path: Path
) -> None:
    reports = verify_pdf(signed, [token.ca_file], [crl_file(token, tmp_path, revoked=False)])
    assert [(r.revocation, r.verdict) for r in reports] == [("good", "valid")] * 2


def test_a_revoked_certificate_is_reported_revoked(
    token: SoftHsmToken, signed: Path, tmp_path: Path
) -> None:
    reports = verify_pdf(signed, [token.ca_file], [crl_file(token, tmp_path, revoked=True)])
    assert [(r.revocation, r.verdict) for r in reports] == [("revoked", "not_valid")] * 2


def test_without_the_root_the_signature_is_not_trusted(signed: Path) -> None:
    reports = verify_pdf(signed)
    assert all(r.intact and not r.trusted and r.verdict == "not_valid" for r in reports)


def test_a_changed_byte_breaks_the_signature_for_us_and_for_pdfsig(
    token: SoftHsmToken, signed: Path, tmp_path: Path
) -> None:
    data = bytearray(signed.read_bytes())
    at = data.index(b"/MediaBox")
    data[at + 12 : at + 13] = b"9" if data[at + 12 : at + 13] != b"9" else b"8"
    tampered = tmp_path / "tampered.pdf"
    tampered.write_bytes(bytes(data))
    reports = verify_pdf(tampered, [token.ca_file])
    assert not any(r.intact for r in reports)
    assert all(r.verdict == "not_valid" for r in reports)
    report = subprocess.run(["pdfsig", str(tampered)], capture_output=True, text=True).stdout
    assert "Signature is Valid" not in report


def test_pdfsig_agrees_the_signatures_are_valid(signed: Path) -> None:
    report = subprocess.run(["pdfsig", str(signed)], capture_output=True, text=True).stdout
    assert report.count("Signature is Valid") == 2
    assert report.count("ETSI.CAdES.detached") == 2


def test_a_damaged_file_is_bad_input(tmp_path: Path) -> None:
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"not a pdf at all")
    with pytest.raises(BadInput) as caught:
        verify_pdf(broken)
    assert caught.value.code == "sign.verify_unreadable"


def test_verifying_never_puts_the_signers_name_in_the_log(
    token: SoftHsmToken, signed: Path, caplog: pytest.LogCaptureFixture
) -> None:
    import logging

    with caplog.at_level(logging.DEBUG):
        reports = verify_pdf(signed, [token.ca_file])
    assert reports[0].revocation == "unknown"  # the path where pyHanko warns by name
    assert caplog.records
    assert not any("Nguyễn Văn Ký" in r.getMessage() for r in caplog.records)
    assert not any("Nguyễn Văn Ký" in (r.exc_text or "") for r in caplog.records)
