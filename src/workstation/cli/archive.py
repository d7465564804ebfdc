"""``workstation archive``: separator sheets, scan a stack from a device (resumably), split a
scanned stack into records, export."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from workstation.cli import Context, Outcome

# OpenCV, zxing-cpp and pikepdf are imported when a subcommand runs.


def register(subparsers: argparse._SubParsersAction, parent: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser(
        "archive", help="archive batches: separator sheets, split into records, BagIt export"
    )
    commands = parser.add_subparsers(dest="archive_command", metavar="ACTION", required=True)
    sheets = commands.add_parser(
        "separators", parents=[parent], help="print one separator sheet per record"
    )
    sheets.add_argument("--records", required=True, type=Path, metavar="FILE.json")
    sheets.add_argument("-o", "--output", required=True, type=Path, metavar="SHEETS.pdf")
    sheets.set_defaults(handler=run_separators)
    scan = commands.add_parser(
        "scan",
        parents=[parent],
        help="scan a stack from a device into a batch folder, each page kept as it arrives",
        description="Scan a stack of pages from a device into BATCHDIR (page-00001.png …), "
        "each page kept durably as it arrives. After a jam, an empty feeder or a crash, "
        "put back the sheets from the one after the last kept page and run again with "
        "--resume: the pages are appended. Then run archive split on BATCHDIR.",
    )
    scan.add_argument("--device", required=True, metavar="ID", help="see workstation devices")
    scan.add_argument("-o", "--output", required=True, type=Path, metavar="BATCHDIR")
    scan.add_argument("--resume", action="store_true", help="append to the pages already kept")
    scan.add_argument("--profile", default="archive-text", metavar="NAME")
    scan.add_argument("--source", choices=("flatbed", "adf", "adf-duplex"))
    scan.add_argument("--dpi", type=int, metavar="N")
    scan.add_argument("--page-size", metavar="SIZE", help="a4, a5, a3, letter, legal or max")
    size = scan.add_mutually_exclusive_group()
    size.add_argument("--pages", type=int, metavar="N", help="the stack's size, for time left")
    size.add_argument(
        "--records", type=Path, metavar="FILE.json",
        help="the stack's records file: its page counts (plus one sheet each) give the size",
    )  # fmt: skip
    scan.set_defaults(handler=run_scan)
    split = commands.add_parser(
        "split",
        parents=[parent],
        help="split a scanned stack at its separator sheets into one PDF/A per record",
    )
    split.add_argument("inputs", nargs="+", type=Path, metavar="INPUT.pdf|DIR")
    split.add_argument("-o", "--output", required=True, type=Path, metavar="OUTDIR")
    split.add_argument("--jobs", type=int, default=0, metavar="N")
    split.add_argument("--lang", help="Tesseract languages (default: the ocr_languages setting)")
    split.add_argument("--no-ocr", action="store_true", help="images only, no text layer")
    split.set_defaults(handler=run_split)
    export = commands.add_parser(
        "export",
        parents=[parent],
        help="write a split batch, with its reviewed metadata from the store, as a validated "
        "BagIt package",
    )
    export.add_argument("batch", type=Path, metavar="BATCH")
    export.add_argument("-o", "--output", required=True, type=Path, metavar="DIR")
    export.set_defaults(handler=run_export)
    store = commands.add_parser(
        "store",
        parents=[parent],
        help="store a split batch's records in the local store and queue them (resumable)",
    )
    store.add_argument("batch", type=Path, metavar="BATCH")
    store.set_defaults(handler=run_store)
    find = commands.add_parser("find", parents=[parent], help="find stored archive records")
    find.add_argument("text", nargs="?", default="", help="words of the title, codes, keywords")
    find.add_argument("--fonds")
    find.add_argument("--box", type=int)
    find.add_argument("--year", type=int)
    find.set_defaults(handler=run_find)


def run_separators(args: argparse.Namespace, context: Context) -> Outcome:
    from workstation.archive.metadata import load_records
    from workstation.archive.sheets import separator_sheets

    records = load_records(args.records)
    separator_sheets(records, args.output)
    return Outcome(
        {"sheets": len(records), "output": str(args.output)},
        f"{len(records)} separator sheets: {args.output}",
    )


def run_scan(args: argparse.Namespace, context: Context) -> Outcome:
    from dataclasses import replace

    from workstation.archive.metadata import load_records
    from workstation.archive.scanrun import FEEDER_EMPTY, ScanProgress, scan_batch, stack_size
    from workstation.config import load_settings
    from workstation.errors import BadInput, ExitCode
    from workstation.paths import user_folders
    from workstation.scan.devices import check_allowed, open_device
    from workstation.scan.devices.base import Source
    from workstation.scan.devices.profiles import profile

    chosen = profile(args.profile, user_folders().data)
    settings = chosen.settings(Source(args.source) if args.source else None, args.dpi)
    if args.page_size:
        settings = replace(settings, page_size=args.page_size)
    expected = args.pages
    if expected is not None and expected <= 0:
        raise BadInput("--pages must be above 0", code="input.invalid")
    if args.records is not None:
        expected = stack_size(load_records(args.records))
    check_allowed(args.device, load_settings().allowed_devices)
    device = open_device(args.device)

    def show(progress: ScanProgress) -> None:
        if args.json:
            return
        left = "" if progress.seconds_left is None else f", {progress.seconds_left:.0f} s left"
        of = f"/{progress.expected}" if progress.expected else ""
        print(
            f"\r{progress.kept}{of} pages kept, {progress.pages_per_minute:.0f} pages/min{left}",
            end="",
            file=sys.stderr,
        )

    try:
        outcome = scan_batch(
            device, settings, args.output, resume=args.resume, expected=expected, progress=show
        )
    finally:
        close = getattr(device, "close", None)
        if close is not None:
            close()
    if not args.json:
        print(file=sys.stderr)
    data = {**outcome.as_json(), "batch": str(args.output), "device": device.info.id}
    lines = [f"{outcome.kept} pages kept in {args.output} ({outcome.added} this run)"]
    if outcome.stopped != FEEDER_EMPTY:
        lines.append(f"stopped: {outcome.stopped}")
    if not outcome.complete:
        lines.append(
            f"put back the stack from sheet {outcome.next_sheet} and run again with --resume"
        )
    else:
        lines.append(f"next: workstation archive split {args.output} -o OUTDIR")
    lines.extend(_explain_stop(outcome.stopped, outcome.kept, outcome.next_sheet))
    failed = outcome.stopped != FEEDER_EMPTY or outcome.added == 0
    return Outcome(data, "\n".join(lines), ExitCode.EXTERNAL if failed else ExitCode.OK)


def _explain_stop(stopped: str, kept: int, next_sheet: int) -> list[str]:
    """The clerk's message for a run that stopped on the device's failure."""
    from workstation import i18n
    from workstation.archive.scanrun import FEEDER_EMPTY

    if stopped == FEEDER_EMPTY:
        return []
    return [i18n.translate("archive_scan.stopped", kept=kept, next=next_sheet)]


def _expand(inputs: list[Path]) -> list[Path]:
    from workstation.errors import BadInput

    files: list[Path] = []
    for path in inputs:
        if path.is_dir():
            found = sorted(p for p in path.iterdir() if p.is_file() and not p.name.startswith("."))
            if not found:
                raise BadInput("the input folder is empty", code="archive.input_empty")
            files.extend(found)
        else:
            files.append(path)
    return files


def run_split(args: argparse.Namespace, context: Context) -> Outcome:
    from workstation.archive.batch import Progress, split
    from workstation.config import load_settings
    from workstation.scan.pipeline import DigitizeOptions

    settings = load_settings()
    if args.lang is None:
        args.lang = settings.ocr_languages
    options = DigitizeOptions(
        language=args.lang, jobs=args.jobs, ocr=not args.no_ocr, tesseract=settings.tesseract
    )

    def show(progress: Progress) -> None:
        if args.json:
            return
        left = "?" if progress.seconds_left is None else f"{progress.seconds_left:.0f} s"
        print(
            f"\r{progress.done}/{progress.total} pages, "
            f"{progress.pages_per_minute:.0f} pages/min, {left} left",
            end="",
            file=sys.stderr,
        )

    report = split(_expand(list(args.inputs)), args.output, options, progress=show)
    lines = []
    for record in report.records:
        title = (record.metadata or {}).get("title") or "-"
        notes = "; ".join(record.warnings)
        lines.append(
            f"pages {record.first_page:>4}-{record.last_page:<4} {record.file or '-'}  "
            f"{title[:40]}  {notes}"
        )
    lines.append(
        f"{len(report.records)} records, {len(report.separators)} separators, "
        f"{report.pages} pages, {len(report.warnings)} warnings"
    )
    lines.extend(f"warning: {warning}" for warning in report.warnings)
    lines.extend(_explain(report.warnings))
    return Outcome(report.cli_json(), "\n".join(lines))


WARNING_CODES = (
    "no_separators",
    "separator_unreadable",
    "page_count_mismatch",
    "pages_before_first_separator",
    "page_unreadable",
    "possible_missed_separator",
)


def _explain(warnings: list[str]) -> list[str]:
    """The clerk's message for each kind of warning the batch has, once each."""
    from workstation import i18n

    present = [code for code in WARNING_CODES if any(code in warning for warning in warnings)]
    return [i18n.translate(f"archive.warning.{code}") for code in present]


