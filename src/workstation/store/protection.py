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

``SealedDigest`` is the column type for SHA-256s of stored content: a codec that
can (:class:`workstation.store.sealing.SealingCodec`) seals them
deterministically, so equality queries and joins still work but nobody can
test whether a known document is held.
"""

from __future__ import annotations

import binascii
import re
from typing import Protocol

from sqlalchemy import String, Text
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
    sealed = binascii.b2a_base64(_codec.seal(text.encode("utf-8")), newline=False).decode("ascii")
    return f"{SEALED_PREFIX}{_codec.name}:{sealed}"


def open_text(stored: str) -> str:
    """The text behind a stored value written by :func:`seal_text`."""
    if isinstance(_codec, PlainCodec) or not stored.startswith(SEALED_PREFIX):
        return stored
    _, _, sealed = stored[len(SEALED_PREFIX) :].rpartition(":")
    return _codec.open(binascii.a2b_base64(sealed)).decode("utf-8")  # (faster than base64's)


class PersonalText(TypeDecorator[str]):
    """A text column holding personal data, sealed by the installed codec."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value: str | None, dialect: Dialect) -> str | None:
        return None if value is None else seal_text(value)

    def process_result_value(self, value: str | None, dialect: Dialect) -> str | None:
        return None if value is None else open_text(value)


_HEX64 = re.compile(r"^[0-9a-f]{64}$")


class SealedDigest(TypeDecorator[str]):
    """A column of content SHA-256s (64 hex), sealed deterministically by a sealing codec.

    A sealed digest is 64 URL-safe base64 characters, so it fits the same
    ``String(64)``; one written before encryption was switched on is 64 hex
    characters and is read as it is.
    """

    impl = String
    cache_ok = True

    def process_bind_param(self, value: str | None, dialect: Dialect) -> str | None:
        sealer = getattr(_codec, "seal_digest", None)
        return value if value is None or sealer is None else sealer(value)

    def process_result_value(self, value: str | None, dialect: Dialect) -> str | None:
        opener = getattr(_codec, "open_digest", None)
        if value is None or opener is None or _HEX64.match(value):
            return value
        return opener(value)
