"""Through a network that drops, fails, delays and cuts, and a client killed mid-upload,
every dossier still arrives exactly once, byte for byte."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
from PIL import Image

from tests.fakes.faulty_proxy import FaultyProxy
from tests.integration.sync.conftest import PASSWORD, ROOT, central_command, workstation
from workstation.store.outbox import MessageKind, enqueue
from workstation.sync.client import HttpCentralClient, Retryable
from workstation.sync.sender import Sender, report

pytestmark = [pytest.mark.integration, pytest.mark.slow]


def _drain(sender: Sender, database, rounds: int = 2000) -> None:
    for _ in range(rounds):
        # Unreachable for a moment: the message waits, the next round tries again.
        with contextlib.suppress(Retryable):
            sender.send_due()
        if report(database).waiting == 0:
            return
        time.sleep(0.01)
    raise AssertionError(f"still waiting: {report(database)}")


def test_dossiers_through_a_faulty_network_arrive_exactly_once(
    central, add_by_command, services, tmp_path
):
    pages = []
    for i in range(12):
        page = tmp_path / f"p{i}.png"
        Image.new("L", (200 + i, 150), 255).save(page)
        pages.append(page)
    pages.append(pages[0])  # a page shared by two dossiers travels once
    for i, page in enumerate(pages):
        assert add_by_command(f"Công dân {i}", file=page) == 0

    proxy = FaultyProxy(int(central.url.rsplit(":", 1)[1]), seed=8)
    tokens = HttpCentralClient(central.url).login("canbo1", PASSWORD)
    # A connection per request, so each request meets its own fault.
    fresh = httpx.HTTPTransport(limits=httpx.Limits(max_keepalive_connections=0))
    client = HttpCentralClient(
        proxy.url, refresh_token=tokens.refresh_token, timeout=5, transport=fresh
    )
    sender = Sender(
        services.database,
        services.blobs,
        client,
        first_delay=timedelta(milliseconds=5),
        longest_delay=timedelta(milliseconds=50),
    )
    try:
        _drain(sender, services.database)
    finally:
        client.close()
        proxy.close()

    assert all(proxy.faults[f] > 0 for f in ("drop", "error", "delay", "cut")), proxy.faults
    assert report(services.database).needs_attention == []
    held = json.loads(central_command("inventory", "--data", str(central.data), "--json").stdout)
    ids = [d["id"] for d in held["dossiers"]]
    assert len(ids) == len(pages) == len(set(ids))
    for d in held["dossiers"]:
        [f] = d["files"]
        stored = central.central.file_path(f["sha256"]).read_bytes()
        assert hashlib.sha256(stored).hexdigest() == f["sha256"]
    assert {d["files"][0]["sha256"] for d in held["dossiers"]} == {
        hashlib.sha256(p.read_bytes()).hexdigest() for p in pages
    }


CHUNK = 4 << 20
"""The upload chunk of the killed client and of the one that resumes: far below the file."""

SEND_WITH_CHUNK = """
import sys
from workstation.services import open_services
from workstation.sync.auth import signed_in_client
from workstation.sync.sender import Sender

services = open_services()
client = signed_in_client(sys.argv[1], chunk_size=int(sys.argv[2]))
Sender(services.database, services.blobs, client).send_due()
"""
"""The workstation's sender in a process of its own, as ``workstation sync --once`` runs it,
with the upload chunk set (the command line keeps the default, larger than the test file)."""


def test_a_client_killed_mid_upload_resumes_where_the_server_stopped(central, services, tmp_path):
    size = 50 << 20
    big = tmp_path / "big.pdf"
    big.write_bytes(os.urandom(size))
    with big.open("rb") as f:
        digest = services.blobs.put_file(f)
    payload = {
        "id": "dossier-big",
        "code": None,
        "procedure_code": "1.001193",
        "status": 1,
        "applicant": {"type": 1, "name": "Nguyễn Văn Lớn"},
        "components": [
            {
                "id": "c1",
                "documents": [
                    {
                        "id": "d1",
                        "sha256": digest,
                        "media_type": "application/pdf",
                        "file_name": "big.pdf",
                        "size_bytes": size,
                    }
                ],
            }
        ],
    }
    with services.database.transaction() as session:
        enqueue(session, MessageKind.DOSSIER_CREATED, "dossier-big", payload)

    proxy = FaultyProxy(int(central.url.rsplit(":", 1)[1]), weights={"none": 1}, throttle=0.004)
    login = workstation(
        "login", "--server", proxy.url, "--user", "canbo1", "--password-stdin", stdin=PASSWORD
    )
    assert login.returncode == 0, login.stderr
    env = {**os.environ, "PYTHONPATH": f"{ROOT / 'src'}{os.pathsep}{ROOT}"}
    child = subprocess.Popen(
        [sys.executable, "-c", SEND_WITH_CHUNK, proxy.url, str(CHUNK)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    uploads = central.data / "uploads"
    try:
        while _largest(uploads) < 10 << 20:  # killed after N = 10 MB
            assert child.poll() is None, "the upload finished before it could be interrupted"
            time.sleep(0.01)
        child.send_signal(signal.SIGKILL)
    finally:
        child.wait(timeout=30)
    time.sleep(0.2)  # the server notices the broken connection and keeps what arrived
    kept = _largest(uploads)
    # More than a chunk arrived: a restart from the start breaks both bounds below, and
    # a resend of whole chunks already held breaks the client's.
    assert CHUNK < kept < size
    before = central.app.state.received_bytes

    proxy.throttle = 0.0
    from workstation.sync.auth import signed_in_client

    client = signed_in_client(proxy.url, chunk_size=CHUNK)
    sender = Sender(services.database, services.blobs, client, lease=timedelta(0))
    try:
        assert sender.send_due() == 1
    finally:
        client.close()
        proxy.close()

    assert client.sent_bytes <= size - kept  # only the rest travelled again
    # The server received, after the kill, at most the rest plus one chunk.
    assert central.app.state.received_bytes - before <= size - kept + CHUNK
    assert central.app.state.received_bytes <= size + CHUNK
    stored = central.central.file_path(digest)
    assert hashlib.sha256(stored.read_bytes()).hexdigest() == digest


def _largest(folder: Path) -> int:
    return max((p.stat().st_size for p in folder.iterdir()), default=0)


def test_a_server_restart_loses_nothing_and_duplicates_nothing(central, services, add_by_command):
    import socket

    from tests.integration.sync.conftest import start_server
    from workstation.sync.client import Unreachable

    for i in range(3):
        assert add_by_command(f"Trước {i}") == 0
    tokens = HttpCentralClient(central.url).login("canbo1", PASSWORD)
    client = HttpCentralClient(central.url, refresh_token=tokens.refresh_token, timeout=5)
    sender = Sender(services.database, services.blobs, client)
    assert sender.send_due() == 3

    central.stop()
    for i in range(3):
        assert add_by_command(f"Sau {i}") == 0
    with pytest.raises(Unreachable):
        sender.send_due()
    assert report(services.database).waiting == 3

    port = int(central.url.rsplit(":", 1)[1])
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", port))
    again = start_server(central.data, sock)
    try:
        assert sender.send_due() == 3
    finally:
        client.close()
        again.stop()
    held = json.loads(central_command("inventory", "--data", str(central.data), "--json").stdout)
    assert len({d["id"] for d in held["dossiers"]}) == len(held["dossiers"]) == 6
