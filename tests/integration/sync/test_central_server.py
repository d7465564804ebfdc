"""The reference central server on loopback: its document, idempotent writes, tus, officers."""

from __future__ import annotations

import base64
import hashlib
import os
import subprocess
import sys

import httpx
import pytest
import yaml

from tests.integration.sync.conftest import PASSWORD, ROOT
from workstation_central.app import open_central
from workstation_central.cli import openapi_yaml
from workstation_central.models import Officer

pytestmark = pytest.mark.integration


def _signed_in(url: str) -> httpx.Client:
    client = httpx.Client(base_url=url, timeout=60)
    tokens = client.post("/v1/auth/login", json={"user": "canbo1", "password": PASSWORD})
    client.headers["Authorization"] = f"Bearer {tokens.json()['access_token']}"
    return client


@pytest.fixture
def http(central):
    client = _signed_in(central.url)
    yield client
    client.close()


@pytest.fixture
def http_db(central_db):
    """Signed in to the server on SQLite, then on PostgreSQL."""
    client = _signed_in(central_db.url)
    yield client
    client.close()


def test_the_document_in_docs_is_the_servers_own():
    committed = (ROOT / "docs" / "central-api.yaml").read_text(encoding="utf-8")
    assert committed == openapi_yaml(), "run: workstation-central openapi > docs/central-api.yaml"


def test_every_write_in_the_document_takes_an_idempotency_key():
    document = yaml.safe_load(openapi_yaml())
    assert document["openapi"].startswith("3.1")
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            if method not in ("post", "put", "delete") or path.startswith("/v1/auth/"):
                continue
            if path == "/v1/files/check":
                continue  # a question, not a write
            if path == "/v1/batch":  # several writes: a key each, in the body
                assert "key" in document["components"]["schemas"]["BatchItem"]["required"]
                continue
            names = {p["name"] for p in operation.get("parameters", [])}
            assert "Idempotency-Key" in names, f"{method.upper()} {path}"


def test_every_success_answer_in_the_document_has_a_shape():
    document = yaml.safe_load(openapi_yaml())
    empty = []
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            for status, answer in operation["responses"].items():
                if not str(status).startswith("2"):
                    continue
                for media_type, content in (answer.get("content") or {}).items():
                    shape = set(content.get("schema") or {}) - {"title", "description"}
                    if media_type == "application/json" and not shape:
                        empty.append(f"{method.upper()} {path} {status}")
    assert empty == []


def test_a_file_download_is_documented_as_bytes_not_json():
    document = yaml.safe_load(openapi_yaml())
    answer = document["paths"]["/v1/files/{sha256}"]["get"]["responses"]["200"]
    assert list(answer["content"]) == ["application/octet-stream"]
    head = document["paths"]["/v1/files/{sha256}"]["head"]["responses"]["200"]
    assert "content" not in head  # a HEAD answer has no body


def test_the_central_extra_declares_what_the_openapi_command_imports():
    import tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    central = [
        r.split(">")[0].split("=")[0].lower() for r in project["optional-dependencies"]["central"]
    ]
    assert "pyyaml" in central


def test_a_write_repeated_with_its_key_is_applied_once(http_db):
    http = http_db
    block = {"unit": "000.00.01.H01", "day": "2026-12-03", "size": 50}
    first = http.post("/v1/sequence-blocks", json=block, headers={"Idempotency-Key": "k1"})
    again = http.post("/v1/sequence-blocks", json=block, headers={"Idempotency-Key": "k1"})
    other = http.post("/v1/sequence-blocks", json=block, headers={"Idempotency-Key": "k2"})
    expected = {"unit": block["unit"], "day": block["day"], "first": 1, "last": 50}
    assert first.json() == again.json() == expected
    assert again.headers["Idempotent-Replayed"] == "true"
    assert (other.json()["first"], other.json()["last"]) == (51, 100)


def test_a_key_reused_for_another_request_is_refused(http_db):
    http = http_db
    block = {"unit": "U1", "day": "2026-12-03", "size": 1}
    assert http.post("/v1/sequence-blocks", json=block, headers={"Idempotency-Key": "k"}).is_success
    archive = {"id": "a1", "dossier_id": "d1", "record": {}}
    reused = http.post("/v1/archive-records", json=archive, headers={"Idempotency-Key": "k"})
    assert reused.status_code == 422
    assert reused.json()["detail"]["code"] == "idempotency.key_reused"


def test_a_write_without_a_key_is_refused(http):
    answer = http.post("/v1/archive-records", json={"id": "a", "dossier_id": "d"})
    assert answer.status_code == 422


def _upload(http, data: bytes, sha256: str | None = None) -> httpx.Response:
    digest = sha256 or hashlib.sha256(data).hexdigest()
    created = http.post(
        "/v1/uploads",
        headers={
            "Idempotency-Key": os.urandom(8).hex(),
            "Tus-Resumable": "1.0.0",
            "Upload-Length": str(len(data)),
            "Upload-Metadata": "sha256 " + base64.b64encode(digest.encode()).decode(),
        },
    )
    assert created.status_code == 201
    return http.patch(
        created.headers["Location"],
        content=data,
        headers={"Upload-Offset": "0", "Content-Type": "application/offset+octet-stream"},
    )


