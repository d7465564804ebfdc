"""A sending round cancelled (the window closing) stops at the next message or upload chunk,
hands back what it had not finished, and loses nothing: the next round sends it all once."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
from PIL import Image

from tests.integration.sync.conftest import PASSWORD
from workstation.errors import Cancelled
from workstation.store import outbox
from workstation.sync.client import UPLOAD_CHUNK, HttpCentralClient
from workstation.sync.sender import SMALL_FILE, Sender, report
from workstation.tasks import CancelToken
from workstation_central.storage import inventory

pytestmark = pytest.mark.integration

CHUNK = 64 << 10


class CancellingTransport(httpx.HTTPTransport):
    """A real HTTP transport that sets ``token`` once a request matching ``after`` has been
    answered: the officer closes the window at that very moment."""

    def __init__(self, token: CancelToken, after: Callable[[httpx.Request], bool]) -> None:
        super().__init__()
        self.token = token
        self.after = after

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = super().handle_request(request)
        if self.after(request):
            self.token.cancel()
        return response


def _client(
    central, transport: httpx.BaseTransport | None = None, chunk_size: int = CHUNK
) -> HttpCentralClient:
    tokens = HttpCentralClient(central.url).login("canbo1", PASSWORD)
    return HttpCentralClient(
        central.url, refresh_token=tokens.refresh_token, chunk_size=chunk_size, transport=transport
    )


def _states(services) -> list[tuple[str, int]]:
    with services.database.reading() as session:
        listed = outbox.list_entries(session)
    return [(item.entry.state, item.entry.attempts) for item in listed]


def _held(central) -> dict[str, list[dict]]:
    return {d["id"]: d["files"] for d in inventory(central.central)["dossiers"]}


def test_a_round_cancelled_after_a_file_hands_back_every_message_and_the_file_travels_once(
    central, services, add_by_command, sample_page
):
    for name in ("Nguyễn Văn An", "Trần Thị Bình", "Lê Văn Cường"):
        assert add_by_command(name) == 0
    token = CancelToken()
    uploaded = CancellingTransport(  # the page goes in one request of small files
        token, lambda r: r.method == "POST" and r.url.path == "/v1/files"
    )
    client = _client(central, uploaded, chunk_size=UPLOAD_CHUNK)
    try:
        with pytest.raises(Cancelled):
            Sender(services.database, services.blobs, client).send_due(token=token)
    finally:
        client.close()

    # The three share the sample page: it arrived, and no dossier was written.
    assert _held(central) == {}
    [digest] = list(services.blobs.names())
    assert central.central.file_path(digest).exists()
    # Every message waits, due now, its claim not counted as an attempt.
    assert _states(services) == [("pending", 0)] * 3
    assert report(services.database).waiting == 3

    client = _client(central)
    try:
        assert Sender(services.database, services.blobs, client).send_due() == 3
        assert client.sent_bytes == 0  # the page did not travel again
    finally:
        client.close()
    held = _held(central)
    assert len(held) == 3
    assert all(len(files) == 1 for files in held.values())
    assert _states(services) == [("sent", 1)] * 3


def test_a_round_cancelled_mid_upload_stops_between_chunks_and_the_next_resumes_the_file(
    central, services, add_by_command, tmp_path: Path
):
    noise = tmp_path / "ban-ve.png"  # incompressible, over 1 MB: by tus, several chunks
    Image.frombytes("L", (1100, 1100), os.urandom(1100 * 1100)).save(noise)
    assert add_by_command("Phạm Thị Dung", file=noise) == 0
    [digest] = list(services.blobs.names())
    size = noise.stat().st_size
    assert size > max(4 * CHUNK, SMALL_FILE)

    token = CancelToken()
    first_chunk = CancellingTransport(token, lambda r: r.method == "PATCH")
    client = _client(central, first_chunk)
    try:
        with pytest.raises(Cancelled):
            Sender(services.database, services.blobs, client).send_due(token=token)
        assert client.sent_bytes == CHUNK  # one chunk, then it stopped
    finally:
        client.close()
    assert _held(central) == {}
    assert _states(services) == [("pending", 0)]

    client = _client(central)
    try:
        assert Sender(services.database, services.blobs, client).send_due() == 1
        assert client.sent_bytes == size - CHUNK  # only the rest travelled
    finally:
        client.close()
    [files] = _held(central).values()
    assert [f["sha256"] for f in files] == [digest]
    stored = central.central.file_path(digest).read_bytes()
    assert (
        hashlib.sha256(stored).hexdigest()
        == digest
        == hashlib.sha256(noise.read_bytes()).hexdigest()
    )
