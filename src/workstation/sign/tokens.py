"""PKCS#11 tokens: find the module, list tokens and their signing certificates, log in.

A USB token (chữ ký số) is reached through its vendor's PKCS#11 module. The
module comes from the settings, else from the known file names of the CAs
sold in Viet Nam (``resources/signing/modules.json``). Tokens are chosen by
label (which may be Vietnamese) or serial, never by slot number: slot
numbers change when a token is plugged in again.

The PIN is taken for one login and never stored, logged, retried or put
into an error. A wrong PIN is :class:`~workstation.errors.BadInput`
(exit 3); a missing module or token is
:class:`~workstation.errors.ExternalPartError` (exit 4).
"""

from __future__ import annotations

import datetime as dt
import fnmatch
import json
import logging
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from workstation.errors import BadInput, ExternalPartError
from workstation.paths import resources_dir

log = logging.getLogger(__name__)

# PKCS#11 token flags (CK_TOKEN_INFO.flags) about the user PIN.
CKF_TOKEN_INITIALIZED = 0x00000400
CKF_USER_PIN_COUNT_LOW = 0x00010000
CKF_USER_PIN_FINAL_TRY = 0x00020000
CKF_USER_PIN_LOCKED = 0x00040000


def pin_state(flags: int) -> str:
    """The user PIN's state from the token flags: ``locked``, ``final_try``,
    ``count_low`` or ``unknown``.

    A module that sets none of these flags may simply not report them, so no
    flag means ``unknown``, never "fine".
    """
    if flags & CKF_USER_PIN_LOCKED:
        return "locked"
    if flags & CKF_USER_PIN_FINAL_TRY:
        return "final_try"
    if flags & CKF_USER_PIN_COUNT_LOW:
        return "count_low"
    return "unknown"


def _system() -> str:
    if sys.platform.startswith("win"):
        return "windows"
    if sys.platform == "darwin":
        return "darwin"
    return "linux"


def known_modules() -> dict[str, Any]:
    """The module names and folders of ``resources/signing/modules.json``."""
    path = resources_dir() / "signing" / "modules.json"
    with path.open(encoding="utf-8") as f:
        return json.load(f)


def candidate_modules(configured: str = "", system: str | None = None) -> list[Path]:
    """Module files that exist on this machine, the configured one first."""
    system = system or _system()
    found: list[Path] = []
    if configured:
        found.append(Path(configured))
    data = known_modules()
    for folder_name in data["folders"].get(system, []):
        folder = Path(folder_name)
        if not folder.is_dir():
            continue
        try:
            names = sorted(p.name for p in folder.iterdir())
        except OSError:
            continue
        for entry in data["modules"].get(system, []):
            for name in fnmatch.filter(names, entry["file"]):
                path = folder / name
                if path not in found and path.is_file():
                    found.append(path)
    return found


def find_module(configured: str = "") -> Path:
    """The module to use: the configured one, else the first known one found."""
    candidates = candidate_modules(configured)
    if not candidates:
        raise ExternalPartError(
            "no PKCS#11 module configured and none of the known token modules is installed",
            code="sign.module_missing",
            path="",
        )
    return candidates[0]


def load_module(path: Path | str):  # type: ignore[no-untyped-def]
    """Load a PKCS#11 module (``pkcs11.lib``); typed errors when missing or unloadable."""
    import pkcs11
    from pkcs11.exceptions import PKCS11Error

    path = Path(path)
    if not path.is_file():
        raise ExternalPartError(
            f"PKCS#11 module {path} does not exist", code="sign.module_missing", path=str(path)
        )
    try:
        return pkcs11.lib(str(path))
    except (PKCS11Error, RuntimeError, OSError) as exc:
        raise ExternalPartError(
            f"PKCS#11 module {path} cannot be loaded: {exc.__class__.__name__}",
            code="sign.module_unloadable",
            path=str(path),
        ) from exc


@dataclass(frozen=True)
class CertificateInfo:
    """A certificate on a token, as the officer chooses among them."""

    label: str
    key_id: str
    subject: str
    common_name: str
    issuer: str
    serial: str
    not_before: str
    not_after: str
    key_usage: list[str]
    for_signing: bool

    def valid_at(self, moment: dt.datetime) -> bool:
        return (
            dt.datetime.fromisoformat(self.not_before)
            <= moment
            <= dt.datetime.fromisoformat(self.not_after)
        )


@dataclass(frozen=True)
class TokenInfo:
    """One token present in a slot."""

    slot_id: int
    label: str
    serial: str
    manufacturer: str
    model: str
    pin_state: str
    certificates: list[CertificateInfo]

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


_KEY_USAGES = (
    "digital_signature",
    "content_commitment",
    "key_encipherment",
    "data_encipherment",
    "key_agreement",
    "key_cert_sign",
    "crl_sign",
)


def describe_certificate(der: bytes, label: str = "", key_id: bytes = b"") -> CertificateInfo:
    """What the officer needs to know of one X.509 certificate."""
    from cryptography import x509  # here, not at the top: every command imports this module

    cert = x509.load_der_x509_certificate(der)
    usages: list[str] = []
    try:
        ku = cert.extensions.get_extension_for_class(x509.KeyUsage).value
        usages = [name for name in _KEY_USAGES if getattr(ku, name)]
    except x509.ExtensionNotFound:
        pass
    common_names = cert.subject.get_attributes_for_oid(x509.NameOID.COMMON_NAME)
    return CertificateInfo(
        label=label,
        key_id=key_id.hex(),
        subject=cert.subject.rfc4514_string(),
        common_name=str(common_names[0].value) if common_names else "",
        issuer=cert.issuer.rfc4514_string(),
        serial=f"{cert.serial_number:x}",
        not_before=cert.not_valid_before_utc.isoformat(),
        not_after=cert.not_valid_after_utc.isoformat(),
        key_usage=usages,
        # No KeyUsage extension means no restriction.
        for_signing=not usages or "digital_signature" in usages or "content_commitment" in usages,
    )


