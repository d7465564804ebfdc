"""What the audit log costs: recording with every queued change, and verifying the chain.

    .venv/bin/python bench/audit_log.py [--changes 2000] [--entries 100000]

Recording. Ours: N transactions, each saving a dossier and queueing its
``dossier.created`` (as receiving does), with the audit entry written in the
same transaction. Reference, same run, same kind of file: the same
transactions with the entry left out (``record_message`` replaced by nothing,
alternating change by change), so the ratio is what the audit log adds to a change.

Verifying. Ours: ``workstation audit verify``'s walk over a chain of M entries.
Reference: SHA-256 over the same rows' bytes read in one query, the least any
check of M hashes must do.
"""

from __future__ import annotations

import argparse
import hashlib
import statistics
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import text

from workstation.domain import Applicant, Dossier
from workstation.store import audit
from workstation.store.database import Database, open_database
from workstation.store.dossiers import add_dossier
from workstation.store.outbox import MessageKind, enqueue


def _change(database: Database, i: int) -> float:
    started = time.perf_counter()
    with database.transaction() as session:
        dossier = add_dossier(
            session,
            Dossier(
                procedure_code="1.001193",
                applicant=Applicant(name=f"Nguyễn Văn {i}"),
                received_at=datetime.now(UTC),
            ),
        )
        enqueue(session, MessageKind.DOSSIER_CREATED, dossier.id, {"id": dossier.id})
    return time.perf_counter() - started


def _recording(folder: Path, count: int) -> tuple[float, float]:
    """Ours and the reference alternate, change by change, so the machine's load hits both."""
    with_log = open_database(folder / "ours.sqlite3")
    without = open_database(folder / "reference.sqlite3")
    kept = audit.record_message
    ours, reference = [], []
    for i in range(count):
        ours.append(_change(with_log, i))
        audit.record_message = lambda *args, **kwargs: None  # type: ignore[assignment]
        try:
            reference.append(_change(without, i))
        finally:
            audit.record_message = kept
    return statistics.median(ours), statistics.median(reference)


def _verifying(folder: Path, entries: int) -> tuple[float, float]:
    database = open_database(folder / "chain.sqlite3")
    with database.transaction() as session:
        for i in range(entries):
            audit.record(
                session, "dossier.created", dossier_id=f"{i:036d}", officer=("canbo1", "x")
            )
    started = time.perf_counter()
    with database.reading() as session:
        result = audit.verify(session)
    ours = time.perf_counter() - started
    assert result.intact and result.count == entries
    started = time.perf_counter()
    with database.reading() as session:
        for row in session.execute(text("SELECT * FROM audit_log ORDER BY seq")):
            hashlib.sha256(repr(tuple(row)).encode()).hexdigest()
    reference = time.perf_counter() - started
    return ours, reference


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--changes", type=int, default=2000)
    parser.add_argument("--entries", type=int, default=100_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        ours, reference = _recording(Path(folder), args.changes)
        print(
            f"one change with its audit entry: {ours * 1000:.2f} ms (median of {args.changes}); "
            f"without: {reference * 1000:.2f} ms; ratio {ours / reference:.2f}"
        )
        ours, reference = _verifying(Path(folder), args.entries)
        print(
            f"verify {args.entries} entries: {ours:.2f} s; bare SHA-256 of the rows: "
            f"{reference:.2f} s; ratio {ours / reference:.2f}"
        )


if __name__ == "__main__":
    main()
