"""Migration 0820: a store at 0700 upgrades keeping its dossiers, with no life-cycle steps
and no units suggested for addresses received before it."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from tests.integration.test_migration_0600 import insert_dossier
from workstation import lifecycle
from workstation.store.database import Database, open_database
from workstation.store.dossiers import get_dossier

pytestmark = pytest.mark.integration


def test_a_store_at_0700_upgrades_keeping_dossiers_without_steps_or_units(tmp_path) -> None:
    path = tmp_path / "old.sqlite3"
    old = Database(path)
    old.migrate("0700")
    with old.engine.begin() as connection:
        insert_dossier(connection, "d1", 1)
        connection.execute(text("UPDATE applicants SET address = 'Cẩm Yên, Thạch Thất, Hà Nội'"))
    old.close()

    upgraded = open_database(path)
    assert upgraded.revision() == upgraded.head_revision()  # through 0820 and on
    with upgraded.reading() as session:
        applicant = get_dossier(session, "d1").applicant
    assert applicant.address == "Cẩm Yên, Thạch Thất, Hà Nội"
    assert (applicant.current_address, applicant.address_units) == (None, None)
    assert lifecycle.history(upgraded, "d1") == []
    upgraded.close()
