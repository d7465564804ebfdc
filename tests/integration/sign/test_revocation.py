"""Revocation on a real OCSP responder on loopback: refused before signing, B-LT, and verify."""

from __future__ import annotations

import dataclasses
import datetime as dt
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from cryptography import x509

from tests.integration.test_receive_dossier import receive
from workstation.cli import main
from workstation.errors import BadInput
from workstation.intake.signed import (
    SignItem,
    add_result_for_signature,
    sign_into_dossiers,
    signing_queue,
)
from workstation.sign import softhsm
from workstation.sign.pades import Appearance, KeyChoice, TokenSigner
from workstation.sign.revocation import RevocationCheck
from workstation.sign.verify import verify_pdf
from workstation.store.outbox import pending

from .conftest import REVOCATION_TOKEN, SoftHsmToken, one_page_pdf
from .revocation_server import Responder, loopback_responder
from .tsa import loopback_tsa

LABEL = REVOCATION_TOKEN


@dataclass(frozen=True)
class Online:
    responder: Responder
    certificates: dict[str, x509.Certificate]


@pytest.fixture(scope="module")
def online(token: SoftHsmToken) -> Iterator[Online]:
    """A second token whose keys' certificates name the loopback OCSP responder."""
    now = dt.datetime.now(dt.UTC)
    with loopback_responder(token.authority) as responder:
        certificates = {}
        labels = (
            ("good", b"\x11"),
            ("revoked", b"\x12"),
            ("later", b"\x13"),
            ("stranger", b"\x14"),
        )
        for label, key_id in labels:
            key = softhsm.new_signing_key()
            cert = token.authority.issue(
                key,
                f"Thử {label}",
                not_before=now - dt.timedelta(days=1),
                not_after=now + dt.timedelta(days=30),
                ocsp_url=responder.ocsp_url,
            )
            softhsm.import_key_and_certificate(
                token.module, LABEL, token.pin, key, cert, label, key_id
            )
            certificates[label] = cert
            if label != "stranger":  # the responder answers "unknown" for this one
                responder.know(cert)
        responder.revoke(certificates["revoked"])
        yield Online(responder, certificates)


def key(token: SoftHsmToken, label: str) -> KeyChoice:
    return KeyChoice(token.module, token_label=LABEL, key_label=label)


def test_a_revoked_certificate_is_refused_for_signing_with_the_reason(
    token: SoftHsmToken, online: Online, pdf: Path
) -> None:
    check = RevocationCheck([token.ca_file])
    with (
        pytest.raises(BadInput) as caught,
        TokenSigner(key(token, "revoked"), token.pin, revocation=check),
    ):
        pass
    assert caught.value.code == "sign.certificate_revoked"


def test_with_a_tsa_and_revocation_the_signature_is_b_lt_and_valid_offline(
    token: SoftHsmToken, online: Online, pdf: Path, tmp_path: Path
) -> None:
    out = tmp_path / "blt.pdf"
    check = RevocationCheck([token.ca_file])
    with (
        loopback_tsa(token.authority) as tsa,
        TokenSigner(key(token, "good"), token.pin, tsa_url=tsa, revocation=check) as s,
    ):
        s.sign(pdf, out)
    asked = online.responder.requests
    (report,) = verify_pdf(out, [token.ca_file])  # offline: from the file's DSS only
    assert online.responder.requests == asked
    pdfsig = subprocess.run(["pdfsig", str(out)], capture_output=True, text=True).stdout
    assert "Signature is Valid" in pdfsig
    assert report.timestamp
    assert (report.revocation, report.verdict) == ("good", "valid")


