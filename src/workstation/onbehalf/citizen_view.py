"""What the screen facing the citizen may show: one dossier's lines, nothing else.

The officer's entries are mirrored as plain lines (procedure, name, ID number
masked but the last four digits, components received, fee, due date); then
the payment code; then the rating. The name and ID number are the dossier
owner's (chủ hồ sơ), who confirms with their own e-ID; when someone else files
for them, the person filing (người nộp) shows on a line of their own. Built
from one dossier (or one intake form) at a time, so the screen never holds
another citizen's data.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from workstation.domain import Channel, Dossier, clock


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
    filer_name: str = ""  # the person filing, when not the owner
    filer_id_number: str = ""  # masked


def citizen_lines(
    procedure: str,
    name: str,
    id_number: str | None,
    components: tuple[str, ...],
    fee: int | None,
    due_at: datetime | None,
    online: bool = False,
    filer_name: str = "",
    filer_id_number: str | None = None,
) -> CitizenLines:
    """The lines for one citizen's dossier, the ID numbers masked."""
    return CitizenLines(
        procedure=procedure,
        name=name,
        id_number=mask_id_number(id_number),
        components=components,
        fee=money(fee) if fee is not None else "",
        due=clock.local(due_at).strftime("%H:%M %d/%m/%Y") if due_at else "",
        online=online,
        filer_name=filer_name,
        filer_id_number=mask_id_number(filer_id_number) if filer_name else "",
    )


def dossier_citizen_lines(dossier: Dossier, procedure: str) -> CitizenLines:
    """The lines for a saved ``dossier``: its owner's name and ID, and who filed if another."""
    owner = dossier.dossier_owner
    filer = dossier.applicant if dossier.owner is not None else None
    return citizen_lines(
        procedure,
        owner.name,
        owner.id_number,
        tuple(c.name for c in dossier.components if c.originals or c.documents),
        (dossier.fee or 0) + (dossier.charge or 0),
        dossier.due_at,
        online=dossier.channel is Channel.ONLINE,
        filer_name=filer.name if filer else "",
        filer_id_number=filer.id_number if filer else None,
    )
