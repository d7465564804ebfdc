"""How a signature looks on the page, as Decree 30/2020 (Annex I) prescribes.

Three appearances (the rules, texts and positions are data in
``resources/signing/appearance.json``, by effective date):

- ``copy``: an electronic copy or a separate attachment carries no image but
  a text at the top right of page 1: the copy form (SAO Y, SAO LỤC, TRÍCH
  SAO) or the document number, the agency, and the signing time in ISO 8601
  with +07:00, in a Times-New-Roman-compatible 10 pt regular black font.
- ``signer``: the signer's handwritten signature image between the title and
  the full name (title and name only when there is no image).
- ``agency``: the agency's red seal image, overlapping the left third of the
  signer's image, added after the leader has signed.

Fonts: pyHanko writes glyph widths in the font's own units, so a font whose
em is not 1000 units (Liberation Serif and Times New Roman have 2048) comes
out with stretched letter spacing. We subset the font once to the glyphs
Vietnamese needs and rescale it to 1000 units per em; the result is cached
for the process, which also saves the subsetting time on every signature.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import logging
import sys
import types
import unicodedata
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

from workstation.errors import BadInput, ExternalPartError
from workstation.paths import resources_dir

log = logging.getLogger(__name__)

VIETNAM = dt.timezone(dt.timedelta(hours=7), "+07:00")

_VIETNAMESE = (
    "aàáảãạăằắẳẵặâầấẩẫậbcdđeèéẻẽẹêềếểễệghiìíỉĩịklmnoòóỏõọôồốổỗộơờớởỡợpqrstuùúủũụưừứửữựvwxyỳýỷỹỵzfj"
)
# Every glyph a Vietnamese stamp needs: ASCII, Vietnamese letters in both
# cases, the combining tone marks, and the usual typographic signs.
REPERTOIRE = (
    "".join(chr(c) for c in range(0x20, 0x7F))
    + _VIETNAMESE
    + _VIETNAMESE.upper()
    + "\u0300\u0301\u0303\u0309\u0323–—‘’“”…°№·"
)


@dataclass(frozen=True)
class Placement:
    """Where a signature's widget goes and what it shows."""

    kind: str
    page: int
    box: tuple[float, float, float, float]
    style: Any  # a pyHanko stamp style


# Rules ---------------------------------------------------------------


def load_rules(on: dt.date | None = None) -> dict[str, Any]:
    """The appearance rules in force on ``on`` (today by default)."""
    on = on or dt.datetime.now(VIETNAM).date()
    path = resources_dir() / "signing" / "appearance.json"
    with path.open(encoding="utf-8") as f:
        versions = json.load(f)["versions"]
    in_force = [v for v in versions if dt.date.fromisoformat(v["effective_from"]) <= on]
    if not in_force:
        raise BadInput(
            f"no signature appearance rules in force on {on.isoformat()}",
            code="sign.no_appearance_rules",
            date=on.isoformat(),
        )
    return max(in_force, key=lambda v: v["effective_from"])


def _system() -> str:
    if sys.platform.startswith("win"):
        return "windows"
    return "darwin" if sys.platform == "darwin" else "linux"


def font_file(rules: dict[str, Any]) -> Path:
    """The first installed font the rules name for this system."""
    for name in rules["font"]["files"].get(_system(), []):
        if Path(name).is_file():
            return Path(name)
    raise ExternalPartError(
        "no Times-New-Roman-compatible font with Vietnamese glyphs is installed "
        "(Debian: fonts-liberation2)",
        code="sign.font_missing",
    )


# Fonts ---------------------------------------------------------------


@cache
def _parsed_font(path: Path):  # type: ignore[no-untyped-def]
    from fontTools.ttLib import TTFont

    return TTFont(str(path), lazy=False)


