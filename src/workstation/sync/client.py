"""The central-system client: one interface, :class:`CentralClient`, and its HTTP implementation.

A province whose own system speaks another dialect plugs in its own implementation
of :class:`CentralClient`; the sender and the commands only see the interface.
:class:`HttpCentralClient` speaks docs/central-api.yaml (the reference server,
:mod:`workstation_central`, implements it): JSON over HTTPS with a bearer token,
an ``Idempotency-Key`` on every write, files by tus 1.0 streamed from disk.

Failures are typed, so the sender can tell what waiting helps from what only
the officer can fix: :class:`Retryable` (network, 5xx, 429) or :class:`Refused`
(validation) and :class:`NotSignedIn` (authentication).
"""

from __future__ import annotations

import base64
import logging
import re
import threading
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, BinaryIO, Protocol

import httpx

from workstation.errors import BadInput, ExternalPartError
from workstation.sync.status import SignInRefused
from workstation.tasks import CancelToken
from workstation.tls import (
    UntrustedCertificate,
    require_secure_url,
    untrusted_certificate,
    verification,
)

log = logging.getLogger(__name__)

TUS_VERSION = "1.0.0"
UPLOAD_CHUNK = 32 << 20
"""Bytes per tus PATCH; a break costs at most what was in flight of one of them."""
MAX_CATALOGUE = 50 << 20
"""The largest catalogue file taken from the central system."""
MAX_TARGETS = 1 << 20
"""The largest statistics targets file taken from the central system."""
READ_SIZE = 1 << 20
"""Bytes read from disk at a time while a PATCH streams (the memory a file costs)."""
WITH_CREATION = 1 << 20
"""A file up to this size (and one chunk) travels with its tus creation
(creation-with-upload): one request instead of two. Larger ones are PATCHed, so a
resumed upload's creation never carries bytes the server already holds."""
MANY_FILES = 64
"""The most small files one :meth:`CentralClient.upload_files` carries."""
MANY_BYTES = 8 << 20
"""The most bytes of files one :meth:`CentralClient.upload_files` carries."""
BATCH_LIMIT = 100
"""The most writes one ``POST /v1/batch`` carries."""
MAX_CONFLICTS = 8
"""How many 409 answers in a row one upload takes (asking the offset again after
each) before it waits for a later round."""


class Retryable(ExternalPartError):
    """The central system could not be reached or answered 5xx/429: trying later helps."""

    code = "sync.server_failed"


class Unreachable(Retryable):
    """No answer at all from the address tried (connection refused, dropped, timed out)."""

    code = "sync.unreachable"


class CentralNotTrusted(Unreachable, UntrustedCertificate):
    """The central system's certificate is not trusted (the pinned authority, else the
    default roots): it may not be the province's system. Waits like :class:`Unreachable`."""

    code = "tls.untrusted"


class Refused(BadInput):
    """The central system refused the content (4xx): only the officer can get it through."""

    code = "sync.refused"


class NotSignedIn(BadInput):
    """No valid sign-in for this server: the officer must run ``workstation login``."""

    code = "sync.not_signed_in"


class WrongPassword(SignInRefused):
    """The central system refused the user name or password (exit 3)."""

    code = "sync.wrong_password"


@dataclass(frozen=True)
class Tokens:
    access_token: str
    refresh_token: str
    user: str
    roles: tuple[str, ...] = ()
    """The officer's roles as the central system holds them (``workstation.officers.Role``
    values; others are kept but grant nothing)."""


@dataclass(frozen=True)
class Write:
    """One idempotent write, as a batch carries it: the operation (``dossier.create``,
    ``dossier.status`` …, see docs/central-api.yaml ``BatchItem``), the dossier its single
    request's address names, its body and its Idempotency-Key."""

    key: str
    op: str
    dossier_id: str | None = None
    body: dict[str, Any] | None = None


