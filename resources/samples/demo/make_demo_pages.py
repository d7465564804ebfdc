"""Regenerate the demo feeder's pages (committed; nothing runs this at install or test time).

    PYTHONPATH=src .venv/bin/python resources/samples/demo/make_demo_pages.py

Two A5 pages of Vietnamese administrative text at 200 dpi, the second with a
red seal, drawn with :mod:`workstation.scan.specimens`.
"""

from pathlib import Path

from PIL import Image

from workstation.scan.specimens import add_seal, text_page

HERE = Path(__file__).parent
A5 = (148.0, 210.0)


def main() -> None:
    first = text_page(1, dpi=200, size_mm=A5, lines=14, point_size=11, margin_mm=15)
    second = add_seal(text_page(2, dpi=200, size_mm=A5, lines=10, point_size=11, margin_mm=15))
    Image.fromarray(first.image).convert("L").save(HERE / "trang-1.png", dpi=(200, 200), optimize=True)
    Image.fromarray(second.image).save(HERE / "trang-2.png", dpi=(200, 200), optimize=True)


if __name__ == "__main__":
    main()