@lru_cache(maxsize=64)
def stamp_font(path: Path, characters: str = REPERTOIRE) -> bytes:
    """``path`` subset to ``characters`` (with what shaping them needs), at 1000 units per em.

    Cached: a batch of stamps with the same text but for its digits shares one
    font, so neither subsetting nor rescaling happens per signature.
    """
    import copy

    from fontTools import subset
    from fontTools.ttLib.scaleUpem import scale_upem

    font = copy.deepcopy(_parsed_font(path))
    options = subset.Options()
    options.layout_features = ["*"]
    options.name_IDs = ["*"]
    options.notdef_outline = True
    options.drop_tables += ["FFTM"]
    subsetter = subset.Subsetter(options=options)
    subsetter.populate(text=characters)
    subsetter.subset(font)
    if font["head"].unitsPerEm != 1000:
        scale_upem(font, 1000)
    out = io.BytesIO()
    font.save(out)
    log.info("stamp font prepared: %d glyphs, %d bytes", len(font.getGlyphOrder()), out.tell())
    return out.getvalue()


# Characters every stamp may need whatever its text: the time and its digits.
_ALWAYS = "0123456789:+-T "


def _font_for(path: Path, texts: list[str]) -> bytes:
    characters = "".join(sorted(set(_ALWAYS).union(*texts) - {"\n"}))
    return stamp_font(path, characters)


def text_width(font: bytes, text: str, size: float) -> float:
    """Width in points of ``text`` set in ``font`` at ``size`` (shaped by HarfBuzz)."""
    import uharfbuzz as hb

    if not text:
        return 0.0
    face = hb.Face(font)
    hb_font = hb.Font(face)
    buf = hb.Buffer()
    buf.add_str(text)
    buf.guess_segment_properties()
    hb.shape(hb_font, buf, {})
    return sum(p.x_advance for p in buf.glyph_positions) / face.upem * size


class _FontFactory:
    """A pyHanko font engine factory over font bytes held in memory."""

    def __init__(self, font: bytes, size: float) -> None:
        self.font = font
        self.size = size

    def create_font_engine(self, writer, obj_stream=None):  # type: ignore[no-untyped-def]
        from pyhanko.pdf_utils.font.opentype import GlyphAccumulator

        class SubsetGlyphAccumulator(GlyphAccumulator):
            """Our font is already the subset the stamp needs: skip pyHanko's
            subsetting, which costs more than the rest of a signature."""

            def _extract_subset(self, options=None) -> None:  # type: ignore[no-untyped-def]
                return None

        font_bytes = self.font

        def set_font_file(cidfont, writer):  # type: ignore[no-untyped-def]
            # The font program is our cached bytes as they are: recompiling it
            # with fontTools for every signature costs more than signing.
            from pyhanko.pdf_utils import generic

            stream = generic.StreamObject(stream_data=font_bytes)
            stream.compress()
            ref = writer.add_object(stream)
            cidfont._font_descriptor[generic.NameObject("/FontFile2")] = ref
            return ref

        if obj_stream is None and writer.stream_xrefs:
            obj_stream = writer.prepare_object_stream()
        engine = SubsetGlyphAccumulator(
            writer=writer,
            font_handle=io.BytesIO(self.font),
            font_size=self.size,
            obj_stream=obj_stream,
        )
        if "glyf" in engine.tt:  # TrueType outlines: embedded as /FontFile2
            engine.cidfont_obj.set_font_file = types.MethodType(set_font_file, engine.cidfont_obj)
        return engine


def _factory(font: bytes, size: float):  # type: ignore[no-untyped-def]
    from pyhanko.pdf_utils.font.api import FontEngineFactory

    class FontFactory(_FontFactory, FontEngineFactory):
        pass

    return FontFactory(font, size)


# Appearances ---------------------------------------------------------


def iso_time(moment: dt.datetime) -> str:
    """``2026-03-05T09:32:10+07:00``: the signing time as Decree 30 writes it."""
    return moment.astimezone(VIETNAM).replace(microsecond=0).isoformat()


