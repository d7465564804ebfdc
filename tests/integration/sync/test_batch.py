"""Several writes in one request (``POST /v1/batch``) and a small file with its tus creation:
each write applied once per key whichever way it comes, one refused leaving the others
applied, a batch sent again after a partial or lost answer changing nothing twice."""

from __future__ import annotations

import base64
import hashlib
import os

import httpx
import pytest

from tests.integration.sync.conftest import PASSWORD
from workstation.store import outbox
from workstation.store.outbox import MessageKind, enqueue
from workstation.sync.client import HttpCentralClient, Refused, Retryable, Unreachable, Write
from workstation.sync.sender import FLUSH_BYTES, Sender
from workstation_central.models import StatusEvent
from workstation_central.storage import inventory

pytestmark = pytest.mark.integration


def _signed_in(url: str) -> httpx.Client:
    client = httpx.Client(base_url=url, timeout=60)
    tokens = client.post("/v1/auth/login", json={"user": "canbo1", "password": PASSWORD})
    client.headers["Authorization"] = f"Bearer {tokens.json()['access_token']}"
    return client


@pytest.fixture
def http_db(central_db):
    """Signed in to the server on SQLite, then on PostgreSQL."""
    client = _signed_in(central_db.url)
    yield client
    client.close()


def _dossier(dossier_id: str, status: int = 1, sha256: str | None = None) -> dict:
    documents = [
        {
            "id": f"{dossier_id}-doc",
            "sha256": sha256,
            "media_type": "application/pdf",
            "file_name": "to-khai.pdf",
            "size_bytes": 5,
        }
    ]
    return {
        "id": dossier_id,
        "procedure_code": "1.001193",
        "status": status,
        "applicant": {"type": 1, "name": "Nguyễn Văn An", "id_number": "079123456789"},
        "components": [{"id": "c", "documents": documents if sha256 else []}],
    }


def _create_with_upload(http: httpx.Client, data: bytes, key: str) -> httpx.Response:
    digest = hashlib.sha256(data).hexdigest()
    return http.post(
        "/v1/uploads",
        content=data,
        headers={
            "Idempotency-Key": key,
            "Tus-Resumable": "1.0.0",
            "Upload-Length": str(len(data)),
            "Upload-Metadata": "sha256 " + base64.b64encode(digest.encode()).decode(),
            "Content-Type": "application/offset+octet-stream",
        },
    )


def _held(central) -> set[str]:
    return {d["id"] for d in inventory(central.central)["dossiers"]}


def test_a_refused_item_leaves_the_others_of_its_batch_applied(http_db, central_db):
    items = [
        {"key": "k-a", "op": "dossier.create", "body": _dossier("a")},
        {"key": "k-b", "op": "dossier.create", "body": _dossier("b", status=11)},  # no such code
        {"key": "k-x", "op": "dossier.status", "dossier_id": "x", "body": {"status": 2}},
        {"key": "k-s", "op": "dossier.status", "dossier_id": "a", "body": {"status": 2}},
        {"key": "k-c", "op": "dossier.create", "body": _dossier("c")},
    ]
    answer = http_db.post("/v1/batch", json={"items": items})
    assert answer.status_code == 200
    results = answer.json()["results"]
    assert [(r["key"], r["status"]) for r in results] == [
        ("k-a", 201), ("k-b", 422), ("k-x", 404), ("k-s", 200), ("k-c", 201),
    ]  # fmt: skip
    assert results[1]["body"]["detail"]["code"] == "validation"
    assert results[2]["body"]["detail"]["code"] == "dossier.unknown"
    assert _held(central_db) == {"a", "c"}
    assert http_db.get("/v1/dossiers/a").json()["status"] == 2


