"""Benchmark: reading the chip ID card's QR code from scans and photos, ours against OpenCV.

Why this exists: the intake reads a citizen's details from a scanned or
photographed chip ID card (CCCD) with zxing-cpp
(:func:`workstation.scan.barcodes.read_qr_codes`), chosen because OpenCV's
QR detector missed most photographed cards. This reproduces the comparison
on cards drawn here, so the choice can be checked again whenever either
library moves.

Each image is a card (85.6 × 54 mm, text lines, the QR code in the top
right corner as on the card) with a payload in the card's format
(``ID|old ID|name|DDMMYYYY|sex|address|DDMMYYYY``, Vietnamese with
diacritics), photographed under one condition:

- ``scan``: flat and straight, sharp, QR modules about 4 px (a 300 dpi scan);
- ``skew``: the camera tilted (perspective up to about a third of the card's
  width) and the card turned at any angle;
- ``blur``: out of focus (Gaussian blur, sigma 1.0–1.8 px on 4–5 px modules);
- ``low contrast``: dim light, ink and paper 30–60 grey levels apart, light
  falling off across the card;
- ``small``: taken from afar, QR modules 1.6–2.4 px;
- ``photo``: a bit of each of the above together, sensor noise and JPEG at
  quality 55–80, as a phone photo at the counter.

Every image is written as a JPEG (quality 92 unless the condition says
otherwise) and read from the file, as the officer's photo would be: ours
through the workstation's own function (file checks, decoding, zxing-cpp),
the reference with ``cv2.imread`` and ``cv2.QRCodeDetector().detectAndDecode``
(and OpenCV's newer ``QRCodeDetectorAruco`` beside it). A read counts only if
the text is the payload exactly. OpenCV runs on one thread (``cv2.setNumThreads(1)``),
as zxing-cpp does.

The QR codes are encoded with OpenCV's own encoder in byte mode (UTF-8 without
an ECI marker), so that the reference can decode every clean one: OpenCV 5.0
refuses a QR code that carries the UTF-8 ECI marker (as zxing-cpp writes it)
with "mode 14 not implemented". How real cards mark their charset was not at
hand; zxing-cpp reads both.

Run: ``PYTHONPATH=src python bench/cccd_qr.py [--per-condition 25] [--seed 9]``.
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

import cv2
import numpy as np

from workstation.scan.barcodes import read_qr_codes

CONDITIONS = ("scan", "skew", "blur", "low contrast", "small", "photo")

SURNAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Đặng", "Bùi", "Đỗ"]
MIDDLE = ["Văn", "Thị", "Hữu", "Đức", "Minh", "Thu", "Ngọc", "Quốc", "Khuất Lưu", "Thị Hồng"]
GIVEN = ["Lương", "Nhật", "Bình", "Đông", "Hương", "Dũng", "Phượng", "Tuấn", "Yến", "Khải"]
PLACES = [
    "Tổ 10 Ấp An Thái, Hòa Bình, Chợ Mới, An Giang",
    "Cẩm Bào, Cẩm Yên, Thạch Thất, Hà Nội",
    "Xóm 3, Ninh Hải, Hoa Lư, Ninh Bình",
    "Số 12 ngõ 45 phố Hàng Bạc, Hoàn Kiếm, Hà Nội",
    "Thôn Đông Phú, xã Quảng Đông, huyện Quảng Trạch, Quảng Bình",
    "Khu phố 4, phường Trảng Dài, Biên Hòa, Đồng Nai",
]


def payload(rng: random.Random) -> str:
    """A payload in the card's format, with diacritics, sometimes without an old ID."""
    province = rng.choice(["001", "035", "036", "037", "038", "049", "079", "089"])
    century_sex = rng.choice("0123")
    year = rng.randint(0, 99) if century_sex in "01" else rng.randint(0, 8)
    id_number = f"{province}{century_sex}{year:02d}{rng.randint(0, 999_999):06d}"
    old_id = "" if rng.random() < 0.3 else f"{rng.randint(0, 999_999_999):09d}"
    name = f"{rng.choice(SURNAMES)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"
    century = 1900 if century_sex in "01" else 2000
    born = f"{rng.randint(1, 28):02d}{rng.randint(1, 12):02d}{century + year}"
    sex = "Nữ" if century_sex in "13" else "Nam"
    issued = f"{rng.randint(1, 28):02d}{rng.randint(1, 12):02d}{rng.randint(2021, 2025)}"
    return "|".join([id_number, old_id, name, born, sex, rng.choice(PLACES), issued])


