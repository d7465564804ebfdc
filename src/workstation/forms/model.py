"""What each printed form of Circular 03/2025 carries, as plain data.

One frozen dataclass per form (Annex I of Thông tư 03/2025/TT-VPCP):

=====  ======================  ==========================================================
form   class                   Vietnamese title
=====  ======================  ==========================================================
01     :class:`Receipt`        Giấy tiếp nhận hồ sơ và hẹn trả kết quả
02     :class:`SupplementRequest`  Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ
03     :class:`Refusal`        Phiếu từ chối tiếp nhận giải quyết hồ sơ
04     :class:`Apology`        Văn bản xin lỗi và đề nghị gia hạn thời gian giải quyết
05     :class:`StopNotice`     Thông báo dừng giải quyết hồ sơ
06     :class:`ControlSlip`    Phiếu kiểm soát quá trình giải quyết hồ sơ
07     :class:`Register`       Sổ theo dõi hồ sơ
=====  ======================  ==========================================================

The classes hold facts only (names, counts, times in Vietnam's time zone);
the fixed wording lives in ``resources/forms/forms.json`` and the layout in
:mod:`workstation.forms.render`. :mod:`workstation.forms.build` fills them
from a stored dossier; anything else (a test, the window) may fill them too.
A time that is not known yet (a due date before due dates are stored) is
``None`` and prints as a dotted blank the officer fills by hand.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum


@dataclass(frozen=True)
class Agency:
    """The agency whose counter issues the form, as its header prints it.

    ``name`` is the receiving unit (e.g. "Bộ phận Một cửa UBND phường Ba Đình"),
    ``parent`` the authority above it printed on the first header line,
    ``place`` the place name of the date line (địa danh), ``status_url`` the
    status lookup address the QR code points to (the dossier code is appended).
    """

    name: str
    parent: str = ""
    place: str = ""
    status_url: str = ""


@dataclass(frozen=True)
class Person:
    """A person or organisation named on a form (người nộp / chủ hồ sơ)."""

    name: str
    address: str | None = None
    phone: str | None = None
    email: str | None = None
    id_number: str | None = None


@dataclass(frozen=True)
class ComponentLine:
    """One row of the receipt's table: a paper and how many of each kind were handed in."""

    name: str
    originals: int = 0
    certified_copies: int = 0
    photocopies: int = 0


@dataclass(frozen=True)
class ProcessingTime:
    """The procedure's time limit as the receipt words it ("5 ngày làm việc").

    ``unit`` is a :class:`workstation.domain.catalogue.TimeUnit` value.
    """

    amount: int
    unit: str


@dataclass(frozen=True)
class Receipt:
    """Form 01: receipt and appointment (giấy tiếp nhận hồ sơ và hẹn trả kết quả)."""

    agency: Agency
    code: str
    issued_on: date
    applicant: Person
    owner: Person
    procedure_name: str
    components: tuple[ComponentLine, ...]
    received_at: datetime
    processing_time: ProcessingTime | None = None
    due_at: datetime | None = None
    sets: int = 1
    fee: int | None = None  # lệ phí, đồng; None: not assessed
    charge: int | None = None  # phí, đồng
    fee_method: str | None = None
    collect_at: str | None = None
    officer_name: str | None = None
    payment_code: str | None = None  # VietQR payload of what is still due at the counter
    payment_hint: str | None = None  # the line printed beside it


@dataclass(frozen=True)
class SupplementItem:
    """One thing to supplement or correct (nội dung cần bổ sung) and why."""

    name: str
    reason: str


@dataclass(frozen=True)
class SupplementRequest:
    """Form 02: every item to supplement, with its reason, asked once.

    ``code`` may be None: the request can be given before the dossier is received.
    """

    agency: Agency
    code: str | None
    issued_on: date
    applicant: Person
    procedure_name: str
    items: tuple[SupplementItem, ...]
    received_at: datetime | None = None
    officer_name: str | None = None


@dataclass(frozen=True)
class Refusal:
    """Form 03: refusal to receive the dossier, with its reasons (``code`` may be None)."""

    agency: Agency
    code: str | None
    issued_on: date
    applicant: Person
    procedure_name: str
    reasons: tuple[str, ...]
    received_at: datetime | None = None
    officer_name: str | None = None


@dataclass(frozen=True)
class Apology:
    """Form 04: apology and request to extend the handling time (văn bản xin lỗi và đề nghị
    gia hạn thời gian giải quyết): its reason and the new appointment."""

    agency: Agency
    code: str
    issued_on: date
    applicant: Person
    procedure_name: str
    received_at: datetime
    reason: str
    new_due_at: datetime
    due_at: datetime | None = None
    signer_name: str | None = None


@dataclass(frozen=True)
class StopNotice:
    """Form 05: handling stopped at the applicant's request (dừng giải quyết hồ sơ)."""

    agency: Agency
    code: str
    issued_on: date
    applicant: Person
    procedure_name: str
    received_at: datetime
    reason: str | None = None
    signer_name: str | None = None


class HandoverResult(StrEnum):
    """How a step finished against its time limit."""

    EARLY = "early"  # trước hạn
    ON_TIME = "on_time"  # đúng hạn
    LATE = "late"  # quá hạn


@dataclass(frozen=True)
class Handover:
    """One row of the control slip: a hand-over of the dossier between two parties.

    A row with no ``handed_at`` is printed blank, to be filled and signed by hand.
    """

    agency: str = ""
    giver: str = ""
    receiver: str = ""
    handed_at: datetime | None = None
    result: HandoverResult | None = None
    note: str = ""


@dataclass(frozen=True)
class ControlSlip:
    """Form 06: the control slip that travels with the dossier."""

    agency: Agency
    code: str
    issued_on: date
    applicant: Person
    procedure_name: str
    received_at: datetime
    handovers: tuple[Handover, ...]
    due_at: datetime | None = None


@dataclass(frozen=True)
class RegisterLine:
    """One dossier in the register: ``reference`` is its code, or its short number before one."""

    reference: str
    procedure_name: str
    applicant_name: str
    received_at: datetime
    status: str
    due_at: datetime | None = None
    note: str = ""


@dataclass(frozen=True)
class Register:
    """Form 07: the register of dossiers received between two days (sổ theo dõi hồ sơ)."""

    agency: Agency
    issued_on: date
    start: date
    end: date
    lines: tuple[RegisterLine, ...]
    keeper_name: str | None = None


Form = Receipt | SupplementRequest | Refusal | Apology | StopNotice | ControlSlip | Register

FORM_NAMES: dict[str, type] = {
    "receipt": Receipt,
    "supplement": SupplementRequest,
    "refusal": Refusal,
    "apology": Apology,
    "withdrawal": StopNotice,
    "control-slip": ControlSlip,
    "register": Register,
}
"""The name each form goes by on the command line and in ``forms.json``."""


def form_name(form: Form) -> str:
    """The name of ``form``'s kind (``receipt``, ``control-slip`` …)."""
    for name, kind in FORM_NAMES.items():
        if isinstance(form, kind):
            return name
    raise TypeError(f"not a form: {type(form).__name__}")