def run_export(args: argparse.Namespace, context: Context) -> Outcome:
    from workstation.archive.export import export_batch

    services = context.services()
    result = export_batch(services.database, services.blobs, args.batch, args.output)
    return Outcome(
        result,
        f"bag with {result['records']} records ({result['reviewed']} reviewed and stored), "
        f"valid: {args.output}",
    )


def run_store(args: argparse.Namespace, context: Context) -> Outcome:
    from workstation.archive.records import store_batch

    services = context.services()
    report = store_batch(services.database, services.blobs, args.batch)
    lines = [
        f"{len(report.stored)} records stored, {len(report.already_stored)} stored before, "
        f"{len(report.refused)} refused"
    ]
    lines += [
        f"record {position}: {report.messages.get(position) or why}"
        for position, why in report.refused.items()
    ]
    return Outcome(report.as_json(), "\n".join(lines))


def run_find(args: argparse.Namespace, context: Context) -> Outcome:
    from workstation.store.archive import find_records

    with context.services().database.reading() as session:
        found = find_records(session, args.text, fonds=args.fonds, box=args.box, year=args.year)
    records = [
        {"id": r.id, "position": r.position, "pages": r.pages, "sha256": r.sha256, **r.metadata}
        for r in found
    ]
    lines = [
        f"{r['fonds']}.{r.get('catalogue') or ''}.{r['file_number']}  box {r.get('box') or '-'}  "
        f"{r['pages']} p.  {r['title'][:60]}"
        for r in records
    ]
    lines.append(f"{len(records)} records")
    return Outcome({"records": records}, "\n".join(lines))
