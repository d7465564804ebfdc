"""One SoftHSM2 token with its own test CA per test process, shared by every test that signs.

SoftHSM2 sees only the tokens (and the configuration) that exist when its
module is first loaded in the process, so the signing tests and the window's
signing tests must share one configuration, made by whichever asks first.
"""

from __future__ import annotations

import datetime as dt
import shutil
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import pytest
from cryptography import x509

from workstation.sign import softhsm

TOKEN_LABEL = "Sở Tư pháp — thử"
PIN = "246810"
# More empty tokens for test modules to fill: SoftHSM2 sees only the tokens
# that exist when the module is first loaded in the process.
REVOCATION_TOKEN = "Thử thu hồi"
EVERY_PIN_TOKEN = "Thử PIN mỗi lần"
CERTOMANCER_TOKEN = "Thử Certomancer"
# Choosing a token: two tokens of one CA with the same label, told apart by serial;
# a label stored decomposed (NFD), as some vendors' tools write it, beside its
# look-alike without diacritics.
TWIN_TOKEN = "Thử VNPT-CA"
DECOMPOSED_TOKEN = unicodedata.normalize("NFD", "Ủy ban xã Thử")
PLAIN_TOKEN = "Uy ban xa Thu"


@dataclass(frozen=True)
class SoftHsmToken:
    module: Path
    label: str
    pin: str
    authority: softhsm.TestAuthority
    ca_file: Path
    folder: Path
    signer_certificate: x509.Certificate


_made: list[SoftHsmToken] = []


def shared_token(tmp_path_factory: pytest.TempPathFactory) -> SoftHsmToken:
    """The process's SoftHSM2 token, made on first use."""
    if not _made:
        _made.append(_make(tmp_path_factory))
    return _made[0]


def _make(tmp_path_factory: pytest.TempPathFactory) -> SoftHsmToken:
    if shutil.which("softhsm2-util") is None or not softhsm.SOFTHSM2_MODULE_LINUX.is_file():
        pytest.fail("SoftHSM2 is required for the signing tests (apt-get install softhsm2)")
    folder = tmp_path_factory.mktemp("softhsm")
    softhsm.configure(folder)
    softhsm.init_token(TOKEN_LABEL, PIN)
    for label in (
        REVOCATION_TOKEN,
        EVERY_PIN_TOKEN,
        CERTOMANCER_TOKEN,
        TWIN_TOKEN,
        TWIN_TOKEN,
        DECOMPOSED_TOKEN,
        PLAIN_TOKEN,
    ):
        softhsm.init_token(label, PIN)
    authority = softhsm.new_authority()
    now = dt.datetime.now(dt.UTC)
    certificates = {}
    for label, key_id, start, end in (
        ("signer", b"\x01", now - dt.timedelta(days=1), now + dt.timedelta(days=365)),
        ("expired", b"\x02", now - dt.timedelta(days=400), now - dt.timedelta(days=35)),
        ("future", b"\x03", now + dt.timedelta(days=30), now + dt.timedelta(days=400)),
    ):
        key = softhsm.new_signing_key()
        name = "Nguyễn Văn Ký" if label == "signer" else f"Thử {label}"
        cert = authority.issue(key, name, not_before=start, not_after=end)
        certificates[label] = cert
        softhsm.import_key_and_certificate(
            softhsm.SOFTHSM2_MODULE_LINUX, TOKEN_LABEL, PIN, key, cert, label, key_id
        )
    ca_file = folder / "ca.pem"
    ca_file.write_bytes(authority.pem())
    return SoftHsmToken(
        softhsm.SOFTHSM2_MODULE_LINUX,
        TOKEN_LABEL,
        PIN,
        authority,
        ca_file,
        folder,
        certificates["signer"],
    )