def test_a_half_applied_batch_sent_again_applies_only_what_was_missing(http_db, central_db):
    data = b"%PDF-1.7 to khai"
    digest = hashlib.sha256(data).hexdigest()
    items = [
        {"key": "k-a", "op": "dossier.create", "body": _dossier("a")},
        {"key": "k-b", "op": "dossier.create", "body": _dossier("b", sha256=digest)},
    ]
    first = http_db.post("/v1/batch", json={"items": items}).json()["results"]
    assert [r["status"] for r in first] == [201, 409]  # b's file is not there yet
    assert first[1]["body"]["detail"]["code"] == "files.missing"
    assert _create_with_upload(http_db, data, "up-1").status_code == 201

    again = http_db.post("/v1/batch", json={"items": items}).json()["results"]
    assert [(r["status"], r["replayed"]) for r in again] == [(201, True), (201, False)]
    assert again[0]["body"] == first[0]["body"]
    # The same batch once more (its answer lost on the way): nothing changes.
    third = http_db.post("/v1/batch", json={"items": items}).json()["results"]
    assert [(r["status"], r["replayed"]) for r in third] == [(201, True), (201, True)]
    with central_db.central.sessions() as db:
        assert db.query(StatusEvent).filter_by(dossier_id="a").count() == 1
    assert _held(central_db) == {"a", "b"}


def test_a_key_is_applied_once_whether_it_came_alone_or_in_a_batch(http_db, central_db):
    alone = http_db.post("/v1/dossiers", json=_dossier("a"), headers={"Idempotency-Key": "k-a"})
    assert alone.status_code == 201
    items = [{"key": "k-a", "op": "dossier.create", "body": _dossier("a")}]
    [replayed] = http_db.post("/v1/batch", json={"items": items}).json()["results"]
    assert (replayed["status"], replayed["replayed"]) == (201, True)

    items = [{"key": "k-s", "op": "dossier.status", "dossier_id": "a", "body": {"status": 3}}]
    assert http_db.post("/v1/batch", json={"items": items}).json()["results"][0]["status"] == 200
    again = http_db.post(
        "/v1/dossiers/a/status", json={"status": 3}, headers={"Idempotency-Key": "k-s"}
    )
    assert again.headers["Idempotent-Replayed"] == "true"

    reused = [{"key": "k-a", "op": "dossier.delete", "dossier_id": "a"}]
    [refused] = http_db.post("/v1/batch", json={"items": reused}).json()["results"]
    assert (refused["status"], refused["body"]["detail"]["code"]) == (
        422, "idempotency.key_reused",
    )  # fmt: skip
    assert _held(central_db) == {"a"}


def test_a_small_file_arrives_with_its_creation_and_a_repeat_sends_no_bytes_twice(central):
    http = _signed_in(central.url)
    try:
        data = os.urandom(40 << 10)
        created = _create_with_upload(http, data, "up-1")
        assert created.status_code == 201
        assert created.headers["Upload-Offset"] == str(len(data))
        digest = hashlib.sha256(data).hexdigest()
        assert central.central.file_path(digest).read_bytes() == data
        # The answer lost, the creation comes again with its bytes: the upload is finished and
        # the replayed answer says no bytes were taken (the client asks the offset instead).
        again = _create_with_upload(http, data, "up-1")
        assert again.headers["Idempotent-Replayed"] == "true"
        assert "Upload-Offset" not in again.headers
        assert http.head(again.headers["Location"]).status_code == 404  # finished: no upload
    finally:
        http.close()


def test_the_client_sorts_each_write_of_a_batch_by_its_answer(central):
    tokens = HttpCentralClient(central.url).login("canbo1", PASSWORD)
    client = HttpCentralClient(central.url, refresh_token=tokens.refresh_token)
    try:
        missing = _dossier("b", sha256="0" * 64)
        answers = client.write_batch(
            [
                Write("k-a", "dossier.create", None, _dossier("a")),
                Write("k-b", "dossier.create", None, missing),
                Write("k-c", "dossier.status", "a", {"status": 12}),
            ]
        )
    finally:
        client.close()
    assert answers[0] is None
    assert isinstance(answers[1], Retryable)  # the file may still arrive: wait
    assert answers[1].params["reason"] == "HTTP 409 files.missing"
    assert isinstance(answers[2], Refused) and "422" in answers[2].params["reason"]


def test_one_refused_message_of_a_batch_waits_for_the_officer_and_the_rest_are_sent(
    central, services
):
    with services.database.transaction() as session:
        for dossier_id, status in (("a", 1), ("b", 11), ("c", 1)):
            enqueue(session, MessageKind.DOSSIER_CREATED, dossier_id, _dossier(dossier_id, status))
    tokens = HttpCentralClient(central.url).login("canbo1", PASSWORD)
    client = HttpCentralClient(central.url, refresh_token=tokens.refresh_token)
    try:
        assert Sender(services.database, services.blobs, client).send_due() == 2
    finally:
        client.close()
    assert _held(central) == {"a", "c"}
    with services.database.reading() as session:
        states = {i.entry.entity_id: i.entry.state for i in outbox.list_entries(session)}
    assert states == {"a": "sent", "b": "needs_attention", "c": "sent"}


