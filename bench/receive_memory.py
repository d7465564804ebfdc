"""Peak memory of receiving a long scan: a 150-page, 300-dpi A4 TIFF.

    PYTHONPATH=src .venv/bin/python bench/receive_memory.py [--pages 150]

Ours: ``receive_dossier`` into a fresh store (pages checked in the process
pool one at a time, the file streamed into the blob store). Reference, from
the same run on the same file: what receiving did before, reading the whole
file and decoding every frame at once with OpenCV (``cv2.imdecodemulti``) to
learn the page sizes. Each side runs in its own fresh process, so its peak
resident memory (``ru_maxrss``) is its own; the pool workers' peak is reported
apart. Target: under 300 MB for ours.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

A4_300_DPI = (2480, 3508)
TARGET_MB = 300


def make_scan(path: Path, pages: int) -> None:
    """A bilevel, CCITT G4 compressed A4 scan at 300 dpi with lines of text on every page."""
    from PIL import Image, ImageDraw, ImageFont

    font = ImageFont.load_default(size=34)
    distinct = []
    for variant in range(5):
        page = Image.new("L", A4_300_DPI, 255)
        draw = ImageDraw.Draw(page)
        title = f"CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM — trang mẫu {variant}"
        draw.text((200, 180), title, font=font)
        for line in range(70):
            y = 320 + line * 44
            text = f"{line + variant:03d} Họ và tên: Nguyễn Thị Hồng Nhung, hồ sơ số {line}"
            draw.text((200, y), text, font=font)
        distinct.append(page.convert("1"))
    frames = (distinct[n % len(distinct)] for n in range(1, pages))
    distinct[0].save(
        path, "TIFF", compression="group4", dpi=(300, 300), save_all=True, append_images=frames
    )


def peak_mb(who: int) -> float:
    return resource.getrusage(who).ru_maxrss / 1024  # Linux: kilobytes


def receive_ours(scan: Path) -> dict[str, float]:
    """Receive ``scan`` through intake into a fresh store; this process's figures."""
    home = Path(tempfile.mkdtemp(prefix="bench-receive-"))
    os.environ["WORKSTATION_HOME"] = str(home)
    from workstation.domain import Applicant
    from workstation.intake.receive import NewDossier, receive_dossier
    from workstation.services import open_services

    services = open_services()
    tracemalloc.start()
    started = time.perf_counter()
    dossier = receive_dossier(
        services.database,
        services.blobs,
        services.catalogue,
        NewDossier("1.001193", Applicant(name="Nguyễn Thị Hồng Nhung"), files=[scan]),
    )
    seconds = time.perf_counter() - started
    _, traced = tracemalloc.get_traced_memory()
    services.close()
    return {
        "pages": dossier.page_count,
        "seconds": seconds,
        "peak_mb": peak_mb(resource.RUSAGE_SELF),
        "workers_peak_mb": peak_mb(resource.RUSAGE_CHILDREN),
        "python_peak_mb": traced / 2**20,
    }


def receive_reference(scan: Path) -> dict[str, float]:
    """The previous way: the whole file in memory, every frame decoded at once."""
    import cv2
    import numpy as np

    started = time.perf_counter()
    data = scan.read_bytes()
    ok, images = cv2.imdecodemulti(np.frombuffer(data, np.uint8), cv2.IMREAD_UNCHANGED)
    assert ok
    pages = len(images)
    seconds = time.perf_counter() - started
    return {"pages": pages, "seconds": seconds, "peak_mb": peak_mb(resource.RUSAGE_SELF)}


def run_side(side: str, scan: Path) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, __file__, f"--{side}", str(scan)],
        check=True,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)},
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=150)
    parser.add_argument("--ours", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--reference", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.ours:
        print(json.dumps(receive_ours(args.ours)))
        return
    if args.reference:
        print(json.dumps(receive_reference(args.reference)))
        return

    with tempfile.TemporaryDirectory(prefix="bench-scan-") as folder:
        scan = Path(folder) / "ho-so-150-trang.tif"
        subprocess.run(
            [
                sys.executable,
                "-c",
                f"import sys; sys.path[:0] = {sys.path!r}; "
                f"from receive_memory import make_scan; from pathlib import Path; "
                f"make_scan(Path({str(scan)!r}), {args.pages})",
            ],
            check=True,
            cwd=Path(__file__).parent,
        )
        size_mb = scan.stat().st_size / 2**20
        ours = run_side("ours", scan)
        reference = run_side("reference", scan)

    print(f"file: {args.pages} pages, A4 at 300 dpi, CCITT G4 TIFF, {size_mb:.1f} MB")
    print(
        f"ours      peak RSS {ours['peak_mb']:7.0f} MB"
        f"  (pool worker {ours['workers_peak_mb']:.0f} MB,"
        f" Python objects {ours['python_peak_mb']:.0f} MB)  {ours['seconds']:.1f} s,"
        f" {ours['pages']:.0f} pages"
    )
    print(
        f"reference peak RSS {reference['peak_mb']:7.0f} MB  (every frame decoded at once)"
        f"  {reference['seconds']:.1f} s, {reference['pages']:.0f} pages"
    )
    worst = max(ours["peak_mb"], ours["workers_peak_mb"])
    print(f"reference / ours: {reference['peak_mb'] / worst:.1f}×")
    verdict = "met" if worst < TARGET_MB else "MISSED"
    print(f"target: under {TARGET_MB} MB in every process: {verdict} ({worst:.0f} MB)")


if __name__ == "__main__":
    main()
