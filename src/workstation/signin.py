"""Signing officers in on this PC: against the central system, else offline for a while.

Several officers share one counter PC (often one operating-system account):
each signs in on their own with their name and password, which go to the
central system (:func:`workstation.sync.auth.login`); their refresh token
and roles are kept in their own keyring entry. At each such sign-in a
**verifier** is kept too, in the keyring: scrypt of the password with a
fresh salt, the roles, and how long it lets them in without the central
system (``offline_signin_days``). Never the password. While the central
system cannot be reached (no answer, 5xx; never an untrusted certificate,
which may be someone else's server), an officer whose verifier has not
expired signs in against it (source ``offline_sign_in``); a wrong password
is refused the same as online.

**Who acts now.** A sign-in makes that officer the one acting on this PC,
for the window and the command line alike, until ``workstation logout``
(or Sign out in the window) or ``session_hours`` later: a small session
record in the data folder (``officer-session.json``: server, user, source,
times; no secret). Their roles are read from the keyring at each question,
not from that file, so editing it grants nothing. Another officer signing
in takes over (recorded as ``officer.took_over``, naming who was acting).
Every sign-in, failed sign-in and sign-out is recorded in the audit log.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import os
import secrets
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from workstation.config import Settings
from workstation.domain import clock
from workstation.errors import BadInput, ExternalPartError, WorkstationError
from workstation.officers import Role, SignedIn, every_role, known_roles
from workstation.onbehalf.officer import OfficerSource, os_officer
from workstation.paths import Folders
from workstation.store.database import Database
from workstation.sync.status import SignInRefused

log = logging.getLogger(__name__)

SESSION_FILE = "officer-session.json"
TOOK_OVER = "officer.took_over"
"""The audit action of an officer signing in while another was acting (``object_id``:
the officer who was)."""
_SIGNED_IN_SOURCES = (OfficerSource.CENTRAL_SIGN_IN, OfficerSource.OFFLINE_SIGN_IN)
_N, _R, _P = 2**14, 8, 1
"""scrypt's cost (as the central system's own password hashes)."""


class OfflineWrongPassword(SignInRefused):
    """The central system could not be reached and the password does not match the
    officer's kept verifier."""

    code = "signin.offline_wrong_password"


class OfflineNotPossible(ExternalPartError):
    """The central system could not be reached and the officer cannot sign in without it:
    no verifier kept here, its grace period is over, or offline sign-in is switched off."""

    code = "signin.offline_not_possible"


def make_verifier(
    password: str, roles: frozenset[Role], now: datetime, days: int
) -> dict[str, object]:
    """The verifier of ``password``: scrypt with a fresh salt, the roles, and until when it
    signs the officer in offline (``days`` from ``now``)."""
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, n=_N, r=_R, p=_P)
    return {
        "scheme": "scrypt",
        "n": _N,
        "r": _R,
        "p": _P,
        "salt": salt.hex(),
        "hash": digest.hex(),
        "roles": sorted(str(r) for r in roles),
        "verified_at": _iso(now),
        "expires_at": _iso(now + timedelta(days=days)),
    }


def check_verifier(verifier: dict[str, object], password: str, now: datetime) -> frozenset[Role]:
    """The roles ``verifier`` grants for ``password`` at ``now``; raises
    :class:`OfflineNotPossible` once it has expired (or cannot be read) and
    :class:`OfflineWrongPassword` for another password."""
    try:
        expires = datetime.fromisoformat(str(verifier["expires_at"]))
        salt = bytes.fromhex(str(verifier["salt"]))
        expected = bytes.fromhex(str(verifier["hash"]))
        cost = {k: int(verifier[k]) for k in ("n", "r", "p")}  # type: ignore[call-overload]
    except (KeyError, ValueError, TypeError) as exc:
        raise OfflineNotPossible(
            "the kept offline verifier cannot be read", code="signin.offline_not_possible"
        ) from exc
    if now >= expires:
        raise OfflineNotPossible(
            "the central system cannot be reached and the offline grace period is over",
            code="signin.offline_expired",
        )
    digest = hashlib.scrypt(password.encode(), salt=salt, maxmem=1 << 26, **cost)
    if not hmac.compare_digest(digest, expected):
        raise OfflineWrongPassword("the password does not match (offline sign-in)")
    return known_roles(verifier.get("roles"))


