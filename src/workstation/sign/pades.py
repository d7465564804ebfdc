"""PAdES signatures on PDFs with a PKCS#11 token, one login for a whole batch.

Built on pyHanko's PKCS#11 signer (``pyhanko.sign.pkcs11``), not hand-rolled
CMS. Baseline B-B, and B-T when a time-stamp authority is given.

Rules kept here:
- A signed PDF is never rewritten: each signature is an incremental update
  appended to the bytes of its input.
- The output is written to a temporary file next to it and renamed into
  place, so no half-signed file is ever left under the output name.
- A certificate that is expired or not yet valid is refused before signing,
  with the reason.
- A batch logs in once; it reports progress after each file, can be
  cancelled between files, and stops at the first token failure: the files
  finished before stay valid, the rest are listed to resume.
"""

from __future__ import annotations

import datetime as dt
import io
import logging
import os
import uuid
from collections.abc import Callable, Sequence
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from workstation.errors import BadInput, Cancelled, ExternalPartError, WorkstationError
from workstation.sign import APPEARANCES
from workstation.sign import appearance as looks
from workstation.sign.revocation import RevocationCheck
from workstation.sign.tokens import logged_in_session

log = logging.getLogger(__name__)

MAX_PDF_BYTES = 200 * 1024 * 1024
FIELD_PREFIX = {"none": "Signature", "signer": "Signer", "agency": "Seal", "copy": "Copy"}


@dataclass(frozen=True)
class KeyChoice:
    """Which module, token and key to sign with."""

    module: Path
    token_label: str | None = None
    token_serial: str | None = None
    key_label: str | None = None


@dataclass(frozen=True)
class Appearance:
    """What the signature shows (see :mod:`workstation.sign.appearance`)."""

    kind: str = "none"
    copy_form: str = ""  # SAO Y, SAO LỤC, TRÍCH SAO or the document number
    agency: str = ""
    title: str = ""
    name: str = ""
    image: Path | None = None  # the signer's signature image
    seal: Path | None = None  # the agency's seal image
    # Where the signer's box goes (page from 0, PDF points from the bottom left), chosen
    # by dragging it on a page preview or by an anchor text; None: the profile's place.
    page: int | None = None
    box: tuple[float, float, float, float] | None = None

    def __post_init__(self) -> None:
        if self.box is not None:
            x1, y1, x2, y2 = self.box
            if not (x2 - x1 >= 20 and y2 - y1 >= 20 and min(self.box) >= 0):
                raise BadInput(
                    "the signature box is too small or off the page", code="sign.box_invalid"
                )
        if self.kind not in APPEARANCES:
            raise BadInput(
                f"unknown appearance {self.kind!r}", code="sign.appearance_unknown", kind=self.kind
            )
        if self.kind == "agency" and self.seal is None:
            raise BadInput("the agency appearance needs the seal image", code="sign.seal_missing")
        if self.kind == "signer" and not (self.title.strip() and self.name.strip()):
            raise BadInput(
                "the signer appearance needs the signer's title and full name",
                code="sign.signer_text_missing",
            )
        if self.kind == "copy" and not (self.copy_form and self.agency):
            raise BadInput(
                "the copy appearance needs the copy form (or document number) and the agency",
                code="sign.copy_text_missing",
            )


@dataclass(frozen=True)
class SignedFile:
    """One signed output."""

    output: Path
    field_name: str
    signing_time: str


@dataclass
class BatchResult:
    """What a batch did: the signed files, the refused ones, and what is left."""

    signed: list[SignedFile] = field(default_factory=list)
    refused: list[tuple[Path, str]] = field(default_factory=list)  # (input, error code)
    remaining: list[Path] = field(default_factory=list)
    cancelled: bool = False
    stopped_by: WorkstationError | None = None


Progress = Callable[[int, int], None]
STOPPING_CODES = frozenset({"sign.pin_wrong", "sign.pin_locked", "sign.remote_rejected"})


def _token_error(exc: Exception) -> WorkstationError:
    """Our error for a PKCS#11 failure while signing (a PIN asked for this signature included)."""
    from pkcs11.exceptions import PinIncorrect, PinInvalid, PinLenRange, PinLocked

    if isinstance(exc, (PinIncorrect, PinInvalid, PinLenRange)):
        log.warning("token refused the PIN for this signature: wrong PIN; not retried")
        return BadInput("the token refused the PIN (wrong PIN); not retried", code="sign.pin_wrong")
    if isinstance(exc, PinLocked):
        return BadInput("the token's PIN is locked", code="sign.pin_locked")
    return ExternalPartError(
        f"the token failed while signing: {exc.__class__.__name__}", code="sign.token_failed"
    )