def _clean(text: str, what: str, limit: int = 200, *, lines: int = 1) -> str:
    text = unicodedata.normalize("NFC", text.strip())
    if (
        len(text) > limit
        or text.count("\n") >= lines
        or any(unicodedata.category(c) in {"Cc", "Cf"} for c in text.replace("\n", ""))
    ):
        raise BadInput(
            f"the {what} of the stamp has control characters or is too long",
            code="sign.stamp_text_invalid",
            what=what,
        )
    return text


def copy_lines(form: str, agency: str, moment: dt.datetime, rules: dict[str, Any]) -> list[str]:
    """The lines of a copy stamp, as the rules order them."""
    values = {
        "form": _clean(form, "copy form or document number"),
        "agency": _clean(agency, "agency"),
        "time": iso_time(moment),
    }
    return [line.format(**values) for line in rules["copy"]["lines"] if line.format(**values)]


def copy_placement(
    page_size: tuple[float, float], form: str, agency: str, moment: dt.datetime, rules: dict
) -> Placement:
    """The ``copy`` appearance: text at the top right of page 1, no image."""
    from pyhanko.pdf_utils import layout
    from pyhanko.pdf_utils.text import TextBoxStyle
    from pyhanko.stamp import TextStampStyle

    spec = rules["copy"]
    lines = copy_lines(form, agency, moment, rules)
    font = _font_for(font_file(rules), lines)
    size = spec["font_size"]
    padding = spec["padding"]
    width = max(text_width(font, line, size) for line in lines) + 2 * padding + 1
    height = spec["leading"] * len(lines) + 2 * padding + 2
    page_w, page_h = page_size
    x2 = page_w - spec["margin_right"]
    y2 = page_h - spec["margin_top"]
    style = TextStampStyle(
        stamp_text="\n".join(lines),
        text_box_style=TextBoxStyle(
            font=_factory(font, size),
            font_size=size,
            leading=spec["leading"],
            text_color=tuple(spec["color"]),
            box_layout_rule=layout.SimpleBoxLayoutRule(
                x_align=layout.AxisAlignment.ALIGN_MIN,
                y_align=layout.AxisAlignment.ALIGN_MAX,
                inner_content_scaling=layout.InnerScaling.NO_SCALING,
            ),
        ),
        inner_content_layout=layout.SimpleBoxLayoutRule(
            x_align=layout.AxisAlignment.ALIGN_MIN,
            y_align=layout.AxisAlignment.ALIGN_MAX,
            margins=layout.Margins.uniform(padding),
            inner_content_scaling=layout.InnerScaling.NO_SCALING,
        ),
        border_width=0,
        background=None,
    )
    return Placement("copy", spec["page"], (x2 - width, y2 - height, x2, y2), style)


def _centred(lines: list[str], font: bytes, size: float) -> list[str]:
    """Lines padded with leading spaces so each sits centred under the widest.

    pyHanko sets a text block's lines flush left; Decree 30 centres the title
    and the name, so we centre them to the nearest space's width.
    """
    widths = [text_width(font, line, size) for line in lines]
    space = text_width(font, " ", size) or 1.0
    widest = max(widths)
    return [
        " " * round((widest - w) / 2 / space) + line if line else line
        for line, w in zip(lines, widths, strict=True)
    ]


def _image(path: Path, what: str):  # type: ignore[no-untyped-def]
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(path) as img:
            if img.width * img.height > 4_000_000:
                raise BadInput(
                    f"the {what} image is too large", code="sign.image_invalid", what=what
                )
            return img.convert("RGBA")
    except (OSError, UnidentifiedImageError) as exc:
        raise BadInput(
            f"the {what} image cannot be read", code="sign.image_invalid", what=what
        ) from exc


def signer_box(page_size: tuple[float, float], rules: dict) -> tuple[float, float, float, float]:
    """The default box of the signer's signature (bottom right of the last page)."""
    spec = rules["signer"]
    x2 = page_size[0] - spec["margin_right"]
    y1 = spec["margin_bottom"]
    return (x2 - spec["width"], y1, x2, y1 + spec["height"])


