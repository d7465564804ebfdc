"""Read a scanned pre-printed result form: align it to its template, then OCR each zone.

Alignment: ORB features of the scan and of the template's reference image (at a
quarter of 300 dpi, enough for printed titles and lines and ~10x faster),
matched with a ratio test, then a RANSAC homography. ORB is rotation-invariant,
so a form photographed upside down aligns as it is; the homography's rotation
tells us, and we say so. If too few matches agree, the scan is turned 180° and
tried once more. A homography with too few inliers, a folded or mirrored
quadrilateral, or a scale far from a scan's is refused: the image is not this
form (:class:`BadInput`, exit 3). The part of the template the scan does not
cover is reported as a cut-off form, and a field there is left empty.

OCR: each zone is cut from the scan warped onto the reference, the form's own
printed ink (dotted lines, box edges; the reference image dilated a little) is
wiped, and Tesseract reads it as one line (psm 7) with the settings its type
needs: digits only, letters and digits for serials, digits and separators for
dates (then parsed), Vietnamese with diacritics for text. Digits and serials
are read with their ink scaled to a fixed height, and read again other ways
when the reading is empty, unsure or breaks the field's declared format; the
characters of a serial that break its format position by position (letters
read as digits) are read again allowing only what those positions may hold
(see :func:`_read_code`). Zones run two at a time (each Tesseract is its own
process).
"""

from __future__ import annotations

import logging
import re
import time
import unicodedata
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache

import cv2
import numpy as np

from workstation.errors import BadInput
from workstation.resultforms.patterns import misplaced_runs, position_classes
from workstation.resultforms.templates import Field, Template
from workstation.scan import ocr

log = logging.getLogger(__name__)

WORK_SCALE = 0.25
MIN_INLIERS = 40
MIN_INLIER_RATIO = 0.25
SCALE_RANGE = (0.3, 3.0)
COVERAGE_WARN = 0.98
ZONE_TIMEOUT_S = 15.0

DIGITS = "0123456789"
SERIAL_CHARS = DIGITS + "ABCDEFGHJKLMNPRSTUVWXYZ"
"""No O, I or Q: on a printed serial they are read for 0 and 1 far more often than they occur."""
MIN_INK_AGREEMENT = 0.88
"""The share of printed tiles, outside the fields, that must agree with the template."""
TILE = 48
TILE_MIN_INK = 30
TILE_AGREEMENT = 0.6
OCR_SETTINGS: dict[str, tuple[str, dict[str, str]]] = {
    "digits": ("eng", {"tessedit_char_whitelist": DIGITS}),
    "serial": ("eng", {"tessedit_char_whitelist": SERIAL_CHARS}),
    "date": ("eng", {"tessedit_char_whitelist": DIGITS + "/-."}),
    "text": ("vie", {}),
}


@dataclass
class FieldValue:
    """A recognised value and Tesseract's confidence in it (0–100; 0 when nothing was read)."""

    value: str
    confidence: float
    raw: str = ""


@dataclass
class Recognition:
    """What was read from one scanned form."""

    template: str
    fields: dict[str, FieldValue]
    warnings: list[str] = field(default_factory=list)
    homography: np.ndarray | None = None
    aligned: np.ndarray | None = None
    """The scan warped onto the reference image (grey), for the result PDF."""
    inliers: int = 0
    ms: float = 0.0

    def as_json(self) -> dict[str, object]:
        return {
            "template": self.template,
            "fields": {
                name: {"value": v.value, "confidence": v.confidence}
                for name, v in self.fields.items()
            },
            "warnings": list(self.warnings),
        }


def _grey(image: np.ndarray) -> np.ndarray:
    if image.ndim == 3:
        return cv2.cvtColor(image, cv2.COLOR_RGB2GRAY)
    return image


def _small(grey: np.ndarray, scale: float) -> np.ndarray:
    return cv2.resize(grey, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)


def _orb() -> cv2.ORB:
    return cv2.ORB_create(nfeatures=4000, scaleFactor=1.2, nlevels=8, fastThreshold=10)


@lru_cache(maxsize=16)
def _reference_features(key: str, reference_bytes: bytes, shape: tuple[int, int]):  # type: ignore[no-untyped-def]
    reference = np.frombuffer(reference_bytes, dtype=np.uint8).reshape(shape)
    keypoints, descriptors = _orb().detectAndCompute(_small(reference, WORK_SCALE), None)
    points = np.float32([k.pt for k in keypoints]) / WORK_SCALE
    return points, descriptors


def _features(template: Template):  # type: ignore[no-untyped-def]
    ref = template.reference
    return _reference_features(str(template.folder), ref.tobytes(), ref.shape)


