"""One searchable PDF/A-2b per captured document: page images under an invisible text layer.

- Black-and-white pages are stored as CCITT Group 4 (lossless, ~30–50 KB for an
  A4 text page at 300 dpi).
- Colour pages use mixed raster content: a sharp 1-bit mask of the printed
  text (G4, painted in the text's colour) over a downsampled JPEG of the rest
  (paper, seal, signature, photo), which keeps colour — required by the
  digitisation rules — near the size of a black-and-white page.
- Grey pages are one greyscale JPEG.
- The text layer is drawn in render mode 3 (invisible) with a "glyphless" font
  built here: one blank glyph that every character maps to, and a ToUnicode
  map, so Vietnamese text is searchable and copyable whatever the script, and
  the font is a few hundred bytes, embedded as PDF/A demands.
- PDF/A-2b: XMP metadata with ``pdfaid:part 2`` / ``conformance B``, an sRGB
  output intent whose ICC profile LittleCMS (through Pillow) writes (no
  licensed file shipped), every font embedded, no encryption.

Pages are encoded in the worker processes (:func:`encode_page`); the PDF is
assembled in the calling process (:func:`write_pdf`), to a temporary file that
is renamed into place only when complete.
"""

from __future__ import annotations

import io
import os
import tempfile
import unicodedata
import zlib
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cache
from pathlib import Path

import cv2
import numpy as np

from workstation.scan.ocr import Word
from workstation.scan.policy import BW, COLOUR, GRAY

BACKGROUND_DPI = 100
"""Resolution of a colour page's background layer: seals and photos stay recognisable."""
BACKGROUND_QUALITY = 45
GRAY_QUALITY = 50
GRAY_DPI = 200
FONT_NAME = "GlyphLessFont"


@dataclass
class EncodedImage:
    """A page image already compressed for the PDF, with how to draw it."""

    data: bytes
    width: int
    height: int
    filter: str
    """``CCITTFaxDecode`` or ``DCTDecode``."""
    colour_space: str = "DeviceGray"
    image_mask: bool = False
    black_is_1: bool = False
    fill: tuple[float, float, float] = (0.0, 0.0, 0.0)
    """Colour a mask paints with."""


@dataclass
class EncodedPage:
    """Everything the PDF needs of one page: its layers (bottom first) and words."""

    width_pt: float
    height_pt: float
    pixel_width: int
    pixel_height: int
    layers: list[EncodedImage]
    words: list[Word] = field(default_factory=list)
    mode: str = BW

    @property
    def image_bytes(self) -> int:
        return sum(len(layer.data) for layer in self.layers)


@dataclass(frozen=True)
class DocumentInfo:
    """Metadata written into the PDF (and its XMP): what this document is."""

    title: str
    dossier_code: str = ""
    component: str = ""
    language: str = "vi"
    subjects: tuple[str, ...] = ()
    """Keywords for ``dc:subject`` (a digitised result's recognised values, say)."""


def encode_page(
    image: np.ndarray, binary: np.ndarray, dpi: int, mode: str, words: list[Word]
) -> EncodedPage:
    """Compress one cleaned page (RGB and its binarisation) as ``mode`` (bw/gray/colour)."""
    height, width = binary.shape[:2]
    if mode == BW:
        layers = [g4_image(binary)]
    elif mode == GRAY:
        gray = cv2.cvtColor(image, cv2.COLOR_RGB2GRAY)
        if dpi > GRAY_DPI:  # grey is for plain pages: 200 dpi meets the rules at half the bytes
            factor = GRAY_DPI / dpi
            gray = cv2.resize(gray, None, fx=factor, fy=factor, interpolation=cv2.INTER_AREA)
        layers = [jpeg_image(gray, GRAY_QUALITY)]
    elif mode == COLOUR:
        layers = mixed_raster(image, binary, dpi)
    else:
        raise ValueError(f"unknown page mode {mode!r}")
    return EncodedPage(
        width_pt=width / dpi * 72,
        height_pt=height / dpi * 72,
        pixel_width=width,
        pixel_height=height,
        layers=layers,
        words=words,
        mode=mode,
    )


