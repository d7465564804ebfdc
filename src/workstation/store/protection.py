"""The one door to stored files and personal data.

Every byte written to the blob store and every personal-data column (names, ID
numbers, addresses, phones, e-mails) passes through the codec installed here.
Today the codec is :class:`PlainCodec` (no transformation); encryption at rest
replaces it with a codec whose key comes from the OS keyring, and nothing else
in the workstation has to change.

``PersonalText`` is the SQLAlchemy column type for personal data: it seals on
the way in and opens on the way out through the installed codec. A codec's
output is bytes (ciphertext is not text), so a sealed value is stored as
``sealed:<codec name>:<base64>``; a value without that prefix is plain text,
which lets a store written before encryption was switched on still be read.
"""

from __future__ import annotations

import base64
from typing import Protocol

from sqlalchemy import Text
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator


class Codec(Protocol):
    """Turns plain bytes into stored bytes and back."""

    name: str

    def seal(self, plain: bytes) -> bytes: ...

    def open(self, stored: bytes) -> bytes: ...

    def keyed(self, purpose: str, value: str) -> str:
        """A keyed one-way name for ``value`` (blob names, blind search tokens).

        A sealing codec returns a keyed hash (hex) under a key derived for
        ``purpose``, so nobody without the key can test a guessed value.
        """
        ...


class PlainCodec:
    """Stores bytes as they are. Replaced when encryption at rest lands."""

    name = "plain"

    def seal(self, plain: bytes) -> bytes:
        return plain

    def open(self, stored: bytes) -> bytes:
        return stored

    def keyed(self, purpose: str, value: str) -> str:
        return value


_codec: Codec = PlainCodec()


def install_codec(codec: Codec) -> None:
    """Choose the codec for the whole process; called once by the composition root."""
    global _codec
    _codec = codec


def codec() -> Codec:
    """The codec every stored byte passes through."""
    return _codec


def keyed(purpose: str, value: str) -> str:
    """``value`` as a keyed name for ``purpose`` (unchanged with the plain codec)."""
    return _codec.keyed(purpose, value)


SEALED_PREFIX = "sealed:"


def seal_text(text: str) -> str:
    """``text`` as it is stored: unchanged with the plain codec, sealed and base64 otherwise."""
    if isinstance(_codec, PlainCodec):
        return text
    sealed = base64.b64encode(_codec.seal(text.encode("utf-8"))).decode("ascii")
    return f"{SEALED_PREFIX}{_codec.name}:{sealed}"


def open_text(stored: str) -> str:
    """The text behind a stored value written by :func:`seal_text`."""
    if isinstance(_codec, PlainCodec) or not stored.startswith(SEALED_PREFIX):
        return stored
    _, _, sealed = stored[len(SEALED_PREFIX) :].rpartition(":")
    return _codec.open(base64.b64decode(sealed)).decode("utf-8")


class PersonalText(TypeDecorator[str]):
    """A text column holding personal data, sealed by the installed codec."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value: str | None, dialect: Dialect) -> str | None:
        return None if value is None else seal_text(value)

    def process_result_value(self, value: str | None, dialect: Dialect) -> str | None:
        return None if value is None else open_text(value)
