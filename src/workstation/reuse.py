"""Reusing a citizen's digitised documents instead of scanning them again.

The central system keeps a store of every citizen's digitised documents (kho
quản lý dữ liệu điện tử của tổ chức, cá nhân), looked up by ID number
(``GET /v1/citizens/{id_number}/documents``). :meth:`ReuseLookup.find` asks it
for the applicant's documents and matches them to the procedure's checklist:
a document fits a component when it was filed under a component of the same
name (folded: case, diacritics and ``đ`` ignored). :meth:`ReuseLookup.fetch`
downloads one into the data folder's ``reused/`` (streamed, its SHA-256
checked, its size capped; kept sealed under a keyed name when encryption is on,
the caller then gets a plain working copy in ``viewing/``), ready to be
received with the component as a reused document (digitisation status 2,
reused from another dossier's component;
:class:`~workstation.intake.receive.ComponentReceipt` ``reused``).

Offline, the lookup says so (``reuse.offline``), never an empty list that
would look like "nothing to reuse".
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from workstation.domain.catalogue import Procedure
from workstation.domain.text import fold
from workstation.errors import BadInput, ExternalPartError, StoreError
from workstation.store import sealed_files
from workstation.sync.client import CentralClient, NotSignedIn, Refused, Retryable

log = logging.getLogger(__name__)

MAX_BYTES = 200 * 1024 * 1024
"""The largest document fetched from the store (a long scanned PDF is far smaller)."""
_ID_NUMBER = re.compile(r"\d{9}|\d{12}|\d{10}(-\d{3})?")
_SUFFIX = re.compile(r"\.[A-Za-z0-9]{1,5}")


@dataclass(frozen=True)
class ReusableDocument:
    """A digitised document of the citizen's store, as the checklist offers it."""

    sha256: str
    file_name: str
    media_type: str
    size_bytes: int
    dossier_id: str
    dossier_code: str | None
    component_code: str | None
    component_name: str | None


class ReuseLookup:
    """The citizen's store through a :class:`CentralClient` made by ``connect`` per call
    (the kept sign-in), files fetched into ``folder``."""

    def __init__(self, connect: Callable[[], CentralClient], folder: Path) -> None:
        self.connect = connect
        self.folder = folder

    def find(self, id_number: str, procedure: Procedure) -> dict[str, list[ReusableDocument]]:
        """The applicant's documents that fit each component of ``procedure``, by its code."""
        id_number = id_number.strip()
        if not _ID_NUMBER.fullmatch(id_number):
            raise BadInput("no ID number to look up", code="reuse.no_id_number")
        raw = self._ask(lambda client: client.citizen_documents(id_number))
        try:
            documents = [_document(d) for d in raw]
        except (KeyError, TypeError, ValueError) as exc:
            raise ExternalPartError(
                "the central system's list of the citizen's documents cannot be read",
                code="reuse.bad_answer",
            ) from exc
        matches: dict[str, list[ReusableDocument]] = {}
        for requirement in procedure.components:
            wanted = fold(requirement.name)
            fitting = [
                d for d in documents if d.component_name and fold(d.component_name) == wanted
            ]
            if fitting:
                matches[requirement.code] = fitting
        log.info(
            "citizen store: %d document(s), %d component(s) matched", len(documents), len(matches)
        )
        return matches

    def fetch(self, document: ReusableDocument) -> Path:
        """The document's file (downloaded unless already kept, hash checked).

        With encryption off it is ``folder/<sha256><suffix>``. With encryption on
        the kept copy is sealed under a keyed name
        (:func:`workstation.store.sealed_files.kept_name`) and what is returned is
        a plain working copy in the data folder's one plain folder, for the
        intake's page checks.
        """
        suffix = Path(document.file_name).suffix
        suffix = suffix.lower() if _SUFFIX.fullmatch(suffix) else ""
        self.folder.mkdir(parents=True, exist_ok=True)
        if not sealed_files.sealing():
            path = self.folder / f"{document.sha256}{suffix}"
            if not (path.is_file() and _sha256(path) == document.sha256):
                self._download(document, path)
            log.info("reused document fetched: %d bytes", path.stat().st_size)
            return path
        data_folder = self.folder.parent
        kept = self.folder / sealed_files.kept_name(document.sha256, suffix)
        if kept.is_file():
            try:
                copy = sealed_files.plain_copy(data_folder, kept, suffix)
            except StoreError:  # damaged: fetched again below
                log.warning("a kept reused document fails its seal; fetching it again")
            else:
                if _sha256(copy) == document.sha256:
                    return copy
                copy.unlink(missing_ok=True)
        working = sealed_files.plain_folder(data_folder)
        working.mkdir(parents=True, exist_ok=True)
        copy = working / f"{uuid.uuid4().hex}{suffix}"
        self._download(document, copy)
        with copy.open("rb") as plain:
            sealed_files.write_from(kept, plain)  # kept sealed for the next time
        log.info("reused document fetched: %d bytes", copy.stat().st_size)
        return copy

    def _download(self, document: ReusableDocument, path: Path) -> None:
        """Download ``document`` to ``path`` (through a partial file), checking its SHA-256."""
        partial = path.with_name(path.name + ".part")
        try:
            with partial.open("wb") as target:
                self._ask(lambda client: client.download_file(document.sha256, target, MAX_BYTES))
                target.flush()
                os.fsync(target.fileno())
            if _sha256(partial) != document.sha256:
                raise ExternalPartError(
                    "a document from the citizen's store does not match its SHA-256",
                    code="reuse.damaged",
                )
            partial.replace(path)
        finally:
            partial.unlink(missing_ok=True)

    def _ask(self, call):  # type: ignore[no-untyped-def]
        """Run ``call(client)``; say what went wrong in the officer's terms."""
        client = None
        try:
            client = self.connect()
            return call(client)
        except NotSignedIn as exc:
            raise BadInput(
                "sign in to the central system to look up the citizen's documents",
                code="reuse.not_signed_in",
            ) from exc
        except Retryable as exc:
            raise ExternalPartError(
                "the citizen's store of digitised documents cannot be looked up: "
                "the central system is not reachable",
                code="reuse.offline",
            ) from exc
        except Refused as exc:
            raise BadInput(
                f"the central system refused the lookup: {exc.params.get('reason', '')}",
                code="reuse.refused",
            ) from exc
        finally:
            close = getattr(client, "close", None)
            if close is not None:
                close()


def _document(raw: dict) -> ReusableDocument:  # type: ignore[type-arg]
    return ReusableDocument(
        sha256=str(raw["sha256"]),
        file_name=str(raw.get("name") or raw["sha256"]),
        media_type=str(raw.get("media_type") or "application/octet-stream"),
        size_bytes=int(raw.get("bytes") or 0),
        dossier_id=str(raw.get("dossier_id") or ""),
        dossier_code=raw.get("dossier_code"),
        component_code=raw.get("component_code"),
        component_name=raw.get("component_name"),
    )


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for piece in iter(lambda: f.read(1 << 20), b""):
            digest.update(piece)
    return digest.hexdigest()
