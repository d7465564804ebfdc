"""A real RFC 3161 time-stamp authority over HTTP on loopback, for PAdES B-T tests.

The HTTP side is a plain ``http.server``; the answers are made by pyHanko's
own in-process time-stamper with a TSA certificate from the test CA.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from asn1crypto import keys, tsp
from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives import serialization

from workstation.sign import softhsm


@contextmanager
def loopback_tsa(authority: softhsm.TestAuthority) -> Iterator[str]:
    """Serve a TSA at ``http://127.0.0.1:PORT/tsa`` while the block runs; yields the URL."""
    from pyhanko.sign.timestamps.dummy_client import DummyTimeStamper

    key = softhsm.new_signing_key()
    now = dt.datetime.now(dt.UTC)
    cert = authority.issue(
        key,
        "TSA Thử Nghiệm",
        not_before=now - dt.timedelta(days=1),
        not_after=now + dt.timedelta(days=365),
        time_stamping=True,
    )
    stamper = DummyTimeStamper(
        tsa_cert=asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER)),
        tsa_key=keys.PrivateKeyInfo.load(
            key.private_bytes(
                serialization.Encoding.DER,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        ),
    )

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            answer = stamper.request_tsa_response(tsp.TimeStampReq.load(body)).dump()
            self.send_response(200)
            self.send_header("Content-Type", "application/timestamp-reply")
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/tsa"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
