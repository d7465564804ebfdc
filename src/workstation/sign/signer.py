"""The one interface every signer of PDFs offers: a token, a remote service, the demo token.

:func:`workstation.services.open_signer` picks the implementation; the
window's signing queue and ``workstation sign`` only speak to this
Protocol. A signer is a context manager: entering it logs in (token) or
reads the credential (remote), leaving it closes the session.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Protocol, runtime_checkable

if TYPE_CHECKING:
    from workstation.sign.pades import Appearance, BatchResult, SignedFile


@runtime_checkable
class DocumentSigner(Protocol):
    """Signs PDFs as PAdES, each an incremental update written to a new file."""

    certificate_subject: str

    def __enter__(self) -> DocumentSigner: ...

    def __exit__(self, *exc: object) -> None: ...

    def sign(self, source: Path, output: Path, look: Appearance = ...) -> SignedFile:
        """Sign one PDF into ``output``."""
        ...

    def sign_batch(
        self,
        jobs: Sequence[tuple[Path, Path]],
        look: Appearance | Callable[[Path], Appearance] = ...,
        *,
        progress: Callable[[int, int], None] | None = None,
        cancelled: Callable[[], bool] | None = None,
    ) -> BatchResult:
        """Sign ``(input, output)`` pairs in order; stops cleanly on a failure of the signer."""
        ...
