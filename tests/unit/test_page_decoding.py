"""Page images decode to the pixels Pillow reads, whichever decoder takes them."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from workstation.scan import specimens
from workstation.scan.inputs import load_page, page_sources


@pytest.mark.parametrize("mode", ["RGB", "L", "P", "RGBA", "1"])
def test_a_png_page_decodes_to_the_pixels_pillow_reads(mode: str, tmp_path: Path) -> None:
    page = specimens.add_seal(specimens.text_page(5, size_mm=(60.0, 80.0), lines=6))
    path = tmp_path / f"page-{mode}.png"
    Image.fromarray(page.image).convert(mode).save(path, dpi=(300, 300))
    pixels, dpi = load_page(page_sources([path])[0])
    with Image.open(path) as image:
        expected = np.asarray(image.convert("RGB"))
    assert dpi == 300
    assert pixels.shape == expected.shape and np.array_equal(pixels, expected)
