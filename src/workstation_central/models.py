"""The central server's tables (SQLAlchemy): officers, tokens, dossiers and their files,
uploads, idempotency keys, dossier-code blocks, archive records and audit-log heads.

Plain portable types only, so the same tables live in SQLite (the default) and
PostgreSQL (by URL).
"""

from __future__ import annotations

from sqlalchemy import BigInteger, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class Officer(Base):
    __tablename__ = "officers"

    user: Mapped[str] = mapped_column(String(100), primary_key=True)
    password_hash: Mapped[str] = mapped_column(String(200))  # scrypt$salt-hex$hash-hex


class OfficerRole(Base):
    """A role an officer holds (counter_officer, records_clerk, signing_officer,
    administrator); the workstation's role gate reads them from the sign-in answer."""

    __tablename__ = "officer_roles"

    user: Mapped[str] = mapped_column(ForeignKey("officers.user"), primary_key=True)
    role: Mapped[str] = mapped_column(String(40), primary_key=True)


class Token(Base):
    """A bearer token, stored by its SHA-256 (the token itself is never kept)."""

    __tablename__ = "tokens"

    digest: Mapped[str] = mapped_column(String(64), primary_key=True)
    user: Mapped[str] = mapped_column(ForeignKey("officers.user"))
    kind: Mapped[str] = mapped_column(String(10))  # access | refresh
    expires_at: Mapped[int] = mapped_column(BigInteger)  # Unix seconds


class DossierRecord(Base):
    __tablename__ = "dossiers"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    code: Mapped[str | None] = mapped_column(String(64), nullable=True)
    status: Mapped[int] = mapped_column(Integer)
    applicant_id_number: Mapped[str | None] = mapped_column(String(32), nullable=True, index=True)
    payload: Mapped[str] = mapped_column(Text)
    deleted: Mapped[bool] = mapped_column(default=False)


class DossierFile(Base):
    __tablename__ = "dossier_files"
    __table_args__ = (UniqueConstraint("dossier_id", "document_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    dossier_id: Mapped[str] = mapped_column(ForeignKey("dossiers.id"), index=True)
    document_id: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(300))
    sha256: Mapped[str] = mapped_column(String(64))
    media_type: Mapped[str] = mapped_column(String(100))


class StoredFile(Base):
    """A file the server holds, content-addressed; its SHA-256 was checked on arrival."""

    __tablename__ = "files"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    bytes: Mapped[int] = mapped_column(BigInteger)


class Upload(Base):
    """A tus upload in progress; its offset is the size of its part file on disk."""

    __tablename__ = "uploads"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    length: Mapped[int] = mapped_column(BigInteger)


class IdempotentResponse(Base):
    """The response to a write, kept under its Idempotency-Key: a repeat gets it again."""

    __tablename__ = "idempotency"

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    user: Mapped[str] = mapped_column(String(100))
    operation: Mapped[str] = mapped_column(Text)
    status: Mapped[int] = mapped_column(Integer)
    body: Mapped[str] = mapped_column(Text)
    location: Mapped[str | None] = mapped_column(String(300), nullable=True)


class SequenceBlock(Base):
    """The last dossier-code sequence number handed out, per unit and day."""

    __tablename__ = "sequence_blocks"

    unit: Mapped[str] = mapped_column(String(64), primary_key=True)
    day: Mapped[str] = mapped_column(String(10), primary_key=True)  # YYYY-MM-DD
    last: Mapped[int] = mapped_column(Integer)


class ArchiveRecord(Base):
    __tablename__ = "archive_records"

    """An archive record (of a dossier, or of a digitised archive batch: no dossier) and
    the SHA-256 of its PDF/A, a stored file."""

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    dossier_id: Mapped[str | None] = mapped_column(String(64), index=True, nullable=True)
    sha256: Mapped[str | None] = mapped_column(String(64), nullable=True)
    payload: Mapped[str] = mapped_column(Text)


class DossierEvent(Base):
    """Something the counter did to a dossier after creating it: submitted online on the
    citizen's behalf, a payment recorded, the result handed over, a rating."""

    __tablename__ = "dossier_events"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    dossier_id: Mapped[str] = mapped_column(String(64), index=True)
    kind: Mapped[str] = mapped_column(String(60))
    payload: Mapped[str] = mapped_column(Text)
    officer: Mapped[str] = mapped_column(String(100), default="")  # who sent it (signed in)


class PaymentConfirmation(Base):
    """A payment the bank reported for a dossier (the transfer note carried its code)."""

    __tablename__ = "payment_confirmations"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    dossier_id: Mapped[str] = mapped_column(String(64), index=True)
    reference: Mapped[str] = mapped_column(String(100))
    amount: Mapped[int] = mapped_column()
    confirmed_at: Mapped[str] = mapped_column(String(40))


class StatusEvent(Base):
    """A dossier's status as it changed, in order: what workstations read back.

    ``seq`` only grows; a workstation reads the events after the last one it applied.
    """

    __tablename__ = "status_events"

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    dossier_id: Mapped[str] = mapped_column(String(64), index=True)
    status: Mapped[int] = mapped_column(Integer)


class AuditHead(Base):
    """A workstation's audit-log chain head as it reported it: ``count`` entries ending in
    ``head``. One head per workstation and count: another hash for the same count means the
    workstation's log was rewritten."""

    __tablename__ = "audit_heads"
    __table_args__ = (UniqueConstraint("workstation", "count"),)

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    workstation: Mapped[str] = mapped_column(String(100), index=True)
    count: Mapped[int] = mapped_column(Integer)
    head: Mapped[str] = mapped_column(String(64))
    at: Mapped[str | None] = mapped_column(String(40), nullable=True)
    officer: Mapped[str] = mapped_column(String(100))
