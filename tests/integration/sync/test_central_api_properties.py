"""Property-based tests of the reference server against docs/central-api.yaml (schemathesis).

Every operation of the document gets generated requests, valid and not (a bounded
number, so the run stays short), sent over loopback to the real server on SQLite
and on PostgreSQL; every answer must be one the document names, in the shape it
gives, and no answer may be a server error.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import re
import uuid

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from tests.integration.sync.conftest import PASSWORD, ROOT, start_server

pytestmark = pytest.mark.integration

schema = schemathesis.openapi.from_path(ROOT / "docs" / "central-api.yaml")
# HTTP lets a request carry headers a server does not know; that is no invalid request.
# PostgreSQL's text holds no NUL character: such a value is answered 422 value.unstorable
# (test_a_value_postgresql_cannot_hold_is_refused_not_a_server_error), not explored here.
schema.config.generation.update(allow_extra_parameters=False, allow_x00=False)


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def signed_in(request, tmp_path_factory):
    """One server per database for the whole module (examples need no clean slate)."""
    with contextlib.ExitStack() as stack:
        url = None
        if request.param == "postgresql":
            url = stack.enter_context(request.getfixturevalue("postgres_cluster").new_database())
        server = start_server(tmp_path_factory.mktemp("central"), db_url=url)
        stack.callback(server.stop)
        tokens = httpx.post(
            f"{server.url}/v1/auth/login", json={"user": "canbo1", "password": PASSWORD}
        ).json()
        yield server.url, {"Authorization": f"Bearer {tokens['access_token']}"}


@schema.parametrize()
@settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))
def test_every_answer_matches_the_document(case, signed_in):
    url, headers = signed_in
    # What JSON Schema cannot say about headers, said as the document's text says it:
    key = (case.headers or {}).get("Idempotency-Key")
    if isinstance(key, str) and 1 <= len(key) <= 200:  # a valid key, made unique per change
        case.headers["Idempotency-Key"] = uuid.uuid4().hex
    if case.headers and "Upload-Metadata" in case.headers:  # the base64 of a hex SHA-256
        digest = hashlib.sha256(uuid.uuid4().bytes).hexdigest().encode()
        case.headers["Upload-Metadata"] = "sha256 " + base64.b64encode(digest).decode()
    if case.path == "/v1/files" and isinstance(case.body, dict):  # each file's own SHA-256
        _name_files(case.body)
    if case.method == "PATCH":  # tus: the content type of every PATCH (no parameter in OpenAPI)
        case.headers["Content-Type"] = "application/offset+octet-stream"
    case.call_and_validate(base_url=url, headers=headers)


def test_a_value_postgresql_cannot_hold_is_refused_not_a_server_error(signed_in):
    url, headers = signed_in
    body = {"id": "a\x00b", "dossier_id": "d", "record": {}}
    answer = httpx.post(
        f"{url}/v1/archive-records", json=body, headers={**headers, "Idempotency-Key": "nul"}
    )
    assert answer.status_code in (201, 422)  # SQLite stores it; PostgreSQL cannot
    if answer.status_code == 422:
        assert answer.json()["detail"]["code"] == "value.unstorable"


def _name_files(body: dict) -> None:
    """A valid request's ``sha256`` fields made those of its files (their order, count)."""
    named, files = body.get("sha256"), body.get("file")
    if not (isinstance(named, list) and 0 < len(named) <= 64 and all(map(_is_sha256, named))):
        return  # an invalid request: left so
    if isinstance(files, list) and files:
        contents = [getattr(f, "data", f) for f in files]  # schemathesis's Binary holds bytes
        if all(isinstance(c, bytes) for c in contents):
            body["sha256"] = [hashlib.sha256(c).hexdigest() for c in contents]


def _is_sha256(value: object) -> bool:
    return isinstance(value, str) and re.fullmatch("[0-9a-f]{64}", value) is not None
