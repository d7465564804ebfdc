"""Dossiers in the store: saving, listing a page at a time, loading one whole.

Functions take the caller's session, so a capability can save a dossier and
queue its outbox message in one transaction. The list pages by key (newest
first, on ``(received_at, id)``), which stays fast however many dossiers the
store holds.

Each dossier gets a short number when saved (1, 2, 3 … on this workstation,
never reused; :func:`workstation.domain.short_number` formats it). A search
finds a dossier by its short number only when the whole number is typed, and
:func:`find_dossier` takes whatever the officer has at hand: the short number,
the official code or the id.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import UTC, datetime

from sqlalchemy import delete, func, insert, or_, select, tuple_, update
from sqlalchemy.orm import Session, selectinload

from workstation.domain import (
    Applicant,
    ApplicantType,
    Channel,
    CollectionMethod,
    Component,
    DigitisationStatus,
    Document,
    DocumentKind,
    Dossier,
    DossierStatus,
    DossierSummary,
    Page,
)
from workstation.domain.dossier import SHORT_NUMBER_MAX_DIGITS, new_id, parse_short_number
from workstation.errors import BadInput, NotFound
from workstation.store.models import (
    ApplicantRow,
    ComponentRow,
    CounterRow,
    DocumentRow,
    DossierEventRow,
    DossierRow,
    HandoverRow,
    IdentityProofRow,
    PageCaptureRow,
    PageRow,
    PaymentRow,
    RatingRow,
    ResultRow,
    SignatureRow,
)
from workstation.store.search_index import (
    dossier_tokens,
    dossiers_named,
    named_in_order,
    rarest_first,
    received_key,
)
from workstation.store.timestamps import from_stored, to_stored


@dataclass(frozen=True)
class PageKey:
    """Where the previous page of the list ended."""

    received_at: datetime
    id: str


SEARCH_LENGTH = 200
"""The longest search text taken (a name, a code or a number is far shorter)."""
DOSSIER_NUMBER = "dossier_number"
_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")


def next_dossier_number(session: Session) -> int:
    """Take the next short number (inside the caller's write transaction, so never twice)."""
    with session.no_autoflush:
        number = session.scalar(
            update(CounterRow)
            .where(CounterRow.name == DOSSIER_NUMBER)
            .values(value=CounterRow.value + 1)
            .returning(CounterRow.value)
        )
        if number is None:  # the counter's row went missing: carry on after the highest
            number = (session.scalar(select(func.max(DossierRow.number))) or 0) + 1
            session.execute(insert(CounterRow).values(name=DOSSIER_NUMBER, value=number))
    return number


def add_dossier(session: Session, dossier: Dossier) -> Dossier:
    """Stage ``dossier`` with its applicant, components, documents and pages.

    Returns it with the short number it was given.
    """
    now = to_stored(datetime.now(UTC))
    applicant = dossier.applicant
    number = next_dossier_number(session)
    received_at = to_stored(dossier.received_at)
    row = DossierRow(
        id=dossier.id,
        number=number,
        code=dossier.code,
        procedure_code=dossier.procedure_code,
        procedure_version=dossier.procedure_version,
        status=int(dossier.status),
        channel=str(dossier.channel),
        received_at=received_at,
        created_at=now,
        updated_at=now,
        officer_id=dossier.officer_id,
        due_at=to_stored(dossier.due_at) if dossier.due_at is not None else None,
        fee=dossier.fee,
        charge=dossier.charge,
        fee_paid=dossier.fee_paid,
        import_key=dossier.import_key,
        fee_cases=",".join(dossier.cases),
        collection=str(dossier.collection),
        **_owner_columns(dossier.owner),
        search_tokens=dossier_tokens(applicant.name, received_at),
        applicant=ApplicantRow(
            id=new_id(),
            type=int(applicant.type),
            name=applicant.name,
            id_number=applicant.id_number,
            address=applicant.address,
            phone=applicant.phone,
            email=applicant.email,
            current_address=applicant.current_address,
            address_units=applicant.address_units,
        ),
    )
    for position, component in enumerate(dossier.components):
        component_row = ComponentRow(
            id=component.id,
            position=position,
            requirement_code=component.requirement_code,
            name=component.name,
            originals=component.originals,
            certified_copies=component.certified_copies,
            photocopies=component.photocopies,
            digitisation=int(component.digitisation),
            paper_pages=component.paper_pages,
        )
        for doc_position, document in enumerate(component.documents):
            component_row.documents.append(_document_row(document, doc_position, now))
        row.components.append(component_row)
    session.add(row)
    return replace(dossier, number=number)


def _owner_columns(owner: Applicant | None) -> dict[str, object]:
    """The dossier row's owner columns: all None when the person filing owns the dossier."""
    if owner is None:
        return {}
    return {
        "owner_type": int(owner.type),
        "owner_name": owner.name,
        "owner_id_number": owner.id_number,
        "owner_address": owner.address,
        "owner_phone": owner.phone,
        "owner_email": owner.email,
    }


def _owner(row: DossierRow) -> Applicant | None:
    if row.owner_name is None:
        return None
    return Applicant(
        name=row.owner_name,
        type=ApplicantType(row.owner_type or ApplicantType.CITIZEN),
        id_number=row.owner_id_number,
        address=row.owner_address,
        phone=row.owner_phone,
        email=row.owner_email,
    )


def set_dossier_status(session: Session, dossier_id: str, status: DossierStatus) -> bool:
    """Stage a new status for ``dossier_id``; False if it already had it.

    Queue :attr:`~workstation.store.outbox.MessageKind.DOSSIER_STATUS_CHANGED` in
    the same transaction when it changed.
    """
    row = _dossier_row(session, dossier_id)
    if row.status == int(status):
        return False
    row.status = int(status)
    row.updated_at = to_stored(datetime.now(UTC))
    return True


def delete_dossier(session: Session, dossier_id: str) -> None:
    """Stage the removal of ``dossier_id`` with its components, documents, pages and applicant.

    Queue :attr:`~workstation.store.outbox.MessageKind.DOSSIER_DELETED` in the same
    transaction. Its blobs stay until the blob clean-up finds them unreferenced.
    A dossier with financial or legal records is refused before anything is
    staged (:func:`refuse_deleting_records`).
    """
    from workstation.store.signatures import forget_dossier  # it builds on this module

    row = _dossier_row(session, dossier_id)
    refuse_deleting_records(session, dossier_id)
    applicant = row.applicant
    session.execute(delete(DossierEventRow).where(DossierEventRow.dossier_id == dossier_id))
    _forget_page_captures(session, dossier_id)
    forget_dossier(session, dossier_id)
    session.delete(row)
    if applicant is not None:
        session.delete(applicant)


def refuse_deleting_records(session: Session, dossier_id: str) -> None:
    """Refuse (:class:`BadInput`) to delete a dossier that has a payment, a hand-over of
    its result, a citizen's rating or an identity proof.

    Those are financial and legal records (money received, a result handed to a
    person, a citizen's own e-ID confirmation): they must outlive any mistake at
    the counter, so the dossier they belong to stays. Checked in the order a
    dossier gathers them; the first found is named.
    """
    for table, code, what in (
        (IdentityProofRow, "dossier.delete_has_identity_proofs", "an identity proof"),
        (PaymentRow, "dossier.delete_has_payments", "a payment"),
        (HandoverRow, "dossier.delete_has_handovers", "a hand-over of its result"),
        (RatingRow, "dossier.delete_has_ratings", "a citizen's rating"),
    ):
        count = session.scalar(
            select(func.count()).select_from(table).where(table.dossier_id == dossier_id)
        )
        if count:
            raise BadInput(
                f"dossier {dossier_id} has {what} on record and cannot be deleted",
                code=code,
                dossier=dossier_id,
                count=count,
            )


def _forget_page_captures(session: Session, dossier_id: str) -> None:
    """Stage the removal of what capture measured on the pages of the dossier's documents
    (its components', its result's and its signed ones): they would hold the pages back."""
    documents = (
        select(DocumentRow.id)
        .join(ComponentRow, ComponentRow.id == DocumentRow.component_id)
        .where(ComponentRow.dossier_id == dossier_id)
        .union(
            select(ResultRow.document_id).where(ResultRow.dossier_id == dossier_id),
            select(SignatureRow.document_id).where(SignatureRow.dossier_id == dossier_id),
            select(SignatureRow.source_document_id).where(SignatureRow.dossier_id == dossier_id),
        )
    )
    pages = select(PageRow.id).where(PageRow.document_id.in_(documents))
    session.execute(delete(PageCaptureRow).where(PageCaptureRow.page_id.in_(pages)))


def _dossier_row(session: Session, dossier_id: str) -> DossierRow:
    row = session.get(DossierRow, dossier_id)
    if row is None:
        raise NotFound(f"no dossier {dossier_id}", code="dossier.not_found", dossier=dossier_id)
    return row


def _document_row(document: Document, position: int, now: datetime) -> DocumentRow:
    return DocumentRow(
        id=document.id,
        position=position,
        kind=str(document.kind),
        sha256=document.sha256,
        media_type=document.media_type,
        file_name=document.file_name,
        size_bytes=document.size_bytes,
        created_at=now,
        pages=[
            PageRow(
                number=p.number,
                image_sha256=p.image_sha256,
                width_px=p.width_px,
                height_px=p.height_px,
            )
            for p in document.pages
        ],
    )


def _like_escaped(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _checked(search: str | None) -> str | None:
    """The search text stripped, None without one; :class:`BadInput` when too long."""
    if not search or not search.strip():
        return None
    if len(search) > SEARCH_LENGTH:
        raise BadInput(
            f"search text of {len(search)} characters; at most {SEARCH_LENGTH} are taken",
            code="search.too_long",
            limit=SEARCH_LENGTH,
        )
    return search.strip()


def _by_name_only(text: str) -> bool:
    """Whether ``text`` can only be (part of) a name: every dossier code, procedure code
    and short number holds a digit, so text without one is looked up in the name index
    alone, newest first, without reading the dossiers it does not match."""
    return not any(ch.isdigit() for ch in text)


def _search_filter(text: str):  # type: ignore[no-untyped-def]
    """Applicant name (every word typed, whole or its start, in any order, accents
    optional: :func:`~workstation.store.search_index.dossiers_named`), dossier code,
    the start of a procedure code, or the whole short number (``#000123``, ``#123``
    or ``000123``)."""
    raw = _like_escaped(text)
    conditions = [
        DossierRow.code.like(f"%{raw}%", escape="\\"),
        DossierRow.procedure_code.like(f"{raw}%", escape="\\"),
    ]
    named = dossiers_named(text)
    if named is not None:
        conditions.append(named)
    number = parse_short_number(text)
    if number is not None:
        conditions.append(DossierRow.number == number)
    return or_(*conditions)


def _summaries():  # type: ignore[no-untyped-def]
    """The select behind every list of dossiers: one row per dossier, as a summary."""
    component_count = (
        select(func.count(ComponentRow.id))
        .where(ComponentRow.dossier_id == DossierRow.id)
        .scalar_subquery()
    )
    return select(
        DossierRow.id,
        DossierRow.code,
        DossierRow.procedure_code,
        ApplicantRow.name,
        DossierRow.status,
        DossierRow.received_at,
        component_count,
        DossierRow.number,
    ).join(ApplicantRow, DossierRow.applicant_id == ApplicantRow.id)


def _summary(r) -> DossierSummary:  # type: ignore[no-untyped-def]
    return DossierSummary(
        id=r[0],
        code=r[1],
        procedure_code=r[2],
        applicant_name=r[3],
        status=DossierStatus(r[4]),
        received_at=from_stored(r[5]),
        component_count=r[6],
        number=r[7],
    )


def list_dossiers(
    session: Session, *, after: PageKey | None = None, limit: int = 200, search: str | None = None
) -> list[DossierSummary]:
    """One page of the dossier list, newest first, starting after ``after``."""
    text = _checked(search)
    if text is not None and _by_name_only(text):
        return _list_named(session, text, after, limit)
    query = _summaries().order_by(DossierRow.received_at.desc(), DossierRow.id.desc()).limit(limit)
    if after is not None:
        stored = to_stored(after.received_at)
        # A row-value comparison lets SQLite walk the (received_at, id) index straight
        # to the start of the page; the equivalent OR of two conditions scans.
        query = query.where(tuple_(DossierRow.received_at, DossierRow.id) < (stored, after.id))
    if text is not None:
        query = query.where(_search_filter(text))
    return [_summary(r) for r in session.execute(query)]


def _list_named(
    session: Session, text: str, after: PageKey | None, limit: int
) -> list[DossierSummary]:
    """A page of the dossiers whose applicant's name holds every word of ``text``: their
    rarest token's rows walked in the list's order, so a page reads about a page of rows."""
    tokens = rarest_first(session, text)
    if tokens is None:
        return []
    first, held = named_in_order(tokens)
    query = (
        _summaries()
        .join(first, first.number == DossierRow.number)
        .where(held)
        .order_by(first.received.desc(), first.number.desc())
        .limit(limit)
    )
    if after is not None:
        number = session.scalar(select(DossierRow.number).where(DossierRow.id == after.id))
        if number is None:  # the dossier the last page ended on is gone: start after its time
            query = query.where(first.received < received_key(to_stored(after.received_at)))
        else:
            key = (received_key(to_stored(after.received_at)), number)
            query = query.where(tuple_(first.received, first.number) < key)
    return [_summary(r) for r in session.execute(query)]


def count_dossiers(session: Session, search: str | None = None) -> int:
    """How many dossiers match ``search`` (all of them without one)."""
    text = _checked(search)
    if text is None:
        return session.scalar(select(func.count()).select_from(DossierRow)) or 0
    if _by_name_only(text):
        tokens = rarest_first(session, text)
        if tokens is None:
            return 0
        first, held = named_in_order(tokens)
        return session.scalar(select(func.count()).select_from(first).where(held)) or 0
    return session.scalar(select(func.count(DossierRow.id)).where(_search_filter(text))) or 0


def received_between(session: Session, start: datetime, end: datetime) -> list[DossierSummary]:
    """Every dossier received from ``start`` (included) to ``end`` (excluded), oldest first:
    the lines of the register (form 07)."""
    query = (
        _summaries()
        .where(DossierRow.received_at >= to_stored(start), DossierRow.received_at < to_stored(end))
        .order_by(DossierRow.received_at, DossierRow.id)
    )
    return [_summary(r) for r in session.execute(query)]


def get_dossier(session: Session, dossier_id: str) -> Dossier:
    """The whole dossier ``dossier_id``, or :class:`NotFound`."""
    row = session.scalars(
        select(DossierRow)
        .where(DossierRow.id == dossier_id)
        .options(
            selectinload(DossierRow.components)
            .selectinload(ComponentRow.documents)
            .selectinload(DocumentRow.pages)
        )
    ).one_or_none()
    if row is None:
        raise NotFound(f"no dossier {dossier_id}", code="dossier.not_found", dossier=dossier_id)
    return _dossier(row)


def find_dossier(session: Session, reference: str) -> Dossier:
    """The dossier the officer means by ``reference``: its short number as the window shows
    it (``#000123``, or just ``123``), its official code, or its id; else :class:`NotFound`."""
    text = reference.strip()
    if len(text) > SEARCH_LENGTH:
        raise BadInput(
            f"dossier reference of {len(text)} characters",
            code="search.too_long",
            limit=SEARCH_LENGTH,
        )
    plain = text.isascii() and text.isdigit() and len(text) <= SHORT_NUMBER_MAX_DIGITS
    number = int(text) if plain else parse_short_number(text)
    if number is not None:
        found = session.scalar(select(DossierRow.id).where(DossierRow.number == number))
    elif _UUID.fullmatch(text):
        found = text.lower()
    else:
        found = session.scalar(select(DossierRow.id).where(DossierRow.code == text))
    if found is None:
        raise NotFound(f"no dossier {text}", code="dossier.not_found", dossier=text)
    return get_dossier(session, found)


def find_imported(session: Session, import_key: str) -> str | None:
    """The id of the dossier an import created under ``import_key``, if there is one."""
    return session.scalar(select(DossierRow.id).where(DossierRow.import_key == import_key))


def referenced_blobs(session: Session) -> set[str]:
    """Every blob digest a document or page refers to."""
    documents = set(session.scalars(select(DocumentRow.sha256)))
    pages = set(
        session.scalars(select(PageRow.image_sha256).where(PageRow.image_sha256.is_not(None)))
    )
    return documents | pages


def _dossier(row: DossierRow) -> Dossier:
    a = row.applicant
    return Dossier(
        id=row.id,
        number=row.number,
        code=row.code,
        procedure_code=row.procedure_code,
        procedure_version=row.procedure_version,
        status=DossierStatus(row.status),
        channel=Channel(row.channel),
        received_at=from_stored(row.received_at),
        officer_id=row.officer_id,
        due_at=from_stored(row.due_at) if row.due_at is not None else None,
        fee=row.fee,
        charge=row.charge,
        fee_paid=bool(row.fee_paid),
        import_key=row.import_key,
        cases=tuple(c for c in (row.fee_cases or "").split(",") if c),
        owner=_owner(row),
        collection=CollectionMethod(row.collection or CollectionMethod.COUNTER),
        forgotten_at=from_stored(row.forgotten_at) if row.forgotten_at is not None else None,
        applicant=Applicant(
            name=a.name,
            type=ApplicantType(a.type),
            id_number=a.id_number,
            address=a.address,
            phone=a.phone,
            email=a.email,
            current_address=a.current_address,
            address_units=a.address_units,
        ),
        components=tuple(
            Component(
                id=c.id,
                name=c.name,
                requirement_code=c.requirement_code,
                originals=c.originals,
                certified_copies=c.certified_copies,
                photocopies=c.photocopies,
                digitisation=DigitisationStatus(c.digitisation),
                paper_pages=c.paper_pages,
                documents=tuple(
                    Document(
                        id=d.id,
                        sha256=d.sha256,
                        media_type=d.media_type,
                        file_name=d.file_name,
                        size_bytes=d.size_bytes,
                        kind=DocumentKind(d.kind),
                        removed_at=from_stored(d.removed_at) if d.removed_at else None,
                        pages=tuple(
                            Page(
                                number=p.number,
                                image_sha256=p.image_sha256,
                                width_px=p.width_px,
                                height_px=p.height_px,
                            )
                            for p in d.pages
                        ),
                    )
                    for d in c.documents
                ),
            )
            for c in row.components
        ),
    )
