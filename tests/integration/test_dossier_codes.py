"""Dossier codes: formats as data, and sequences that stay unique across offline workstations."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

import pytest

from workstation.cli import main
from workstation.domain.codes import CodeSettings, format_for, issue_code, load_formats
from workstation.errors import BadInput, ConfigError
from workstation.store import open_database
from workstation.store.sequences import StoreSequenceSource, record_lease

pytestmark = pytest.mark.integration

FORMATS = load_formats()
TT04_REGEX = r"^[A-Z]\d{2}\.\d{3}\.\d{2}-\d{6}-\d{6,}$"  # DOMAIN.md
CLASSIC_REGEX = r"^\d{3}\.\d{2}\.\d{2}\.[A-Z]\d{2}-\d{6}-\d{4}$"  # DOMAIN.md
DAY = date(2026, 12, 3)
TT04_UNIT = "H56.123.45"
CLASSIC_UNIT = "000.00.06.H56"


def issue_many(
    path: Path, settings: CodeSettings, count: int, day: date = DAY, per_transaction: int = 1
) -> list[str]:
    """Issue ``count`` codes from the store at ``path``, ``per_transaction`` per committed unit."""
    database = open_database(path)
    try:
        codes: list[str] = []
        while len(codes) < count:
            with database.transaction() as session:
                source = StoreSequenceSource(session)
                for _ in range(min(per_transaction, count - len(codes))):
                    codes.append(issue_code(FORMATS, settings, day, source))
        return codes
    finally:
        database.close()


def test_the_circular_04_format_is_the_default_from_25_january_2026() -> None:
    assert format_for(FORMATS, date(2026, 1, 24)).name == "classic"
    assert format_for(FORMATS, date(2026, 1, 25)).name == "tt04"
    assert format_for(FORMATS, date(2026, 6, 1), "classic").name == "classic"
    with pytest.raises(ConfigError) as caught:
        format_for(FORMATS, date(2025, 6, 1), "tt04")
    assert caught.value.code == "codes.no_format"


def test_two_offline_workstations_of_one_unit_issue_2000_unique_codes(tmp_path) -> None:
    # Committed in batches of 50 to spare the disk; the threaded test below commits each code.
    first = issue_many(tmp_path / "a.sqlite3", CodeSettings(TT04_UNIT, 1, "01"), 1000, DAY, 50)
    second = issue_many(tmp_path / "b.sqlite3", CodeSettings(TT04_UNIT, 2, "01"), 1000, DAY, 50)
    codes = first + second
    assert len(set(codes)) == 2000
    assert all(re.fullmatch(TT04_REGEX, code) for code in codes)
    assert first[0] == "H56.123.45-261203-0110000"
    assert second[-1] == "H56.123.45-261203-0120999"


def test_two_offline_workstations_stay_unique_in_the_classic_format(tmp_path) -> None:
    settings = CodeSettings(CLASSIC_UNIT, slot=1, format_name="classic")
    first = issue_many(tmp_path / "a.sqlite3", settings, 1000, DAY, 50)
    second = issue_many(
        tmp_path / "b.sqlite3", CodeSettings(CLASSIC_UNIT, 2, format_name="classic"), 1000, DAY, 50
    )
    assert len(set(first + second)) == 2000
    assert all(re.fullmatch(CLASSIC_REGEX, code) for code in first + second)
    # A classic stripe holds 1,000 numbers a day: the next one needs a lease.
    with pytest.raises(BadInput) as caught:
        issue_many(tmp_path / "a.sqlite3", settings, 1)
    assert caught.value.code == "codes.sequence_exhausted"
    # The next day starts afresh.
    assert issue_many(tmp_path / "a.sqlite3", settings, 1, date(2026, 12, 4)) == [
        "000.00.06.H56-261204-5000"
    ]


def test_leased_blocks_are_used_first_then_the_workstation_stripe(tmp_path) -> None:
    tt04 = format_for(FORMATS, DAY)
    database = open_database(tmp_path / "store.sqlite3")
    with database.transaction() as session:
        record_lease(session, tt04, TT04_UNIT, DAY, 101, 102)
        record_lease(session, tt04, TT04_UNIT, DAY, 7, 7)
    database.close()
    codes = issue_many(tmp_path / "store.sqlite3", CodeSettings(TT04_UNIT, 3, "01"), 4)
    assert [c[-6:] for c in codes] == ["010007", "010101", "010102", "130000"]


def test_a_lease_outside_the_leased_range_or_overlapping_is_refused(tmp_path) -> None:
    tt04 = format_for(FORMATS, DAY)
    database = open_database(tmp_path / "store.sqlite3")
    with database.transaction() as session:
        record_lease(session, tt04, TT04_UNIT, DAY, 1, 50)
    for first, last in ((40, 60), (9990, 10010), (0, 3)):
        with pytest.raises(BadInput) as caught, database.transaction() as session:
            record_lease(session, tt04, TT04_UNIT, DAY, first, last)
        assert caught.value.code == "codes.bad_lease"
    database.close()


def test_a_code_not_saved_gives_its_number_back(tmp_path) -> None:
    database = open_database(tmp_path / "store.sqlite3")
    settings = CodeSettings(TT04_UNIT, 1, "01")
    with pytest.raises(RuntimeError), database.transaction() as session:
        issue_code(FORMATS, settings, DAY, StoreSequenceSource(session))
        raise RuntimeError("the dossier could not be saved")
    with database.transaction() as session:
        again = issue_code(FORMATS, settings, DAY, StoreSequenceSource(session))
    database.close()
    assert again.endswith("-0110000")


@pytest.mark.parametrize(
    ("settings", "code"),
    [
        (CodeSettings("000.00.06.H56", 1, "01"), "codes.bad_agency_code"),
        (CodeSettings(TT04_UNIT, 1, "1"), "codes.bad_system_code"),
        (CodeSettings(TT04_UNIT, 0, "01"), "codes.bad_slot"),
        (CodeSettings(CLASSIC_UNIT, 6, format_name="classic"), "codes.slot_out_of_range"),
    ],
)
def test_a_unit_the_format_cannot_carry_is_a_configuration_error(
    tmp_path, settings: CodeSettings, code: str
) -> None:
    with pytest.raises(ConfigError) as caught:
        issue_many(tmp_path / "store.sqlite3", settings, 1)
    assert caught.value.code == code


def test_dossier_code_command_issues_from_the_store_and_checks_codes(capsys) -> None:
    argv = ["dossier-code", "issue", "--agency", TT04_UNIT, "--system", "01", "--slot", "4"]
    assert main([*argv, "--day", "2026-12-03", "--count", "2", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out == {
        "format": "tt04",
        "day": "2026-12-03",
        "codes": ["H56.123.45-261203-0140000", "H56.123.45-261203-0140001"],
    }
    assert main(["dossier-code", "check", out["codes"][0], "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["formats"] == ["tt04"]
    assert main(["dossier-code", "check", "000.00.06.H56-231027-0361"]) == 0
    assert main(["dossier-code", "check", "HS-2026-1"]) == 3


def test_two_processes_issuing_on_one_store_at_once_never_share_a_number(tmp_path) -> None:
    import threading

    path = tmp_path / "store.sqlite3"
    open_database(path).close()
    results: list[list[str]] = [[], []]
    settings = CodeSettings(TT04_UNIT, slot=1, system="01")

    def issue(index: int) -> None:
        results[index] = issue_many(path, settings, 150)

    threads = [threading.Thread(target=issue, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    codes = results[0] + results[1]
    assert len(codes) == 300
    assert len(set(codes)) == 300
