"""``workstation stats``: its JSON and its workbook give the figures counted by hand."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from openpyxl import load_workbook

from tests.stats_helpers import EXPECTED, known_dossiers
from workstation.cli import main
from workstation.services import Services

pytestmark = pytest.mark.integration

PERIOD = ["--from", "2026-03-01", "--to", "2026-03-31"]


def test_json_holds_every_measure_with_count_total_rate_and_target(
    services: Services, capsys
) -> None:
    known_dossiers(services.database)
    assert main(["stats", *PERIOD, "--by", "sector", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    measures = data["overall"]["measures"]
    assert {k: (v["count"], v["total"]) for k, v in measures.items()} == EXPECTED
    assert measures["online"] == {"count": 2, "total": 6, "rate": 0.3333, "target": 0.7}
    assert {g["key"] for g in data["by_group"]} == {"Chứng thực", "Hộ tịch", "?"}
    assert data["targets_illustrative"] is True


def test_workbook_has_the_figures_and_the_dossiers_behind_them(
    services: Services, tmp_path: Path, capsys
) -> None:
    known_dossiers(services.database)
    out = tmp_path / "thong-ke.xlsx"
    assert main(["stats", *PERIOD, "--xlsx", str(out)]) == 0
    book = load_workbook(out)
    assert book.sheetnames == ["Số liệu", "Hồ sơ"]
    figures = book["Số liệu"]
    rows = {r[0]: r[1:] for r in figures.iter_rows(values_only=True) if r and r[0]}
    assert rows["Tỷ lệ hồ sơ trực tuyến"][:4] == (2, 6, pytest.approx(2 / 6), 0.7)
    assert rows["Thành phần hồ sơ được số hóa"][:2] == (3, 5)
    assert rows["Kết quả được số hóa"][:2] == (1, 2)
    assert rows["Giải quyết đúng hạn"][:2] == (1, 3)
    dossiers = list(book["Hồ sơ"].iter_rows(values_only=True))
    assert len(dossiers) == 1 + 6  # the header and the six dossiers of March
    assert "Nguyễn" not in json.dumps([list(map(str, r)) for r in dossiers], ensure_ascii=False)


def test_a_period_ending_before_it_starts_is_bad_input(services: Services, capsys) -> None:
    assert main(["stats", "--from", "2026-03-31", "--to", "2026-03-01", "--json"]) == 3
    assert json.loads(capsys.readouterr().out)["error"]["code"] == "stats.period_reversed"


def test_a_date_that_is_not_one_is_a_usage_error(capsys) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["stats", "--from", "31/03/2026"])
    assert exited.value.code == 2
