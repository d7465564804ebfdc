"""``workstation scan``: capture from a device, clean, OCR and write one searchable PDF/A.

Pages go from the device into a batch folder under the data folder
(``capture/<batch>``) and into the digitising pipeline as they arrive; the
report is the same as ``workstation digitize``'s. With ``--dossier`` and
``--component`` the PDF is then added to that component of the dossier
through intake's path. If the batch fails (a jam, the scanner gone), the
pages already captured stay in the batch folder. A PDF with a text layer or a
signature, given with ``--device files``, is kept byte for byte and its
signatures checked.
"""

from __future__ import annotations

import argparse
import logging
import shutil
import uuid
from pathlib import Path

from workstation.cli import Context, Outcome
from workstation.cli.digitize import COLOUR_HELP, _jobs, report_lines
from workstation.errors import BadInput
from workstation.scan.policy import CHOICES

log = logging.getLogger(__name__)


def register(subparsers: argparse._SubParsersAction, parent: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser(
        "scan",
        parents=[parent],
        help="scan from a device into one searchable PDF/A (and into a dossier)",
        description="Scan a batch from a device (see `workstation devices`), clean the pages, "
        "recognise the text and write one searchable PDF/A-2b; optionally add it to a "
        "component of a dossier.",
    )
    parser.add_argument("--device", metavar="ID", help="device id (default: the profile's)")
    parser.add_argument("--profile", default="component", metavar="NAME")
    parser.add_argument("--source", choices=("flatbed", "adf", "adf-duplex"))
    parser.add_argument("--dpi", type=int, metavar="N")
    parser.add_argument("--page-size", metavar="SIZE", help="a4, a5, a3, letter, legal or max")
    parser.add_argument("--file", dest="files", type=Path, action="append", default=[],
                        metavar="PATH", help="for --device files: a file to import")  # fmt: skip
    parser.add_argument("-o", "--output", required=True, type=Path, metavar="OUT.pdf|DIR")
    parser.add_argument(
        "--colour",
        "--color",
        dest="colour",
        choices=CHOICES,
        help=f"{COLOUR_HELP}; default: the profile's",
    )
    parser.add_argument("--lang", help="Tesseract languages (default: the ocr_languages setting)")
    parser.add_argument("--jobs", type=_jobs, default=0, metavar="N")
    parser.add_argument("--no-ocr", action="store_true", help="images only, no text layer")
    parser.add_argument("--title")
    parser.add_argument("--dossier", metavar="REF", help="add the PDF to this dossier")
    parser.add_argument("--component", metavar="CODE", help="the dossier's component")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace, context: Context) -> Outcome:
    from dataclasses import replace

    from workstation.config import load_settings
    from workstation.paths import user_folders
    from workstation.scan.devices import check_allowed, open_device
    from workstation.scan.devices.base import Source
    from workstation.scan.devices.profiles import profile
    from workstation.scan.pdf import DocumentInfo
    from workstation.scan.pipeline import DigitizeOptions

    if bool(args.dossier) != bool(args.component):
        raise BadInput(
            "--dossier and --component go together", code="input.invalid"
        )  # fmt: skip
    data = user_folders().data
    chosen = profile(args.profile, data)
    device_id = args.device or chosen.device
    if not device_id:
        raise BadInput("give --device (see workstation devices)", code="input.invalid")
    settings = chosen.settings(Source(args.source) if args.source else None, args.dpi)
    if args.page_size:
        settings = replace(settings, page_size=args.page_size)
    check_allowed(device_id, load_settings().allowed_devices)
    device = open_device(device_id, files=args.files)
    output = args.output
    if output.suffix.lower() != ".pdf":
        output.mkdir(parents=True, exist_ok=True)
        output = output / f"scan-{uuid.uuid4().hex[:8]}.pdf"
    batch = data / "capture" / uuid.uuid4().hex
    configured = load_settings()
    language = args.lang or configured.ocr_languages
    options = DigitizeOptions(
        language=language,
        tesseract=configured.tesseract,
        jobs=args.jobs,
        colour=args.colour or chosen.colour,
        purpose=chosen.purpose,
        ocr=not args.no_ocr,
        deskew=chosen.deskew,
        blank_threshold=chosen.blank_threshold,
    )
    info = DocumentInfo(
        title=args.title or output.stem, dossier_code=args.dossier or "",
        component=args.component or "",
    )  # fmt: skip
    try:
        data_out, text = _capture(device, settings, batch, output, options, info)
    except BaseException:
        if _encrypted(context):  # plain pages are kept only while the capture runs
            shutil.rmtree(batch, ignore_errors=True)
        raise  # (encryption off: a batch a device broke off stays for the officer)
    finally:
        close = getattr(device, "close", None)
        if close is not None:
            close()
    shutil.rmtree(batch, ignore_errors=True)
    data_out["device"] = device.info.id
    if args.dossier:
        from workstation.intake.attach import attach_document

        services = context.services()
        document = attach_document(
            services.database, services.blobs, args.dossier, args.component, output,
            None if "kept" in data_out else data_out,
        )  # fmt: skip
        data_out["document_id"] = document.id
        text += f"\nadded to dossier {args.dossier}, component {args.component}"
    return Outcome(data_out, text)


def _encrypted(context: Context) -> bool:
    """Whether the store has encryption on (a store that cannot be opened counts as on)."""
    from workstation.errors import WorkstationError
    from workstation.store import sealed_files

    try:
        context.services()
    except WorkstationError:
        return True
    return sealed_files.sealing()


def _capture(device, settings, batch, output, options, info):  # type: ignore[no-untyped-def]
    """Scan into ``batch`` and digitise as pages arrive (or keep a PDF as it is)."""
    from workstation.scan.pipeline import digitize_arriving

    pages = device.scan(settings, batch)
    first = next(pages, None)
    if first is None:
        raise BadInput("the device gave no page", code="device.no_pages")
    data_out: dict[str, object]
    if first.kept:
        if next(pages, None) is not None:
            raise BadInput("a kept PDF cannot be merged", code="device.pdf_kept")
        data_out, text = _keep(first.path, output)
    else:

        def arriving():  # type: ignore[no-untyped-def]
            yield first.path
            for page in pages:
                if page.kept:
                    raise BadInput("a kept PDF cannot be merged", code="device.pdf_kept")
                yield page.path

        report = digitize_arriving(arriving(), output, options, info)
        data_out, text = report.as_json(), "\n".join(report_lines(report))
    return data_out, text


def _keep(source: Path, output: Path) -> tuple[dict[str, object], str]:
    """Copy a PDF with text or signatures byte for byte; report its signatures."""
    from workstation.scan.devices.files import pdf_nature

    nature = pdf_nature(source)
    shutil.copyfile(source, output)
    signatures = [s.as_json() for s in nature.signatures]
    data: dict[str, object] = {
        "kept": True,
        "text_layer": nature.text_layer,
        "signatures": signatures,
        "output": str(output),
        "bytes": output.stat().st_size,
        "pages": [],
    }
    verdicts = ", ".join(s["verdict"] for s in signatures) or "no signature"
    return data, f"kept as it is (text layer or signature; {verdicts}): {output}"
