"""``workstation demo``: the headless end-to-end demonstration.

Runs every capability that has landed, in its own folder (never the officer's
real store), and says where its outputs are. Today: open a fresh store,
receive three dossiers with the bundled sample page and PDF (each gets its
dossier code, due date and fees, as at the counter), scan the demo feeder's
sample pages into a searchable PDF/A added to a component of the first
(:func:`digitise_into_dossier`), list them, show what
waits in the outbox, and sign the sample PDF on the demo token
(``workstation.sign.demo_token``, made on first use in the demo's data folder),
then send the outbox to a local reference central server started for the run
(``central/`` in the demo folder) and show that every dossier arrived.
``workstation dossier import resources/examples/dossiers.json`` adds the 26
example dossiers to a demo folder the same way.

The folder has the layout of a workstation home (``config/``, ``data/``,
``logs/``), so ``WORKSTATION_HOME=<folder> workstation`` opens the window on
the demo's sample data; ``./dev.sh run`` does exactly that.
"""

from __future__ import annotations

import argparse
import shlex
import shutil
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from workstation.cli import Context, Outcome, to_json
from workstation.errors import BadInput
from workstation.paths import Folders, resources_dir, user_folders

if TYPE_CHECKING:
    from workstation.domain import Dossier
    from workstation.intake.receive import NewDossier
    from workstation.services import Services

SAMPLE_PAGE = "to-khai-khai-sinh.png"
SAMPLE_PDF = "giay-de-nghi-ho-kinh-doanh.pdf"


def sample_dossiers(samples: Path) -> list[NewDossier]:
    """The dossiers the demo receives: a birth registration, a business, a certified copy."""
    from workstation.domain import Applicant, ApplicantType
    from workstation.intake.receive import NewDossier

    return [
        NewDossier(
            procedure_code="1.001193",
            applicant=Applicant(
                name="Nguyễn Thị Hồng Nhung",
                type=ApplicantType.CITIZEN,
                address="Phường Hoa Lư, tỉnh Ninh Bình",
            ),
            files=[samples / SAMPLE_PAGE],
        ),
        NewDossier(
            procedure_code="2.000575",
            applicant=Applicant(
                name="Phạm Văn Hùng",
                type=ApplicantType.CITIZEN,
                address="Phường Nam Định, tỉnh Ninh Bình",
            ),
            files=[samples / SAMPLE_PDF],
        ),
        NewDossier(
            procedure_code="2.000908",
            applicant=Applicant(name="Công ty TNHH Tràng An", type=ApplicantType.BUSINESS),
            files=[samples / SAMPLE_PAGE, samples / SAMPLE_PDF],
        ),
    ]


def register(subparsers: argparse._SubParsersAction, parent: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser(
        "demo", parents=[parent], help="run the headless end-to-end demo in its own folder"
    )
    parser.add_argument(
        "--folder",
        type=Path,
        help="where to put the demo's store and outputs (default: demo/ in the data folder); "
        "must be new, empty, or made by an earlier demo",
    )
    parser.add_argument(
        "--keep",
        action="store_true",
        help="add to an existing demo folder instead of starting afresh",
    )
    parser.set_defaults(handler=run)


MARKER = ".workstation-demo"
"""Left in a demo folder, so that only a folder the demo made is ever cleared."""


def prepare_folder(folder: Path, keep: bool) -> None:
    """Make ``folder`` ready for the demo; refuse to clear a folder the demo did not make."""
    if folder.exists() and not folder.is_dir():
        raise BadInput(
            f"{folder} is a file, not a folder", code="demo.folder_in_use", path=str(folder)
        )
    made_by_demo = (folder / MARKER).exists()
    if folder.exists() and any(folder.iterdir()) and not made_by_demo:
        raise BadInput(
            f"{folder} already holds files the demo did not make; choose an empty or new folder",
            code="demo.folder_in_use",
            path=str(folder),
        )
    if made_by_demo and not keep:
        shutil.rmtree(folder)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / MARKER).write_text("made by 'workstation demo'; safe to delete\n", encoding="utf-8")


DEMO_TOKEN_NOTE = "Token thử nghiệm / Demo token, PIN 123456, for the demo only"


def sign_with_demo_token(folders: Folders, outputs: Path) -> list[str]:
    """Sign the sample PDF on the demo token (made on first use in the demo's data folder,
    never the officer's own).

    Returns ``[signed file, demo token folder]``, or ``[reason]`` when the
    demo token cannot be used here (no SoftHSM2): the rest of the demo stands.
    """
    import logging

    from workstation.sign.demo_token import demo_token_folder, sign_sample_in_child

    try:
        done = sign_sample_in_child(
            demo_token_folder(folders),
            resources_dir() / "samples" / SAMPLE_PDF,
            outputs / f"signed-{SAMPLE_PDF}",
        )
    except Exception as exc:  # best effort: the demo goes on without a signature
        logging.getLogger(__name__).warning("demo signing skipped: %s", exc.__class__.__name__)
        return [getattr(exc, "detail", exc.__class__.__name__)]
    return [done["output"], done["folder"]]


