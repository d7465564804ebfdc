"""Page files in every format the file chooser offers, made with Pillow for the tests.

Each sample is a small page with a black bar on white, in one of the formats
an officer can bring: PNG, JPEG, TIFF in each compression scanners write
(none, LZW, deflate, PackBits, CCITT G4, JPEG), a multi-page TIFF, and PDF.
"""

from __future__ import annotations

import io

from PIL import Image, ImageDraw

WIDTH, HEIGHT = 400, 560
PAGES_IN_MULTI_PAGE = 3

FORMATS = {
    # name: (Pillow format, save options, mode, media type, pages)
    "png": ("PNG", {}, "RGB", "image/png", 1),
    "jpeg": ("JPEG", {"quality": 85}, "RGB", "image/jpeg", 1),
    "tiff-uncompressed": ("TIFF", {"compression": "raw"}, "RGB", "image/tiff", 1),
    "tiff-lzw": ("TIFF", {"compression": "tiff_lzw"}, "RGB", "image/tiff", 1),
    "tiff-deflate": ("TIFF", {"compression": "tiff_adobe_deflate"}, "L", "image/tiff", 1),
    "tiff-packbits": ("TIFF", {"compression": "packbits"}, "L", "image/tiff", 1),
    "tiff-ccitt-g4": ("TIFF", {"compression": "group4"}, "1", "image/tiff", 1),
    "tiff-jpeg": ("TIFF", {"compression": "jpeg"}, "RGB", "image/tiff", 1),
    "tiff-multi-page": ("TIFF", {"compression": "group4"}, "1", "image/tiff", 3),
    "pdf": ("PDF", {"resolution": 72}, "RGB", "application/pdf", 2),
}


def page_image(number: int = 1) -> Image.Image:
    """A white page with a black bar whose height grows with ``number`` (pages differ)."""
    page = Image.new("RGB", (WIDTH, HEIGHT), "white")
    ImageDraw.Draw(page).rectangle((50, 100, 350, 100 + 40 * number), fill="black")
    return page


def page_file(kind: str) -> bytes:
    """The bytes of a sample page file of ``kind`` (a key of :data:`FORMATS`)."""
    fmt, options, mode, _, pages = FORMATS[kind]
    frames = [page_image(n).convert(mode) for n in range(1, pages + 1)]
    buffer = io.BytesIO()
    frames[0].save(buffer, fmt, save_all=pages > 1, append_images=frames[1:], **options)
    return buffer.getvalue()


def deep_page_tree_pdf(depth: int) -> bytes:
    """A PDF whose one page sits ``depth`` levels down a chain of page-tree nodes."""
    bodies = [b"<< /Type /Catalog /Pages 2 0 R >>"]
    for level in range(depth):
        bodies.append(b"<< /Type /Pages /Kids [%d 0 R] /Count 1 >>" % (level + 3))
    bodies.append(b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 595 842] >>" % (depth + 1))
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(bodies, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(bodies) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(bodies) + 1,
        xref,
    )
    return bytes(out)
