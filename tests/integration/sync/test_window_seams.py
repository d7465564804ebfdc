"""What the window's sending worker and sign-in dialog get from ``open_services``.

With ``central_url`` set, the services carry a real sign-in (refresh token kept in
the keyring) and a real sending round over the outbox; without it, neither, and
the window says it is not connected.
"""

from __future__ import annotations

import json

import pytest

from tests.integration.sync.conftest import PASSWORD, central_command
from workstation.config import load_settings
from workstation.errors import WorkstationError
from workstation.services import open_services
from workstation.sync.status import SignInRefused
from workstation.tasks import CancelToken

pytestmark = pytest.mark.integration


def test_without_a_central_system_the_window_gets_no_sender_and_no_sign_in(services) -> None:
    assert services.sender is None
    assert services.login is None


def test_the_window_signs_in_and_sends_the_outbox_to_the_central_system(
    central, folders, add_by_command, monkeypatch
) -> None:
    assert add_by_command("Nguyễn Thị Hồng Nhung") == 0
    assert add_by_command("Phạm Văn Hùng") == 0
    monkeypatch.setenv("WORKSTATION_CENTRAL_URL", central.url)
    services = open_services(load_settings(folders), folders)
    try:
        assert services.sender is not None and services.login is not None
        with pytest.raises(WorkstationError) as before:
            services.sender(CancelToken())  # not signed in yet: nothing leaves
        assert before.value.code == "sync.not_signed_in"
        with pytest.raises(SignInRefused):
            services.login(central.url, "canbo1", "sai")
        assert services.login(central.url, "canbo1", PASSWORD) == "canbo1"
        assert services.sender(CancelToken()) == 2
        assert services.sender(CancelToken()) == 0  # nothing sent twice
    finally:
        services.close()
    held = json.loads(central_command("inventory", "--data", str(central.data), "--json").stdout)
    assert len(held["dossiers"]) == 2
