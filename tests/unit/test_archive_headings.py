"""The national heading found at the top of a page's OCR text: the sign of a document's first
page, and so of a separator sheet that may have been missed."""

from __future__ import annotations

from workstation.archive.headings import has_national_heading
from workstation.scan.ocr import Word

HEIGHT = 1754


def row(text: str, top: int, number: int, left: int = 100) -> list[Word]:
    words = []
    for position, part in enumerate(text.split()):
        words.append(Word(part, left + position * 60, top, 50, 20, 90.0, (number, 0, 0)))
    return words


def test_the_heading_beside_the_agency_at_the_top_is_found_despite_ocr_slips() -> None:
    words = (
        row("ỦY BAN NHÂN DÂN", 100, 1)
        + row("CONG HOA XA H0I CHU NGHIA VIET NAM", 100, 2, left=700)
        + row("XÃ AN BÌNH", 140, 3)
        + row("Độc lập - Tự do - Hạnh phúe", 140, 4, left=800)
        + row("Tên hộ kinh doanh: cửa hàng tạp hóa", 400, 5)
    )
    assert has_national_heading(words, HEIGHT)


def test_one_line_of_the_heading_alone_is_not_enough() -> None:
    words = row("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", 100, 1) + row("Tờ trình", 140, 2)
    assert not has_national_heading(words, HEIGHT)


def test_the_heading_further_down_the_page_or_under_other_text_is_not_a_first_page() -> None:
    heading = row("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", 900, 1) + row(
        "Độc lập - Tự do - Hạnh phúc", 940, 2
    )
    assert not has_national_heading(heading, HEIGHT)
    body = [row(f"Dòng nội dung số {n} của văn bản", 100 + n * 40, 10 + n) for n in range(4)]
    quoted = (
        [w for line in body for w in line]
        + [w for w in row("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", 300, 20)]
        + row("Độc lập - Tự do - Hạnh phúc", 340, 21)
    )
    assert not has_national_heading(quoted, HEIGHT)


def test_a_page_without_text_has_no_heading() -> None:
    assert not has_national_heading([], HEIGHT)
