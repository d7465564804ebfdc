"""The store's data keys: where they are kept, and how encryption is switched on and recovered.

Three layers, so that losing the PC's keyring never loses data:

- **Data keys** (random, 32 bytes) seal the store (:mod:`workstation.store.sealing`).
  Each is kept in ``store_keys`` wrapped (AES key wrap, RFC 3394) twice: under the
  key-encryption key and under the recovery key.
- The **key-encryption key** (random, 32 bytes) lives only in the OS keyring
  (Credential Manager, Keychain, Secret Service), under the store's id. A keyring
  that would keep it in a plain file, or none, is refused (:class:`NoSafeKeyring`).
- The **recovery key** (random, 32 bytes, one per store) is wrapped under the
  key-encryption key, and for recovery under the province's recovery public key
  (RSA-OAEP, setting ``recovery_public_key_file``) or, where none is configured,
  under a passphrase made at set-up and shown once (scrypt).

A store with a row in ``store_keys`` has encryption on: :func:`store_codec`
(what the composition root installs) then refuses to open it without its key
(:class:`KeyMissing`) and never hands out the plain codec, and SQLite triggers
refuse a plain value from a process still running with the plain codec
(:mod:`workstation.store.guards`). A key in state
``sealing`` means sealing under it has not finished (switching on or rotating);
the store is refused (:class:`SealingUnfinished`) until the same command is run
again, so no query ever meets a half-sealed column. The re-sealing itself is in
:mod:`workstation.store.resealing`.
"""

from __future__ import annotations

import base64
import hashlib
import json
import logging
import os
import secrets
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt
from cryptography.hazmat.primitives.keywrap import InvalidUnwrap, aes_key_unwrap, aes_key_wrap
from sqlalchemy import delete, select

from workstation.errors import BadInput, ExternalPartError, StoreError
from workstation.keyrings import safe_keyring
from workstation.store.database import Database
from workstation.store.guards import ensure_guards
from workstation.store.models import StoreKeyRow, StoreRecoveryRow
from workstation.store.protection import Codec, PlainCodec
from workstation.store.sealing import SealingCodec, key_id_of
from workstation.store.timestamps import to_stored

log = logging.getLogger(__name__)

SERVICE = "mot-cua-workstation-store"
"""The keyring service the key-encryption key is kept under (user: the store's id)."""
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**15, 8, 1
SEALING, CURRENT = "sealing", "current"


class KeyMissing(StoreError):
    """The store has encryption on but its key is not in this PC's keyring."""

    code = "store.key_missing"


class SealingUnfinished(StoreError):
    """Switching encryption on, or a rotation, stopped before the whole store was sealed."""

    code = "store.sealing_unfinished"


class NoSafeKeyring(ExternalPartError):
    code = "store.no_keyring"


class RecoveryRefused(BadInput):
    """The passphrase or recovery key given does not open this store's recovery key."""

    code = "store.recovery_refused"


@dataclass(frozen=True)
class KeyStatus:
    """What ``workstation key status`` reports (never a key)."""

    encryption: str  # off | on | unfinished
    current: str | None
    sealing: str | None
    recovery: tuple[str, ...]  # passphrase, public_key
    keyring: str  # ok | missing | refused | not_needed

    def as_json(self) -> dict[str, Any]:
        return {
            "encryption": self.encryption,
            "key_id": self.current,
            "sealing_key_id": self.sealing,
            "recovery": list(self.recovery),
            "keyring": self.keyring,
        }


def _keyring():  # type: ignore[no-untyped-def]
    return safe_keyring(
        lambda names: NoSafeKeyring(
            f"no safe keyring to keep the store's key in (found: {names}); install and "
            "unlock the system's keyring (Secret Service, Credential Manager, Keychain)",
            backend=names,
        )
    )


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.b64decode(text.encode("ascii"))


# Reading the keys -------------------------------------------------------------


def _rows(database: Database) -> tuple[list[StoreKeyRow], StoreRecoveryRow | None]:
    with database.reading() as session:
        keys = list(session.scalars(select(StoreKeyRow).order_by(StoreKeyRow.created_at)))
        recovery = session.get(StoreRecoveryRow, 1)
    return keys, recovery


