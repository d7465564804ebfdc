"""The tables of the local store, as SQLAlchemy 2 typed models.

These classes are the store's own business: the rest of the workstation
speaks in :mod:`workstation.domain` dataclasses, and the repositories
(:mod:`workstation.store.dossiers`) translate. Every schema change comes with
an Alembic migration in ``migrations/versions``; a test checks that the models
and the migrated schema agree.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy import false as sa_false
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from workstation.store.protection import PersonalText, SealedDigest


class Base(DeclarativeBase):
    pass


class OfficerRow(Base):
    __tablename__ = "officers"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(100), unique=True)
    full_name: Mapped[str] = mapped_column(PersonalText)
    unit_code: Mapped[str] = mapped_column(String(40), default="")
    created_at: Mapped[datetime]


class ApplicantRow(Base):
    __tablename__ = "applicants"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    type: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(PersonalText)
    # Searched through dossier_search_tokens (a blind index, store.search_index), never a
    # plain copy of the name.
    id_number: Mapped[str | None] = mapped_column(PersonalText)
    address: Mapped[str | None] = mapped_column(PersonalText)
    phone: Mapped[str | None] = mapped_column(PersonalText)
    email: Mapped[str | None] = mapped_column(PersonalText)
    # The current two-level unit suggested for the card's address (never replacing it),
    # and how it was found: current, mapped or unknown (domain.admin_units).
    current_address: Mapped[str | None] = mapped_column(PersonalText)
    address_units: Mapped[str | None] = mapped_column(String(20))


class DossierRow(Base):
    __tablename__ = "dossiers"
    __table_args__ = (
        Index("ix_dossiers_received", "received_at", "id"),
        Index("ix_dossiers_number", "number", unique=True),
        Index("ix_dossiers_import_key", "import_key", unique=True),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    # The dossier's short number on this workstation (1, 2, 3 … in the order received),
    # what the window shows before an official code is issued; never reused.
    number: Mapped[int] = mapped_column(Integer)
    code: Mapped[str | None] = mapped_column(String(40), unique=True)
    procedure_code: Mapped[str] = mapped_column(String(40))
    procedure_version: Mapped[int] = mapped_column(Integer, default=1)
    applicant_id: Mapped[str] = mapped_column(ForeignKey("applicants.id"))
    status: Mapped[int] = mapped_column(Integer)
    channel: Mapped[str] = mapped_column(String(20))
    received_at: Mapped[datetime]
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    officer_id: Mapped[int | None] = mapped_column(ForeignKey("officers.id"))
    due_at: Mapped[datetime | None]  # the appointment (ngày hẹn trả), UTC like every time
    fee: Mapped[int | None] = mapped_column(Integer)  # lệ phí in đồng; None: not assessed
    charge: Mapped[int | None] = mapped_column(Integer)  # phí in đồng
    fee_paid: Mapped[bool] = mapped_column(Boolean, default=False, server_default=sa_false())
    # The key an import gave the dossier, so importing one file twice creates it once.
    import_key: Mapped[str | None] = mapped_column(String(100))
    # The applicant's fee cases, comma-separated, so fees can be assessed again (online).
    fee_cases: Mapped[str] = mapped_column(String(200), default="", server_default="")
    # The dossier's owner (chủ hồ sơ) when someone else files for them; all None when
    # the person filing is the owner. Personal data, sealed like the applicant's.
    owner_type: Mapped[int | None] = mapped_column(Integer)
    owner_name: Mapped[str | None] = mapped_column(PersonalText)
    owner_id_number: Mapped[str | None] = mapped_column(PersonalText)
    owner_address: Mapped[str | None] = mapped_column(PersonalText)
    owner_phone: Mapped[str | None] = mapped_column(PersonalText)
    owner_email: Mapped[str | None] = mapped_column(PersonalText)
    # How the result will be collected (domain.dossier.CollectionMethod).
    collection: Mapped[str] = mapped_column(String(20), default="counter", server_default="counter")
    # When the retention purge forgot the dossier's personal data (workstation.retention).
    forgotten_at: Mapped[datetime | None]

    applicant: Mapped[ApplicantRow] = relationship(lazy="joined")
    components: Mapped[list[ComponentRow]] = relationship(
        back_populates="dossier", order_by="ComponentRow.position", cascade="all, delete-orphan"
    )
    search_tokens: Mapped[list[DossierSearchTokenRow]] = relationship(cascade="all, delete-orphan")


class DossierSearchTokenRow(Base):
    """One keyed token of a dossier's applicant name (the blind name index).

    ``token`` is a folded word of the name, or one of its prefixes, passed
    through the codec's keyed door (:mod:`workstation.store.search_index`):
    a keyed hash under the sealing codec, never the plain name. The dossier is
    named by its short ``number`` and its reception time is repeated as
    ``received`` (microseconds since 1970, UTC), both integers to keep the rows
    small, so that the rows of one token lie in the list's order (clustered on
    the primary key, no rowid): a search walks them newest first and stops
    after a page.
    """

    __tablename__ = "dossier_search_tokens"
    __table_args__ = (
        Index("ix_dossier_search_tokens_number", "number"),
        {"sqlite_with_rowid": False},
    )

    token: Mapped[str] = mapped_column(String(16), primary_key=True)
    received: Mapped[int] = mapped_column(Integer, primary_key=True)
    number: Mapped[int] = mapped_column(ForeignKey("dossiers.number"), primary_key=True)


class ComponentRow(Base):
    __tablename__ = "components"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    dossier_id: Mapped[str] = mapped_column(ForeignKey("dossiers.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    requirement_code: Mapped[str | None] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(Text)
    originals: Mapped[int] = mapped_column(Integer, default=1)
    certified_copies: Mapped[int] = mapped_column(Integer, default=0)
    photocopies: Mapped[int] = mapped_column(Integer, default=0)
    digitisation: Mapped[int] = mapped_column(Integer, default=0)
    paper_pages: Mapped[int | None] = mapped_column(Integer)  # as the officer counted them

    dossier: Mapped[DossierRow] = relationship(back_populates="components")
    documents: Mapped[list[DocumentRow]] = relationship(
        back_populates="component", order_by="DocumentRow.position", cascade="all, delete-orphan"
    )


class DocumentRow(Base):
    __tablename__ = "documents"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    component_id: Mapped[str | None] = mapped_column(ForeignKey("components.id"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    kind: Mapped[str] = mapped_column(String(20))
    sha256: Mapped[str] = mapped_column(SealedDigest(64), index=True)
    media_type: Mapped[str] = mapped_column(String(100))
    file_name: Mapped[str] = mapped_column(PersonalText)  # names often carry personal data
    size_bytes: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime]
    # When the retention purge removed the local copy (the central system holds the file).
    removed_at: Mapped[datetime | None]

    component: Mapped[ComponentRow | None] = relationship(back_populates="documents")
    pages: Mapped[list[PageRow]] = relationship(
        order_by="PageRow.number", cascade="all, delete-orphan"
    )


class PageRow(Base):
    __tablename__ = "pages"
    __table_args__ = (UniqueConstraint("document_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[str] = mapped_column(ForeignKey("documents.id"))
    number: Mapped[int] = mapped_column(Integer)
    image_sha256: Mapped[str | None] = mapped_column(SealedDigest(64))
    width_px: Mapped[int | None] = mapped_column(Integer)
    height_px: Mapped[int | None] = mapped_column(Integer)


class PageCaptureRow(Base):
    """What capture measured on a page (for the digitisation statistics)."""

    __tablename__ = "page_captures"

    page_id: Mapped[int] = mapped_column(ForeignKey("pages.id"), primary_key=True)
    dpi: Mapped[int | None] = mapped_column(Integer)
    colour: Mapped[str | None] = mapped_column(String(20))
    skew_deg: Mapped[float | None] = mapped_column(Float)
    blank: Mapped[bool] = mapped_column(Boolean, default=False)
    ocr_confidence: Mapped[float | None] = mapped_column(Float)
    warnings: Mapped[str] = mapped_column(Text, default="")


class ResultRow(Base):
    __tablename__ = "results"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    dossier_id: Mapped[str] = mapped_column(ForeignKey("dossiers.id"), index=True)
    number_symbol: Mapped[str] = mapped_column(String(100), default="")
    issued_at: Mapped[datetime | None]
    signer: Mapped[str] = mapped_column(Text, default="")
    document_id: Mapped[str | None] = mapped_column(ForeignKey("documents.id"))


class DossierEventRow(Base):
    """One step of a dossier's life cycle at the counter (see ``workstation.lifecycle``).

    ``details`` is JSON (reasons, items to supplement): personal data, sealed.
    ``form_file`` is the printed form's file name under the data folder's ``forms/``.
    """

    __tablename__ = "dossier_events"
    __table_args__ = (Index("ix_dossier_events_dossier", "dossier_id", "at"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    dossier_id: Mapped[str] = mapped_column(ForeignKey("dossiers.id"))
    kind: Mapped[str] = mapped_column(String(40))
    at: Mapped[datetime]
    status_before: Mapped[int | None] = mapped_column(Integer)
    status_after: Mapped[int | None] = mapped_column(Integer)
    due_before: Mapped[datetime | None]
    due_after: Mapped[datetime | None]
    details: Mapped[str] = mapped_column(PersonalText)
    form: Mapped[str | None] = mapped_column(String(20))
    form_file: Mapped[str | None] = mapped_column(Text)


class SignatureRow(Base):
    """A signed PDF stored in a dossier: which document it was signed from, in which role, by
    whom (the signer's name is personal data) with which certificate, and when."""

    __tablename__ = "signatures"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    dossier_id: Mapped[str] = mapped_column(ForeignKey("dossiers.id"), index=True)
    document_id: Mapped[str] = mapped_column(ForeignKey("documents.id"))
    source_document_id: Mapped[str] = mapped_column(ForeignKey("documents.id"))
    role: Mapped[str] = mapped_column(String(20))  # result, certified_copy, seal
    signer: Mapped[str] = mapped_column(PersonalText)
    certificate_sha256: Mapped[str] = mapped_column(String(64))
    field_name: Mapped[str] = mapped_column(String(60))
    signed_at: Mapped[datetime]


class SigningRequestRow(Base):
    """A stored document waiting for an officer's signature (the signing queue)."""

    __tablename__ = "signing_requests"
    __table_args__ = (Index("ix_signing_requests_state", "state"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    dossier_id: Mapped[str] = mapped_column(ForeignKey("dossiers.id"))
    document_id: Mapped[str] = mapped_column(ForeignKey("documents.id"))
    role: Mapped[str] = mapped_column(String(20))
    state: Mapped[str] = mapped_column(String(20))  # waiting, signed, returned
    comment: Mapped[str] = mapped_column(PersonalText, default="")
    requested_at: Mapped[datetime]
    done_at: Mapped[datetime | None]
    signed_document_id: Mapped[str | None] = mapped_column(ForeignKey("documents.id"))


class CounterRow(Base):
    """A number that only grows (``dossier_number``: the last short number given)."""

    __tablename__ = "counters"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[int] = mapped_column(Integer)


class OutboxRow(Base):
    """A change waiting to reach the central system.

    ``message_id`` is the idempotency key the central system deduplicates on,
    so a message re-sent after a crash or a lost reply takes effect once.
    """

    __tablename__ = "outbox"
    __table_args__ = (
        Index("ix_outbox_state", "state", "id"),
        Index("ix_outbox_entity", "entity_id", "id"),  # order per entity, for the sender
    )

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    message_id: Mapped[str] = mapped_column(String(36), unique=True)
    kind: Mapped[str] = mapped_column(String(60))
    entity_id: Mapped[str] = mapped_column(String(36))
    payload: Mapped[str] = mapped_column(PersonalText)  # names, addresses: personal data
    state: Mapped[str] = mapped_column(String(20), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime]
    next_attempt_at: Mapped[datetime | None]
    claimed_at: Mapped[datetime | None]  # when a sender took it; expires (see outbox.claim_next)
    last_error: Mapped[str | None] = mapped_column(Text)  # why it was not sent (no payload)
    sent_at: Mapped[datetime | None]  # when the central system acknowledged it (retention)


class DossierCodeSequenceRow(Base):
    """A block of a unit's daily dossier-code sequence this workstation may issue from.

    ``origin`` is ``lease`` for a block the central system leased to this
    workstation, ``offline`` for the workstation's own stripe; ``next_value``
    is the next number to hand out (past ``last``: used up). See
    :mod:`workstation.store.sequences`.
    """

    __tablename__ = "dossier_code_sequences"
    __table_args__ = (UniqueConstraint("unit", "day", "format", "first"),)

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    unit: Mapped[str] = mapped_column(String(40))
    day: Mapped[date]
    format: Mapped[str] = mapped_column(String(20))
    origin: Mapped[str] = mapped_column(String(10))
    first: Mapped[int] = mapped_column(Integer)
    last: Mapped[int] = mapped_column(Integer)
    next_value: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime]


class IdentityProofRow(Base):
    """A citizen's own e-ID confirmation of a dossier's content (nộp hộ), one per confirmation.

    ``account_id_number`` is whose account signed in (never the officer's);
    ``content_sha256`` what they confirmed: the SHA-256 of the dossier's content as shown.
    """

    __tablename__ = "identity_proofs"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    dossier_id: Mapped[str] = mapped_column(ForeignKey("dossiers.id"), index=True)
    account_id_number: Mapped[str] = mapped_column(PersonalText)
    account_kind: Mapped[str] = mapped_column(String(40))
    method: Mapped[str] = mapped_column(String(40))
    provider: Mapped[str] = mapped_column(String(40))
    confirmed_at: Mapped[datetime]
    content_sha256: Mapped[str] = mapped_column(SealedDigest(64))
    submitted_at: Mapped[datetime]


class PaymentRow(Base):
    """A fee payment: recorded at the counter, or confirmed by the central system."""

    __tablename__ = "payments"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    dossier_id: Mapped[str] = mapped_column(ForeignKey("dossiers.id"), index=True)
    method: Mapped[str] = mapped_column(String(20))  # transfer | card | cash
    reference: Mapped[str] = mapped_column(String(100), default="")
    amount: Mapped[int] = mapped_column(Integer)
    source: Mapped[str] = mapped_column(String(20))  # counter | central
    recorded_at: Mapped[datetime]
    officer_id: Mapped[int | None] = mapped_column(Integer)


class HandoverRow(Base):
    """The result handed back (trả kết quả): to whom, how, when."""

    __tablename__ = "handovers"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    dossier_id: Mapped[str] = mapped_column(ForeignKey("dossiers.id"), index=True)
    delivery: Mapped[str] = mapped_column(String(20))  # counter | email | citizen_store
    collector: Mapped[str] = mapped_column(String(20))  # owner | authorised
    collector_id_number: Mapped[str] = mapped_column(PersonalText)
    authorisation_sha256: Mapped[str | None] = mapped_column(SealedDigest(64))
    email: Mapped[str | None] = mapped_column(PersonalText)
    handed_at: Mapped[datetime]
    officer_id: Mapped[int | None] = mapped_column(Integer)


class RatingRow(Base):
    """The citizen's rating of the service for one dossier (đánh giá mức độ hài lòng)."""

    __tablename__ = "ratings"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    dossier_id: Mapped[str] = mapped_column(ForeignKey("dossiers.id"), index=True)
    level: Mapped[str] = mapped_column(String(40))
    reason: Mapped[str | None] = mapped_column(PersonalText)  # free text may name people
    rated_at: Mapped[datetime]
    officer_id: Mapped[int | None] = mapped_column(Integer)


class ArchiveRecordRow(Base):
    """A record (hồ sơ lưu trữ) of a split archive batch, stored with its PDF/A.

    ``(batch, position)`` is unique, so storing a batch again after an
    interruption adds only the records not yet stored. The PDF/A is a
    document row without a component (kind ``archive``), so the blob clean-up
    keeps its file. ``record`` holds the whole metadata as JSON (titles may
    name people: personal data); the record is searched by its title, codes
    and keywords through ``archive_search_tokens`` (a blind index).
    """

    __tablename__ = "archive_records"
    __table_args__ = (
        UniqueConstraint("batch", "position"),
        Index("ix_archive_records_place", "fonds", "catalogue", "box", "file_number"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    batch: Mapped[str] = mapped_column(String(64))
    position: Mapped[int] = mapped_column(Integer)
    document_id: Mapped[str] = mapped_column(ForeignKey("documents.id"))
    fonds: Mapped[str] = mapped_column(String(100), default="")
    catalogue: Mapped[int | None] = mapped_column(Integer)
    box: Mapped[int | None] = mapped_column(Integer)
    file_number: Mapped[str] = mapped_column(String(100), default="")
    start_date: Mapped[date | None]
    end_date: Mapped[date | None]
    pages: Mapped[int] = mapped_column(Integer)
    record: Mapped[str] = mapped_column(PersonalText)
    warnings: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime]

    search_tokens: Mapped[list[ArchiveSearchTokenRow]] = relationship(cascade="all, delete-orphan")


class ArchiveSearchTokenRow(Base):
    """One keyed token of an archive record's title, codes and keywords (its blind index),
    made as :class:`DossierSearchTokenRow`'s under its own purpose."""

    __tablename__ = "archive_search_tokens"
    __table_args__ = (
        Index("ix_archive_search_tokens_record", "record_id"),
        {"sqlite_with_rowid": False},
    )

    token: Mapped[str] = mapped_column(String(16), primary_key=True)
    record_id: Mapped[str] = mapped_column(ForeignKey("archive_records.id"), primary_key=True)


class AuditRow(Base):
    """One audited action: who (``officer``), when (``at``, ISO UTC), what, on which ids.

    Never a citizen's data: only ids. Append-only (triggers refuse ``UPDATE``
    and ``DELETE``) and hash-chained: ``hash`` is the SHA-256 of the row's
    fields and ``prev_hash``, the previous row's ``hash`` (see
    :mod:`workstation.store.audit`).
    """

    __tablename__ = "audit_log"
    __table_args__ = (
        Index("ix_audit_log_officer", "officer", "seq"),
        Index("ix_audit_log_dossier", "dossier_id", "seq"),
    )

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    at: Mapped[str] = mapped_column(String(32))
    officer: Mapped[str] = mapped_column(String(100))
    officer_source: Mapped[str] = mapped_column(String(40))
    action: Mapped[str] = mapped_column(String(60))
    dossier_id: Mapped[str | None] = mapped_column(String(36))
    document_id: Mapped[str | None] = mapped_column(String(36))
    message_id: Mapped[str | None] = mapped_column(String(36))
    object_id: Mapped[str | None] = mapped_column(String(64))
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class StoreKeyRow(Base):
    """A data key of the store, wrapped; any row means encryption is on (store.keys).

    ``state``: ``sealing`` while the store is being sealed under it, ``current`` after.
    ``wrapped_local`` is under the key in the OS keyring, ``wrapped_recovery`` under
    the recovery key (:class:`StoreRecoveryRow`).
    """

    __tablename__ = "store_keys"

    key_id: Mapped[str] = mapped_column(String(16), primary_key=True)
    state: Mapped[str] = mapped_column(String(12))
    wrapped_local: Mapped[str] = mapped_column(Text)
    wrapped_recovery: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime]


class StoreRecoveryRow(Base):
    """The store's recovery key (one row, id 1), wrapped for each way of recovering it."""

    __tablename__ = "store_recovery"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    store_id: Mapped[str] = mapped_column(String(36))
    wrapped_local: Mapped[str] = mapped_column(Text)
    by_passphrase: Mapped[str | None] = mapped_column(Text)
    by_public_key: Mapped[str | None] = mapped_column(Text)
    public_key_sha256: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime]
