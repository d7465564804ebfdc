"""The statistics against an independent count: many generated dossiers, each measure counted
again in the test straight from the list the dossiers were generated from."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from workstation.domain import Applicant, Dossier, DossierStatus
from workstation.domain.catalogue import load_catalogue
from workstation.domain.dossier import Channel, Component, DigitisationStatus, Document, new_id
from workstation.domain.targets import load_targets
from workstation.paths import resources_dir
from workstation.stats.report import counter_report
from workstation.store.database import Database
from workstation.store.dossiers import add_dossier
from workstation.store.models import (
    DossierEventRow,
    HandoverRow,
    IdentityProofRow,
    PaymentRow,
    RatingRow,
)
from workstation.store.outbox import MessageKind, enqueue
from workstation.store.timestamps import to_stored

START = datetime(2026, 4, 1, 1, 0, tzinfo=UTC)  # 08:00 in Viet Nam
NOW = datetime(2026, 7, 1, tzinfo=UTC)


@dataclass
class Spec:
    channel: Channel
    proofs: int
    components: list[tuple[int, bool]]  # (digitisation status, with a stored document)
    due: datetime | None
    done: datetime | None
    handed: bool
    payments: list[str]
    rating: str | None


def generate(rng: random.Random, n: int) -> list[Spec]:
    specs = []
    for i in range(n):
        received = START + timedelta(days=i % 60, hours=rng.randrange(8))
        due = received + timedelta(days=rng.randrange(1, 10)) if rng.random() < 0.8 else None
        done = received + timedelta(days=rng.randrange(1, 12)) if rng.random() < 0.6 else None
        specs.append(
            Spec(
                channel=rng.choice(list(Channel)),
                proofs=rng.choice([0, 0, 1, 2]),
                components=[
                    (rng.choice([0, 0, 1, 2, 3]), rng.random() < 0.4)
                    for _ in range(rng.randrange(4))
                ],
                due=due,
                done=done,
                handed=done is not None and rng.random() < 0.7,
                payments=rng.sample(["cash", "transfer", "card"], rng.randrange(3)),
                rating=rng.choice([None, "very_satisfied", "satisfied", "not_satisfied"]),
            )
        )
    return specs


def store(database: Database, specs: list[Spec]) -> None:
    def document() -> Document:
        return Document(sha256="0" * 64, media_type="image/png", file_name="p.png", size_bytes=1)

    with database.transaction() as session:
        for i, spec in enumerate(specs):
            received = START + timedelta(days=i % 60)
            dossier = Dossier(
                procedure_code="2.000908",  # a procedure whose result is a document
                applicant=Applicant(name="Lê Thị Bình"),
                received_at=received,
                channel=spec.channel,
                status=DossierStatus.RECEIVED,
                due_at=spec.due,
                components=tuple(
                    Component(
                        name=f"TP {k}",
                        digitisation=DigitisationStatus(status),
                        documents=(document(),) if stored else (),
                    )
                    for k, (status, stored) in enumerate(spec.components)
                ),
            )
            add_dossier(session, dossier)
            enqueue(session, MessageKind.DOSSIER_CREATED, dossier.id, {"id": dossier.id})
            session.flush()  # the dossier before the rows that refer to it
            if spec.done is not None and not spec.handed:
                session.add(
                    DossierEventRow(
                        id=new_id(),
                        dossier_id=dossier.id,
                        kind="processed",
                        at=to_stored(spec.done),
                        status_after=int(DossierStatus.PROCESSED),
                        details="{}",
                    )
                )
            if spec.handed:
                assert spec.done is not None
                session.add(
                    HandoverRow(
                        id=new_id(),
                        dossier_id=dossier.id,
                        delivery="counter",
                        collector="owner",
                        collector_id_number="0",
                        handed_at=to_stored(spec.done),
                    )
                )
            for _ in range(spec.proofs):
                session.add(
                    IdentityProofRow(
                        id=new_id(),
                        dossier_id=dossier.id,
                        account_id_number="0",
                        account_kind="citizen",
                        method="vneid",
                        provider="fake",
                        confirmed_at=to_stored(received),
                        content_sha256="0" * 64,
                        submitted_at=to_stored(received),
                    )
                )
            for method in spec.payments:
                session.add(
                    PaymentRow(
                        id=new_id(),
                        dossier_id=dossier.id,
                        method=method,
                        amount=1,
                        source="counter",
                        recorded_at=to_stored(received),
                    )
                )
            if spec.rating:
                session.add(
                    RatingRow(
                        id=new_id(),
                        dossier_id=dossier.id,
                        level=spec.rating,
                        rated_at=to_stored(received),
                    )
                )


def by_hand(specs: list[Spec]) -> dict[str, tuple[int, int]]:
    n = len(specs)
    digitised = [[s or d for s, d in spec.components] for spec in specs]
    paper = [i for i, spec in enumerate(specs) if spec.channel in ("counter", "post")]
    paper = [i for i in paper if specs[i].components]
    done = [s for s in specs if s.done is not None]
    timed = [s for s in specs if s.due and (s.done or s.due < NOW)]
    on_time = len([s for s in timed if s.done and s.done <= s.due])  # type: ignore[operator]
    paying = [s for s in specs if s.payments]
    rated = [s for s in specs if s.rating]
    every = [c for s in specs for c in s.components]
    return {
        "received": (n, n),
        **{f"channel_{c}": (len([s for s in specs if s.channel == c]), n) for c in Channel},
        "online": (
            len(
                [
                    s
                    for s in specs
                    if s.channel == "online" or (s.channel == "on_behalf" and s.proofs)
                ]
            ),
            n,
        ),
        "dossiers_digitised": (len([i for i in paper if all(digitised[i])]), len(paper)),
        "components_digitised": (
            sum(sum(map(bool, digitised[i])) for i in paper),
            sum(len(digitised[i]) for i in paper),
        ),
        "components_reused": (len([c for c in every if c[0] in (2, 3)]), len(every)),
        "results_digitised": (0, len(done)),  # no result file stored for any of them
        "on_time": (on_time, len(timed)),
        "late": (len(timed) - on_time, len(timed)),
        "handed_over": (len([s for s in done if s.handed]), len(done)),
        "cashless": (len([s for s in paying if set(s.payments) - {"cash"}]), len(paying)),
        "rated": (len(rated), n),
        "satisfied": (len([s for s in rated if s.rating != "not_satisfied"]), len(rated)),
    }


def test_figures_match_a_count_made_from_the_generated_list(database: Database) -> None:
    specs = generate(random.Random(766), 150)
    store(database, specs)
    report = counter_report(
        database,
        load_catalogue(resources_dir() / "catalogue" / "procedures.json"),
        load_targets(),
        first=date(2026, 4, 1),
        last=date(2026, 5, 30),
        agency="H99.001.01",
        now=NOW,
    )
    counted = {m.name: (m.count, m.total) for m in report.overall.measures}
    assert counted == by_hand(specs)
    assert sum(f["received"].count for f in report.by_period) == len(specs)
