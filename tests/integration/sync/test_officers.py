"""Officers sign in per person against the reference server (offline within a grace
period against a kept verifier), and the role gate refuses what their roles do not allow,
in the core and on the command line alike, each refusal in the audit log."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from tests.integration.sync.conftest import PASSWORD, central_command, start_server, workstation
from workstation.config import load_settings
from workstation.domain import clock
from workstation.officers import Action, Role, RoleRequired
from workstation.onbehalf.officer import OfficerSource
from workstation.services import open_services
from workstation.signin import OfficerDesk, OfflineNotPossible, OfflineWrongPassword
from workstation.store import audit
from workstation.sync import auth
from workstation.sync.client import HttpCentralClient
from workstation.sync.status import SignInRefused
from workstation_central.models import Officer, OfficerRole
from workstation_central.security import hash_password

pytestmark = pytest.mark.integration

CLERK_PASSWORD = "Lưu-trữ-2026"


def add_officer(server, user: str, password: str, *roles: str) -> None:
    with server.central.sessions() as db:
        db.merge(Officer(user=user, password_hash=hash_password(password)))
        db.flush()
        for role in roles:
            db.merge(OfficerRole(user=user, role=role))
        db.commit()


def entries(services) -> list[tuple[str, str, str, str | None]]:
    with services.database.reading() as session:
        return [
            (e.action, e.officer, e.officer_source, e.object_id)
            for e in audit.list_entries(session)
        ]


@pytest.fixture
def at_central(central, folders, monkeypatch):
    """Services whose settings name the reference server (roles enforced)."""
    monkeypatch.setenv("WORKSTATION_CENTRAL_URL", central.url)
    services = open_services(load_settings(folders), folders)
    yield services
    services.close()


def test_login_returns_the_roles_the_central_system_holds(central) -> None:
    add_officer(central, "vanthu", CLERK_PASSWORD, "records_clerk", "signing_officer")
    client = HttpCentralClient(central.url)
    try:
        tokens = client.login("vanthu", CLERK_PASSWORD)
    finally:
        client.close()
    assert tokens.roles == ("records_clerk", "signing_officer")


def test_create_officer_on_the_command_line_sets_repeatable_roles(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("PW", CLERK_PASSWORD)
    data = tmp_path / "central"
    made = central_command(
        "create-officer", "--data", str(data), "--user", "vanthu", "--password-env", "PW",
        "--role", "records_clerk", "--role", "signing_officer",
    )  # fmt: skip
    assert made.returncode == 0, made.stderr
    assert "records_clerk, signing_officer" in made.stdout
    server = start_server(data)
    try:
        client = HttpCentralClient(server.url)
        try:
            assert client.login("vanthu", CLERK_PASSWORD).roles == (
                "records_clerk",
                "signing_officer",
            )
        finally:
            client.close()
    finally:
        server.stop()


def test_the_gate_lets_a_role_through_and_refuses_another_naming_the_role(
    central, at_central
) -> None:
    add_officer(central, "vanthu", CLERK_PASSWORD, "records_clerk")
    officer = at_central.desk.sign_in("vanthu", CLERK_PASSWORD)
    assert officer.roles == {Role.RECORDS_CLERK}
    at_central.require(Action.ARCHIVE)
    with pytest.raises(RoleRequired) as refused:
        at_central.require(Action.SIGN, dossier_id="d-1")
    assert refused.value.code == "role.required"
    assert refused.value.params["role"] == "signing_officer"
    assert "cán bộ ký số" in refused.value.user_message("vi")
    assert "signing officer" in refused.value.user_message("en")
    assert entries(at_central)[-1] == ("action.refused", "vanthu", "central_sign_in", "sign")
    with at_central.database.reading() as session:
        assert audit.list_entries(session)[-1].dossier_id == "d-1"


def test_nobody_signed_in_is_refused_every_gated_action(at_central) -> None:
    with pytest.raises(RoleRequired) as refused:
        at_central.require(Action.RECEIVE)
    assert refused.value.code == "role.required_sign_in"
    assert "cán bộ một cửa" in refused.value.user_message("vi")
    assert entries(at_central)[-1][0::3] == ("action.refused", "receive")


def test_without_a_central_system_the_os_user_holds_every_role(services) -> None:
    officer = services.current_officer()
    assert officer is not None and officer.source == OfficerSource.OS_USER
    assert officer.roles == frozenset(Role)
    services.require(Action.SETTINGS)


def test_a_command_the_officer_has_no_role_for_exits_3_naming_the_role(
    central, at_central, sample_page, monkeypatch
) -> None:
    add_officer(central, "vanthu", CLERK_PASSWORD, "records_clerk")
    signed_in = workstation(
        "login", "--user", "vanthu", "--password-env", "PW",
        extra_env={"PW": CLERK_PASSWORD, "WORKSTATION_CENTRAL_URL": central.url},
    )  # fmt: skip
    assert signed_in.returncode == 0, signed_in.stderr
    assert "records_clerk" in signed_in.stdout
    add = workstation(
        "dossier", "add", "--procedure", "1.001193", "--applicant-name", "Nguyễn Văn An",
        "--file", str(sample_page), extra_env={"WORKSTATION_CENTRAL_URL": central.url},
    )  # fmt: skip
    assert add.returncode == 3
    assert "counter_officer" in add.stderr
    as_json = workstation(
        "dossier", "add", "--procedure", "1.001193", "--applicant-name", "Nguyễn Văn An",
        "--file", str(sample_page), "--json",
        extra_env={"WORKSTATION_CENTRAL_URL": central.url, "WORKSTATION_LANGUAGE": "en"},
    )  # fmt: skip
    error = json.loads(as_json.stdout)["error"]
    assert error["code"] == "role.required" and "counter officer" in error["message_en"]
    refused = [e for e in entries(at_central) if e[0] == "action.refused"]
    assert refused == [("action.refused", "vanthu", "central_sign_in", "receive")] * 2
    listing = workstation("dossier", "list", extra_env={"WORKSTATION_CENTRAL_URL": central.url})
    assert listing.returncode == 0, listing.stderr  # listing needs no role


def test_the_counter_officer_receives_on_the_command_line(central, at_central, sample_page):
    signed_in = workstation(
        "login", "--user", "canbo1", "--password-env", "PW",
        extra_env={"PW": PASSWORD, "WORKSTATION_CENTRAL_URL": central.url},
    )  # fmt: skip
    assert signed_in.returncode == 0, signed_in.stderr
    add = workstation(
        "dossier", "add", "--procedure", "1.001193", "--applicant-name", "Nguyễn Văn An",
        "--file", str(sample_page), extra_env={"WORKSTATION_CENTRAL_URL": central.url},
    )  # fmt: skip
    assert add.returncode == 0, add.stderr
    who = workstation("whoami", "--json", extra_env={"WORKSTATION_CENTRAL_URL": central.url})
    assert json.loads(who.stdout)["officer"]["user"] == "canbo1"
    out = workstation("logout", extra_env={"WORKSTATION_CENTRAL_URL": central.url})
    assert out.returncode == 0 and "canbo1" in out.stdout
    again = workstation(
        "dossier", "add", "--procedure", "1.001193", "--applicant-name", "Nguyễn Văn An",
        "--file", str(sample_page), extra_env={"WORKSTATION_CENTRAL_URL": central.url},
    )  # fmt: skip
    assert again.returncode == 3 and "workstation login" in again.stderr


def test_offline_sign_in_works_within_the_grace_period_with_the_server_down(
    central, at_central
) -> None:
    desk = at_central.desk
    desk.sign_in("canbo1", PASSWORD)
    desk.sign_out()
    central.stop()
    officer = desk.sign_in("canbo1", PASSWORD)
    assert officer.source == OfficerSource.OFFLINE_SIGN_IN
    assert Role.COUNTER_OFFICER in officer.roles
    assert desk.current() == officer
    at_central.require(Action.RECEIVE)
    with pytest.raises(OfflineWrongPassword):
        desk.sign_in("canbo1", "sai-mật-khẩu")
    assert isinstance(OfflineWrongPassword("x"), SignInRefused)  # said at the password field
    with pytest.raises(OfflineNotPossible) as unknown:
        desk.sign_in("nguoi-la", PASSWORD)
    assert unknown.value.code == "signin.offline_not_possible"
    later = OfficerDesk(
        at_central.settings,
        at_central.folders,
        at_central.database,
        now=lambda: clock.now() + timedelta(days=at_central.settings.offline_signin_days, hours=1),
    )
    assert later.current() is None  # the offline session ended with the grace period
    with pytest.raises(OfflineNotPossible) as expired:
        later.sign_in("canbo1", PASSWORD)
    assert expired.value.code == "signin.offline_expired"
    actions = [(a, s) for a, _o, s, _x in entries(at_central)]
    assert actions[-4:] == [  # the wrong password, the unknown officer, the expired grace
        ("officer.signed_in", "offline_sign_in"),
        *[("officer.sign_in_refused", "offline_sign_in")] * 3,
    ]


def test_the_verifier_keeps_no_password(central, at_central, tmp_path) -> None:
    at_central.desk.sign_in("canbo1", PASSWORD)
    verifier = auth.load_verifier(central.url, "canbo1")
    assert verifier is not None and verifier["scheme"] == "scrypt"
    kept = (tmp_path / "keyring.json").read_text()
    assert PASSWORD not in kept and PASSWORD.encode().hex() not in kept
    session = (at_central.folders.data / "officer-session.json").read_text()
    assert PASSWORD not in session and "refresh" not in session


def test_a_wrong_password_online_is_refused_and_recorded(at_central) -> None:
    with pytest.raises(SignInRefused):
        at_central.desk.sign_in("canbo1", "sai")
    assert at_central.desk.current() is None
    assert entries(at_central)[-1][:3] == ("officer.sign_in_refused", "canbo1", "central_sign_in")


def test_two_officers_share_one_pc_each_with_their_own_sign_in(central, at_central) -> None:
    add_officer(central, "vanthu", CLERK_PASSWORD, "records_clerk")
    desk = at_central.desk
    desk.sign_in("canbo1", PASSWORD)
    desk.sign_in("vanthu", CLERK_PASSWORD)
    assert desk.current().user == "vanthu"
    first, second = (
        auth.load_sign_in(central.url, "canbo1"),
        auth.load_sign_in(central.url, "vanthu"),
    )
    assert first[1] != second[1]  # each keeps their own refresh token
    assert auth.load_sign_in(central.url)[0] == "vanthu"  # the one this PC sends with
    assert at_central.officer().user == "vanthu"  # audit entries and messages name them
    with pytest.raises(RoleRequired):
        at_central.require(Action.RECEIVE)
    assert desk.sign_out().user == "vanthu"
    assert auth.load_sign_in(central.url, "canbo1")[0] == "canbo1"  # untouched
    assert desk.current() is None
    desk.sign_in("canbo1", PASSWORD)
    at_central.require(Action.RECEIVE)
    took_over = [e for e in entries(at_central) if e[0] == "officer.took_over"]
    assert took_over == [("officer.took_over", "vanthu", "central_sign_in", "canbo1")]
