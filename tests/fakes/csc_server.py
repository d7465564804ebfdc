"""A fake remote signing service speaking the Cloud Signature Consortium API v1 on loopback.

A real implementation of the four calls the client uses
(``credentials/list``, ``credentials/info``, ``credentials/authorize``,
``signatures/signHash``) over a real HTTP server, signing with keys issued
by the test CA. It plays the signer's phone: each authorisation stays
``authorization_pending`` for ``polls_before_confirm`` polls, then gives a
SAD bound to the credential and the hashes, or ``access_denied`` when the
signer rejects. It checks the bearer token, the SAD and the hashes as a
real service would.
"""

from __future__ import annotations

import base64
import json
import secrets
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa, utils

SHA256 = "2.16.840.1.101.3.4.2.1"


@dataclass
class FakeCredential:
    key: rsa.RSAPrivateKey
    chain: list[x509.Certificate]
    pin: str | None = None
    polls_before_confirm: int = 0
    rejects: bool = False
    enabled: bool = True
    scal: str = "2"  # "1": one authorisation may cover several signatures of any hashes
    multisign: int = 1


@dataclass
class FakeCscService:
    """The service's state; tests change it between calls."""

    access_token: str
    credentials: dict[str, FakeCredential] = field(default_factory=dict)
    calls: list[str] = field(default_factory=list)
    _pending: dict[tuple[str, tuple[str, ...]], int] = field(default_factory=dict)
    _sads: dict[str, tuple[str, tuple[str, ...]]] = field(default_factory=dict)
    _sad_uses: dict[str, int] = field(default_factory=dict)  # SCAL 1: signatures left
    url: str = ""

    def handle(self, method: str, token: str, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        self.calls.append(method)
        if token != self.access_token:
            return 401, {"error": "invalid_token"}
        handler = {
            "credentials/list": self._list,
            "credentials/info": self._info,
            "credentials/authorize": self._authorize,
            "signatures/signHash": self._sign_hash,
        }.get(method)
        if handler is None:
            return 404, {"error": "invalid_request", "error_description": "unknown method"}
        return handler(body)

    def _credential(self, body: dict[str, Any]) -> FakeCredential | None:
        return self.credentials.get(str(body.get("credentialID")))

    def _list(self, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        return 200, {"credentialIDs": sorted(self.credentials)}

    def _info(self, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        cred = self._credential(body)
        if cred is None:
            return 400, {"error": "invalid_request", "error_description": "Invalid credentialID"}
        leaf = cred.chain[0]
        answer: dict[str, Any] = {
            "key": {
                "status": "enabled" if cred.enabled else "disabled",
                "algo": ["1.2.840.113549.1.1.1"],
                "len": cred.key.key_size,
            },
            "cert": {
                "status": "valid",
                "certificates": [
                    base64.b64encode(c.public_bytes(serialization.Encoding.DER)).decode()
                    for c in cred.chain
                ],
                "subjectDN": leaf.subject.rfc4514_string(),
                "issuerDN": leaf.issuer.rfc4514_string(),
                "serialNumber": format(leaf.serial_number, "x"),
                "validFrom": leaf.not_valid_before_utc.strftime("%Y%m%d%H%M%SZ"),
                "validTo": leaf.not_valid_after_utc.strftime("%Y%m%d%H%M%SZ"),
            },
            "authMode": "explicit" if cred.pin else "implicit",
            "SCAL": cred.scal,
            "multisign": cred.multisign,
        }
        if cred.pin:
            answer["PIN"] = {"presence": "true", "format": "N"}
        return 200, answer

    def _authorize(self, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        cred = self._credential(body)
        if cred is None:
            return 400, {"error": "invalid_request", "error_description": "Invalid credentialID"}
        if cred.pin and body.get("PIN") != cred.pin:
            return 400, {"error": "invalid_pin", "error_description": "Invalid PIN"}
        request = (str(body["credentialID"]), tuple(body.get("hash", [])))
        waited = self._pending.get(request, 0)
        if waited < cred.polls_before_confirm:
            self._pending[request] = waited + 1
            return 400, {"error": "authorization_pending"}
        self._pending.pop(request, None)
        if cred.rejects:
            return 400, {"error": "access_denied", "error_description": "rejected by the user"}
        sad = secrets.token_urlsafe(16)
        if cred.scal == "1":
            uses = int(body.get("numSignatures", 1))
            if uses > cred.multisign:
                return 400, {"error": "invalid_request", "error_description": "numSignatures"}
            self._sad_uses[sad] = uses
        self._sads[sad] = request
        return 200, {"SAD": sad, "expiresIn": 300}

    def _sign_hash(self, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        cred = self._credential(body)
        sad = str(body.get("SAD"))
        hashes_in = tuple(body.get("hash", []))
        if sad in self._sad_uses:  # SCAL 1: any hashes, as many signatures as authorised
            left = self._sad_uses[sad] - len(hashes_in)
            bound = self._sads.get(sad)
            if left < 0 or bound is None or bound[0] != str(body.get("credentialID")):
                return 400, {"error": "invalid_request", "error_description": "Invalid SAD"}
            self._sad_uses[sad] = left
        elif self._sads.pop(sad, None) != (str(body.get("credentialID")), hashes_in):
            return 400, {"error": "invalid_request", "error_description": "Invalid SAD"}
        if cred is None:
            return 400, {"error": "invalid_request", "error_description": "Invalid SAD"}
        if body.get("hashAlgo") != SHA256:
            return 400, {"error": "invalid_request", "error_description": "Invalid hashAlgo"}
        signatures = [
            base64.b64encode(
                cred.key.sign(
                    base64.b64decode(h), padding.PKCS1v15(), utils.Prehashed(hashes.SHA256())
                )
            ).decode()
            for h in hashes_in
        ]
        return 200, {"signatures": signatures}


@contextmanager
def fake_csc_server(service: FakeCscService) -> Iterator[FakeCscService]:
    """Serve ``service`` at ``http://127.0.0.1:PORT/csc/v1`` while the block runs."""

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            prefix = "/csc/v1/"
            length = int(self.headers.get("Content-Length", "0"))
            try:
                body = json.loads(self.rfile.read(length) or b"{}")
            except ValueError:
                body = {}
            auth = self.headers.get("Authorization", "")
            token = auth.removeprefix("Bearer ") if auth.startswith("Bearer ") else ""
            if not self.path.startswith(prefix):
                status, answer = 404, {"error": "invalid_request"}
            else:
                status, answer = service.handle(self.path[len(prefix) :], token, body)
            data = json.dumps(answer).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    service.url = f"http://127.0.0.1:{server.server_address[1]}/csc/v1"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield service
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
