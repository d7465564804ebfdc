"""Verify the signatures of a PDF: intact, covering, trusted, and not revoked.

For each signature the report says who signed and when, whether the signed
bytes are unchanged, whether the signature covers the whole file up to its
revision, whether a time-stamp is present, whether the certificate was
valid at signing time, whether its chain leads to one of the roots an
administrator installed (the national root CA, the Government CA), and its
revocation status: ``good``, ``revoked`` or ``unknown``.

Decree 23/2025 and Circular 15/2025: a revocation status that cannot be
checked is ``unknown`` and never counts as valid. The verdict of a
signature is ``valid`` only when everything holds and revocation is
``good``; ``not_valid`` when something is wrong; ``indeterminate`` when the
signature is intact and trusted but its revocation could not be checked.

Revocation lists (CRLs) and OCSP responses come from the file (its DSS,
PAdES B-LT) or are given by the caller; only with ``online`` are they
fetched from the addresses the certificates name.
"""

from __future__ import annotations

import datetime as dt
import io
import logging
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from workstation.errors import BadInput

log = logging.getLogger(__name__)

MAX_PDF_BYTES = 200 * 1024 * 1024


@dataclass
class SignatureReport:
    """What we know of one signature."""

    field_name: str
    signer: str
    issuer: str
    signing_time: str | None
    intact: bool
    coverage: str  # entire_file, entire_revision, partial
    changes_after: str  # none, form_filling, annotations, other
    timestamp: bool
    certificate_valid_at_signing: bool
    trusted: bool
    revocation: str  # good, revoked, unknown
    verdict: str  # valid, not_valid, indeterminate
    problems: list[str] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


def load_certificates(paths: Sequence[Path]) -> list[Any]:
    from asn1crypto import pem, x509

    certs = []
    for path in paths:
        try:
            data = path.read_bytes()
            blobs = (
                [der for _, _, der in pem.unarmor(data, multiple=True)]
                if pem.detect(data)
                else [data]
            )
            certs.extend(x509.Certificate.load(der) for der in blobs)
            for cert in certs:
                cert.native  # noqa: B018 (parse now, fail here on a bad file)
        except (OSError, ValueError) as exc:
            raise BadInput(
                "a trusted root certificate file cannot be read",
                code="sign.trust_root_unreadable",
                name=path.name,
            ) from exc
    return certs


def _load_crls(paths: Sequence[Path]) -> list[bytes]:
    from asn1crypto import pem

    crls = []
    for path in paths:
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise BadInput(
                "a revocation list file cannot be read", code="sign.crl_unreadable", name=path.name
            ) from exc
        if pem.detect(data):
            crls.extend(der for _, _, der in pem.unarmor(data, multiple=True))
        else:
            crls.append(data)
    return crls


def _context(  # type: ignore[no-untyped-def]
    roots: list[Any],
    crls: list[Any],
    mode: str,
    moment: dt.datetime | None,
    ocsps: Sequence[Any] = (),
    online: bool = False,
    stamped: bool = False,
):
    from pyhanko_certvalidator import ValidationContext

    # A time-stamped signature is judged at the time-stamp's time, with revocation
    # data issued after it accepted (``retroactive_revinfo``): a B-LT file's OCSP
    # answers and CRLs are fetched once the signature is made, which takes more than
    # pyHanko's one second of tolerance when a signer confirms on a phone. A status
    # "revoked" still counts from its revocation time on.
    return ValidationContext(
        trust_roots=roots,
        crls=crls,
        ocsps=list(ocsps),
        allow_fetching=online,
        revocation_mode=mode,
        moment=moment,
        retroactive_revinfo=stamped,
    )


def _stamped_time(sig: Any) -> dt.datetime | None:
    """The time of the signature's own RFC 3161 time-stamp, or None without one."""
    try:
        for attribute in sig.signer_info["unsigned_attrs"] or ():
            if attribute["type"].native == "signature_time_stamp_token":
                token = attribute["values"][0]["content"]
                return token["encap_content_info"]["content"].parsed["gen_time"].native
    except (KeyError, ValueError, TypeError, AttributeError, IndexError):
        return None
    return None


def _embedded_revocation(reader: Any) -> tuple[list[Any], list[Any]]:
    """The OCSP answers and CRLs in the file's DSS (PAdES B-LT), or none."""
    from pyhanko.sign.validation.dss import DocumentSecurityStore

    try:
        dss = DocumentSecurityStore.read_dss(handler=reader)
    except Exception:  # no DSS, or one we cannot read: no embedded revocation data
        return [], []
    # The DSS keeps the raw bytes of each answer (as its keys) beside the PDF objects.
    return list(dss._ocsps_seen), list(dss._crls_seen)


def _coverage(status: Any) -> str:
    from pyhanko.sign.validation.status import SignatureCoverageLevel

    if status.coverage == SignatureCoverageLevel.ENTIRE_FILE:
        return "entire_file"
    if status.coverage == SignatureCoverageLevel.ENTIRE_REVISION:
        return "entire_revision"
    return "partial"


def _changes(status: Any) -> str:
    level = getattr(status, "modification_level", None)
    if level is None:
        return "none"
    return level.name.lower()


