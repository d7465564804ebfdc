"""Benchmark: ``workstation digitize`` against OCRmyPDF on the same generated pages, same run.

Generates A4 300-dpi pages of Vietnamese text with known words (some skewed,
some noisy, every seventh upside down, every fifth with a red seal), then runs

- ours: ``workstation digitize --colour auto --jobs J`` (black-and-white except
  sealed pages, which stay colour);
- ``ocrmypdf -l vie --jobs J --output-type pdfa`` (the reference for speed and size);
- ``ocrmypdf -l vie --jobs J --output-type pdfa --deskew --rotate-pages`` (for accuracy);

and prints pages per minute, bytes per page (black-and-white and colour pages
apart), character error rate (CER) for each, and the ratios. It also times
clean-up alone (one process, page after page) and re-reads our stored page
images with OCR to show compression lost no accuracy.

Run: ``PYTHONPATH=src python bench/digitize.py [--pages 20] [--jobs 2] [--keep DIR]``
(``--clean-only`` times clean-up alone, ours beside OCRmyPDF's deskew step).
Targets: throughput ≥ 1.5× OCRmyPDF's at a CER no worse than OCRmyPDF with
--deskew --rotate-pages; ≤ 60 KB per black-and-white text page, ≤ 150 KB per
colour page; clean-up ≤ 0.3 s per page.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import unicodedata
from pathlib import Path

import numpy as np

from workstation.scan import specimens
from workstation.scan.clean import clean_page
from workstation.scan.ocr import binarise


def make_pages(count: int, folder: Path) -> tuple[list[Path], list[str], list[bool]]:
    """Write ``count`` PNG pages; return their paths, true texts and which carry a seal."""
    from PIL import Image

    paths, truths, sealed = [], [], []
    for n in range(count):
        page = specimens.text_page(100 + n, lines=30)
        if n % 4 == 1:
            page = specimens.skew(page, (-1) ** n * (1.0 + n % 3))
        if n % 3 == 0:
            page = specimens.add_noise(page, amount=14, seed=n)
        if n % 7 == 6:
            page = specimens.Specimen(np.ascontiguousarray(page.image[::-1, ::-1]), 300, page.lines)
        has_seal = n % 5 == 4
        if has_seal:
            page = specimens.add_seal(page)
        path = folder / f"page-{n:03d}.png"
        Image.fromarray(page.image).save(path, dpi=(300, 300), compress_level=1)
        paths.append(path)
        truths.append(page.text)
        sealed.append(has_seal)
    return paths, truths, sealed


def levenshtein(a: str, b: str) -> int:
    """Edit distance, one NumPy row at a time (fast enough for whole pages)."""
    if not a:
        return len(b)
    codes_b = np.frombuffer(b.encode("utf-32-le"), dtype=np.uint32)
    ramp = np.arange(len(b) + 1)
    previous = ramp.copy()
    for i, char in enumerate(a, start=1):
        substitute = previous[:-1] + (codes_b != ord(char))
        candidate = np.empty_like(previous)
        candidate[0] = i
        candidate[1:] = np.minimum(substitute, previous[1:] + 1)
        previous = np.minimum.accumulate(candidate - ramp) + ramp
    return int(previous[-1])


def normalise(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split())


def page_texts(pdf: Path, count: int) -> list[str]:
    texts = []
    for n in range(1, count + 1):
        done = subprocess.run(
            ["pdftotext", "-f", str(n), "-l", str(n), str(pdf), "-"],
            capture_output=True,
            text=True,
            check=True,
        )
        texts.append(done.stdout)
    return texts


def cer(pdf: Path, truths: list[str]) -> float:
    errors = total = 0
    for got, truth in zip(page_texts(pdf, len(truths)), truths, strict=True):
        truth = normalise(truth)
        errors += levenshtein(normalise(got), truth)
        total += len(truth)
    return errors / max(total, 1)


def image_bytes_per_page(pdf: Path) -> list[int]:
    import pikepdf

    sizes = []
    with pikepdf.open(pdf) as document:
        for page in document.pages:
            total = 0
            for _, image in page.Resources.get("/XObject", {}).items():
                if image.get("/Subtype") == "/Image":
                    total += len(image.read_raw_bytes())
            sizes.append(total)
    return sizes


def timed(command: list[str], env: dict[str, str]) -> tuple[float, float, str]:
    """Wall seconds, processor seconds (the command and all it started) and its output.

    Processor time stays fair when other work shares the machine; wall time does not.
    """
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
    elapsed = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        sys.exit(f"{command[0]} failed ({done.returncode}): {done.stderr[-2000:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return elapsed, cpu, done.stdout


def split_sizes(sizes: list[int], sealed: list[bool]) -> tuple[float, float]:
    bw = [s for s, c in zip(sizes, sealed, strict=True) if not c]
    colour = [s for s, c in zip(sizes, sealed, strict=True) if c]
    return (
        statistics.mean(bw) / 1024 if bw else 0.0,
        statistics.mean(colour) / 1024 if colour else 0.0,
    )


def time_clean_up(paths: list[Path], env: dict[str, str]) -> tuple[list[float], list[float]]:
    """Wall and CPU seconds per page of our clean-up (one process, page after page, no
    orientation detection) and of OCRmyPDF's ``--deskew`` step on the same pages, this run.

    OCRmyPDF deskews by asking Tesseract for the angle (``--psm 2``) and turning
    the page with Pillow; its own functions are called here, as its pipeline does.
    Returns ``([ours wall, ours CPU], [reference wall, reference CPU])`` lists
    of per-page figures; CPU time counts Tesseract's child process too.
    """
    from ocrmypdf._exec.tesseract import get_deskew
    from PIL import Image, ImageColor

    def cpu() -> float:
        children = resource.getrusage(resource.RUSAGE_CHILDREN)
        return time.process_time() + children.ru_utime + children.ru_stime

    os.environ["OMP_THREAD_LIMIT"] = env["OMP_THREAD_LIMIT"]
    ours: list[tuple[float, float]] = []
    reference: list[tuple[float, float]] = []
    for path in paths:
        with Image.open(path) as image:
            rgb = np.asarray(image.convert("RGB"))
        started, used = time.perf_counter(), cpu()
        page = clean_page(rgb, 300)
        binarise(page.image)
        ours.append((time.perf_counter() - started, cpu() - used))
        started, used = time.perf_counter(), cpu()
        angle = get_deskew(path, ["vie"], None, 60.0, 1)
        with Image.open(path) as image:
            image.rotate(
                angle, resample=Image.Resampling.BICUBIC,
                fillcolor=ImageColor.getcolor("white", mode=image.mode),
            ).save(path.with_suffix(".deskewed.png"), dpi=(300, 300))  # fmt: skip
        reference.append((time.perf_counter() - started, cpu() - used))
        path.with_suffix(".deskewed.png").unlink()
    return ours, reference  # type: ignore[return-value]


def print_clean_up(ours: list, reference: list) -> None:  # type: ignore[type-arg]
    def figures(rows: list[tuple[float, float]]) -> str:
        wall = [w for w, _ in rows]
        used = statistics.mean(c for _, c in rows)
        return f"{statistics.mean(wall):.3f} s/page (max {max(wall):.3f}), CPU {used:.3f} s/page"

    ratio = statistics.mean(w for w, _ in ours) / statistics.mean(w for w, _ in reference)
    print(
        f"\nclean-up per page (deskew, crop, blank, quality, colour, cheap orientation; "
        f"no orientation detection), one process, load average {os.getloadavg()[0]:.1f} "
        f"on {os.cpu_count()} cores:\n"
        f"  ours:               {figures(ours)}   target ≤ 0.3 s\n"
        f"  ocrmypdf --deskew:  {figures(reference)}   (Tesseract --psm 2 + Pillow rotate)\n"
        f"  ratio ours / ocrmypdf (wall): {ratio:.2f}",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=20)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--keep", type=Path, help="keep the pages and PDFs in this folder")
    parser.add_argument("--no-reocr", action="store_true", help="skip re-reading our output")
    parser.add_argument("--clean-only", action="store_true", help="time clean-up alone, then stop")
    args = parser.parse_args()
    if not shutil.which("ocrmypdf") and not (Path(sys.executable).parent / "ocrmypdf").exists():
        sys.exit("ocrmypdf is not installed (pip install -e '.[dev]')")
    ocrmypdf = str(Path(sys.executable).parent / "ocrmypdf")
    folder = args.keep or Path(tempfile.mkdtemp(prefix="bench-digitize-"))
    folder.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ, OMP_THREAD_LIMIT="1")
    env["PYTHONPATH"] = os.pathsep.join(
        [str(Path(__file__).resolve().parents[1] / "src"), env.get("PYTHONPATH", "")]
    )

    print(f"generating {args.pages} A4 300-dpi pages in {folder} …", flush=True)
    paths, truths, sealed = make_pages(args.pages, folder)
    import img2pdf

    source_pdf = folder / "input.pdf"
    source_pdf.write_bytes(img2pdf.convert([str(p) for p in paths]))

    clean_s, reference_clean_s = time_clean_up(paths, env)
    print_clean_up(clean_s, reference_clean_s)
    if args.clean_only:
        if not args.keep:
            shutil.rmtree(folder, ignore_errors=True)
        return

    ours_pdf = folder / "ours.pdf"
    ours_s, ours_cpu, printed = timed(
        [sys.executable, "-m", "workstation", "digitize", *map(str, paths), "-o", str(ours_pdf),
         "--colour", "auto", "--jobs", str(args.jobs), "--json"],
        env,
    )  # fmt: skip
    report = json.loads(printed)
    plain_pdf = folder / "ocrmypdf.pdf"
    plain_s, plain_cpu, _ = timed(
        [ocrmypdf, "-l", "vie", "--jobs", str(args.jobs), "--output-type", "pdfa", "-q",
         str(source_pdf), str(plain_pdf)],
        env,
    )  # fmt: skip
    fixed_pdf = folder / "ocrmypdf-deskew.pdf"
    fixed_s, fixed_cpu, _ = timed(
        [ocrmypdf, "-l", "vie", "--jobs", str(args.jobs), "--output-type", "pdfa", "-q",
         "--deskew", "--rotate-pages", str(source_pdf), str(fixed_pdf)],
        env,
    )  # fmt: skip

    n = args.pages
    rows = []
    for name, pdf, seconds, cpu in (
        ("workstation digitize --colour auto", ours_pdf, ours_s, ours_cpu),
        ("ocrmypdf --output-type pdfa", plain_pdf, plain_s, plain_cpu),
        ("ocrmypdf --deskew --rotate-pages", fixed_pdf, fixed_s, fixed_cpu),
    ):
        bw_kb, colour_kb = split_sizes(image_bytes_per_page(pdf), sealed)
        per_page = pdf.stat().st_size / n / 1024
        rows.append((name, n / seconds * 60, bw_kb, colour_kb, per_page, cer(pdf, truths), cpu / n))

    print(f"\n{n} pages, {args.jobs} jobs, {os.cpu_count()} cores")
    header = f"{'KB b/w':>9}{'KB col':>9}{'KB/page':>9}{'CER %':>8}{'CPU s/page':>11}"
    print(f"{'tool':<38}{'pages/min':>10}{header}")
    for name, ppm, bw_kb, colour_kb, per_page, error, cpu in rows:
        sizes = f"{bw_kb:>9.1f}{colour_kb:>9.1f}{per_page:>9.1f}"
        print(f"{name:<38}{ppm:>10.1f}{sizes}{error * 100:>8.2f}{cpu:>11.2f}")
    ours, plain, fixed = rows
    print("\nratios (ours / reference):")
    print(f"  throughput vs ocrmypdf:            {ours[1] / plain[1]:.2f}× (target ≥ 1.5)")
    print(f"  throughput vs ocrmypdf --deskew:   {ours[1] / fixed[1]:.2f}×")
    print(
        f"  CPU per page vs ocrmypdf:          {ours[6] / plain[6]:.2f}"
        f" (ocrmypdf needs {plain[6] / ours[6]:.2f}× ours)"
    )
    print(f"  CER vs ocrmypdf --deskew --rotate: {ours[5] / max(fixed[5], 1e-9):.2f} (target ≤ 1)")
    print(f"  bytes per b/w page vs ocrmypdf:    {ours[2] / max(plain[2], 1e-9):.2f}")
    print(f"  bytes per colour page vs ocrmypdf: {ours[3] / max(plain[3], 1e-9):.2f}")
    pages = report["pages"]
    in_pipeline = statistics.mean(p["ms"]["clean"] for p in pages) / 1000
    print_clean_up(clean_s, reference_clean_s)
    print(f"  ours inside the {args.jobs}-worker run: {in_pipeline:.3f} s/page")
    print(f"targets: b/w ≤ 60 KB (ours {ours[2]:.1f}), colour ≤ 150 KB (ours {ours[3]:.1f})")
    if not args.no_reocr:
        again = folder / "ours-reocr.pdf"
        timed(
            [sys.executable, "-m", "workstation", "digitize", str(ours_pdf), "-o", str(again),
             "--colour", "auto", "--jobs", str(args.jobs)],
            env,
        )  # fmt: skip
        print(f"re-OCR of our stored page images: CER {cer(again, truths) * 100:.2f} %")
    if not args.keep:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