def digitise_into_dossier(services: Services, dossier: Dossier, outputs: Path) -> dict[str, Any]:
    """Scan the demo feeder's sample pages with the ``demo`` capture profile, clean and OCR
    them into one searchable PDF/A, and add it to a component of ``dossier`` through
    intake's path (blob store, then one transaction with its ``document.added`` message).

    The component is the dossier's first without a document (else its first).
    """
    from workstation.intake.attach import attach_document
    from workstation.scan.devices.demo import DemoFeeder
    from workstation.scan.devices.profiles import profile
    from workstation.scan.pdf import DocumentInfo
    from workstation.scan.pipeline import DigitizeOptions, digitize_arriving

    chosen = profile("demo", services.folders.data)
    component = next((c for c in dossier.components if not c.documents), dossier.components[0])
    number = str(dossier.components.index(component) + 1)
    batch = outputs / "capture-batch"
    output = outputs / f"{dossier.code}-thanh-phan-{number}.pdf"
    feeder = DemoFeeder()
    arriving = (page.path for page in feeder.scan(chosen.settings(), batch))
    options = DigitizeOptions(
        language=services.settings.ocr_languages,
        tesseract=services.settings.tesseract,
        colour=chosen.colour,
        purpose=chosen.purpose,
        deskew=chosen.deskew,
        blank_threshold=chosen.blank_threshold,
    )
    info = DocumentInfo(title=component.name, dossier_code=dossier.code, component=number)
    report = digitize_arriving(arriving, output, options, info)
    shutil.rmtree(batch, ignore_errors=True)
    document = attach_document(
        services.database, services.blobs, dossier.id, number, output, report
    )
    return {
        "device": feeder.info.id,
        "pdf": str(output),
        "dossier_code": dossier.code,
        "component": number,
        "component_name": component.name,
        "document_id": document.id,
        "pages": [page.as_json() for page in report.pages],
        "bytes": report.bytes,
    }


def offer_sane_test_scanner(config: Path) -> dict[str, str]:
    """SANE's test scanner made usable (a ``SANE_CONFIG_DIR`` enabling it, drawing a grid,
    in ``config``) and the command that scans from it; or why it is not offered."""
    from workstation.scan.devices.sane import TEST_DEVICE, enable_test_backend, lists_test_scanner

    enable_test_backend(config)
    if not lists_test_scanner(config):
        return {"skipped": "SANE's test backend is not installed (Debian: sane-utils)"}
    command = (
        f"SANE_CONFIG_DIR={shlex.quote(str(config))} workstation scan --device {TEST_DEVICE} "
        "--source flatbed --dpi 200 -o OUT.pdf"
    )
    return {"device": TEST_DEVICE, "sane_config_dir": str(config), "command": command}


def send_to_local_central(services: Services, data: Path) -> dict[str, object]:
    """Start a local reference central server, sign in as its demo officer, send the
    outbox and ask the server for each dossier; the server stops afterwards.

    Returns ``{"url", "sent", "arrived", "waiting", "needs_attention"}`` (the last two
    counts), or ``{"skipped": reason}`` when
    no reference server can run here (the desktop bundle has none).
    """
    from workstation.store.dossiers import list_dossiers
    from workstation.sync.client import HttpCentralClient
    from workstation.sync.local_central import NoLocalCentral, start_local_central
    from workstation.sync.sender import Sender, report

    try:
        central = start_local_central(data)
    except NoLocalCentral as exc:
        return {"skipped": exc.detail}
    with central:
        client = HttpCentralClient(central.url)
        try:
            client.login(central.user, central.password)  # kept in memory only, not the keyring
            sent = Sender(services.database, services.blobs, client).send_due()
            with services.database.reading() as session:
                ids = [d.id for d in list_dossiers(session, limit=1000)]
            arrived = sum(client.dossier_status(i) is not None for i in ids)
        finally:
            client.close()
    left = report(services.database)
    return {
        "url": central.url,
        "sent": sent,
        "arrived": arrived,
        "waiting": left.waiting,
        "needs_attention": len(left.needs_attention),
    }


