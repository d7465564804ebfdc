"""The province's statistics targets: published by an administrator, read by workstations.

``workstation-central publish-targets FILE`` checks the file against
:class:`~workstation_central.schemas.TargetsOut` and keeps it in its checked,
canonical form, so what ``GET /v1/targets`` serves always matches the document.
The version is the SHA-256 of the body, sent as the ETag; a workstation that
names it in ``If-None-Match`` gets 304.
"""

# No ``from __future__ import annotations``: the route's annotations name the caller's
# ``User`` dependency, evaluated here when the route is made.

import hashlib
from typing import Annotated, Any

from fastapi import FastAPI, Header, Response

from workstation_central.problems import errors, problem
from workstation_central.schemas import TargetsOut
from workstation_central.storage import Central


def canonical(data: bytes) -> bytes:
    """The targets file checked and written canonically; ValueError if it is not one."""
    return TargetsOut.model_validate_json(data).model_dump_json(indent=1).encode()


def install(app: FastAPI, central: Central, user: Any) -> None:
    """Add ``GET /v1/targets`` to ``app``; ``user``: the signed-in officer dependency."""

    @app.get(
        "/v1/targets",
        tags=["statistics"],
        response_model=TargetsOut,
        responses={
            **errors(401, 404),
            304: {"description": "Unchanged since the version named in If-None-Match."},
        },
    )
    def targets(
        officer: user,  # type: ignore[valid-type]
        if_none_match: Annotated[str | None, Header(alias="If-None-Match")] = None,
    ) -> Response:
        """The province's statistics targets per agency (rates 0-1 by measure, each entry
        in force from its effective date until a later one of the same agency), their
        version as the ETag; 404 while none are published."""
        path = central.targets_path
        if not path.exists():
            raise problem(404, "targets.none", "no targets are published")
        data = path.read_bytes()
        etag = '"' + hashlib.sha256(data).hexdigest() + '"'
        if if_none_match == etag:
            return Response(status_code=304, headers={"ETag": etag})
        return Response(data, media_type="application/json", headers={"ETag": etag})
