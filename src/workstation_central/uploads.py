"""Files on the reference server: which it holds (``POST /v1/files/check``), fetching one,
and uploads by tus 1.0 (core protocol with creation and creation-with-upload: create,
HEAD for the offset, PATCH to append), each file stored content-addressed with its
SHA-256 checked on arrival (:mod:`workstation_central.storage`).
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import json
import uuid
from collections import defaultdict
from typing import Annotated, Any

from fastapi import FastAPI, Header, HTTPException, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import FileResponse
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.requests import ClientDisconnect

from workstation_central.depends import (
    SHA256,
    Db,
    IdempotencyKey,
    Sha256,
    User,
    idempotent,
    json_answer,
)
from workstation_central.models import IdempotentResponse, StoredFile, Upload
from workstation_central.problems import errors, problem
from workstation_central.schemas import FileCheck, FileCheckOut, FilesOut, UploadCreated
from workstation_central.storage import Central, finish_upload, keep_file, keep_files

TUS_VERSION = "1.0.0"
MAX_UPLOAD = 64 << 30
"""The largest file accepted (tus ``Tus-Max-Size``): 64 GiB."""
MANY_FILES = 64
"""The most files one ``POST /v1/files`` carries."""
MANY_FILE_BYTES = 1 << 20
"""The largest file ``POST /v1/files`` takes (larger ones go by tus)."""
MANY_BYTES = 16 << 20
"""The largest body ``POST /v1/files`` takes (its Content-Length)."""
KEPT_HASHERS = 256
"""Unfinished uploads whose running hash is kept between their requests."""


def install(app: FastAPI, central: Central) -> None:
    """Add the file and upload routes to ``app``."""
    app.state.received_bytes = 0  # every byte PATCHed in (a resumed upload's measure)
    locks: defaultdict[str, asyncio.Lock] = defaultdict(asyncio.Lock)
    hashers: dict[str, tuple[Any, int]] = {}  # unfinished uploads' running SHA-256, offset

    @app.post("/v1/files/check", response_model=FileCheckOut, tags=["files"], responses=errors(401))
    def check_files(body: FileCheck, user: User, db: Db) -> FileCheckOut:
        """Which of these files (by SHA-256) the server holds already; send only the rest."""
        wanted = sorted(set(body.sha256))
        held = set(db.scalars(select(StoredFile.sha256).where(StoredFile.sha256.in_(wanted))))
        return FileCheckOut(
            held=[s for s in wanted if s in held], missing=[s for s in wanted if s not in held]
        )

    @app.head(
        "/v1/files/{sha256:sha256}",
        response_class=Response,
        tags=["files"],
        responses={
            200: {"description": "Held; Content-Length: its size in bytes."},
            **errors(401, 404, body=False),
        },
    )
    def has_file(sha256: Sha256, user: User, db: Db) -> Response:
        row = db.get(StoredFile, sha256)
        if row is None:
            return Response(status_code=404)
        return Response(status_code=200, headers={"Content-Length": str(row.bytes)})

    @app.get(
        "/v1/files/{sha256:sha256}",
        response_class=FileResponse,
        tags=["files"],
        responses={
            200: {
                "description": "The file's bytes.",
                "content": {
                    "application/octet-stream": {"schema": {"type": "string", "format": "binary"}}
                },
            },
            **errors(401, 404),
        },
    )
    def get_file(sha256: Sha256, user: User, db: Db) -> Any:
        if db.get(StoredFile, sha256) is None:
            raise problem(404, "file.unknown", "no such file")
        return FileResponse(central.file_path(sha256), media_type="application/octet-stream")

    @app.post(
        "/v1/files",
        status_code=201,
        response_model=FilesOut,
        tags=["files"],
        responses=errors(401, 413, 460),
        openapi_extra={"requestBody": _MANY_FILES_BODY},
    )
    async def upload_files(request: Request, user: User, key: IdempotencyKey) -> Response:
        """Several small whole files in one request (``multipart/form-data``: a ``file``
        part per file and, in the same order, a ``sha256`` field per file, its SHA-256 in
        hex; at most 64 files of up to 1 MiB each and 16 MiB in all, else 413), for files
        too small to be worth a tus upload each. Each is checked against its SHA-256 and
        kept content-addressed, all in one step: any file whose bytes do not match refuses
        them all (460, naming them in ``sha256``), and nothing is kept. Larger files go by
        tus."""
        length = request.headers.get("content-length", "")
        if not length.isdigit() or int(length) > MANY_BYTES:
            raise problem(413, "files.too_large", "at most 16 MiB, with a Content-Length")
        form = await request.form(max_files=MANY_FILES, max_fields=MANY_FILES)
        try:
            names, contents = [], []
            for field, part in form.multi_items():
                if field == "sha256" and isinstance(part, str) and SHA256.match(part):
                    names.append(part)
                elif field == "file" and not isinstance(part, str):
                    if (part.size or 0) > MANY_FILE_BYTES:
                        raise problem(413, "files.too_large", "a file of at most 1 MiB each")
                    contents.append(await part.read())
                else:
                    raise problem(
                        422, "files.part", "only file parts and sha256 fields (64 hex digits)"
                    )
        finally:
            await form.close()
        if len(names) != len(contents):
            raise problem(422, "files.count", "one sha256 field per file part")
        files = list(zip(names, contents, strict=True))
        if not files:
            raise problem(422, "files.none", "no file part")
        app.state.received_bytes += sum(len(data) for _, data in files)
        digests = sorted({sha256 for sha256, _ in files})
        operation = "POST /v1/files " + hashlib.sha256(" ".join(digests).encode()).hexdigest()
        body = {"stored": digests}
        record = IdempotentResponse(
            key=key, user=user, operation=operation, status=201, body=json.dumps(body)
        )
        stored = await run_in_threadpool(_stored_answer, central, key)
        if stored is None:
            stored = await run_in_threadpool(keep_files, central, files, record)
        if stored is None:
            return json_answer(201, body, None)
        if stored.operation != operation or stored.user != user:
            raise problem(422, "idempotency.key_reused", "the key was used for another request")
        return json_answer(stored.status, json.loads(stored.body), None, replayed=True)

    @app.options("/v1/uploads", status_code=204, tags=["uploads"])
    def tus_options() -> Response:
        return Response(
            status_code=204,
            headers={
                "Tus-Resumable": TUS_VERSION,
                "Tus-Version": TUS_VERSION,
                "Tus-Extension": "creation,creation-with-upload",
                "Tus-Max-Size": str(MAX_UPLOAD),
            },
        )

    @app.post(
        "/v1/uploads",
        status_code=201,
        response_model=UploadCreated,
        tags=["uploads"],
        responses=errors(400, 401, 409),
    )
    async def create_upload(
        request: Request,
        user: User,
        key: IdempotencyKey,
        db: Db,
        upload_length: Annotated[int, Header(alias="Upload-Length", ge=0, le=MAX_UPLOAD)],
        upload_metadata: Annotated[
            str, Header(alias="Upload-Metadata", description="sha256 <base64 of the hex digest>")
        ],
        tus_resumable: Annotated[str, Header(alias="Tus-Resumable")] = TUS_VERSION,
    ) -> Response:
        """tus creation; an unfinished upload of the same content is handed out again.

        With tus's creation-with-upload extension: a body sent as
        ``application/offset+octet-stream`` is the upload's first bytes, appended when
        the upload is new (``created``), and the answer's ``Upload-Offset`` says how many
        arrived. An upload handed out again (or a replayed answer) takes no bytes with its
        creation: the body is read and dropped, and the client asks the offset (HEAD)."""
        sha256 = _metadata_sha256(upload_metadata)
        operation = f"POST /v1/uploads {sha256}"
        whole = request.headers.get(
            "content-type"
        ) == "application/offset+octet-stream" and request.headers.get("content-length") == str(
            upload_length
        )
        if whole and await run_in_threadpool(_nothing_under, db, key, sha256, upload_length):
            return await keep_whole(request, user, key, operation, sha256, upload_length)

        def apply() -> tuple[int, Any]:
            row = db.scalars(
                select(Upload).where(Upload.sha256 == sha256, Upload.length == upload_length)
            ).first()
            fresh = row is None
            if row is None:
                row = Upload(id=uuid.uuid4().hex, sha256=sha256, length=upload_length)
                (central.uploads / row.id).touch()
                db.add(row)
            # ``created``: nothing arrived yet (a replayed answer says Idempotent-Replayed).
            return 201, {"id": row.id, "created": fresh, "_location": f"/v1/uploads/{row.id}"}

        response = await run_in_threadpool(idempotent, db, user, key, operation, apply)
        response.headers["Tus-Resumable"] = TUS_VERSION
        if request.headers.get("content-type") != "application/offset+octet-stream":
            return response
        answer = json.loads(bytes(response.body))
        if answer.get("created") is True and "Idempotent-Replayed" not in response.headers:
            with central.sessions() as session:
                row = session.get(Upload, answer["id"])
            if row is not None:
                received = await append(row, 0, request)
                if received is None:
                    return Response(status_code=400)  # nobody listens; the bytes are kept
                response.headers["Upload-Offset"] = str(received)
                return response
        async for chunk in request.stream():  # not taken: the client asks the offset
            app.state.received_bytes += len(chunk)
        return response

    async def keep_whole(
        request: Request, user: str, key: str, operation: str, sha256: str, length: int
    ) -> Response:
        """A new upload whose creation carries all of its bytes: written aside, then kept
        with its answer in one transaction (no upload row to make and remove). A break
        keeps nothing (the key stays unused), so the next try starts afresh."""
        upload_id = uuid.uuid4().hex
        part = central.uploads / upload_id
        received = 0
        hasher = hashlib.sha256()
        with part.open("wb") as f:
            try:
                async for chunk in request.stream():
                    if received + len(chunk) > length:
                        raise problem(400, "upload.too_long", "more than Upload-Length")
                    f.write(chunk)
                    hasher.update(chunk)
                    received += len(chunk)
                    app.state.received_bytes += len(chunk)
            except ClientDisconnect:
                part.unlink()
                return Response(status_code=400)  # nobody listens
            except HTTPException:
                part.unlink()
                raise
        if received != length:
            part.unlink()
            raise problem(400, "upload.too_short", "fewer bytes than Upload-Length")
        location = f"/v1/uploads/{upload_id}"
        answer = {"id": upload_id, "created": True}
        record = IdempotentResponse(
            key=key, user=user, operation=operation, status=201,
            body=json.dumps(answer), location=location,
        )  # fmt: skip
        stored = await run_in_threadpool(
            keep_file, central, part, sha256, record, hasher.hexdigest()
        )
        if stored is not None:  # a concurrent request with this key got there first
            return json_answer(
                stored.status, json.loads(stored.body), stored.location, replayed=True
            )
        response = json_answer(201, answer, location)
        response.headers["Tus-Resumable"] = TUS_VERSION
        response.headers["Upload-Offset"] = str(received)
        return response

    async def append(row: Upload, offset: int, request: Request) -> int | None:
        """Append the request's body to the upload at ``offset``; finish it when complete.

        The bytes are hashed as they arrive, carried on from the upload's earlier
        requests to this process (else the finished file is read again to hash it).
        Returns the new offset, or None if the client went away (what arrived is kept).
        """
        part = central.uploads / row.id
        async with locks[row.id]:
            size = part.stat().st_size
            if offset != size:
                raise problem(409, "upload.offset", "offset does not match", offset=size)
            hasher, hashed = hashers.pop(row.id, (None, -1))
            if offset == 0:
                hasher = hashlib.sha256()
            elif hashed != offset:
                hasher = None
            received = size
            with part.open("ab") as f:
                try:
                    async for chunk in request.stream():
                        if received + len(chunk) > row.length:
                            f.write(chunk[: row.length - received])
                            raise problem(400, "upload.too_long", "more than Upload-Length")
                        f.write(chunk)
                        if hasher is not None:
                            hasher.update(chunk)
                        received += len(chunk)
                        app.state.received_bytes += len(chunk)
                except ClientDisconnect:
                    keep_hasher(row.id, hasher, received)
                    return None
            if received == row.length:
                digest = None if hasher is None else hasher.hexdigest()
                await run_in_threadpool(finish_upload, central, row, digest)
            else:
                keep_hasher(row.id, hasher, received)
        return received

    def keep_hasher(upload_id: str, hasher: Any, offset: int) -> None:
        """Keep an unfinished upload's running hash for its next request (a few only)."""
        if hasher is None:
            return
        while len(hashers) >= KEPT_HASHERS:
            hashers.pop(next(iter(hashers)))
        hashers[upload_id] = (hasher, offset)

    @app.head(
        "/v1/uploads/{upload_id}",
        response_class=Response,
        tags=["uploads"],
        responses={
            200: {"description": "Upload-Offset: the bytes arrived; Upload-Length: all of them."},
            **errors(401, 404, body=False),
        },
    )
    def upload_offset(upload_id: str, user: User, db: Db) -> Response:
        row = db.get(Upload, upload_id)
        part = central.uploads / upload_id
        if row is None or not part.exists():
            return Response(status_code=404, headers={"Tus-Resumable": TUS_VERSION})
        return Response(
            status_code=200,
            headers={
                "Upload-Offset": str(part.stat().st_size),
                "Upload-Length": str(row.length),
                "Tus-Resumable": TUS_VERSION,
                "Cache-Control": "no-store",
            },
        )

    @app.patch(
        "/v1/uploads/{upload_id}",
        status_code=204,
        tags=["uploads"],
        responses=errors(400, 401, 404, 409, 415, 460),
    )
    async def append_upload(
        upload_id: str,
        request: Request,
        user: User,
        upload_offset: Annotated[int, Header(alias="Upload-Offset", ge=0)],
        content_type: Annotated[str, Header(alias="Content-Type")],
    ) -> Response:
        """tus PATCH: append at ``Upload-Offset``; what arrived before a break is kept."""
        if content_type != "application/offset+octet-stream":
            raise problem(415, "upload.content_type", "use application/offset+octet-stream")
        with central.sessions() as db:
            row = db.get(Upload, upload_id)
        part = central.uploads / upload_id
        if row is None or not part.exists():
            raise problem(404, "upload.unknown", "no such upload")
        received = await append(row, upload_offset, request)
        if received is None:
            return Response(status_code=400)  # nobody listens; the bytes are kept
        return Response(
            status_code=204,
            headers={
                "Upload-Offset": str(received),
                "Tus-Resumable": TUS_VERSION,
            },
        )