Opener = Callable[[], BinaryIO]
"""Opens a stored file for reading from its start (the caller seeks)."""


class CentralClient(Protocol):
    """What the workstation asks of a province's central system."""

    def login(self, user: str, password: str) -> Tokens: ...

    def download_catalogue(self, known: str | None) -> tuple[bytes, str] | None:
        """The published catalogue file and its version, or None if it is still ``known``
        (or none is published)."""
        ...

    def download_targets(self, known: str | None) -> tuple[bytes, str] | None:
        """The province's statistics targets file and its version, or None if it is still
        ``known`` (or none is published)."""
        ...

    def status_updates(self, after: int) -> tuple[list[tuple[str, int]], int]:
        """Dossier status changes after the cursor ``after``: ``[(dossier id, status)]`` and
        the cursor to read on from."""
        ...

    def create_dossier(self, payload: dict[str, Any], key: str) -> None: ...

    def set_status(self, dossier_id: str, status: int, key: str) -> None: ...

    def delete_dossier(self, dossier_id: str, key: str) -> None: ...

    def add_signed_document(self, dossier_id: str, payload: dict[str, Any], key: str) -> None: ...

    def add_document(self, dossier_id: str, payload: dict[str, Any], key: str) -> None:
        """A document added to a held dossier (its file uploaded first): a component's or
        the result (the ``document.added`` payload)."""
        ...

    def dossier_status(self, dossier_id: str) -> int | None: ...

    def write_batch(self, writes: list[Write]) -> list[Exception | None]:
        """Apply several writes at once, each once per key; per write (in order) None if
        applied, or the :class:`Retryable` or :class:`Refused` its single request would
        have raised. Raises only what stops them all (unreachable, signed out, 5xx)."""
        ...

    def missing_files(self, sha256s: list[str]) -> list[str]:
        """Which of these files the central system does not hold yet."""
        ...

    def upload_file(
        self,
        sha256: str,
        size: int,
        opener: Opener,
        key: str,
        *,
        token: CancelToken | None = None,
    ) -> int:
        """Send one file (resuming what arrived before); returns the bytes sent now.

        The sender calls it from several threads at once, for different files.
        Raises :class:`~workstation.errors.Cancelled` between chunks once ``token``
        is set; what arrived stays on the server and the next call resumes it.
        """
        ...

    def upload_files(self, files: list[tuple[str, bytes]], key: str) -> None:
        """Send several small whole files (SHA-256, bytes) in one go, all or none: at
        most :data:`MANY_FILES` of up to :data:`WITH_CREATION` bytes each and
        :data:`MANY_BYTES` in all. The sender calls it from several threads at once."""
        ...

    def citizen_documents(self, id_number: str) -> list[dict[str, Any]]: ...

    def download_file(self, sha256: str, target: BinaryIO, limit: int) -> int:
        """Stream a stored file into ``target``; return its length."""
        ...

    def lease_block(self, unit: str, day: str, size: int, key: str) -> tuple[int, int]: ...

    def add_archive_record(
        self,
        record_id: str,
        dossier_id: str | None,
        record: dict[str, Any],
        key: str,
        sha256: str | None = None,
    ) -> None: ...

    def add_audit_head(self, head: dict[str, Any], key: str) -> None:
        """The audit log's chain head (``workstation``, ``count``, ``head``, ``at``)."""
        ...

    def add_event(self, dossier_id: str, kind: str, payload: dict[str, Any], key: str) -> None:
        """What the counter did to a dossier after creating it (submitted online, paid …)."""
        ...

    def payment_confirmations(self, dossier_id: str) -> list[dict[str, Any]]:
        """The payments the bank reported for a dossier: reference, amount, confirmed_at."""
        ...


