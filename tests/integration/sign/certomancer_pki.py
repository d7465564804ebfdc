"""Certomancer's test PKI served on loopback: an RFC 3161 TSA, an OCSP responder and a CRL.

The PKI is ``pki/certomancer.yml``; its keys are made here in a temporary
folder (RSA 2048). Certomancer's Animator (a WSGI application) answers
time-stamp requests, OCSP requests and CRL downloads as a CA's services
would, on a Werkzeug server bound to 127.0.0.1 with a free port; the
certificates name that server in their AIA and CRL distribution points, so
pyHanko finds the responder as it would find a real CA's. The signer's and
the revoked signer's keys and certificates are put on the SoftHSM2 token.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

CONFIG = Path(__file__).with_name("pki") / "certomancer.yml"
KEYS = ("root", "signer", "revoked", "tsa", "ocsp")


@dataclass(frozen=True)
class LoopbackPki:
    url: str
    tsa_url: str
    ocsp_url: str
    crl_url: str
    root_pem: Path
    keys: dict[str, rsa.RSAPrivateKey]
    certificates: dict[str, x509.Certificate]
    config: object  # the CertomancerConfig, for other Certomancer-based services (CSC)


def _write_keys(folder: Path) -> dict[str, rsa.RSAPrivateKey]:
    keys = {}
    for label in KEYS:
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        (folder / f"{label}.key.pem").write_bytes(
            key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        )
        keys[label] = key
    return keys


@contextmanager
def loopback_pki(folder: Path) -> Iterator[LoopbackPki]:
    """Serve the test PKI's TSA, OCSP responder and CRL while the block runs."""
    from certomancer.integrations.animator import Animator, AnimatorArchStore
    from certomancer.registry import ArchLabel, CertLabel, CertomancerConfig, ServiceLabel
    from werkzeug.serving import make_server

    keys = _write_keys(folder)
    app: dict[str, object] = {}

    def dispatch(environ, start_response):  # type: ignore[no-untyped-def]
        return app["animator"](environ, start_response)  # type: ignore[operator]

    server = make_server("127.0.0.1", 0, dispatch, threaded=True)
    url = f"http://127.0.0.1:{server.server_port}"
    config = CertomancerConfig.from_file(
        str(CONFIG), key_search_dir=str(folder), external_url_prefix=url
    )
    arch = config.get_pki_arch(ArchLabel("testing"))
    app["animator"] = Animator(AnimatorArchStore(config.pki_archs), with_web_ui=False)
    certificates = {
        label: x509.load_der_x509_certificate(arch.get_cert(CertLabel(label)).dump())
        for label in ("root", "signer", "revoked", "tsa", "ocsp")
    }
    root_pem = folder / "root.pem"
    root_pem.write_bytes(certificates["root"].public_bytes(serialization.Encoding.PEM))
    services = arch.service_registry
    thread = threading.Thread(target=server.serve_forever, name="certomancer", daemon=True)
    thread.start()
    try:
        yield LoopbackPki(
            url=url,
            tsa_url=services.get_tsa_info(ServiceLabel("tsa")).url,
            ocsp_url=services.get_ocsp_info(ServiceLabel("ocsp")).url,
            crl_url=services.get_crl_repo_info(ServiceLabel("root")).latest_external_url,
            root_pem=root_pem,
            keys=keys,
            certificates=certificates,
            config=config,
        )
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
