"""Which addresses count as this machine, and which may be reached by plain HTTP."""

from __future__ import annotations

import pytest

from workstation.sign.remote import CscClient, RemoteChoice
from workstation.tls import InsecureAddress, is_loopback, require_secure_url


@pytest.mark.parametrize(
    "url",
    [
        "https://central.example.gov.vn",
        "https://10.0.0.5:8443/api",
        "http://127.0.0.1:8000",
        "http://127.5.6.7",
        "http://localhost:8000",
        "http://LOCALHOST",
        "http://[::1]:8000",
    ],
)
def test_https_anywhere_and_plain_http_to_this_machine_are_accepted(url: str) -> None:
    assert require_secure_url(url, "central system") == url


@pytest.mark.parametrize(
    "url",
    [
        "http://10.0.0.5",
        "http://central.example.gov.vn",
        "http://127.0.0.1.nip.io",
        "http://localhost.evil.test",
        "http://[::2]",
        "ftp://127.0.0.1",
        "central.example.gov.vn",
        "https://",
    ],
)
def test_plain_http_off_this_machine_and_other_schemes_are_refused(url: str) -> None:
    with pytest.raises(InsecureAddress):
        require_secure_url(url, "central system")


def test_loopback_is_the_whole_127_block_ipv6_one_and_localhost() -> None:
    assert is_loopback("127.255.0.1") and is_loopback("::1") and is_loopback("localhost")
    assert not is_loopback("128.0.0.1") and not is_loopback("") and not is_loopback(None)


def test_a_remote_signing_service_over_plain_http_off_this_machine_is_refused() -> None:
    with pytest.raises(InsecureAddress):
        CscClient(RemoteChoice("http://csc.example.vn/csc/v1", "cred", "access-token"))
