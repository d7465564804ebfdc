"""No PIN, password or citizen ID number ever reaches a log file."""

from __future__ import annotations

import logging

import pytest

from workstation.logs import configure_logging, redact


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("login pin=123456 ok", "login pin=*** ok"),
        ('{"password": "hunter22"}', '{"password": "***"}'),
        ('{"pin": 1234}', '{"pin": ***}'),
        ("user_pin: 9999, slot 3", "user_pin: ***, slot 3"),
        ("wrong PIN 123456", "wrong PIN ***"),
        ("password is hunter2", "password is ***"),
        ("Mật khẩu: abc123", "Mật khẩu: ***"),
        ("PIN locked after 3 tries", "PIN locked after 3 tries"),
        ("token pulled out of slot 1", "token pulled out of slot 1"),
    ],
)
def test_pins_and_passwords_are_hidden_and_plain_words_kept(line: str, expected: str) -> None:
    assert redact(line) == expected


def test_citizen_id_numbers_are_masked() -> None:
    assert redact("applicant 089202017098 received") == "applicant 089******098 received"
    assert redact("old id 352576714.") == "old id *********."
    assert redact("file cccd001234567890.png") == "file cccd001******890.png"
    assert redact("ID 001 234 567 890") == "ID 001 *** *** 890"


def test_digests_and_dossier_codes_stay_readable() -> None:
    digest = "391dca9783fe1234567890123a4b5c6d7e8f90123456789012345678901234ab"
    assert redact(f"blob {digest}") == f"blob {digest}"
    assert redact("000.00.06.H56-231027-0361") == "000.00.06.H56-231027-0361"


def test_log_file_never_holds_a_citizen_id_even_in_a_traceback(tmp_path) -> None:
    path = configure_logging("DEBUG", tmp_path)
    logger = logging.getLogger("workstation.test")
    logger.info("received dossier for %s", "049202000284")
    try:
        raise ValueError("token refused PIN=4321 for 049202000284")
    except ValueError:
        logger.exception("signing failed")
    for handler in logging.getLogger().handlers:
        handler.flush()
    text = path.read_text(encoding="utf-8")
    assert "049202000284" not in text
    assert "4321" not in text
    assert "049******284" in text
    assert "signing failed" in text
