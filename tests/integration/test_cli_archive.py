"""``workstation archive``: sheets from a records file, split with --json, export, bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from workstation.archive import specimens
from workstation.cli import main
from workstation.pages import render_page

pytestmark = [pytest.mark.integration]


def test_separators_prints_one_sheet_per_record_that_split_reads_back(
    home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    records = tmp_path / "records.json"
    first = specimens.record(1, 2).as_json()
    records.write_text(
        json.dumps([first, {"file_number": "2", "title": "Hồ sơ đất đai", "pages": 1}]),
        encoding="utf-8",
    )
    sheets = tmp_path / "sheets.pdf"
    assert main(["archive", "separators", "--records", str(records), "-o", str(sheets)]) == 0
    data = sheets.read_bytes()
    assert b"FontFile2" in data  # the Vietnamese font is embedded
    pages = tmp_path / "in"
    pages.mkdir()
    from PIL import Image

    from workstation.scan.specimens import text_page

    order = [("sheet", 1), ("text", 1), ("text", 2), ("sheet", 2), ("text", 3)]
    for n, (kind, number) in enumerate(order):
        image = (
            render_page(data, "application/pdf", number, width=827)
            if kind == "sheet"
            else text_page(number, dpi=100, lines=5).image
        )
        Image.fromarray(image).save(pages / f"{n:03d}.png", dpi=(100, 100))
    capsys.readouterr()
    code = main(
        [
            "archive",
            "split",
            str(pages),
            "-o",
            str(tmp_path / "out"),
            "--no-ocr",
            "--lang",
            "vie",
            "--json",
        ]
    )
    assert code == 0
    report = json.loads(capsys.readouterr().out)
    assert report["separators"] == [1, 4]
    assert [(r["first_page"], r["last_page"]) for r in report["records"]] == [(2, 3), (5, 5)]
    second = report["records"][1]["metadata"]
    assert (second["title"], second["fonds"], second["box"]) == ("Hồ sơ đất đai", "12", 1)
    assert report["warnings"] == []
    assert (
        main(["archive", "export", str(tmp_path / "out"), "-o", str(tmp_path / "bag"), "--json"])
        == 0
    )
    assert json.loads(capsys.readouterr().out)["valid"] is True


def test_bad_records_file_and_missing_batch_exit_3_with_a_code(
    home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    records = tmp_path / "records.json"
    records.write_text(json.dumps([{"file_number": "1", "title": "x", "start_date": "2019-13-01"}]))
    code = main(
        [
            "archive",
            "separators",
            "--records",
            str(records),
            "-o",
            str(tmp_path / "s.pdf"),
            "--json",
        ]
    )
    assert code == 3
    assert json.loads(capsys.readouterr().out)["error"]["code"] == "archive.metadata_invalid"
    code = main(["archive", "export", str(tmp_path), "-o", str(tmp_path / "bag"), "--json"])
    assert code == 3
    assert json.loads(capsys.readouterr().out)["error"]["code"] == "archive.batch_missing"
    empty = tmp_path / "empty"
    empty.mkdir()
    code = main(["archive", "split", str(empty), "-o", str(tmp_path / "out"), "--json"])
    assert code == 3
    assert json.loads(capsys.readouterr().out)["error"]["code"] == "archive.input_empty"
