"""Fixtures the store's integration tests share: a bare store file."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from workstation.store.database import Database, open_database


@pytest.fixture
def database(tmp_path: Path) -> Iterator[Database]:
    """A fresh store database, migrated, with no services around it."""
    opened = open_database(tmp_path / "store.sqlite3")
    yield opened
    opened.close()
