"""Importing dossiers from a JSON file: bulk entry and migration from an older system.

The format is ``resources/examples/dossiers.schema.json`` (JSON Schema); an
example with its files is ``resources/examples/dossiers.json``. The whole file
is checked against the schema first (a file that does not follow it imports
nothing); then each dossier is received exactly as at the counter
(:func:`workstation.intake.receive.prepare_dossier` and
:func:`~workstation.intake.receive.save_dossier`, one transaction per
dossier), so a refused dossier leaves nothing of itself and does not stop the
others. Each dossier's ``import_key`` is stored with it: an entry imported
before is reported as already present and not created again.
"""

from __future__ import annotations

import functools
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import StrEnum
from pathlib import Path
from typing import Any

from workstation.domain import (
    Applicant,
    ApplicantType,
    Catalogue,
    Channel,
    CollectionMethod,
    Dossier,
)
from workstation.domain.clock import VIETNAM
from workstation.domain.contact import applicant_warnings
from workstation.domain.field_warning import FieldWarning
from workstation.domain.owner import dossier_owner
from workstation.errors import BadInput, ConfigError, WorkstationError
from workstation.intake.receive import (
    ChecklistRequest,
    CodeIssuer,
    ComponentReceipt,
    page_warnings,
    prepare_dossier,
    save_dossier,
)
from workstation.paths import resources_dir
from workstation.store import BlobStore, Database
from workstation.store.dossiers import find_imported

log = logging.getLogger(__name__)

FORMAT = "workstation.dossiers/1"
MAX_IMPORT_BYTES = 20 * 1024 * 1024
"""The largest import file read (its files are read from disk one at a time)."""


def schema_path() -> Path:
    return resources_dir() / "examples" / "dossiers.schema.json"


class ImportResult(StrEnum):
    CREATED = "created"
    ALREADY_PRESENT = "already_present"
    REFUSED = "refused"


@dataclass(frozen=True)
class ImportOutcome:
    """What became of one dossier of the file."""

    import_key: str
    result: ImportResult
    dossier: Dossier | None = None
    error: WorkstationError | None = None
    warnings: list[FieldWarning] = field(default_factory=list)


@functools.cache
def _validator():  # type: ignore[no-untyped-def]
    import jsonschema

    schema = json.loads(schema_path().read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    # Formats (date-time) are not asserted: each dossier's dates are checked when it is
    # received, so an impossible date refuses that dossier alone, with its reason.
    return jsonschema.Draft202012Validator(schema)


def read_import_file(path: Path) -> list[dict[str, Any]]:
    """The dossiers of ``path``, checked against the schema; ``import.invalid`` names the
    first place the file departs from it, ``import.unreadable`` a file that is no JSON."""
    import jsonschema  # only importing needs it

    try:
        if path.stat().st_size > MAX_IMPORT_BYTES:
            raise BadInput(
                f"import file over {MAX_IMPORT_BYTES} bytes",
                code="import.too_large",
                limit=MAX_IMPORT_BYTES // (1024 * 1024),
            )
        document = json.loads(path.read_bytes())
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise BadInput(
            f"import file cannot be read: {exc.__class__.__name__}", code="import.unreadable"
        ) from exc
    error = jsonschema.exceptions.best_match(_validator().iter_errors(document))
    if error is not None:
        where = "/".join(str(p) for p in error.absolute_path) or "/"
        raise BadInput(
            f"import file does not follow the format at {where}: {error.message}",
            code="import.invalid",
            where=where,
        )
    keys = [entry["import_key"] for entry in document["dossiers"]]
    repeated = sorted({k for k in keys if keys.count(k) > 1})
    if repeated:
        raise BadInput(
            f"import key {repeated[0]} is given to several dossiers",
            code="import.key_twice",
            key=repeated[0],
        )
    return list(document["dossiers"])


def _received_at(text: str | None) -> datetime | None:
    if text is None:
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError as exc:
        raise BadInput(
            f"{text!r} is not a date and time", code="receive.bad_date", value=text
        ) from exc
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=VIETNAM)


