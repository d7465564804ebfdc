"""How the reference central server refuses: one shape for every error, documented per route.

Every refusal is ``{"detail": {"code": ..., "detail": ..., ...}}`` with a stable
code (FastAPI's own 422 keeps its list of issues); :func:`errors` documents a
route's refusals in docs/central-api.yaml, :func:`install` puts routing's and the
framework's own refusals (404, 405, a body that is no JSON, a value the database
cannot store) in the same shape.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, HTTPException, Request, Response
from fastapi.exception_handlers import http_exception_handler
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DataError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match

from workstation_central.schemas import HTTPValidationError, Problem

WHY = {
    400: "The body is no JSON, a tus header is malformed, or more bytes came than announced.",
    401: "Not signed in, or the token expired (refresh it), or a wrong password.",
    404: "No such dossier, file or upload.",
    409: "Conflicts with what the server holds (exists already, files not yet uploaded, "
    "an upload's offset moved on, a concurrent write got there first).",
    413: "More files or bytes than one request may carry (send the rest in another).",
    415: "A tus PATCH must be application/offset+octet-stream.",
    422: "The body or a header does not fit the document, or an Idempotency-Key was "
    "used before for another request.",
    460: "The uploaded bytes do not have the announced SHA-256 (tus checksum mismatch).",
}


def errors(*statuses: int, body: bool = True) -> dict[int | str, dict[str, Any]]:
    """The OpenAPI ``responses`` of a route's error answers.

    Every route may also answer 400 (a body that is no JSON) and 422. ``body=False``
    for HEAD, whose answers have none.
    """
    documented: dict[int | str, dict[str, Any]] = {
        s: {"model": Problem, "description": WHY[s]} for s in sorted({400, *statuses})
    }
    documented[422] = {"model": Problem | HTTPValidationError, "description": WHY[422]}
    if not body:
        documented = {s: {"description": d["description"]} for s, d in documented.items()}
    return documented


def problem(status: int, code: str, detail: str, **extra: Any) -> HTTPException:
    return HTTPException(status_code=status, detail={"code": code, "detail": detail, **extra})


def install(app: FastAPI) -> None:
    """Answer routing's and the framework's own refusals in the server's shape."""

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        """Routing's 404 and FastAPI's 400 in the server's shape; a 405 names every method
        the path takes (Starlette's names one route's only)."""
        if isinstance(exc.detail, dict):  # the server's own refusal
            return await http_exception_handler(request, exc)
        if exc.status_code == 405:
            allowed: set[str] = set()
            for route in app.router.routes:
                if route.matches(request.scope)[0] != Match.NONE:
                    allowed |= getattr(route, "methods", None) or set()
            return JSONResponse(
                {
                    "detail": {
                        "code": "method.not_allowed",
                        "detail": "not a method of this address",
                    }
                },
                status_code=405,
                headers={"Allow": ", ".join(sorted(allowed))},
            )
        code = {400: "request.malformed", 404: "not_found"}.get(
            exc.status_code, f"http.{exc.status_code}"
        )
        return JSONResponse(
            {"detail": {"code": code, "detail": str(exc.detail)}},
            status_code=exc.status_code,
            headers=exc.headers,
        )

    @app.exception_handler(DataError)
    async def unstorable(request: Request, exc: DataError) -> Response:
        """A value the database cannot hold (PostgreSQL refuses NUL in text, a number too big)."""
        return JSONResponse(
            {"detail": {"code": "value.unstorable", "detail": "a value the database cannot hold"}},
            status_code=422,
        )
