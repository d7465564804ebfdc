"""What the citizen confirms when filing online on their behalf: the dossier's content.

The content is what the officer and the citizen see: the dossier (its id and
code), the procedure, the applicant (the person filing), the owner (chủ hồ sơ)
when someone else files for them, how the result is collected, each component
with its counts and the SHA-256 of every file, and the fee cases. Fees are
left out: they follow from the channel, which the confirmation itself changes.
The digest is the SHA-256 of that content as canonical JSON (keys sorted, no
spaces, UTF-8), so the same content always gives the same digest and any
change gives another.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from workstation.domain import Applicant, CollectionMethod, Dossier


def dossier_content(dossier: Dossier) -> dict[str, Any]:
    """The dossier's content as the citizen confirms it.

    The owner and the collection method appear only when they differ from the
    defaults (the filer owns it, collected at the counter), so proofs given
    before they were part of the content still match those dossiers; naming
    an owner or another method changes the digest all the same.
    """
    content: dict[str, Any] = {
        "dossier_id": dossier.id,
        "code": dossier.code,
        "procedure_code": dossier.procedure_code,
        "procedure_version": dossier.procedure_version,
        "applicant": _person(dossier.applicant),
        "components": [
            {
                "requirement_code": c.requirement_code,
                "name": c.name,
                "originals": c.originals,
                "certified_copies": c.certified_copies,
                "photocopies": c.photocopies,
                "paper_pages": c.paper_pages,
                "documents": [d.sha256 for d in c.documents],
            }
            for c in dossier.components
        ],
        "cases": sorted(dossier.cases),
    }
    # Whose dossier it is and how they collect: changing either is confirmed again.
    if dossier.owner is not None:
        content["owner"] = _person(dossier.owner)
    if dossier.collection is not CollectionMethod.COUNTER:
        content["collection"] = str(dossier.collection)
    return content


def _person(a: Applicant) -> dict[str, Any]:
    return {
        "type": int(a.type),
        "name": a.name,
        "id_number": a.id_number,
        "address": a.address,
        "phone": a.phone,
        "email": a.email,
    }


def content_digest(dossier: Dossier) -> str:
    """SHA-256 (hex) of :func:`dossier_content` as canonical JSON."""
    text = json.dumps(
        dossier_content(dossier), ensure_ascii=False, sort_keys=True, separators=(",", ":")
    )
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
