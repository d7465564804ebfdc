"""Dossiers (hồ sơ) and what they are made of: components, documents, pages, results."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from enum import IntEnum, StrEnum

from workstation.domain.applicant import Applicant
from workstation.domain.status import DossierStatus


class Channel(StrEnum):
    """How the dossier reached the unit."""

    COUNTER = "counter"  # nộp trực tiếp tại Bộ phận Một cửa
    ON_BEHALF = "on_behalf"  # cán bộ hỗ trợ nộp trực tuyến (nộp hộ)
    ONLINE = "online"  # nộp trực tuyến
    POST = "post"  # qua bưu chính


class CollectionMethod(StrEnum):
    """How the applicant will collect the result (hình thức nhận kết quả)."""

    COUNTER = "counter"  # nhận trực tiếp tại Bộ phận Một cửa
    POST = "post"  # qua dịch vụ bưu chính công ích
    ONLINE = "online"  # trực tuyến (bản điện tử)

    @property
    def message_key(self) -> str:
        return f"collection.{self.value}"


class DigitisationStatus(IntEnum):
    """Digitisation status of a component (vendor practice, as exchanged with the portal)."""

    NOT_DIGITISED = 0
    DIGITISED = 1
    REUSED_FROM_COMPONENT = 2
    REUSED_FROM_RESULT = 3


class DocumentKind(StrEnum):
    COMPONENT = "component"  # giấy tờ thuộc thành phần hồ sơ
    RESULT = "result"  # kết quả giải quyết


def new_id() -> str:
    """A fresh identifier, unique across workstations (so offline work never collides)."""
    return str(uuid.uuid4())


@dataclass(frozen=True)
class Page:
    """One paper page (trang). ``image_sha256`` names its own image in the blob store, if any."""

    number: int
    image_sha256: str | None = None
    width_px: int | None = None
    height_px: int | None = None


@dataclass(frozen=True)
class Document:
    """A stored file (tệp): a scanned page image or a PDF, kept in the blob store by hash.

    ``removed_at``: when the retention purge removed the local copy, the central
    system having confirmed it (:mod:`workstation.retention`); None while held here.
    """

    sha256: str
    media_type: str
    file_name: str
    size_bytes: int
    pages: tuple[Page, ...] = ()
    kind: DocumentKind = DocumentKind.COMPONENT
    id: str = field(default_factory=new_id)
    removed_at: datetime | None = None

    @property
    def held_here(self) -> bool:
        """Whether this workstation still holds the file (else only the central system does)."""
        return self.removed_at is None

    @property
    def page_count(self) -> int:
        return len(self.pages)


@dataclass(frozen=True)
class Component:
    """A component of a dossier (thành phần hồ sơ), e.g. "Tờ khai đăng ký khai sinh".

    The counts are those printed on the receipt: originals (bản chính), certified
    copies (bản sao chứng thực) and photocopies (bản photo).
    """

    name: str
    requirement_code: str | None = None
    originals: int = 1
    certified_copies: int = 0
    photocopies: int = 0
    digitisation: DigitisationStatus = DigitisationStatus.NOT_DIGITISED
    documents: tuple[Document, ...] = ()
    id: str = field(default_factory=new_id)
    paper_pages: int | None = None  # số trang giấy the officer counted; None: not counted

    @property
    def image_count(self) -> int:
        """Page images held for the component (one per page of each document)."""
        return sum(d.page_count for d in self.documents)


@dataclass(frozen=True)
class Result:
    """The result of handling a dossier (kết quả giải quyết), e.g. a certificate."""

    dossier_id: str
    number_symbol: str = ""  # số, ký hiệu
    issued_at: datetime | None = None
    signer: str = ""
    document: Document | None = None
    id: str = field(default_factory=new_id)


@dataclass(frozen=True)
class Dossier:
    """A dossier (hồ sơ) filed for one procedure by one applicant.

    ``code`` is the official dossier code (mã hồ sơ), issued when the dossier is
    received; ``id`` identifies it locally and on the central system from the
    moment it is created, online or not. ``number`` is its short number on this
    workstation, given by the store when it is saved (see :func:`short_number`).

    ``applicant`` is the person filing (người nộp); ``owner`` the dossier's owner
    (chủ hồ sơ) when someone else files for them (a relative, an authorised
    person), else None: :attr:`dossier_owner` is then the applicant. An owner
    equal to the applicant is kept as None, so the two never drift apart.
    """

    procedure_code: str
    applicant: Applicant
    received_at: datetime
    status: DossierStatus = DossierStatus.RECEIVED
    channel: Channel = Channel.COUNTER
    procedure_version: int = 1
    code: str | None = None
    components: tuple[Component, ...] = ()
    officer_id: int | None = None
    id: str = field(default_factory=new_id)
    number: int | None = None
    due_at: datetime | None = None  # ngày hẹn trả kết quả
    fee: int | None = None  # lệ phí, đồng (None: not assessed)
    charge: int | None = None  # phí, đồng
    fee_paid: bool = False
    import_key: str | None = None  # the key of the import that created it, if any
    cases: tuple[str, ...] = ()  # the applicant's fee cases (poor_household …), as received
    owner: Applicant | None = None  # chủ hồ sơ, when not the person filing
    collection: CollectionMethod = CollectionMethod.COUNTER  # hình thức nhận kết quả
    forgotten_at: datetime | None = None  # when retention forgot its personal data

    def __post_init__(self) -> None:
        object.__setattr__(self, "collection", CollectionMethod(self.collection))
        if self.owner == self.applicant:
            object.__setattr__(self, "owner", None)

    @property
    def dossier_owner(self) -> Applicant:
        """The dossier's owner (chủ hồ sơ): the person filing unless someone else was named."""
        return self.owner if self.owner is not None else self.applicant

    @property
    def page_count(self) -> int:
        return sum(d.page_count for c in self.components for d in c.documents)


@dataclass(frozen=True)
class DossierSummary:
    """One line of the dossier list: what the list shows without loading the whole dossier."""

    id: str
    code: str | None
    procedure_code: str
    applicant_name: str
    status: DossierStatus
    received_at: datetime
    component_count: int
    number: int | None = None


SHORT_NUMBER_DIGITS = 6
SHORT_NUMBER_MAX_DIGITS = 12  # far beyond any counter's lifetime, far below SQLite's integers
_SHORT_NUMBER = re.compile(
    rf"#\s*(\d{{1,{SHORT_NUMBER_MAX_DIGITS}}})|(\d{{{SHORT_NUMBER_DIGITS},{SHORT_NUMBER_MAX_DIGITS}}})"
)


def short_number(dossier: Dossier | DossierSummary | int | None) -> str:
    """How the officer sees a dossier's local short number: ``#000123`` ("" before it is saved).

    The store numbers dossiers 1, 2, 3 … on each workstation, so two never share one.
    """
    number = dossier if isinstance(dossier, int) or dossier is None else dossier.number
    return "" if number is None else f"#{number:0{SHORT_NUMBER_DIGITS}d}"


def parse_short_number(text: str) -> int | None:
    """The number in ``text`` if ``text`` is a whole short number, else None.

    ``#000123``, ``#123`` and ``000123`` are number 123; ``123`` alone is not (too
    short to be told from part of a phone or ID number), nor is a run of more
    than :data:`SHORT_NUMBER_MAX_DIGITS` digits.
    """
    match = _SHORT_NUMBER.fullmatch(text.strip())
    if match is None:
        return None
    number = int(match.group(1) or match.group(2))
    return number if number > 0 else None