class HttpCentralClient:
    """:class:`CentralClient` over HTTP (docs/central-api.yaml)."""

    def __init__(
        self,
        base_url: str,
        *,
        refresh_token: str | None = None,
        on_tokens: Callable[[Tokens], None] | None = None,
        timeout: float = 30.0,
        chunk_size: int = UPLOAD_CHUNK,
        transport: httpx.BaseTransport | None = None,
        ca_file: str | None = None,
    ) -> None:
        """``ca_file``: the pinned certificate authority (PEM), the only one trusted for
        ``base_url``; None: the default roots. A plain ``http://`` address off this
        machine is refused here (:class:`~workstation.tls.InsecureAddress`), before
        any connection."""
        self.base_url = require_secure_url(base_url, "central system").rstrip("/")
        self.refresh_token = refresh_token
        self.access_token: str | None = None
        self.on_tokens = on_tokens
        self.chunk_size = chunk_size
        self.sent_bytes = 0
        self._lock = threading.Lock()  # small files go up from several threads at once
        self._http = httpx.Client(
            base_url=self.base_url,
            timeout=httpx.Timeout(timeout, connect=min(timeout, 10.0)),
            transport=transport,
            verify=verification(ca_file),
            headers={"User-Agent": "workstation-sync"},
        )

    def close(self) -> None:
        self._http.close()

    # Officers ----------------------------------------------------------------

    def login(self, user: str, password: str) -> Tokens:
        response = self._send("POST", "/v1/auth/login", json={"user": user, "password": password})
        if response.status_code == 401:
            raise WrongPassword(
                f"the central system at {self.base_url} refused the user name or password",
                server=self.base_url,
            )
        return self._took_tokens(self._check(response))

    def _refresh(self) -> None:
        with self._lock:
            self._refresh_now()

    def _refresh_now(self) -> None:
        if not self.refresh_token:
            raise NotSignedIn(f"not signed in to {self.base_url}", server=self.base_url)
        response = self._send(
            "POST", "/v1/auth/refresh", json={"refresh_token": self.refresh_token}
        )
        if response.status_code in (400, 401, 403):
            raise NotSignedIn(
                f"the sign-in to {self.base_url} has expired; sign in again",
                server=self.base_url,
            )
        self._took_tokens(self._check(response))

    def _took_tokens(self, response: httpx.Response) -> Tokens:
        with _malformed("sign-in answer"):
            body = response.json()
            tokens = Tokens(*(_text(body[k]) for k in ("access_token", "refresh_token", "user")))
            roles = body.get("roles", [])
            if not isinstance(roles, list):
                raise TypeError("roles is not a list")
            tokens = Tokens(
                tokens.access_token,
                tokens.refresh_token,
                tokens.user,
                tuple(_text(role) for role in roles),
            )
        self.access_token, self.refresh_token = tokens.access_token, tokens.refresh_token
        if self.on_tokens is not None:
            self.on_tokens(tokens)
        return tokens

    # Reading ------------------------------------------------------------------

    def download_catalogue(self, known: str | None) -> tuple[bytes, str] | None:
        headers = {"If-None-Match": known} if known else None
        response = self._call("GET", "/v1/catalogue", headers=headers, allow=(404,))
        if response.status_code in (304, 404):
            return None
        if len(response.content) > MAX_CATALOGUE:
            raise Refused("the catalogue is too large", reason="catalogue over 50 MB")
        return response.content, response.headers.get("ETag", "")

    def download_targets(self, known: str | None) -> tuple[bytes, str] | None:
        headers = {"If-None-Match": known} if known else None
        response = self._call("GET", "/v1/targets", headers=headers, allow=(404,))
        if response.status_code in (304, 404):
            return None
        if len(response.content) > MAX_TARGETS:
            raise Refused("the targets file is too large", reason="targets over 1 MB")
        return response.content, response.headers.get("ETag", "")

    def status_updates(self, after: int) -> tuple[list[tuple[str, int]], int]:
        response = self._call("GET", "/v1/status-updates", params={"after": after})
        with _malformed("status updates"):
            answer = response.json()
            updates = [(str(u["id"]), int(u["status"])) for u in _list(answer["updates"])]
            return updates, int(answer["last"])

    def dossier_status(self, dossier_id: str) -> int | None:
        response = self._call("GET", f"/v1/dossiers/{dossier_id}", allow=(404,))
        if response.status_code == 404:
            return None
        with _malformed("dossier"):
            return int(response.json()["status"])

    def citizen_documents(self, id_number: str) -> list[dict[str, Any]]:
        response = self._call("GET", f"/v1/citizens/{id_number}/documents")
        with _malformed("list of documents"):
            return _list(response.json()["documents"])

    def download_file(self, sha256: str, target: BinaryIO, limit: int) -> int:
        """Stream the file ``sha256`` into ``target``; refuse one longer than ``limit`` bytes."""
        if self.access_token is None:
            self._refresh()
        headers = {"Authorization": f"Bearer {self.access_token}"}
        written = 0
        try:
            with self._http.stream("GET", f"/v1/files/{sha256}", headers=headers) as response:
                if response.status_code >= 400:
                    response.read()
                    self._check(response)
                for piece in response.iter_bytes(1 << 20):
                    written += len(piece)
                    if written > limit:
                        raise Refused(
                            f"file {sha256} is longer than {limit} bytes", reason="too large"
                        )
                    target.write(piece)
        except httpx.TransportError as exc:
            raise self._unreachable(exc) from exc
        return written

    def missing_files(self, sha256s: list[str]) -> list[str]:
        if not sha256s:
            return []
        response = self._call("POST", "/v1/files/check", json={"sha256": sha256s})
        with _malformed("file check"):
            return [_text(d) for d in _list(response.json()["missing"])]

    # Writing ------------------------------------------------------------------

    def create_dossier(self, payload: dict[str, Any], key: str) -> None:
        self._call("POST", "/v1/dossiers", json=payload, key=key)

    def set_status(self, dossier_id: str, status: int, key: str) -> None:
        self._call("POST", f"/v1/dossiers/{dossier_id}/status", json={"status": status}, key=key)

    def delete_dossier(self, dossier_id: str, key: str) -> None:
        self._call("DELETE", f"/v1/dossiers/{dossier_id}", key=key)

    def add_signed_document(self, dossier_id: str, payload: dict[str, Any], key: str) -> None:
        self._call("POST", f"/v1/dossiers/{dossier_id}/signed-documents", json=payload, key=key)

    def add_document(self, dossier_id: str, payload: dict[str, Any], key: str) -> None:
        self._call("POST", f"/v1/dossiers/{dossier_id}/documents", json=payload, key=key)

    def lease_block(self, unit: str, day: str, size: int, key: str) -> tuple[int, int]:
        body = {"unit": unit, "day": day, "size": size}
        response = self._call("POST", "/v1/sequence-blocks", json=body, key=key)
        with _malformed("sequence block"):
            answer = response.json()
            return int(answer["first"]), int(answer["last"])

    def add_archive_record(
        self,
        record_id: str,
        dossier_id: str | None,
        record: dict[str, Any],
        key: str,
        sha256: str | None = None,
    ) -> None:
        body = {"id": record_id, "dossier_id": dossier_id, "record": record, "sha256": sha256}
        self._call("POST", "/v1/archive-records", json=body, key=key)

    def add_audit_head(self, head: dict[str, Any], key: str) -> None:
        body = {k: head.get(k) for k in ("workstation", "count", "head", "at")}
        self._call("POST", "/v1/audit-heads", json=body, key=key)

    def add_event(self, dossier_id: str, kind: str, payload: dict[str, Any], key: str) -> None:
        body = {"kind": kind, "payload": payload}
        self._call("POST", f"/v1/dossiers/{dossier_id}/events", json=body, key=key)

    def payment_confirmations(self, dossier_id: str) -> list[dict[str, Any]]:
        response = self._call("GET", f"/v1/dossiers/{dossier_id}/payment-confirmations")
        with _malformed("payment confirmations"):
            return _list(response.json()["confirmations"])

    def write_batch(self, writes: list[Write]) -> list[Exception | None]:
        outcomes: list[Exception | None] = []
        for start in range(0, len(writes), BATCH_LIMIT):
            part = writes[start : start + BATCH_LIMIT]
            items = [
                {"key": w.key, "op": w.op, "dossier_id": w.dossier_id, "body": w.body} for w in part
            ]
            response = self._call("POST", "/v1/batch", json={"items": items})
            with _malformed("batch answer"):
                results = [_dict(r) for r in _list(response.json()["results"])]
                if [r.get("key") for r in results] != [w.key for w in part]:
                    raise ValueError("the batch answer does not match its writes")
                outcomes += [self._outcome(_status(r["status"]), r.get("body")) for r in results]
        return outcomes

    def _outcome(self, status: int, body: Any) -> Exception | None:
        """A batch item's answer as its single request's: None if applied, else the error."""
        return None if status < 400 else self._refusal(status, _code_of(body))

    # Files: small ones several at once, others by tus 1.0 ---------------------------

    def upload_files(self, files: list[tuple[str, bytes]], key: str) -> None:
        parts = [("file", ("file", data, "application/octet-stream")) for _, data in files]
        digests = {"sha256": [sha256 for sha256, _ in files]}
        response = self._call("POST", "/v1/files", key=key, data=digests, files=parts)
        self._count(sum(len(data) for _, data in files), None)
        with _malformed("files answer"):
            stored = {_text(d) for d in _list(response.json()["stored"])}
            if not stored.issuperset(digests["sha256"]):
                raise ValueError("the answer does not name every file sent")

    def upload_file(
        self,
        sha256: str,
        size: int,
        opener: Opener,
        key: str,
        *,
        token: CancelToken | None = None,
    ) -> int:
        """Create (or find again) the tus upload, ask its offset, PATCH the rest in chunks
        (checking ``token`` before each). A small file's bytes go with the creation."""
        tally = [0]  # this file's bytes (other threads send other files meanwhile)
        with opener() as source:
            body = source if size <= min(WITH_CREATION, self.chunk_size) else None
            location, offset = self._create_upload(sha256, size, key, body, tally)
            if offset is None:
                offset = self._offset(location, size)
            if offset is None:  # the key's upload is gone (finished or refused): start afresh
                if not self.missing_files([sha256]):
                    return 0
                location, offset = self._create_upload(
                    sha256, size, f"{key}:{uuid.uuid4()}", body, tally
                )
                if offset is None:
                    offset = self._offset(location, size) or 0
            conflicts = 0
            while offset < size:
                if token is not None:
                    token.raise_if_cancelled()
                length = min(self.chunk_size, size - offset)
                source.seek(offset)
                headers = {
                    "Tus-Resumable": TUS_VERSION,
                    "Upload-Offset": str(offset),
                    "Content-Type": "application/offset+octet-stream",
                    "Content-Length": str(length),
                }
                response = self._call(
                    "PATCH",
                    location,
                    content=self._stream(source, length, tally),
                    headers=headers,
                    allow=(404, 409),
                )
                if response.status_code == 409:  # another attempt moved it on: ask again
                    conflicts += 1
                    if conflicts > MAX_CONFLICTS:
                        raise Retryable(
                            "the upload's offset keeps changing under us", reason="upload conflict"
                        )
                    offset = self._offset(location, size) or 0
                    continue
                if response.status_code == 404:  # finished meanwhile
                    break
                moved = _upload_offset(response, size)
                if moved <= offset:  # a server that takes the bytes and never moves on
                    raise _malformed_answer("upload offset", "the offset did not move on")
                offset, conflicts = moved, 0
        return tally[0]

    def _create_upload(
        self,
        sha256: str,
        size: int,
        key: str,
        source: BinaryIO | None = None,
        tally: list[int] | None = None,
    ) -> tuple[str, int | None]:
        """The upload's address and its offset: 0 if it is new, what arrived if ``source``'s
        bytes went with the creation (creation-with-upload), None if unknown (an upload
        found again: ask it)."""
        metadata = "sha256 " + base64.b64encode(sha256.encode()).decode()
        headers = {
            "Tus-Resumable": TUS_VERSION,
            "Upload-Length": str(size),
            "Upload-Metadata": metadata,
        }
        content = None
        if source is not None:
            source.seek(0)
            content = source.read(size)
            if len(content) != size:
                raise Refused("a stored file is shorter than recorded", code="sync.file_short")
            headers["Content-Type"] = "application/offset+octet-stream"
            self._count(size, tally)
        response = self._call("POST", "/v1/uploads", headers=headers, key=key, content=content)
        location = self._location(response)
        if "Upload-Offset" in response.headers:
            return location, _upload_offset(response, size)
        replayed = response.headers.get("Idempotent-Replayed") == "true"
        with _malformed("upload creation"):
            fresh = not replayed and _dict(response.json()).get("created") is True
        return location, 0 if fresh else None

    def _location(self, response: httpx.Response) -> str:
        """The upload's address from ``Location``: a path of ours under ``/v1/uploads/``
        (an absolute one on our own address is shortened to it). Anything else is
        malformed: the access token must never go to an address the answer chose."""
        location = response.headers.get("Location", "")
        if location.startswith(self.base_url + "/"):
            location = location[len(self.base_url) :]
        prefix, _, upload_id = location.partition("/v1/uploads/")
        if prefix or not _UPLOAD_ID.fullmatch(upload_id):
            raise _malformed_answer("upload creation", "no usable Location")
        return location

    def _offset(self, location: str, size: int) -> int | None:
        response = self._call(
            "HEAD", location, headers={"Tus-Resumable": TUS_VERSION}, allow=(404,)
        )
        if response.status_code == 404:
            return None
        return _upload_offset(response, size)

    def _count(self, sent: int, tally: list[int] | None) -> None:
        """Count bytes put on the wire: in all (:attr:`sent_bytes`) and for one file."""
        with self._lock:
            self.sent_bytes += sent
        if tally is not None:
            tally[0] += sent

    def _stream(self, source: BinaryIO, length: int, tally: list[int]) -> Iterator[bytes]:
        left = length
        while left > 0:
            piece = source.read(min(READ_SIZE, left))
            if not piece:
                raise Refused("a stored file is shorter than recorded", code="sync.file_short")
            left -= len(piece)
            self._count(len(piece), tally)
            yield piece

    # Plumbing ---------------------------------------------------------------------

    def _call(
        self,
        method: str,
        path: str,
        *,
        key: str | None = None,
        allow: tuple[int, ...] = (),
        headers: dict[str, str] | None = None,
        **kwargs: Any,
    ) -> httpx.Response:
        """Send with the access token (refreshing it once on 401); raise by class of failure."""
        if self.access_token is None:
            self._refresh()
        for first in (True, False):
            all_headers = {**(headers or {}), "Authorization": f"Bearer {self.access_token}"}
            if key is not None:
                all_headers["Idempotency-Key"] = key
            response = self._send(method, path, headers=all_headers, **kwargs)
            if response.status_code == 401 and first:
                self._refresh()
                if isinstance(kwargs.get("content"), Iterator):  # streamed: not replayable
                    raise Retryable("the access token expired mid-upload", reason="HTTP 401")
                continue
            if response.status_code == 401:
                raise NotSignedIn(
                    f"the central system at {self.base_url} wants a new sign-in",
                    server=self.base_url,
                )
            if response.status_code in allow:
                return response
            return self._check(response)
        raise AssertionError("unreachable")

    def _send(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        try:
            response = self._http.request(method, path, **kwargs)
            response.read()
        except httpx.TransportError as exc:
            raise self._unreachable(exc) from exc
        return response

    def _unreachable(self, exc: httpx.TransportError) -> Unreachable:
        if untrusted_certificate(exc):
            return CentralNotTrusted(
                f"the certificate of {self.base_url} is not signed by an authority trusted "
                "for the central system",
                server=self.base_url,
            )
        return Unreachable(
            f"the central system at {self.base_url} cannot be reached ({type(exc).__name__})",
            server=self.base_url,
        )

    def _check(self, response: httpx.Response) -> httpx.Response:
        status = response.status_code
        if status < 400:
            return response
        raise self._refusal(status, _error_code(response))

    def _refusal(self, status: int, code: str) -> Retryable | Refused:
        """What a ``status`` answer with the error ``code`` means: wait, or refused."""
        reason = f"HTTP {status} {code}".strip()
        if status >= 500 or status in (408, 429) or code in _WAIT_HELPS:
            return Retryable(
                f"the central system answered {reason}", server=self.base_url, reason=reason
            )
        return Refused(f"the central system refused: {reason}", reason=reason)


_WAIT_HELPS = {"files.missing", "archive.file_missing", "upload.offset", "upload.checksum"}
"""4xx answers another attempt can get past (files still arriving, a transfer damaged)."""


@contextmanager
def _malformed(what: str) -> Iterator[None]:
    """An answer that does not have the documented shape is a typed error, never a crash.

    It is :class:`Retryable`, not :class:`Refused`: a malformed answer is the central
    system's fault (a bug, a proxy in the way, an upgrade half done), not the officer's,
    and nothing the officer edits would get past it. So the message waits with backoff
    and the reason shown (``malformed …``), and goes by itself once the server is mended.
    """
    try:
        yield
    except (KeyError, IndexError, TypeError, ValueError, AttributeError, OverflowError) as exc:
        raise _malformed_answer(what, type(exc).__name__) from exc


def _malformed_answer(what: str, why: str) -> Retryable:
    return Retryable(
        f"the central system's {what} is malformed ({why})", reason=f"malformed {what}"
    )


_UPLOAD_ID = re.compile(r"[A-Za-z0-9_-]{1,128}")
"""An upload's id in its ``Location`` (``/v1/uploads/<id>``)."""


def _upload_offset(response: httpx.Response, size: int | None) -> int:
    """The ``Upload-Offset`` header: a whole number of bytes, at most ``size``."""
    value = response.headers.get("Upload-Offset", "")
    if not value.isascii() or not value.isdigit() or len(value) > 18:
        raise _malformed_answer("upload offset", "not a number of bytes")
    offset = int(value)
    if size is not None and offset > size:
        raise _malformed_answer("upload offset", "beyond the file's end")
    return offset


def _dict(value: Any) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise TypeError(f"an object was expected, not {type(value).__name__}")
    return value


def _status(value: Any) -> int:
    """An HTTP status as a batch item carries it (a bool or a float is not one)."""
    if type(value) is not int or not 100 <= value <= 599:
        raise ValueError("not an HTTP status")
    return value


def _list(value: Any) -> list[Any]:
    if not isinstance(value, list):
        raise TypeError(f"a list was expected, not {type(value).__name__}")
    return value


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise TypeError(f"text was expected, not {type(value).__name__}")
    return value


def _error_code(response: httpx.Response) -> str:
    try:
        return _code_of(response.json())
    except ValueError:
        return ""


def _code_of(body: Any) -> str:
    """The error code of a refusal's body (``validation`` for FastAPI's list of issues)."""
    detail = body.get("detail") if isinstance(body, dict) else None
    if isinstance(detail, dict):
        return str(detail.get("code", ""))
    return "validation" if isinstance(detail, list) else ""
