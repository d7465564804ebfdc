"""Revocation before signing, and the validation data PAdES B-LT embeds.

Decree 23/2025: a certificate is checked before it signs. With a
:class:`RevocationCheck` the signer's chain is validated against the
administrator's trusted roots, fetching OCSP answers and CRLs from the
addresses in the certificates (the CA's responder): a revoked certificate
is refused with the reason (``sign.certificate_revoked``, exit 3); a status
that cannot be established stops signing as an external part that did not
answer (``sign.revocation_unavailable``, exit 4), never as "good".

The same context, handed to pyHanko, puts those answers into the signed
file's document security store (DSS): PAdES baseline B-LT.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from workstation.errors import BadInput, ExternalPartError

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RevocationCheck:
    """Check revocation online against these trusted roots (PEM or DER files)."""

    trust_roots: Sequence[Path] = field(default_factory=tuple)
    embed: bool = True
    """Embed the answers in the signed file when it is time-stamped (B-LT); False for a
    policy of B-T, which checks but does not embed (workstation.sign.level)."""

    def roots(self) -> list[Any]:
        from workstation.sign.verify import load_certificates

        return load_certificates(self.trust_roots)

    def context(self):  # type: ignore[no-untyped-def]
        """A pyHanko validation context that fetches revocation data (hard fail)."""
        from pyhanko_certvalidator import ValidationContext

        return ValidationContext(
            trust_roots=self.roots(), allow_fetching=True, revocation_mode="hard-fail"
        )


def check_not_revoked(certificate: Any, registry: Any, check: RevocationCheck) -> None:
    """Raise unless ``certificate`` (asn1crypto) chains to a trusted root and is not revoked."""
    from pyhanko_certvalidator import CertificateValidator
    from pyhanko_certvalidator.errors import (
        PathBuildingError,
        PathValidationError,
        RevokedError,
    )

    intermediates = [c for c in (registry or ()) if c != certificate]

    async def validate() -> None:
        context = check.context()
        try:
            validator = CertificateValidator(
                certificate, intermediate_certs=intermediates, validation_context=context
            )
            await validator.async_validate_usage(set())
        finally:
            await context.aclose()  # the HTTP session it opened to fetch

    try:
        asyncio.run(validate())
    except RevokedError as exc:
        log.warning("signing refused: the certificate is revoked")
        raise BadInput(
            "the signing certificate has been revoked", code="sign.certificate_revoked"
        ) from exc
    except PathBuildingError as exc:
        raise BadInput(
            "the signing certificate does not chain to a trusted root",
            code="sign.certificate_untrusted",
        ) from exc
    except PathValidationError as exc:
        raise ExternalPartError(
            f"the certificate's revocation status could not be established: "
            f"{exc.__class__.__name__}",
            code="sign.revocation_unavailable",
        ) from exc
    log.info("signing certificate checked: not revoked")
