"""Retention against the reference central server on loopback: what it confirmed goes once
its period has passed; nothing it has not confirmed ever goes."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from PIL import Image, ImageDraw

from tests.integration.sync.conftest import PASSWORD, workstation
from workstation import audit, lifecycle, retention
from workstation.domain import Applicant, DossierStatus, clock
from workstation.intake.attach import attach_result
from workstation.intake.receive import ChecklistRequest, ComponentReceipt, receive_dossier
from workstation.retention import Periods
from workstation.store.dossiers import count_dossiers, get_dossier
from workstation.store.models import DossierRow, OutboxRow
from workstation.store.retention import FORGOTTEN_NAME
from workstation.sync.client import HttpCentralClient, Retryable
from workstation.sync.sender import Sender

pytestmark = pytest.mark.integration

NAME = "Hoàng Văn Nam"
ID_NUMBER = "001185012345"
PHONE = "0912345678"
PERMANENT = "1.004222"  # Đăng ký thường trú: CT01, CHO
LATER = timedelta(days=10)
PERIODS = Periods(scans=3, results=5, exports=2)


@pytest.fixture
def client(central):
    client = HttpCentralClient(central.url)
    client.login("canbo1", PASSWORD)
    yield client
    client.close()


@pytest.fixture
def counter(services, folders) -> lifecycle.Counter:
    return lifecycle.Counter.of(
        services.database, services.catalogue, services.settings, folders.data, "Lê Văn Lương"
    )


def _receive(services, sample_page: Path, name: str = NAME):
    return receive_dossier(
        services.database,
        services.blobs,
        services.catalogue,
        ChecklistRequest(
            procedure_code=PERMANENT,
            applicant=Applicant(name=name, id_number=ID_NUMBER, phone=PHONE),
            components=[
                ComponentReceipt("CT01", (sample_page,), 1),
                ComponentReceipt("CHO", (), 1),
            ],
            received_at=clock.now() - timedelta(minutes=10),
        ),
    )


def _finished(services, counter, sample_page: Path, tmp_path: Path):
    """A dossier with a scan and a result, refused (a final status)."""
    dossier = _receive(services, sample_page)
    result_file = tmp_path / "ket-qua.pdf"
    page = Image.new("RGB", (827, 1169), "white")
    ImageDraw.Draw(page).text((100, 120), "GIAY XAC NHAN", fill="black")
    page.save(result_file, "PDF", resolution=100.0)
    attach_result(services.database, services.blobs, dossier.id, result_file)
    lifecycle.refuse(counter, dossier.id, ["Thiếu giấy tờ"])
    return dossier


def _send_all(services, client) -> None:
    sender = Sender(services.database, services.blobs, client)
    while sender.send_due():
        pass


def _files(dossier) -> list[str]:
    return [d.sha256 for c in dossier.components for d in c.documents]


def _reload(services, dossier_id: str):
    with services.database.reading() as session:
        return get_dossier(session, dossier_id)


def _result_digest(tmp_path: Path) -> str:
    return hashlib.sha256((tmp_path / "ket-qua.pdf").read_bytes()).hexdigest()


def test_files_the_central_system_confirmed_go_after_their_period_and_personal_data_is_forgotten(
    services, client, counter, sample_page, tmp_path
):
    dossier = _finished(services, counter, sample_page, tmp_path)
    open_one = _receive(services, sample_page, "Trần Thị Bình")  # received, not finished
    scan = _files(dossier)[0]
    result = _result_digest(tmp_path)
    _send_all(services, client)
    data = services.folders.data

    before = retention.report(services.database, data, PERIODS, now=clock.now() + LATER)
    totals = before.totals()
    size = sample_page.stat().st_size
    assert totals["scans"] == {"files": 2, "bytes": 2 * size, "confirmed": 2, "due": 1}
    assert totals["results"]["files"] == totals["results"]["due"] == 1
    held = {d.dossier_id: d for d in before.dossiers}
    assert held[open_one.id].kinds[0].reason == "unfinished"
    assert held[open_one.id].kinds[0].days_left is None
    assert held[dossier.id].kinds[0].days_left == 0
    waiting = retention.report(
        services.database, data, PERIODS, now=clock.now() + timedelta(days=1)
    )
    kinds = {
        k.kind: k for k in next(d for d in waiting.dossiers if d.dossier_id == dossier.id).kinds
    }
    assert (kinds["scans"].reason, kinds["scans"].days_left) == ("waiting", 2)
    assert (kinds["results"].reason, kinds["results"].days_left) == ("waiting", 4)
    assert held[dossier.id].forget_from is not None
    assert before.as_json()["personal_data"] == {"held": 2, "forgotten": 0, "due": 1}

    assert [p.suffix for p in (data / "forms").iterdir()] == [".pdf"]  # the refusal, printed

    purge = retention.apply(
        services.database,
        services.blobs,
        data,
        PERIODS,
        now=clock.now() + LATER,
        claim_grace=timedelta(0),
    )

    assert purge.files == {"scans": 1, "results": 1}
    assert purge.forgotten == 1
    assert purge.printed == 1 and not list((data / "forms").iterdir())
    assert not services.blobs.exists(result)
    # The open dossier holds the same scan: its copy stays, the store keeps the blob.
    assert services.blobs.exists(scan)
    after = _reload(services, dossier.id)
    assert not after.components[0].documents[0].held_here
    assert after.applicant.name == FORGOTTEN_NAME
    assert (after.applicant.id_number, after.applicant.phone) == (None, None)
    assert after.forgotten_at is not None
    assert (after.code, after.status, after.due_at) == (
        dossier.code,
        DossierStatus.NOT_RECEIVED,
        dossier.due_at,
    )
    assert (
        after.components[0].documents[0].page_count == dossier.components[0].documents[0].page_count
    )
    assert _reload(services, open_one.id).applicant.name == "Trần Thị Bình"
    with services.database.reading() as session:
        payloads = session.query(OutboxRow.payload).filter(OutboxRow.entity_id == dossier.id)
        assert all(NAME not in p and ID_NUMBER not in p for (p,) in payloads)
        # Nor can the forgotten name still be found through the search index.
        assert count_dossiers(session, "Hoàng Văn Nam") == 0

    entries = audit.list_entries(services.database, dossier=dossier.id)
    purged = [e for e in entries if e.action == "retention.purge"]
    assert len(purged) == 2 and all(e.document_id for e in purged)
    assert [e.action for e in entries].count("retention.forget") == 1
    assert audit.verify(services.database).intact

    # A second run finds nothing more to do.
    again = retention.apply(
        services.database, services.blobs, data, PERIODS, now=clock.now() + LATER
    )
    assert not again.anything


def test_nothing_is_purged_while_the_central_system_is_down(
    services, central, client, counter, sample_page, tmp_path
):
    dossier = _finished(services, counter, sample_page, tmp_path)
    central.stop()  # signed in, then the server goes away: nothing is confirmed
    with pytest.raises(Retryable):
        Sender(services.database, services.blobs, client).send_due()

    later = clock.now() + timedelta(days=3650)
    shown = retention.report(services.database, services.folders.data, PERIODS, now=later)
    [held] = shown.dossiers
    assert {k.kind: k.reason for k in held.kinds} == {
        "scans": "unconfirmed",
        "results": "unconfirmed",
    }
    assert held.forget_from is None
    purge = retention.apply(
        services.database,
        services.blobs,
        services.folders.data,
        PERIODS,
        now=later,
        claim_grace=timedelta(0),
    )

    assert not purge.files["scans"] and not purge.files["results"] and not purge.forgotten
    after = _reload(services, dossier.id)
    assert after.applicant.name == NAME
    assert all(services.blobs.exists(s) for s in _files(after))
    assert not [
        e for e in audit.list_entries(services.database) if e.action.startswith("retention.")
    ]


def test_a_period_of_zero_keeps_everything(services, client, counter, sample_page, tmp_path):
    dossier = _finished(services, counter, sample_page, tmp_path)
    _send_all(services, client)
    keep = Periods(scans=0, results=0, exports=0)
    old = (clock.now() - timedelta(days=3650)).timestamp()
    stale = services.folders.data / "capture" / "into-abc"
    stale.mkdir(parents=True)
    (stale / "page-1.png").write_bytes(b"x")
    os.utime(stale / "page-1.png", (old, old))

    purge = retention.apply(
        services.database,
        services.blobs,
        services.folders.data,
        keep,
        now=clock.now() + timedelta(days=3650),
        claim_grace=timedelta(0),
    )

    assert not purge.anything
    after = _reload(services, dossier.id)
    assert after.applicant.name == NAME and after.forgotten_at is None
    assert all(services.blobs.exists(s) for s in _files(after))
    assert stale.exists()


def test_stale_working_files_go_after_their_period_and_fresh_ones_stay(services):
    data = services.folders.data
    old = (clock.now() - timedelta(days=30)).timestamp()
    stale_capture = data / "capture" / "into-old"
    fresh_capture = data / "capture" / "into-new"
    other_capture = data / "capture" / "kept-by-its-owner"
    authorisations = data / "handovers" / "authorisations"
    exports = data / "exports"
    for folder in (stale_capture, fresh_capture, other_capture, authorisations, exports):
        folder.mkdir(parents=True)
    for path in (
        stale_capture / "p1.png",
        fresh_capture / "p1.png",
        other_capture / "p1.png",
        authorisations / "old.pdf",
        authorisations / "new.pdf",
        exports / "old.xlsx",
    ):
        path.write_bytes(b"page")
    for path in (stale_capture / "p1.png", stale_capture, other_capture / "p1.png"):
        os.utime(path, (old, old))
    for path in (authorisations / "old.pdf", exports / "old.xlsx"):
        os.utime(path, (old, old))

    shown = {f.key: f for f in retention.report(services.database, data, PERIODS).folders}
    assert (shown["capture"].entries, shown["capture"].due) == (2, 1)
    assert (shown["authorisations"].entries, shown["authorisations"].due) == (2, 1)
    assert (shown["exports"].entries, shown["exports"].due) == (1, 1)

    purge = retention.apply(services.database, services.blobs, data, PERIODS)

    assert purge.folders == {"capture": 1, "authorisations": 1, "exports": 1}
    assert not stale_capture.exists() and fresh_capture.exists() and other_capture.exists()
    assert sorted(p.name for p in authorisations.iterdir()) == ["new.pdf"]
    assert not list(exports.iterdir())
    cleaned = [
        e.object_id for e in audit.list_entries(services.database) if e.action == "retention.clean"
    ]
    assert sorted(cleaned) == ["authorisations", "capture", "exports"]


def test_the_command_reports_and_applies_what_is_due(
    services, client, counter, sample_page, tmp_path, home
):
    dossier = _finished(services, counter, sample_page, tmp_path)
    _send_all(services, client)
    # As if everything happened 10 days ago: confirmations, the finish and the stored files.
    ago = datetime.now(UTC).replace(tzinfo=None) - LATER
    with services.database.transaction() as session:
        session.query(OutboxRow).filter(OutboxRow.sent_at.is_not(None)).update({"sent_at": ago})
        session.query(DossierRow).update({"updated_at": ago})
    for path in services.blobs.root.rglob("*"):
        if path.is_file():
            os.utime(path, (ago.timestamp(), ago.timestamp()))
    services.close()
    env = {
        "WORKSTATION_HOME": str(home),
        "WORKSTATION_RETENTION_SCANS_DAYS": "3",
        "WORKSTATION_RETENTION_RESULTS_DAYS": "5",
    }

    shown = workstation("retention", "report", "--json", extra_env=env)
    assert shown.returncode == 0, shown.stderr
    report = json.loads(shown.stdout)
    assert report["totals"]["scans"]["due"] == 1 and report["totals"]["results"]["due"] == 1
    assert report["dossiers"][0]["dossier_id"] == dossier.id
    assert NAME not in shown.stdout and ID_NUMBER not in shown.stdout

    applied = workstation("retention", "apply", "--json", extra_env=env)
    assert applied.returncode == 0, applied.stderr
    assert json.loads(applied.stdout)["files"] == {"scans": 1, "results": 1}
    assert json.loads(applied.stdout)["forgotten"] == 1

    verified = workstation("audit", "verify", extra_env=env)
    assert verified.returncode == 0, verified.stdout + verified.stderr
    text = workstation("retention", "report", extra_env=env)
    assert text.returncode == 0 and "removed" in text.stdout


def test_the_sending_loop_purges_only_after_a_round_that_drained_the_outbox(
    services, client, sample_page
):
    from workstation.cli.sync import _purge_when_drained

    stale = services.folders.data / "capture" / "into-abandoned"
    stale.mkdir(parents=True)
    old = (clock.now() - timedelta(days=30)).timestamp()
    os.utime(stale, (old, old))
    settings = dataclasses.replace(services.settings, retention_scans_days=7)
    looping = dataclasses.replace(services, settings=settings)
    _receive(services, sample_page)

    assert not _purge_when_drained(looping)  # a message still waits
    assert stale.exists()
    _send_all(services, client)
    assert _purge_when_drained(looping)
    assert not stale.exists()
