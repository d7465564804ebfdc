"""The store's failure modes and slow moments, as real implementations of its interface.

The GUI's failure paths are tested through these instead of replacing names a
UI module imported: a section is given services holding one of them, exactly
as it would be given the real ones.

- :class:`UnreliableDatabase` is a real :class:`~workstation.store.Database`
  underneath; while told to, it refuses every transaction with the error a
  locked or full store gives. It also records which thread opened each one.
- :class:`GatedBlobStore` is a real :class:`~workstation.store.BlobStore`
  whose writes (``put``, ``put_file``) wait at a gate the test opens (a slow disk, a network share),
  and records which thread stored each file.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, BinaryIO

from sqlalchemy.orm import Session

from workstation.errors import StoreError
from workstation.store import BlobStore, Database


def refused() -> StoreError:
    """What the store raises when SQLite refuses (locked by another program, disk full)."""
    return StoreError("database is locked", code="store.database_refused")


class UnreliableDatabase:
    """A real database that refuses transactions while :attr:`failure` is set."""

    def __init__(self, real: Database, failure: BaseException | None = None) -> None:
        self.real = real
        self.failure = failure
        self.threads: list[str] = []

    def refuse(self, failure: BaseException | None = None) -> None:
        """From now on every transaction fails with ``failure`` (default: the store is locked)."""
        self.failure = failure or refused()

    def recover(self) -> None:
        self.failure = None

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        self.threads.append(threading.current_thread().name)
        if self.failure is not None:
            raise self.failure
        with self.real.transaction() as session:
            yield session

    @contextmanager
    def reading(self) -> Iterator[Session]:
        self.threads.append(threading.current_thread().name)
        if self.failure is not None:
            raise self.failure
        opened = getattr(self.real, "reading", self.real.transaction)
        with opened() as session:
            yield session

    def __getattr__(self, name: str) -> Any:  # path, revision(), close()… as the real one
        return getattr(self.real, name)


class GatedBlobStore(BlobStore):
    """A blob store whose writes wait until :meth:`open_gate` (they start open)."""

    def __init__(self, root: Path) -> None:
        super().__init__(root)
        self.gate = threading.Event()
        self.gate.set()
        self.reached = threading.Event()
        self.threads: list[str] = []

    def close_gate(self) -> None:
        self.gate.clear()

    def open_gate(self) -> None:
        self.gate.set()

    def _wait_at_gate(self) -> None:
        self.threads.append(threading.current_thread().name)
        self.reached.set()
        if not self.gate.wait(30):
            raise StoreError("the disk did not answer", code="store.failed")

    def put(self, data: bytes) -> str:
        self._wait_at_gate()
        return super().put(data)

    def put_file(self, source: BinaryIO) -> str:
        self._wait_at_gate()
        return super().put_file(source)
