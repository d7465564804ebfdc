"""A dossier received at the counter as the on-behalf tests start from it."""

from __future__ import annotations

from datetime import datetime

from workstation.domain import Applicant, ApplicantType, DossierStatus
from workstation.domain.clock import VIETNAM
from workstation.intake.receive import (
    ChecklistRequest,
    CodeIssuer,
    ComponentReceipt,
    receive_dossier,
)
from workstation.store.dossiers import set_dossier_status
from workstation.store.outbox import MessageKind, enqueue

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