def _kek(recovery: StoreRecoveryRow) -> bytes:
    stored = _keyring().get_password(SERVICE, recovery.store_id)
    if not stored:
        raise KeyMissing(
            "this store is encrypted and its key is not in this computer's keyring; "
            "run workstation key recover",
            store=recovery.store_id,
        )
    return _unb64(stored)


def _unwrap(wrapping: bytes, wrapped: str, what: str) -> bytes:
    try:
        return aes_key_unwrap(wrapping, _unb64(wrapped))
    except InvalidUnwrap as exc:
        raise KeyMissing(
            f"the key in the keyring does not open this store's {what}; "
            "run workstation key recover",
        ) from exc


def loaded_codec(database: Database) -> tuple[SealingCodec | None, str | None]:
    """The codec over every key the store holds, and the id of a key still ``sealing``.

    (None, None) for a store with encryption off. Raises :class:`KeyMissing`
    without the key, :class:`NoSafeKeyring` without a safe keyring.
    """
    keys, recovery = _rows(database)
    if not keys or recovery is None:
        return None, None
    kek = _kek(recovery)
    data_keys = {row.key_id: _unwrap(kek, row.wrapped_local, "data key") for row in keys}
    sealing = next((row.key_id for row in keys if row.state == SEALING), None)
    current = sealing or next(row.key_id for row in keys if row.state == CURRENT)
    return SealingCodec(data_keys, current), sealing


def store_codec(database: Database) -> Codec:
    """The codec the store must be used with: plain, or sealing under its current key.

    What the composition root installs. Raises :class:`KeyMissing` (no key),
    :class:`SealingUnfinished` (switching on or a rotation was interrupted) or
    :class:`NoSafeKeyring`.
    """
    codec, sealing = loaded_codec(database)
    if codec is None:
        return PlainCodec()
    if sealing is not None:
        raise SealingUnfinished(
            "sealing the store under a new key did not finish; run workstation key init "
            "(or key rotate) again to finish it",
            key=sealing,
        )
    ensure_guards(database)
    return codec


def status(database: Database) -> KeyStatus:
    """Whether encryption is on, under which key, how it can be recovered."""
    keys, recovery = _rows(database)
    if not keys or recovery is None:
        return KeyStatus("off", None, None, (), "not_needed")
    ways = tuple(
        way
        for way, held in (
            ("passphrase", recovery.by_passphrase),
            ("public_key", recovery.by_public_key),
        )
        if held
    )
    try:
        keyring = "ok" if _keyring().get_password(SERVICE, recovery.store_id) else "missing"
    except NoSafeKeyring:
        keyring = "refused"
    current = next((row.key_id for row in keys if row.state == CURRENT), None)
    sealing = next((row.key_id for row in keys if row.state == SEALING), None)
    return KeyStatus("unfinished" if sealing else "on", current, sealing, ways, keyring)


# Making keys ------------------------------------------------------------------


def make_passphrase() -> str:
    """A recovery passphrase to write down: 6 groups of 5 letters/digits (150 bits)."""
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    letters = "".join(secrets.choice(alphabet) for _ in range(30))
    return "-".join(letters[i : i + 5] for i in range(0, 30, 5))


def _normalised(passphrase: str) -> bytes:
    return "".join(c for c in passphrase.upper() if c.isalnum()).encode("ascii", "ignore")


