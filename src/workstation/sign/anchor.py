"""Placing the signer's box by a text on the page (the signer's title or name).

Result layouts vary from one procedure to the next, so a fixed corner does not
always fall on the signer block. An agency configures an anchor text (the
title printed above the signature, "CHỦ TỊCH", or the signer's name) and the
box goes where that text is found: centred under it (``below``, the space
between title and name) or over it (``over``). The last occurrence is used,
searching from the last page back, because the signer block closes a
document. Coordinates are PDF points from the page's bottom left, as pyHanko
takes them. Text is found with PDFium (under the one PDFium lock).
"""

from __future__ import annotations

from dataclasses import dataclass

from workstation.errors import BadInput

PLACES = ("below", "over")


@dataclass(frozen=True)
class Anchor:
    """Where a text was found: its page (from 0), its box and the page's size, in points."""

    page: int
    box: tuple[float, float, float, float]
    page_size: tuple[float, float]


def find_anchor(data: bytes, text: str, *, name: str = "") -> Anchor | None:
    """The last place ``text`` occurs in the PDF ``data`` (case-insensitive), or None."""
    import pypdfium2 as pdfium

    from workstation.pages import _pdfium_lock  # PDFium is not thread-safe

    wanted = " ".join(text.split())
    if not wanted:
        raise BadInput("the anchor text is empty", code="sign.anchor_empty")
    with _pdfium_lock:
        try:
            document = pdfium.PdfDocument(data)
        except pdfium.PdfiumError as exc:
            raise BadInput(
                "the PDF is damaged and cannot be signed", code="sign.pdf_unreadable", name=name
            ) from exc
        try:
            for index in reversed(range(len(document))):
                page = document[index]
                textpage = page.get_textpage()
                try:
                    searcher = textpage.search(wanted, match_case=False)
                    found, hit = None, searcher.get_next()
                    while hit is not None:
                        found, hit = hit, searcher.get_next()
                    if found is None:
                        continue
                    start, count = found
                    boxes = [textpage.get_charbox(i) for i in range(start, start + count)]
                    boxes = [b for b in boxes if b[2] > b[0] or b[3] > b[1]]  # not spaces
                    if not boxes:
                        continue
                    box = (
                        min(b[0] for b in boxes),
                        min(b[1] for b in boxes),
                        max(b[2] for b in boxes),
                        max(b[3] for b in boxes),
                    )
                    width, height = page.get_size()
                    return Anchor(index, box, (float(width), float(height)))
                finally:
                    textpage.close()
                    page.close()
        finally:
            document.close()
    return None


def box_at_anchor(
    anchor: Anchor, width: float, height: float, *, place: str = "below", gap: float = 2.0
) -> tuple[float, float, float, float]:
    """A ``width`` × ``height`` box centred on the anchor, under it or over it, kept on the page."""
    if place not in PLACES:
        raise BadInput(f"unknown anchor place {place!r}", code="sign.anchor_place_unknown")
    x1, y1, x2, y2 = anchor.box
    centre_x = (x1 + x2) / 2
    top = y1 - gap if place == "below" else (y1 + y2) / 2 + height / 2
    page_width, page_height = anchor.page_size
    left = min(max(0.0, centre_x - width / 2), max(0.0, page_width - width))
    top = min(max(height, top), page_height)
    return (left, top - height, left + width, top)


def anchored_box(
    data: bytes,
    text: str,
    width: float,
    height: float,
    *,
    place: str = "below",
    name: str = "",
) -> tuple[int, tuple[float, float, float, float]]:
    """The page and box for the signer's signature at ``text``; BadInput when it is not found."""
    anchor = find_anchor(data, text, name=name)
    if anchor is None:
        raise BadInput(
            "the anchor text is not on any page of the file",
            code="sign.anchor_not_found",
            name=name,
        )
    return anchor.page, box_at_anchor(anchor, width, height, place=place)


def page_geometry(data: bytes, *, name: str = "") -> list[tuple[float, float]]:
    """Each page's size in points (width, height), for drawing the box on a preview."""
    import pypdfium2 as pdfium

    from workstation.pages import _pdfium_lock

    with _pdfium_lock:
        try:
            document = pdfium.PdfDocument(data)
        except pdfium.PdfiumError as exc:
            raise BadInput(
                "the PDF is damaged and cannot be signed", code="sign.pdf_unreadable", name=name
            ) from exc
        try:
            sizes = []
            for index in range(len(document)):
                page = document[index]
                try:
                    width, height = page.get_size()
                finally:
                    page.close()
                sizes.append((float(width), float(height)))
            return sizes
        finally:
            document.close()