def test_verify_online_reports_a_certificate_revoked_after_signing(
    token: SoftHsmToken, online: Online, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = one_page_pdf(tmp_path / "in.pdf")
    with TokenSigner(key(token, "later"), token.pin) as s:
        s.sign(source, tmp_path / "signed.pdf")
    online.responder.revoke(online.certificates["later"])
    argv = ["verify", str(tmp_path / "signed.pdf"), "--trust", str(token.ca_file)]
    assert main([*argv, "--online"]) == 5
    out = capsys.readouterr().out
    assert "revocation: revoked" in out and "NOT_VALID" in out


def test_a_certificate_the_responder_does_not_know_is_never_valid(
    token: SoftHsmToken, online: Online, pdf: Path, tmp_path: Path
) -> None:
    out = tmp_path / "unknown.pdf"
    with TokenSigner(key(token, "stranger"), token.pin) as s:
        s.sign(pdf, out)
    asked = online.responder.requests
    (report,) = verify_pdf(out, [token.ca_file], online=True)
    assert online.responder.requests > asked
    assert report.revocation == "unknown"
    assert report.verdict != "valid"


def test_sign_command_with_trust_refuses_a_revoked_certificate_exit_3(
    token: SoftHsmToken,
    online: Online,
    pdf: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("TEST_TOKEN_PIN", token.pin)
    argv = ["sign", str(pdf), "-o", str(tmp_path / "out"), "--module", str(token.module)]
    argv += ["--token", LABEL, "--key", "revoked", "--pin-env", "TEST_TOKEN_PIN"]
    assert main([*argv, "--trust", str(token.ca_file)]) == 3
    assert "revoked" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def test_sign_command_takes_the_trust_roots_setting_and_refuses_a_revoked_certificate(
    token: SoftHsmToken,
    online: Online,
    pdf: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("TEST_TOKEN_PIN", token.pin)
    argv = ["sign", str(pdf), "-o", str(tmp_path / "out"), "--module", str(token.module)]
    argv += ["--token", LABEL, "--key", "revoked", "--pin-env", "TEST_TOKEN_PIN"]
    assert main(argv) == 0  # no roots configured: no revocation check
    monkeypatch.setenv("WORKSTATION_TRUST_ROOTS", str(token.ca_file))
    argv[3] = str(tmp_path / "out2")
    assert main(argv) == 3
    assert "revoked" in capsys.readouterr().err
    assert not (tmp_path / "out2").exists()


def test_sign_and_verify_commands_take_the_tsa_and_trust_roots_settings(
    token: SoftHsmToken,
    online: Online,
    pdf: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("TEST_TOKEN_PIN", token.pin)
    argv = ["sign", str(pdf), "-o", str(tmp_path / "out"), "--module", str(token.module)]
    argv += ["--token", LABEL, "--key", "good", "--pin-env", "TEST_TOKEN_PIN"]
    signed = tmp_path / "out" / pdf.name
    with loopback_tsa(token.authority) as tsa:
        monkeypatch.setenv("WORKSTATION_TSA_URL", tsa)
        monkeypatch.setenv("WORKSTATION_TRUST_ROOTS", str(token.ca_file))
        assert main(argv) == 0
    monkeypatch.delenv("WORKSTATION_TRUST_ROOTS")
    capsys.readouterr()
    assert main(["verify", str(signed)]) == 5  # no trusted root: not trusted
    monkeypatch.setenv("WORKSTATION_TRUST_ROOTS", str(token.ca_file))
    assert main(["verify", str(signed)]) == 0  # B-LT, valid offline against the setting
    out = capsys.readouterr().out
    assert "revocation: good" in out and "time-stamp: True" in out


def _configured(services, **settings):  # type: ignore[no-untyped-def]
    """The window's services with the administrator's signing settings."""
    return dataclasses.replace(
        services, settings=dataclasses.replace(services.settings, **settings)
    )


def _queued_result(services, sample_page: Path, tmp_path: Path):  # type: ignore[no-untyped-def]
    dossier = receive(services, sample_page)
    draft, request = add_result_for_signature(
        services.database, services.blobs, dossier.id, one_page_pdf(tmp_path / "kq.pdf")
    )
    return SignItem(dossier.id, draft.id, "result", request)


def test_window_signing_refuses_a_revoked_certificate_when_trust_roots_are_configured(
    token: SoftHsmToken, online: Online, services, sample_page: Path, tmp_path: Path
) -> None:
    services = _configured(services, trust_roots=str(token.ca_file))
    item = _queued_result(services, sample_page, tmp_path)
    with (
        pytest.raises(BadInput) as caught,
        services.open_signer(key=key(token, "revoked"), pin=token.pin) as signer,
    ):
        sign_into_dossiers(services.database, services.blobs, signer, [item], Appearance())
    assert caught.value.code == "sign.certificate_revoked"
    with services.database.reading() as session:
        assert [m.kind for m in pending(session)].count("document.signed") == 0
    assert [w.request_id for w in signing_queue(services.database)] == [item.request_id]


def test_window_signing_with_a_tsa_and_trust_roots_stores_a_b_lt_signature(
    token: SoftHsmToken, online: Online, services, sample_page: Path, tmp_path: Path
) -> None:
    item = _queued_result(services, sample_page, tmp_path)
    with loopback_tsa(token.authority) as tsa:
        services = _configured(services, trust_roots=str(token.ca_file), tsa_url=tsa)
        with services.open_signer(key=key(token, "good"), pin=token.pin) as signer:
            result = sign_into_dossiers(
                services.database, services.blobs, signer, [item], Appearance()
            )
    (stored,) = [document for _, document in result.stored]
    signed = tmp_path / "stored.pdf"
    signed.write_bytes(services.blobs.read(stored.sha256))
    asked = online.responder.requests
    (report,) = verify_pdf(signed, [token.ca_file])  # offline: from the file's DSS only
    assert online.responder.requests == asked
    assert report.timestamp
    assert (report.revocation, report.verdict) == ("good", "valid")
