"""Actions that queue nothing are recorded too: signing in (or being refused), signing out."""

from __future__ import annotations

import pytest

from tests.integration.sync.conftest import PASSWORD, workstation
from workstation.config import load_settings
from workstation.services import open_services
from workstation.store import audit
from workstation.sync.status import SignInRefused

pytestmark = pytest.mark.integration


def _actions(services) -> list[tuple[str, str, str]]:
    with services.database.reading() as session:
        return [(e.action, e.officer, e.officer_source) for e in audit.list_entries(session)]


def test_the_windows_sign_in_and_a_refused_one_are_recorded(central, folders, monkeypatch):
    monkeypatch.setenv("WORKSTATION_CENTRAL_URL", central.url)
    services = open_services(load_settings(folders), folders)
    try:
        with pytest.raises(SignInRefused):
            services.login(central.url, "canbo1", "sai")
        services.login(central.url, "canbo1", PASSWORD)
        assert _actions(services) == [
            ("officer.sign_in_refused", "canbo1", "central_sign_in"),
            ("officer.signed_in", "canbo1", "central_sign_in"),
        ]
    finally:
        services.close()


def test_login_and_logout_on_the_command_line_are_recorded(central, services):
    wrong = workstation(
        "login", "--server", central.url, "--user", "canbo1", "--password-stdin", stdin="sai\n"
    )
    assert wrong.returncode == 3
    signed_in = workstation(
        "login", "--server", central.url, "--user", "canbo1", "--password-env", "PW",
        extra_env={"PW": PASSWORD},
    )  # fmt: skip
    assert signed_in.returncode == 0, signed_in.stderr
    assert workstation("logout", "--server", central.url).returncode == 0
    assert [(a, o) for a, o, _ in _actions(services)] == [
        ("officer.sign_in_refused", "canbo1"),
        ("officer.signed_in", "canbo1"),
        ("officer.signed_out", "canbo1"),
    ]
