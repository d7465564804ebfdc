"""``workstation digitize``: scanned pages (images or PDFs of scans) into one searchable PDF/A."""

from __future__ import annotations

import argparse
from pathlib import Path

from workstation.cli import Context, Outcome
from workstation.errors import BadInput
from workstation.scan.policy import CHOICES

# The pipeline (OpenCV, NumPy, pikepdf) is imported when the command runs: every
# command builds this parser, and most never digitize anything.


COLOUR_HELP = (
    "policy: follow the purpose's colour policy (default); color: every page in colour; "
    "gray: grey; auto: black-and-white except pages with a seal, signature, photo or "
    "handwriting (those stay colour in every mode)"
)


def register(subparsers: argparse._SubParsersAction, parent: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser(
        "digitize",
        parents=[parent],
        help="clean, OCR and write scanned pages as one searchable PDF/A",
        description="Clean (deskew, crop, flag blank and poor pages), recognise Vietnamese "
        "text and write one searchable PDF/A-2b. Inputs: PNG, JPEG, TIFF (multi-page) and "
        "PDFs of bare scans.",
    )
    parser.add_argument("inputs", nargs="+", type=Path, metavar="INPUT", help="scanned files")
    parser.add_argument("-o", "--output", required=True, type=Path, metavar="OUT.pdf")
    parser.add_argument(
        "--lang",
        help="Tesseract languages, e.g. vie or vie+eng (default: the ocr_languages setting)",
    )
    parser.add_argument(
        "--jobs",
        type=_jobs,
        default=0,
        metavar="N",
        help="worker processes (default: one per core)",
    )
    parser.add_argument(
        "--colour", "--color", dest="colour", choices=CHOICES, default="policy", help=COLOUR_HELP
    )
    parser.add_argument(
        "--purpose",
        help="colour policy to follow (resources/capture/colour-policies.json; default: component)",
    )
    parser.add_argument("--title", help="document title (default: the output's name)")
    parser.add_argument("--dossier-code", default="", metavar="CODE")
    parser.add_argument("--component", default="", metavar="CODE")
    parser.add_argument("--no-ocr", action="store_true", help="images only, no text layer")
    parser.set_defaults(handler=run)


def _jobs(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError("must be a whole number") from None
    if not 1 <= value <= 64:
        raise argparse.ArgumentTypeError("must be between 1 and 64")
    return value


def run(args: argparse.Namespace, context: Context) -> Outcome:
    from workstation.config import load_settings
    from workstation.scan.ocr import languages
    from workstation.scan.pdf import DocumentInfo
    from workstation.scan.pipeline import DigitizeOptions, digitize

    settings = load_settings()
    if args.lang is None:
        args.lang = settings.ocr_languages
    if not args.no_ocr:
        known = set(languages(settings.tesseract))
        missing = [code for code in args.lang.split("+") if code not in known]
        if missing:
            raise BadInput(
                f"Tesseract has no language {'+'.join(missing)} "
                "(Debian: apt install tesseract-ocr-vie)",
                code="capture.language_missing",
                language="+".join(missing),
            )
    options = DigitizeOptions(
        language=args.lang,
        jobs=args.jobs,
        colour=args.colour,
        purpose=args.purpose,
        ocr=not args.no_ocr,
        tesseract=settings.tesseract,
    )
    info = DocumentInfo(
        title=args.title or args.output.stem,
        dossier_code=args.dossier_code,
        component=args.component,
    )
    report = digitize(list(args.inputs), args.output, options, info)
    return Outcome(report.as_json(), "\n".join(report_lines(report)))


def report_lines(report) -> list[str]:  # type: ignore[no-untyped-def]
    """The page report people read (``digitize`` and ``scan`` print the same)."""
    lines = [f"{'page':>4}  {'skew':>6}  {'mode':<6} {'conf':>5} {'KB':>6}  notes"]
    for page in report.pages:
        notes = ", ".join(page.warnings + page.colour_content)
        confidence = "-" if page.ocr_confidence is None else f"{page.ocr_confidence:.0f}"
        lines.append(
            f"{page.index + 1:>4}  {page.skew_deg:>6.2f}  {page.colour:<6} {confidence:>5} "
            f"{page.bytes / 1024:>6.0f}  {notes}"
        )
    lines.append(f"{len(report.pages)} pages, {report.bytes / 1024:.0f} KB: {report.output}")
    return lines
