"""A real OCSP responder and CRL over HTTP on loopback, for revocation and B-LT tests.

The HTTP side is a plain ``http.server``; answers are built and signed by
``cryptography``'s OCSP builder with the test CA's key (the CA answers for
itself, as RFC 6960 allows). ``revoke`` changes the answer for a
certificate from ``good`` to ``revoked``; a certificate the responder was
never told about gets ``unknown``.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.x509 import ocsp

from workstation.sign import softhsm


class Responder:
    """What the responder knows: the certificates it issued and which are revoked."""

    def __init__(self, authority: softhsm.TestAuthority, base_url: str) -> None:
        self.authority = authority
        self.base_url = base_url
        self.issued: dict[int, x509.Certificate] = {}
        self.revoked: set[int] = set()
        self.requests = 0

    @property
    def ocsp_url(self) -> str:
        return f"{self.base_url}/ocsp"

    @property
    def crl_url(self) -> str:
        return f"{self.base_url}/ca.crl"

    def know(self, certificate: x509.Certificate) -> None:
        self.issued[certificate.serial_number] = certificate

    def revoke(self, certificate: x509.Certificate) -> None:
        self.know(certificate)
        self.revoked.add(certificate.serial_number)

    def answer(self, body: bytes) -> bytes:
        self.requests += 1
        request = ocsp.load_der_ocsp_request(body)
        now = dt.datetime.now(dt.UTC)
        cert = self.issued.get(request.serial_number)
        if cert is None:
            status, revoked_at = ocsp.OCSPCertStatus.UNKNOWN, None
            cert = self.authority.certificate  # stands in for the unknown one's issuer
        elif request.serial_number in self.revoked:
            status, revoked_at = ocsp.OCSPCertStatus.REVOKED, now - dt.timedelta(hours=1)
        else:
            status, revoked_at = ocsp.OCSPCertStatus.GOOD, None
        builder = (
            ocsp.OCSPResponseBuilder()
            .add_response_by_hash(
                issuer_name_hash=request.issuer_name_hash,
                issuer_key_hash=request.issuer_key_hash,
                serial_number=request.serial_number,
                algorithm=request.hash_algorithm,
                cert_status=status,
                this_update=now - dt.timedelta(minutes=1),
                next_update=now + dt.timedelta(days=1),
                revocation_time=revoked_at,
                revocation_reason=x509.ReasonFlags.key_compromise if revoked_at else None,
            )
            .responder_id(ocsp.OCSPResponderEncoding.HASH, self.authority.certificate)
        )
        for extension in request.extensions:
            if isinstance(extension.value, x509.OCSPNonce):
                builder = builder.add_extension(extension.value, critical=False)
        response = builder.sign(self.authority.key, hashes.SHA256())
        return response.public_bytes(serialization.Encoding.DER)

    def crl(self) -> bytes:
        return self.authority.crl([self.issued[s] for s in sorted(self.revoked)])


@contextmanager
def loopback_responder(authority: softhsm.TestAuthority) -> Iterator[Responder]:
    """Serve OCSP at ``/ocsp`` and the CRL at ``/ca.crl`` while the block runs."""
    holder: dict[str, Responder] = {}

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            self._send(holder["r"].answer(body), "application/ocsp-response")

        def do_GET(self) -> None:
            self._send(holder["r"].crl(), "application/pkix-crl")

        def _send(self, answer: bytes, kind: str) -> None:
            self.send_response(200)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    holder["r"] = Responder(authority, f"http://127.0.0.1:{server.server_address[1]}")
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield holder["r"]
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