def test_small_files_go_up_together_and_one_missing_on_disk_holds_back_only_its_dossier(
    central, services
):
    pages = {name: os.urandom(30 << 10) for name in ("a", "b", "c", "d")}
    digests = {name: services.blobs.put(data) for name, data in pages.items()}
    lost = hashlib.sha256(b"never stored here").hexdigest()
    with services.database.transaction() as session:
        for name, digest in [*digests.items(), ("e", lost)]:
            payload = _dossier(name, sha256=digest)
            payload["components"][0]["documents"][0]["size_bytes"] = len(pages.get(name, b"x"))
            enqueue(session, MessageKind.DOSSIER_CREATED, name, payload)
    tokens = HttpCentralClient(central.url).login("canbo1", PASSWORD)
    client = HttpCentralClient(central.url, refresh_token=tokens.refresh_token)
    try:
        sender = Sender(services.database, services.blobs, client, parallel_uploads=3)
        assert sender.send_due() == 4
        assert client.sent_bytes == sum(len(p) for p in pages.values())  # each once
    finally:
        client.close()
    assert _held(central) == {"a", "b", "c", "d"}
    for name, digest in digests.items():
        assert central.central.file_path(digest).read_bytes() == pages[name]
    with services.database.reading() as session:
        [stuck] = outbox.needing_attention(session)
    assert (stuck.entity_id, stuck.last_error) == ("e", "store.blob_missing")


def test_a_small_file_whose_bytes_do_not_match_its_creation_is_not_kept_nor_its_key(central):
    http = _signed_in(central.url)
    try:
        data = os.urandom(10 << 10)
        digest = hashlib.sha256(data).hexdigest()
        damaged = bytes([data[0] ^ 1]) + data[1:]
        headers = {
            "Idempotency-Key": "up-1",
            "Tus-Resumable": "1.0.0",
            "Upload-Length": str(len(data)),
            "Upload-Metadata": "sha256 " + base64.b64encode(digest.encode()).decode(),
            "Content-Type": "application/offset+octet-stream",
        }
        refused = http.post("/v1/uploads", content=damaged, headers=headers)
        assert refused.status_code == 460
        assert not central.central.file_path(digest).exists()
        assert list(central.central.uploads.iterdir()) == []  # nothing left half-kept
        again = http.post("/v1/uploads", content=data, headers=headers)  # the same key
        assert again.status_code == 201 and "Idempotent-Replayed" not in again.headers
        assert central.central.file_path(digest).read_bytes() == data
    finally:
        http.close()


class NoBatches(httpx.HTTPTransport):
    """A real transport on which every ``POST /v1/batch`` finds the server gone."""

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if request.url.path == "/v1/batch":
            raise httpx.ConnectError("connection refused", request=request)
        return super().handle_request(request)


def test_the_server_gone_at_an_early_write_hands_back_the_rest_of_the_claim(central, services):
    big = os.urandom(FLUSH_BYTES)  # its writes go before the next message's files
    files = {"a": big, "b": b"%PDF b", "c": b"%PDF c"}
    with services.database.transaction() as session:
        for name, data in files.items():
            payload = _dossier(name, sha256=services.blobs.put(data))
            payload["components"][0]["documents"][0]["size_bytes"] = len(data)
            enqueue(session, MessageKind.DOSSIER_CREATED, name, payload)
    tokens = HttpCentralClient(central.url).login("canbo1", PASSWORD)
    client = HttpCentralClient(
        central.url, refresh_token=tokens.refresh_token, transport=NoBatches()
    )
    try:
        with pytest.raises(Unreachable):
            Sender(services.database, services.blobs, client).send_due()
    finally:
        client.close()
    with services.database.reading() as session:
        states = {
            i.entry.entity_id: (i.entry.state, i.entry.attempts)
            for i in outbox.list_entries(session)
        }
    # The one whose write was tried waits (due now); the others go back unattempted.
    assert states == {"a": ("pending", 1), "b": ("pending", 0), "c": ("pending", 0)}
