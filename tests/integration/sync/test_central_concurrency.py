"""Many workstations writing at once to one reference server, on SQLite and on PostgreSQL.

A province's hundreds of workstations share one server: leases of dossier-code
blocks never overlap, and a write sent at the same moment over several
connections with one Idempotency-Key is applied once, every sender getting the
same answer.
"""

from __future__ import annotations

import hashlib
import uuid
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from tests.integration.sync.conftest import PASSWORD
from tests.integration.sync.test_central_server import _dossier, _upload

pytestmark = pytest.mark.integration

WORKERS = 8


def _clients(url: str, count: int) -> list[httpx.Client]:
    with httpx.Client(base_url=url, timeout=60) as first:
        token = first.post("/v1/auth/login", json={"user": "canbo1", "password": PASSWORD})
        access = token.json()["access_token"]
    return [
        httpx.Client(base_url=url, timeout=60, headers={"Authorization": f"Bearer {access}"})
        for _ in range(count)
    ]


def _at_once(url: str, requests: list) -> list[httpx.Response]:
    """Send ``requests`` (each a function of a client) over separate connections at once."""
    clients = _clients(url, len(requests))
    try:
        with ThreadPoolExecutor(len(requests)) as pool:
            return list(pool.map(lambda send, client: send(client), requests, clients))
    finally:
        for c in clients:
            c.close()


def test_blocks_leased_at_once_by_many_workstations_never_overlap(central_db):
    block = {"unit": "000.00.01.H01", "day": "2026-12-03", "size": 7}

    def lease_five(client: httpx.Client) -> list[tuple[int, int]]:
        got = []
        for _ in range(5):
            answer = client.post(
                "/v1/sequence-blocks",
                json=block,
                headers={"Idempotency-Key": uuid.uuid4().hex},
            )
            assert answer.status_code == 200, answer.text
            got.append((answer.json()["first"], answer.json()["last"]))
        return got

    answers = _at_once(central_db.url, [lease_five] * WORKERS)
    numbers = sorted(n for blocks in answers for a, b in blocks for n in range(a, b + 1))
    assert numbers == list(range(1, WORKERS * 5 * 7 + 1))


def test_one_lease_sent_at_once_over_many_connections_is_applied_once(central_db):
    block = {"unit": "U", "day": "2026-12-03", "size": 10}

    def lease(client: httpx.Client) -> httpx.Response:
        return client.post("/v1/sequence-blocks", json=block, headers={"Idempotency-Key": "same"})

    answers = _at_once(central_db.url, [lease] * WORKERS)
    assert {(a.status_code, a.json()["first"], a.json()["last"]) for a in answers} == {(200, 1, 10)}
    [after] = _at_once(
        central_db.url,
        [lambda c: c.post("/v1/sequence-blocks", json=block, headers={"Idempotency-Key": "next"})],
    )
    assert (after.json()["first"], after.json()["last"]) == (11, 20)


def test_one_dossier_sent_at_once_over_many_connections_is_created_once(central_db):
    [client] = _clients(central_db.url, 1)
    with client:
        assert _upload(client, b"page").status_code == 204
    body = _dossier(hashlib.sha256(b"page").hexdigest())

    def create(client: httpx.Client) -> httpx.Response:
        return client.post("/v1/dossiers", json=body, headers={"Idempotency-Key": "create-1"})

    answers = _at_once(central_db.url, [create] * WORKERS)
    assert {(a.status_code, a.json()["id"]) for a in answers} == {(201, body["id"])}
    from workstation_central.app import inventory

    held = inventory(central_db.central)["dossiers"]
    assert [(d["id"], len(d["files"])) for d in held] == [(body["id"], 1)]
