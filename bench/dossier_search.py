"""How fast the dossier list shows its first page, with and without a name typed, over
100,000 dossiers: the blind token index against the plain folded column it replaced.

    .venv/bin/python bench/dossier_search.py [--dossiers 100000] [--plain-tokens]

Ours: the list's use case (``workstation.dossiers.list_dossiers``: the first
page of 200 and the count of every match, in one read transaction) over
``dossier_search_tokens``, with tokens keyed by HMAC-SHA256 as under the
sealing codec (``--plain-tokens``: folded words, as under today's plain codec).
Reference, from the same run on the same file: the first page and count as the
store made them before (``applicants.name_search LIKE '%folded text%'`` OR the
code, procedure-code and number conditions, the same summaries), over a plain
folded column added back for the comparison and filled from the same names.
Target: the first page under one frame (16.7 ms at 60 Hz).
"""

from __future__ import annotations

import argparse
import hashlib
import hmac
import os
import statistics
import tempfile
import time
from pathlib import Path

from sqlalchemy import func, literal_column, or_, select, text

from _dossiers import filled_store
from workstation.domain.dossier import parse_short_number
from workstation.domain.text import fold
from workstation.dossiers import list_dossiers
from workstation.store import protection
from workstation.store.dossiers import _like_escaped, _summaries, _summary
from workstation.store.models import ApplicantRow, DossierRow

PAGE = 200
FRAME_MS = 1000 / 60
SEARCHES = [
    ("no search", ""),
    ("family name (1 in 12)", "Nguyễn"),
    ("prefix of a word", "ngu"),
    ("given name (1 in 18)", "Yến"),
    ("whole name (about 1 in 2,000)", "Đỗ Hồng Yến"),
    ("name in another order", "yen ho do"),
    ("nobody by that name", "Khổng Tử"),
    ("procedure code (not a name)", "1.001193"),
]


class KeyedTokens(protection.PlainCodec):
    """Plain columns, keyed search tokens: what the sealing codec gives the index."""

    name = "bench-keyed"
    _key = hashlib.sha256(b"bench key").digest()

    def keyed(self, purpose: str, value: str) -> str:
        key = hmac.new(self._key, purpose.encode(), hashlib.sha256).digest()
        return hmac.new(key, value.encode("utf-8"), hashlib.sha256).hexdigest()


def old_first_page(database, search: str) -> tuple[list, int]:  # type: ignore[no-untyped-def]
    """The list's first page and count as the store made them before the blind index: the
    same summaries, the search an OR of ``name_search LIKE '%folded%'`` and the codes."""
    condition = None
    if search.strip():
        key, raw = _like_escaped(fold(search)), _like_escaped(search.strip())
        conditions = [
            literal_column("applicants.name_search").like(f"%{key}%", escape="\\"),
            DossierRow.code.like(f"%{raw}%", escape="\\"),
            DossierRow.procedure_code.like(f"{raw}%", escape="\\"),
        ]
        number = parse_short_number(search)
        if number is not None:
            conditions.append(DossierRow.number == number)
        condition = or_(*conditions)
    query = _summaries().order_by(DossierRow.received_at.desc(), DossierRow.id.desc()).limit(PAGE)
    with database.reading() as session:
        if condition is None:
            rows = [_summary(r) for r in session.execute(query)]
            return rows, session.scalar(select(func.count()).select_from(DossierRow))
        rows = [_summary(r) for r in session.execute(query.where(condition))]
        counting = (
            select(func.count(DossierRow.id))
            .join(ApplicantRow, DossierRow.applicant_id == ApplicantRow.id)
            .where(condition)
        )
        return rows, session.scalar(counting)


def timed(fn, repeat: int = 7) -> float:
    """Median seconds of ``repeat`` runs, after one to warm the cache."""
    fn()
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - start)
    return statistics.median(runs)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--dossiers", type=int, default=100_000)
    parser.add_argument("--plain-tokens", action="store_true")
    args = parser.parse_args()
    if not args.plain_tokens:
        protection.install_codec(KeyedTokens())
    folder = Path(tempfile.mkdtemp(prefix="bench-search-"))
    start = time.perf_counter()
    database = filled_store(folder / "store.sqlite3", args.dossiers)
    print(f"filled {args.dossiers:,} dossiers in {time.perf_counter() - start:.1f} s")

    # The plain folded column as it was before the blind index, for the reference query.
    with database.engine.begin() as connection:
        connection.exec_driver_sql("ALTER TABLE applicants ADD COLUMN name_search TEXT")
        rows = connection.exec_driver_sql("SELECT id, name FROM applicants").all()
        connection.execute(
            text("UPDATE applicants SET name_search = :key WHERE id = :id"),
            [{"key": fold(name), "id": row_id} for row_id, name in rows],
        )
        connection.exec_driver_sql("CREATE INDEX ix_old_name_search ON applicants (name_search)")
        connection.exec_driver_sql("ANALYZE")
        tokens = connection.exec_driver_sql("SELECT count(*) FROM dossier_search_tokens").scalar()
        pages = connection.exec_driver_sql(
            "SELECT sum(pgsize) FROM dbstat WHERE name LIKE '%dossier_search_tokens%'"
        ).scalar()
        everything = connection.exec_driver_sql("SELECT sum(pgsize) FROM dbstat").scalar()

    def ours(search: str):  # type: ignore[no-untyped-def]
        return lambda: list_dossiers(database, search=search or None, limit=PAGE)

    def old(search: str):  # type: ignore[no-untyped-def]
        return lambda: old_first_page(database, search)

    kind = "plain folded" if args.plain_tokens else "HMAC-keyed"
    print(
        f"\nFirst page ({PAGE} rows) and count over {args.dossiers:,} dossiers, "
        f"median of 7 runs; tokens {kind}"
    )
    print(f"{'search':34} {'matches':>8} {'ours':>10} {'old LIKE':>10} {'old/ours':>9}")
    worst = 0.0
    for label, search in SEARCHES:
        page = ours(search)()
        old_total = old(search)()[1]
        ours_s, old_s = timed(ours(search)), timed(old(search))
        if not any(ch.isdigit() for ch in search):  # the target is for names (and none)
            worst = max(worst, ours_s)
        note = "" if page.total == old_total else f"  (old LIKE found {old_total:,})"
        print(
            f"{label:34} {page.total:>8,} {ours_s * 1e3:>7.1f} ms {old_s * 1e3:>7.1f} ms "
            f"{old_s / ours_s:>8.2f}x{note}"
        )
    verdict = "under" if worst * 1e3 < FRAME_MS else "OVER"
    print(
        f"\nslowest first page without a search or by name, ours: {worst * 1e3:.1f} ms "
        f"({verdict} one frame, {FRAME_MS:.1f} ms)"
    )
    print(
        f"index: {tokens:,} tokens, {pages / 2**20:.1f} MiB of the store's "
        f"{everything / 2**20:.1f} MiB; load average {os.getloadavg()[0]:.1f} "
        f"on {os.cpu_count()} cores"
    )
    database.close()


if __name__ == "__main__":
    main()