@dataclass
class _Match:
    homography: np.ndarray | None
    inliers: int
    ratio: float


def _match(template: Template, grey: np.ndarray) -> _Match:
    """The homography taking the scan ``grey`` onto the reference, with its inlier count."""
    ref_points, ref_descriptors = _features(template)
    scale = WORK_SCALE * max(template.size) / max(grey.shape[:2])
    keypoints, descriptors = _orb().detectAndCompute(_small(grey, scale), None)
    if descriptors is None or ref_descriptors is None or len(keypoints) < 8:
        return _Match(None, 0, 0.0)
    matcher = cv2.BFMatcher(cv2.NORM_HAMMING)
    pairs = matcher.knnMatch(descriptors, ref_descriptors, k=2)
    good = [p[0] for p in pairs if len(p) == 2 and p[0].distance < 0.8 * p[1].distance]
    if len(good) < 8:
        return _Match(None, len(good), 0.0)
    source = np.float32([keypoints[m.queryIdx].pt for m in good]) / scale
    target = ref_points[[m.trainIdx for m in good]]
    homography, mask = cv2.findHomography(source, target, cv2.RANSAC, 8.0)
    if homography is None or mask is None:
        return _Match(None, 0, 0.0)
    inliers = int(mask.sum())
    return _Match(homography, inliers, inliers / len(good))


def _plausible(homography: np.ndarray, scan_shape: tuple[int, int]) -> bool:
    """Not folded, not mirrored, a sane scale and only slight perspective."""
    height, width = scan_shape
    corners = np.float32([[0, 0], [width, 0], [width, height], [0, height]])
    moved = cv2.perspectiveTransform(corners[None], homography)[0]
    if not cv2.isContourConvex(moved.astype(np.float32)):
        return False
    area = cv2.contourArea(moved.astype(np.float32)) / (width * height)
    linear = homography[:2, :2] / homography[2, 2]
    if np.linalg.det(linear) <= 0:
        return False  # mirrored
    low, high = SCALE_RANGE
    if not low**2 <= area <= high**2:
        return False
    perspective = np.abs(homography[2, :2] / homography[2, 2]) * max(width, height)
    return bool(perspective.max() < 0.5)


def align(template: Template, image: np.ndarray) -> tuple[np.ndarray, int, list[str]]:
    """(homography scan→reference, inliers, warnings), or :class:`BadInput` if not this form."""
    grey = _grey(image)
    best = _match(template, grey)
    turned = False
    if best.inliers < MIN_INLIERS:  # a last try the other way up
        rotated = cv2.rotate(grey, cv2.ROTATE_180)
        other = _match(template, rotated)
        if other.homography is not None and other.inliers > best.inliers:
            h, w = grey.shape[:2]
            undo = np.array([[-1, 0, w - 1], [0, -1, h - 1], [0, 0, 1]], dtype=np.float64)
            best = _Match(other.homography @ undo, other.inliers, other.ratio)
            turned = True
    if (
        best.homography is None
        or best.inliers < MIN_INLIERS
        or best.ratio < MIN_INLIER_RATIO
        or not _plausible(best.homography, grey.shape[:2])
    ):
        raise BadInput(
            f"the image does not match the result form {template.name!r} "
            f"({best.inliers} features agree, {MIN_INLIERS} needed)",
            code="resultforms.not_this_form",
            name=template.name,
        )
    warnings: list[str] = []
    linear = best.homography[:2, :2]
    angle = float(np.degrees(np.arctan2(linear[1, 0], linear[0, 0])))
    if turned or abs(angle) > 135:
        warnings.append("upside_down")
    elif abs(angle) > 45:
        warnings.append("turned_sideways")
    return best.homography, best.inliers, warnings


def refine(template: Template, grey: np.ndarray, homography: np.ndarray) -> np.ndarray:
    """``homography`` made exact by ECC on the blurred quarter-scale pages (features are coarse).

    Returns the input unchanged if ECC does not converge.
    """
    width, height = template.size
    scale = np.diag([WORK_SCALE, WORK_SCALE, 1.0])
    size = (round(width * WORK_SCALE), round(height * WORK_SCALE))
    moved = cv2.warpPerspective(grey, scale @ homography, size, borderValue=255)
    reference = _small(template.reference, WORK_SCALE)
    blur = (5, 5)
    target = cv2.GaussianBlur(reference, blur, 0).astype(np.float32)
    source = cv2.GaussianBlur(moved, blur, 0).astype(np.float32)
    warp = np.eye(3, dtype=np.float32)
    criteria = (cv2.TERM_CRITERIA_EPS | cv2.TERM_CRITERIA_COUNT, 60, 1e-5)
    try:
        _, warp = cv2.findTransformECC(
            target, source, warp, cv2.MOTION_HOMOGRAPHY, criteria, None, 5
        )
    except cv2.error:
        return homography
    return np.linalg.inv(scale) @ np.linalg.inv(warp.astype(np.float64)) @ scale @ homography


