"""Benchmark: ``workstation archive split`` on a synthetic archive stack, against
``workstation digitize`` (the capture pipeline alone) on the same pages, same run.

Generates a stack of A4 pages (default 100, ``--pages 500`` for a long run):
records of 3-30 Vietnamese text pages, each behind a rendered separator sheet
(every third a plain patch-T sheet, Code 39 only, the rest ours with the
metadata QR as well), every fourth sheet skewed by up to 8 degrees, and one of
our sheets left out (its record merges into the one before, which the split
must report as a page-count mismatch from that record's sheet). Prints pages
per minute for both commands and their ratio, and the split's accuracy:
records whose page ranges are exactly right, separators found, and whether the
missing separator was reported.

Run: ``PYTHONPATH=src python bench/archive.py [--pages 100] [--dpi 300] [--jobs 2] [--no-ocr]``.
Target: split ≥ 0.9x digitize's pages per minute (detection is cheap and separator
pages skip OCR), every record's range exact, the missing separator reported.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from workstation.archive import specimens


def sizes_for(pages: int, seed: int) -> list[int]:
    """Record sizes (3-30) whose pages plus one sheet each make ``pages``."""
    rng = random.Random(seed)
    sizes: list[int] = []
    left = pages
    while left > 4:
        size = min(rng.randint(3, 30), left - 1)
        sizes.append(size)
        left -= size + 1
    sizes[-1] += left + 1  # and the page of the sheet left out
    return sizes


def run(command: list[str]) -> tuple[float, str]:
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        sys.exit(f"{command[3]} failed ({done.returncode}): {done.stderr[-2000:]}")
    return elapsed, done.stdout


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--pages", type=int, default=100)
    parser.add_argument("--dpi", type=int, default=300)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--no-ocr", action="store_true")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="archive-bench-"))
    sizes = sizes_for(args.pages, args.seed)
    missing = len(sizes) // 2
    skewed = tuple(i for i in range(len(sizes)) if i % 4 == 1 and i != missing)
    # the record before the missing sheet keeps a QR sheet: its page count tells the gap
    patch_only = tuple(
        i for i in range(len(sizes)) if i % 3 == 2 and i not in (missing - 1, missing)
    )
    started = time.perf_counter()
    stack = specimens.write_stack(
        work / "in",
        sizes,
        dpi=args.dpi,
        skewed=skewed,
        missing=(missing,),
        patch_only=patch_only,
        lines=30,
    )
    print(
        f"generated {len(stack.files)} pages at {args.dpi} dpi, {len(sizes)} records "
        f"({len(patch_only)} plain patch-T sheets, {len(skewed)} sheets skewed, "
        f"sheet of record {missing + 1} missing) in {time.perf_counter() - started:.0f} s"
    )
    base = [sys.executable, "-m", "workstation"]
    extra = ["--jobs", str(args.jobs), "--lang", "vie"] + (["--no-ocr"] if args.no_ocr else [])
    split_s, output = run(
        [*base, "archive", "split", str(work / "in"), "-o", str(work / "out"), "--json", *extra]
    )
    report = json.loads(output)
    digitize_s, _ = run(
        [*base, "digitize", *map(str, stack.files), "-o", str(work / "all.pdf"), *extra]
    )
    total = len(stack.files)
    ours, reference = total / split_s * 60, total / digitize_s * 60
    found = [(r["first_page"], r["last_page"]) for r in report["records"]]
    exact = sum(1 for span in found if span in stack.expected)
    merged = stack.expected[missing - 1]
    reported = any(
        (r["first_page"], r["last_page"]) == merged
        and any(w.startswith("page_count_mismatch") for w in r["warnings"])
        for r in report["records"]
    )
    print(f"archive split : {ours:7.1f} pages/min ({split_s:.1f} s)")
    print(f"digitize      : {reference:7.1f} pages/min ({digitize_s:.1f} s)")
    print(f"ratio split/digitize: {ours / reference:.2f}")
    print(f"records exact: {exact}/{len(stack.expected)} (found {len(found)})")
    print(f"every split right: {exact == len(stack.expected) == len(found)}")
    print(
        f"separators found: {len(report['separators'])}/{len(stack.separators)}, "
        f"exactly the sheets: {report['separators'] == stack.separators}"
    )
    print(f"missing separator reported: {reported}")
    print(f"(files kept in {work})")


if __name__ == "__main__":
    main()
