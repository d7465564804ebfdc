"""Benchmark: reading synthetic filled result forms under skew, shift, scale and noise.

For each template, N filled forms (default 20; ``--forms 50`` for the issue's
figure) are drawn with random values, distorted like a feeder scan or a phone
photo (±4° skew, ±60 px shift, 0.85–1.1 scale, slight perspective, grain), and
read. Prints field accuracy per type (exact matches; for text also the
character error rate) and time per form. Targets: every serial and digits
field exact, text CER under 2 %. The reference is a plain full-page Tesseract
run (psm 3, vie) on the same scans, timed on a subset.

Run: ``PYTHONPATH=src python bench/result_forms.py [--forms 50]``.
"""

from __future__ import annotations

import argparse
import random
import time
from collections import defaultdict

from PIL import Image

from workstation.resultforms import synthetic
from workstation.resultforms.recognise import parse_date, recognise_form
from workstation.resultforms.templates import load_template, template_names
from workstation.scan import ocr


def edit_distance(a: str, b: str) -> int:
    row = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        previous, row[0] = row[0], i
        for j, cb in enumerate(b, 1):
            previous, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, previous + (ca != cb))
    return row[-1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--forms", type=int, default=20, help="filled forms per template")
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    exact: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    text_errors = text_chars = 0
    seconds: list[float] = []
    refused = 0
    misses: list[str] = []
    reference_seconds: list[float] = []
    for name in template_names():
        template = load_template(name)
        boxes = [{"name": f.name, "box": list(f.box)} for f in template.fields]
        reference = Image.fromarray(template.reference)
        for index in range(args.forms):
            values = {f.name: synthetic.sample_value(f.type, f.name, rng) for f in template.fields}
            page = synthetic.fill(reference, boxes, values)
            scan = synthetic.distort(page, rng, perspective=0.01)
            started = time.perf_counter()
            try:
                result = recognise_form(template, scan)
            except Exception:  # counted: a refused good form is a failure of every field
                refused += 1
                for f in template.fields:
                    exact[f.type][1] += 1
                continue
            seconds.append(time.perf_counter() - started)
            for f in template.fields:
                want = parse_date(values[f.name]) if f.type == "date" else values[f.name]
                got = result.fields[f.name].value
                exact[f.type][0] += got == want
                if got != want and f.type != "text":
                    misses.append(f"{name}/{f.name}: {want!r} read {got!r}")
                exact[f.type][1] += 1
                if f.type == "text":
                    text_errors += edit_distance(got, want)
                    text_chars += len(want)
            if index < 3:
                started = time.perf_counter()
                ocr.recognise(scan, 300)
                reference_seconds.append(time.perf_counter() - started)
    total = len(template_names()) * args.forms
    print(f"forms: {total} ({args.forms} per template), refused as not the form: {refused}")
    for kind, (right, count) in sorted(exact.items()):
        print(f"  {kind:7s} fields exactly right: {right}/{count} ({right / max(1, count):.1%})")
    for miss in misses[:10]:
        print(f"    missed {miss}")
    print(f"  text character error rate: {text_errors / max(1, text_chars):.2%} (target < 2 %)")
    ours = sum(seconds) / max(1, len(seconds))
    theirs = sum(reference_seconds) / max(1, len(reference_seconds))
    print(f"time per form (align + zone OCR): {ours:.2f} s")
    print(f"reference, full-page Tesseract psm 3 on the same scans: {theirs:.2f} s per page")
    print(f"ratio ours/reference: {ours / max(1e-9, theirs):.2f}")


if __name__ == "__main__":
    main()
