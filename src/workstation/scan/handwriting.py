"""Black-ink handwriting and signatures: told apart from print by shape, with OpenCV alone.

Red seals and blue ink are found by their hue (:func:`clean.colour_content`);
a signature or note in black pen has the same colour as print, so it is found
by the shape of its connected components instead. Printed glyphs are small
(one letter, or a few touching letters of a word) and solid; pen writing joins
letters into long curves and loops, so it makes large, sparse components: a
signature is one wide scribble, a handwritten note a run of joined words.

The check works on a 150-dpi mask of dark, unsaturated ink (coloured
ink is the hue check's job) from which straight ruled lines (form boxes, table
grids, underlines) are removed first, and costs ~10 ms per A4 page at 300 dpi,
so it runs on every page in the process pool. It is a heuristic, tuned on
generated pages: it errs towards keeping colour, which costs bytes, never
evidence.
"""

from __future__ import annotations

import cv2
import numpy as np

WORK_DPI = 150
"""The mask is taken at this resolution (half of 300 dpi): pen strokes (≥ 0.3 mm) stay ~2 px
wide, and a component's fill means the same whatever the page was scanned at."""

RULE_MM = 8.0
"""Straight ink runs longer than this (horizontal or vertical) are rules, not writing."""

WORD_MM = 8.0
"""A component at least this long is larger than any printed glyph of body text."""

SIGNATURE_MM = 20.0
"""A sparse component this long is a signature scribble on its own."""

SIGNATURE_FILL = 0.3
"""Ink over bounding-box area under which a long component is a scribble.

A generated pen signature fills 0.16–0.27 of its box; print whose letters run together
fills 0.37 or more; ruled lines (underlines, boxes) are removed before.
"""

WORD_FILL = 0.34
"""Fill under which a word-long component is joined-up writing rather than merged print.

Generated cursive words fill 0.23–0.36 of their box; print whose letters run
together (bold, blurred and dark) fills 0.37 or more.
"""

MIN_WORDS = 3
"""Sparse word-long components needed for a page to carry handwritten notes."""

WORD_SHARE = 0.3
"""...and the share of all word-long components they must make up (bold print has many)."""

MAX_SATURATION = 90
DARK = 0.6
"""Ink is darker than this fraction of the paper tone."""


def working_copy(image: np.ndarray, dpi: int) -> tuple[np.ndarray, float]:
    """The page reduced to :data:`WORK_DPI` (never enlarged), and its pixels per millimetre."""
    scale = min(1.0, WORK_DPI / dpi)
    small = cv2.resize(image, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    return small, dpi * scale / 25.4


def has_handwriting(image: np.ndarray, dpi: int) -> bool:
    """Whether an RGB page (cleaned, ``dpi`` dots per inch) carries black-ink writing by hand."""
    return handwriting_in(*working_copy(image, dpi))


def handwriting_in(small: np.ndarray, per_mm: float) -> bool:
    """:func:`has_handwriting` on a :func:`working_copy` (``per_mm``: its pixels per millimetre)."""
    hsv = cv2.cvtColor(small, cv2.COLOR_RGB2HSV)
    value = hsv[..., 2]
    paper = float(np.percentile(value[::4, ::4], 95))
    ink = ((value < paper * DARK) & (hsv[..., 1] < MAX_SATURATION)).astype(np.uint8)
    words = 0
    sparse = 0
    for extent, fill in _large_components(ink, per_mm):
        if extent >= SIGNATURE_MM and fill <= SIGNATURE_FILL:
            return True
        words += 1
        sparse += fill <= WORD_FILL
    return sparse >= MIN_WORDS and sparse >= WORD_SHARE * words


def _large_components(
    ink: np.ndarray, per_mm: float, strip: bool = True
) -> list[tuple[float, float]]:
    """The extent (mm) and fill of every component at least :data:`WORD_MM` long.

    A large component is looked at again without its straight rules (``strip``),
    so an underline or a table's grid is not taken for a scribble; rules are
    sought only inside large components, which plain print pages have none of.
    """
    # outer contours, not connectedComponentsWithStats: the same components at a fifth of the cost
    contours, _ = cv2.findContours(ink, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    found: list[tuple[float, float]] = []
    for contour in contours:
        x, y, width, height = cv2.boundingRect(contour)
        extent = max(width, height) / per_mm
        if extent < WORD_MM:
            continue
        inside = np.zeros((height, width), np.uint8)
        cv2.drawContours(inside, [contour], -1, 1, thickness=cv2.FILLED, offset=(-x, -y))
        inside &= ink[y : y + height, x : x + width]
        if strip:
            stripped = inside & (1 - _rules(inside, per_mm))
            if np.count_nonzero(stripped) < np.count_nonzero(inside):
                found += _large_components(stripped, per_mm, strip=False)
                continue
        found.append((extent, np.count_nonzero(inside) / (width * height)))
    return found


def _rules(ink: np.ndarray, per_mm: float) -> np.ndarray:
    """Where ``ink`` runs straight across or down for :data:`RULE_MM` or more."""
    run = max(3, round(RULE_MM * per_mm))
    rules = cv2.morphologyEx(ink, cv2.MORPH_OPEN, np.ones((1, run), np.uint8))
    return rules | cv2.morphologyEx(ink, cv2.MORPH_OPEN, np.ones((run, 1), np.uint8))
