"""The printed receipt carries the VietQR code of a fee still due at the counter.

The receipt is rasterised by poppler's ``pdftoppm`` and its symbols decoded by
zxing-cpp, as a banking app would read the paper; the payment code is then
taken apart field by field with the project's EMVCo reader and its CRC
recomputed. Once paid, or for a procedure with no fee, no payment code prints.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.integration.onbehalf_helpers import (
    MONDAY,
    OWNER,
    assert_vietqr,
    payment_codes,
    printed_symbols,
    received,
)
from workstation.cli import main
from workstation.intake.receive import (
    ChecklistRequest,
    CodeIssuer,
    ComponentReceipt,
    receive_dossier,
)
from workstation.onbehalf.payment import payment_code, receipt_payment_code

pytestmark = pytest.mark.integration

NO_FEE = "2.001575"  # suspending a business household: nothing is collected (sample catalogue)


def print_receipt(code: str, path: Path) -> Path:
    assert main(["form", "receipt", code, "-o", str(path)]) == 0
    return path


def test_a_receipt_with_a_fee_due_prints_its_vietqr_code_field_by_field(
    services, sample_page, tmp_path
) -> None:
    dossier = received(services, sample_page)
    pdf = print_receipt(dossier.code, tmp_path / "receipt.pdf")
    symbols = printed_symbols(pdf, tmp_path)
    [printed] = payment_codes(symbols)
    assert_vietqr(printed, 100_000, dossier.code)
    assert printed == payment_code(services.database, services.settings, dossier.id)[1]
    assert dossier.code in symbols  # the dossier's own barcode is still there


def test_a_paid_receipt_prints_no_payment_code(services, sample_page, tmp_path) -> None:
    dossier = received(services, sample_page)
    assert main(["payment", "record", dossier.code, "--method", "cash"]) == 0
    pdf = print_receipt(dossier.code, tmp_path / "receipt.pdf")
    symbols = printed_symbols(pdf, tmp_path)
    assert payment_codes(symbols) == []
    assert dossier.code in symbols


def test_a_receipt_with_nothing_to_pay_prints_no_payment_code(
    services, sample_page, tmp_path
) -> None:
    request = ChecklistRequest(
        procedure_code=NO_FEE,
        applicant=OWNER,
        components=(ComponentReceipt("TB", (sample_page,), paper_pages=1),),
        received_at=MONDAY,
    )
    issuer = CodeIssuer.from_settings(services.settings)
    dossier = receive_dossier(
        services.database, services.blobs, services.catalogue, request, issuer=issuer
    )
    assert receipt_payment_code(services.database, services.settings, dossier.id) is None
    pdf = print_receipt(dossier.code, tmp_path / "receipt.pdf")
    assert payment_codes(printed_symbols(pdf, tmp_path)) == []


def test_without_a_collection_account_the_receipt_prints_without_the_code(
    services, sample_page, tmp_path, monkeypatch
) -> None:
    dossier = received(services, sample_page)
    monkeypatch.setenv("WORKSTATION_AGENCY_CODE", "H99.999.99")  # a unit with no account
    pdf = print_receipt(dossier.code, tmp_path / "receipt.pdf")
    symbols = printed_symbols(pdf, tmp_path)
    assert payment_codes(symbols) == [] and dossier.code in symbols
