"""What encryption at rest costs: receiving dossiers, and the first page of the dossier list.

    PYTHONPATH=src .venv/bin/python bench/encryption.py [--dossiers 40] [--listed 100000]

Ours: the sealing codec (AES-256-GCM values and segmented files, keyed blob
names, sealed content hashes). Reference, from the same run: the plain codec
(what a store with encryption off does). Receiving: ``receive_dossier`` of a
distinct one-page scan per dossier into a fresh store each side, alternating
plain and sealed so load on the machine falls on both alike; target at most
10 % slower. Listing: ``list_dossiers`` first page (200 rows) over a store of
``--listed`` dossiers filled under each codec; target under 16.7 ms (one frame).
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path

from _dossiers import filled_store
from workstation.domain import Applicant, ApplicantType
from workstation.domain.catalogue import load_catalogue
from workstation.intake.receive import NewDossier, receive_dossier
from workstation.paths import resources_dir
from workstation.store import BlobStore, open_database, protection
from workstation.store.dossiers import list_dossiers
from workstation.store.sealing import SealingCodec, key_id_of

RECEIVE_TARGET = 1.10
FRAME_MS = 16.7


def sealing_codec() -> SealingCodec:
    key = os.urandom(32)
    return SealingCodec({key_id_of(key): key}, key_id_of(key))


def distinct_pages(folder: Path, count: int) -> list[Path]:
    """``count`` copies of the sample form, each with one pixel changed (distinct content)."""
    from PIL import Image

    sample = Image.open(resources_dir() / "samples" / "to-khai-khai-sinh.png")
    pages = []
    for n in range(count):
        page = sample.copy()
        page.putpixel((n % page.width, 0), 0)
        path = folder / f"page-{n}.png"
        page.save(path)
        pages.append(path)
    return pages


def catalogue_path() -> Path:
    from workstation.config import Settings

    return Settings().catalogue_path()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--dossiers", type=int, default=40)
    parser.add_argument("--listed", type=int, default=100_000)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="bench-encryption-"))
    pages = distinct_pages(folder, args.dossiers)
    catalogue = load_catalogue(catalogue_path())
    codecs = {"plain": protection.PlainCodec(), "sealed": sealing_codec()}
    stores = {
        name: (open_database(folder / name / "store.sqlite3"), BlobStore(folder / name / "blobs"))
        for name in codecs
    }
    times: dict[str, list[float]] = {name: [] for name in codecs}
    for page in pages:
        for name, codec in codecs.items():
            protection.install_codec(codec)
            database, blobs = stores[name]
            request = NewDossier(
                procedure_code="1.001193",
                applicant=Applicant(
                    name="Nguyễn Thị Hồng Nhung",
                    type=ApplicantType.CITIZEN,
                    id_number="089202017098",
                    address="Số 12 ngõ Hòe Nhai, phường Ba Đình",
                    phone="0912345678",
                ),
                files=[page],
            )
            start = time.perf_counter()
            receive_dossier(database, blobs, catalogue, request)
            times[name].append(time.perf_counter() - start)
    receive_ms = {name: statistics.median(t) * 1000 for name, t in times.items()}
    for database, _ in stores.values():
        database.close()

    list_ms = {}
    for name, codec in codecs.items():
        protection.install_codec(codec)  # the bulk fill seals names through it too
        database = filled_store(folder / f"list-{name}.sqlite3", args.listed)
        runs = []
        with database.reading() as session:
            list_dossiers(session, limit=200)  # warm the page cache, as a window does
            for _ in range(15):
                start = time.perf_counter()
                rows = list_dossiers(session, limit=200)
                runs.append(time.perf_counter() - start)
            assert len(rows) == 200 and rows[0].applicant_name
        list_ms[name] = statistics.median(runs) * 1000
        database.close()
    protection.install_codec(protection.PlainCodec())

    ratio = receive_ms["sealed"] / receive_ms["plain"]
    print(f"receive, median of {args.dossiers} one-page dossiers:")
    print(f"  sealed (ours)      {receive_ms['sealed']:8.1f} ms/dossier")
    print(f"  plain (reference)  {receive_ms['plain']:8.1f} ms/dossier")
    print(f"  ratio              {ratio:8.3f}  (target <= {RECEIVE_TARGET:.2f})")
    list_ratio = list_ms["sealed"] / list_ms["plain"]
    print(f"dossier list, first page of 200 over {args.listed:,} dossiers:")
    print(f"  sealed (ours)      {list_ms['sealed']:8.2f} ms  (target < {FRAME_MS} ms)")
    print(f"  plain (reference)  {list_ms['plain']:8.2f} ms")
    print(f"  ratio              {list_ratio:8.3f}")


if __name__ == "__main__":
    main()
