"""The role table, the command table and the offline verifier, without a server."""

from __future__ import annotations

import argparse
from datetime import timedelta

import pytest

from workstation.cli import build_parser
from workstation.cli.roles import command_action
from workstation.domain import clock
from workstation.officers import ACTION_ROLES, Action, Role, known_roles, role_required
from workstation.signin import (
    OfflineNotPossible,
    OfflineWrongPassword,
    check_verifier,
    make_verifier,
)

PASSWORD = "Mật-khẩu-2026"


def test_every_action_needs_exactly_one_known_role() -> None:
    assert set(ACTION_ROLES) == set(Action)
    assert ACTION_ROLES[Action.RECEIVE] is Role.COUNTER_OFFICER
    assert ACTION_ROLES[Action.HAND_OVER] is Role.COUNTER_OFFICER
    assert ACTION_ROLES[Action.ARCHIVE] is Role.RECORDS_CLERK
    assert ACTION_ROLES[Action.SIGN] is Role.SIGNING_OFFICER
    for action in (Action.SETTINGS, Action.DEVICES, Action.KEYS, Action.RETENTION):
        assert ACTION_ROLES[action] is Role.ADMINISTRATOR
    # The dossier's life cycle, filing results and putting documents forward are counter
    # work; certifying a copy is a signing officer's.
    for action in (Action.LIFECYCLE, Action.FILE_RESULT, Action.REQUEST_SIGNATURE):
        assert ACTION_ROLES[action] is Role.COUNTER_OFFICER
    assert ACTION_ROLES[Action.CERTIFY] is Role.SIGNING_OFFICER


@pytest.mark.parametrize(
    ("argv", "action"),
    [
        (["dossier", "add", "--procedure", "1", "--applicant-name", "A", "--file", "x"], "receive"),
        (["dossier", "list"], None),
        (["dossier", "show", "#1"], None),
        (["result", "hand-over", "#1", "--collector-name", "A"], "hand_over"),
        (["archive", "find"], None),
        (["stats"], None),
        (["scan", "--device", "demo", "-o", "o.pdf"], None),  # a file: no dossier changes
        (
            ["scan", "--device", "demo", "-o", "o.pdf", "--dossier", "#1", "--component", "C"],
            "receive",
        ),
        (["result-form", "extract", "--template", "t", "s.png"], None),
        (["result-form", "file", "--template", "t", "--dossier", "#1", "s.png"], "file_result"),
        (["result-form", "templates"], None),
        (["signing-queue", "list"], None),
        (["signing-queue", "request", "#1", "d"], "request_signature"),
        (["signing-queue", "add-result", "#1", "r.pdf"], "file_result"),
        (["signing-queue", "send-back", "q", "--comment", "c"], "sign"),
        (["dossier-code", "issue", "--agency", "A", "--slot", "1"], "receive"),
        (["dossier-code", "check", "X"], None),
        (["form", "receipt", "#1", "-o", "r.pdf"], None),  # a printout to a file
    ],
)
def test_commands_map_to_the_action_they_do(argv: list[str], action: str | None) -> None:
    try:
        args = build_parser().parse_args(argv)
    except SystemExit:  # a command's own required options: only its name matters here
        args = argparse.Namespace(command=argv[0], action=argv[1] if len(argv) > 1 else None)
    found = command_action(args)
    assert (str(found) if found else None) == action


def test_commands_of_other_areas_are_gated_by_one_line_each() -> None:
    assert command_action(argparse.Namespace(command="key", action="rotate")) is Action.KEYS
    assert command_action(argparse.Namespace(command="key", action="init")) is Action.KEYS
    report = argparse.Namespace(command="retention", action="report")
    assert command_action(report) is Action.RETENTION
    store = argparse.Namespace(command="archive", archive_command="store")
    assert command_action(store) is Action.ARCHIVE
    scan = argparse.Namespace(command="archive", archive_command="scan")
    assert command_action(scan) is Action.ARCHIVE


def test_unknown_roles_from_the_server_grant_nothing() -> None:
    assert known_roles(["administrator", "superuser", 3]) == {Role.ADMINISTRATOR}
    assert known_roles("administrator") == frozenset()


def test_a_refusal_names_the_role_in_both_languages() -> None:
    refused = role_required(Action.SIGN, None)
    assert refused.exit_code == 3 and "signing_officer" in refused.detail
    assert "cán bộ ký số" in refused.user_message("vi")
    assert "signing officer" in refused.user_message("en")


def test_the_verifier_lets_the_right_password_in_with_its_roles() -> None:
    now = clock.now()
    verifier = make_verifier(PASSWORD, frozenset({Role.SIGNING_OFFICER}), now, days=3)
    assert PASSWORD not in str(verifier)
    assert check_verifier(verifier, PASSWORD, now + timedelta(days=2)) == {Role.SIGNING_OFFICER}
    with pytest.raises(OfflineWrongPassword):
        check_verifier(verifier, "mật-khẩu-2026", now)
    with pytest.raises(OfflineNotPossible) as expired:
        check_verifier(verifier, PASSWORD, now + timedelta(days=3))
    assert expired.value.code == "signin.offline_expired"


def test_two_verifiers_of_one_password_differ_by_their_salt() -> None:
    now = clock.now()
    first = make_verifier(PASSWORD, frozenset(), now, days=1)
    second = make_verifier(PASSWORD, frozenset(), now, days=1)
    assert first["salt"] != second["salt"] and first["hash"] != second["hash"]


def test_an_edited_verifier_is_refused_not_trusted() -> None:
    verifier = make_verifier(PASSWORD, frozenset(), clock.now(), days=1)
    verifier["salt"] = "not hex"
    with pytest.raises(OfflineNotPossible):
        check_verifier(verifier, PASSWORD, clock.now())


@pytest.mark.parametrize("action", ["status", "recover"])
def test_key_status_and_recovery_need_no_sign_in_since_a_lost_key_keeps_the_store_shut(
    action: str,
) -> None:
    assert command_action(argparse.Namespace(command="key", action=action)) is None