class _TimedPdfSigner:
    """pyHanko's PdfSigner with the signing time chosen by us, so the stamp
    text and the signature's /M time are the same instant."""

    @staticmethod
    def make(meta, signer, timestamper, style, field_spec, moment):  # type: ignore[no-untyped-def]
        from pyhanko.sign.signers import PdfSigner

        class TimedPdfSigner(PdfSigner):
            def init_signing_session(self, *args: Any, **kwargs: Any):  # type: ignore[no-untyped-def]
                session = super().init_signing_session(*args, **kwargs)
                session.system_time = moment
                return session

        return TimedPdfSigner(
            meta,
            signer=signer,
            timestamper=timestamper,
            stamp_style=style,
            new_field_spec=field_spec,
        )


def _read_pdf(path: Path) -> bytes:
    try:
        if not path.is_file():
            raise BadInput(
                "the input is not a regular file", code="sign.pdf_unreadable", name=path.name
            )
        if path.stat().st_size > MAX_PDF_BYTES:
            raise BadInput("the PDF is too large", code="sign.pdf_too_large", name=path.name)
        return path.read_bytes()
    except OSError as exc:
        raise BadInput(
            f"the PDF cannot be read: {exc.strerror}", code="sign.pdf_unreadable", name=path.name
        ) from exc


def _open_writer(data: bytes, name: str):  # type: ignore[no-untyped-def]
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.pdf_utils.misc import PdfError

    if b"%PDF-" not in data[:1024]:  # readers accept the header within the first 1 KiB
        raise BadInput("the file is not a PDF", code="sign.pdf_unreadable", name=name)
    try:
        writer = IncrementalPdfFileWriter(io.BytesIO(data), strict=False)
        encrypted = writer.prev.encrypted
        pages = int(writer.root["/Pages"]["/Count"])
    except (PdfError, ValueError, KeyError, TypeError, IndexError, AttributeError) as exc:
        raise BadInput(
            "the PDF is damaged and cannot be signed", code="sign.pdf_unreadable", name=name
        ) from exc
    if encrypted:
        raise BadInput(
            "the PDF is encrypted; remove the password before signing",
            code="sign.pdf_encrypted",
            name=name,
        )
    if pages < 1:
        raise BadInput("the PDF has no pages", code="sign.pdf_unreadable", name=name)
    return writer


def _page_size(writer, index: int) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    page_ref = writer.find_page_for_modification(index)[0]
    node = page_ref.get_object()
    while node is not None:
        if "/MediaBox" in node:
            x1, y1, x2, y2 = (float(v) for v in node["/MediaBox"])
            return (x2 - x1, y2 - y1)
        node = node.get("/Parent")
        node = node.get_object() if node is not None else None
    return (595.0, 842.0)


def _field_names(writer) -> list[str]:  # type: ignore[no-untyped-def]
    from pyhanko.sign.fields import enumerate_sig_fields

    return [name for name, _, _ in enumerate_sig_fields(writer.prev)]


def _next_field_name(existing: list[str], kind: str) -> str:
    prefix = FIELD_PREFIX[kind]
    n = 1
    while f"{prefix}{n}" in existing:
        n += 1
    return f"{prefix}{n}"


def _signer_widget(writer) -> tuple[tuple[float, float, float, float], int]:  # type: ignore[no-untyped-def]
    """The rectangle and page of the last signer's signature, for the seal to overlap."""
    from pyhanko.sign.fields import enumerate_sig_fields

    found = None
    for name, value, ref in enumerate_sig_fields(writer.prev, filled_status=True):
        if value is not None and name.startswith(FIELD_PREFIX["signer"]):
            found = ref.get_object()
    if found is None or "/Rect" not in found:
        raise BadInput(
            "the agency's seal goes on a file the signer has already signed; "
            "this file has no signer's signature",
            code="sign.no_signer_signature",
        )
    rect = tuple(float(v) for v in found["/Rect"])
    pages = int(writer.root["/Pages"]["/Count"])
    page = pages - 1
    widget_page = found.raw_get("/P") if "/P" in found else None
    if widget_page is not None and hasattr(widget_page, "idnum"):
        for i in range(pages):
            if writer.find_page_for_modification(i)[0].idnum == widget_page.idnum:
                page = i
                break
    return rect, page  # type: ignore[return-value]


