"""Doctor and signing search for the token module alike, on Windows as on Linux."""

from __future__ import annotations

from pathlib import PureWindowsPath

import pytest

from workstation.config import Settings
from workstation.doctor.machine import check_pkcs11, find_pkcs11_module
from workstation.sign import tokens

pytestmark = pytest.mark.integration


def test_doctor_names_the_module_signing_would_load() -> None:
    found = tokens.candidate_modules()
    assert found, "SoftHSM2 or OpenSC is installed on test machines"
    assert find_pkcs11_module(Settings()) == str(found[0]) == str(tokens.find_module())
    assert str(found[0]) in check_pkcs11(Settings()).summary


def test_the_configured_module_wins_over_the_search() -> None:
    assert find_pkcs11_module(Settings(pkcs11_module="/opt/ca/libtoken.so")) == (
        "/opt/ca/libtoken.so"
    )


def test_windows_modules_are_dlls_searched_in_system32_not_the_32_bit_syswow64() -> None:
    known = tokens.known_modules()
    folders = {PureWindowsPath(f).name.lower() for f in known["folders"]["windows"]}
    assert "system32" in folders
    assert "syswow64" not in folders  # 32-bit modules cannot load into the 64-bit workstation
    files = [m["file"] for m in known["modules"]["windows"]]
    assert all(name.lower().endswith(".dll") for name in files)
    cas = {m["ca"] for m in known["modules"]["windows"]}
    assert {"VNPT-CA", "Viettel-CA", "BKAV-CA", "FPT-CA", "Nacencomm", "MISA-CA"} <= cas
