"""A sending round against a central system that answers garbage, and sending from a sealed store.

A malformed answer is the server's fault: the round keeps every message (nothing
lost, nothing for the officer), records why, and the next round against a sound
server sends them. A store with encryption on tells the central system the SHA-256
of the plain file and sends the plain bytes, never its sealed blob.
"""

from __future__ import annotations

import hashlib
import io
import json
import threading
from collections.abc import Iterator
from contextlib import redirect_stdout
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tests.integration.sync.conftest import PASSWORD
from workstation.cli import main
from workstation.domain import Applicant, ApplicantType
from workstation.intake.receive import NewDossier, receive_dossier
from workstation.services import open_services
from workstation.store import outbox, protection
from workstation.store.outbox import MessageKind, enqueue
from workstation.sync.client import HttpCentralClient
from workstation.sync.sender import Sender
from workstation_central.storage import inventory

pytestmark = pytest.mark.integration


class _Garbage(BaseHTTPRequestHandler):
    """Answers every request 200 with a body that is no JSON."""

    def log_message(self, format: str, *args: object) -> None:
        pass

    def _answer(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)
        body = b"<html>proxy error</html>"
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = do_PATCH = do_HEAD = _answer


@pytest.fixture
def garbage() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Garbage)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def _dossier(dossier_id: str) -> dict:
    return {
        "id": dossier_id,
        "procedure_code": "1.001193",
        "status": 1,
        "applicant": {"type": 1, "name": "Nguyễn Văn An", "id_number": "079123456789"},
        "components": [{"id": "c", "documents": []}],
    }


def _signed_in(url: str) -> HttpCentralClient:
    client = HttpCentralClient(url)
    client.login("canbo1", PASSWORD)
    return client


def test_a_round_meeting_a_malformed_answer_keeps_the_messages_and_the_next_round_sends_them(
    central, garbage, services
) -> None:
    with services.database.transaction() as session:
        enqueue(session, MessageKind.DOSSIER_CREATED, "d-garbage", _dossier("d-garbage"))
    bad = HttpCentralClient(garbage, refresh_token="r", timeout=5)
    bad.access_token = "a"
    try:
        sent = Sender(services.database, services.blobs, bad).send_due()
    finally:
        bad.close()

    assert sent == 0
    with services.database.reading() as session:
        entries = [listed.entry for listed in outbox.list_entries(session)]
    mine = [e for e in entries if e.entity_id == "d-garbage"]
    assert [(e.state, e.attempts) for e in mine] == [("pending", 1)]
    assert mine[0].last_error == "malformed batch answer"
    assert all(e.state == "pending" for e in entries), "nothing waits for the officer"

    with services.database.transaction() as session:  # the backoff has passed
        for entry in entries:
            outbox.record_failure(session, entry.message_id, "", datetime.now(UTC))
    good = _signed_in(central.url)
    try:
        assert Sender(services.database, services.blobs, good).send_due() == len(entries)
    finally:
        good.close()
    assert "d-garbage" in {d["id"] for d in inventory(central.central)["dossiers"]}


def test_a_sealed_store_tells_the_central_system_the_plain_sha256_and_sends_the_plain_bytes(
    central, settings, folders, sample_page
) -> None:
    out = io.StringIO()
    with redirect_stdout(out):
        assert main(["key", "init", "--json"]) == 0
    assert json.loads(out.getvalue())["key_id"]
    plain = sample_page.read_bytes()
    digest = hashlib.sha256(plain).hexdigest()
    services = open_services(settings, folders)
    client = _signed_in(central.url)
    try:
        dossier = receive_dossier(
            services.database,
            services.blobs,
            services.catalogue,
            NewDossier(
                procedure_code="1.001193",
                applicant=Applicant(
                    name="Lê Thị Mai", type=ApplicantType.CITIZEN, id_number="079201009876"
                ),
                files=[sample_page],
            ),
        )
        stored = [p for p in settings.blob_path(folders).rglob("*") if p.is_file()]
        assert stored and all(p.read_bytes() != plain for p in stored), "sealed on disk"
        assert all(digest not in p.name for p in stored), "the blob name gives nothing away"
        Sender(services.database, services.blobs, client).send_due()
    finally:
        client.close()
        services.close()
        protection.install_codec(protection.PlainCodec())

    [held] = [d for d in inventory(central.central)["dossiers"] if d["id"] == dossier.id]
    assert [f["sha256"] for f in held["files"]] == [digest]
    assert central.central.file_path(digest).read_bytes() == plain
