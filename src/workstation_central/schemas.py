"""The bodies the central API reads and writes (pydantic), as docs/central-api.yaml shows them."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field


class Login(BaseModel):
    user: str = Field(min_length=1, max_length=100)
    password: str = Field(min_length=1)


class Refresh(BaseModel):
    refresh_token: str = Field(min_length=1)


class Tokens(BaseModel):
    access_token: str
    refresh_token: str
    expires_in: int
    user: str
    roles: list[str] = Field(
        default_factory=list,
        description="The officer's roles (counter_officer, records_clerk, signing_officer, "
        "administrator): what the workstation lets them do.",
    )


class DocumentIn(BaseModel):
    id: str = Field(max_length=64)
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    media_type: str = Field(max_length=100)
    file_name: str = Field(max_length=300)
    size_bytes: int = Field(ge=0)
    page_count: int | None = None


class ComponentIn(BaseModel):
    id: str
    requirement_code: str | None = None
    name: str | None = None
    digitisation: int | None = None
    documents: list[DocumentIn] = []


class ApplicantIn(BaseModel):
    type: int
    name: str
    id_number: str | None = Field(default=None, max_length=32)
    address: str | None = None
    current_address: str | None = Field(
        default=None, description="Today's units suggested for the address (never replacing it)"
    )
    address_units: Literal["current", "mapped", "unknown"] | None = None
    phone: str | None = None
    email: str | None = None


class OwnerIn(BaseModel):
    """The dossier's owner (chủ hồ sơ) when someone else files for them."""

    type: int
    name: str
    id_number: str | None = Field(default=None, max_length=32)
    address: str | None = None
    phone: str | None = None
    email: str | None = None


class DossierIn(BaseModel):
    """A dossier as the workstation's ``dossier.created`` message carries it."""

    id: str = Field(min_length=1, max_length=64)
    code: str | None = Field(default=None, max_length=64)
    procedure_code: str
    procedure_version: int | str | None = None
    status: int = Field(ge=1, le=10, description="National status code 1-10")
    channel: str | None = None
    received_at: str | None = None
    applicant: ApplicantIn
    owner: OwnerIn | None = Field(
        default=None, description="The owner when not the person filing; absent: the applicant"
    )
    collection: Literal["counter", "post", "online"] | None = Field(
        default=None, description="How the result will be collected; absent: at the counter"
    )
    components: list[ComponentIn] = []
    schema_: int = Field(default=1, alias="schema")


class SignatureIn(BaseModel):
    role: str = Field(pattern=r"^(result|certified_copy|seal)$")
    signer: str = Field(min_length=1, max_length=500)
    certificate_sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    signing_time: str = Field(min_length=1, max_length=40)
    field_name: str | None = None


class SignedDocumentIn(BaseModel):
    """A signed PDF of a dossier, as the workstation's ``document.signed`` message carries it."""

    dossier_id: str = Field(min_length=1, max_length=64)
    dossier_code: str | None = None
    component_id: str | None = None
    source_document_id: str = Field(min_length=1, max_length=64)
    document: DocumentIn
    signature: SignatureIn
    schema_: int = Field(default=1, alias="schema")


class AddedDocumentIn(BaseModel):
    """A document added to a dossier after it was created, as the workstation's
    ``document.added`` message carries it: to a component (``component_id``), or as the
    dossier's result (``result``: its number, signer and a filed result form's fields)."""

    dossier_id: str = Field(min_length=1, max_length=64)
    dossier_code: str | None = None
    component_id: str | None = Field(default=None, max_length=64)
    document: DocumentIn
    result: dict[str, Any] | None = None
    pages: list[dict[str, Any]] = []
    schema_: int = Field(default=1, alias="schema")


class StatusIn(BaseModel):
    status: int = Field(ge=1, le=10, description="National status code 1-10")


class LifecycleEventIn(BaseModel):
    """The payload of a step of a dossier's life cycle at the counter (supplement
    requested or received, refused, extended, stopped): the workstation's
    ``dossier.<event>`` messages."""

    dossier_id: str = Field(min_length=1, max_length=64)
    code: str | None = None
    event_id: str = Field(min_length=1, max_length=64)
    event: Literal["supplement_requested", "supplement_received", "refused", "extended", "stopped"]
    at: str = Field(pattern=r"^\d{14}$", description="yyyyMMddHHmmss, Vietnam time")
    status: int = Field(ge=1, le=10, description="National status code 1-10 after the step")
    due_at: str | None = Field(default=None, pattern=r"^\d{14}$")
    details: dict[str, Any] = {}
    schema_: int = Field(default=1, alias="schema")


