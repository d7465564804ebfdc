"""Steps of a dossier's life cycle at the counter (diễn biến hồ sơ), as plain data.

Each step the officer takes on a received dossier is kept as a
:class:`DossierEvent`: what happened (:class:`EventKind`), when, the status and
appointment before and after, the reasons given and the form of Circular
03/2025 printed for it. A request to supplement and the supplement's arrival
are the two ends of a pause of the due-date clock (:func:`pauses`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from workstation.domain.dossier import new_id
from workstation.domain.due_dates import Pause
from workstation.domain.status import DossierStatus


class EventKind(StrEnum):
    """What the officer did; each name is also the ``event`` sent to the central system."""

    SUPPLEMENT_REQUESTED = "supplement_requested"  # yêu cầu bổ sung, hoàn thiện (mẫu 02)
    SUPPLEMENT_RECEIVED = "supplement_received"  # nhận hồ sơ bổ sung
    REFUSED = "refused"  # từ chối tiếp nhận, giải quyết (mẫu 03)
    EXTENDED = "extended"  # xin lỗi, gia hạn thời gian giải quyết (mẫu 04)
    STOPPED = "stopped"  # dừng giải quyết theo đề nghị của người nộp (mẫu 05)
    CONTROL_SLIP = "control_slip"  # phiếu kiểm soát quá trình (mẫu 06) in ra


@dataclass(frozen=True)
class DossierEvent:
    """One step of a dossier's life cycle; ``details`` holds its reasons or items."""

    dossier_id: str
    kind: EventKind
    at: datetime
    status_before: DossierStatus | None = None
    status_after: DossierStatus | None = None
    due_before: datetime | None = None
    due_after: datetime | None = None
    details: dict[str, Any] = field(default_factory=dict)
    form: str | None = None  # the form's name (``supplement``, ``refusal`` …)
    form_file: str | None = None  # its file name under the data folder's ``forms/``
    id: str = field(default_factory=new_id)


def pauses(events: Iterable[DossierEvent]) -> tuple[list[Pause], datetime | None]:
    """The finished pauses of the due-date clock, and the start of one still running.

    A pause runs from a request to supplement to the supplement's arrival.
    """
    finished: list[Pause] = []
    open_since: datetime | None = None
    for event in sorted(events, key=lambda e: e.at):
        if event.kind is EventKind.SUPPLEMENT_REQUESTED and open_since is None:
            open_since = event.at
        elif event.kind is EventKind.SUPPLEMENT_RECEIVED and open_since is not None:
            finished.append(Pause(open_since, event.at))
            open_since = None
    return finished, open_since
