"""Time-stamps and revocation against Certomancer's test PKI served on loopback.

A TSA (RFC 3161), an OCSP responder and a CRL, all Certomancer's, as an
independent implementation beside our own loopback servers: B-T and B-LT
signatures made on SoftHSM2 and verified against them, and a revoked
certificate refused before signing and reported as revoked after.
"""

from __future__ import annotations

import datetime as dt
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.softhsm_token import CERTOMANCER_TOKEN
from workstation.errors import BadInput
from workstation.sign import softhsm
from workstation.sign.pades import KeyChoice, TokenSigner
from workstation.sign.revocation import RevocationCheck
from workstation.sign.verify import verify_pdf

from .certomancer_pki import LoopbackPki, loopback_pki
from .conftest import SoftHsmToken, one_page_pdf


@pytest.fixture(scope="module")
def pki(token: SoftHsmToken, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LoopbackPki]:
    with loopback_pki(tmp_path_factory.mktemp("certomancer")) as served:
        for label, key_id in (("signer", b"\x21"), ("revoked", b"\x22")):
            softhsm.import_key_and_certificate(
                token.module,
                CERTOMANCER_TOKEN,
                token.pin,
                served.keys[label],
                served.certificates[label],
                label,
                key_id,
            )
        yield served


def _signer(token: SoftHsmToken, key: str, **options) -> TokenSigner:  # type: ignore[no-untyped-def]
    return TokenSigner(KeyChoice(token.module, CERTOMANCER_TOKEN, None, key), token.pin, **options)


def _dss(path: Path) -> tuple[int, int]:
    """(OCSP answers, CRLs) in the file's document security store."""
    from pyhanko.pdf_utils.reader import PdfFileReader

    with path.open("rb") as f:
        root = PdfFileReader(f).root
        if "/DSS" not in root:
            return 0, 0
        dss = root["/DSS"]
        return len(dss.get("/OCSPs", [])), len(dss.get("/CRLs", []))


def test_b_t_signature_carries_the_certomancer_time_stamp_and_verifies_online(
    token, pki, tmp_path
) -> None:
    out = tmp_path / "bt.pdf"
    with _signer(token, "signer", tsa_url=pki.tsa_url) as signer:
        signer.sign(one_page_pdf(tmp_path / "in.pdf"), out)
    [report] = verify_pdf(out, [pki.root_pem], online=True)
    assert report.timestamp and report.intact and report.trusted
    assert report.revocation == "good"  # asked of Certomancer's OCSP responder
    assert report.verdict == "valid", report.problems
    assert _dss(out) == (0, 0)  # B-T: nothing embedded
    pdfsig = subprocess.run(["pdfsig", str(out)], capture_output=True, text=True, check=False)
    assert "Signature is Valid" in pdfsig.stdout
    assert "ETSI.CAdES.detached" in pdfsig.stdout


def test_b_lt_signature_embeds_revocation_data_and_verifies_offline(token, pki, tmp_path) -> None:
    out = tmp_path / "blt.pdf"
    check = RevocationCheck([pki.root_pem])
    with _signer(token, "signer", tsa_url=pki.tsa_url, revocation=check) as signer:
        signer.sign(one_page_pdf(tmp_path / "in.pdf"), out)
    ocsps, crls = _dss(out)
    assert ocsps + crls >= 1
    [report] = verify_pdf(out, [pki.root_pem], online=False)  # only what the file holds
    assert report.timestamp and report.revocation == "good"
    assert report.verdict == "valid", report.problems


def test_a_b_lt_signature_whose_revocation_data_came_later_than_its_claimed_time_is_valid(
    token, pki, tmp_path
) -> None:
    # A signer confirming on a phone claims the time signing began; the time-stamp
    # and the embedded OCSP answer come half a minute later. Judged at the
    # time-stamp's time, with data issued after it, the signature is valid.
    out = tmp_path / "slow.pdf"
    check = RevocationCheck([pki.root_pem])
    began = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=30)
    with _signer(
        token, "signer", tsa_url=pki.tsa_url, revocation=check, now=lambda: began
    ) as signer:
        signer.sign(one_page_pdf(tmp_path / "in.pdf"), out)
    [report] = verify_pdf(out, [pki.root_pem], online=False)
    assert report.trusted and report.revocation == "good"
    assert report.verdict == "valid", report.problems


def test_revoked_certificate_is_refused_before_signing(token, pki, tmp_path) -> None:
    out = tmp_path / "never.pdf"
    signer = _signer(token, "revoked", revocation=RevocationCheck([pki.root_pem]))
    with pytest.raises(BadInput) as caught, signer:
        pass
    assert caught.value.code == "sign.certificate_revoked"
    assert not out.exists()


def test_signature_of_a_revoked_certificate_is_reported_revoked(token, pki, tmp_path) -> None:
    out = tmp_path / "revoked.pdf"
    with _signer(token, "revoked", tsa_url=pki.tsa_url) as signer:  # no check: as a stranger
        signer.sign(one_page_pdf(tmp_path / "in.pdf"), out)
    [report] = verify_pdf(out, [pki.root_pem], online=True)
    assert report.revocation == "revoked"
    assert report.verdict == "not_valid" and "revoked" in report.problems
