"""The sender's choices: what waits, what needs the officer, and where sign-ins are kept."""

from __future__ import annotations

import json
import random
from datetime import timedelta

import keyring
import pytest
from keyring.backends import fail, null

from tests.integration.sync.conftest import PASSWORD, workstation
from workstation.store.outbox import MessageKind, backoff, enqueue, pending
from workstation.sync import auth
from workstation.sync.client import HttpCentralClient
from workstation.sync.sender import Sender, report

pytestmark = pytest.mark.integration


def _refused_then_later(services) -> None:
    """A dossier the server must refuse (status 11 is no national code), then its next change."""
    bad = {
        "id": "dossier-x",
        "code": "000.00.01.H01-261203-0001",
        "procedure_code": "1.001193",
        "status": 11,
        "applicant": {"type": 1, "name": "Nguyễn Văn An"},
        "components": [],
    }
    with services.database.transaction() as session:
        enqueue(session, MessageKind.DOSSIER_CREATED, "dossier-x", bad)
        enqueue(session, MessageKind.DOSSIER_STATUS_CHANGED, "dossier-x", {"status": 2})


def test_a_refused_message_waits_for_the_officer_with_its_reason_and_holds_back_its_dossier(
    central, services
):
    _refused_then_later(services)
    login = workstation(
        "login", "--server", central.url, "--user", "canbo1", "--password-env", "PW",
        extra_env={"PW": PASSWORD},
    )  # fmt: skip
    assert login.returncode == 0, login.stderr
    done = workstation("sync", "--server", central.url, "--once", "--json")
    summary = json.loads(done.stdout)
    assert done.returncode == 0, summary
    assert summary["sent"] == 1  # the audit log's head only
    assert summary["waiting"] == 1  # the status change never overtakes its dossier
    [stuck] = summary["needs_attention"]
    assert stuck["dossier_code"] == "000.00.01.H01-261203-0001"
    assert "422" in stuck["reason"]

    items = json.loads(workstation("outbox", "--json").stdout)["items"]
    assert [(i["state"], i["attempts"]) for i in items] == [("needs_attention", 1), ("pending", 0)]
    assert "422" in items[0]["last_error"]

    retried = json.loads(workstation("outbox", "--retry", str(items[0]["id"]), "--json").stdout)
    assert [(i["state"], i["attempts"]) for i in retried["items"]] == [("pending", 0)] * 2


def test_a_server_error_waits_a_jittered_growing_delay(services):
    sender = Sender(services.database, services.blobs, HttpCentralClient("http://127.0.0.1:9"),
                    rng=random.Random(1))  # fmt: skip
    for attempts in (1, 2, 5, 20):
        delay = sender.delay(attempts)
        ceiling = backoff(attempts)
        assert ceiling / 2 <= delay <= ceiling
    assert sender.delay(20) <= timedelta(hours=1)


def test_a_server_that_cannot_be_reached_leaves_the_message_waiting(services):
    _refused_then_later(services)
    client = HttpCentralClient("http://127.0.0.1:9", refresh_token="x", timeout=2)
    sender = Sender(services.database, services.blobs, client)
    with pytest.raises(Exception) as raised:
        sender.send_due()
    assert raised.value.code == "sync.unreachable"
    assert "127.0.0.1:9" in raised.value.detail
    assert report(services.database).waiting == 2


@pytest.mark.parametrize("backend", [fail.Keyring(), null.Keyring()], ids=["fail", "null"])
def test_no_safe_keyring_is_refused_rather_than_used(backend):
    before = keyring.get_keyring()
    keyring.set_keyring(backend)
    try:
        with pytest.raises(auth.NoSafeKeyring) as raised:
            auth.login("http://127.0.0.1:9", "canbo1", "x")
    finally:
        keyring.set_keyring(before)
    assert raised.value.code == "sync.no_keyring"


def test_only_the_refresh_token_is_kept(central, tmp_path):
    tokens = auth.login(central.url, "canbo1", PASSWORD)
    kept = (tmp_path / "keyring.json").read_text()
    assert tokens.refresh_token in kept
    assert PASSWORD not in kept
    assert tokens.access_token not in kept


def test_a_deleted_dossiers_files_stay_until_the_central_system_has_them(
    central, services, add_by_command
):
    from workstation.intake.cleanup import clean_up_blobs
    from workstation.store.dossiers import delete_dossier

    assert add_by_command("Đỗ Thị Hoa") == 0
    [digest] = list(services.blobs.names())
    with services.database.transaction() as session:
        [created] = pending(session)
        delete_dossier(session, created.entity_id)
        enqueue(session, MessageKind.DOSSIER_DELETED, created.entity_id, {})

    clean_up_blobs(services.database, services.blobs, older_than=timedelta(0))
    assert services.blobs.exists(digest)  # the creation still has to carry it

    tokens = HttpCentralClient(central.url).login("canbo1", PASSWORD)
    client = HttpCentralClient(central.url, refresh_token=tokens.refresh_token)
    assert Sender(services.database, services.blobs, client).send_due() == 2
    client.close()
    assert central.central.file_path(digest).exists()
    clean_up_blobs(services.database, services.blobs, older_than=timedelta(0))
    assert not services.blobs.exists(digest)


def test_the_client_reads_statuses_documents_catalogue_and_leases_code_blocks(
    central, services, add_by_command
):
    assert add_by_command("Vũ Minh Tâm") == 0
    tokens = HttpCentralClient(central.url).login("canbo1", PASSWORD)
    client = HttpCentralClient(central.url, refresh_token=tokens.refresh_token)
    try:
        assert Sender(services.database, services.blobs, client).send_due() == 1
        [(dossier_id, status)] = [(d["id"], d["status"]) for d in client_inventory(central)]
        assert client.dossier_status(dossier_id) == status == 2  # received at the counter
        assert client.dossier_status("no-such-dossier") is None
        assert client.download_catalogue(None) is None  # none published yet
        assert client.lease_block("H01", "2026-12-03", 100, key="b1") == (1, 100)
        assert client.lease_block("H01", "2026-12-03", 100, key="b1") == (1, 100)  # a retry
        assert client.lease_block("H01", "2026-12-03", 100, key="b2") == (101, 200)
        client.add_archive_record("ar1", dossier_id, {"box": 3}, key="ar1")
        client.add_archive_record("ar1", dossier_id, {"box": 3}, key="ar1")  # a retry: no 409
        assert client.citizen_documents("001099012345") == []
    finally:
        client.close()


def client_inventory(central) -> list[dict]:
    from workstation_central.app import inventory

    return inventory(central.central)["dossiers"]
