"""A dossier received at the counter as the on-behalf tests start from it."""

from __future__ import annotations

import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import zxingcpp
from aiosmtpd.controller import Controller
from PIL import Image

from workstation.domain import Applicant, ApplicantType, Document, DossierStatus
from workstation.domain.clock import VIETNAM
from workstation.domain.dossier import DocumentKind
from workstation.intake.receive import (
    ChecklistRequest,
    CodeIssuer,
    ComponentReceipt,
    receive_dossier,
)
from workstation.onbehalf.vietqr import crc16_ccitt_false, parse_fields
from workstation.store.dossiers import set_dossier_status
from workstation.store.outbox import MessageKind, enqueue
from workstation.store.signatures import (
    SignatureFacts,
    add_result_document,
    add_signed_document,
)

MONDAY = datetime(2026, 11, 2, 9, 30, tzinfo=VIETNAM)
OWNER_ID = "001203012345"
OTHER_ID = "079301000111"
OWNER = Applicant(
    name="Nguyễn Thị Hồng Nhung",
    type=ApplicantType.CITIZEN,
    id_number=OWNER_ID,
    email="nhung@example.vn",
)


def received(services, page, applicant=OWNER, owner=None):
    """A business-household dossier (fee 100 000 đ, 50 % off online), received Monday.

    ``owner``: the dossier's owner (chủ hồ sơ) when ``applicant`` files for someone else.
    """
    request = ChecklistRequest(
        procedure_code="2.000575",
        applicant=applicant,
        components=(
            ComponentReceipt("GDN", (page,), paper_pages=1),
            ComponentReceipt("CCCD", (), paper_pages=1),
        ),
        received_at=MONDAY,
        owner=owner,
    )
    issuer = CodeIssuer.from_settings(services.settings)
    return receive_dossier(
        services.database, services.blobs, services.catalogue, request, issuer=issuer
    )


def processed(services, dossier) -> None:
    """Mark ``dossier`` processed (its result is ready), as the central system would."""
    with services.database.transaction() as session:
        set_dossier_status(session, dossier.id, DossierStatus.PROCESSED)
        enqueue(session, MessageKind.DOSSIER_STATUS_CHANGED, dossier.id, {"status": 9})


SIGNED_PDF = b"%PDF-1.7\n% the agency's signed result\n%%EOF\n"


def with_signed_result(services, dossier) -> Document:
    """Store a PDF as the dossier's result and its signed version, as signing leaves them."""
    sha = services.blobs.put(SIGNED_PDF)
    unsigned = Document(sha, "application/pdf", "ket-qua.pdf", len(SIGNED_PDF))
    signed = Document(
        sha, "application/pdf", "ket-qua-ky.pdf", len(SIGNED_PDF), kind=DocumentKind.RESULT
    )
    with services.database.transaction() as session:
        add_result_document(session, dossier.id, unsigned)
        add_signed_document(
            session,
            dossier.id,
            unsigned.id,
            signed,
            "result",
            SignatureFacts("UBND phường Demo", "ab" * 32, datetime.now(UTC), "Signature1"),
        )
    return signed


class Inbox:
    """An aiosmtpd handler keeping every message the server took."""

    def __init__(self) -> None:
        self.envelopes: list = []

    async def handle_DATA(self, server, session, envelope) -> str:
        self.envelopes.append(envelope)
        return "250 OK"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def smtp_server() -> Iterator[tuple[Inbox, int]]:
    """A real SMTP server (aiosmtpd) on loopback while the block runs, and what it received."""
    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield inbox, port
    finally:
        controller.stop()


DEMO_BIN, DEMO_ACCOUNT = "970415", "113366668888"  # the demo unit's illustrative account


def printed_symbols(pdf: Path, folder: Path) -> list[str]:
    """The text of every barcode and QR code zxing-cpp reads on every page at 300 dpi
    (the pages are drawn in a folder of their own under ``folder``)."""
    pages = Path(tempfile.mkdtemp(prefix="pages-", dir=folder))
    subprocess.run(
        ["pdftoppm", "-r", "300", "-gray", "-png", str(pdf), str(pages / "p")], check=True
    )
    return [
        symbol.text
        for page in sorted(pages.glob("p*.png"))
        for symbol in zxingcpp.read_barcodes(Image.open(page))
    ]


def payment_codes(symbols: list[str]) -> list[str]:
    """The VietQR payloads among ``symbols`` (an EMVCo payload starts with format 01)."""
    return [text for text in symbols if text.startswith("000201")]


def assert_vietqr(payload: str, amount: int, note: str) -> None:
    """Every field of a VietQR payload, in order, and its CRC-16/CCITT-FALSE."""
    fields = parse_fields(payload)
    assert [tag for tag, _ in fields] == ["00", "01", "38", "53", "54", "58", "62", "63"]
    values = dict(fields)
    assert values["00"] == "01"  # payload format
    assert values["01"] == "12"  # dynamic: for this one payment
    merchant = parse_fields(values["38"])
    assert merchant == [
        ("00", "A000000727"),
        ("01", f"0006{DEMO_BIN}01{len(DEMO_ACCOUNT):02d}{DEMO_ACCOUNT}"),
        ("02", "QRIBFTTA"),
    ]
    assert parse_fields(merchant[1][1]) == [("00", DEMO_BIN), ("01", DEMO_ACCOUNT)]
    assert values["53"] == "704"
    assert values["54"] == str(amount)
    assert values["58"] == "VN"
    assert parse_fields(values["62"]) == [("08", note)]
    body = payload[: -len(values["63"])]
    assert body.endswith("6304")
    assert values["63"] == f"{crc16_ccitt_false(body.encode('ascii')):04X}"
