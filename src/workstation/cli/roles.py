"""Which commands need a role: one line per command (``workstation.officers`` says which
role each action needs).

``main`` asks the role gate before the handler runs, as the officer acting on
this PC (``workstation login`` makes you that officer until ``workstation
logout`` or the ``session_hours`` setting runs out); a refused command exits 3
naming the role, and the refusal is in the audit log. A key is ``command``,
``command action`` or ``command --option`` (gated only when that option is
given: ``scan`` alone writes a PDF file, ``scan --dossier`` adds it to a
dossier); commands not listed here (listing, showing, verifying, printing
forms to a file, statistics, sync) need none.
"""

from __future__ import annotations

import argparse

from workstation.officers import Action

COMMAND_ACTIONS: dict[str, Action] = {
    "dossier add": Action.RECEIVE,
    "dossier import": Action.RECEIVE,
    "dossier submit-online": Action.ON_BEHALF,
    "dossier-code issue": Action.RECEIVE,
    "scan --dossier": Action.RECEIVE,
    "payment record": Action.ON_BEHALF,
    "result hand-over": Action.HAND_OVER,
    "result-form file": Action.FILE_RESULT,
    "signing-queue add-result": Action.FILE_RESULT,
    "signing-queue request": Action.REQUEST_SIGNATURE,
    "signing-queue send-back": Action.SIGN,
    "archive separators": Action.ARCHIVE,
    "archive scan": Action.ARCHIVE,
    "archive split": Action.ARCHIVE,
    "archive export": Action.ARCHIVE,
    "archive store": Action.ARCHIVE,
    "sign": Action.SIGN,
    # Not "key status" nor "key recover": both must work on a PC whose keyring lost the
    # store's key, where the store (and so the officer's sign-in) cannot be opened, and
    # recovering proves itself with the recovery passphrase or key.
    "key init": Action.KEYS,
    "key rotate": Action.KEYS,
    "retention": Action.RETENTION,
}


def command_action(args: argparse.Namespace) -> Action | None:
    """The gated action of the parsed command line, or None when it needs no role."""
    command = str(getattr(args, "command", "") or "")
    action = getattr(args, "action", None) or getattr(args, "archive_command", None)
    if action and f"{command} {action}" in COMMAND_ACTIONS:
        return COMMAND_ACTIONS[f"{command} {action}"]
    for key, gated in COMMAND_ACTIONS.items():
        name, _, option = key.partition(" --")
        if option and name == command and getattr(args, option.replace("-", "_"), None):
            return gated
    return COMMAND_ACTIONS.get(command)