def _passphrase_key(passphrase: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return Scrypt(salt=salt, length=32, n=n, r=r, p=p).derive(_normalised(passphrase))


def _wrap_for_passphrase(recovery_key: bytes, passphrase: str) -> str:
    salt = os.urandom(16)
    wrapping = _passphrase_key(passphrase, salt, SCRYPT_N, SCRYPT_R, SCRYPT_P)
    return json.dumps(
        {
            "kdf": "scrypt",
            "salt": _b64(salt),
            "n": SCRYPT_N,
            "r": SCRYPT_R,
            "p": SCRYPT_P,
            "wrapped": _b64(aes_key_wrap(wrapping, recovery_key)),
        }
    )


def _public_key(pem: bytes) -> rsa.RSAPublicKey:
    try:
        key = serialization.load_pem_public_key(pem)
    except ValueError as exc:
        raise BadInput(
            "the recovery public key file is not a PEM public key", code="store.bad_recovery_key"
        ) from exc
    if not isinstance(key, rsa.RSAPublicKey) or key.key_size < 2048:
        raise BadInput(
            "the recovery public key must be RSA of 2048 bits or more",
            code="store.bad_recovery_key",
        )
    return key


_OAEP = padding.OAEP(
    mgf=padding.MGF1(algorithm=hashes.SHA256()), algorithm=hashes.SHA256(), label=None
)


@dataclass(frozen=True)
class NewKey:
    """A data key just made (``passphrase``: the recovery passphrase to show once, if any)."""

    codec: SealingCodec
    key_id: str
    passphrase: str | None


def begin_sealing(database: Database, *, public_key_pem: bytes | None = None) -> NewKey:
    """Make a data key for a store with encryption off, or take up one left ``sealing``.

    The first time: a recovery key, a key-encryption key put in the keyring, and
    a recovery passphrase (returned, to be shown once) unless ``public_key_pem``
    (the province's recovery public key) is given. Taking up an interrupted
    switch makes a new passphrase (the first one may never have been shown).
    Raises :class:`BadInput` (``store.already_encrypted``) if encryption is on.
    """
    keys, recovery = _rows(database)
    if keys and recovery is not None:
        codec, sealing = loaded_codec(database)
        if sealing is None or any(row.state == CURRENT for row in keys):
            raise BadInput(
                "encryption is already on for this store", code="store.already_encrypted"
            )
        assert codec is not None
        ensure_guards(database)
        passphrase = None
        if recovery.by_passphrase:
            passphrase = make_passphrase()
            recovery_key = _unwrap(_kek(recovery), recovery.wrapped_local, "recovery key")
            with database.transaction() as session:
                row = session.get(StoreRecoveryRow, 1)
                assert row is not None
                row.by_passphrase = _wrap_for_passphrase(recovery_key, passphrase)
        return NewKey(codec, sealing, passphrase)
    public_key = _public_key(public_key_pem) if public_key_pem else None
    keyring = _keyring()
    store_id = str(uuid.uuid4())
    kek, recovery_key, data_key = os.urandom(32), os.urandom(32), os.urandom(32)
    key_id = key_id_of(data_key)
    passphrase = None if public_key else make_passphrase()
    keyring.set_password(SERVICE, store_id, _b64(kek))
    now = to_stored(datetime.now(UTC))
    with database.transaction() as session:
        session.add(
            StoreRecoveryRow(
                id=1,
                store_id=store_id,
                wrapped_local=_b64(aes_key_wrap(kek, recovery_key)),
                by_passphrase=_wrap_for_passphrase(recovery_key, passphrase)
                if passphrase
                else None,
                by_public_key=_b64(public_key.encrypt(recovery_key, _OAEP)) if public_key else None,
                public_key_sha256=hashlib.sha256(public_key_pem).hexdigest()
                if public_key_pem
                else None,
                created_at=now,
            )
        )
        session.add(_key_row(data_key, kek, recovery_key, now))
    ensure_guards(database)  # from now on, no process writes a plain value
    log.info("encryption key %s made for store %s", key_id, store_id)
    return NewKey(SealingCodec({key_id: data_key}, key_id), key_id, passphrase)


def _key_row(data_key: bytes, kek: bytes, recovery_key: bytes, now: Any) -> StoreKeyRow:
    return StoreKeyRow(
        key_id=key_id_of(data_key),
        state=SEALING,
        wrapped_local=_b64(aes_key_wrap(kek, data_key)),
        wrapped_recovery=_b64(aes_key_wrap(recovery_key, data_key)),
        created_at=now,
    )


def begin_rotation(database: Database) -> SealingCodec:
    """A new data key (state ``sealing``) beside the current one, or the one left ``sealing``.

    Raises :class:`BadInput` (``store.not_encrypted``) for a store with encryption off.
    """
    codec, sealing = loaded_codec(database)
    if codec is None:
        raise BadInput("encryption is off for this store", code="store.not_encrypted")
    if sealing is not None:
        return codec
    keys, recovery = _rows(database)
    assert recovery is not None
    kek = _kek(recovery)
    recovery_key = _unwrap(kek, recovery.wrapped_local, "recovery key")
    data_key = os.urandom(32)
    with database.transaction() as session:
        session.add(_key_row(data_key, kek, recovery_key, to_stored(datetime.now(UTC))))
    new_id = key_id_of(data_key)
    log.info("rotation to key %s begun", new_id)
    old = {row.key_id: _unwrap(kek, row.wrapped_local, "data key") for row in keys}
    return SealingCodec({**old, new_id: data_key}, new_id)


def finish_sealing(database: Database, key_id: str) -> None:
    """Everything is sealed under ``key_id``: make it current and forget every other key."""
    with database.transaction() as session:
        session.execute(delete(StoreKeyRow).where(StoreKeyRow.key_id != key_id))
        row = session.get(StoreKeyRow, key_id)
        assert row is not None
        row.state = CURRENT
    log.info("store sealed under key %s", key_id)


# Recovering -------------------------------------------------------------------


def recover(
    database: Database, *, passphrase: str | None = None, private_key_pem: bytes | None = None
) -> tuple[str, ...]:
    """Give this PC's keyring a new key-encryption key that opens the store again.

    The recovery key is opened with the written-down ``passphrase`` or the
    province's ``private_key_pem``; every data key is re-wrapped under a new
    key-encryption key kept in the keyring. Returns the data key ids recovered.
    Raises :class:`RecoveryRefused` if what was given does not open it.
    """
    keys, recovery = _rows(database)
    if not keys or recovery is None:
        raise BadInput("encryption is off for this store", code="store.not_encrypted")
    recovery_key = _recovery_key(recovery, passphrase, private_key_pem)
    try:
        data_keys = {
            row.key_id: aes_key_unwrap(recovery_key, _unb64(row.wrapped_recovery)) for row in keys
        }
    except InvalidUnwrap as exc:
        raise RecoveryRefused("the recovery key does not open the data keys") from exc
    keyring = _keyring()
    kek = os.urandom(32)
    with database.transaction() as session:
        for row in session.scalars(select(StoreKeyRow)):
            row.wrapped_local = _b64(aes_key_wrap(kek, data_keys[row.key_id]))
        stored = session.get(StoreRecoveryRow, 1)
        assert stored is not None
        stored.wrapped_local = _b64(aes_key_wrap(kek, recovery_key))
        # The keyring is written inside the transaction: if it fails, nothing changes.
        keyring.set_password(SERVICE, recovery.store_id, _b64(kek))
    log.info("store %s recovered (%d key(s))", recovery.store_id, len(data_keys))
    return tuple(data_keys)


def _recovery_key(
    recovery: StoreRecoveryRow, passphrase: str | None, private_key_pem: bytes | None
) -> bytes:
    if passphrase is not None:
        if not recovery.by_passphrase:
            raise RecoveryRefused("this store was not set up with a recovery passphrase")
        held = json.loads(recovery.by_passphrase)
        wrapping = _passphrase_key(
            passphrase, _unb64(held["salt"]), int(held["n"]), int(held["r"]), int(held["p"])
        )
        try:
            return aes_key_unwrap(wrapping, _unb64(held["wrapped"]))
        except InvalidUnwrap as exc:
            raise RecoveryRefused("the recovery passphrase is not this store's") from exc
    if private_key_pem is not None:
        if not recovery.by_public_key:
            raise RecoveryRefused("this store was not set up with a recovery public key")
        try:
            private = serialization.load_pem_private_key(private_key_pem, password=None)
        except (ValueError, TypeError) as exc:
            raise RecoveryRefused(
                "the recovery key file is not an unencrypted PEM private key"
            ) from exc
        if not isinstance(private, rsa.RSAPrivateKey):
            raise RecoveryRefused("the recovery key is not an RSA private key")
        try:
            return private.decrypt(_unb64(recovery.by_public_key), _OAEP)
        except (ValueError, InvalidTag) as exc:
            raise RecoveryRefused(
                "the recovery key is not the one this store was set up for"
            ) from exc
    raise RecoveryRefused("give the recovery passphrase or the recovery key")
