"""Two workstations of one unit issue dossier codes from blocks one central server leases
them, and from their own stripes when offline: never the same code twice."""

from __future__ import annotations

import re

import pytest

from tests.integration.sync.conftest import PASSWORD
from workstation.config import load_settings
from workstation.domain import clock
from workstation.intake.receive import CodeIssuer
from workstation.paths import Folders
from workstation.services import lease_code_blocks, open_services
from workstation.sync.client import HttpCentralClient

pytestmark = pytest.mark.integration


class Workstation:
    def __init__(self, root, slot: int, central_url: str) -> None:
        folders = Folders(config=root / "config", data=root / "data", logs=root / "logs")
        self.settings = load_settings(folders).replace(workstation_slot=slot)
        self.services = open_services(self.settings, folders)
        self.issuer = CodeIssuer.from_settings(self.settings)
        tokens = HttpCentralClient(central_url).login("canbo1", PASSWORD)
        self.client = HttpCentralClient(central_url, refresh_token=tokens.refresh_token)
        self.codes: list[str] = []

    def sync(self) -> int:
        return lease_code_blocks(self.client, self.services.database, self.settings)

    def receive(self) -> str:
        with self.services.database.transaction() as session:
            code = self.issuer.issue(session, clock.now())
        self.codes.append(code)
        return code

    def close(self) -> None:
        self.client.close()
        self.services.close()


def _sequence(code: str) -> int:
    return int(re.search(r"-\d{6}-\d{2}(\d+)$", code).group(1))  # tt04: ...-YYMMDD-AA<seq>


def test_two_workstations_with_leased_blocks_and_offline_stripes_never_issue_one_code_twice(
    central_db, tmp_path
):
    a = Workstation(tmp_path / "a", 1, central_db.url)
    b = Workstation(tmp_path / "b", 2, central_db.url)
    try:
        assert a.sync() == 50 and b.sync() == 50  # each holds a block before the day starts
        for _ in range(70):  # online: a sending round after every dossier, as the worker does
            a.receive()
            a.sync()
            b.receive()
            b.sync()
        leased_max = a.issuer.sequence_for(clock.local(clock.now()).date())[0].sequence.leased_max
        assert max(_sequence(c) for c in a.codes + b.codes) <= leased_max  # all from leases

        for _ in range(60):  # b loses the network: its block runs out, then its own stripe
            b.receive()
        offline = [_sequence(c) for c in b.codes[-60:]]
        stripe_first, stripe_last = a.issuer.formats[-1].sequence.stripe(2)
        assert any(stripe_first <= n <= stripe_last for n in offline)
        for _ in range(20):  # a goes on online meanwhile
            a.receive()
            a.sync()
    finally:
        a.close()
        b.close()
    every = a.codes + b.codes
    assert len(every) == len(set(every)) == 70 * 2 + 60 + 20
