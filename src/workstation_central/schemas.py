"""The bodies the central API reads and writes (pydantic), as docs/central-api.yaml shows them."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field


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


class DocumentIn(BaseModel):
    id: str
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    media_type: str
    file_name: str
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
    id_number: str | None = None
    address: str | None = None
    phone: str | None = None
    email: str | None = None


class DossierIn(BaseModel):
    """A dossier as the workstation's ``dossier.created`` message carries it."""

    id: str = Field(min_length=1, max_length=64)
    code: str | None = None
    procedure_code: str
    procedure_version: int | str | None = None
    status: int = Field(ge=1, le=10, description="National status code 1-10")
    channel: str | None = None
    received_at: str | None = None
    applicant: ApplicantIn
    components: list[ComponentIn] = []
    schema_: int = Field(default=1, alias="schema")


class StatusIn(BaseModel):
    status: int = Field(ge=1, le=10, description="National status code 1-10")


class FileCheck(BaseModel):
    sha256: list[str] = Field(max_length=1000)


class FileCheckOut(BaseModel):
    held: list[str]
    missing: list[str]


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
