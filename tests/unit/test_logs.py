"""No PIN, password or citizen ID number ever reaches a log file."""

from __future__ import annotations

import logging

import pytest

from workstation.logs import configure_logging, redact, structural_traceback


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


@pytest.mark.parametrize(
    "line",
    [
        "dossier 3f2a9c1e-4b7d-4e21-9a3c-123456789012 saved",  # 12 digits ending a UUID
        "dossier 0b8e5d2c-1f3a-4c6e-8d9b-a123456789bc saved",  # 9 digits inside a UUID
        "blob stored, 1,234,567,890 bytes in total",
        "file of 123456789 bytes read",
        "page of 987654321012 pixels refused",
        "ratio 0.123456789 measured",
        "took 123456789 ms",
        "version 20261203.123456789",
    ],
)
def test_identifiers_and_counts_are_not_taken_for_id_numbers(line: str) -> None:
    assert redact(line) == line


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("CMND 352576714 presented", "CMND ********* presented"),
        ("(352576714)", "(*********)"),
        ("CCCD_079123456789.png", "CCCD_079******789.png"),
        ("id=079123456789;", "id=079******789;"),
    ],
)
def test_id_numbers_next_to_punctuation_are_still_masked(line: str, expected: str) -> None:
    assert redact(line) == expected


PLANTED_PATH = "/scans/" + "CCCD 079123456789 " + "Nguyễn Thị Hồng Nhung.png"


def test_structural_traceback_names_where_it_failed_but_not_what_the_message_said() -> None:
    def open_scan(path: str) -> None:
        try:
            raise FileNotFoundError(2, "No such file", path)
        except OSError as exc:
            raise ValueError(f"cannot use {path}") from exc

    planted = "/scans/CCCD 079123456789 Nguyễn Thị Hồng Nhung.png"
    try:
        open_scan(PLANTED_PATH)
    except ValueError as exc:
        text = structural_traceback(exc)
    assert "builtins.ValueError" in text and "builtins.FileNotFoundError" in text
    assert "open_scan" in text and "test_logs.py" in text
    assert planted == PLANTED_PATH  # the code lines shown name the variable, not its value
    assert "Nguyễn" not in text and "079123456789" not in text and "CCCD" not in text


def unwritable_log(tmp_path, target: str = "/dev/full"):
    """A log folder whose log file is a link to ``target``: /dev/full is a full disk."""
    folder = tmp_path / "logs"
    folder.mkdir()
    (folder / "workstation.log").symlink_to(target)
    return folder


@pytest.fixture
def restored_root_logger():
    root = logging.getLogger()
    before, level = list(root.handlers), root.level
    yield root
    for handler in list(root.handlers):
        if handler not in before:
            root.removeHandler(handler)
            handler.close()
    root.setLevel(level)


def test_a_full_disk_gives_one_warning_not_a_traceback_per_record(
    tmp_path, capsys, restored_root_logger
) -> None:
    configure_logging("INFO", unwritable_log(tmp_path))
    logger = logging.getLogger("workstation.test")
    for number in range(1000):
        logger.info("record %d", number)
    err = capsys.readouterr().err
    assert "Logging error" not in err and "Traceback" not in err
    [warning] = err.splitlines()
    assert warning.startswith("warning: cannot write the log")
    assert "No space left on device" in warning


def test_the_log_picks_up_again_once_it_can_be_written(
    tmp_path, capsys, restored_root_logger
) -> None:
    folder = unwritable_log(tmp_path)
    path = configure_logging("INFO", folder)
    logger = logging.getLogger("workstation.test")
    for number in range(5):
        logger.info("lost record %d", number)
    # Space again: the link now leads to a file that can be written.
    writable = tmp_path / "writable.log"
    writable.touch()
    path.unlink()
    path.symlink_to(writable)
    logger.info("record after recovery")
    logging.getLogger().handlers[-1].flush()
    text = writable.read_text(encoding="utf-8")
    assert "record after recovery" in text
    assert "5 record(s) lost" in text
    assert len(capsys.readouterr().err.splitlines()) == 1


def test_no_dossier_id_is_ever_masked() -> None:
    import uuid

    # About 2 % of random UUIDs hold a run of nine digits; none may be rewritten.
    ids = [
        str(uuid.UUID(int=n * 0x9E3779B97F4A7C15_F39CC0605CEDC834 % 2**128)) for n in range(5000)
    ]
    line = " ".join(f"dossier {i} saved" for i in ids)
    assert redact(line) == line
