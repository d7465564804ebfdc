"""The sender killed again and again mid-sync (SIGKILL) and restarted, behind a network
that drops, fails, delays and cuts: 50 dossiers with their files still arrive exactly
once each, byte for byte, and the outbox ends empty."""

from __future__ import annotations

import hashlib
import json
import os
import random
import signal
import subprocess
import sys
import textwrap
import time

import pytest
from PIL import Image
from sqlalchemy import func, select

from tests.fakes.faulty_proxy import FaultyProxy
from tests.integration.sync.conftest import PASSWORD, ROOT, central_command
from workstation.store.models import OutboxRow
from workstation.store.outbox import MessageKind, State, count_by_state
from workstation.sync.client import HttpCentralClient
from workstation.sync.sender import report
from workstation_central.storage import inventory

pytestmark = [pytest.mark.integration, pytest.mark.slow]

DOSSIERS = 50
KILLS = 8

# The real sender in a process of its own. Its claim lease is one second instead of five
# minutes, so that the next process takes over the messages a killed one held at once;
# it claims two at a time, so the fifty go in many batches.
SENDER = textwrap.dedent(
    """
    import sys
    from datetime import timedelta
    import httpx
    from workstation.services import open_services
    from workstation.sync.client import HttpCentralClient, Retryable
    from workstation.sync.sender import Sender

    server, refresh = sys.argv[1], sys.stdin.readline().strip()
    services = open_services()
    fresh = httpx.HTTPTransport(limits=httpx.Limits(max_keepalive_connections=0))
    client = HttpCentralClient(server, refresh_token=refresh, timeout=10, chunk_size=64 << 10,
                               transport=fresh)  # a connection per request: each meets a fault
    sender = Sender(services.database, services.blobs, client, lease=timedelta(seconds=1),
                    first_delay=timedelta(milliseconds=10), longest_delay=timedelta(seconds=1))
    while True:
        try:
            sender.send_due(batch=2)  # batches of two: kills land between and within them
        except Retryable:  # a connection dropped or cut: the next round tries again
            pass
    """
)


def _start_sender(url: str, refresh: str) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": f"{ROOT / 'src'}{os.pathsep}{ROOT}"}
    child = subprocess.Popen(
        [sys.executable, "-c", SENDER, url],
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    child.stdin.write(refresh + "\n")
    child.stdin.close()
    return child


def _wait_until_sending(services, child: subprocess.Popen, waiting: int) -> None:
    """Wait until the sender has sent a message more than ``waiting`` left, so that it is
    past its start-up (seconds on a loaded machine) and syncing when it is killed."""
    deadline = time.monotonic() + 120
    while report(services.database).waiting >= waiting and time.monotonic() < deadline:
        assert child.poll() is None, "the sender stopped by itself"
        time.sleep(0.05)


def _check_queue_against_server(services, central) -> int:
    """What the officer's queue shows after a kill agrees with what the server holds:
    nothing shown as sent that did not arrive, nothing lost from the queue, nothing stuck.
    Returns how many wait."""
    shown = report(services.database)
    with services.database.reading() as session:
        states = count_by_state(session)
        created_sent = session.scalar(
            select(func.count())
            .select_from(OutboxRow)
            .where(OutboxRow.kind == MessageKind.DOSSIER_CREATED.value)
            .where(OutboxRow.state == State.SENT.value)
        )
    held = len(inventory(central.central)["dossiers"])
    assert created_sent <= held, (created_sent, held)  # read after the queue: held only grows
    assert shown.waiting + states[State.SENT] == sum(states.values()) == DOSSIERS, states
    assert shown.needs_attention == [] and states[State.NEEDS_ATTENTION] == 0
    return shown.waiting


def test_fifty_dossiers_arrive_exactly_once_through_repeated_sender_kills(
    central, add_by_command, services, tmp_path
):
    rng = random.Random(8)
    for i in range(DOSSIERS):
        page = tmp_path / f"p{i}.png"
        Image.frombytes("L", (400, 300), rng.randbytes(400 * 300)).save(page)
        assert add_by_command(f"Công dân {i}", file=page) == 0

    tokens = HttpCentralClient(central.url).login("canbo1", PASSWORD)
    faults = {"drop": 1, "error": 1, "delay": 1, "cut": 1, "none": 12}
    proxy = FaultyProxy(int(central.url.rsplit(":", 1)[1]), weights=faults, throttle=0.02)
    waiting_after_kills = []
    try:
        for _ in range(KILLS):
            child = _start_sender(proxy.url, tokens.refresh_token)
            _wait_until_sending(services, child, (waiting_after_kills or [DOSSIERS])[-1])
            time.sleep(rng.uniform(0.0, 2.0))  # then somewhere mid-sync
            assert child.poll() is None, "the sender stopped by itself"
            child.send_signal(signal.SIGKILL)
            child.wait(timeout=30)
            waiting_after_kills.append(_check_queue_against_server(services, central))
            if waiting_after_kills[-1] == 0:
                break
        proxy.throttle = 0.0
        child = _start_sender(proxy.url, tokens.refresh_token)
        try:
            deadline = time.monotonic() + 180
            while report(services.database).waiting and time.monotonic() < deadline:
                time.sleep(0.2)
        finally:
            child.send_signal(signal.SIGKILL)
            child.wait(timeout=30)
    finally:
        proxy.close()

    # The kills landed mid-sync: several with messages left, after some had gone; and the
    # network failed in every way meanwhile.
    assert sum(0 < w < DOSSIERS for w in waiting_after_kills) >= 3, waiting_after_kills
    assert all(proxy.faults[f] > 0 for f in faults), proxy.faults
    with services.database.reading() as session:
        states = count_by_state(session)
    assert states["sent"] == DOSSIERS and sum(states.values()) == DOSSIERS  # the outbox is empty
    assert report(services.database).needs_attention == []

    held = json.loads(central_command("inventory", "--data", str(central.data), "--json").stdout)
    assert len(held["dossiers"]) == len({d["id"] for d in held["dossiers"]}) == DOSSIERS
    digests = [f["sha256"] for d in held["dossiers"] for f in d["files"]]
    assert len(digests) == len(set(digests)) == DOSSIERS  # each file once, with its dossier
    for digest in digests:
        stored = central.central.file_path(digest).read_bytes()
        assert hashlib.sha256(stored).hexdigest() == digest
    sent = {hashlib.sha256((tmp_path / f"p{i}.png").read_bytes()).hexdigest() for i in range(50)}
    assert set(digests) == sent