def _coverage(
    template: Template, homography: np.ndarray, scan_shape: tuple[int, int]
) -> np.ndarray:
    """A mask over the reference image: 255 where the scan has pixels."""
    height, width = scan_shape
    ones = np.full((height, width), 255, dtype=np.uint8)
    w, h = template.size
    return cv2.warpPerspective(ones, homography, (w, h), flags=cv2.INTER_NEAREST, borderValue=0)


@lru_cache(maxsize=16)
def _printed_ink(key: str, reference_bytes: bytes, shape: tuple[int, int]) -> np.ndarray:
    reference = np.frombuffer(reference_bytes, dtype=np.uint8).reshape(shape)
    ink = (reference < 128).astype(np.uint8) * 255
    return cv2.dilate(ink, np.ones((7, 7), np.uint8))


def zone_image(template: Template, aligned: np.ndarray, item: Field) -> np.ndarray:
    """The field's zone of the aligned scan, binarised, with the form's own printing wiped."""
    x, y, w, h = item.box
    ref = template.reference
    ink = _printed_ink(str(template.folder), ref.tobytes(), ref.shape)[y : y + h, x : x + w]
    binary = ocr.binarise(aligned[y : y + h, x : x + w])
    binary = binary.copy()
    binary[ink > 0] = 255
    return cv2.copyMakeBorder(binary, 20, 20, 20, 20, cv2.BORDER_CONSTANT, value=255)


def _ink(grey: np.ndarray) -> np.ndarray:
    small = _small(grey, WORK_SCALE)
    return (small < 170).astype(np.uint8)


def ink_agreement(template: Template, aligned: np.ndarray, covered: np.ndarray) -> float:
    """The share of the form's printed areas (outside the fields) where scan and reference agree.

    The page (at quarter scale) is cut into tiles of about 2 cm; a tile with
    printing on either side agrees when most of the reference's ink is found on
    the scan and most of the scan's on the reference, within a pixel or two.
    Tiles, not the whole page: another form with the same border and heading
    agrees on much ink overall, but not in the tiles of its title and labels.
    """
    keep = _small(covered, WORK_SCALE) > 0
    for item in template.fields:
        x, y, w, h = (round(v * WORK_SCALE) for v in item.box)
        keep[max(0, y - 2) : y + h + 2, max(0, x - 2) : x + w + 2] = False
    reference = _ink(template.reference) & keep
    scan = _ink(aligned) & keep
    kernel = np.ones((5, 5), np.uint8)
    found_on_scan = reference & cv2.dilate(scan, kernel)
    found_on_reference = scan & cv2.dilate(reference, kernel)
    inked = agreeing = 0
    height, width = reference.shape
    for y in range(0, height, TILE):
        for x in range(0, width, TILE):
            tile = (slice(y, y + TILE), slice(x, x + TILE))
            ref_ink, scan_ink = int(reference[tile].sum()), int(scan[tile].sum())
            if max(ref_ink, scan_ink) < TILE_MIN_INK:
                continue
            inked += 1
            recall = found_on_scan[tile].sum() / max(1, ref_ink)
            precision = found_on_reference[tile].sum() / max(1, scan_ink)
            agreeing += min(recall, precision) >= TILE_AGREEMENT
    return agreeing / max(1, inked)


DATE_PATTERN = re.compile(r"(\d{1,2})\D+(\d{1,2})\D+(\d{4})")


def parse_date(raw: str) -> str | None:
    """``dd/mm/yyyy`` (any separators, or eight bare digits) as ISO ``yyyy-mm-dd``, or None."""
    text = raw.strip()
    found = DATE_PATTERN.search(text)
    if found:
        day, month, year = (int(g) for g in found.groups())
    elif re.fullmatch(r"\d{8}", text):
        day, month, year = int(text[:2]), int(text[2:4]), int(text[4:])
    else:
        return None
    try:
        return date(year, month, day).isoformat()
    except ValueError:
        return None


LINE_HEIGHT_PX = 32
"""Digits and serials are read with their ink scaled to this height: at the 40-odd pixels
a 300-dpi scan gives, Tesseract's line model dropped a lone digit and inserted strokes
between touching capitals (``22MT…`` read ``22M1T…``); at 32 px it did neither
(bench/zone_ocr.py)."""