def signer_image_box(box: tuple[float, float, float, float], rules: dict) -> tuple[float, ...]:
    """Where the signature image sits inside the signer's box: centred between title and name."""
    spec = rules["signer"]
    x1, y1, x2, y2 = box
    cx, cy = (x1 + x2) / 2, (y1 + y2) / 2
    w, h = spec["image_width"], spec["image_height"]
    return (cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2)


def signer_placement(
    page_size: tuple[float, float],
    title: str,
    name: str,
    image: Path | None,
    rules: dict,
    box: tuple[float, float, float, float] | None = None,
) -> Placement:
    """The ``signer`` appearance: title, signature image (optional), full name."""
    from pyhanko.pdf_utils import layout
    from pyhanko.pdf_utils.images import PdfImage
    from pyhanko.pdf_utils.text import TextBoxStyle
    from pyhanko.stamp import TextStampStyle

    spec = rules["signer"]
    box = box or signer_box(page_size, rules)
    title = _clean(title, "title", lines=3)  # e.g. "KT. CHỦ TỊCH" / "PHÓ CHỦ TỊCH"
    name = _clean(name, "name")
    font = _font_for(font_file(rules), [title, name])
    size = spec["font_size"]
    box_width, box_height = box[2] - box[0], box[3] - box[1]
    fitting = int((box_height - 4) // spec["leading"])
    gap = max(1, fitting - title.count("\n") - 2) if image else 1
    text = "\n".join(_centred(title.split("\n") + [""] * gap + [name], font, size))
    background = None
    if image is not None:
        img = _image(image, "signature")
        background = PdfImage(
            img, box=layout.BoxConstraints(spec["image_width"], spec["image_height"])
        )
    style = TextStampStyle(
        stamp_text=text,
        text_box_style=TextBoxStyle(
            font=_factory(font, size),
            font_size=size,
            leading=spec["leading"],
            text_color=tuple(spec["color"]),
            box_layout_rule=layout.SimpleBoxLayoutRule(
                x_align=layout.AxisAlignment.ALIGN_MID,
                y_align=layout.AxisAlignment.ALIGN_MID,
                margins=layout.Margins.uniform(2),
            ),
        ),
        inner_content_layout=layout.SimpleBoxLayoutRule(
            x_align=layout.AxisAlignment.ALIGN_MID,
            y_align=layout.AxisAlignment.ALIGN_MID,
            inner_content_scaling=layout.InnerScaling.SHRINK_TO_FIT,
        ),
        border_width=0,
        background=background,
        background_opacity=1.0,
        background_layout=layout.SimpleBoxLayoutRule(
            x_align=layout.AxisAlignment.ALIGN_MID,
            y_align=layout.AxisAlignment.ALIGN_MID,
            margins=layout.Margins(
                left=(box_width - spec["image_width"]) / 2,
                right=(box_width - spec["image_width"]) / 2,
                top=(box_height - spec["image_height"]) / 2,
                bottom=(box_height - spec["image_height"]) / 2,
            ),
            inner_content_scaling=layout.InnerScaling.STRETCH_TO_FIT,
        ),
    )
    return Placement("signer", spec["page"], box, style)


def agency_placement(
    signer_rect: tuple[float, float, float, float], page: int, seal: Path, rules: dict
) -> Placement:
    """The ``agency`` appearance: the red seal over the left third of the signer's image."""
    from pyhanko.pdf_utils import layout
    from pyhanko.pdf_utils.images import PdfImage
    from pyhanko.stamp import StaticStampStyle

    spec = rules["agency"]
    img = _image(seal, "seal")
    size = float(spec["seal_size"])
    ix1, iy1, ix2, iy2 = signer_image_box(signer_rect, rules)
    right = ix1 + (ix2 - ix1) * spec["overlap_of_signer_image"]
    cy = (iy1 + iy2) / 2
    box = (right - size, cy - size / 2, right, cy + size / 2)
    style = StaticStampStyle(
        background=PdfImage(img, box=layout.BoxConstraints(size, size)),
        background_opacity=1.0,
        border_width=0,
    )
    return Placement("agency", page, box, style)
