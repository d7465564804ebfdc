"""A store holding known dossiers for the statistics' tests, and the figures they give.

Six dossiers received in March 2026 (Viet Nam days) and one the day before,
each with what the store records about it: components (digitised by a stored
document, by status, reused, or not), results, life-cycle events, a handover,
payments, ratings and the citizen's own e-ID confirmation of on-behalf filing.
``EXPECTED`` is counted by hand from that list, not by the code under test.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from tests.store_helpers import T0
from workstation.domain import Applicant, Dossier, DossierStatus
from workstation.domain.dossier import (
    Channel,
    Component,
    DigitisationStatus,
    Document,
    new_id,
)
from workstation.store.database import Database
from workstation.store.dossiers import add_dossier
from workstation.store.models import (
    DocumentRow,
    DossierEventRow,
    HandoverRow,
    IdentityProofRow,
    PaymentRow,
    RatingRow,
    ResultRow,
)
from workstation.store.outbox import MessageKind, enqueue
from workstation.store.timestamps import to_stored

FIRST = date(2026, 3, 1)
LAST = date(2026, 3, 31)
NOW = T0 + timedelta(days=10)

EXPECTED = {
    "received": (6, 6),
    "channel_counter": (2, 6),
    "channel_on_behalf": (2, 6),
    "channel_online": (1, 6),
    "channel_post": (1, 6),
    "online": (2, 6),  # the online one, and the on-behalf one the citizen confirmed
    "dossiers_digitised": (1, 3),  # paper dossiers with components: A whole, B and F not
    "components_digitised": (3, 5),  # A: 2 of 2, B: 1 of 2, F: 0 of 1
    "components_reused": (1, 5),
    "results_digitised": (1, 2),  # finished: A (result file), B (result without file)
    "on_time": (1, 3),  # A on time; B finished late; C past its appointment
    "late": (2, 3),
    "handed_over": (1, 2),
    "cashless": (1, 2),
    "rated": (2, 6),
    "satisfied": (1, 2),
}
STATUSES = {10: 1, 9: 1, 2: 4}


def _document() -> Document:
    return Document(sha256="0" * 64, media_type="application/pdf", file_name="a.pdf", size_bytes=1)


def known_dossiers(database: Database) -> dict[str, str]:
    """Store the known dossiers; returns their ids by letter."""

    def dossier(received: datetime, channel: Channel, **kw) -> Dossier:  # type: ignore[no-untyped-def]
        return Dossier(
            procedure_code=kw.pop("procedure", "1.001193"),
            applicant=Applicant(name="Nguyễn Văn An"),
            received_at=received,
            channel=channel,
            **kw,
        )

    day = timedelta(days=1)
    a = dossier(
        T0,
        Channel.COUNTER,
        status=DossierStatus.RESULT_RETURNED,
        due_at=T0 + 2 * day,
        components=(
            Component(name="Tờ khai", documents=(_document(),)),
            Component(name="Giấy chứng sinh", digitisation=DigitisationStatus.REUSED_FROM_RESULT),
        ),
    )
    b = dossier(
        T0,
        Channel.COUNTER,
        status=DossierStatus.PROCESSED,
        due_at=T0 + day,
        components=(
            Component(name="Tờ khai", digitisation=DigitisationStatus.DIGITISED),
            Component(name="Giấy chứng sinh"),
        ),
    )
    c = dossier(T0, Channel.ON_BEHALF, due_at=T0 + day)
    d = dossier(T0, Channel.ON_BEHALF, procedure="9.999999")
    # 23:30 on 31 March in Viet Nam (16:30 UTC): still March.
    e = dossier(datetime(2026, 3, 31, 16, 30, tzinfo=UTC), Channel.ONLINE, procedure="2.000908")
    # 00:30 on 1 March in Viet Nam (17:30 UTC the day before): March.
    f = dossier(
        datetime(2026, 2, 28, 17, 30, tzinfo=UTC),
        Channel.POST,
        components=(Component(name="Đơn"),),
    )
    # 23:30 on 28 February in Viet Nam: outside the period.
    g = dossier(datetime(2026, 2, 28, 16, 30, tzinfo=UTC), Channel.ONLINE)
    with database.transaction() as session:
        for one in (a, b, c, d, e, f, g):
            add_dossier(session, one)
            enqueue(session, MessageKind.DOSSIER_CREATED, one.id, {"id": one.id})
        result_file = DocumentRow(
            id=new_id(),
            component_id=None,
            kind="result",
            sha256="1" * 64,
            media_type="application/pdf",
            file_name="kq.pdf",
            size_bytes=1,
            created_at=to_stored(T0),
        )
        session.add(result_file)
        session.flush()
        session.add(ResultRow(id=new_id(), dossier_id=a.id, document_id=result_file.id))
        session.add(ResultRow(id=new_id(), dossier_id=b.id, document_id=None))
        for one, finished in ((a, T0 + day), (b, T0 + 3 * day)):
            session.add(
                DossierEventRow(
                    id=new_id(),
                    dossier_id=one.id,
                    kind="processed",
                    at=to_stored(finished),
                    status_before=4,
                    status_after=int(DossierStatus.PROCESSED),
                    details="{}",
                )
            )
        session.add(
            HandoverRow(
                id=new_id(),
                dossier_id=a.id,
                delivery="counter",
                collector="owner",
                collector_id_number="001090000001",
                handed_at=to_stored(T0 + day),
            )
        )
        session.add(
            IdentityProofRow(
                id=new_id(),
                dossier_id=c.id,
                account_id_number="001090000002",
                account_kind="citizen",
                method="vneid",
                provider="fake",
                confirmed_at=to_stored(T0),
                content_sha256="2" * 64,
                submitted_at=to_stored(T0),
            )
        )
        for one, method in ((a, "transfer"), (b, "cash")):
            session.add(
                PaymentRow(
                    id=new_id(),
                    dossier_id=one.id,
                    method=method,
                    amount=8000,
                    source="counter",
                    recorded_at=to_stored(T0),
                )
            )
        for one, level in ((a, "satisfied"), (b, "not_satisfied")):
            session.add(
                RatingRow(id=new_id(), dossier_id=one.id, level=level, rated_at=to_stored(T0))
            )
    return {k: v.id for k, v in zip("abcdefg", (a, b, c, d, e, f, g), strict=True)}
