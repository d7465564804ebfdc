"""The authorisation document scanned straight from the scanner (SANE's test backend) at the
hand-over: one PDF/A, then checked and stored as the collector's authorisation."""

from __future__ import annotations

import pytest

from tests.gui.capture_helpers import SANE_TEST, sane_test_scanner
from tests.integration.onbehalf_helpers import OTHER_ID, processed, received
from workstation.onbehalf.authorisation_scan import scan_authorisation
from workstation.onbehalf.handover import hand_over
from workstation.scan.devices.base import ScanSettings

pytestmark = pytest.mark.integration


def test_a_scanned_authorisation_lets_the_authorised_person_collect(
    services, sample_page, tmp_path, monkeypatch
) -> None:
    monkeypatch.setenv("SANE_CONFIG_DIR", str(sane_test_scanner(tmp_path / "sane")))
    dossier = received(services, sample_page)
    processed(services, dossier)
    pdf = scan_authorisation(
        services.open_capture_device,
        SANE_TEST,
        tmp_path / "scan",
        tmp_path / "authorisation.pdf",
        services.settings.ocr_languages,
        dossier.code or "",
        ScanSettings(dpi=150),
    )
    assert pdf.read_bytes().startswith(b"%PDF")
    assert not (tmp_path / "scan").exists()  # the raw scans are not left behind
    handover = hand_over(services.database, services.blobs, dossier.id, OTHER_ID, authorisation=pdf)
    assert handover.collector == "authorised"
    assert services.blobs.read(handover.authorisation_sha256) == pdf.read_bytes()