def normalised(binary: np.ndarray, height: int = LINE_HEIGHT_PX) -> np.ndarray:
    """The zone cut to its ink, scaled so the ink is ``height`` pixels tall, with a margin."""
    rows, columns = np.where(binary < 128)
    if rows.size == 0:
        return binary
    ink = binary[rows.min() : rows.max() + 1, columns.min() : columns.max() + 1]
    factor = height / ink.shape[0]
    method = cv2.INTER_AREA if factor < 1 else cv2.INTER_CUBIC
    scaled = cv2.resize(ink, None, fx=factor, fy=factor, interpolation=method)
    scaled = np.where(scaled < 128, 0, 255).astype(np.uint8)
    return cv2.copyMakeBorder(scaled, 20, 20, 20, 20, cv2.BORDER_CONSTANT, value=255)


def _attempts(item: Field, binary: np.ndarray) -> list[tuple[np.ndarray, int]]:
    """The ways to read a zone, best first: (image, page segmentation mode)."""
    if item.type not in ("digits", "serial"):
        return [(binary, 7)]
    # Then at other heights (the line model's slips differ from one scale to the next), the
    # zone as cut as a line and as a raw line, and (a lone digit) as one character.
    return [
        (normalised(binary), 7),
        (normalised(binary, LINE_HEIGHT_PX - 4), 7),
        (normalised(binary, LINE_HEIGHT_PX + 8), 7),
        (binary, 7),
        (binary, 13),
        (binary, 10),
    ]


def _fits(item: Field, value: str) -> bool:
    if not value:
        return False
    return not item.pattern or re.fullmatch(item.pattern, value) is not None


CONFIDENT = 90.0
"""A digits or serial reading that fits its field's format is taken at once when Tesseract's
confidence in it is at least this; under it, the zone is read the other ways until two
readings agree. A stroke inserted between touching digits (``7755`` read ``77155``, a book
number with no format to break) came at 79 where right readings of that zone came at 93-97
(bench/result_forms.py)."""


def _compact(result: ocr.OcrResult) -> str:
    return unicodedata.normalize("NFC", "".join(w.text for w in result.words))


def _read_code(
    template: Template, item: Field, binary: np.ndarray
) -> tuple[str, ocr.OcrResult, list[str]]:
    """A digits or serial zone: (value, the reading it came from, warnings).

    Read at a normalised height; a reading that fits the field's format is
    kept if confident (:data:`CONFIDENT`), else the zone is read the other ways
    of :func:`_attempts` until two fitting readings agree (or, all read, the
    fitting value read most often, then the most confident). When no reading
    fits, the part whose characters break the format position by position is
    read again with only the characters allowed there (:func:`_repair`). If
    that fails too, the first reading is kept with a ``field_format`` warning:
    the officer checks it.
    """
    language, config = OCR_SETTINGS[item.type]
    attempts = _attempts(item, binary)
    readings: list[tuple[str, ocr.OcrResult]] = []
    for image, psm in attempts:
        result = ocr.recognise(
            image, template.dpi, language, ZONE_TIMEOUT_S, binarised=True, psm=psm, config=config
        )
        value = _compact(result)
        readings.append((value, result))
        if not _fits(item, value):
            continue
        agreeing = sum(1 for other, _ in readings if other == value)
        if (result.confidence or 0.0) >= CONFIDENT or agreeing >= 2:
            return value, result, []
    fitting = [(v, r) for v, r in readings if _fits(item, v)]
    if fitting:
        value, result = max(
            fitting,
            key=lambda vr: (sum(1 for v, _ in fitting if v == vr[0]), vr[1].confidence or 0.0),
        )
        return value, result, []
    for image, _psm in attempts[:3]:
        repaired = _repair(template, item, image)
        if repaired is not None:
            return repaired, readings[0][1], [f"field_repaired:{item.name}"]
    value, result = next(((v, r) for v, r in readings if v), readings[0])
    return value, result, [f"field_format:{item.name}"] if value and item.pattern else []


