"""Small files many to a request (``POST /v1/files``) and tus uploads hashed as they arrive:
what is kept is checked, a repeat changes nothing, one damaged file holds back only its
own dossier, and an upload sent in parts is checked whole."""

from __future__ import annotations

import base64
import hashlib
import os

import httpx
import pytest

from tests.integration.sync.conftest import PASSWORD
from workstation.store import outbox
from workstation.store.outbox import MessageKind, enqueue
from workstation.sync.client import HttpCentralClient
from workstation.sync.sender import Sender
from workstation_central.storage import inventory

pytestmark = pytest.mark.integration


def _signed_in(url: str) -> httpx.Client:
    client = httpx.Client(base_url=url, timeout=60)
    tokens = client.post("/v1/auth/login", json={"user": "canbo1", "password": PASSWORD})
    client.headers["Authorization"] = f"Bearer {tokens.json()['access_token']}"
    return client


def _files(http: httpx.Client, files: list[tuple[str, bytes]], key: str) -> httpx.Response:
    parts = [("file", ("file", data, "application/octet-stream")) for _, data in files]
    digests = {"sha256": [name for name, _ in files]}
    return http.post("/v1/files", data=digests, files=parts, headers={"Idempotency-Key": key})


def _named(*contents: bytes) -> list[tuple[str, bytes]]:
    return [(hashlib.sha256(data).hexdigest(), data) for data in contents]


def test_several_small_files_in_one_request_are_kept_and_a_repeat_changes_nothing(central):
    http = _signed_in(central.url)
    try:
        files = _named(os.urandom(30 << 10), os.urandom(1 << 20), b"%PDF small")
        kept = _files(http, files, "files-1")
        assert kept.status_code == 201
        assert kept.json() == {"stored": sorted(name for name, _ in files)}
        for name, data in files:
            assert central.central.file_path(name).read_bytes() == data
        again = _files(http, files, "files-1")
        assert again.status_code == 201 and again.headers["Idempotent-Replayed"] == "true"
        other = _files(http, files[:1], "files-1")  # the key bound to other files
        assert other.status_code == 422
        assert other.json()["detail"]["code"] == "idempotency.key_reused"
        check = http.post("/v1/files/check", json={"sha256": [n for n, _ in files]}).json()
        assert check["missing"] == []
        assert list(central.central.uploads.iterdir()) == []  # nothing left aside
    finally:
        http.close()


def test_one_damaged_file_refuses_its_whole_request_and_nothing_is_kept(central):
    http = _signed_in(central.url)
    try:
        good, damaged = _named(b"%PDF good", b"%PDF damaged")
        damaged = (damaged[0], b"%PDF damageD")
        refused = _files(http, [good, damaged], "files-1")
        assert refused.status_code == 460
        assert refused.json()["detail"]["sha256"] == [damaged[0]]
        assert not central.central.file_path(good[0]).exists()
        check = http.post("/v1/files/check", json={"sha256": [good[0]]}).json()
        assert check["missing"] == [good[0]]
        assert _files(http, [good], "files-1").status_code == 201  # the key stayed unused
    finally:
        http.close()


def test_a_request_of_files_over_its_limits_or_misnamed_is_refused(central):
    http = _signed_in(central.url)
    try:
        [big] = _named(os.urandom((1 << 20) + 1))
        assert _files(http, [big], "k-big").status_code == 413
        misnamed = _files(http, [("to-khai.pdf", b"%PDF")], "k-name")
        assert misnamed.status_code == 422
        assert misnamed.json()["detail"]["code"] == "files.part"
        [named] = _named(b"%PDF")
        uneven = http.post(
            "/v1/files",
            data={"sha256": [named[0], named[0]]},
            files=[("file", ("file", b"%PDF", "application/octet-stream"))],
            headers={"Idempotency-Key": "k-count"},
        )
        assert uneven.status_code == 422
        assert uneven.json()["detail"]["code"] == "files.count"
        empty = http.post("/v1/files", json={}, headers={"Idempotency-Key": "k-none"})
        assert empty.status_code == 422
    finally:
        http.close()