class PdfSigningSession:
    """Signs PDFs with a pyHanko signer made by a subclass (token or remote).

    A subclass sets ``self._signer`` (a ``pyhanko.sign.signers.Signer``) in
    ``__enter__``; everything about the PDF (appearance, incremental update,
    temporary file and rename, B-T and B-LT, the batch) is shared here, so a
    token and a remote service sign the same way. See
    :class:`workstation.sign.signer.DocumentSigner`.
    """

    def __init__(
        self,
        *,
        tsa_url: str | None = None,
        now: Callable[[], dt.datetime] | None = None,
        revocation: RevocationCheck | None = None,
    ) -> None:
        self.tsa_url = tsa_url
        self.revocation = revocation
        self._now = now or (lambda: dt.datetime.now(looks.VIETNAM))
        self._stack = ExitStack()
        self._signer: Any = None
        self.certificate_subject = ""

    def __enter__(self) -> PdfSigningSession:
        return self

    def __exit__(self, *exc: object) -> None:
        self._stack.close()

    def _check_certificate(self) -> None:
        """Refuse an expired, not yet valid or (when revocation is checked) revoked certificate."""
        cert = self._signer.signing_cert
        now = self._now()
        self.certificate_subject = cert.subject.human_friendly
        if now < cert.not_valid_before:
            raise BadInput(
                "the signing certificate is not valid yet",
                code="sign.certificate_not_yet_valid",
                date=cert.not_valid_before.astimezone(looks.VIETNAM).date().isoformat(),
            )
        if now > cert.not_valid_after:
            raise BadInput(
                "the signing certificate has expired",
                code="sign.certificate_expired",
                date=cert.not_valid_after.astimezone(looks.VIETNAM).date().isoformat(),
            )
        if self.revocation is not None:
            from workstation.sign.revocation import check_not_revoked

            check_not_revoked(cert, self._signer.cert_registry, self.revocation)

    def _reserve(self) -> int:
        """Bytes to reserve for the CMS signature: certificates, signature, time-stamp token."""
        cert_size = len(self._signer.signing_cert.dump()) + sum(
            len(c.dump()) for c in self._signer.cert_registry
        )
        return 2 * (cert_size + 1024) + (12288 if self.tsa_url else 0)

    def _timestamper(self):  # type: ignore[no-untyped-def]
        if not self.tsa_url:
            return None
        from pyhanko.sign.timestamps import HTTPTimeStamper

        return HTTPTimeStamper(self.tsa_url)

    def _placement(self, writer, look: Appearance, moment: dt.datetime, existing):  # type: ignore[no-untyped-def]
        if look.kind == "none":
            return None
        rules = looks.load_rules(moment.date())
        if look.kind == "copy":
            size = _page_size(writer, 0)
            return looks.copy_placement(size, look.copy_form, look.agency, moment, rules)
        if look.kind == "signer":
            pages = int(writer.root["/Pages"]["/Count"])
            page = pages - 1 if look.page is None else look.page
            if not 0 <= page < pages:
                raise BadInput(
                    "the signature box is on a page the file does not have",
                    code="sign.box_invalid",
                )
            size = _page_size(writer, page)
            placement = looks.signer_placement(
                size, look.title, look.name, look.image, rules, box=look.box
            )
            return looks.Placement("signer", page, placement.box, placement.style)
        rect, page = _signer_widget(writer)
        assert look.seal is not None
        return looks.agency_placement(rect, page, look.seal, rules)

    def sign(self, source: Path, output: Path, look: Appearance = Appearance()) -> SignedFile:
        """Sign one PDF into ``output`` (an incremental update of ``source``)."""
        from pkcs11.exceptions import PKCS11Error
        from pyhanko.pdf_utils.misc import PdfError
        from pyhanko.sign import fields, signers
        from pyhanko.sign.general import SigningError
        from pyhanko.sign.timestamps import TimestampRequestError

        if source.resolve() == output.resolve():
            raise BadInput(
                "the signed file must not replace its input", code="sign.output_is_input"
            )
        data = _read_pdf(source)
        writer = _open_writer(data, source.name)
        moment = self._now().replace(microsecond=0)
        try:
            existing = _field_names(writer)
            name = _next_field_name(existing, look.kind)
            placement = self._placement(writer, look, moment, existing)
        except (PdfError, ValueError, KeyError, TypeError, IndexError, AttributeError) as exc:
            raise BadInput(
                "the PDF is damaged and cannot be signed",
                code="sign.pdf_unreadable",
                name=source.name,
            ) from exc
        long_term = (
            self.revocation is not None and self.revocation.embed and self.tsa_url is not None
        )
        meta = signers.PdfSignatureMetadata(
            field_name=name,
            subfilter=fields.SigSeedSubFilter.PADES,
            md_algorithm="sha256",
            # B-LT: the chain's OCSP answers and CRLs go into the file's DSS.
            embed_validation_info=long_term,
            validation_context=self.revocation.context() if long_term else None,  # type: ignore[union-attr]
        )
        spec = (
            fields.SigFieldSpec(name, on_page=placement.page, box=placement.box)
            if placement
            else fields.SigFieldSpec(name)
        )
        pdf_signer = _TimedPdfSigner.make(
            meta,
            self._signer,
            self._timestamper(),
            placement.style if placement else None,
            spec,
            moment,
        )
        output.parent.mkdir(parents=True, exist_ok=True)
        part = output.with_name(f".{output.name}.{uuid.uuid4().hex[:8]}.part")
        try:
            with part.open("wb") as out:
                # Reserving the signature's room up front spares pyHanko a
                # trial signature per file to measure it (half the time).
                pdf_signer.sign_pdf(writer, output=out, bytes_reserved=self._reserve())
                out.flush()
                os.fsync(out.fileno())
            os.replace(part, output)
        except (WorkstationError, Cancelled):
            raise
        except PKCS11Error as exc:
            raise _token_error(exc) from exc
        except TimestampRequestError as exc:
            raise ExternalPartError(
                "the time-stamp authority did not answer", code="sign.tsa_failed"
            ) from exc
        except SigningError as exc:
            cause = exc.__cause__ or exc.__context__
            if isinstance(cause, (WorkstationError, Cancelled)):
                raise cause from exc
            if isinstance(cause, PKCS11Error):
                raise _token_error(cause) from exc
            if long_term:
                raise ExternalPartError(
                    "the revocation data for B-LT could not be fetched",
                    code="sign.revocation_unavailable",
                ) from exc
            raise BadInput(
                f"pyHanko refused to sign: {exc}", code="sign.refused", name=source.name
            ) from exc
        except (PdfError, ValueError, KeyError, TypeError, IndexError) as exc:
            raise BadInput(
                "the PDF is damaged and cannot be signed",
                code="sign.pdf_unreadable",
                name=source.name,
            ) from exc
        except OSError as exc:
            raise BadInput(
                f"the signed file cannot be written: {exc.strerror}",
                code="sign.output_unwritable",
                name=output.name,
            ) from exc
        finally:
            part.unlink(missing_ok=True)
        log.info("signed one PDF: field %s, appearance %s", name, look.kind)
        return SignedFile(output, name, looks.iso_time(moment))

    def sign_batch(
        self,
        jobs: Sequence[tuple[Path, Path]],
        look: Appearance | Callable[[Path], Appearance] = Appearance(),
        *,
        progress: Progress | None = None,
        cancelled: Callable[[], bool] | None = None,
    ) -> BatchResult:
        """Sign ``(input, output)`` pairs in order with this one login.

        ``look`` is one appearance, or a function of each input (placing the
        box by an anchor text on that file).

        A bad input file is refused and the batch goes on; a token failure
        stops the batch, leaving the finished files valid and the rest in
        ``remaining``.
        """
        result = BatchResult()
        total = len(jobs)
        for index, (source, output) in enumerate(jobs):
            if cancelled is not None and cancelled():
                result.cancelled = True
                result.remaining = [s for s, _ in jobs[index:]]
                log.info("signing batch cancelled after %d of %d", index, total)
                break
            try:
                appearance = look(source) if callable(look) else look
                result.signed.append(self.sign(source, output, appearance))
            except Cancelled:  # the officer stopped waiting (a phone confirmation)
                result.cancelled = True
                result.remaining = [s for s, _ in jobs[index:]]
                log.info("signing batch cancelled at %d of %d", index, total)
                break
            except ExternalPartError as exc:
                result.stopped_by = exc
                result.remaining = [s for s, _ in jobs[index:]]
                log.warning("signing batch stopped at %d of %d: %s", index, total, exc.code)
                break
            except BadInput as exc:
                if exc.code in STOPPING_CODES:  # a PIN problem: never try the next file
                    result.stopped_by = exc
                    result.remaining = [s for s, _ in jobs[index:]]
                    log.warning("signing batch stopped at %d of %d: %s", index, total, exc.code)
                    break
                result.refused.append((source, exc.code))
                log.warning("signing batch: file %d refused: %s", index + 1, exc.code)
            if progress is not None:
                progress(index + 1, total)
        return result


