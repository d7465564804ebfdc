"""An archive record queued by the workstation reaches the reference central server with its
PDF/A, and the server keeps it: once, however often the message is sent."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.integration.sync.conftest import PASSWORD
from workstation.archive import specimens
from workstation.archive.batch import split
from workstation.archive.records import store_batch
from workstation.scan.pipeline import DigitizeOptions
from workstation.store.outbox import count_pending
from workstation.sync.client import HttpCentralClient, Refused
from workstation.sync.sender import Sender
from workstation_central.app import inventory

pytestmark = pytest.mark.integration


def test_stored_archive_records_reach_the_central_server_with_their_pdf(
    central, services, tmp_path: Path
) -> None:
    specimens.write_stack(tmp_path / "in", [1, 2], lines=3)
    out = tmp_path / "out"
    split(sorted((tmp_path / "in").glob("*.png")), out, DigitizeOptions(ocr=False, jobs=1))
    store_batch(services.database, services.blobs, out)
    tokens = HttpCentralClient(central.url).login("canbo1", PASSWORD)
    client = HttpCentralClient(central.url, refresh_token=tokens.refresh_token)
    try:
        assert Sender(services.database, services.blobs, client).send_due() == 2
        held = inventory(central.central)["archive_records"]
        assert [r["position"] for r in sorted(held, key=lambda r: r["position"])] == [1, 2]
        for record in held:
            assert record["dossier_id"] is None
            assert (central.central.file_path(record["sha256"])).read_bytes().startswith(b"%PDF")
            assert record["record"]["title"]
        # The same record sent again under another key is refused: the server keeps it once.
        first = held[0]
        with pytest.raises(Refused) as refused:
            client.add_archive_record(first["id"], None, {}, key="again", sha256=first["sha256"])
        assert refused.value.params["reason"] == "HTTP 409 archive.exists"
    finally:
        client.close()
    with services.database.reading() as session:
        assert count_pending(session) == 0
    assert len(inventory(central.central)["archive_records"]) == 2
