"""TLS to the central system: the reference server under uvicorn with a certificate made here.

A certificate authority and a server certificate for 127.0.0.1 are made with
``cryptography`` for each test run; a second, unrelated authority stands for a
wrong pin. The workstation signs in when its pinned authority signed the
server's certificate, and is refused with ``tls.untrusted`` (never a plain
"unreachable") with the wrong pin or the default roots. Plain ``http://`` to an
address off this machine is refused before anything is sent.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
import uvicorn
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from tests.integration.sync.conftest import PASSWORD
from workstation.config import Settings
from workstation.doctor.check import Status
from workstation.doctor.local import check_central
from workstation.errors import ConfigError, ExitCode
from workstation.sync.auth import login
from workstation.sync.client import CentralNotTrusted, HttpCentralClient, Unreachable
from workstation.tls import InsecureAddress
from workstation_central.app import create_app, open_central
from workstation_central.models import Officer
from workstation_central.security import hash_password

pytestmark = pytest.mark.integration


@dataclass
class Authority:
    key: ec.EllipticCurvePrivateKey
    cert: x509.Certificate
    pem: Path


def _name(common: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common)])


def _authority(folder: Path, common: str) -> Authority:
    key = ec.generate_private_key(ec.SECP256R1())
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(_name(common))
        .issuer_name(_name(common))
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=30))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), False)
        .sign(key, hashes.SHA256())
    )
    pem = folder / f"{common}.pem"
    pem.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return Authority(key, cert, pem)


def _server_certificate(folder: Path, issuer: Authority) -> tuple[Path, Path]:
    key = ec.generate_private_key(ec.SECP256R1())
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(_name("central.test"))
        .issuer_name(issuer.cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=7))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.SERVER_AUTH]), False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer.key.public_key()), False
        )
        .sign(issuer.key, hashes.SHA256())
    )
    cert_file, key_file = folder / "server.pem", folder / "server.key"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_file, key_file


@dataclass
class TlsCentral:
    url: str
    authority: Authority
    wrong: Authority


@pytest.fixture
def tls_central(tmp_path: Path) -> Iterator[TlsCentral]:
    """The reference server over HTTPS on loopback, its certificate from a test authority."""
    pki = tmp_path / "pki"
    pki.mkdir()
    authority = _authority(pki, "Test Province CA")
    wrong = _authority(pki, "Some Other CA")
    cert_file, key_file = _server_certificate(pki, authority)
    central = open_central(tmp_path / "central")
    with central.sessions() as db:
        db.merge(Officer(user="canbo1", password_hash=hash_password(PASSWORD)))
        db.commit()
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(
        create_app(central),
        log_level="warning",
        lifespan="off",
        ssl_certfile=str(cert_file),
        ssl_keyfile=str(key_file),
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    while not server.started and thread.is_alive():
        threading.Event().wait(0.01)
    yield TlsCentral(f"https://127.0.0.1:{port}", authority, wrong)
    server.should_exit = True
    thread.join(timeout=10)
    sock.close()
    central.close()


def test_pinned_authority_lets_the_officer_sign_in_and_sync_over_tls(
    tls_central: TlsCentral,
) -> None:
    pin = str(tls_central.authority.pem)
    tokens = login(tls_central.url, "canbo1", PASSWORD, ca_file=pin)
    client = HttpCentralClient(tls_central.url, refresh_token=tokens.refresh_token, ca_file=pin)
    try:
        assert client.dossier_status("no-such-dossier") is None  # an authenticated call
    finally:
        client.close()


def test_a_certificate_from_another_authority_is_refused_as_untrusted(
    tls_central: TlsCentral,
) -> None:
    client = HttpCentralClient(tls_central.url, ca_file=str(tls_central.wrong.pem))
    with pytest.raises(CentralNotTrusted) as refused:
        client.login("canbo1", PASSWORD)
    client.close()
    error = refused.value
    assert error.code == "tls.untrusted" and error.exit_code == ExitCode.EXTERNAL
    assert isinstance(error, Unreachable)  # the sender keeps the message waiting
    assert "không tin cậy" in error.user_message("vi")
    assert "does not trust" in error.user_message("en")


def test_the_default_roots_do_not_trust_a_private_authority(tls_central: TlsCentral) -> None:
    client = HttpCentralClient(tls_central.url)  # verification is on without being asked
    with pytest.raises(CentralNotTrusted):
        client.login("canbo1", PASSWORD)
    client.close()


def test_the_doctor_names_an_untrusted_certificate_and_passes_a_pinned_one(
    tls_central: TlsCentral,
) -> None:
    pinned = Settings(central_url=tls_central.url, central_ca_file=str(tls_central.authority.pem))
    wrong = pinned.replace(central_ca_file=str(tls_central.wrong.pem))
    assert check_central(pinned).status is Status.OK
    refused = check_central(wrong)
    assert refused.status is Status.FAILED and "not trusted" in refused.summary


@pytest.mark.parametrize(
    "url", ["http://192.0.2.10:8000", "http://central.example.gov.vn", "http://127.0.0.1.evil.test"]
)
def test_plain_http_off_this_machine_is_refused_before_anything_is_sent(url: str) -> None:
    sent: list[httpx.Request] = []

    def record(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return httpx.Response(200, json={})

    with pytest.raises(InsecureAddress) as refused:
        HttpCentralClient(url, transport=httpx.MockTransport(record)).login("canbo1", PASSWORD)
    assert sent == []
    assert refused.value.code == "tls.insecure_url"
    assert refused.value.exit_code == ExitCode.BAD_INPUT
    assert "https://" in refused.value.user_message("vi")
    assert "https://" in refused.value.user_message("en")


def test_sign_in_to_plain_http_off_this_machine_never_sends_the_password() -> None:
    with pytest.raises(InsecureAddress):
        login("http://192.0.2.10", "canbo1", PASSWORD)


def test_a_pinned_authority_file_that_is_not_pem_is_a_typed_settings_error(
    tmp_path: Path,
) -> None:
    garbage = tmp_path / "ca.pem"
    garbage.write_text("not a certificate", encoding="utf-8")
    with pytest.raises(ConfigError) as refused:
        HttpCentralClient("https://127.0.0.1:9", ca_file=str(garbage))
    assert refused.value.code == "tls.ca_unreadable"
