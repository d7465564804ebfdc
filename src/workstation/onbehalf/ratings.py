"""The citizen's rating of the service (đánh giá mức độ hài lòng) for one dossier.

The levels are data (``resources/onbehalf/rating-levels.json``, by effective
date; by default very satisfied, satisfied, not satisfied), each with an
optional reason. A rating is kept once per dossier and queued for the central
system as ``rating.recorded`` with the dossier's code and the officer.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import cache
from pathlib import Path

from sqlalchemy import select

from workstation.domain import clock
from workstation.domain.dossier import new_id
from workstation.errors import BadInput
from workstation.onbehalf.officer import Officer, officer_payload
from workstation.paths import resources_dir
from workstation.store import Database
from workstation.store.dossiers import find_dossier
from workstation.store.models import RatingRow
from workstation.store.outbox import MessageKind, enqueue
from workstation.store.timestamps import to_stored

log = logging.getLogger(__name__)

REASON_LIMIT = 500


@dataclass(frozen=True)
class RatingLevel:
    code: str
    vi: str
    en: str

    def label(self, language: str) -> str:
        return self.vi if language == "vi" else self.en


@cache
def _versions(path: Path) -> list[dict]:  # type: ignore[type-arg]
    return json.loads(path.read_text(encoding="utf-8"))["versions"]


def rating_levels(on: date | None = None, path: Path | None = None) -> tuple[RatingLevel, ...]:
    """The levels in force on ``on`` (today by default), best first."""
    on = on or clock.now().date()
    path = path or resources_dir() / "onbehalf" / "rating-levels.json"
    versions = [v for v in _versions(path) if date.fromisoformat(v["effective_from"]) <= on]
    latest = max(versions, key=lambda v: v["effective_from"])
    return tuple(RatingLevel(x["code"], x["vi"], x["en"]) for x in latest["levels"])


def record_rating(
    database: Database,
    reference: str,
    level: str,
    reason: str = "",
    officer: Officer | None = None,
) -> str:
    """Keep the citizen's rating of dossier ``reference``; queue it; return the rating's id."""
    if level not in {lv.code for lv in rating_levels()}:
        raise BadInput(f"{level!r} is not a rating level", code="rating.unknown_level", level=level)
    reason = (reason or "").strip()
    if len(reason) > REASON_LIMIT:
        raise BadInput(
            f"the reason is longer than {REASON_LIMIT} characters",
            code="rating.reason_too_long",
            limit=REASON_LIMIT,
        )
    now = datetime.now(UTC)
    rating_id = new_id()
    with database.transaction() as session:
        dossier = find_dossier(session, reference)
        if session.scalars(select(RatingRow.id).where(RatingRow.dossier_id == dossier.id)).first():
            raise BadInput("the dossier was rated already", code="rating.already_rated")
        session.add(
            RatingRow(
                id=rating_id,
                dossier_id=dossier.id,
                level=level,
                reason=reason or None,
                rated_at=to_stored(now),
                officer_id=None,  # the local officers table is not filled yet
            )
        )
        enqueue(
            session,
            MessageKind.RATING_RECORDED,
            dossier.id,
            {
                "dossier_id": dossier.id,
                "code": dossier.code,
                "level": level,
                "reason": reason or None,
                "rated_at": now.isoformat(),
                "officer": officer_payload(officer),
            },
        )
    log.info("rating %s recorded for dossier %s", level, dossier.id)
    return rating_id
