"""Filing a confirmed result-form scan as the dossier's electronic result.

The officer confirmed (or corrected) each value read from the scan; this
writes the PDF/A with the values as metadata (:func:`~workstation.resultforms.result.result_pdf`,
signed by the agency when a signer is given: the signing service's
:class:`~workstation.sign.signer.DocumentSigner`, opened by the caller through
:func:`workstation.services.open_signer`), then stores it as the dossier's RESULT
document through intake's attach path (:func:`~workstation.intake.attach.attach_result`),
which queues its ``document.added`` message in the same transaction. The values
travel in the message as data (``result.fields``), with the template's name and
the flags ``digitised-result`` and ``reusable``.
"""

from __future__ import annotations

import tempfile
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from workstation.domain.dossier import Dossier, Result
from workstation.intake.attach import attach_result
from workstation.resultforms.recognise import Recognition
from workstation.resultforms.result import RESULT_FLAGS, result_pdf
from workstation.resultforms.templates import Template
from workstation.store import BlobStore, Database
from workstation.store.documents import results_of
from workstation.store.dossiers import find_dossier
from workstation.store.timestamps import from_stored


def dossier_to_compare(session: Session, reference: str) -> tuple[Dossier, datetime | None]:
    """The dossier ``reference`` names and when its latest issued result was issued (or None),
    what a read form is compared with (:func:`~workstation.resultforms.compare.compare`)."""
    dossier = find_dossier(session, reference)
    issued = [row.issued_at for row, _ in results_of(session, dossier.id) if row.issued_at]
    return dossier, (from_stored(max(issued)) if issued else None)


def file_result_form(
    database: Database,
    blobs: BlobStore,
    dossier_reference: str,
    template: Template,
    recognition: Recognition,
    values: dict[str, str],
    *,
    signer: Any = None,
    signed_by: str = "",
) -> Result:
    """Store the confirmed ``values`` and the scan as the dossier's result; queue it.

    ``signer`` is an open :class:`~workstation.sign.signer.DocumentSigner`
    (the agency's token or remote credential), or None for an unsigned result;
    ``signed_by`` names the signer for the result's record.
    """
    with database.reading() as session:
        dossier = find_dossier(session, dossier_reference)
    serials = [f.name for f in template.fields if f.type == "serial" and values.get(f.name)]
    with tempfile.TemporaryDirectory(prefix="ws-result-") as folder:
        pdf = Path(folder) / f"result-{template.name}.pdf"
        result_pdf(
            template, recognition, values, pdf, dossier_code=dossier.code or "", signer=signer
        )
        return attach_result(
            database,
            blobs,
            dossier.id,
            pdf,
            number_symbol=values[serials[0]] if serials else "",
            signer=(signed_by or "agency") if signer is not None else "",
            details={
                "template": template.name,
                "fields": {f.name: values.get(f.name, "") for f in template.fields},
                "flags": list(RESULT_FLAGS),
            },
        )
