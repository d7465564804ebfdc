"""A citizen's signed PDF given to capture is kept byte for byte and its signature checked."""

from __future__ import annotations

from pathlib import Path

from workstation.scan.devices.base import ScanSettings
from workstation.scan.devices.files import FileImport, pdf_nature
from workstation.sign.pades import KeyChoice, TokenSigner

from .conftest import SoftHsmToken, one_page_pdf


def test_signed_pdf_is_kept_as_it_is_and_its_signature_reported(
    token: SoftHsmToken, tmp_path: Path
) -> None:
    source = one_page_pdf(tmp_path / "in.pdf")  # a blank page: no text layer, only the signature
    with TokenSigner(KeyChoice(token.module, token.label, key_label="signer"), token.pin) as s:
        s.sign(source, tmp_path / "signed.pdf")
    signed = tmp_path / "signed.pdf"
    pages = list(FileImport([signed]).scan(ScanSettings(), tmp_path / "batch"))
    assert pages[0].kept
    assert pages[0].path.read_bytes() == signed.read_bytes()
    nature = pdf_nature(signed, (token.ca_file,))
    assert nature.signed and not nature.text_layer
    assert [r.intact for r in nature.signatures] == [True]
