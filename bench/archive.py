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

Both commands run on the same pages in the same invocation, interleaved
split, digitize, digitize, split (``--rounds`` such quartets), so a load that
rises or falls during the run weighs on both alike; the figures are each
command's pages over its total wall-clock time, and the CPU seconds per page
its processes used (``getrusage`` of the children, workers and Tesseract
included), which a machine shared with others disturbs less. The load average
is printed before and after; an untimed warm-up of both commands on three pages
comes first, so the first timed run does not alone pay for cold imports and
Tesseract's language data.

Run: ``PYTHONPATH=src python bench/archive.py [--pages 100] [--dpi 300] [--jobs 2] [--no-ocr]
[--rounds 1]``.
Target (issue 11): throughput no lower than the capture pipeline's own, split ≥ 1.0x
digitize's pages per minute (separator pages skip clean-up and OCR, which pays for the
barcode reading on every page), every record's range exact, the missing separator reported.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
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


def layout(sizes: list[int], missing: int) -> tuple[list[tuple[int, int]], list[int]]:
    """What a perfect split of the stack finds: each record's pages (1-based, inclusive) and
    the separator pages, as :func:`specimens.write_stack` lays them out."""
    expected: list[tuple[int, int]] = []
    separators: list[int] = []
    page = 0
    for index, size in enumerate(sizes):
        if index != missing:
            page += 1
            separators.append(page)
        first, page = page + 1, page + size
        if index == missing and expected:
            expected[-1] = (expected[-1][0], page)
        else:
            expected.append((first, page))
    return expected, separators


TARGET = 1.0
"""The split's pages per minute over digitize's, at least (issue 11: "no lower than")."""


def run(command: list[str]) -> tuple[float, float, str]:
    """Run ``command``: its wall-clock seconds, the CPU seconds it and its children used,
    and its output."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        sys.exit(f"{command[3]} failed ({done.returncode}): {done.stderr[-2000:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return elapsed, cpu, done.stdout


def load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f} {five:.2f} {fifteen:.2f} on {os.cpu_count()} cores"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--pages", type=int, default=100)
    parser.add_argument("--dpi", type=int, default=300)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--no-ocr", action="store_true")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--rounds", type=int, default=1, help="split-digitize-digitize-split runs")
    parser.add_argument(
        "--stack",
        type=Path,
        help="folder of the generated pages: reused when it holds them (same --pages, --dpi "
        "and --seed), else generated there (500 pages at 300 dpi take 15 min on a busy machine)",
    )
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="archive-bench-"))
    pages_dir = args.stack or work / "in"
    sizes = sizes_for(args.pages, args.seed)
    missing = len(sizes) // 2
    skewed = tuple(i for i in range(len(sizes)) if i % 4 == 1 and i != missing)
    # the record before the missing sheet keeps a QR sheet: its page count tells the gap
    patch_only = tuple(
        i for i in range(len(sizes)) if i % 3 == 2 and i not in (missing - 1, missing)
    )
    expected, separators = layout(sizes, missing)
    started = time.perf_counter()
    files = sorted(pages_dir.glob("page-*.png")) if pages_dir.is_dir() else []
    made = "reused"
    if len(files) != args.pages:
        stack = specimens.write_stack(
            pages_dir,
            sizes,
            dpi=args.dpi,
            skewed=skewed,
            missing=(missing,),
            patch_only=patch_only,
            lines=30,
        )
        assert (stack.expected, stack.separators) == (expected, separators)
        files, made = stack.files, "generated"
    print(
        f"{made} {len(files)} pages at {args.dpi} dpi, {len(sizes)} records "
        f"({len(patch_only)} plain patch-T sheets, {len(skewed)} sheets skewed, "
        f"sheet of record {missing + 1} missing) in {time.perf_counter() - started:.0f} s"
    )
    base = [sys.executable, "-m", "workstation"]
    extra = ["--jobs", str(args.jobs), "--lang", "vie"] + (["--no-ocr"] if args.no_ocr else [])
    # untimed: both commands once on a few pages, so that the first timed run does not
    # alone pay for cold imports and for Tesseract's language data read from disk
    few = [str(f) for f in files[:3]]
    run([*base, "archive", "split", *few, "-o", str(work / "warm"), "--json", *extra])
    run([*base, "digitize", *few, "-o", str(work / "warm.pdf"), *extra])
    print(f"before: {load()}")
    wall = {"split": 0.0, "digitize": 0.0}
    cpu = {"split": 0.0, "digitize": 0.0}
    reports = []
    order = ["split", "digitize", "digitize", "split"] * args.rounds
    for number, command in enumerate(order):
        if command == "split":
            out = work / f"out-{number}"
            seconds, used, output = run(
                [*base, "archive", "split", str(pages_dir), "-o", str(out), "--json", *extra]
            )
            reports.append(json.loads(output))
        else:
            pdf = work / f"all-{number}.pdf"
            seconds, used, _ = run([*base, "digitize", *map(str, files), "-o", str(pdf), *extra])
        wall[command] += seconds
        cpu[command] += used
        print(
            f"  run {number + 1}/{len(order)} {command:8}: {seconds:6.1f} s wall, {used:6.1f} s CPU"
        )
    print(f"after: {load()}")
    report = reports[0]
    total = len(files)
    runs = 2 * args.rounds
    ours, reference = total * runs / wall["split"] * 60, total * runs / wall["digitize"] * 60
    ours_cpu, reference_cpu = cpu["split"] / total / runs, cpu["digitize"] / total / runs
    found = [(r["first_page"], r["last_page"]) for r in report["records"]]
    exact = sum(1 for span in found if span in expected)
    merged = expected[missing - 1]
    reported = any(
        (r["first_page"], r["last_page"]) == merged
        and any(w.startswith("page_count_mismatch") for w in r["warnings"])
        for r in report["records"]
    )
    ratio = ours / reference
    print(f"archive split : {ours:7.1f} pages/min, {ours_cpu:5.2f} CPU s/page")
    print(f"digitize      : {reference:7.1f} pages/min, {reference_cpu:5.2f} CPU s/page")
    print(f"ratio split/digitize: {ratio:.2f} pages/min, {reference_cpu / ours_cpu:.2f} by CPU")
    print(f"target split >= {TARGET:.1f}x digitize: {'PASS' if ratio >= TARGET else 'FAIL'}")
    same = all(r["records"] == report["records"] for r in reports)
    print(f"every split run the same records: {same}")
    print(f"records exact: {exact}/{len(expected)} (found {len(found)})")
    print(f"every split right: {exact == len(expected) == len(found)}")
    print(
        f"separators found: {len(report['separators'])}/{len(separators)}, "
        f"exactly the sheets: {report['separators'] == separators}"
    )
    print(f"missing separator reported: {reported}")
    print(f"(files kept in {work})")


if __name__ == "__main__":
    main()