def _repair(template: Template, item: Field, image: np.ndarray) -> str | None:
    """The reading of ``image`` with its misplaced characters read again, if it then fits.

    Only for a field whose pattern gives each position its characters
    (:func:`~workstation.resultforms.patterns.position_classes`), and a reading
    of the right length: each span of positions holding characters they may
    not (``11`` where two letters go) is cut out between its neighbours'
    character boxes and read again allowing only what those positions may hold.
    """
    classes = position_classes(item.pattern) if item.pattern else None
    if classes is None:
        return None
    language, config = OCR_SETTINGS[item.type]
    symbols = ocr.recognise_symbols(
        image, template.dpi, language, ZONE_TIMEOUT_S, psm=7, config=config
    )
    if any(len(s.text) != 1 for s in symbols):
        return None
    chars = [s.text for s in symbols]
    runs = misplaced_runs("".join(chars), classes)
    if not runs:
        return None
    whitelist = config.get("tessedit_char_whitelist", "")
    for start, end in runs:
        left = symbols[start - 1].right + 1 if start else 0
        right = symbols[end].left if end < len(symbols) else image.shape[1]
        if right - left < 4:
            return None
        part = cv2.copyMakeBorder(
            image[:, left:right], 0, 0, 20, 20, cv2.BORDER_CONSTANT, value=255
        )
        allowed = "".join(c for c in classes[start] if c in whitelist) or classes[start]
        wanted = end - start
        for psm in (7, 8):
            result = ocr.recognise(
                part,
                template.dpi,
                language,
                ZONE_TIMEOUT_S,
                binarised=True,
                psm=psm,
                config={"tessedit_char_whitelist": allowed},
            )
            text = _compact(result)
            if len(text) == wanted:
                break
        if len(text) != wanted or any(c not in classes[start] for c in text):
            return None
        chars[start:end] = list(text)
    value = "".join(chars)
    return value if _fits(item, value) else None


def read_zone(template: Template, aligned: np.ndarray, item: Field) -> tuple[FieldValue, list[str]]:
    """OCR one field with its type's settings; the value and any warnings about it.

    Digits and serials go through :func:`_read_code` (normalised height,
    agreement of readings, the field's format); dates and text are read once as
    one line.
    """
    language, config = OCR_SETTINGS[item.type]
    binary = zone_image(template, aligned, item)
    if (binary < 128).mean() < 0.002:
        return FieldValue("", 0.0), [f"field_empty:{item.name}"]
    if item.type in ("digits", "serial"):
        value, result, warnings = _read_code(template, item, binary)
        raw = value
    else:
        result = ocr.recognise(
            binary, template.dpi, language, ZONE_TIMEOUT_S, binarised=True, psm=7, config=config
        )
        raw = unicodedata.normalize("NFC", " ".join(w.text for w in result.words))
        value, warnings = raw, []
    warnings = [f"{w}:{item.name}" for w in result.warnings] + warnings
    confidence = float(result.confidence or 0.0)
    if item.type == "date":
        parsed = parse_date(raw)
        if parsed is None:
            warnings.append(f"date_unreadable:{item.name}")
        else:
            value = parsed
    if not value:
        warnings.append(f"field_empty:{item.name}")
    return FieldValue(value, round(confidence, 1), raw), warnings


def recognise_form(template: Template, image: np.ndarray, *, jobs: int = 2) -> Recognition:
    """Align ``image`` (a scan, grey or RGB) to ``template`` and read every field."""
    started = time.perf_counter()
    grey = _grey(image)
    homography, inliers, warnings = align(template, grey)
    homography = refine(template, grey, homography)
    width, height = template.size
    aligned = cv2.warpPerspective(
        grey, homography, (width, height), flags=cv2.INTER_CUBIC, borderValue=255
    )
    covered = _coverage(template, homography, grey.shape[:2])
    agreement = ink_agreement(template, aligned, covered)
    if agreement < MIN_INK_AGREEMENT:
        raise BadInput(
            f"the image does not match the result form {template.name!r} "
            f"(its printing agrees at {agreement:.0%} only)",
            code="resultforms.not_this_form",
            name=template.name,
        )
    if (covered > 0).mean() < COVERAGE_WARN:
        warnings.append("form_cut_off")
    fields: dict[str, FieldValue] = {}
    readable: list[Field] = []
    for item in template.fields:
        x, y, w, h = item.box
        if (covered[y : y + h, x : x + w] > 0).mean() < 0.999:
            fields[item.name] = FieldValue("", 0.0)
            warnings.append(f"field_cut_off:{item.name}")
        else:
            readable.append(item)
    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        results = list(pool.map(lambda f: read_zone(template, aligned, f), readable))
    for item, (value, more) in zip(readable, results, strict=True):
        fields[item.name] = value
        warnings.extend(more)
    ordered = {item.name: fields[item.name] for item in template.fields}
    ms = round((time.perf_counter() - started) * 1000, 1)
    log.info(
        "result form %s read: %d fields, %d inliers, %.0f ms",
        template.name,
        len(ordered),
        inliers,
        ms,
    )
    return Recognition(template.name, ordered, warnings, homography, aligned, inliers, ms)
