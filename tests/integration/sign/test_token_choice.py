"""Choosing the token on the command line: by serial among tokens of one label, by Unicode label.

Two SoftHSM2 tokens carry the same label, as two officers' tokens of one CA
do; each holds a key ``signer`` with its own holder's certificate. A third
token's Vietnamese label is stored decomposed (NFD) while the officer types
it composed (NFC), beside a fourth whose label is the same words without
diacritics. Which certificate signed is read back by ``verify``.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.softhsm_token import DECOMPOSED_TOKEN, PLAIN_TOKEN, TWIN_TOKEN
from workstation.cli import main
from workstation.sign import softhsm
from workstation.sign.tokens import list_tokens
from workstation.sign.verify import verify_pdf

from .conftest import SoftHsmToken, one_page_pdf

HOLDERS = ("Lê Thị Một", "Phạm Văn Hai")


@pytest.fixture(scope="module")
def serials(token: SoftHsmToken) -> Iterator[list[str]]:
    """The twin tokens' serials, each token given a ``signer`` key of its own holder;
    the decomposed and plain tokens given theirs."""
    now = dt.datetime.now(dt.UTC)
    twins = sorted(t.serial for t in list_tokens(token.module) if t.label == TWIN_TOKEN)
    assert len(twins) == 2
    owners = [(TWIN_TOKEN, serial, holder) for serial, holder in zip(twins, HOLDERS, strict=True)]
    owners += [(DECOMPOSED_TOKEN, None, "Đỗ Thị Ủy"), (PLAIN_TOKEN, None, "Do Thi Uy")]
    for label, serial, holder in owners:
        key = softhsm.new_signing_key()
        start, end = now - dt.timedelta(days=1), now + dt.timedelta(days=30)
        cert = token.authority.issue(key, holder, not_before=start, not_after=end)
        softhsm.import_key_and_certificate(
            token.module, label, token.pin, key, cert, "signer", b"\x31", token_serial=serial
        )
    yield twins


def sign(
    token: SoftHsmToken, tmp_path: Path, capsys: pytest.CaptureFixture[str], *choice: str
) -> tuple[int, Path, str]:
    source = one_page_pdf(tmp_path / "in.pdf")
    out = tmp_path / "out"
    argv = ["sign", str(source), "-o", str(out), "--module", str(token.module), *choice]
    code = main([*argv, "--key", "signer", "--pin-env", "TEST_TOKEN_PIN"])
    return code, out / "in.pdf", capsys.readouterr().err


def signed_by(token: SoftHsmToken, path: Path) -> str:
    (report,) = verify_pdf(path, [token.ca_file])
    assert report.intact and report.trusted
    return report.signer


@pytest.fixture(autouse=True)
def pin(token: SoftHsmToken, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TEST_TOKEN_PIN", token.pin)


def test_tokens_lists_both_tokens_of_one_label_with_their_serials_and_holders(
    token: SoftHsmToken, serials: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["tokens", "--module", str(token.module), "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)["tokens"]
    twins = {t["serial"]: t for t in listed if t["label"] == TWIN_TOKEN}
    assert sorted(twins) == serials
    holders = [[c["common_name"] for c in twins[s]["certificates"]] for s in serials]
    assert holders == [[HOLDERS[0]], [HOLDERS[1]]]


@pytest.mark.parametrize("which", [0, 1])
def test_sign_with_a_serial_uses_that_token_among_two_of_one_label(
    token: SoftHsmToken,
    serials: list[str],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    which: int,
) -> None:
    code, out, err = sign(token, tmp_path, capsys, "--token-serial", serials[which])
    assert code == 0, err
    assert HOLDERS[which] in signed_by(token, out)
    assert HOLDERS[1 - which] not in signed_by(token, out)


def test_sign_with_a_label_two_tokens_share_refuses_and_writes_nothing(
    token: SoftHsmToken, serials: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = sign(token, tmp_path, capsys, "--token", TWIN_TOKEN)
    assert code == 3
    assert "serial" in err  # told how to choose
    assert not out.exists()


def test_sign_with_label_and_serial_together_takes_the_token_having_both(
    token: SoftHsmToken, serials: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = sign(
        token, tmp_path, capsys, "--token", TWIN_TOKEN, "--token-serial", serials[1]
    )
    assert code == 0, err
    assert HOLDERS[1] in signed_by(token, out)


def test_an_unknown_serial_is_a_missing_token_exit_4(
    token: SoftHsmToken, serials: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = sign(token, tmp_path, capsys, "--token-serial", "0000000000000000")
    assert code == 4
    assert not out.exists()


def test_a_composed_vietnamese_label_finds_the_token_stored_decomposed(
    token: SoftHsmToken, serials: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = sign(token, tmp_path, capsys, "--token", "Ủy ban xã Thử")  # typed NFC
    assert code == 0, err
    assert "Đỗ Thị Ủy" in signed_by(token, out)


def test_a_label_without_diacritics_finds_only_the_token_labelled_so(
    token: SoftHsmToken, serials: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = sign(token, tmp_path, capsys, "--token", PLAIN_TOKEN)
    assert code == 0, err
    assert "Do Thi Uy" in signed_by(token, out)