class TokenSigner(PdfSigningSession):
    """A logged-in token ready to sign many PDFs: ``with TokenSigner(...) as s: s.sign_batch(...)``.

    The PIN is used for the one login in ``__enter__`` and not kept. A key
    that demands the PIN for every signature (``CKA_ALWAYS_AUTHENTICATE``)
    asks ``pin_each_time`` before each signature; that PIN is used for one
    context-specific login and dropped, and a wrong one stops the batch.
    """

    def __init__(
        self,
        key: KeyChoice,
        pin: str,
        *,
        tsa_url: str | None = None,
        now: Callable[[], dt.datetime] | None = None,
        pin_each_time: Callable[[], str] | None = None,
        revocation: RevocationCheck | None = None,
    ) -> None:
        super().__init__(tsa_url=tsa_url, now=now, revocation=revocation)
        self.key = key
        self._pin: str | None = pin
        self._pin_each_time = pin_each_time
        self.session: Any = None
        self.always_authenticate = False

    def __enter__(self) -> TokenSigner:
        pin, self._pin = self._pin, None
        try:
            self.session = self._stack.enter_context(
                logged_in_session(
                    self.key.module,
                    pin or "",
                    label=self.key.token_label,
                    serial=self.key.token_serial,
                )
            )
            del pin
            self._signer = self._make_signer()
            self._check_certificate()
        except BaseException:
            self._stack.close()
            raise
        return self

    def _key_label(self) -> str:
        if self.key.key_label:
            return self.key.key_label
        from pkcs11 import Attribute, ObjectClass

        labels = sorted(
            {
                obj[Attribute.LABEL]
                for obj in self.session.get_objects({Attribute.CLASS: ObjectClass.PRIVATE_KEY})
            }
        )
        if len(labels) != 1:
            raise BadInput(
                f"the token holds {len(labels)} keys; choose one by its label",
                code="sign.key_ambiguous",
                count=len(labels),
            )
        return labels[0]

    def _make_signer(self):  # type: ignore[no-untyped-def]
        from pkcs11 import Attribute
        from pkcs11.exceptions import PKCS11Error
        from pyhanko.sign.general import SigningError
        from pyhanko.sign.pkcs11 import PKCS11Signer

        owner = self

        class EveryTimePinSigner(PKCS11Signer):
            def sign_kwargs(self, data_to_sign: bytes) -> dict[str, Any]:
                if not owner.always_authenticate:
                    return {}
                assert owner._pin_each_time is not None
                return {"pin": owner._pin_each_time()}

        label = self._key_label()
        signer = EveryTimePinSigner(
            self.session, key_label=label, cert_label=label, other_certs_to_pull=()
        )
        try:
            signer.signing_cert  # noqa: B018 (loads the key and certificate now)
        except (SigningError, PKCS11Error) as exc:
            raise BadInput(
                "the token has no key with a certificate under that label",
                code="sign.key_not_found",
                label=label,
            ) from exc
        try:
            self.always_authenticate = bool(signer._key_handle[Attribute.ALWAYS_AUTHENTICATE])
        except (PKCS11Error, KeyError):  # a module that does not know the attribute
            self.always_authenticate = False
        if self.always_authenticate:
            log.info("the key demands the PIN for every signature")
            if self._pin_each_time is None:
                raise BadInput(
                    "the key demands the PIN for every signature and nothing can ask for it",
                    code="sign.pin_each_signature",
                )
        return signer