def _token_certificates(token) -> list[CertificateInfo]:  # type: ignore[no-untyped-def]
    from pkcs11 import Attribute, ObjectClass

    certificates = []
    with token.open() as session:
        for obj in session.get_objects({Attribute.CLASS: ObjectClass.CERTIFICATE}):
            try:
                der = obj[Attribute.VALUE]
                label = obj[Attribute.LABEL]
                key_id = obj[Attribute.ID]
            except Exception:  # a vendor object without these attributes
                log.warning("token certificate without value, label or id skipped")
                continue
            try:
                certificates.append(describe_certificate(der, label, key_id))
            except ValueError:
                log.warning("token certificate that does not parse skipped")
    return certificates


def list_tokens(module: Path | str, *, with_certificates: bool = True) -> list[TokenInfo]:
    """Every initialised token the module sees, with its certificates (no login needed)."""
    from pkcs11.exceptions import PKCS11Error

    lib = load_module(module)
    tokens = []
    try:
        for slot in lib.get_slots(token_present=True):
            token = slot.get_token()
            flags = int(token.flags)
            if not flags & CKF_TOKEN_INITIALIZED:
                continue
            tokens.append(
                TokenInfo(
                    slot_id=int(slot.slot_id),
                    label=token.label,
                    serial=token.serial.decode("ascii", "replace").strip(),
                    manufacturer=token.manufacturer_id,
                    model=token.model,
                    pin_state=pin_state(flags),
                    certificates=_token_certificates(token) if with_certificates else [],
                )
            )
    except PKCS11Error as exc:
        raise ExternalPartError(
            f"the PKCS#11 module failed while listing tokens: {exc.__class__.__name__}",
            code="sign.token_failed",
        ) from exc
    log.info("listed %d token(s)", len(tokens))
    return tokens


def find_token(lib, label: str | None = None, serial: str | None = None):  # type: ignore[no-untyped-def]
    """The one token with ``label`` or ``serial`` (or the only token when neither is given)."""
    from pkcs11.exceptions import PKCS11Error

    matches = []
    try:
        for slot in lib.get_slots(token_present=True):
            token = slot.get_token()
            if not int(token.flags) & CKF_TOKEN_INITIALIZED:
                continue
            if label is not None and not _same_label(token.label, label):
                continue
            if serial is not None and token.serial.decode("ascii", "replace").strip() != serial:
                continue
            matches.append(token)
    except PKCS11Error as exc:
        raise ExternalPartError(
            f"the PKCS#11 module failed while looking for the token: {exc.__class__.__name__}",
            code="sign.token_failed",
        ) from exc
    if not matches:
        raise ExternalPartError(
            "no token with that label or serial is plugged in",
            code="sign.token_not_found",
            token=label or serial or "",
        )
    if len(matches) > 1:
        raise BadInput(
            f"{len(matches)} tokens match; choose one by label or serial",
            code="sign.token_ambiguous",
            count=len(matches),
        )
    return matches[0]


def _same_label(on_token: str, asked: str) -> bool:
    """Labels compared as text, not bytes: a vendor's tool may store a Vietnamese
    label decomposed (NFD) while the officer types it composed (NFC). Diacritics
    still count: "Uy ban" is not "Ủy ban"."""
    import unicodedata

    return unicodedata.normalize("NFC", on_token) == unicodedata.normalize("NFC", asked)


@contextmanager
def logged_in_session(
    module: Path | str, pin: str, *, label: str | None = None, serial: str | None = None
) -> Iterator[Any]:
    """One logged-in session on the token chosen by label or serial, closed on exit."""
    lib = load_module(module)
    with login(find_token(lib, label, serial), pin) as session:
        yield session


@contextmanager
def login(token: Any, pin: str) -> Iterator[Any]:
    """Log in to ``token`` (a ``pkcs11.Token``) once; the session is closed on exit.

    A locked PIN is refused before trying. A wrong PIN is never retried: a
    second wrong try could lock the token.
    """
    from pkcs11.exceptions import (
        PinIncorrect,
        PinInvalid,
        PinLenRange,
        PinLocked,
        PKCS11Error,
        TokenNotPresent,
    )

    state = pin_state(int(token.flags))
    if state == "locked":
        raise BadInput("the token's PIN is locked", code="sign.pin_locked")
    try:
        session = token.open(user_pin=pin)
    except (PinIncorrect, PinInvalid, PinLenRange) as exc:
        log.warning("token login refused: wrong PIN (state before: %s)", state)
        raise BadInput(
            "the token refused the PIN (wrong PIN); not retried",
            code="sign.pin_wrong",
        ) from exc
    except PinLocked as exc:
        raise BadInput("the token's PIN is locked", code="sign.pin_locked") from exc
    except TokenNotPresent as exc:
        raise ExternalPartError(
            "the token was removed", code="sign.token_not_found", token=token.label
        ) from exc
    except PKCS11Error as exc:
        raise ExternalPartError(
            f"the token refused to open a session: {exc.__class__.__name__}",
            code="sign.token_failed",
        ) from exc
    try:
        yield session
    finally:
        try:
            session.close()
        except PKCS11Error:
            log.warning("token session did not close cleanly (token removed?)")