def g4_image(binary: np.ndarray, *, as_mask: bool = False) -> EncodedImage:
    """CCITT Group 4 of a 0/255 image (0 = ink), via Pillow's libtiff, one strip."""
    from PIL import Image

    height, width = binary.shape
    buffer = io.BytesIO()
    packed = np.packbits(binary > 127, axis=1)  # 1 = paper, as mode "1" reads it
    Image.frombytes("1", (width, height), packed.tobytes()).save(
        buffer, format="TIFF", compression="group4", strip_size=2**31 - 1
    )
    buffer.seek(0)
    with Image.open(buffer) as tiff:
        offsets = tiff.tag_v2[273]
        counts = tiff.tag_v2[279]
        photometric = tiff.tag_v2.get(262, 0)
    if len(offsets) != 1:
        raise RuntimeError("libtiff wrote more than one strip")
    data = buffer.getvalue()[offsets[0] : offsets[0] + counts[0]]
    return EncodedImage(
        data=data,
        width=width,
        height=height,
        filter="CCITTFaxDecode",
        image_mask=as_mask,
        # libtiff codes 0 bits as CCITT white; with min-is-black (1) our ink is 0.
        black_is_1=photometric == 1,
    )


def jpeg_image(pixels: np.ndarray, quality: int) -> EncodedImage:
    """Baseline JPEG of a grey (h×w) or RGB (h×w×3) array."""
    colour = pixels.ndim == 3
    source = cv2.cvtColor(pixels, cv2.COLOR_RGB2BGR) if colour else pixels
    ok, data = cv2.imencode(".jpg", source, [cv2.IMWRITE_JPEG_QUALITY, quality])
    if not ok:
        raise RuntimeError("JPEG encoding failed")
    return EncodedImage(
        data=data.tobytes(),
        width=pixels.shape[1],
        height=pixels.shape[0],
        filter="DCTDecode",
        colour_space="DeviceRGB" if colour else "DeviceGray",
    )


