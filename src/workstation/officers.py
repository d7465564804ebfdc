"""Officers' roles (vai trò) and the one gate every action that needs a role goes through.

The central system holds each officer's roles and gives them at sign-in
(:mod:`workstation.signin` keeps them with the sign-in). What each action
needs is one table, :data:`ACTION_ROLES`: a counter officer (cán bộ một cửa)
receives (and adds papers to a dossier), files on a citizen's behalf, takes
a dossier through its life cycle (supplement, refusal, extension, stop),
files results and puts documents forward for signature, and hands results
over; a records clerk (văn thư lưu trữ) makes archive batches; a signing
officer signs, certifies copies and sends documents back; an administrator
(quản trị) changes settings, devices, keys and retention. The
window (which disables what the officer may not do, naming the role) and the
command line (``workstation.cli.roles``, command → action) ask the same
:class:`Gate`; a refused action raises :class:`RoleRequired`
(``role.required``, naming the role) and is recorded in the audit log as
``action.refused`` with the action and object ids only.

A workstation with no central system (``central_url`` empty: development,
training, a standalone counter) has nobody to say who holds which role: its
operating-system user acts with every role. An administrator who wants roles
enforced sets ``central_url`` in the machine-wide settings, where officers
cannot unset it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from workstation import i18n
from workstation.errors import BadInput
from workstation.onbehalf.officer import Officer, OfficerSource
from workstation.store.database import Database

log = logging.getLogger(__name__)

REFUSED = "action.refused"
"""The audit action of an action refused for a missing role (``object_id``: the action)."""


class Role(StrEnum):
    """A role the central system gives an officer; text key ``role.<value>``."""

    COUNTER_OFFICER = "counter_officer"
    RECORDS_CLERK = "records_clerk"
    SIGNING_OFFICER = "signing_officer"
    ADMINISTRATOR = "administrator"


class Action(StrEnum):
    """What the gate is asked about (``object_id`` of a refusal's audit entry)."""

    RECEIVE = "receive"
    ON_BEHALF = "on_behalf"
    HAND_OVER = "hand_over"
    LIFECYCLE = "lifecycle"
    FILE_RESULT = "file_result"
    REQUEST_SIGNATURE = "request_signature"
    ARCHIVE = "archive"
    SIGN = "sign"
    CERTIFY = "certify"
    SETTINGS = "settings"
    DEVICES = "devices"
    KEYS = "keys"
    RETENTION = "retention"


ACTION_ROLES: dict[Action, Role] = {
    Action.RECEIVE: Role.COUNTER_OFFICER,
    Action.ON_BEHALF: Role.COUNTER_OFFICER,
    Action.HAND_OVER: Role.COUNTER_OFFICER,
    Action.LIFECYCLE: Role.COUNTER_OFFICER,
    Action.FILE_RESULT: Role.COUNTER_OFFICER,
    Action.REQUEST_SIGNATURE: Role.COUNTER_OFFICER,
    Action.ARCHIVE: Role.RECORDS_CLERK,
    Action.SIGN: Role.SIGNING_OFFICER,
    Action.CERTIFY: Role.SIGNING_OFFICER,
    Action.SETTINGS: Role.ADMINISTRATOR,
    Action.DEVICES: Role.ADMINISTRATOR,
    Action.KEYS: Role.ADMINISTRATOR,
    Action.RETENTION: Role.ADMINISTRATOR,
}
"""The role each action needs (one line per action)."""


def known_roles(names: object) -> frozenset[Role]:
    """The roles among ``names`` this workstation knows (others grant nothing)."""
    if not isinstance(names, list | tuple | set | frozenset):
        return frozenset()
    known = {r.value for r in Role}
    return frozenset(Role(n) for n in names if isinstance(n, str) and n in known)


@dataclass(frozen=True)
class SignedIn:
    """The officer acting on this PC now, and what they may do.

    ``source``: ``central_sign_in`` (checked by the central system),
    ``offline_sign_in`` (checked against the verifier kept from an earlier
    sign-in, within the grace period) or ``os_user`` (no central system).
    """

    user: str
    source: OfficerSource
    roles: frozenset[Role]
    server: str = ""
    signed_in_at: str = ""
    expires_at: str = ""

    def may(self, action: Action) -> bool:
        return ACTION_ROLES[action] in self.roles

    def as_officer(self) -> Officer:
        """The officer as outbox messages and audit entries name them."""
        return Officer(self.user, self.source)

    def as_json(self) -> dict[str, object]:
        return {
            "user": self.user,
            "source": str(self.source),
            "roles": sorted(str(r) for r in self.roles),
            "server": self.server,
            "signed_in_at": self.signed_in_at,
            "expires_at": self.expires_at,
        }


class RoleRequired(BadInput):
    """The officer acting now does not hold the role an action needs (or nobody is
    signed in). ``params``: ``action``, ``role`` (its value) and ``user`` ('' for nobody)."""

    code = "role.required"

    def user_message(self, language: str | None = None) -> str:
        label = i18n.translate(f"role.{self.params.get('role', '')}", language)
        return i18n.translate(f"error.{self.code}", language, **self.params, role_label=label)


def role_required(action: Action, officer: SignedIn | None) -> RoleRequired:
    """The refusal of ``action`` to ``officer`` (None: nobody signed in)."""
    role = ACTION_ROLES[action]
    if officer is None:
        detail = f"{action} needs the role {role}; no officer is signed in: run workstation login"
        code = "role.required_sign_in"
    else:
        detail = f"{action} needs the role {role}, which {officer.user} does not hold"
        code = "role.required"
    return RoleRequired(
        detail,
        code=code,
        action=str(action),
        role=str(role),
        user=officer.user if officer else "",
    )


class Gate:
    """Asks who acts now (``current``, which may read the keyring: off the UI thread) and
    lets an action through or refuses it, recording the refusal in ``database``'s audit log."""

    def __init__(self, database: Database, current: Callable[[], SignedIn | None]) -> None:
        self.database = database
        self.current = current

    def allows(self, action: Action) -> bool:
        """Whether the officer acting now may do ``action`` (nothing is recorded)."""
        officer = self.current()
        return officer is not None and officer.may(action)

    def require(
        self,
        action: Action,
        *,
        dossier_id: str | None = None,
        document_id: str | None = None,
    ) -> SignedIn:
        """The officer acting now, when they may do ``action``; else the refusal is
        recorded (``action.refused``, the action and object ids) and raised as
        :class:`RoleRequired` naming the role."""
        from workstation.audit import record_action

        officer = self.current()
        if officer is not None and officer.may(action):
            return officer
        record_action(
            self.database,
            REFUSED,
            officer=(officer.user, str(officer.source)) if officer else None,
            dossier_id=dossier_id,
            document_id=document_id,
            object_id=str(action),
        )
        log.info("%s refused: needs %s", action, ACTION_ROLES[action])
        raise role_required(action, officer)


def every_role(officer: Officer) -> SignedIn:
    """``officer`` with every role: a workstation without a central system."""
    return SignedIn(officer.user, officer.source, frozenset(Role))