def _applicant(a: dict[str, Any]) -> Applicant:
    return Applicant(
        name=a["name"],
        type=ApplicantType(a["type"]),
        id_number=a.get("id_number"),
        address=a.get("address"),
        phone=a.get("phone"),
        email=a.get("email"),
    )


def request_from_entry(entry: dict[str, Any], folder: Path) -> ChecklistRequest:
    """The counter request one dossier of the file describes (files relative to ``folder``)."""
    applicant = _applicant(entry["applicant"])
    owner = None
    if "owner" in entry:
        o = entry["owner"]
        owner = dossier_owner(
            o["name"],
            ApplicantType(o["type"]),
            o.get("id_number"),
            o.get("address"),
            o.get("phone"),
            o.get("email"),
        )
    components = []
    for c in entry["components"]:
        files = []
        for name in c.get("files", []):
            path = Path(name)
            if path.is_absolute():
                raise BadInput(
                    "files are named relative to the import file",
                    code="import.absolute_path",
                    component=c["code"],
                )
            files.append(folder / path)
        components.append(ComponentReceipt(c["code"], tuple(files), c.get("paper_pages")))
    return ChecklistRequest(
        procedure_code=entry["procedure"],
        applicant=applicant,
        components=tuple(components),
        channel=Channel(entry.get("channel", Channel.COUNTER)),
        received_at=_received_at(entry.get("received_at")),
        cases=tuple(entry.get("cases", ())),
        import_key=entry["import_key"],
        owner=owner,
        collection=CollectionMethod(entry.get("collection", CollectionMethod.COUNTER)),
    )


def import_dossiers(
    database: Database,
    blobs: BlobStore,
    catalogue: Catalogue,
    path: Path,
    issuer: CodeIssuer | None,
    progress: Callable[[int, int], None] | None = None,
) -> list[ImportOutcome]:
    """Receive every dossier of the import file ``path``; one outcome per dossier, in order."""
    entries = read_import_file(path)
    folder = path.resolve().parent
    outcomes = []
    for done, entry in enumerate(entries):
        if progress is not None:
            progress(done, len(entries))
        outcomes.append(_import_one(database, blobs, catalogue, entry, folder, issuer))
    counts = {r: sum(o.result is r for o in outcomes) for r in ImportResult}
    log.info(
        "import: %d created, %d already present, %d refused",
        counts[ImportResult.CREATED],
        counts[ImportResult.ALREADY_PRESENT],
        counts[ImportResult.REFUSED],
    )
    return outcomes


def _import_one(
    database: Database,
    blobs: BlobStore,
    catalogue: Catalogue,
    entry: dict[str, Any],
    folder: Path,
    issuer: CodeIssuer | None,
) -> ImportOutcome:
    key = entry["import_key"]
    with database.reading() as session:
        if find_imported(session, key) is not None:
            return ImportOutcome(key, ImportResult.ALREADY_PRESENT)
    try:
        request = request_from_entry(entry, folder)
        dossier = prepare_dossier(blobs, catalogue, request)
        dossier = save_dossier(database, dossier, issuer)
    except ConfigError:
        raise  # the workstation's settings, not this dossier: stop here
    except BadInput as exc:  # the store or a part failing stops the import too
        if exc.code == "import.already_present":  # imported meanwhile by another process
            return ImportOutcome(key, ImportResult.ALREADY_PRESENT)
        return ImportOutcome(key, ImportResult.REFUSED, error=exc)
    warnings = [*applicant_warnings(request.applicant), *page_warnings(dossier)]
    if request.owner is not None:
        warnings += [
            replace(w, field=f"owner.{w.field}") for w in applicant_warnings(request.owner)
        ]
    return ImportOutcome(key, ImportResult.CREATED, dossier=dossier, warnings=warnings)
