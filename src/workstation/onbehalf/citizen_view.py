"""What the screen facing the citizen may show: one dossier's lines, nothing else.

The officer's entries are mirrored as plain lines (procedure, name, ID number
masked but the last four digits, components received, fee, due date); then
the payment code; then the rating. Built from one dossier (or one intake form)
at a time, so the screen never holds another citizen's data.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from workstation.domain import clock


def mask_id_number(id_number: str | None) -> str:
    """``001203012345`` → ``••••••••2345``: only the last four digits show."""
    text = (id_number or "").strip()
    if len(text) <= 4:
        return "•" * len(text)
    return "•" * (len(text) - 4) + text[-4:]


def money(amount: int | None) -> str:
    """Đồng as the counter writes them: ``100.000 đ``."""
    return f"{amount or 0:,}".replace(",", ".") + " đ"


@dataclass(frozen=True)
class CitizenLines:
    """The mirrored lines, ready to show in large text."""

    procedure: str = ""
    name: str = ""
    id_number: str = ""  # masked
    components: tuple[str, ...] = ()
    fee: str = ""
    due: str = ""
    online: bool = False


def citizen_lines(
    procedure: str,
    name: str,
    id_number: str | None,
    components: tuple[str, ...],
    fee: int | None,
    due_at: datetime | None,
    online: bool = False,
) -> CitizenLines:
    """The lines for one citizen's dossier, the ID number masked."""
    return CitizenLines(
        procedure=procedure,
        name=name,
        id_number=mask_id_number(id_number),
        components=components,
        fee=money(fee) if fee is not None else "",
        due=clock.local(due_at).strftime("%H:%M %d/%m/%Y") if due_at else "",
        online=online,
    )