def _dossier(sha256: str, status: int = 1, id_number: str = "079123456789") -> dict:
    return {
        "id": f"d-{sha256[:8]}-{status}",
        "procedure_code": "1.001193",
        "status": status,
        "applicant": {"type": 1, "name": "Nguyễn Văn An", "id_number": id_number},
        "components": [
            {
                "id": "c",
                "documents": [
                    {
                        "id": "doc",
                        "sha256": sha256,
                        "media_type": "application/pdf",
                        "file_name": "to-khai.pdf",
                        "size_bytes": 5,
                    }
                ],
            }
        ],
    }


def test_a_file_whose_bytes_do_not_match_its_sha256_is_not_kept(http):
    wrong = hashlib.sha256(b"other").hexdigest()
    answer = _upload(http, b"hello", sha256=wrong)
    assert answer.status_code == 460
    check = http.post("/v1/files/check", json={"sha256": [wrong]}).json()
    assert check["missing"] == [wrong]


def test_a_patch_at_the_wrong_offset_is_refused_with_the_servers_offset(http):
    data = b"0123456789"
    digest = hashlib.sha256(data).hexdigest()
    created = http.post(
        "/v1/uploads",
        headers={
            "Idempotency-Key": "up",
            "Upload-Length": "10",
            "Upload-Metadata": "sha256 " + base64.b64encode(digest.encode()).decode(),
        },
    )
    location = created.headers["Location"]
    octets = {"Content-Type": "application/offset+octet-stream"}
    assert (
        http.patch(location, content=data[:4], headers={**octets, "Upload-Offset": "0"}).status_code
        == 204
    )
    assert http.head(location).headers["Upload-Offset"] == "4"
    stale = http.patch(location, content=data, headers={**octets, "Upload-Offset": "0"})
    assert stale.status_code == 409
    done = http.patch(location, content=data[4:], headers={**octets, "Upload-Offset": "4"})
    assert done.status_code == 204
    assert http.head(f"/v1/files/{digest}").status_code == 200


def test_a_dossier_needs_its_files_first_and_a_national_status(http_db):
    http = http_db
    digest = hashlib.sha256(b"hello").hexdigest()
    early = http.post("/v1/dossiers", json=_dossier(digest), headers={"Idempotency-Key": "d1"})
    assert early.status_code == 409
    assert early.json()["detail"]["missing"] == [digest]
    assert _upload(http, b"hello").status_code == 204
    bad = http.post("/v1/dossiers", json=_dossier(digest, 11), headers={"Idempotency-Key": "d2"})
    assert bad.status_code == 422
    made = http.post("/v1/dossiers", json=_dossier(digest), headers={"Idempotency-Key": "d3"})
    assert made.status_code == 201
    dossier_id = made.json()["id"]
    moved = http.post(
        f"/v1/dossiers/{dossier_id}/status", json={"status": 4}, headers={"Idempotency-Key": "s"}
    )
    assert moved.json()["status"] == 4
    assert http.get(f"/v1/dossiers/{dossier_id}").json()["status"] == 4

    documents = http.get("/v1/citizens/079123456789/documents").json()["documents"]
    assert [(d["sha256"], d["bytes"]) for d in documents] == [(digest, 5)]
    assert http.get("/v1/citizens/001000000000/documents").json()["documents"] == []


def test_a_dossier_may_name_its_owner_and_how_the_result_is_collected(http):
    digest = hashlib.sha256(b"owner").hexdigest()
    assert _upload(http, b"owner").status_code == 204
    owner = {"type": 1, "name": "Phạm Văn Đông", "id_number": "037090006543"}
    pigeon = _dossier(digest) | {"collection": "pigeon"}
    refused = http.post("/v1/dossiers", json=pigeon, headers={"Idempotency-Key": "o1"})
    assert refused.status_code == 422
    body = _dossier(digest) | {"owner": owner, "collection": "post"}
    made = http.post("/v1/dossiers", json=body, headers={"Idempotency-Key": "o2"})
    assert made.status_code == 201
    plain = _dossier(digest, 2) | {"owner": None}  # the applicant owns it
    assert (
        http.post("/v1/dossiers", json=plain, headers={"Idempotency-Key": "o3"}).status_code == 201
    )


def test_without_a_token_nothing_is_answered(central):
    assert httpx.get(f"{central.url}/v1/catalogue").status_code == 401
    wrong = httpx.post(f"{central.url}/v1/auth/login", json={"user": "canbo1", "password": "x"})
    assert wrong.status_code == 401


def test_create_officer_keeps_a_scrypt_hash_not_the_password(tmp_path):
    data = tmp_path / "c"
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    done = subprocess.run(
        [sys.executable, "-m", "workstation_central", "create-officer", "--data", str(data),
         "--user", "canbo2", "--password-stdin"],
        input="bí-mật\n", capture_output=True, text=True, env=env, timeout=60,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    with open_central(data).sessions() as db:
        stored = db.get(Officer, "canbo2").password_hash
    assert stored.startswith("scrypt$")
    assert "bí-mật" not in stored
