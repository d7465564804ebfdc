"""Remote signing against Certomancer's CSC test server, a CSC v1 implementation not ours.

``certomancer-csc-dummy`` serves the keys of the Certomancer test PKI
(``pki/certomancer.yml``) over the Cloud Signature Consortium API on
loopback, beside Certomancer's TSA, OCSP responder and CRL. Our
``RemoteSigner`` lists, describes, authorises and signs through it; the
files are checked by pdfsig and by our verify. What this server does not do
(a phone to wait for, access tokens, a PIN) is covered against our fake in
``test_remote.py``.
"""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from workstation.errors import BadInput
from workstation.sign.pades import Appearance
from workstation.sign.remote import CscClient, RemoteChoice, RemoteSigner
from workstation.sign.revocation import RevocationCheck
from workstation.sign.verify import verify_pdf

from .certomancer_pki import LoopbackPki, loopback_pki
from .conftest import one_page_pdf
from .csc_dummy import csc_dummy_server


@dataclass(frozen=True)
class Served:
    pki: LoopbackPki
    scal2_url: str  # each authorisation binds the hash
    scal1_url: str  # one authorisation for several signatures


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    with (
        loopback_pki(tmp_path_factory.mktemp("certomancer-csc")) as pki,
        csc_dummy_server(pki.config) as scal2,
        csc_dummy_server(pki.config, hash_pinning=False) as scal1,
    ):
        yield Served(pki, scal2, scal1)


def _choice(url: str, credential: str) -> RemoteChoice:
    return RemoteChoice(url, credential, "", confirm_timeout=10.0, poll_interval=0.01)


def test_the_dummy_server_lists_the_pki_keys_as_credentials(served: Served) -> None:
    client = CscClient(_choice(served.scal2_url, ""))
    try:
        credentials = client.list_credentials()
        signer = client.credential_info("testing/signer")
    finally:
        client.close()
    assert {"testing/signer", "testing/revoked"} <= set(credentials)
    assert signer.scal == "2" and len(signer.certificates) == 2  # the signer's, then the root's


def test_a_b_lt_signature_made_through_the_dummy_server_is_valid_for_pdfsig_and_verify(
    served: Served, tmp_path: Path
) -> None:
    out = tmp_path / "out.pdf"
    look = Appearance("copy", copy_form="SAO Y", agency="UBND xã Thử Nghiệm")
    check = RevocationCheck([served.pki.root_pem])
    with RemoteSigner(
        _choice(served.scal2_url, "testing/signer"),
        tsa_url=served.pki.tsa_url,
        revocation=check,
    ) as signer:
        signer.sign(one_page_pdf(tmp_path / "in.pdf"), out, look)
    pdfsig = subprocess.run(["pdfsig", str(out)], capture_output=True, text=True).stdout
    assert "Signature is Valid" in pdfsig and "ETSI.CAdES.detached" in pdfsig
    (report,) = verify_pdf(out, [served.pki.root_pem], online=False)  # what the file holds
    assert report.intact and report.trusted and report.timestamp
    assert report.revocation == "good" and report.verdict == "valid", report.problems
    assert "Nguyễn Văn Ký" in report.signer


def test_a_scal_1_batch_through_the_dummy_server_gives_valid_files(
    served: Served, tmp_path: Path
) -> None:
    inputs = [one_page_pdf(tmp_path / f"in{i}.pdf") for i in range(3)]
    out = tmp_path / "out"
    with RemoteSigner(_choice(served.scal1_url, "testing/signer")) as signer:
        assert signer.credential is not None and signer.credential.scal == "1"
        result = signer.sign_batch([(p, out / p.name) for p in inputs])
    assert len(result.signed) == 3 and result.stopped_by is None
    for p in inputs:
        (report,) = verify_pdf(out / p.name, [served.pki.root_pem])
        assert report.intact and report.trusted


def test_a_revoked_remote_credential_is_refused_before_anything_is_signed(
    served: Served, tmp_path: Path
) -> None:
    check = RevocationCheck([served.pki.root_pem])
    signer = RemoteSigner(_choice(served.scal2_url, "testing/revoked"), revocation=check)
    with pytest.raises(BadInput) as caught, signer:
        pass
    assert caught.value.code == "sign.certificate_revoked"


def test_an_unknown_credential_on_the_dummy_server_is_bad_input(served: Served) -> None:
    choice = _choice(served.scal2_url, "testing/nobody")
    with pytest.raises(BadInput) as caught, RemoteSigner(choice):
        pass
    assert caught.value.code == "sign.remote_credential_unknown"
