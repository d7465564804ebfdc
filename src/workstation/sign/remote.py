"""Remote signing through the Cloud Signature Consortium API v1 (CSC), confirmed on a phone.

Viettel's MySign follows CSC v1 and VNPT's SmartCA resembles it: the key
stays at the provider; the workstation prepares the PDF, sends only the
hash of the signed attributes, and finishes the PDF itself (pyHanko builds
the CMS around the returned signature value). The calls used:
``credentials/list``, ``credentials/info``, ``credentials/authorize``
(binding the hash, as SCAL 2 requires) and ``signatures/signHash``.

Confirmation on the phone: the provider pushes a request to the signer's
phone app and ``credentials/authorize`` gives the SAD only once it is
confirmed. Until then it answers the OAuth device-flow errors of RFC 8628
(``authorization_pending``, ``slow_down``; then ``access_denied`` when the
signer rejects, ``expired_token`` when the request lapsed), and the client
asks again every few seconds until confirmed, rejected, timed out or
cancelled. This is the polling style the providers document; check each
provider's exact error names against its own documentation.

Tested against our phone-confirming fake (``tests/fakes/csc_server.py``)
and against Certomancer's own CSC server (``certomancer-csc-dummy``, an
implementation not ours; it refuses ``certInfo`` with 501, so it is not
asked: the chain's certificates carry the same).

Nothing about the signer (name, PIN, access token) is logged; the access
token comes from the caller (settings or the environment) and the PIN,
where the credential asks one, is sent once with the authorisation.
"""

from __future__ import annotations

import asyncio
import base64
import datetime as dt
import hashlib
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from workstation.errors import BadInput, Cancelled, ExternalPartError
from workstation.sign.pades import PdfSigningSession
from workstation.sign.revocation import RevocationCheck

log = logging.getLogger(__name__)

HASH_OIDS = {"sha256": "2.16.840.1.101.3.4.2.1"}
RSA_OID = "1.2.840.113549.1.1.1"
PENDING = {"authorization_pending", "slow_down"}
MAX_ANSWER_BYTES = 1024 * 1024


@dataclass(frozen=True)
class RemoteChoice:
    """Which service and credential to sign with."""

    url: str  # the service's base address, ending in ``/csc/v1``
    credential_id: str
    access_token: str = ""
    confirm_timeout: float = 120.0  # seconds the signer has to confirm on the phone
    poll_interval: float = 2.0
    request_timeout: float = 20.0


@dataclass(frozen=True)
class Credential:
    """A remote signing credential as ``credentials/info`` describes it."""

    credential_id: str
    certificates: list[bytes]  # DER, the signer's first
    key_algorithms: list[str]
    auth_mode: str
    pin_needed: bool
    scal: str
    multisign: int


