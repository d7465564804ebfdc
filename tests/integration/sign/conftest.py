"""A real SoftHSM2 token with its own test CA, made once per test session in a temporary folder."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.softhsm_token import (
    EVERY_PIN_TOKEN,
    PIN,
    REVOCATION_TOKEN,
    TOKEN_LABEL,
    SoftHsmToken,
    shared_token,
)

__all__ = ["EVERY_PIN_TOKEN", "PIN", "REVOCATION_TOKEN", "TOKEN_LABEL", "SoftHsmToken"]


@pytest.fixture(scope="session")
def token(tmp_path_factory: pytest.TempPathFactory) -> SoftHsmToken:
    return shared_token(tmp_path_factory)


def one_page_pdf(path: Path) -> Path:
    """A blank one-page A4 PDF, never signed."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    with path.open("wb") as f:
        writer.write(f)
    return path


@pytest.fixture
def pdf(tmp_path: Path) -> Path:
    return one_page_pdf(tmp_path / "in.pdf")
