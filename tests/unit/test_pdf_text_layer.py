"""The invisible text layer: codes written, and where words go."""

from __future__ import annotations

import unicodedata

import numpy as np

from workstation.scan.ocr import Word, parse_tsv
from workstation.scan.pdf import encode_page, text_layer


def page_with(words: list[Word]):  # type: ignore[no-untyped-def]
    white = np.full((300, 600), 255, np.uint8)
    return encode_page(np.dstack([white] * 3), white, 300, "bw", words)


def test_decomposed_letters_are_written_composed() -> None:
    decomposed = unicodedata.normalize("NFD", "Nguyễn")
    assert len(decomposed) > len("Nguyễn")
    layer = text_layer(page_with([Word(decomposed, 10, 10, 100, 30, 90.0, (1, 1, 1))]))
    assert "<004E006700750079" + "1EC5" + "006E>" in layer  # N g u y ễ n


def test_words_are_drawn_invisibly_at_their_box() -> None:
    layer = text_layer(page_with([Word("Hà", 300, 150, 60, 30, 90.0, (1, 1, 1))]))
    assert "3 Tr" in layer
    # 300 px at 300 dpi is 72 pt from the left; the line's bottom (180 px) is 43.2 pt
    # above the bottom of a 300 px (72 pt) page.
    assert "1 0 0 1 72.00 28.80 Tm" in layer


def test_a_page_without_words_has_no_text_layer() -> None:
    assert text_layer(page_with([])) == ""


def test_tesseract_tsv_rows_become_words_and_other_levels_are_skipped() -> None:
    tsv = (
        "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext\n"
        "4\t1\t1\t1\t1\t0\t10\t10\t200\t30\t-1\t\n"
        "5\t1\t1\t1\t1\t1\t10\t10\t80\t30\t96.5\tĐăng\n"
        "5\t1\t1\t1\t1\t2\t100\t10\t40\t30\t91\tký\n"
        "5\t1\t1\t1\t1\t3\t150\t10\t5\t30\t-1\t \n"
    )
    words = parse_tsv(tsv)
    assert [w.text for w in words] == ["Đăng", "ký"]
    assert words[0].confidence == 96.5 and words[1].left == 100
