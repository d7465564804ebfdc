"""The domain: plain dataclasses and rules of the counter, with no database and no Qt.

Vietnamese terms and the English names used in code:
- thủ tục hành chính: :class:`Procedure`
- hồ sơ: :class:`Dossier`; mã hồ sơ: ``Dossier.code``
- người nộp / chủ hồ sơ: :class:`Applicant` (``Dossier.applicant`` / ``Dossier.owner``)
- hình thức nhận kết quả: :class:`CollectionMethod`
- thành phần hồ sơ: :class:`Component`
- trang: :class:`Page`; tệp / giấy tờ: :class:`Document`
- kết quả giải quyết: :class:`Result`
- cán bộ: :class:`Officer`
"""

from workstation.domain.applicant import Applicant, ApplicantType
from workstation.domain.catalogue import Catalogue, ComponentRequirement, Procedure, TimeLimit
from workstation.domain.dossier import (
    Channel,
    CollectionMethod,
    Component,
    DigitisationStatus,
    Document,
    DocumentKind,
    Dossier,
    DossierSummary,
    Page,
    Result,
    parse_short_number,
    short_number,
)
from workstation.domain.officer import Officer
from workstation.domain.status import DossierStatus

__all__ = [
    "Applicant",
    "ApplicantType",
    "Catalogue",
    "Channel",
    "CollectionMethod",
    "Component",
    "ComponentRequirement",
    "DigitisationStatus",
    "Document",
    "DocumentKind",
    "Dossier",
    "DossierStatus",
    "DossierSummary",
    "Officer",
    "Page",
    "Procedure",
    "Result",
    "TimeLimit",
    "parse_short_number",
    "short_number",
]