def run(args: argparse.Namespace, context: Context) -> Outcome:
    # Imported here, not at the top: the store and the decoders cost start-up time
    # for every other command (see bench/startup.py).
    from workstation.cli.dossier import dossier_json, summary_json
    from workstation.config import load_settings
    from workstation.intake.receive import CodeIssuer, receive_dossier
    from workstation.services import open_services
    from workstation.store.dossiers import count_dossiers, list_dossiers
    from workstation.store.outbox import pending

    folder: Path = args.folder or user_folders().data / "demo"
    prepare_folder(folder, args.keep)
    folders = Folders(config=folder / "config", data=folder / "data", logs=folder / "logs")
    settings = load_settings(folders).replace(database="", blob_folder="")
    services = open_services(settings, folders)
    try:
        issuer = CodeIssuer.from_settings(settings)
        received = [
            receive_dossier(
                services.database, services.blobs, services.catalogue, request, issuer=issuer
            )
            for request in sample_dossiers(resources_dir() / "samples")
        ]
        dossier = received[0]
        digitised = digitise_into_dossier(services, dossier, folder / "outputs")
        with services.database.reading() as session:
            listed = list_dossiers(session, limit=20)
            total = count_dossiers(session)
            queued = pending(session)
        page_copy = folder / "outputs" / f"{dossier.id}-{SAMPLE_PAGE}"  # read back from the store
        page_copy.parent.mkdir(parents=True, exist_ok=True)
        document = dossier.components[0].documents[0]
        page_copy.write_bytes(services.blobs.read(document.sha256))
        listing = folder / "outputs" / "dossiers.json"
        listing.write_text(to_json([summary_json(s) for s in listed]), encoding="utf-8")
        database_path = services.database.path
        blob_path = services.blobs.root
        central = send_to_local_central(services, folder / "central")
        sane = offer_sane_test_scanner(folder / "sane")
    finally:
        services.close()
    signing = sign_with_demo_token(folders, folder / "outputs")

    data = {
        "folder": str(folder),
        "database": str(database_path),
        "blobs": str(blob_path),
        "outputs": [str(page_copy), str(listing), digitised["pdf"], *signing[:1]],
        "digitised": digitised,
        "signing": {"signed": signing[0], "demo_token": signing[1]}
        if len(signing) == 2
        else {"skipped": signing[0]},
        "dossiers": [dossier_json(d) for d in received],
        "dossiers_in_store": total,
        "outbox_pending": [
            {"message_id": e.message_id, "kind": e.kind, "entity_id": e.entity_id} for e in queued
        ],
        "central": central,
        "sane_test_scanner": sane,
        "finished_at": datetime.now().isoformat(timespec="seconds"),
    }
    text = "\n".join(
        [
            "Workstation demo",
            f"  1. Opened a fresh store:        {database_path}",
            f"  2. Received {len(received)} dossiers:",
            *(
                f"     {d.code}  procedure {d.procedure_code}, {d.applicant.name}, "
                f"{d.page_count} page(s), due {_when(d.due_at)}, "
                f"fee {d.fee} + charge {d.charge} đồng"
                for d in received
            ),
            f"     files stored by content hash in {blob_path}",
            f"     scanned {len(digitised['pages'])} sample page(s) from the demo feeder, "
            f"cleaned and OCR'd into {digitised['pdf']},",
            f"     added to {digitised['dossier_code']} component {digitised['component']} "
            f"({digitised['component_name']})",
            "     scan more with no hardware: workstation scan --device demo -o OUT.pdf "
            "(the demo feeder)",
            (
                f"     or SANE's test scanner: {sane['command']}"
                if "command" in sane
                else f"     (SANE's test scanner is not offered: {sane['skipped']})"
            ),
            f"  3. Dossier list: {total} dossier(s), written to {listing}",
            f"  4. Outbox: {len(queued)} message(s) waiting for the central system "
            f"({', '.join(sorted({e.kind for e in queued}))})",
            *(
                [
                    f"  5. Signed a sample PDF on the demo token ({DEMO_TOKEN_NOTE}): {signing[0]}",
                    f"     demo token and its CA certificate: {signing[1]}",
                ]
                if len(signing) == 2
                else [f"  5. Signing skipped: {signing[0]}"]
            ),
            (
                f"  6. Sent {central['sent']} message(s) to a local central system at "
                f"{central['url']} (signed in as its demo officer): {central['arrived']} "
                f"dossier(s) arrived, {central['waiting']} waiting"
                if "url" in central
                else f"  6. Sending skipped: {central['skipped']}"
            ),
            f"Outputs are in {folder / 'outputs'}",
            f"See them in the window: WORKSTATION_HOME={folder} workstation",
        ]
    )
    return Outcome(data, text)


def _when(moment: datetime | None) -> str:
    from workstation.domain import clock

    return "-" if moment is None else clock.local(moment).strftime("%H:%M %d/%m/%Y")
