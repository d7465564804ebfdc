"""Counter statistics counted from a real store of known dossiers, against the targets."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from tests.stats_helpers import EXPECTED, FIRST, LAST, NOW, STATUSES, known_dossiers
from workstation.domain.catalogue import load_catalogue
from workstation.domain.targets import load_targets
from workstation.errors import BadInput
from workstation.paths import resources_dir
from workstation.stats.measures import MEASURES, Period
from workstation.stats.report import counter_report
from workstation.store.database import Database


@pytest.fixture
def catalogue():  # type: ignore[no-untyped-def]
    return load_catalogue(resources_dir() / "catalogue" / "procedures.json")


def report(database: Database, catalogue, **kw):  # type: ignore[no-untyped-def]
    kw.setdefault("agency", "H99.001.01")
    return counter_report(
        database, catalogue, load_targets(), first=FIRST, last=LAST, now=NOW, **kw
    )


def test_every_measure_matches_the_count_by_hand(database: Database, catalogue) -> None:
    known_dossiers(database)
    figures = report(database, catalogue).overall
    assert {m.name: (m.count, m.total) for m in figures.measures} == EXPECTED
    assert set(EXPECTED) == set(MEASURES)
    assert figures.statuses == STATUSES


def test_each_figure_carries_the_agency_target_in_force(database: Database, catalogue) -> None:
    known_dossiers(database)
    own = report(database, catalogue).overall
    other = report(database, catalogue, agency="X01.001.01").overall
    assert own["online"].target == 0.7  # the agency's own 2026 entry
    assert other["online"].target == 0.6  # every agency's 2026 entry
    assert own["online"].rate == pytest.approx(2 / 6)
    assert own["online"].meets_target is False
    assert own["received"].target is None


def test_targets_follow_their_effective_dates() -> None:
    targets = load_targets()
    assert targets.rate("H99.001.01", date(2025, 6, 1), "online") == 0.5
    assert targets.rate("H99.001.01", date(2026, 1, 1), "online") == 0.7
    assert targets.illustrative


def test_days_are_viet_nam_days_and_periods_split_them(database: Database, catalogue) -> None:
    known_dossiers(database)
    by_day = report(database, catalogue, period=Period.DAY).by_period
    assert [(f.key, f["received"].count) for f in by_day] == [
        ("2026-03-01", 1),
        ("2026-03-12", 4),
        ("2026-03-31", 1),
    ]
    by_quarter = report(database, catalogue, period=Period.QUARTER).by_period
    assert [(f.key, f["received"].count) for f in by_quarter] == [("2026-Q1", 6)]


def test_grouping_by_sector_uses_the_catalogue(database: Database, catalogue) -> None:
    known_dossiers(database)
    groups = report(database, catalogue, by="sector").by_group
    assert {f.key: f["received"].count for f in groups} == {"Chứng thực": 1, "Hộ tịch": 4, "?": 1}
    by_procedure = report(database, catalogue, by="procedure").by_group
    assert {f.key: f["received"].count for f in by_procedure} == {
        "1.001193": 4,
        "2.000908": 1,
        "9.999999": 1,
    }


def test_a_reversed_period_is_bad_input(database: Database, catalogue) -> None:
    with pytest.raises(BadInput) as raised:
        counter_report(
            database, catalogue, load_targets(), first=LAST, last=FIRST, agency="", now=NOW
        )
    assert raised.value.code == "stats.period_reversed"


def test_a_target_outside_zero_to_one_makes_the_file_unusable(tmp_path: Path) -> None:
    bad = tmp_path / "targets.json"
    bad.write_text(
        '{"targets": [{"agency": "*", "effective_from": "2026-01-01", "rates": {"online": 70}}]}',
        encoding="utf-8",
    )
    with pytest.raises(BadInput) as raised:
        load_targets(bad)
    assert raised.value.code == "stats.targets_unusable"
