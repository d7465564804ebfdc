"""A result form filed with the agency's token is signed (the signing service, reused)."""

from __future__ import annotations

import pytest

from tests.integration.test_result_form_filing import confirmed_scan
from tests.store_helpers import received_dossier
from workstation.services import open_signer
from workstation.sign.pades import KeyChoice
from workstation.sign.verify import verify_pdf
from workstation.store.documents import results_of

from .conftest import SoftHsmToken

pytestmark = pytest.mark.integration


def test_result_form_filed_with_the_agency_token_is_signed_and_says_so(
    token: SoftHsmToken, services, tmp_path
) -> None:
    from workstation.resultforms.filing import file_result_form

    dossier = received_dossier(services.database)
    template, recognition, values = confirmed_scan("certified-copy", 5)
    key = KeyChoice(token.module, token.label, key_label="signer")
    with open_signer(key=key, pin=token.pin) as signer:
        file_result_form(
            services.database,
            services.blobs,
            dossier.id,
            template,
            recognition,
            values,
            signer=signer,
            signed_by="Sở Tư pháp",
        )
    with services.database.reading() as session:
        [(row, document)] = results_of(session, dossier.id)
    assert row.signer == "Sở Tư pháp"
    signed = tmp_path / "result.pdf"
    signed.write_bytes(services.blobs.read(document.sha256))
    [report] = verify_pdf(signed, (token.ca_file,))
    assert report.intact
