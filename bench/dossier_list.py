"""How fast the dossier list pages through 100,000 dossiers.

    .venv/bin/python bench/dossier_list.py [--dossiers 100000]

Ours: the store's keyset pages (``list_dossiers(after=…)``, 200 rows), and the
window's ``DossierListModel`` loading them on its background thread. Reference,
from the same run on the same file:
(1) the same query paged with LIMIT/OFFSET, the usual way, and (2) Qt's own
``QSqlQueryModel`` over the same SQLite file, the reference Qt list model,
fetching its rows the way a scrolling view asks for them.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from sqlalchemy import text

from _dossiers import filled_store
from workstation.store.dossiers import PageKey, list_dossiers

PAGE = 200
LIST_SQL = (
    "SELECT d.id, d.code, d.procedure_code, a.name, d.status, d.received_at, "
    "(SELECT count(c.id) FROM components c WHERE c.dossier_id = d.id) "
    "FROM dossiers d JOIN applicants a ON d.applicant_id = a.id "
    "ORDER BY d.received_at DESC, d.id DESC"
)


def timed(fn, repeat: int = 5) -> float:
    """Median seconds of ``repeat`` runs."""
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - start)
    return statistics.median(runs)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--dossiers", type=int, default=100_000)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="bench-list-"))
    start = time.perf_counter()
    database = filled_store(folder / "store.sqlite3", args.dossiers)
    print(f"filled {args.dossiers:,} dossiers in {time.perf_counter() - start:.1f} s")

    with database.transaction() as session:
        first = timed(lambda: list_dossiers(session, limit=PAGE))
        # Walk to 90 % deep once to find the key there, then time fetching the page after it.
        key, walked = None, 0
        walk_start = time.perf_counter()
        while walked < args.dossiers * 0.9:
            rows = list_dossiers(session, after=key, limit=PAGE)
            key, walked = PageKey(rows[-1].received_at, rows[-1].id), walked + len(rows)
        walk_all = time.perf_counter() - walk_start
        deep = timed(lambda: list_dossiers(session, after=key, limit=PAGE))
        offset_first = timed(
            lambda: session.execute(text(f"{LIST_SQL} LIMIT {PAGE} OFFSET 0")).all()
        )
        offset_deep = timed(
            lambda: session.execute(text(f"{LIST_SQL} LIMIT {PAGE} OFFSET {walked}")).all()
        )

    from PySide6.QtSql import QSqlDatabase, QSqlQueryModel
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication([])
    qdb = QSqlDatabase.addDatabase("QSQLITE", "bench")
    qdb.setDatabaseName(str(database.path))
    assert qdb.open()

    def qt_first() -> None:
        model = QSqlQueryModel()
        model.setQuery(LIST_SQL, qdb)
        assert model.rowCount() > 0

    def qt_to_depth() -> None:
        model = QSqlQueryModel()
        model.setQuery(LIST_SQL, qdb)
        while model.rowCount() < walked and model.canFetchMore():
            model.fetchMore()

    qt_first_s = timed(qt_first)
    qt_walk_s = timed(qt_to_depth, repeat=1)

    from PySide6.QtCore import QEventLoop

    from workstation.config import Settings
    from workstation.domain.catalogue import Catalogue
    from workstation.services import Services
    from workstation.store import BlobStore
    from workstation.ui import background
    from workstation.ui.dossiers.dossier_list_model import DossierListModel

    services = Services(
        settings=Settings(),
        folders=None,  # type: ignore[arg-type]
        database=database,
        blobs=BlobStore(folder / "blobs"),
        catalogue=Catalogue([]),
    )

    def next_page(model: DossierListModel, start=None) -> None:
        loop = QEventLoop()
        model.page_loaded.connect(loop.quit)
        (start or model.fetchMore)()
        loop.exec()
        model.page_loaded.disconnect(loop.quit)

    def model_first() -> None:
        # Starts loading its first page at once.
        model = DossierListModel(services.database, services.catalogue)
        loop = QEventLoop()
        model.page_loaded.connect(loop.quit)
        loop.exec()
        assert model.rowCount() == PAGE

    def model_to_depth() -> None:
        model = DossierListModel(services.database, services.catalogue)
        loop = QEventLoop()
        model.page_loaded.connect(loop.quit)
        loop.exec()
        model.page_loaded.disconnect(loop.quit)
        while model.rowCount() < walked and model.canFetchMore():
            next_page(model)

    from workstation.ui.collector import garbage_collected_on_ui_thread

    with garbage_collected_on_ui_thread():  # as in the window: never collect on a worker
        ours_model_first = timed(model_first)
        ours_model_walk = timed(model_to_depth, repeat=1)
    background.shutdown()
    del app

    n = args.dossiers
    print(f"\nDossier list over {n:,} dossiers, pages of {PAGE} (median of 5 runs)")
    print(f"{'':40} {'ours (keyset)':>14} {'LIMIT/OFFSET':>14} {'QSqlQueryModel':>15}")
    print(
        f"{'first page':40} {first * 1e3:>11.1f} ms {offset_first * 1e3:>11.1f} ms "
        f"{qt_first_s * 1e3:>12.1f} ms"
    )
    print(
        f"{f'page at row {walked:,} (90 % deep)':40} {deep * 1e3:>11.1f} ms "
        f"{offset_deep * 1e3:>11.1f} ms {'':>15}"
    )
    print(
        f"{f'scroll to row {walked:,} (all pages)':40} {walk_all * 1e3:>11.0f} ms {'':>14} "
        f"{qt_walk_s * 1e3:>12.0f} ms"
    )
    print("\nThe window's list model against Qt's own model over the same file")
    print(f"{'':40} {'DossierListModel':>16} {'QSqlQueryModel':>15}")
    print(
        f"{'first page on screen (with total count)':40} {ours_model_first * 1e3:>13.1f} ms "
        f"{qt_first_s * 1e3:>12.1f} ms"
    )
    print(
        f"{f'scroll to row {walked:,}':40} {ours_model_walk * 1e3:>13.0f} ms "
        f"{qt_walk_s * 1e3:>12.0f} ms"
    )
    print(f"\nratio deep page, OFFSET / ours: {offset_deep / deep:.1f}x")
    print(f"ratio first page, QSqlQueryModel / ours: {qt_first_s / first:.2f}x")
    database.close()


if __name__ == "__main__":
    main()