class OfficerDesk:
    """Signs officers in and out on this PC and says who acts now (:meth:`current`).

    Every method may read the keyring or the network: call them off the UI thread.
    """

    def __init__(
        self,
        settings: Settings,
        folders: Folders,
        database: Database,
        *,
        now: Callable[[], datetime] = clock.now,
    ) -> None:
        """``now``: the clock (tests move it past a grace period)."""
        self.settings = settings
        self.folders = folders
        self.database = database
        self.now = now

    @property
    def server(self) -> str:
        return self.settings.central_url.rstrip("/")

    @property
    def session_path(self) -> Path:
        return self.folders.data / SESSION_FILE

    # Who acts now ------------------------------------------------------------

    def current(self) -> SignedIn | None:
        """The officer acting on this PC now, with their roles; None when nobody is signed
        in (or their sign-in ended). Without a central system: the OS user, every role."""
        if not self.server:
            return every_role(os_officer())
        session = self._session()
        if session is None:
            return None
        from workstation.sync import auth

        user, source = str(session["user"]), str(session["source"])
        try:
            if source == OfficerSource.CENTRAL_SIGN_IN:
                roles = known_roles(list(auth.signed_in_roles(self.server, user)))
            else:
                verifier = auth.load_verifier(self.server, user)
                if verifier is None or self._passed(verifier.get("expires_at")):
                    return None
                roles = known_roles(verifier.get("roles"))
        except WorkstationError as exc:  # signed out elsewhere, or no keyring to ask
            log.info("the session's sign-in is gone (%s)", exc.code)
            return None
        return SignedIn(
            user,
            OfficerSource(source),
            roles,
            self.server,
            str(session.get("signed_in_at", "")),
            str(session.get("expires_at", "")),
        )

    def _session(self) -> dict[str, object] | None:
        try:
            session = json.loads(self.session_path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None
        except (OSError, ValueError) as exc:
            log.warning("officer session unreadable (%s): nobody is signed in", type(exc).__name__)
            return None
        if not isinstance(session, dict) or session.get("server") != self.server:
            return None
        if session.get("source") not in (
            OfficerSource.CENTRAL_SIGN_IN,
            OfficerSource.OFFLINE_SIGN_IN,
        ):
            return None
        if self._passed(session.get("expires_at")):
            return None
        return session

    # Signing in and out --------------------------------------------------------

    def sign_in(self, user: str, password: str, server: str | None = None) -> SignedIn:
        """Sign ``user`` in against the central system (``server``, else the settings'),
        else against their verifier while it cannot be reached; they then act on this PC.
        Raises :class:`SignInRefused` (wrong name or password), :class:`OfflineNotPossible`
        or the central system's failure. Every attempt is recorded in the audit log."""
        from workstation.audit import CENTRAL_SIGN_IN, SIGN_IN_REFUSED, SIGNED_IN, record_action
        from workstation.sync import auth
        from workstation.sync.client import CentralNotTrusted, Retryable

        server = (server or self.server).rstrip("/")
        if not server:
            raise BadInput(
                "no central system configured: give --server URL or set central_url",
                code="sync.no_server",
            )
        before = self.current() if server == self.server else None
        now = self.now()
        try:
            tokens = auth.login(
                server, user, password, ca_file=self.settings.central_ca_file or None
            )
        except SignInRefused:
            record_action(self.database, SIGN_IN_REFUSED, officer=(user, CENTRAL_SIGN_IN))
            raise
        except Retryable as exc:
            if isinstance(exc, CentralNotTrusted):  # maybe not the province's server at all
                record_action(self.database, SIGN_IN_REFUSED, officer=(user, CENTRAL_SIGN_IN))
                raise
            officer = self._offline(server, user, password, now, exc)
        except WorkstationError:  # refused otherwise, or no safe keyring to keep it in
            record_action(self.database, SIGN_IN_REFUSED, officer=(user, CENTRAL_SIGN_IN))
            raise
        else:
            roles = known_roles(list(tokens.roles))
            if self.settings.offline_signin_days > 0:
                verifier = make_verifier(password, roles, now, self.settings.offline_signin_days)
                auth.save_verifier(server, tokens.user, verifier)
            expires = now + timedelta(hours=self.settings.session_hours)
            officer = SignedIn(
                tokens.user, OfficerSource.CENTRAL_SIGN_IN, roles, server, _iso(now), _iso(expires)
            )
        self._write_session(officer)
        record_action(self.database, SIGNED_IN, officer=(officer.user, str(officer.source)))
        if (
            before is not None
            and before.user != officer.user
            and before.source != OfficerSource.OS_USER
        ):
            record_action(
                self.database,
                TOOK_OVER,
                officer=(officer.user, str(officer.source)),
                object_id=before.user,
            )
        log.info("officer signed in (%s, %d role(s))", officer.source, len(officer.roles))
        return officer

    def _offline(
        self, server: str, user: str, password: str, now: datetime, cause: Exception
    ) -> SignedIn:
        from workstation.audit import SIGN_IN_REFUSED, record_action
        from workstation.sync import auth

        offline = (user, str(OfficerSource.OFFLINE_SIGN_IN))
        verifier = auth.load_verifier(server, user) if self.settings.offline_signin_days else None
        if verifier is None:
            record_action(self.database, SIGN_IN_REFUSED, officer=offline)
            raise OfflineNotPossible(
                f"{cause}; this officer has no offline sign-in on this PC",
                code="signin.offline_not_possible",
                server=server,
            ) from cause
        try:
            roles = check_verifier(verifier, password, now)
        except (OfflineWrongPassword, OfflineNotPossible) as exc:
            record_action(self.database, SIGN_IN_REFUSED, officer=offline)
            raise type(exc)(f"{cause}; {exc.detail}", code=exc.code, server=server) from cause
        expires = min(
            now + timedelta(hours=self.settings.session_hours),
            datetime.fromisoformat(str(verifier["expires_at"])),
        )
        log.info("central system unreachable (%s): signed in offline", getattr(cause, "code", ""))
        return SignedIn(
            user, OfficerSource.OFFLINE_SIGN_IN, roles, server, _iso(now), _iso(expires)
        )

    def sign_out(self, *, forget: bool = True) -> SignedIn | None:
        """End the acting officer's session on this PC (recorded as ``officer.signed_out``);
        ``forget``: remove their refresh token too. Returns who was signed in, or None."""
        from workstation.audit import SIGNED_OUT, record_action
        from workstation.sync import auth

        officer = self.current() if self.server else None
        self.session_path.unlink(missing_ok=True)
        if officer is None:
            return None
        if forget and officer.source == OfficerSource.CENTRAL_SIGN_IN:
            try:
                auth.forget_sign_in(self.server, officer.user)
            except WorkstationError as exc:
                log.warning("refresh token not removed (%s)", exc.code)
        record_action(self.database, SIGNED_OUT, officer=(officer.user, str(officer.source)))
        return officer

    def _passed(self, value: object) -> bool:
        """Whether the moment ``value`` (ISO text) has passed; unreadable counts as passed."""
        try:
            return self.now() >= datetime.fromisoformat(str(value))
        except ValueError:
            return True

    def _write_session(self, officer: SignedIn) -> None:
        body = {
            "server": officer.server,
            "user": officer.user,
            "source": str(officer.source),
            "signed_in_at": officer.signed_in_at,
            "expires_at": officer.expires_at,
        }
        self.session_path.parent.mkdir(parents=True, exist_ok=True)
        temporary = self.session_path.with_suffix(".tmp")
        temporary.write_text(json.dumps(body), encoding="utf-8")
        os.replace(temporary, self.session_path)


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds")
