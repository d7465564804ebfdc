"""``workstation dossier add`` with hostile, implausible and repeated input.

Hostile details (terminal escape codes, right-to-left overrides, 100 KB of
text) are refused with exit 3, and nothing is stored or queued; implausible
ones are received with a warning on stderr (``warning: …``) or under
``"warnings"`` with ``--json``.
"""

from __future__ import annotations

import json
import shutil

import pytest

from workstation.cli import main
from workstation.services import open_services
from workstation.store.dossiers import count_dossiers
from workstation.store.outbox import count_pending

pytestmark = pytest.mark.integration

NAME = "Lê Văn Lương"


def add(capsys, sample_page, *extra: str, procedure: str = "1.001193") -> tuple[int, str, str]:
    argv = ["dossier", "add", "--procedure", procedure, "--applicant-name", NAME]
    code = main(
        [*argv, *extra] if "--file" in extra else [*argv, "--file", str(sample_page), *extra]
    )
    out, err = capsys.readouterr()
    return code, out, err


def stored() -> tuple[int, int]:
    services = open_services()
    try:
        with services.database.transaction() as session:
            return count_dossiers(session), count_pending(session)
    finally:
        services.close()


HOSTILE = {
    "escape codes": "\x1b[2J\x1b]0;owned\x07",
    "right-to-left override": "Hà Nội\u202egnaH",
    "100 KB": "x" * 100_000,
}


@pytest.mark.parametrize("option", ["--address", "--phone", "--email", "--applicant-id"])
@pytest.mark.parametrize("text", HOSTILE.values(), ids=HOSTILE.keys())
def test_hostile_applicant_details_exit_3_and_nothing_is_stored_or_queued(
    capsys, sample_page, option, text
) -> None:
    code, out, err = add(capsys, sample_page, option, text)
    assert code == 3
    assert out == ""
    assert err.count("\n") == 1 and err.startswith("error: the applicant's ")
    assert "\x1b" not in err and "\u202e" not in err and len(err) < 200
    assert stored() == (0, 0)


def test_hostile_detail_in_json_names_the_field_in_its_code(capsys, sample_page) -> None:
    code, out, _ = add(capsys, sample_page, "--phone", "0912\u202e345678", "--json")
    assert code == 3
    assert json.loads(out)["error"]["code"] == "applicant.phone_invalid"


def test_implausible_details_are_received_with_a_warning_line_each(capsys, sample_page) -> None:
    code, out, err = add(
        capsys,
        sample_page,
        "--applicant-id",
        "003203004567",
        "--phone",
        "12345",
        "--email",
        "luong@gmail",
        "--address",
        "Tổ 10 Ấp An Thái, Hòa Bình, Chợ Mới, An Giang",
    )
    assert code == 0 and out.startswith("Dossier ")
    lines = err.splitlines()
    assert len(lines) == 3 and all(line.startswith("warning: ") for line in lines)
    assert "[id_number: applicant.id_number_province]" in lines[0]
    assert "[phone: applicant.phone_not_vietnamese]" in lines[1]
    assert "[email: applicant.email_shape]" in lines[2]
    assert stored() == (1, 1)


def test_warnings_go_under_warnings_in_json_with_both_messages(capsys, sample_page) -> None:
    code, out, err = add(capsys, sample_page, "--applicant-id", "12345", "--json")
    assert code == 0 and err == ""
    [warning] = json.loads(out)["warnings"]
    assert warning["field"] == "id_number"
    assert warning["code"] == "applicant.id_number_length"
    assert warning["message"].startswith("Số định danh của công dân phải gồm 12 chữ số")
    assert warning["message_en"].startswith("A citizen's ID number has 12 digits")


def test_plausible_details_give_no_warning(capsys, sample_page) -> None:
    code, out, err = add(
        capsys,
        sample_page,
        "--applicant-id",
        "089202017098",
        "--phone",
        "091 234 5678",
        "--email",
        "luong@gmail.com",
        "--json",
    )
    assert code == 0 and err == ""
    assert json.loads(out)["warnings"] == []


def test_a_file_given_twice_or_copied_is_received_with_a_warning(
    capsys, sample_page, tmp_path
) -> None:
    copy = tmp_path / "ban-sao.png"
    shutil.copyfile(sample_page, copy)
    code, _, err = add(
        capsys,
        sample_page,
        "--file",
        str(sample_page),
        "--file",
        str(sample_page),
        "--file",
        str(copy),
    )
    assert code == 0
    lines = err.splitlines()
    assert len(lines) == 2
    assert "(number 2) was already chosen" in lines[0] and "dossier.file_added_twice" in lines[0]
    assert "ban-sao.png (number 3) has the same content" in lines[1]
    assert "dossier.file_same_content" in lines[1]
    assert stored() == (1, 1)


def test_a_procedure_code_with_surrounding_spaces_is_accepted(capsys, sample_page) -> None:
    code, out, _ = add(capsys, sample_page, "--json", procedure=" 1.001193 ")
    assert code == 0
    assert json.loads(out)["procedure_code"] == "1.001193"
