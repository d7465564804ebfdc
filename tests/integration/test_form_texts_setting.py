"""The forms' wording is the agency's to set: ``form_texts`` names its own texts file.

Until the circular's official text has been compared word for word
(docs/forms.md), an agency may correct a sentence in a copy of
``resources/forms/forms.json`` and print with it, without a new release.
A copy that cannot be read or leaves out a form stops the command (exit 3)
before anything is printed or stored.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from workstation.cli import main
from workstation.forms.texts import FORM_NAMES, shipped_forms_file, use_texts_file

pytestmark = pytest.mark.integration

CORRECTED = "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ (BẢN ĐÃ ĐỐI CHIẾU)"


@pytest.fixture(autouse=True)
def shipped_texts_afterwards():
    """Later tests in this process print with the shipped wording again."""
    yield
    use_texts_file(shipped_forms_file())


def _agency_copy(tmp_path: Path, change) -> Path:  # type: ignore[no-untyped-def]
    document = json.loads(shipped_forms_file().read_text(encoding="utf-8"))
    change(document)
    path = tmp_path / "forms-agency.json"
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    return path


def _receipt(capsys, out: Path, form: str = "receipt") -> tuple[int, dict]:  # type: ignore[type-arg]
    code = main(["form", form, "1", "-o", str(out), "--json"])
    return code, json.loads(capsys.readouterr().out)


def _text(pdf: Path) -> str:
    out = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, check=True, text=True)
    return " ".join(out.stdout.split())


def test_a_receipt_is_printed_with_the_wording_the_setting_names(
    add_by_command, capsys, tmp_path, monkeypatch
) -> None:
    def correct(document: dict) -> None:  # type: ignore[type-arg]
        for version in document["versions"]:
            version["forms"]["receipt"]["title"] = CORRECTED
            version["forms"]["receipt"]["verify"] = False
            version["source"] = "Thông tư 03/2025/TT-VPCP, Phụ lục I (đã đối chiếu)"

    assert add_by_command("Lê Văn Lương") == 0
    capsys.readouterr()
    monkeypatch.setenv("WORKSTATION_FORM_TEXTS", str(_agency_copy(tmp_path, correct)))
    code, _ = _receipt(capsys, tmp_path / "receipt.pdf")
    assert code == 0
    text = _text(tmp_path / "receipt.pdf")
    assert CORRECTED in text
    assert "(đã đối chiếu)" in text and "(chưa đối chiếu)" not in text


def test_only_the_forms_still_marked_verify_say_in_the_footer_they_are_unchecked(
    add_by_command, capsys, tmp_path, monkeypatch
) -> None:
    """The source is one line for all forms; the mark follows each form's own check."""

    def check_the_receipt_only(document: dict) -> None:  # type: ignore[type-arg]
        for version in document["versions"]:
            version["forms"]["receipt"]["verify"] = False

    assert add_by_command("Lê Văn Lương") == 0
    capsys.readouterr()
    monkeypatch.setenv(
        "WORKSTATION_FORM_TEXTS", str(_agency_copy(tmp_path, check_the_receipt_only))
    )
    assert _receipt(capsys, tmp_path / "receipt.pdf")[0] == 0
    assert _receipt(capsys, tmp_path / "slip.pdf", "control-slip")[0] == 0
    receipt, slip = _text(tmp_path / "receipt.pdf"), _text(tmp_path / "slip.pdf")
    assert "Mẫu số 01 · Thông tư 03/2025/TT-VPCP, Phụ lục I" in receipt
    assert "(chưa đối chiếu)" not in receipt
    assert "Mẫu số 06 · Thông tư 03/2025/TT-VPCP, Phụ lục I (chưa đối chiếu)" in slip


def test_the_shipped_wording_marks_every_unchecked_form_in_its_footer(
    add_by_command, capsys, tmp_path
) -> None:
    assert add_by_command("Lê Văn Lương") == 0
    capsys.readouterr()
    assert _receipt(capsys, tmp_path / "receipt.pdf")[0] == 0
    assert "Phụ lục I (chưa đối chiếu)" in _text(tmp_path / "receipt.pdf")


def test_without_the_setting_the_shipped_wording_is_printed(
    add_by_command, capsys, tmp_path
) -> None:
    assert add_by_command("Lê Văn Lương") == 0
    capsys.readouterr()
    code, _ = _receipt(capsys, tmp_path / "receipt.pdf")
    assert code == 0
    text = _text(tmp_path / "receipt.pdf")
    assert "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ" in text and CORRECTED not in text


@pytest.mark.parametrize("form", FORM_NAMES)
def test_a_texts_file_that_leaves_out_a_form_stops_the_command_before_printing(
    capsys, tmp_path, monkeypatch, form
) -> None:
    def drop(document: dict) -> None:  # type: ignore[type-arg]
        del document["versions"][0]["forms"][form]

    monkeypatch.setenv("WORKSTATION_FORM_TEXTS", str(_agency_copy(tmp_path, drop)))
    code, data = _receipt(capsys, tmp_path / "receipt.pdf")
    assert code == 3
    assert data["error"]["code"] == "config.form_texts_unusable"
    assert "form_texts" in data["error"]["message"]
    assert not (tmp_path / "receipt.pdf").exists()


def test_a_texts_file_that_cannot_be_read_stops_the_command(capsys, tmp_path, monkeypatch) -> None:
    broken = tmp_path / "forms-agency.json"
    broken.write_text("{ not json", encoding="utf-8")
    monkeypatch.setenv("WORKSTATION_FORM_TEXTS", str(broken))
    code, data = _receipt(capsys, tmp_path / "receipt.pdf")
    assert code == 3
    assert data["error"]["code"] == "config.form_texts_unusable"
