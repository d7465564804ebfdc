"""What the reference server's routes share: the database session and the signed-in
officer (FastAPI dependencies), the ``Idempotency-Key`` header, the SHA-256 path
segment, and :func:`idempotent`, which applies a write once per key and answers a
repeat with the stored response.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable
from typing import Annotated, Any

from fastapi import Depends, Header, HTTPException, Request, Response
from fastapi import Path as PathParameter
from fastapi.responses import JSONResponse
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from starlette.convertors import Convertor, register_url_convertor

from workstation_central.models import IdempotentResponse, Token
from workstation_central.problems import problem
from workstation_central.security import token_digest

SHA256 = re.compile(r"^[0-9a-f]{64}$")


class _Sha256Convertor(Convertor[str]):
    """A path segment that is a SHA-256 in hex: ``/v1/files/check`` is no file's address."""

    regex = "[0-9a-f]{64}"

    def convert(self, value: str) -> str:
        return value

    def to_string(self, value: str) -> str:
        return value


register_url_convertor("sha256", _Sha256Convertor())

Sha256 = Annotated[str, PathParameter(pattern=SHA256.pattern, description="SHA-256 in hex")]

IdempotencyKey = Annotated[
    str,
    Header(
        alias="Idempotency-Key",
        min_length=1,
        max_length=200,
        description="Unique per change; a repeat with the same key returns the first response.",
    ),
]


def _session(request: Request) -> Any:
    with request.app.state.central.sessions() as s:
        yield s


Db = Annotated[Session, Depends(_session)]


def _officer(db: Db, authorization: Annotated[str | None, Header()] = None) -> str:
    """The signed-in officer (Bearer access token), or 401."""
    if not authorization or not authorization.startswith("Bearer "):
        raise problem(401, "auth.required", "sign in first")
    row = db.get(Token, token_digest(authorization.removeprefix("Bearer ")))
    if row is None or row.kind != "access" or row.expires_at < time.time():
        raise problem(401, "auth.expired", "the access token is unknown or expired")
    user = row.user
    db.rollback()  # end the read: an upload streams for long without holding a transaction
    return user


User = Annotated[str, Depends(_officer)]


def idempotent(
    db: Session, user: str, key: str, operation: str, apply: Callable[[], tuple[int, Any]]
) -> Response:
    """Apply a write once per key: a repeat returns the stored response, changing nothing."""
    stored = db.get(IdempotentResponse, key)
    if stored is None:
        try:
            status, body = apply()
            location = body.pop("_location", None) if isinstance(body, dict) else None
            db.add(
                IdempotentResponse(
                    key=key,
                    user=user,
                    operation=operation,
                    status=status,
                    body=json.dumps(body),
                    location=location,
                )
            )
            db.commit()
        except HTTPException:
            # Refused, unless a concurrent request with this key was applied meanwhile
            # (it created the dossier this one finds): then its answer is the answer.
            db.rollback()
            stored = db.get(IdempotentResponse, key)
            if stored is None:
                raise
        except IntegrityError:
            # A concurrent request wrote the same key (its answer is the answer) or
            # the same row under another key (the client's next try hears why).
            db.rollback()
            stored = db.get(IdempotentResponse, key)
            if stored is None:
                raise problem(
                    409, "write.conflict", "a concurrent write got there first; try again"
                ) from None
        else:
            return json_answer(status, body, location)
    if stored.operation != operation or stored.user != user:
        raise problem(422, "idempotency.key_reused", "the key was used for another request")
    return json_answer(stored.status, json.loads(stored.body), stored.location, replayed=True)


def json_answer(status: int, body: Any, location: str | None, replayed: bool = False) -> Response:
    """A JSON answer; ``replayed``: the stored answer of a key applied before."""
    headers = {"Location": location} if location else {}
    if replayed:
        headers["Idempotent-Replayed"] = "true"
    return JSONResponse(body, status_code=status, headers=headers)
