"""How long the counter statistics take for a year of dossiers.

    .venv/bin/python bench/stats.py [--dossiers 100000]

Ours: ``counter_report`` for 2025-07-01 .. 2026-06-30 (every measure, per month
and per sector) over a store of N dossiers (one component each; 7 minutes apart, so a year
holds about 75,000). Reference, same run, same file: one SQL aggregate that counts
only the dossiers by channel and their digitised components (the least any report
must read), so the ratio is what reading facts per dossier costs over a bare count.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path

from sqlalchemy import text

from _dossiers import filled_store
from workstation.domain.catalogue import load_catalogue
from workstation.domain.targets import load_targets
from workstation.paths import resources_dir
from workstation.stats.report import counter_report

REFERENCE_SQL = text(
    "SELECT d.channel, COUNT(DISTINCT d.id), SUM(c.digitisation != 0) "
    "FROM dossiers d LEFT JOIN components c ON c.dossier_id = d.id "
    "WHERE d.received_at >= :start AND d.received_at < :end GROUP BY d.channel"
)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--dossiers", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        database = filled_store(Path(folder) / "store.sqlite3", args.dossiers)
        catalogue = load_catalogue(resources_dir() / "catalogue" / "procedures.json")
        targets = load_targets()
        first, last = date(2025, 7, 1), date(2026, 6, 30)
        ours, reference = [], []
        for _ in range(args.runs):
            started = time.perf_counter()
            report = counter_report(
                database,
                catalogue,
                targets,
                first=first,
                last=last,
                agency="H99.001.01",
                now=datetime(2026, 7, 1, tzinfo=UTC),
                by="sector",
            )
            ours.append(time.perf_counter() - started)
            started = time.perf_counter()
            with database.reading() as session:
                rows = session.execute(
                    REFERENCE_SQL,
                    {"start": datetime(2025, 6, 30, 17), "end": datetime(2026, 6, 30, 17)},
                ).all()
            reference.append(time.perf_counter() - started)
        received = report.overall["received"].count
        assert received == sum(r[1] for r in rows), (received, rows)
        ours_s, reference_s = statistics.median(ours), statistics.median(reference)
        print(f"dossiers in the year: {received} (store: {args.dossiers})")
        print(f"ours (counter_report, every measure, by month and sector): {ours_s:.3f} s")
        print(f"reference (one SQL aggregate, channel and digitised only): {reference_s:.3f} s")
        print(f"ratio ours/reference: {ours_s / reference_s:.1f}")
        database.close()


if __name__ == "__main__":
    main()
