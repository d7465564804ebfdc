"""Archive records in the store: each record of a split batch stored with its PDF/A and
metadata, found again by its metadata, queued once; a batch cut off half-way resumes
without a record twice; a record whose metadata is incomplete is refused, never guessed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from workstation.archive import specimens
from workstation.archive.batch import split
from workstation.archive.records import store_batch
from workstation.scan.pipeline import DigitizeOptions
from workstation.store.archive import find_records
from workstation.store.outbox import MessageKind, pending

pytestmark = [pytest.mark.integration]


@pytest.fixture
def batch(tmp_path: Path) -> Path:
    specimens.write_stack(tmp_path / "in", [2, 1, 3], lines=3)
    out = tmp_path / "out"
    pages = sorted((tmp_path / "in").glob("*.png"))
    split(pages, out, DigitizeOptions(ocr=False, jobs=1))
    return out


def test_each_record_is_stored_with_its_pdf_and_queued_once(services, batch: Path) -> None:
    report = store_batch(services.database, services.blobs, batch)
    assert report.stored == [1, 2, 3] and not report.refused
    with services.database.reading() as session:
        records = find_records(session)
        messages = [m for m in pending(session) if m.kind == MessageKind.ARCHIVE_RECORD]
    assert [r.position for r in records] == [1, 2, 3]
    assert [r.pages for r in records] == [2, 1, 3]
    for record in records:
        assert services.blobs.read(record.sha256).startswith(b"%PDF")
    assert sorted(m.entity_id for m in messages) == sorted(r.id for r in records)
    assert {m.payload["document"]["sha256"] for m in messages} == {r.sha256 for r in records}


def test_a_stored_record_is_found_by_its_title_without_diacritics_and_by_its_box(
    services, batch: Path
) -> None:
    plan = json.loads((batch / "batch.json").read_text(encoding="utf-8"))
    corrected = dict(plan["records"][1]["metadata"], title="Hồ sơ đất đai phường Đông Ba", box=77)
    store_batch(services.database, services.blobs, batch, corrections={2: corrected})
    with services.database.reading() as session:
        by_title = find_records(session, "dat dai dong ba")
        by_box = find_records(session, box=77)
        nothing = find_records(session, "không có hồ sơ này")
    assert [r.position for r in by_title] == [2] == [r.position for r in by_box]
    assert by_title[0].metadata["title"] == "Hồ sơ đất đai phường Đông Ba"
    assert nothing == []


def test_a_batch_cut_off_half_way_resumes_without_storing_a_record_twice(
    services, batch: Path
) -> None:
    asked = []

    def cancel_after_first() -> bool:
        asked.append(1)
        return len(asked) > 1

    first = store_batch(services.database, services.blobs, batch, cancelled=cancel_after_first)
    assert first.cancelled and first.stored == [1]
    second = store_batch(services.database, services.blobs, batch)
    assert second.already_stored == [1] and second.stored == [2, 3]
    third = store_batch(services.database, services.blobs, batch)
    assert third.already_stored == [1, 2, 3] and third.stored == []
    with services.database.reading() as session:
        assert len(find_records(session)) == 3
        kinds = [m.kind for m in pending(session)]
    assert kinds.count(MessageKind.ARCHIVE_RECORD) == 3


def test_a_record_missing_a_required_field_is_refused_and_named(services, batch: Path) -> None:
    plan = json.loads((batch / "batch.json").read_text(encoding="utf-8"))
    without_title = dict(plan["records"][0]["metadata"], title="")
    report = store_batch(services.database, services.blobs, batch, corrections={1: without_title})
    assert report.refused == {1: "metadata_missing:title"}
    assert report.stored == [2, 3]
    with services.database.reading() as session:
        assert [r.position for r in find_records(session)] == [2, 3]


def test_archive_store_and_find_commands_store_once_and_find_by_metadata(
    batch: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from workstation.cli import main

    assert main(["archive", "store", str(batch), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["stored"] == [1, 2, 3]
    assert main(["archive", "store", str(batch), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["already_stored"] == [1, 2, 3]
    plan = json.loads((batch / "batch.json").read_text(encoding="utf-8"))
    box = plan["records"][0]["metadata"]["box"]
    assert main(["archive", "find", "--box", str(box), "--json"]) == 0
    found = json.loads(capsys.readouterr().out)["records"]
    assert found and all(r["box"] == box for r in found)
