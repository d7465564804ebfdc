"""``workstation demo`` adds a digitised dossier end to end: demo feeder → clean → OCR → PDF/A →
a component of a demo dossier through intake's receive path, with its outbox message."""

from __future__ import annotations

import json
import os
import shlex
import subprocess
from pathlib import Path

import pikepdf
import pypdf

from tests.integration.test_cli import WORKSTATION, run
from workstation.paths import Folders
from workstation.scan.devices.demo import sample_pages
from workstation.services import open_services
from workstation.store.documents import page_captures
from workstation.store.dossiers import find_dossier


def test_demo_scans_the_sample_pages_into_a_component_of_a_demo_dossier(
    capsys, tmp_path: Path
) -> None:
    folder = tmp_path / "demo"
    code, out, _ = run(capsys, "demo", "--folder", str(folder), "--json")
    assert code == 0
    report = json.loads(out)
    digitised = report["digitised"]
    pdf = Path(digitised["pdf"])
    assert pdf.is_relative_to(folder) and pdf.is_file()
    assert not (folder / "outputs" / "capture-batch").exists()  # the batch folder is cleared

    # a searchable PDF/A of every sample page, its text Vietnamese as printed
    assert len(digitised["pages"]) == len(sample_pages())
    with pikepdf.open(pdf) as opened:
        assert opened.open_metadata().pdfa_status == "2B"
    text = " ".join(page.extract_text() for page in pypdf.PdfReader(pdf).pages)
    assert "khai sinh" in text.lower()
    assert all(p["ocr_confidence"] and p["ocr_confidence"] > 50 for p in digitised["pages"])

    # stored through intake's path: in the blob store, on the component, with its message
    added = [m for m in report["outbox_pending"] if m["kind"] == "document.added"]
    dossier_id = report["dossiers"][0]["id"]
    assert [m["entity_id"] for m in added] == [dossier_id]
    folders = Folders(config=folder / "config", data=folder / "data", logs=folder / "logs")
    from workstation.config import load_settings

    services = open_services(load_settings(folders).replace(database="", blob_folder=""), folders)
    try:
        with services.database.reading() as session:
            dossier = find_dossier(session, dossier_id)
            component = dossier.components[int(digitised["component"]) - 1]
            document = next(d for d in component.documents if d.id == digitised["document_id"])
            captures = page_captures(session, document.id)
        assert services.blobs.read(document.sha256) == pdf.read_bytes()
        assert len(captures) == len(sample_pages())
        assert all(c.dpi and c.dpi >= 200 and c.colour for c in captures)
    finally:
        services.close()


def test_demo_offers_sane_s_test_scanner_ready_to_scan_real_pages(capsys, tmp_path: Path) -> None:
    """Out of the box SANE's test backend is off and scans black pages; the demo's command,
    run as printed, scans a page with content."""
    code, out, _ = run(capsys, "demo", "--folder", str(tmp_path / "demo"), "--json")
    assert code == 0
    offer = json.loads(out)["sane_test_scanner"]
    assert offer["device"] == "sane:test:0", offer
    words = shlex.split(offer["command"])
    assert words[0] == f"SANE_CONFIG_DIR={offer['sane_config_dir']}"
    assert words[1] == "workstation" and "OUT.pdf" in words
    argv = [w.replace("OUT.pdf", str(tmp_path / "test-scanner.pdf")) for w in words[2:]]
    env = {**os.environ, "SANE_CONFIG_DIR": offer["sane_config_dir"]}
    done = subprocess.run(
        [*WORKSTATION, *argv, "--no-ocr", "--json"],
        capture_output=True,
        text=True,
        env=env,
        check=False,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    (page,) = json.loads(done.stdout)["pages"]
    assert not page["blank"] and "too_dark" not in page["warnings"]
