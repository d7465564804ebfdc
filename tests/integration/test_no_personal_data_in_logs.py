"""Every command, failing ones included, leaves no name, ID number or file name in the logs.

The commands run through the real entry point (``workstation.__main__.main``),
so the log file, its redaction filter and the command line's own failure
lines are the ones an officer's machine has; the log level is DEBUG, so the
most talkative records are checked too.
"""

from __future__ import annotations

import logging
import shutil
import unicodedata
from pathlib import Path

import pytest

from workstation.__main__ import main
from workstation.domain.text import fold

pytestmark = pytest.mark.integration

NAME = "Nguyễn Thị Hồng Nhung"
ID_NUMBER = "079123456789"
FILE_NAME = f"CCCD {ID_NUMBER} {NAME}.png"
ADDRESS = "Số 12 phố Lương Văn Tụy, phường Hoa Lư"
PHONE = "0912345678"
CARD = f"{ID_NUMBER}||{NAME}|12032005|Nữ|{ADDRESS}|01022022"


@pytest.fixture
def root_logger_restored():
    root = logging.getLogger()
    before, level = list(root.handlers), root.level
    yield
    for handler in list(root.handlers):
        if handler not in before:
            root.removeHandler(handler)
            handler.close()
    root.setLevel(level)


def planted_traces() -> list[str]:
    """What must never appear in a log: the data as typed, decomposed and folded."""
    traces = [NAME, ID_NUMBER, ID_NUMBER[3:9], ADDRESS, PHONE, "CCCD", "Hồng Nhung"]
    traces += [unicodedata.normalize("NFD", NAME), fold(NAME), fold(ADDRESS)]
    return traces


def test_no_command_writes_a_name_id_number_or_file_name_to_the_log(
    home: Path, tmp_path: Path, sample_page: Path, monkeypatch, capsys, root_logger_restored
) -> None:
    monkeypatch.setenv("WORKSTATION_LOG_LEVEL", "DEBUG")
    scans = tmp_path / "scans" / f"{NAME} {ID_NUMBER}"
    scans.mkdir(parents=True)
    page = scans / FILE_NAME
    shutil.copy(sample_page, page)
    damaged = scans / f"CCCD {ID_NUMBER} {NAME} hỏng.pdf"
    damaged.write_bytes(b"%PDF-1.4 torn in half")
    missing = scans / f"CCCD {ID_NUMBER} {NAME} không có.png"
    person = [
        "--applicant-name", NAME, "--applicant-id", ID_NUMBER,
        "--address", ADDRESS, "--phone", PHONE,
    ]  # fmt: skip
    add = ["dossier", "add", "--procedure", "1.001193", *person]

    assert main([*add, "--file", str(page), "--json"]) == 0
    added = capsys.readouterr().out
    dossier_id = added.split('"id": "', 1)[1].split('"', 1)[0]
    codes = [
        main([*add, "--file", str(damaged)]),  # a damaged file
        main([*add, "--file", str(missing)]),  # a file that is not there
        main([*add, "--file", str(scans)]),  # a folder given as a file
        main(["dossier", "list", "--search", NAME]),
        main(["dossier", "list", "--search", ID_NUMBER, "--json"]),
        main(["dossier", "show", dossier_id]),
        main(["dossier", "show", ID_NUMBER]),  # nothing by that id
        main(["demo", "--folder", str(tmp_path / "demo")]),
        main(["demo", "--folder", str(scans)]),  # a folder the demo did not make
        main(["doctor"]),
        main(["cccd", "--payload", CARD]),  # a chip ID card as a reader typed it
        main(["cccd", "--payload", CARD.replace("|", ";")]),  # a mangled one
        main(["cccd", str(page)]),  # a scan with no QR code
    ]
    assert codes[:3] == [3, 3, 3] and codes[3:6] == [0, 0, 0] and codes[6] == 3
    assert codes[7] == 0 and codes[8] == 3
    assert codes[10] == 0 and codes[11:] == [3, 3]
    out = tmp_path / "out" / f"{NAME}"
    out.mkdir(parents=True)
    later = {  # the commands that came after: each with personal data in its paths
        "form receipt": main(["form", "receipt", dossier_id, "-o", str(out / f"{NAME}.pdf")]),
        "form of nothing": main(["form", "receipt", ID_NUMBER, "-o", str(out / "x.pdf")]),
        "digitize damaged": main(["digitize", str(damaged), "-o", str(out / f"{NAME}.pdf")]),
        "digitize missing": main(["digitize", str(missing), "-o", str(out / "y.pdf")]),
        "verify unsigned": main(["verify", str(damaged)]),
        "scan files": main(["scan", "--device", "files", "--file", str(missing), "-o", str(out)]),
        "archive split": main(["archive", "split", str(damaged), "-o", str(out / "archive")]),
        "result form": main(
            ["result-form", "extract", "--template", "birth-extract", str(damaged)]
        ),
        "demo proof": main(
            [
                "dossier",
                "demo-proof",
                dossier_id,
                "--account-id",
                ID_NUMBER,
                "-o",
                str(out / f"{NAME}.json"),
            ]
        ),
        "submit online": main(
            ["dossier", "submit-online", dossier_id, "--proof", str(out / f"{NAME}.json")]
        ),
        "payment qr": main(["payment", "qr", dossier_id, "-o", str(out / f"{NAME}.png")]),
        "hand-over": main(
            [
                "result",
                "hand-over",
                dossier_id,
                "--collector-id",
                ID_NUMBER,
                "--authorisation",
                str(page),
            ]
        ),
    }
    assert later["submit online"] == 0
    assert later["form receipt"] == 0
    assert all(code in (0, 3, 4, 5) for code in later.values()), later

    logs = sorted(p for p in (home / "logs").rglob("*") if p.is_file())
    logs += sorted(p for p in (tmp_path / "demo").rglob("*.log*") if p.is_file())
    assert logs, "the commands wrote no log at all"
    text = "\n".join(p.read_text(encoding="utf-8") for p in logs)
    assert "dossier add failed: file.not_found" in text  # failures are logged by code
    for trace in planted_traces():
        assert trace not in text, f"{trace!r} found in the log"
