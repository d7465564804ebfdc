"""``workstation dossier add`` with a dossier owner apart from the filer and a collection method.

The owner's details are checked as the intake view checks its owner fields:
a refusal names the owner (``owner.…``), exits 3 and stores nothing; an ID
number off the national scheme is a warning at ``owner.id_number``.
"""

from __future__ import annotations

import json

import pytest

from workstation.cli import main
from workstation.domain import CollectionMethod
from workstation.services import open_services
from workstation.store.dossiers import get_dossier
from workstation.store.outbox import count_pending

pytestmark = pytest.mark.integration

FILER = "Trần Thị Bình"
OWNER = "Phạm Văn Đông"


def add(capsys, sample_page, *extra: str) -> tuple[int, str, str]:
    argv = ["dossier", "add", "--procedure", "1.001193", "--applicant-name", FILER]
    code = main([*argv, "--file", str(sample_page), *extra])
    out, err = capsys.readouterr()
    return code, out, err


def stored_dossiers():  # type: ignore[no-untyped-def]
    services = open_services()
    try:
        with services.database.reading() as session:
            from workstation.store.models import DossierRow

            ids = [row.id for row in session.query(DossierRow)]
            return [get_dossier(session, i) for i in ids], count_pending(session)
    finally:
        services.close()


def test_an_owner_and_postal_collection_reach_the_store_and_the_json(capsys, sample_page) -> None:
    code, out, err = add(
        capsys,
        sample_page,
        "--owner-name",
        OWNER,
        "--owner-type",
        "1",
        "--owner-id",
        "037090006543",
        "--owner-address",
        "Phường Hoa Lư, tỉnh Ninh Bình",
        "--owner-phone",
        "0912345678",
        "--owner-email",
        "dong@example.vn",
        "--collection",
        "post",
        "--json",
    )
    assert code == 0 and err == ""
    data = json.loads(out)
    assert data["owner"] == {"name": OWNER, "type": 1}
    assert data["collection"] == "post"
    assert data["warnings"] == []
    [dossier], pending = stored_dossiers()
    assert pending == 1
    assert dossier.applicant.name == FILER
    assert dossier.owner is not None
    assert (dossier.owner.id_number, dossier.owner.address) == (
        "037090006543",
        "Phường Hoa Lư, tỉnh Ninh Bình",
    )
    assert (dossier.owner.phone, dossier.owner.email) == ("0912345678", "dong@example.vn")
    assert dossier.collection is CollectionMethod.POST


def test_without_owner_options_the_filer_owns_the_dossier_and_collects_at_the_counter(
    capsys, sample_page
) -> None:
    code, out, _ = add(capsys, sample_page)
    assert code == 0
    assert "owner the applicant, result collected: counter" in out
    [dossier], _ = stored_dossiers()
    assert dossier.owner is None and dossier.dossier_owner.name == FILER
    assert dossier.collection is CollectionMethod.COUNTER


def test_owner_details_without_the_owners_name_exit_3_naming_the_owner(capsys, sample_page) -> None:
    code, out, _ = add(capsys, sample_page, "--owner-id", "037090006543", "--json")
    assert code == 3
    error = json.loads(out)["error"]
    assert error["code"] == "owner.name_missing"
    assert "chủ hồ sơ" in error["message"]
    assert stored_dossiers() == ([], 0)


@pytest.mark.parametrize(
    ("option", "text", "code"),
    [
        ("--owner-name", "Phạm\u202eVăn", "owner.name_invalid"),
        ("--owner-id", "0370\x1b[2J", "owner.id_number_invalid"),
        ("--owner-address", "x" * 100_000, "owner.address_too_long"),
        ("--owner-phone", "0912\u200b345678", "owner.phone_invalid"),
        ("--owner-email", "a@b.vn" * 100, "owner.email_too_long"),
    ],
)
def test_hostile_owner_details_exit_3_and_nothing_is_stored_or_queued(
    capsys, sample_page, option, text, code
) -> None:
    extra = [option, text] if option == "--owner-name" else ["--owner-name", OWNER, option, text]
    exit_code, out, err = add(capsys, sample_page, *extra)
    assert exit_code == 3 and out == ""
    assert err.count("\n") == 1 and err.startswith("error: the dossier owner's ")
    assert "\x1b" not in err and "\u202e" not in err and len(err) < 200
    _, json_out, _ = add(capsys, sample_page, *extra, "--json")
    assert json.loads(json_out)["error"]["code"] == code
    assert stored_dossiers() == ([], 0)


def test_an_owners_id_number_off_the_national_scheme_is_a_warning_at_the_owners_field(
    capsys, sample_page
) -> None:
    code, out, err = add(
        capsys, sample_page, "--owner-name", OWNER, "--owner-id", "999190004321", "--json"
    )
    assert code == 0 and err == ""
    [warning] = json.loads(out)["warnings"]
    assert warning["field"] == "owner.id_number"
    assert warning["code"] == "applicant.id_number_province"


@pytest.mark.parametrize("method", ["pigeon", ""])
def test_an_unknown_collection_method_exits_3_naming_the_known_ones(
    capsys, sample_page, method
) -> None:
    code, out, _ = add(capsys, sample_page, "--collection", method, "--json")
    assert code == 3
    error = json.loads(out)["error"]
    assert error["code"] == "dossier.collection_unknown"
    assert "counter, post, online" in error["message"]
    assert stored_dossiers() == ([], 0)


def test_a_collection_method_is_read_whatever_its_case(capsys, sample_page) -> None:
    code, out, _ = add(capsys, sample_page, "--collection", " Online ", "--json")
    assert code == 0 and json.loads(out)["collection"] == "online"