class FileCheck(BaseModel):
    sha256: list[Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")]] = Field(max_length=1000)


class FileCheckOut(BaseModel):
    held: list[str]
    missing: list[str]


class FilesOut(BaseModel):
    """The files of a ``POST /v1/files`` the server now holds (each SHA-256 once)."""

    stored: list[str]


class BlockIn(BaseModel):
    unit: str = Field(min_length=1, max_length=64)
    day: str = Field(pattern=r"^\d{4}-\d{2}-\d{2}$")
    size: int = Field(ge=1, le=10_000)


class BlockOut(BaseModel):
    unit: str
    day: str
    first: int
    last: int


class ArchiveIn(BaseModel):
    """An archive record: of a dossier (``dossier_id``) or of a digitised archive batch
    (none); ``sha256`` names its PDF/A, uploaded first (``/v1/uploads``)."""

    id: str = Field(min_length=1, max_length=64)
    dossier_id: str | None = Field(default=None, min_length=1, max_length=64)
    sha256: str | None = Field(default=None, pattern=r"^[0-9a-f]{64}$")
    record: dict[str, Any] = {}


class AuditHeadIn(BaseModel):
    """A workstation's audit-log chain head: ``count`` entries, the newest hashing to
    ``head`` (SHA-256), written ``at`` (ISO 8601, UTC)."""

    workstation: str = Field(min_length=1, max_length=100)
    count: int = Field(ge=1, le=2_147_483_647)
    head: str = Field(pattern=r"^[0-9a-f]{64}$")
    at: str | None = Field(default=None, max_length=40)


class AuditHeadOut(BaseModel):
    workstation: str
    count: int
    head: str
    at: str | None
    officer: str


class AuditHeads(BaseModel):
    heads: list[AuditHeadOut]


LIFECYCLE_KINDS = (
    "dossier.supplement_requested",
    "dossier.supplement_received",
    "dossier.refused",
    "dossier.extended",
    "dossier.stopped",
)
EVENT_KINDS = (
    *LIFECYCLE_KINDS,
    "dossier.submitted_online",
    "payment.recorded",
    "result.handed_over",
    "rating.recorded",
)


class EventIn(BaseModel):
    """What the counter did to a dossier after creating it (kinds as the outbox names them):
    a life-cycle step (its payload a :class:`LifecycleEventIn`), filing online on the
    citizen's behalf, a payment, the hand-over of the result, a rating."""

    kind: Literal[
        "dossier.supplement_requested",
        "dossier.supplement_received",
        "dossier.refused",
        "dossier.extended",
        "dossier.stopped",
        "dossier.submitted_online",
        "payment.recorded",
        "result.handed_over",
        "rating.recorded",
    ]
    payload: dict[str, Any] = {}


class PaymentConfirmationIn(BaseModel):
    """The bank's report of a payment for a dossier."""

    reference: str = Field(min_length=1, max_length=100)
    amount: int = Field(ge=1)


class ProblemDetail(BaseModel):
    """Why a request was refused: a stable ``code`` and an English ``detail``, maybe more."""

    model_config = ConfigDict(extra="allow")

    code: str
    detail: str


class Problem(BaseModel):
    """Every refusal the server makes itself (401, 404, 409 …)."""

    detail: ProblemDetail


class ValidationIssue(BaseModel):
    loc: list[str | int]
    msg: str
    type: str


class HTTPValidationError(BaseModel):
    """A body, path or header that does not fit the document (FastAPI's own 422)."""

    detail: list[ValidationIssue]


class StatusUpdate(BaseModel):
    seq: int
    id: str
    status: int = Field(ge=1, le=10)


class StatusUpdates(BaseModel):
    """Status changes after ``after``, oldest first; ``last`` is where to read on from."""

    updates: list[StatusUpdate]
    last: int


class TargetSetOut(BaseModel):
    """One agency's target rates (0..1 by measure name) from ``effective_from`` on;
    agency ``*``: every agency without its own entry."""

    agency: str = Field(min_length=1, max_length=50)
    effective_from: date
    rates: dict[str, Annotated[float, Field(ge=0, le=1)]]
    source: str = ""


class TargetsOut(BaseModel):
    """The province's statistics targets per agency, every version with its effective date."""

    illustrative: bool = False
    targets: list[TargetSetOut]


class BatchItem(BaseModel):
    """One write of a batch: what the single request of the same operation would send.

    ``op`` names it: ``dossier.create`` (``body`` a DossierIn, as ``POST /v1/dossiers``),
    ``dossier.status`` (StatusIn), ``dossier.delete`` (no body), ``dossier.event``
    (EventIn), ``dossier.document`` (AddedDocumentIn), ``dossier.signed_document``
    (SignedDocumentIn), ``archive_record.create`` (ArchiveIn), ``audit_head.add``
    (AuditHeadIn); ``dossier_id`` is the
    dossier the single request's address names (none for the creations).
    """

    key: str = Field(
        min_length=1,
        max_length=200,
        description="The write's Idempotency-Key: the same as the single request would carry, "
        "so a write is applied once whichever way it arrives.",
    )
    op: Literal[
        "dossier.create",
        "dossier.status",
        "dossier.delete",
        "dossier.event",
        "dossier.document",
        "dossier.signed_document",
        "archive_record.create",
        "audit_head.add",
    ]
    dossier_id: str | None = Field(default=None, min_length=1, max_length=64)
    body: dict[str, Any] | None = None


class BatchIn(BaseModel):
    items: list[BatchItem] = Field(min_length=1, max_length=100)


class BatchResult(BaseModel):
    """One item's answer: the status and body its single request would have had."""

    key: str
    status: int
    body: dict[str, Any]
    replayed: bool = Field(description="Applied before under this key: nothing changed now.")


class BatchOut(BaseModel):
    results: list[BatchResult]


# What the routes answer (each route's success body, as its handler builds it) -----------


class CatalogueOut(BaseModel):
    """The published procedure catalogue (resources/catalogue/README.md format): a
    ``procedures`` list, its entries and the other keys as the province wrote them."""

    model_config = ConfigDict(extra="allow")

    procedures: list[dict[str, Any]]


class DossierCreated(BaseModel):
    id: str
    status: int = Field(ge=1, le=10, description="National status code 1-10")


class DossierOut(BaseModel):
    """A dossier the server holds: its id, code (none until one was given) and status."""

    id: str
    code: str | None
    status: int = Field(ge=1, le=10, description="National status code 1-10")


class DossierDeleted(BaseModel):
    id: str
    deleted: bool


class StatusSet(BaseModel):
    id: str
    status: int = Field(ge=1, le=10, description="National status code 1-10")


class DocumentAdded(BaseModel):
    """The id of the document now among the dossier's files."""

    id: str


class SignedDocumentAdded(BaseModel):
    """The id of the signed document now among the dossier's files, and its role."""

    id: str
    role: str


class EventAdded(BaseModel):
    id: str = Field(description="The dossier's id")
    kind: str


class EventOut(BaseModel):
    """An event's payload as the workstation sent it, with its ``kind``."""

    model_config = ConfigDict(extra="allow")

    kind: str


class EventsOut(BaseModel):
    """The dossier's events in the order they arrived."""

    events: list[EventOut]


class PaymentConfirmed(BaseModel):
    id: str = Field(description="The dossier's id")
    reference: str


class PaymentConfirmationOut(BaseModel):
    reference: str
    amount: int
    confirmed_at: str = Field(description="ISO 8601, UTC")


class PaymentConfirmations(BaseModel):
    confirmations: list[PaymentConfirmationOut]


class UploadCreated(BaseModel):
    """A tus upload (its address in ``Location``); ``created``: new, nothing arrived before
    (false: an unfinished upload of the same content, handed out again)."""

    id: str
    created: bool


class CitizenDocument(BaseModel):
    """One file of the citizen's dossiers, with the component it was filed under."""

    dossier_id: str
    dossier_code: str | None
    document_id: str
    component_code: str | None
    component_name: str | None
    name: str
    sha256: str
    media_type: str
    bytes: int


class CitizenDocuments(BaseModel):
    documents: list[CitizenDocument]


class ArchiveRecorded(BaseModel):
    id: str


class AuditHeadKept(BaseModel):
    workstation: str
    count: int
    head: str
