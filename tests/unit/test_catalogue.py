"""The procedure catalogue: sample data with sources, diacritic-free search, replacement checked."""

from __future__ import annotations

import json
from datetime import date

import pytest

from workstation.domain.calendar import load_calendar
from workstation.domain.catalogue import (
    FeeKind,
    ServiceLevel,
    TimeUnit,
    load_catalogue,
    parse_catalogue,
)
from workstation.domain.due_dates import compute_due, load_rules, rules_in_force
from workstation.errors import BadInput
from workstation.paths import resources_dir

CATALOGUE = resources_dir() / "catalogue" / "procedures.json"
DAY = date(2026, 11, 2)


def minimal(**changes) -> dict:
    entry = {
        "code": "9.000001",
        "name": "Thủ tục thử",
        "time_limit": {"amount": 1, "unit": "working_days"},
        "effective_from": "2026-01-01",
        "components": [{"code": "A", "name": "Đơn"}],
    }
    entry.update(changes)
    return entry


def as_bytes(*entries: dict) -> bytes:
    return json.dumps({"procedures": list(entries)}).encode()


def test_sample_catalogue_has_twenty_common_procedures_each_with_its_source() -> None:
    catalogue = load_catalogue(CATALOGUE)
    in_force = catalogue.in_force(DAY)
    assert len(in_force) >= 20
    for procedure in in_force:
        # Honest about what could not be checked: a decision, or marked illustrative.
        assert procedure.source.illustrative or procedure.source.decision, procedure.code
        assert procedure.agency and procedure.result_type and procedure.sector
    names = " ".join(p.name for p in in_force)
    for wanted in (
        "khai sinh",
        "kết hôn",
        "khai tử",
        "thường trú",
        "đất",
        "hộ kinh doanh",
        "Chứng thực bản sao",
        "giấy phép xây dựng",
    ):
        assert wanted in names


def test_sample_catalogue_covers_every_kind_of_time_limit_level_and_fee() -> None:
    procedures = load_catalogue(CATALOGUE).in_force(DAY)
    assert {p.time_limit.unit for p in procedures} == set(TimeUnit)
    assert {p.level for p in procedures} == set(ServiceLevel)
    items = [i for p in procedures for i in p.fees]
    assert {i.kind for i in items} == set(FeeKind)
    online = [r for i in items for r in i.reductions if r.case == "online"]
    assert online and all(r.basis and r.effective_from for r in online)
    assert any(c.form_template for p in procedures for c in p.components)


def test_every_sample_time_limit_gives_a_due_date() -> None:
    calendar, rules = load_calendar(), rules_in_force(load_rules(), DAY)
    from datetime import datetime

    from workstation.domain.clock import VIETNAM

    received = datetime(2026, 11, 2, 9, 0, tzinfo=VIETNAM)
    for procedure in load_catalogue(CATALOGUE).in_force(DAY):
        assert compute_due(received, procedure.time_limit, calendar, rules).due >= received


@pytest.mark.parametrize(
    "typed", ["dang ky khai sinh", "ĐĂNG KÝ KHAI SINH", "khai sinh", "1.001193", "DANG KY khai"]
)
def test_search_ignores_case_and_diacritics_d_included(typed) -> None:
    found = load_catalogue(CATALOGUE).search(typed, DAY)
    assert "Đăng ký khai sinh" in [p.name for p in found]


def test_search_needs_every_word_and_finds_by_sector() -> None:
    catalogue = load_catalogue(CATALOGUE)
    assert catalogue.search("khai sinh ket hon", DAY) == []
    assert {p.sector for p in catalogue.search("dat dai", DAY)} == {"Đất đai"}


def test_a_catalogue_sent_by_the_central_server_is_taken_from_its_bytes() -> None:
    catalogue = parse_catalogue(as_bytes(minimal()), "central")
    procedure = catalogue.get("9.000001", DAY)
    assert procedure.source.illustrative  # no decision named
    assert catalogue.source == "central"


@pytest.mark.parametrize(
    "broken",
    [
        minimal(components=[]),
        minimal(time_limit={"amount": -1, "unit": "working_days"}),
        minimal(time_limit={"amount": 1, "unit": "fortnights"}),
        minimal(fees=[{"kind": "fee", "name": "x", "amount": 1.5}]),
        minimal(fees=[{"kind": "tax", "name": "x", "amount": 1}]),
        minimal(
            fees=[
                {
                    "kind": "fee",
                    "name": "x",
                    "amount": 10,
                    "reductions": [{"case": "online", "percent": 120}],
                }
            ]
        ),
        minimal(components=[{"code": "A", "name": "x"}, {"code": "A", "name": "y"}]),
        minimal(effective_to="2025-01-01"),
        minimal(level="sometimes"),
    ],
)
def test_a_malformed_entry_is_refused_whole(broken) -> None:
    with pytest.raises(BadInput) as caught:
        parse_catalogue(as_bytes(minimal(code="9.000002"), broken), "central")
    assert caught.value.code == "catalogue.unreadable"
    assert "#2" in caught.value.detail


def test_overlapping_versions_of_one_procedure_are_refused() -> None:
    first = minimal(version=1)
    second = minimal(version=2, effective_from="2026-06-01")
    with pytest.raises(BadInput) as caught:
        parse_catalogue(as_bytes(first, second), "central")
    assert "overlap" in caught.value.detail
    first["effective_to"] = "2026-05-31"
    assert parse_catalogue(as_bytes(first, second), "central").get("9.000001", DAY).version == 2


def test_bytes_that_are_not_json_are_unreadable() -> None:
    with pytest.raises(BadInput) as caught:
        parse_catalogue(b"\xff\xfe not json", "central")
    assert caught.value.code == "catalogue.unreadable"
