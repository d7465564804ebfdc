"""The citizen's own electronic identity confirming a dossier (xác thực định danh điện tử).

An online dossier is filed under the citizen's own account (VNeID level 2, or
the national portal's account), or the authorising person's in an
authorisation case; never the officer's. The real identity provider is the
central system's, so the workstation speaks to it through one interface,
:class:`IdentityProvider`: given whose account should sign in and the digest
of the content shown (:func:`workstation.onbehalf.content.content_digest`),
it returns an :class:`IdentityProof` once the citizen has signed in and
confirmed. The citizen signs in one of two ways (:class:`AccountKind`): their
VNeID level-2 account, or their account on the national public-service portal;
a provider says which it offers (``methods``) and the officer picks the one the
citizen uses. The proof records which it was (``account.kind``), how the
sign-in went (``method``) and who vouched for it (``provider``).
:class:`DemoIdentityProvider` is the one implementation here, for training and
tests: it offers both ways, confirms at once, and marks its proofs
``provider="demo"`` and ``method="demo"``.

A proof travels as JSON (``workstation dossier submit-online --proof FILE``);
:func:`proof_from_json` reads it as outside data.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from pathlib import Path
from typing import Any, Protocol

from workstation.domain import clock
from workstation.errors import BadInput


class AccountKind(StrEnum):
    """Which account the citizen signed in with."""

    VNEID_LEVEL2 = "vneid_level2"  # tài khoản định danh điện tử mức độ 2
    PORTAL = "portal"  # tài khoản Cổng Dịch vụ công quốc gia


class Method(StrEnum):
    """How the sign-in and confirmation were made."""

    VNEID_APP = "vneid_app"  # the VNeID app on the citizen's phone (QR or push)
    PASSWORD_OTP = "password_otp"  # the portal's password and a one-time code
    DEMO = "demo"  # the demo provider: training and tests only


_ID_NUMBER = re.compile(r"\d{9}|\d{12}")
_DIGEST = re.compile(r"[0-9a-f]{64}")
PROOF_FILE_LIMIT = 64 * 1024
"""The largest proof file read (a proof is a few hundred bytes)."""


@dataclass(frozen=True)
class IdentityProof:
    """Whose account confirmed which content, how and when."""

    account_id_number: str
    account_kind: AccountKind
    method: Method
    confirmed_at: datetime
    content_sha256: str
    provider: str

    def as_json(self) -> dict[str, Any]:
        """The proof as the identity interface returns it (and the outbox carries it)."""
        return {
            "account": {"id_number": self.account_id_number, "kind": str(self.account_kind)},
            "method": str(self.method),
            "confirmed_at": self.confirmed_at.isoformat(),
            "content_sha256": self.content_sha256,
            "provider": self.provider,
        }


class IdentityProvider(Protocol):
    """Signs the citizen in with their own account and has them confirm the content."""

    name: str
    methods: tuple[AccountKind, ...]
    """The ways of signing in it offers, in the order the officer is offered them."""

    def confirm(
        self, id_number: str, content_sha256: str, account_kind: AccountKind
    ) -> IdentityProof:
        """The proof once the holder of ``id_number`` has signed in and confirmed
        the content whose digest is ``content_sha256``; raises if they did not."""
        ...


class DemoIdentityProvider:
    """The demo identity provider, for training and tests: the citizen "signs in" at once.

    Its proofs say ``provider="demo"`` and ``method="demo"``, so the central
    system can refuse them in production.
    """

    name = "demo"
    methods = (AccountKind.VNEID_LEVEL2, AccountKind.PORTAL)

    def confirm(
        self,
        id_number: str,
        content_sha256: str,
        account_kind: AccountKind = AccountKind.VNEID_LEVEL2,
    ) -> IdentityProof:
        if not _ID_NUMBER.fullmatch(id_number or ""):
            raise BadInput(
                "the citizen's ID number is needed to sign in", code="onbehalf.no_id_number"
            )
        return IdentityProof(
            account_id_number=id_number,
            account_kind=offered(self, account_kind),
            method=Method.DEMO,
            confirmed_at=clock.now(),
            content_sha256=content_sha256,
            provider=self.name,
        )


def offered(provider: IdentityProvider, account_kind: AccountKind | str) -> AccountKind:
    """``account_kind`` as an :class:`AccountKind` the provider offers;
    ``onbehalf.method_not_offered`` otherwise."""
    try:
        kind = AccountKind(account_kind)
    except ValueError:
        kind = None
    if kind is None or kind not in provider.methods:
        raise BadInput(
            f"the identity provider does not offer signing in by {account_kind!s}",
            code="onbehalf.method_not_offered",
            method=str(account_kind),
        )
    return kind


def _unreadable(why: str) -> BadInput:
    return BadInput(f"the proof cannot be read: {why}", code="onbehalf.proof_unreadable", why=why)


def proof_from_json(data: Any) -> IdentityProof:
    """The :class:`IdentityProof` in its JSON form; ``onbehalf.proof_unreadable`` if none."""
    if not isinstance(data, dict):
        raise _unreadable("not a JSON object")
    account = data.get("account")
    if not isinstance(account, dict):
        raise _unreadable("no account")
    id_number = account.get("id_number")
    if not isinstance(id_number, str) or not _ID_NUMBER.fullmatch(id_number):
        raise _unreadable("the account has no ID number")
    try:
        kind = AccountKind(account.get("kind"))
        method = Method(data.get("method"))
    except ValueError:
        raise _unreadable("unknown account kind or method") from None
    digest = data.get("content_sha256")
    if not isinstance(digest, str) or not _DIGEST.fullmatch(digest):
        raise _unreadable("content_sha256 is not a SHA-256 digest")
    try:
        confirmed_at = datetime.fromisoformat(str(data.get("confirmed_at")))
    except ValueError:
        raise _unreadable("confirmed_at is not an ISO time") from None
    if confirmed_at.tzinfo is None:
        raise _unreadable("confirmed_at has no time zone")
    provider = data.get("provider")
    if not isinstance(provider, str) or not provider or len(provider) > 40:
        raise _unreadable("no provider")
    return IdentityProof(id_number, kind, method, confirmed_at, digest, provider)


def read_proof(path: Path) -> IdentityProof:
    """The proof in the JSON file at ``path`` (outside data: size capped, parsed strictly)."""
    try:
        if not path.is_file():
            raise BadInput(
                f"{path.name} is not a proof file", code="onbehalf.no_proof", name=path.name
            )
        with path.open("rb") as f:
            raw = f.read(PROOF_FILE_LIMIT + 1)
    except OSError as exc:
        raise BadInput(
            f"cannot read {path.name}: {exc.strerror}", code="onbehalf.no_proof", name=path.name
        ) from exc
    if len(raw) > PROOF_FILE_LIMIT:
        raise _unreadable("the file is too large")
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise _unreadable("not JSON") from exc
    return proof_from_json(data)
