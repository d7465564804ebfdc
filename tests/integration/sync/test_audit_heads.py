"""The audit log's chain head reaches the reference central server, which keeps it and
refuses another hash at the same count (the workstation's log was rewritten)."""

from __future__ import annotations

import json

import httpx
import pytest

from tests.integration.sync.conftest import PASSWORD, workstation
from tests.store_helpers import received_dossier
from workstation import audit as audit_use_cases
from workstation.store import audit
from workstation.store.outbox import MessageKind, count_by_state, enqueue, list_entries
from workstation.sync.client import HttpCentralClient, Refused
from workstation.sync.sender import Sender

pytestmark = pytest.mark.integration

STATION = "H99.001.01/1"


def _received(services) -> None:
    """A dossier queued as the central server accepts it (its change recorded)."""
    body = {
        "id": "dossier-a",
        "code": "000.00.01.H01-261203-0001",
        "procedure_code": "1.001193",
        "status": 2,
        "applicant": {"type": 1, "name": "Nguyễn Văn An"},
        "components": [],
    }
    with services.database.transaction() as session:
        enqueue(session, MessageKind.DOSSIER_CREATED, "dossier-a", body)


def _client(central) -> HttpCentralClient:
    tokens = HttpCentralClient(central.url).login("canbo1", PASSWORD)
    return HttpCentralClient(central.url, refresh_token=tokens.refresh_token)


def _heads(central) -> list[dict]:
    tokens = HttpCentralClient(central.url).login("canbo1", PASSWORD)
    answer = httpx.get(
        f"{central.url}/v1/audit-heads",
        params={"workstation": STATION},
        headers={"Authorization": f"Bearer {tokens.access_token}"},
    )
    answer.raise_for_status()
    return answer.json()["heads"]


def test_the_head_is_queued_only_when_the_chain_grew(services) -> None:
    database = services.database
    assert audit_use_cases.queue_head(database, STATION) is None  # an empty log: nothing
    received_dossier(database)
    queued = audit_use_cases.queue_head(database, STATION)
    assert queued is not None and queued.count == 1
    assert audit_use_cases.queue_head(database, STATION) is None  # unchanged since
    with database.reading() as session:
        kinds = [e.entry.kind for e in list_entries(session)]
        assert audit.head(session).count == 1  # queueing the head records nothing
    assert kinds == [MessageKind.DOSSIER_CREATED, MessageKind.AUDIT_HEAD]


def test_the_sent_head_is_kept_by_the_central_server(central, services) -> None:
    _received(services)
    client = _client(central)
    try:
        sender = Sender(services.database, services.blobs, client)
        assert sender.send_due() == 1
        queued = audit_use_cases.queue_head(services.database, STATION)
        assert sender.send_due() == 1
    finally:
        client.close()
    with services.database.reading() as session:
        head = audit.head(session)
    assert queued is not None and (queued.count, queued.head) == (head.count, head.hash) == (
        2,
        head.hash,
    )
    [kept] = _heads(central)
    assert (kept["count"], kept["head"], kept["officer"]) == (2, head.hash, "canbo1")


def test_another_hash_at_a_count_already_reported_is_refused(central) -> None:
    client = _client(central)
    body = {"workstation": STATION, "count": 3, "head": "a" * 64, "at": None}
    try:
        client.add_audit_head(body, key="first")
        client.add_audit_head(body, key="same-again")  # the same head again: accepted
        with pytest.raises(Refused) as refused:
            client.add_audit_head({**body, "head": "b" * 64}, key="rewritten")
    finally:
        client.close()
    assert refused.value.params["reason"] == "HTTP 409 audit.head_conflict"
    assert [h["head"] for h in _heads(central)] == ["a" * 64]


def test_workstation_sync_sends_the_head_covering_its_own_sends(central, services) -> None:
    _received(services)
    login = workstation(
        "login", "--server", central.url, "--user", "canbo1", "--password-env", "PW",
        extra_env={"PW": PASSWORD},
    )  # fmt: skip
    assert login.returncode == 0, login.stderr
    done = workstation("sync", "--server", central.url, "--once", "--json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["sent"] == 2  # the dossier, then the head
    with services.database.reading() as session:
        head = audit.head(session)
        actions = [(e.action, e.officer) for e in audit.list_entries(session)]
        assert count_by_state(session)["sent"] == 2
    assert actions[1:] == [("officer.signed_in", "canbo1"), ("message.sent", "canbo1")]
    [kept] = _heads(central)
    assert (kept["count"], kept["head"]) == (head.count, head.hash) == (3, head.hash)
    again = workstation("sync", "--server", central.url, "--once", "--json")
    assert json.loads(again.stdout)["sent"] == 0  # nothing new: no new head
