"""The workstation's dossier-code counters, kept in the local store.

:class:`StoreSequenceSource` is the local
:class:`~workstation.domain.codes.SequenceSource`: it hands out numbers from
the blocks the central system leased to this workstation
(:func:`record_lease`, called by sync when a lease arrives), oldest first,
and when none is left, from the workstation's own stripe of the unit's daily
sequence, which no other workstation may use. It works inside the caller's
session, so a code is taken in the same transaction that saves the dossier
carrying it: a dossier that is not saved gives its number back, and two
processes on one store wait for each other (``BEGIN IMMEDIATE``).
"""

from __future__ import annotations

import logging
from datetime import date

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from workstation.domain import clock
from workstation.domain.codes import CodeFormat
from workstation.errors import BadInput
from workstation.store.models import DossierCodeSequenceRow
from workstation.store.timestamps import to_stored

log = logging.getLogger(__name__)

LEASE = "lease"
OFFLINE = "offline"


class StoreSequenceSource:
    """Sequence numbers from leased blocks, then from the workstation's own stripe."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def next_number(self, code_format: CodeFormat, unit: str, day: date, slot: int) -> int:
        """The next number of ``unit``'s sequence for ``day`` that this workstation may issue."""
        row = self._open_block(code_format, unit, day)
        if row is None:
            row = self._own_stripe(code_format, unit, day, slot)
        number = row.next_value
        row.next_value += 1
        self.session.flush()
        return number

    def _open_block(self, code_format: CodeFormat, unit: str, day: date):  # type: ignore[no-untyped-def]
        return self.session.scalars(
            select(DossierCodeSequenceRow)
            .where(
                DossierCodeSequenceRow.unit == unit,
                DossierCodeSequenceRow.day == day,
                DossierCodeSequenceRow.format == code_format.name,
                DossierCodeSequenceRow.next_value <= DossierCodeSequenceRow.last,
            )
            .order_by(
                case((DossierCodeSequenceRow.origin == LEASE, 0), else_=1),
                DossierCodeSequenceRow.first,
            )
            .limit(1)
        ).first()

    def _own_stripe(
        self, code_format: CodeFormat, unit: str, day: date, slot: int
    ) -> DossierCodeSequenceRow:
        first, last = code_format.sequence.stripe(slot)
        existing = self.session.scalars(
            select(DossierCodeSequenceRow).where(
                DossierCodeSequenceRow.unit == unit,
                DossierCodeSequenceRow.day == day,
                DossierCodeSequenceRow.format == code_format.name,
                DossierCodeSequenceRow.first == first,
            )
        ).first()
        if existing is not None:
            log.warning("workstation stripe of slot %d used up for %s", slot, day.isoformat())
            raise BadInput(
                f"slot {slot} has issued all {last - first + 1} numbers of its own stripe "
                f"for {day.isoformat()} and holds no lease",
                code="codes.sequence_exhausted",
                format=code_format.name,
            )
        row = DossierCodeSequenceRow(
            unit=unit,
            day=day,
            format=code_format.name,
            origin=OFFLINE,
            first=first,
            last=last,
            next_value=first,
            created_at=to_stored(clock.now()),
        )
        self.session.add(row)
        log.info("opened the workstation stripe of slot %d (%d-%d)", slot, first, last)
        return row


def record_lease(
    session: Session, code_format: CodeFormat, unit: str, day: date, first: int, last: int
) -> None:
    """Keep a block ``first..last`` the central system leased to this workstation."""
    leased_max = code_format.sequence.leased_max
    if not 1 <= first <= last <= leased_max:
        raise BadInput(
            f"lease {first}-{last} lies outside the leased range 1-{leased_max}",
            code="codes.bad_lease",
            first=first,
            last=last,
        )
    overlapping = session.scalars(
        select(DossierCodeSequenceRow.id).where(
            DossierCodeSequenceRow.unit == unit,
            DossierCodeSequenceRow.day == day,
            DossierCodeSequenceRow.format == code_format.name,
            DossierCodeSequenceRow.first <= last,
            DossierCodeSequenceRow.last >= first,
        )
    ).first()
    if overlapping is not None:
        raise BadInput(
            f"lease {first}-{last} overlaps a block already held",
            code="codes.bad_lease",
            first=first,
            last=last,
        )
    session.add(
        DossierCodeSequenceRow(
            unit=unit,
            day=day,
            format=code_format.name,
            origin=LEASE,
            first=first,
            last=last,
            next_value=first,
            created_at=to_stored(clock.now()),
        )
    )
    session.flush()


def leased_left(session: Session, code_format: CodeFormat, unit: str, day: date) -> int:
    """How many numbers of ``unit``'s sequence for ``day`` this workstation still holds leased."""
    left = session.scalar(
        select(
            func.coalesce(
                func.sum(DossierCodeSequenceRow.last - DossierCodeSequenceRow.next_value + 1), 0
            )
        ).where(
            DossierCodeSequenceRow.unit == unit,
            DossierCodeSequenceRow.day == day,
            DossierCodeSequenceRow.format == code_format.name,
            DossierCodeSequenceRow.origin == LEASE,
            DossierCodeSequenceRow.next_value <= DossierCodeSequenceRow.last,
        )
    )
    return int(left or 0)
