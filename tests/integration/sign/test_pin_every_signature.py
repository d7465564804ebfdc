"""Keys that demand the PIN for every signature (CKA_ALWAYS_AUTHENTICATE), on real SoftHSM2."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from workstation.errors import BadInput
from workstation.sign import softhsm
from workstation.sign.pades import KeyChoice, TokenSigner

from .conftest import EVERY_PIN_TOKEN, SoftHsmToken, one_page_pdf

LABEL = EVERY_PIN_TOKEN


@pytest.fixture(scope="module")
def every_time(token: SoftHsmToken) -> KeyChoice:
    now = dt.datetime.now(dt.UTC)
    key = softhsm.new_signing_key()
    cert = token.authority.issue(
        key, "Thử PIN", not_before=now - dt.timedelta(days=1), not_after=now + dt.timedelta(days=9)
    )
    softhsm.import_key_and_certificate(
        token.module, LABEL, token.pin, key, cert, "each", b"\x21", always_authenticate=True
    )
    return KeyChoice(token.module, token_label=LABEL, key_label="each")


def test_the_pin_is_asked_before_every_signature_of_a_batch(
    token: SoftHsmToken, every_time: KeyChoice, tmp_path: Path
) -> None:
    asked: list[int] = []

    def pin() -> str:
        asked.append(1)
        return token.pin

    inputs = [one_page_pdf(tmp_path / f"in{i}.pdf") for i in range(3)]
    with TokenSigner(every_time, token.pin, pin_each_time=pin) as signer:
        assert signer.always_authenticate
        result = signer.sign_batch([(p, tmp_path / "out" / p.name) for p in inputs])
    assert len(result.signed) == 3 and result.stopped_by is None
    assert len(asked) == 3


def test_without_a_way_to_ask_the_pin_such_a_key_is_refused_before_signing(
    token: SoftHsmToken, every_time: KeyChoice
) -> None:
    with pytest.raises(BadInput) as caught, TokenSigner(every_time, token.pin):
        pass
    assert caught.value.code == "sign.pin_each_signature"


def test_a_wrong_pin_for_one_signature_stops_the_batch_without_asking_again(
    token: SoftHsmToken, every_time: KeyChoice, tmp_path: Path
) -> None:
    answers = iter([token.pin, "000000", token.pin])
    asked: list[int] = []

    def pin() -> str:
        asked.append(1)
        return next(answers)

    inputs = [one_page_pdf(tmp_path / f"in{i}.pdf") for i in range(3)]
    out = tmp_path / "out"
    with TokenSigner(every_time, token.pin, pin_each_time=pin) as signer:
        result = signer.sign_batch([(p, out / p.name) for p in inputs])
    assert [s.output.name for s in result.signed] == ["in0.pdf"]
    assert result.stopped_by is not None and result.stopped_by.code == "sign.pin_wrong"
    assert result.remaining == inputs[1:]
    assert len(asked) == 2
    assert sorted(p.name for p in out.iterdir()) == ["in0.pdf"]


def test_an_ordinary_key_never_asks_again(token: SoftHsmToken, pdf: Path, tmp_path: Path) -> None:
    def pin() -> str:
        raise AssertionError("asked for a PIN the key does not demand")

    with TokenSigner(
        KeyChoice(token.module, token.label, key_label="signer"), token.pin, pin_each_time=pin
    ) as signer:
        assert not signer.always_authenticate
        signer.sign(pdf, tmp_path / "o.pdf")
