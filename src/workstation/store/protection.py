"""The one door to stored files and personal data.

Every byte written to the blob store and every personal-data column (names, ID
numbers, addresses, phones, e-mails) passes through the codec installed here.
Today the codec is :class:`PlainCodec` (no transformation); encryption at rest
replaces it with a codec whose key comes from the OS keyring, and nothing else
in the workstation has to change.

``PersonalText`` is the SQLAlchemy column type for personal data: it encodes
on the way in and decodes on the way out through the installed codec.
"""

from __future__ import annotations

from typing import Protocol

from sqlalchemy import Text
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator


class Codec(Protocol):
    """Turns plain bytes into stored bytes and back."""

    name: str

    def seal(self, plain: bytes) -> bytes: ...

    def open(self, stored: bytes) -> bytes: ...


class PlainCodec:
    """Stores bytes as they are. Replaced when encryption at rest lands."""

    name = "plain"

    def seal(self, plain: bytes) -> bytes:
        return plain

    def open(self, stored: bytes) -> bytes:
        return stored


_codec: Codec = PlainCodec()


def install_codec(codec: Codec) -> None:
    """Choose the codec for the whole process; called once by the composition root."""
    global _codec
    _codec = codec


def codec() -> Codec:
    return _codec


def seal_text(text: str) -> str:
    return _codec.seal(text.encode("utf-8")).decode("utf-8", "surrogateescape")


def open_text(stored: str) -> str:
    return _codec.open(stored.encode("utf-8", "surrogateescape")).decode("utf-8")


class PersonalText(TypeDecorator[str]):
    """A text column holding personal data, sealed by the installed codec."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value: str | None, dialect: Dialect) -> str | None:
        return None if value is None else seal_text(value)

    def process_result_value(self, value: str | None, dialect: Dialect) -> str | None:
        return None if value is None else open_text(value)