class CscClient:
    """The four CSC v1 calls over HTTPS, with typed errors."""

    def __init__(self, choice: RemoteChoice) -> None:
        """Refuses a plain ``http://`` service off this machine before any connection
        (:class:`~workstation.tls.InsecureAddress`): the access token and PIN travel."""
        import httpx

        from workstation.tls import require_secure_url

        require_secure_url(choice.url, "remote signing service")
        self.choice = choice
        headers = {"Accept": "application/json"}
        if choice.access_token:
            headers["Authorization"] = f"Bearer {choice.access_token}"
        self._http = httpx.Client(
            base_url=choice.url.rstrip("/") + "/",
            headers=headers,
            timeout=choice.request_timeout,
            follow_redirects=False,
        )

    def close(self) -> None:
        self._http.close()

    def call(self, method: str, body: dict[str, Any]) -> dict[str, Any]:
        """POST ``method`` with a JSON body; the JSON answer, or a typed error."""
        import httpx

        try:
            response = self._http.post(method, json=body)
        except httpx.HTTPError as exc:
            raise ExternalPartError(
                f"the remote signing service did not answer {method}: {exc.__class__.__name__}",
                code="sign.remote_unreachable",
            ) from exc
        if len(response.content) > MAX_ANSWER_BYTES:
            raise _bad_answer(method, "answer too large")
        try:
            answer = response.json()
        except ValueError:
            answer = None
        if not isinstance(answer, dict):
            if response.status_code == 401:
                raise _unauthorised()
            if 400 <= response.status_code < 500:  # a refusal in plain text: no error name
                raise RemoteError(method, response.status_code, "")
            raise _bad_answer(method, f"HTTP {response.status_code} without a JSON object")
        if response.status_code == 401:
            raise _unauthorised()
        if response.status_code >= 400:
            error = str(answer.get("error", ""))
            raise RemoteError(method, response.status_code, error)
        return answer

    def list_credentials(self) -> list[str]:
        try:
            answer = self.call("credentials/list", {"maxResults": 100})
        except RemoteError as exc:
            raise _bad_answer("credentials/list", exc.error or str(exc.status)) from exc
        ids = answer.get("credentialIDs")
        if not isinstance(ids, list) or not all(isinstance(i, str) for i in ids):
            raise _bad_answer("credentials/list", "no credentialIDs list")
        return ids

    def credential_info(self, credential_id: str) -> Credential:
        try:
            answer = self.call(
                "credentials/info",
                # certInfo (the parsed subject, issuer, dates) is optional in CSC and
                # some services refuse it (Certomancer's answers 501); the chain's
                # certificates carry the same and are read here.
                {"credentialID": credential_id, "certificates": "chain", "authInfo": True},
            )
        except RemoteError as exc:
            if exc.status not in {400, 404}:
                raise _bad_answer("credentials/info", exc.error or str(exc.status)) from exc
            raise BadInput(
                "the remote signing service has no such credential",
                code="sign.remote_credential_unknown",
            ) from exc
        try:
            key, cert = answer["key"], answer["cert"]
            if key.get("status", "enabled") != "enabled" or cert.get("status", "valid") != "valid":
                raise BadInput(
                    "the remote credential is disabled or its certificate is not valid",
                    code="sign.remote_credential_disabled",
                )
            certificates = [base64.b64decode(c, validate=True) for c in cert["certificates"]]
            if not certificates:
                raise ValueError("no certificate")
            pin = answer.get("PIN", {})
            return Credential(
                credential_id=credential_id,
                certificates=certificates,
                key_algorithms=[str(a) for a in key.get("algo", [])],
                auth_mode=str(answer.get("authMode", "implicit")),
                pin_needed=isinstance(pin, dict) and pin.get("presence") == "true",
                scal=str(answer.get("SCAL", "1")),
                multisign=int(answer.get("multisign", 1)),
            )
        except (KeyError, TypeError, ValueError, AttributeError, OverflowError) as exc:
            raise _bad_answer("credentials/info", exc.__class__.__name__) from exc

    def authorize(
        self,
        credential_id: str,
        hashes: list[bytes],
        pin: str | None,
        *,
        cancel: threading.Event,
        count: int | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> str:
        """The SAD for signing ``hashes`` (or, for SCAL 1 with no hashes, ``count``
        signatures), once the signer confirmed on the phone."""
        body: dict[str, Any] = {
            "credentialID": credential_id,
            "numSignatures": count or len(hashes),
            "description": "Một Cửa",
        }
        if hashes:
            body["hash"] = [base64.b64encode(h).decode("ascii") for h in hashes]
        if pin:
            body["PIN"] = pin
        deadline = clock() + self.choice.confirm_timeout
        interval = self.choice.poll_interval
        polls = 0
        while True:
            if cancel.is_set():
                log.info("remote signing cancelled while waiting for confirmation")
                raise Cancelled()
            try:
                answer = self.call("credentials/authorize", body)
            except RemoteError as exc:
                if exc.error in PENDING:
                    polls += 1
                    if exc.error == "slow_down":
                        interval += 5
                    if clock() + interval > deadline:
                        raise ExternalPartError(
                            "the signer did not confirm on the phone in time",
                            code="sign.remote_timeout",
                        ) from exc
                    cancel.wait(interval)
                    continue
                if exc.error == "access_denied":
                    log.warning("remote signing rejected on the phone")
                    raise BadInput(
                        "the signer rejected the request on the phone",
                        code="sign.remote_rejected",
                    ) from exc
                if exc.error == "expired_token":
                    raise ExternalPartError(
                        "the confirmation request expired", code="sign.remote_timeout"
                    ) from exc
                if exc.error in {"invalid_pin", "invalid_otp"}:
                    raise BadInput(
                        "the service refused the PIN; not retried", code="sign.pin_wrong"
                    ) from exc
                raise _bad_answer("credentials/authorize", exc.error or str(exc.status)) from exc
            sad = answer.get("SAD")
            if not isinstance(sad, str) or not sad:
                raise _bad_answer("credentials/authorize", "no SAD")
            log.info("remote signing confirmed after %d poll(s)", polls)
            return sad

    def sign_hashes(
        self, credential_id: str, sad: str, hashes: list[bytes], hash_algorithm: str
    ) -> list[bytes]:
        try:
            answer = self.call(
                "signatures/signHash",
                {
                    "credentialID": credential_id,
                    "SAD": sad,
                    "hash": [base64.b64encode(h).decode("ascii") for h in hashes],
                    "hashAlgo": HASH_OIDS[hash_algorithm],
                    "signAlgo": RSA_OID,
                },
            )
        except RemoteError as exc:
            raise _bad_answer("signatures/signHash", exc.error or str(exc.status)) from exc
        values = answer.get("signatures")
        try:
            if not isinstance(values, list) or len(values) != len(hashes):
                raise ValueError("wrong count")
            return [base64.b64decode(v, validate=True) for v in values]
        except (TypeError, ValueError) as exc:
            raise _bad_answer("signatures/signHash", "signatures unreadable") from exc


class RemoteError(Exception):
    """A CSC error answer (``{"error": ..., "error_description": ...}``)."""

    def __init__(self, method: str, status: int, error: str) -> None:
        super().__init__(f"{method}: HTTP {status} {error}")
        self.status = status
        self.error = error


def _bad_answer(method: str, why: str) -> ExternalPartError:
    return ExternalPartError(
        f"the remote signing service answered {method} in a way we cannot use: {why}",
        code="sign.remote_bad_answer",
    )


def _unauthorised() -> BadInput:
    return BadInput(
        "the remote signing service refused the access token", code="sign.remote_unauthorised"
    )


class RemoteSigner(PdfSigningSession):
    """Signs PDFs with a remote credential: ``with RemoteSigner(choice) as s: s.sign_batch(...)``.

    Each signature is confirmed on the signer's phone; ``cancel`` (an event
    the window sets) stops the wait, and the file being signed is left
    unwritten.
    """

    def __init__(
        self,
        choice: RemoteChoice,
        *,
        pin: str | None = None,
        cancel: threading.Event | None = None,
        tsa_url: str | None = None,
        now: Callable[[], dt.datetime] | None = None,
        revocation: RevocationCheck | None = None,
    ) -> None:
        super().__init__(tsa_url=tsa_url, now=now, revocation=revocation)
        self.choice = choice
        self._pin = pin
        self.cancel = cancel or threading.Event()
        self.client: CscClient | None = None
        self.credential: Credential | None = None
        self._batch_sad: str | None = None  # SCAL 1: one confirmation for a whole batch
        self._batch_left = 0

    def __enter__(self) -> RemoteSigner:
        try:
            self.client = CscClient(self.choice)
            self._stack.callback(self.client.close)
            self.credential = self.client.credential_info(self.choice.credential_id)
            if self.credential.pin_needed and not self._pin:
                raise BadInput("no PIN was given", code="sign.pin_missing")
            self._signer = _make_signer(self)
            self._check_certificate()
        except BaseException:
            self._stack.close()
            raise
        return self

    def sign_hash(self, data: bytes, digest_algorithm: str) -> bytes:
        """The signature value of ``data`` (the signed attributes), confirmed on the phone."""
        assert self.client is not None and self.credential is not None
        if digest_algorithm not in HASH_OIDS:
            raise BadInput(
                f"digest {digest_algorithm} is not supported remotely", code="sign.refused", name=""
            )
        digest = hashlib.new(digest_algorithm, data).digest()
        if self._batch_sad is not None and self._batch_left > 0:
            sad, self._batch_left = self._batch_sad, self._batch_left - 1
        else:
            sad = self.client.authorize(
                self.credential.credential_id, [digest], self._pin, cancel=self.cancel
            )
        (value,) = self.client.sign_hashes(
            self.credential.credential_id, sad, [digest], digest_algorithm
        )
        _check_signature_value(self.credential.certificates[0], value, data, digest_algorithm)
        return value

    def sign_batch(self, jobs, look=None, *, progress=None, cancelled=None):  # type: ignore[no-untyped-def]
        """As :meth:`PdfSigningSession.sign_batch`; a SCAL 1 credential that allows
        several signatures per authorisation (``multisign``) is confirmed once
        for up to that many files, a SCAL 2 one once per file (the hash is bound)."""
        from workstation.sign.pades import Appearance

        assert self.client is not None and self.credential is not None
        count = min(len(jobs), self.credential.multisign)
        if self.credential.scal == "1" and count > 1:
            self._batch_sad = self.client.authorize(
                self.credential.credential_id, [], self._pin, cancel=self.cancel, count=count
            )
            self._batch_left = count
        try:
            return super().sign_batch(
                jobs, look or Appearance(), progress=progress, cancelled=cancelled
            )
        finally:
            self._batch_sad, self._batch_left = None, 0


def _check_signature_value(cert_der: bytes, value: bytes, data: bytes, digest: str) -> None:
    """Refuse a signature value that the credential's certificate does not verify."""
    from cryptography import x509
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import padding, rsa

    key = x509.load_der_x509_certificate(cert_der).public_key()
    if not isinstance(key, rsa.RSAPublicKey):
        raise _bad_answer("signatures/signHash", "only RSA credentials are supported")
    try:
        key.verify(value, data, padding.PKCS1v15(), getattr(hashes, digest.upper())())
    except InvalidSignature as exc:
        raise _bad_answer("signatures/signHash", "the signature does not verify") from exc


def _make_signer(owner: RemoteSigner):  # type: ignore[no-untyped-def]
    """A pyHanko signer whose raw signature comes from the remote service."""
    from asn1crypto import x509
    from pyhanko.sign.signers import Signer
    from pyhanko_certvalidator.registry import SimpleCertificateStore

    assert owner.credential is not None
    certs = [x509.Certificate.load(der) for der in owner.credential.certificates]

    class CscSigner(Signer):
        async def async_sign_raw(
            self, data: bytes, digest_algorithm: str, dry_run: bool = False
        ) -> bytes:
            if dry_run:
                return bytes(certs[0].public_key.bit_size // 8)
            loop = asyncio.get_running_loop()
            return await loop.run_in_executor(None, owner.sign_hash, data, digest_algorithm)

    return CscSigner(
        signing_cert=certs[0], cert_registry=SimpleCertificateStore.from_certs(certs[1:])
    )
