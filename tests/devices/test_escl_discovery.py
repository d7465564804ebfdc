"""eSCL discovery: the fake scanner announced by real mDNS on loopback, found and scanned from.

The record parsing is also pinned on python-zeroconf's own ``ServiceInfo``
records, built as scanners announce them, for the TXT cases the network here
cannot show (IPv6 link-local, ``_uscans`` beside ``_uscan``, odd ``rs``).
"""

from __future__ import annotations

import json
import socket
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from zeroconf import ServiceInfo

from tests.conftest import SAMPLES
from tests.fakes.escl_server import UUID, Behaviour, FakeEsclScanner
from tests.integration.test_cli import run
from workstation.scan.devices.base import ColourMode, ScanSettings, Source
from workstation.scan.devices.discovery import (
    discover_escl,
    merge,
    parse_uuid,
    service_from_record,
)
from workstation.scan.devices.escl import EsclBackend

PAGE = SAMPLES / "to-khai-khai-sinh.png"
HEX = UUID.replace("-", "")


@pytest.fixture
def scanner() -> Iterator[FakeEsclScanner]:
    with FakeEsclScanner([PAGE], Behaviour(adf_pages=2)) as fake:
        yield fake


def unique(label: str) -> str:
    """An instance name no other test run on this network announces."""
    return f"{label} {uuid.uuid4().hex[:8]}"


def test_scanner_announced_on_the_network_is_found_and_scans(
    scanner: FakeEsclScanner, tmp_path: Path
) -> None:
    name = unique("Máy quét tầng 1")
    with scanner.announced(name):
        found = [s for s in discover_escl(1.0, ["127.0.0.1"]) if s.name == name]
    assert len(found) == 1
    service = found[0]
    assert service.roots == (scanner.root,)
    assert service.model == "Fake eSCL Scanner" and service.uuid == HEX
    assert service.formats == ("image/jpeg", "image/png")
    device = EsclBackend().open(service.device_id)
    settings = ScanSettings(source=Source.ADF, dpi=75, mode=ColourMode.GRAY, page_size="a5")
    assert len(list(device.scan(settings, tmp_path / "pages"))) == 2


def test_backend_lists_a_found_scanner_once_when_it_was_also_entered_by_hand(
    scanner: FakeEsclScanner,
) -> None:
    with scanner.announced(unique("Entered")):
        listed = EsclBackend((scanner.root,), 1.0, ["127.0.0.1"]).list_devices()
    assert [d.id for d in listed].count("escl:" + scanner.root) == 1


def test_devices_command_lists_scanners_found_on_the_network(
    capsys, scanner: FakeEsclScanner
) -> None:
    name = unique("Counter scanner")
    with scanner.announced(name):
        code, out, _ = run(capsys, "devices", "--json", "--discovery", "2")
    assert code == 0
    found = [d for d in json.loads(out)["devices"] if d["id"] == "escl:" + scanner.root]
    assert found and found[0]["name"] == "Fake eSCL Scanner" and name in found[0]["detail"]


def test_devices_without_discovery_asks_the_network_nothing(
    capsys, scanner: FakeEsclScanner
) -> None:
    with scanner.announced(unique("Silent")):
        code, out, _ = run(capsys, "devices", "--json", "--discovery", "0")
    assert code == 0
    assert not [d for d in json.loads(out)["devices"] if d["backend"] == "escl"]


def record(
    txt: dict[str, str | None] | None = None,
    *,
    kind: str = "_uscan._tcp.local.",
    addresses: tuple[str, ...] = ("192.168.1.20",),
    port: int = 8080,
    interface: int | None = None,
    name: str = "Office MFP",
) -> ServiceInfo:
    """A resolved answer as python-zeroconf hands it over."""
    packed = [
        socket.inet_pton(socket.AF_INET6 if ":" in a else socket.AF_INET, a) for a in addresses
    ]
    return ServiceInfo(
        kind,
        f"{name}.{kind}",
        addresses=packed,
        port=port,
        properties=txt if txt is not None else {"rs": "eSCL", "ty": "HP LaserJet MFP"},
        server="mfp.local.",
        interface_index=interface,
    )


def test_rs_names_the_escl_root_with_slashes_trimmed() -> None:
    service = service_from_record(record({"rs": "/scanner/eSCL/"}))
    assert service is not None
    assert service.roots == ("http://192.168.1.20:8080/scanner/eSCL",)


def test_missing_rs_means_escl_and_empty_rs_means_the_server_root() -> None:
    absent = service_from_record(record({"ty": "Canon"}))
    empty = service_from_record(record({"rs": ""}))
    assert absent is not None and absent.roots == ("http://192.168.1.20:8080/eSCL",)
    assert empty is not None and empty.roots == ("http://192.168.1.20:8080",)


def test_uscans_is_https_and_ipv4_comes_before_ipv6() -> None:
    service = service_from_record(
        record(kind="_uscans._tcp.local.", addresses=("fd00::20", "192.168.1.20"), port=443)
    )
    assert service is not None
    assert service.roots == ("https://192.168.1.20:443/eSCL", "https://[fd00::20]:443/eSCL")


def test_link_local_ipv6_carries_its_interface_in_the_url() -> None:
    service = service_from_record(record(addresses=("fe80::1",), interface=3))
    assert service is not None and service.roots == ("http://[fe80::1%253]:8080/eSCL",)


def test_txt_keys_are_case_insensitive_and_the_uuid_may_carry_a_urn_prefix() -> None:
    txt = {"RS": "eSCL", "Ty": "Brother", "uuid": f"urn:uuid:{UUID}"}
    service = service_from_record(record(txt))
    assert service is not None
    assert service.model == "Brother" and service.uuid == HEX


def test_uuid_that_is_not_32_hex_digits_is_ignored() -> None:
    assert parse_uuid("1234-abcd") == ""
    assert parse_uuid("{" + UUID.upper() + "}") == HEX


def test_answer_without_model_is_named_by_its_instance_and_without_address_is_skipped() -> None:
    unnamed = service_from_record(record({}, name="Máy quét"))
    assert unnamed is not None and unnamed.model == "Máy quét"
    assert service_from_record(record(addresses=())) is None


def test_one_scanner_on_both_protocols_is_one_device_preferring_plain_http() -> None:
    txt = {"rs": "eSCL", "ty": "Epson", "UUID": UUID}
    services = [
        service_from_record(record(txt, kind="_uscans._tcp.local.", port=443)),
        service_from_record(record(txt)),
        service_from_record(record({"ty": "Other"}, name="Other", addresses=("192.168.1.30",))),
    ]
    merged = merge(s for s in services if s is not None)
    assert [s.model for s in merged] == ["Epson", "Other"]
    assert merged[0].roots == (
        "http://192.168.1.20:8080/eSCL",
        "https://192.168.1.20:443/eSCL",
    )
    assert merged[0].device_id == "escl:http://192.168.1.20:8080/eSCL"