def qr_modules(text: str) -> np.ndarray:
    """The QR code of ``text`` in byte mode, one pixel per module, with its quiet zone."""
    params = cv2.QRCodeEncoder_Params()
    params.mode = cv2.QRCODE_ENCODER_MODE_BYTE
    params.correction_level = cv2.QRCODE_ENCODER_CORRECT_LEVEL_M
    return cv2.QRCodeEncoder.create(params).encode(text)


def card(text: str, width: int, rng: random.Random) -> np.ndarray:
    """The card ``width`` pixels across (85.6 × 54 mm), the QR code about 18 % of its width."""
    scale = 8
    modules = qr_modules(text)
    qr = cv2.resize(modules, None, fx=scale, fy=scale, interpolation=cv2.INTER_NEAREST)
    big_w = int(qr.shape[1] / 0.22)  # the QR with its quiet zone: about 22 % of the width
    big_h = int(big_w * 54 / 85.6)
    canvas = np.full((big_h, big_w), 246, np.uint8)
    cv2.rectangle(canvas, (0, 0), (big_w - 1, big_h - 1), 120, max(2, big_w // 300))
    for row in range(7):  # printed text lines left of the QR code
        y = int(big_h * (0.35 + 0.08 * row))
        x1 = int(big_w * rng.uniform(0.45, 0.7))
        cv2.line(canvas, (int(big_w * 0.05), y), (x1, y), 50, max(2, big_h // 90))
    cv2.rectangle(  # the photo
        canvas,
        (int(big_w * 0.05), int(big_h * 0.05)),
        (int(big_w * 0.25), int(big_h * 0.3)),
        150,
        -1,
    )
    x0, y0 = big_w - qr.shape[1] - int(big_w * 0.03), int(big_h * 0.04)
    canvas[y0 : y0 + qr.shape[0], x0 : x0 + qr.shape[1]] = qr
    height = round(width * 54 / 85.6)
    return cv2.resize(canvas, (width, height), interpolation=cv2.INTER_AREA)


@dataclass(frozen=True)
class Shot:
    """How one picture is taken."""

    card_width: int  # pixels across the card (QR modules ≈ card_width × 0.22 / modules)
    tilt: float  # perspective: how far a corner moves, as a share of the card's width
    angle: float  # degrees the card is turned
    blur: float  # Gaussian sigma, pixels
    ink: int  # darkest grey after the light
    paper: int  # lightest grey
    falloff: float  # light lost across the card, 0–1
    noise: float  # sensor noise, grey levels
    quality: int  # JPEG quality


def shot(condition: str, rng: random.Random, modules: int) -> Shot:
    """The picture for ``condition``: the card sized so its QR modules are as the condition says."""

    def width_for(module_px: float) -> int:
        return int(module_px * modules / 0.22)

    base = Shot(width_for(4.2), 0.0, 0.0, 0.4, 20, 240, 0.0, 0.0, 92)
    if condition == "scan":
        return base
    if condition == "skew":
        return replace(base, tilt=rng.uniform(0.15, 0.33), angle=rng.uniform(0, 360))
    if condition == "blur":
        return replace(base, card_width=width_for(4.6), blur=rng.uniform(1.0, 1.8))
    if condition == "low contrast":
        ink = rng.randint(100, 130)
        paper = ink + rng.randint(30, 60)
        return replace(base, ink=ink, paper=paper, falloff=rng.uniform(0.1, 0.3))
    if condition == "small":
        return replace(base, card_width=width_for(rng.uniform(1.6, 2.4)))
    ink = rng.randint(50, 90)
    return Shot(  # photo: some of everything
        card_width=width_for(rng.uniform(2.6, 3.6)),
        tilt=rng.uniform(0.05, 0.2),
        angle=rng.uniform(-25, 25),
        blur=rng.uniform(0.6, 1.2),
        ink=ink,
        paper=ink + rng.randint(80, 130),
        falloff=rng.uniform(0.05, 0.25),
        noise=rng.uniform(4, 10),
        quality=rng.randint(55, 80),
    )


def photograph(card_image: np.ndarray, s: Shot, rng: random.Random) -> np.ndarray:
    """The card on a table, seen through the camera ``s`` describes."""
    h, w = card_image.shape
    margin = int(w * 0.6)
    size = (w + 2 * margin, h + 2 * margin)
    corners = np.float32([[0, 0], [w, 0], [w, h], [0, h]])
    moved = corners + margin
    if s.tilt:  # one side of the card further from the camera than the other
        shift = s.tilt * w
        side = rng.choice([(0, 1), (1, 2), (2, 3), (3, 0)])
        centre = moved.mean(axis=0)
        for i in side:
            moved[i] += (centre - moved[i]) * shift / w
    centre = (size[0] / 2, size[1] / 2)
    turn = cv2.getRotationMatrix2D(centre, s.angle, 1.0)
    moved = cv2.transform(moved[None], turn)[0].astype(np.float32)
    warp = cv2.getPerspectiveTransform(corners, moved)
    table = 150
    picture = cv2.warpPerspective(
        card_image, warp, size, flags=cv2.INTER_LINEAR, borderValue=table
    ).astype(np.float32)
    picture = s.ink + picture / 255.0 * (s.paper - s.ink)  # the light: ink and paper levels
    if s.falloff:
        ramp = np.linspace(1.0, 1.0 - s.falloff, size[0], dtype=np.float32)
        picture *= ramp[None, :]
    if s.blur:
        picture = cv2.GaussianBlur(picture, (0, 0), s.blur)
    if s.noise:
        picture += np.random.default_rng(rng.randint(0, 2**31)).normal(0, s.noise, picture.shape)
    return np.clip(picture, 0, 255).astype(np.uint8)


def ours(path: Path) -> list[str]:
    return read_qr_codes(path)


def _opencv(detector: cv2.QRCodeDetector | cv2.QRCodeDetectorAruco) -> Callable[[Path], list[str]]:
    def read(path: Path) -> list[str]:
        image = cv2.imread(str(path), cv2.IMREAD_GRAYSCALE)
        try:
            text, _, _ = detector.detectAndDecode(image)
        except cv2.error:
            return []
        return [text] if text else []

    return read


@dataclass
class Tally:
    read: int = 0
    seconds: float = 0.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--per-condition", type=int, default=25, help="images per condition")
    parser.add_argument("--seed", type=int, default=9)
    args = parser.parse_args()
    cv2.setNumThreads(1)
    rng = random.Random(args.seed)
    readers: dict[str, Callable[[Path], list[str]]] = {
        "ours (zxing-cpp)": ours,
        "OpenCV QRCodeDetector": _opencv(cv2.QRCodeDetector()),
        "OpenCV QRCodeDetectorAruco": _opencv(cv2.QRCodeDetectorAruco()),
    }
    tallies = {(name, c): Tally() for name in readers for c in CONDITIONS}
    with tempfile.TemporaryDirectory() as folder:
        for condition in CONDITIONS:
            for i in range(args.per_condition):
                text = payload(rng)
                modules = qr_modules(text).shape[1]
                s = shot(condition, rng, modules)
                picture = photograph(card(text, s.card_width, rng), s, rng)
                path = Path(folder) / f"{condition.replace(' ', '-')}-{i}.jpg"
                cv2.imwrite(str(path), picture, [cv2.IMWRITE_JPEG_QUALITY, s.quality])
                for name, read in readers.items():
                    start = time.perf_counter()
                    found = read(path)
                    tally = tallies[name, condition]
                    tally.seconds += time.perf_counter() - start
                    tally.read += text in found
    n = args.per_condition
    print(f"{n} card images per condition (seed {args.seed}); read = the exact payload")
    header = (
        f"{'reader':<28}" + "".join(f"{c:>14}" for c in CONDITIONS) + f"{'all':>10}{'ms/img':>9}"
    )
    print(header)
    totals = {}
    for name in readers:
        row = [tallies[name, c] for c in CONDITIONS]
        read = sum(t.read for t in row)
        ms = 1000 * sum(t.seconds for t in row) / (n * len(CONDITIONS))
        totals[name] = (read, ms)
        cells = "".join(f"{f'{t.read}/{n}':>14}" for t in row)
        print(f"{name:<28}{cells}{f'{read}/{n * len(CONDITIONS)}':>10}{ms:>9.1f}")
    our_read, our_ms = totals["ours (zxing-cpp)"]
    for name, (read, ms) in totals.items():
        if name.startswith("ours"):
            continue
        ratio = "∞" if read == 0 else f"{our_read / read:.2f}"
        print(
            f"ours vs {name}: read {our_read} vs {read} (×{ratio}); "
            f"time {our_ms:.1f} vs {ms:.1f} ms per image (ours/theirs {our_ms / ms:.2f})"
        )


if __name__ == "__main__":
    main()