def mixed_raster(image: np.ndarray, binary: np.ndarray, dpi: int) -> list[EncodedImage]:
    """A downsampled JPEG background and, over it, a G4 mask of the neutral (printed) ink.

    Strongly coloured ink (a red seal, a blue signature) is left out of the
    mask, so it keeps its colour in the background layer.
    """
    hsv = cv2.cvtColor(image, cv2.COLOR_RGB2HSV)
    neutral_ink = (binary == 0) & (hsv[..., 1] < 80)
    mask = np.where(neutral_ink, 0, 255).astype(np.uint8)
    inked = np.count_nonzero(neutral_ink)
    paper = np.percentile(image[::8, ::8].reshape(-1, 3), 90, axis=0)
    background = image.copy()
    if inked:
        grown = cv2.dilate(neutral_ink.astype(np.uint8), np.ones((3, 3), np.uint8)) > 0
        background[grown] = paper.astype(np.uint8)
        ink_colour = np.median(image[neutral_ink][:: max(1, inked // 20000)], axis=0)
    else:
        ink_colour = np.zeros(3)
    factor = max(1.0, dpi / BACKGROUND_DPI)
    small = cv2.resize(
        background,
        (max(1, round(image.shape[1] / factor)), max(1, round(image.shape[0] / factor))),
        interpolation=cv2.INTER_AREA,
    )
    layers = [jpeg_image(small, BACKGROUND_QUALITY)]
    if inked:
        text = g4_image(mask, as_mask=True)
        text.fill = tuple(float(v) / 255 for v in ink_colour)  # type: ignore[assignment]
        layers.append(text)
    return layers


def write_pdf(pages: list[EncodedPage], out: Path, info: DocumentInfo) -> int:
    """Write ``pages`` as one PDF/A-2b at ``out``, atomically; return its size in bytes."""
    import pikepdf

    pdf = pikepdf.Pdf.new()
    font = _font(pdf)
    for page in pages:
        pdf.pages.append(_page(pdf, page, font))
    _declare_pdfa(pdf, info, len(pages))
    out.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".part", dir=out.parent)
    os.close(handle)
    try:
        pdf.save(
            temporary,
            min_version="1.7",
            object_stream_mode=pikepdf.ObjectStreamMode.generate,
            deterministic_id=True,
        )
        with open(temporary, "rb") as written:
            os.fsync(written.fileno())
        os.replace(temporary, out)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return out.stat().st_size


def _page(pdf, page: EncodedPage, font):  # type: ignore[no-untyped-def]
    import pikepdf

    xobjects = {}
    drawing = []
    for number, layer in enumerate(page.layers):
        name = f"/Im{number}"
        xobjects[name] = _image_stream(pdf, layer)
        paint = ""
        if layer.image_mask:
            paint = "{:.3f} {:.3f} {:.3f} rg ".format(*layer.fill)
        drawing.append(f"q {paint}{page.width_pt:.3f} 0 0 {page.height_pt:.3f} 0 0 cm {name} Do Q")
    content = "\n".join(drawing) + "\n" + text_layer(page)
    return pikepdf.Page(
        pikepdf.Dictionary(
            Type=pikepdf.Name.Page,
            MediaBox=[0, 0, round(page.width_pt, 3), round(page.height_pt, 3)],
            Resources=pikepdf.Dictionary(
                XObject=pikepdf.Dictionary(xobjects),
                Font=pikepdf.Dictionary(F0=font),
            ),
            Contents=pikepdf.Stream(pdf, content.encode("ascii")),
        )
    )


def _image_stream(pdf, layer: EncodedImage):  # type: ignore[no-untyped-def]
    import pikepdf

    stream = pikepdf.Stream(pdf, layer.data)
    stream.Type = pikepdf.Name.XObject
    stream.Subtype = pikepdf.Name.Image
    stream.Width = layer.width
    stream.Height = layer.height
    stream.Filter = pikepdf.Name("/" + layer.filter)
    if layer.filter == "CCITTFaxDecode":
        stream.BitsPerComponent = 1
        stream.DecodeParms = pikepdf.Dictionary(
            K=-1, Columns=layer.width, Rows=layer.height, BlackIs1=layer.black_is_1
        )
    else:
        stream.BitsPerComponent = 8
    if layer.image_mask:
        stream.ImageMask = True
    else:
        stream.ColorSpace = pikepdf.Name("/" + layer.colour_space)
    return stream


def text_layer(page: EncodedPage) -> str:
    """Content-stream operators drawing the page's words invisibly over their boxes."""
    if not page.words:
        return ""
    scale = page.width_pt / page.pixel_width
    lines: dict[tuple[int, int, int], list[Word]] = {}
    for word in page.words:
        lines.setdefault(word.line, []).append(word)
    out = ["BT", "3 Tr"]
    for words in lines.values():
        bottom = max(w.top + w.height for w in words)
        top = min(w.top for w in words)
        size = max(1.0, (bottom - top) * scale)
        baseline = page.height_pt - bottom * scale  # the font spans baseline to +1 em
        out.append(f"/F0 {size:.2f} Tf")
        for position, word in enumerate(words):
            # Composed (NFC) letters: one code per Vietnamese letter, as search expects.
            text = unicodedata.normalize("NFC", word.text)
            text += " " if position < len(words) - 1 else ""
            codes = [ord(c) for c in text if ord(c) <= 0xFFFF]
            if not codes:
                continue
            following = words[position + 1].left if position < len(words) - 1 else None
            span_px = (following - word.left) if following else word.width
            natural = len(codes) * 0.5 * size
            stretch = max(1.0, 100 * span_px * scale / natural)
            x = word.left * scale
            out.append(f"{stretch:.1f} Tz 1 0 0 1 {x:.2f} {baseline:.2f} Tm")
            out.append("<" + "".join(f"{c:04X}" for c in codes) + "> Tj")
    out.append("ET")
    return "\n".join(out) + "\n"


@cache
def glyphless_font() -> bytes:
    """A TrueType font with one blank glyph, 500 units wide, for invisible text."""
    from fontTools.fontBuilder import FontBuilder
    from fontTools.pens.ttGlyphPen import TTGlyphPen

    builder = FontBuilder(1000, isTTF=True)
    builder.setupGlyphOrder([".notdef", "blank"])
    builder.setupCharacterMap({0x20: "blank"})
    empty = TTGlyphPen(None).glyph()
    builder.setupGlyf({".notdef": empty, "blank": empty})
    builder.setupHorizontalMetrics({".notdef": (500, 0), "blank": (500, 0)})
    builder.setupHorizontalHeader(ascent=1000, descent=0)
    builder.setupNameTable({"familyName": FONT_NAME, "styleName": "Regular"})
    builder.setupOS2(sTypoAscender=1000, sTypoDescender=0, usWinAscent=1000, usWinDescent=0)
    builder.setupPost()
    buffer = io.BytesIO()
    builder.save(buffer)
    return buffer.getvalue()


def _to_unicode_cmap() -> bytes:
    """Identity from two-byte codes to UTF-16: we write each character as its code point."""
    ranges = [
        f"<{hi:02X}00> <{hi:02X}FF> <{hi:02X}00>" for hi in range(256) if not 0xD8 <= hi <= 0xDF
    ]
    blocks = []
    for start in range(0, len(ranges), 100):
        chunk = ranges[start : start + 100]
        blocks.append(f"{len(chunk)} beginbfrange\n" + "\n".join(chunk) + "\nendbfrange")
    return (
        "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"
        "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
        "/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n"
        "1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n"
        + "\n".join(blocks)
        + "\nendcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n"
    ).encode("ascii")


def _font(pdf):  # type: ignore[no-untyped-def]
    import pikepdf

    def flate(data: bytes, **entries):  # type: ignore[no-untyped-def]
        stream = pikepdf.Stream(pdf, zlib.compress(data, 9))
        stream.Filter = pikepdf.Name.FlateDecode
        for key, value in entries.items():
            stream[f"/{key}"] = value
        return stream

    font_file = glyphless_font()
    descriptor = pikepdf.Dictionary(
        Type=pikepdf.Name.FontDescriptor,
        FontName=pikepdf.Name("/" + FONT_NAME),
        Flags=5,
        FontBBox=[0, 0, 500, 1000],
        ItalicAngle=0,
        Ascent=1000,
        Descent=0,
        CapHeight=1000,
        StemV=80,
        FontFile2=flate(font_file, Length1=len(font_file)),
    )
    # Every code maps to glyph 1 (blank): PDF/A forbids showing .notdef (glyph 0).
    cid_to_gid = flate(b"\x00\x01" * 65536)
    descendant = pikepdf.Dictionary(
        Type=pikepdf.Name.Font,
        Subtype=pikepdf.Name.CIDFontType2,
        BaseFont=pikepdf.Name("/" + FONT_NAME),
        CIDSystemInfo=pikepdf.Dictionary(
            Registry=pikepdf.String("Adobe"), Ordering=pikepdf.String("Identity"), Supplement=0
        ),
        FontDescriptor=pdf.make_indirect(descriptor),
        DW=500,
        CIDToGIDMap=cid_to_gid,
    )
    return pdf.make_indirect(
        pikepdf.Dictionary(
            Type=pikepdf.Name.Font,
            Subtype=pikepdf.Name.Type0,
            BaseFont=pikepdf.Name("/" + FONT_NAME),
            Encoding=pikepdf.Name("/Identity-H"),
            DescendantFonts=[pdf.make_indirect(descendant)],
            ToUnicode=flate(_to_unicode_cmap()),
        )
    )


@cache
def srgb_profile() -> bytes:
    """An sRGB ICC profile written by LittleCMS (bundled with Pillow)."""
    from PIL import ImageCms

    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()


def _declare_pdfa(pdf, info: DocumentInfo, page_count: int) -> None:  # type: ignore[no-untyped-def]
    import pikepdf

    from workstation import __version__

    icc = pikepdf.Stream(pdf, zlib.compress(srgb_profile(), 9))
    icc.Filter = pikepdf.Name.FlateDecode
    icc.N = 3
    pdf.Root.OutputIntents = [
        pikepdf.Dictionary(
            Type=pikepdf.Name.OutputIntent,
            S=pikepdf.Name.GTS_PDFA1,
            OutputConditionIdentifier=pikepdf.String("sRGB IEC61966-2.1"),
            Info=pikepdf.String("sRGB IEC61966-2.1"),
            DestOutputProfile=icc,
        )
    ]
    pdf.Root.Lang = pikepdf.String(info.language)
    # The page count goes into the subject: xmpTPg:NPages is not among PDF/A's own schemas.
    now = datetime.now(UTC).replace(microsecond=0).isoformat()
    subject = "; ".join(
        part
        for part in (
            f"dossier {info.dossier_code}" if info.dossier_code else "",
            f"component {info.component}" if info.component else "",
            f"{page_count} page" + ("" if page_count == 1 else "s"),
        )
        if part
    )
    with pdf.open_metadata(set_pikepdf_as_editor=False) as meta:
        meta["pdfaid:part"] = "2"
        meta["pdfaid:conformance"] = "B"
        meta["dc:title"] = info.title
        meta["dc:description"] = subject
        if info.subjects:
            meta["dc:subject"] = list(info.subjects)
        meta["pdf:Keywords"] = subject
        meta["pdf:Producer"] = f"workstation {__version__} (pikepdf)"
        meta["xmp:CreatorTool"] = f"workstation {__version__}"
        meta["xmp:CreateDate"] = now
        meta["xmp:ModifyDate"] = now
