"""Finding PKCS#11 modules, listing tokens and certificates, logging in, on a real SoftHSM2."""

from __future__ import annotations

from pathlib import Path

import pytest

from workstation.errors import BadInput, ExitCode, ExternalPartError
from workstation.sign import tokens

from .conftest import SoftHsmToken


def test_softhsm_token_is_listed_with_its_unicode_label_and_certificates(
    token: SoftHsmToken,
) -> None:
    found = tokens.list_tokens(token.module)
    ours = [t for t in found if t.label == token.label]
    assert len(ours) == 1
    info = ours[0]
    assert info.serial
    assert info.pin_state == "unknown"  # SoftHSM2 reports no PIN counter flags
    by_label = {c.label: c for c in info.certificates}
    assert set(by_label) == {"signer", "expired", "future"}
    signer = by_label["signer"]
    assert signer.common_name == "Nguyễn Văn Ký"
    assert "CA Thử Nghiệm Một Cửa" in signer.issuer
    assert signer.for_signing
    assert signer.key_usage == ["digital_signature", "content_commitment"]
    assert signer.not_before < signer.not_after


def test_softhsm_module_is_found_among_known_linux_modules() -> None:
    assert Path("/usr/lib/softhsm/libsofthsm2.so") in tokens.candidate_modules(system="linux")


def test_configured_module_comes_first(tmp_path: Path) -> None:
    assert tokens.candidate_modules(str(tmp_path / "vendor.so"), system="linux")[0] == (
        tmp_path / "vendor.so"
    )


def test_known_windows_modules_are_data_with_wildcards() -> None:
    files = [m["file"] for m in tokens.known_modules()["modules"]["windows"]]
    assert "vnpt-ca_csp11.dll" in files and "BkavCA*.dll" in files


def test_missing_module_is_an_external_part_error(tmp_path: Path) -> None:
    with pytest.raises(ExternalPartError) as caught:
        tokens.load_module(tmp_path / "nothing.so")
    assert caught.value.code == "sign.module_missing"
    assert caught.value.exit_code == ExitCode.EXTERNAL


def test_a_file_that_is_not_a_module_cannot_be_loaded(tmp_path: Path) -> None:
    fake = tmp_path / "broken.so"
    fake.write_bytes(b"not a shared library")
    with pytest.raises(ExternalPartError) as caught:
        tokens.load_module(fake)
    assert caught.value.code == "sign.module_unloadable"


def test_unknown_token_label_is_token_not_found(token: SoftHsmToken) -> None:
    with (
        pytest.raises(ExternalPartError) as caught,
        tokens.logged_in_session(token.module, token.pin, label="Không có"),
    ):
        pass
    assert caught.value.code == "sign.token_not_found"


def test_wrong_pin_is_bad_input_and_never_shows_the_pin(token: SoftHsmToken) -> None:
    with (
        pytest.raises(BadInput) as caught,
        tokens.logged_in_session(token.module, "999999", label=token.label),
    ):
        pass
    assert caught.value.code == "sign.pin_wrong"
    assert caught.value.exit_code == ExitCode.BAD_INPUT
    assert "999999" not in caught.value.detail + repr(caught.value.params)
    assert "999999" not in caught.value.user_message("vi")


def test_right_pin_opens_a_session_that_sees_the_private_keys(token: SoftHsmToken) -> None:
    from pkcs11 import Attribute, ObjectClass

    with tokens.logged_in_session(token.module, token.pin, label=token.label) as session:
        keys = list(session.get_objects({Attribute.CLASS: ObjectClass.PRIVATE_KEY}))
    assert len(keys) == 3


@pytest.mark.parametrize(
    ("flags", "state"),
    [
        (0x0400, "unknown"),
        (0x0400 | tokens.CKF_USER_PIN_COUNT_LOW, "count_low"),
        (tokens.CKF_USER_PIN_COUNT_LOW | tokens.CKF_USER_PIN_FINAL_TRY, "final_try"),
        (tokens.CKF_USER_PIN_FINAL_TRY | tokens.CKF_USER_PIN_LOCKED, "locked"),
    ],
)
def test_pin_state_is_read_from_token_flags(flags: int, state: str) -> None:
    assert tokens.pin_state(flags) == state


def test_without_a_key_label_a_token_with_several_keys_asks_to_choose(token: SoftHsmToken) -> None:
    from workstation.sign.pades import KeyChoice, TokenSigner

    with (
        pytest.raises(BadInput) as caught,
        TokenSigner(KeyChoice(token.module, token.label), token.pin),
    ):
        pass
    assert caught.value.code == "sign.key_ambiguous"


def test_an_unknown_key_label_is_key_not_found(token: SoftHsmToken) -> None:
    from workstation.sign.pades import KeyChoice, TokenSigner

    with (
        pytest.raises(BadInput) as caught,
        TokenSigner(KeyChoice(token.module, token.label, key_label="không có"), token.pin),
    ):
        pass
    assert caught.value.code == "sign.key_not_found"


def real_token(token: SoftHsmToken):  # type: ignore[no-untyped-def]
    return tokens.find_token(tokens.load_module(token.module), token.label)


def test_a_locked_pin_is_refused_without_trying_it(token: SoftHsmToken) -> None:
    from tests.fakes.token import FakePinStateToken

    locked = FakePinStateToken(real_token(token), tokens.CKF_USER_PIN_LOCKED)
    with pytest.raises(BadInput) as caught, tokens.login(locked, token.pin):
        pass
    assert caught.value.code == "sign.pin_locked"
    assert locked.login_attempts == 0


def test_final_try_with_the_right_pin_logs_in_once(token: SoftHsmToken) -> None:
    from tests.fakes.token import FakePinStateToken

    final = FakePinStateToken(real_token(token), tokens.CKF_USER_PIN_FINAL_TRY)
    assert tokens.pin_state(final.flags) == "final_try"
    with tokens.login(final, token.pin) as session:
        assert session is not None
    assert final.login_attempts == 1


def test_a_pin_locked_by_this_try_is_reported_locked(token: SoftHsmToken) -> None:
    from pkcs11.exceptions import PinLocked

    from tests.fakes.token import FakePinStateToken

    locking = FakePinStateToken(real_token(token), login_error=PinLocked())
    with pytest.raises(BadInput) as caught, tokens.login(locking, "000000"):
        pass
    assert caught.value.code == "sign.pin_locked"
    assert locking.login_attempts == 1


def test_a_token_pulled_out_at_login_is_token_not_found(token: SoftHsmToken) -> None:
    from pkcs11.exceptions import TokenNotPresent

    from tests.fakes.token import FakePinStateToken

    gone = FakePinStateToken(real_token(token), login_error=TokenNotPresent())
    with pytest.raises(ExternalPartError) as caught, tokens.login(gone, token.pin):
        pass
    assert caught.value.code == "sign.token_not_found"