class Counting(httpx.HTTPTransport):
    """A real transport that counts the requests by method and path."""

    def __init__(self) -> None:
        super().__init__()
        self.requests: list[tuple[str, str]] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.requests.append((request.method, request.url.path))
        return super().handle_request(request)


def _dossier(dossier_id: str, digest: str, size: int) -> dict:
    document = {
        "id": f"{dossier_id}-doc",
        "sha256": digest,
        "media_type": "application/pdf",
        "file_name": "to-khai.pdf",
        "size_bytes": size,
    }
    return {
        "id": dossier_id,
        "procedure_code": "1.001193",
        "status": 1,
        "applicant": {"type": 1, "name": "Nguyễn Văn An"},
        "components": [{"id": "c", "documents": [document]}],
    }


def _send(central, services, transport: httpx.HTTPTransport) -> int:
    tokens = HttpCentralClient(central.url).login("canbo1", PASSWORD)
    client = HttpCentralClient(central.url, refresh_token=tokens.refresh_token, transport=transport)
    try:
        return Sender(services.database, services.blobs, client).send_due()
    finally:
        client.close()


def test_the_small_files_of_a_claim_travel_in_one_request(central, services):
    pages = {f"d{i}": os.urandom(20 << 10) for i in range(20)}
    with services.database.transaction() as session:
        for name, data in pages.items():
            digest = services.blobs.put(data)
            enqueue(session, MessageKind.DOSSIER_CREATED, name, _dossier(name, digest, len(data)))
    transport = Counting()
    assert _send(central, services, transport) == 20
    posts = [path for method, path in transport.requests if method == "POST"]
    assert posts.count("/v1/files") == 1
    assert "/v1/uploads" not in posts
    held = {d["id"]: d["files"][0]["sha256"] for d in inventory(central.central)["dossiers"]}
    for name, data in pages.items():
        assert central.central.file_path(held[name]).read_bytes() == data


def test_a_small_file_damaged_on_disk_holds_back_only_its_own_dossier(central, services):
    pages = {name: os.urandom(10 << 10) for name in ("a", "b", "c")}
    digests = {name: services.blobs.put(data) for name, data in pages.items()}
    stored = services.blobs.root / digests["b"][:2] / digests["b"][2:4] / digests["b"]
    stored.chmod(0o644)
    stored.write_bytes(b"x" * len(pages["b"]))  # the disk lost it: it no longer matches
    with services.database.transaction() as session:
        for name, data in pages.items():
            payload = _dossier(name, digests[name], len(data))
            enqueue(session, MessageKind.DOSSIER_CREATED, name, payload)
    assert _send(central, services, Counting()) == 2
    assert {d["id"] for d in inventory(central.central)["dossiers"]} == {"a", "c"}
    with services.database.reading() as session:
        states = {i.entry.entity_id: i.entry.state for i in outbox.list_entries(session)}
    assert states == {"a": "sent", "b": "pending", "c": "sent"}  # b waits (checksum)


def test_an_upload_sent_in_parts_is_checked_whole(central):
    http = _signed_in(central.url)
    try:
        data = os.urandom(300 << 10)
        digest = hashlib.sha256(data).hexdigest()
        damaged = data[:200_000] + bytes([data[200_000] ^ 1]) + data[200_001:]
        octets = {"Content-Type": "application/offset+octet-stream"}
        for content, expected in ((damaged, 460), (data, 204)):
            created = http.post(
                "/v1/uploads",
                headers={
                    "Idempotency-Key": f"up-{expected}",
                    "Tus-Resumable": "1.0.0",
                    "Upload-Length": str(len(data)),
                    "Upload-Metadata": "sha256 " + base64.b64encode(digest.encode()).decode(),
                },
            )
            location = created.headers["Location"]
            first = http.patch(
                location, content=content[:100_000], headers={**octets, "Upload-Offset": "0"}
            )
            assert first.status_code == 204
            rest = http.patch(
                location, content=content[100_000:], headers={**octets, "Upload-Offset": "100000"}
            )
            assert rest.status_code == expected
            assert central.central.file_path(digest).exists() == (expected == 204)
        assert central.central.file_path(digest).read_bytes() == data
    finally:
        http.close()
