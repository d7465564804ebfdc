"""``workstation audit list | verify`` on a real store file, tampered with by raw SQL."""

from __future__ import annotations

import json
import sqlite3

import pytest

from tests.store_helpers import received_dossier
from workstation.cli import main
from workstation.store import audit

pytestmark = pytest.mark.integration


def run(capsys, *argv: str) -> tuple[int, dict | list]:
    code = main([*argv, "--json"])
    out, _ = capsys.readouterr()
    return code, json.loads(out)


@pytest.fixture
def store(services):
    """A store with three dossiers received, the first two by officer a, the third by b."""
    database = services.database
    database.officer = lambda: ("can.bo.a", "central_sign_in")
    dossiers = [received_dossier(database), received_dossier(database)]
    database.officer = lambda: ("can.bo.b", "central_sign_in")
    dossiers.append(received_dossier(database))
    return database, dossiers


def _tamper(database, *statements: str) -> None:
    connection = sqlite3.connect(database.path)
    connection.execute("DROP TRIGGER audit_log_no_update")
    connection.execute("DROP TRIGGER audit_log_no_delete")
    for statement in statements:
        connection.execute(statement)
    connection.commit()
    connection.close()


def test_list_shows_an_officers_entries(capsys, store) -> None:
    _, dossiers = store
    code, entries = run(capsys, "audit", "list", "--officer", "can.bo.a")
    assert code == 0
    assert [(e["action"], e["dossier_id"]) for e in entries] == [
        ("dossier.created", dossiers[0].id),
        ("dossier.created", dossiers[1].id),
    ]


def test_list_shows_a_dossiers_entries_by_its_short_number(capsys, store) -> None:
    _, dossiers = store
    code, entries = run(capsys, "audit", "list", "--dossier", f"#{dossiers[2].number}")
    assert code == 0
    assert [(e["officer"], e["dossier_id"]) for e in entries] == [("can.bo.b", dossiers[2].id)]


def test_verify_passes_an_untouched_log(capsys, store) -> None:
    code, result = run(capsys, "audit", "verify")
    assert code == 0
    assert (result["intact"], result["count"]) == (True, 3)


def test_verify_text_names_the_first_broken_entry(capsys, store) -> None:
    database, _ = store
    _tamper(database, "UPDATE audit_log SET action = 'dossier.deleted' WHERE seq = 2")
    assert main(["audit", "verify"]) == 5
    assert "entry 2" in capsys.readouterr().out


def _forged_third(database) -> str:
    """An entry at 3 well made after entry 2, the later ones moved up one."""
    with database.reading() as session:
        second = audit.list_entries(session)[1]
    fields = {**second.as_json(), "seq": 3, "message_id": None}
    digest = audit.entry_hash(fields, second.hash)
    return (
        "INSERT INTO audit_log (seq, at, officer, officer_source, action, dossier_id, "
        f"prev_hash, hash) VALUES (3, '{second.at}', '{second.officer}', "
        f"'{second.officer_source}', '{second.action}', '{second.dossier_id}', "
        f"'{second.hash}', '{digest}')"
    )


@pytest.mark.parametrize(
    ("tampering", "broken"),
    [
        ("edited", 2),
        ("deleted", 3),
        ("inserted", 4),
        ("reordered", 2),
    ],
)
def test_verify_exits_5_naming_the_first_broken_entry(capsys, store, tampering, broken) -> None:
    database, _ = store
    statements = {
        "edited": ["UPDATE audit_log SET officer = 'can.bo.b' WHERE seq = 2"],
        "deleted": ["DELETE FROM audit_log WHERE seq = 2"],
        "inserted": [
            "UPDATE audit_log SET seq = seq + 100 WHERE seq >= 3",
            "UPDATE audit_log SET seq = seq - 99 WHERE seq >= 100",
            _forged_third(database),
        ],
        "reordered": [
            "UPDATE audit_log SET seq = 100 WHERE seq = 2",
            "UPDATE audit_log SET seq = 2 WHERE seq = 3",
            "UPDATE audit_log SET seq = 3 WHERE seq = 100",
        ],
    }[tampering]
    _tamper(database, *statements)
    code, result = run(capsys, "audit", "verify")
    assert code == 5
    assert (result["intact"], result["broken_seq"]) == (False, broken)


def test_an_excel_export_of_the_statistics_is_recorded(capsys, services, tmp_path) -> None:
    out = tmp_path / "thong-ke.xlsx"
    assert main(["stats", "--from", "2026-03-01", "--to", "2026-03-31", "--xlsx", str(out)]) == 0
    capsys.readouterr()
    code, entries = run(capsys, "audit", "list")
    assert code == 0
    assert [e["action"] for e in entries] == ["stats.exported"]


def test_an_archive_export_is_recorded(capsys, services, tmp_path) -> None:
    from workstation.archive import specimens
    from workstation.archive.batch import split
    from workstation.scan.pipeline import DigitizeOptions

    specimens.write_stack(tmp_path / "in", [1], lines=3)
    out = tmp_path / "out"
    split(sorted((tmp_path / "in").glob("*.png")), out, DigitizeOptions(ocr=False, jobs=1))
    assert main(["archive", "export", str(out), "-o", str(tmp_path / "bag")]) == 0
    capsys.readouterr()
    _, entries = run(capsys, "audit", "list")
    assert [e["action"] for e in entries] == ["archive.exported"]