def verify_pdf(
    path: Path,
    trust_roots: Sequence[Path] = (),
    crls: Sequence[Path] = (),
    *,
    online: bool = False,
) -> list[SignatureReport]:
    """Reports for every signature in ``path``, oldest first.

    Revocation data comes from ``crls``, from the file's DSS, and with
    ``online`` from the OCSP responders and CRL addresses the certificates
    name.
    """
    from pyhanko.pdf_utils.misc import PdfError
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature

    roots = load_certificates(trust_roots)
    crl_data = _load_crls(crls)
    try:
        if path.stat().st_size > MAX_PDF_BYTES:
            raise BadInput("the PDF is too large", code="sign.pdf_too_large", name=path.name)
        data = path.read_bytes()
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        signatures = list(reader.embedded_signatures)
        ocsps, dss_crls = _embedded_revocation(reader)
    except (OSError, PdfError, ValueError, KeyError, TypeError) as exc:
        raise BadInput(
            "the PDF cannot be read", code="sign.verify_unreadable", name=path.name
        ) from exc

    reports = []
    for sig in signatures:
        problems: list[str] = []
        try:
            claimed = sig.self_reported_timestamp
            stamped = _stamped_time(sig)
            moment = stamped or claimed
            status = validate_pdf_signature(
                sig,
                signer_validation_context=_context(
                    roots,
                    crl_data + dss_crls,
                    "soft-fail",
                    moment,
                    ocsps,
                    online,
                    stamped=stamped is not None,
                ),
            )
        except (PdfError, ValueError, KeyError, TypeError) as exc:
            log.warning("a signature could not be validated: %s", exc.__class__.__name__)
            reports.append(
                SignatureReport(
                    field_name=sig.field_name,
                    signer="",
                    issuer="",
                    signing_time=None,
                    intact=False,
                    coverage="partial",
                    changes_after="other",
                    timestamp=False,
                    certificate_valid_at_signing=False,
                    trusted=False,
                    revocation="unknown",
                    verdict="not_valid",
                    problems=["unreadable"],
                )
            )
            continue
        cert = status.signing_cert
        signing_time = status.timestamp_validity.timestamp if status.timestamp_validity else claimed
        valid_then = signing_time is not None and (
            cert.not_valid_before <= signing_time <= cert.not_valid_after
        )
        intact = bool(status.intact and status.valid)
        coverage = _coverage(status)
        changes = _changes(status)
        trusted = bool(status.trusted)
        revocation = (
            "revoked"
            if status.revoked
            else _revocation(
                sig, roots, crl_data + dss_crls, moment, ocsps, online, stamped=stamped is not None
            )
        )
        if not intact:
            problems.append("changed_or_broken")
        if coverage == "partial":
            problems.append("does_not_cover_its_revision")
        if changes not in {"none", "lta_updates", "form_filling"}:
            problems.append("changed_after_signing")
        if not valid_then:
            problems.append("certificate_not_valid_at_signing_time")
        if not trusted:
            problems.append("not_trusted")
        if revocation == "revoked":
            problems.append("revoked")
        if problems:
            verdict = "not_valid"
        elif revocation == "unknown":
            verdict = "indeterminate"
        else:
            verdict = "valid"
        reports.append(
            SignatureReport(
                field_name=sig.field_name,
                signer=cert.subject.human_friendly,
                issuer=cert.issuer.human_friendly,
                signing_time=signing_time.isoformat() if signing_time else None,
                intact=intact,
                coverage=coverage,
                changes_after=changes,
                timestamp=status.timestamp_validity is not None,
                certificate_valid_at_signing=bool(valid_then),
                trusted=trusted,
                revocation=revocation,
                verdict=verdict,
                problems=problems,
            )
        )
    log.info(
        "verified %d signature(s): %d valid",
        len(reports),
        sum(r.verdict == "valid" for r in reports),
    )
    return reports


def _revocation(
    sig: Any,
    roots: list[Any],
    crls: list[Any],
    moment: Any,
    ocsps: Sequence[Any] = (),
    online: bool = False,
    *,
    stamped: bool = False,
) -> str:
    """``good``, ``revoked`` or ``unknown``: the chain validated again, now with
    revocation information required for every certificate."""
    from pyhanko.sign.validation import validate_pdf_signature

    try:
        status = validate_pdf_signature(
            sig,
            signer_validation_context=_context(
                roots, crls, "require", moment, ocsps, online, stamped
            ),
        )
    except Exception as exc:  # any failure to establish revocation leaves it unknown
        # The class only: pyHanko's messages name the certificate's subject (a person).
        log.info("revocation could not be established: %s", exc.__class__.__name__)
        return "unknown"
    if status.revoked:
        return "revoked"
    return "good" if status.trusted else "unknown"


@dataclass(frozen=True)
class LastSignature:
    """The newest signature of a PDF as it describes itself (not a verdict)."""

    field_name: str
    signer: str
    certificate_sha256: str
    signing_time: dt.datetime | None


def last_signature(path: Path) -> LastSignature:
    """Who signed ``path`` last, with which certificate (SHA-256 of its DER) and when.

    What a dossier records of a file it has just signed; BadInput when the
    file has no signature or cannot be read.
    """
    from pyhanko.pdf_utils.misc import PdfError
    from pyhanko.pdf_utils.reader import PdfFileReader

    try:
        with path.open("rb") as f:
            reader = PdfFileReader(f, strict=False)
            signatures = list(reader.embedded_signatures)
            if not signatures:
                raise BadInput(
                    "the file has no signature", code="sign.verify_unreadable", name=path.name
                )
            sig = signatures[-1]
            cert = sig.signer_cert
            return LastSignature(
                field_name=sig.field_name,
                signer=cert.subject.human_friendly,
                certificate_sha256=cert.sha256.hex(),
                signing_time=sig.self_reported_timestamp,
            )
    except (OSError, PdfError, ValueError, KeyError, TypeError) as exc:
        raise BadInput(
            "the PDF cannot be read", code="sign.verify_unreadable", name=path.name
        ) from exc
