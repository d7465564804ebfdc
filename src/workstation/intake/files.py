"""Files an officer brings in: page images and PDFs, checked before anything is stored.

:func:`inspect_file` reads a file, decides what it is from its content (not
its name), and counts its pages, so a corrupt or unsupported file is refused
with a clear message before the store is touched.
"""

from __future__ import annotations

import io
import logging
import warnings
from dataclasses import dataclass
from pathlib import Path

from workstation.domain import Page
from workstation.errors import BadInput

log = logging.getLogger(__name__)

MAX_FILE_BYTES = 500 * 1024 * 1024
MAX_PAGE_PIXELS = 200_000_000
"""An A0 sheet at 600 dpi is about 140 megapixels; anything larger is refused unread."""

_SIGNATURES = (
    (b"%PDF-", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"II*\x00", "image/tiff"),
    (b"MM\x00*", "image/tiff"),
)


@dataclass(frozen=True)
class InspectedFile:
    """A readable file with what we learned about it."""

    path: Path
    data: bytes
    media_type: str
    pages: tuple[Page, ...]


def media_type_of(data: bytes) -> str | None:
    head = data[:1024]
    for signature, media_type in _SIGNATURES:
        if head.startswith(signature) or (media_type == "application/pdf" and signature in head):
            return media_type
    return None


def inspect_file(path: Path) -> InspectedFile:
    """Read ``path`` and check it is a whole page image or PDF; raise :class:`BadInput` if not."""
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise BadInput(
                f"{path.name} is {size // 2**20} MB; the limit is {MAX_FILE_BYTES // 2**20} MB",
                code="file.too_large",
                name=path.name,
            )
        data = path.read_bytes()
    except FileNotFoundError as exc:
        raise BadInput(f"no such file: {path}", code="file.not_found", name=str(path)) from exc
    except IsADirectoryError as exc:
        raise BadInput(
            f"{path} is a folder, not a file", code="file.unreadable", name=str(path)
        ) from exc
    except OSError as exc:
        raise BadInput(
            f"cannot read {path}: {exc.strerror}", code="file.unreadable", name=str(path)
        ) from exc
    media_type = media_type_of(data)
    if media_type is None:
        raise BadInput(
            f"{path.name} is neither a PDF nor a PNG, JPEG or TIFF image",
            code="file.unsupported",
            name=path.name,
        )
    is_pdf = media_type == "application/pdf"
    pages = _pdf_pages(path, data) if is_pdf else _image_pages(path, data)
    return InspectedFile(path=path, data=data, media_type=media_type, pages=pages)


def _pdf_pages(path: Path, data: bytes) -> tuple[Page, ...]:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            raise BadInput(
                f"{path.name} is password-protected", code="file.pdf_encrypted", name=path.name
            )
        count = len(reader.pages)
        for page in reader.pages:  # touch every page: a broken page tree fails here, not later
            _ = page.mediabox
    except BadInput:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError, IndexError) as exc:
        log.info("a PDF is unreadable: %s", exc.__class__.__name__)
        raise BadInput(
            f"{path.name} is a damaged PDF ({exc.__class__.__name__}: {exc})",
            code="file.pdf_damaged",
            name=path.name,
        ) from exc
    if count == 0:
        raise BadInput(f"{path.name} has no pages", code="file.no_pages", name=path.name)
    return tuple(Page(number=n) for n in range(1, count + 1))


def _image_sizes(path: Path, data: bytes) -> list[tuple[int, int]]:
    """Width and height of every frame, read from the headers without decoding pixels."""
    from PIL import Image, UnidentifiedImageError

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
        with image:
            sizes = []
            for frame in range(getattr(image, "n_frames", 1)):
                image.seek(frame)
                sizes.append(image.size)
            return sizes
    except Image.DecompressionBombError as exc:
        raise BadInput(
            f"{path.name} has more pixels than any scanned page",
            code="file.image_too_large",
            name=path.name,
        ) from exc
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError) as exc:
        raise BadInput(
            f"{path.name} is a damaged or truncated image",
            code="file.image_damaged",
            name=path.name,
        ) from exc


def _image_pages(path: Path, data: bytes) -> tuple[Page, ...]:
    import cv2
    import numpy as np

    for width, height in _image_sizes(path, data):
        if width * height > MAX_PAGE_PIXELS:
            raise BadInput(
                f"{path.name} is {width}×{height} pixels, more than any scanned page",
                code="file.image_too_large",
                name=path.name,
            )
    cv2.utils.logging.setLogLevel(cv2.utils.logging.LOG_LEVEL_ERROR)
    buffer = np.frombuffer(data, dtype=np.uint8)
    try:
        ok, images = cv2.imdecodemulti(buffer, cv2.IMREAD_UNCHANGED)
    except cv2.error as exc:
        ok, images = False, None
        log.info("OpenCV could not decode an image: %s", str(exc).splitlines()[0])
    if not ok or not images:
        raise BadInput(
            f"{path.name} is a damaged or truncated image",
            code="file.image_damaged",
            name=path.name,
        )
    return tuple(
        Page(number=n, width_px=int(img.shape[1]), height_px=int(img.shape[0]))
        for n, img in enumerate(images, start=1)
    )
