"""`workstation dossier import`: the example file, once per import key, refusals per dossier."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import jsonschema
import pytest
from sqlalchemy import select

from workstation.cli import main
from workstation.domain.applicant import ApplicantType
from workstation.intake.imports import schema_path
from workstation.paths import resources_dir
from workstation.services import open_services
from workstation.store.dossiers import count_dossiers, find_dossier
from workstation.store.models import OutboxRow
from workstation.store.outbox import count_pending

pytestmark = pytest.mark.integration

EXAMPLES = resources_dir() / "examples"
EXAMPLE = EXAMPLES / "dossiers.json"


def run(capsys, *argv: str) -> tuple[int, dict, str]:
    code = main(["dossier", "import", *argv, "--json"])
    out, err = capsys.readouterr()
    return code, json.loads(out), err


def counts(settings, folders) -> tuple[int, int]:
    services = open_services(settings, folders)
    try:
        with services.database.reading() as session:
            return count_dossiers(session), count_pending(session)
    finally:
        services.close()


def write_import(folder: Path, *dossiers: dict) -> Path:
    shutil.copytree(EXAMPLES / "files", folder / "files", dirs_exist_ok=True)
    path = folder / "import.json"
    document = {"format": "workstation.dossiers/1", "dossiers": list(dossiers)}
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    return path


def example(index: int) -> dict:
    return json.loads(EXAMPLE.read_text(encoding="utf-8"))["dossiers"][index]


def test_example_follows_its_schema_and_is_varied_and_small() -> None:
    schema = json.loads(schema_path().read_text(encoding="utf-8"))
    document = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator(schema).validate(document)
    dossiers = document["dossiers"]
    assert len(dossiers) >= 20
    assert len({d["procedure"] for d in dossiers}) >= 15
    assert {d["applicant"]["type"] for d in dossiers} == {t.value for t in ApplicantType}
    assert {d.get("channel", "counter") for d in dossiers} >= {"counter", "online"}
    assert any(not c.get("files") for d in dossiers for c in d["components"])
    files = {f for d in dossiers for c in d["components"] for f in c.get("files", [])}
    assert all((EXAMPLES / f).is_file() for f in files)
    assert (
        sum(
            (EXAMPLES / "files" / f).stat().st_size
            for f in [p.name for p in (EXAMPLES / "files").iterdir()]
        )
        < 2 * 1024 * 1024
    )


def test_importing_the_example_twice_creates_each_dossier_once(capsys, settings, folders) -> None:
    code, first, _ = run(capsys, str(EXAMPLE))
    assert code == 0
    created = first["counts"]["created"]
    assert created == len(first["dossiers"]) >= 20
    assert all(d["code"] for d in first["dossiers"])
    code, second, _ = run(capsys, str(EXAMPLE))
    assert code == 0
    assert second["counts"] == {"created": 0, "already_present": created, "refused": 0}
    assert counts(settings, folders) == (created, created)


def test_imported_dossier_keeps_its_pages_fees_and_code(capsys, settings, folders) -> None:
    _, report, _ = run(capsys, str(EXAMPLE))
    land = next(d for d in report["dossiers"] if d["import_key"] == "example-017")
    services = open_services(settings, folders)
    try:
        with services.database.reading() as session:
            dossier = find_dossier(session, land["code"])
    finally:
        services.close()
    assert dossier.import_key == "example-017"
    assert (dossier.fee, dossier.charge) == (28_500, 120_000)  # online: 5 % and 60 % off
    assert [c.paper_pages for c in dossier.components] == [2, 4, 2]
    assert [c.image_count for c in dossier.components] == [2, 4, 2]


def test_sticky_note_page_is_a_warning_not_a_refusal(capsys) -> None:
    code, report, _ = run(capsys, str(EXAMPLE))
    assert code == 0
    permit = next(d for d in report["dossiers"] if d["import_key"] == "example-024")
    assert permit["result"] == "created"
    assert [w["code"] for w in permit["warnings"]] == ["receive.page_count_mismatch"]


def test_a_refused_dossier_is_reported_leaves_nothing_and_others_go_in(
    capsys, tmp_path, settings, folders
) -> None:
    missing = example(4)  # business household without its mandatory ID copy
    missing["import_key"] = "no-id-copy"
    missing["components"] = [c for c in missing["components"] if c["code"] != "CCCD"]
    bad_date = example(0) | {"import_key": "bad-date", "received_at": "2026-02-30T09:00:00"}
    gone = example(0) | {"import_key": "file-gone"}
    gone["components"] = [
        {"code": "TK", "paper_pages": 1, "files": ["files/nowhere.png"]},
        {"code": "GCS", "paper_pages": 1},
    ]
    path = write_import(tmp_path, missing, example(1), bad_date, gone)
    code, report, _ = run(capsys, str(path))
    assert code == 3
    results = {d["import_key"]: d for d in report["dossiers"]}
    assert results["example-002"]["result"] == "created"
    assert results["no-id-copy"]["error"]["code"] == "receive.missing_component"
    assert "Bản sao giấy tờ pháp lý" in results["no-id-copy"]["error"]["message"]
    assert results["bad-date"]["error"]["code"] == "receive.bad_date"
    assert results["file-gone"]["result"] == "refused"
    assert counts(settings, folders) == (1, 1)


def test_a_file_that_departs_from_the_schema_imports_nothing(capsys, tmp_path) -> None:
    broken = example(0)
    broken["applicant"]["type"] = 7
    path = write_import(tmp_path, example(1), broken)
    code, report, _ = run(capsys, str(path))
    assert code == 3
    assert report["error"]["code"] == "import.invalid"
    assert "dossiers/1/applicant/type" in report["error"]["message_en"]


def test_one_import_key_given_twice_imports_nothing(capsys, tmp_path) -> None:
    path = write_import(tmp_path, example(0), example(0))
    code, report, _ = run(capsys, str(path))
    assert code == 3 and report["error"]["code"] == "import.key_twice"


def test_a_file_that_is_not_json_is_unreadable(capsys, tmp_path) -> None:
    path = tmp_path / "x.json"
    path.write_bytes(b"\x00not json")
    code, report, _ = run(capsys, str(path))
    assert code == 3 and report["error"]["code"] == "import.unreadable"


def test_an_imported_owner_and_collection_method_reach_the_store_and_the_message(
    capsys, settings, folders
) -> None:
    _, report, _ = run(capsys, str(EXAMPLE))
    by_key = {d["import_key"]: d["code"] for d in report["dossiers"]}
    services = open_services(settings, folders)
    try:
        with services.database.reading() as session:
            authorised = find_dossier(session, by_key["example-002"])
            own = find_dossier(session, by_key["example-001"])
            posted = find_dossier(session, by_key["example-020"])
            payloads = {
                json.loads(p)["id"]: json.loads(p)
                for p in session.scalars(
                    select(OutboxRow.payload).where(OutboxRow.kind == "dossier.created")
                )
            }
    finally:
        services.close()
    assert authorised.applicant.name == "Trần Thị Bình"
    assert authorised.owner is not None and authorised.owner.name == "Phạm Văn Đông"
    assert own.owner is None and own.dossier_owner == own.applicant
    assert (own.collection, posted.collection) == ("counter", "post")
    message = payloads[authorised.id]
    assert message["owner"]["name"] == "Phạm Văn Đông"
    assert message["owner"]["id_number"] == "037090006543"
    assert message["collection"] == "counter"
    assert payloads[own.id]["owner"] is None


def test_an_owner_with_a_control_character_in_the_id_number_refuses_that_dossier(
    capsys, tmp_path, settings, folders
) -> None:
    bad = example(1) | {"import_key": "bad-owner"}
    bad["owner"] = {"type": 1, "name": "Phạm Văn Đông", "id_number": "0370\u200b90006543"}
    path = write_import(tmp_path, bad, example(0))
    code, report, _ = run(capsys, str(path))
    assert code == 3
    results = {d["import_key"]: d for d in report["dossiers"]}
    assert results["bad-owner"]["error"]["code"] == "owner.id_number_invalid"
    assert counts(settings, folders) == (1, 1)


def test_an_unknown_collection_method_departs_from_the_schema(capsys, tmp_path) -> None:
    path = write_import(tmp_path, example(0) | {"collection": "pigeon"})
    code, report, _ = run(capsys, str(path))
    assert code == 3
    assert report["error"]["code"] == "import.invalid"


def test_dossier_show_names_the_owner_and_how_the_result_is_collected(capsys) -> None:
    _, report, _ = run(capsys, str(EXAMPLE))
    by_key = {d["import_key"]: d["code"] for d in report["dossiers"]}
    assert main(["dossier", "show", by_key["example-023"], "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["owner"] == {"name": "Công ty TNHH Thương mại Gia Viễn", "type": 2}
    assert shown["collection"] == "post"
    assert main(["dossier", "show", by_key["example-001"]]) == 0
    out = capsys.readouterr().out
    assert "owner      the applicant" in out and "collection counter" in out


def test_an_owners_id_number_off_the_national_scheme_is_a_warning_at_the_owner(
    capsys, tmp_path
) -> None:
    odd = example(1) | {"import_key": "odd-owner"}
    odd["owner"] = {"type": 1, "name": "Phạm Văn Đông", "id_number": "999190004321"}
    code, report, _ = run(capsys, str(write_import(tmp_path, odd)))
    assert code == 0
    (entry,) = report["dossiers"]
    assert entry["result"] == "created"
    assert "owner.id_number" in {w["field"] for w in entry["warnings"]}