def _nothing_under(db: Session, key: str, sha256: str, length: int) -> bool:
    """Neither the key nor an unfinished upload of the content is known (a new upload)."""
    if db.get(IdempotentResponse, key) is not None:
        return False
    unfinished = db.scalars(
        select(Upload.id).where(Upload.sha256 == sha256, Upload.length == length)
    ).first()
    db.rollback()
    return unfinished is None


def _metadata_sha256(metadata: str) -> str:
    for pair in metadata.split(","):
        name, _, value = pair.strip().partition(" ")
        if name == "sha256":
            try:
                sha256 = base64.b64decode(value).decode()
            except ValueError:
                break
            if SHA256.match(sha256):
                return sha256
    raise problem(400, "upload.metadata", "Upload-Metadata must carry the file's sha256")


def _stored_answer(central: Central, key: str) -> IdempotentResponse | None:
    """The answer stored under ``key``, if it was used before."""
    with central.sessions() as db:
        return db.get(IdempotentResponse, key)


_MANY_FILES_BODY: dict[str, Any] = {
    "required": True,
    "content": {
        "multipart/form-data": {
            "schema": {
                "type": "object",
                "required": ["file", "sha256"],
                "additionalProperties": False,
                "properties": {
                    "file": {
                        "type": "array",
                        "minItems": 1,
                        "maxItems": MANY_FILES,
                        "description": "The files, each a part named file.",
                        "items": {"type": "string", "format": "binary"},
                    },
                    "sha256": {
                        "type": "array",
                        "minItems": 1,
                        "maxItems": MANY_FILES,
                        "description": "The SHA-256 of each file, in the order of the files.",
                        "items": {"type": "string", "pattern": SHA256.pattern},
                    },
                },
            },
            "encoding": {"file": {"contentType": "application/octet-stream"}},
        }
    },
}
