"""A result PDF whose signer block (title, space, name) sits where a layout puts it."""

from __future__ import annotations

from pathlib import Path

FONT = Path("/usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf")


def result_pdf(path: Path, title_at: tuple[float, float], pages: int = 1) -> Path:
    """An A4 result whose last page has "CHỦ TỊCH" at ``title_at`` (x, y from the top, in
    points) and the signer's name 110 pt under it; earlier pages hold body text."""
    from fpdf import FPDF

    pdf = FPDF(unit="pt", format="A4")
    pdf.add_font("serif", fname=str(FONT))
    pdf.set_font("serif", size=12)
    for number in range(pages):
        pdf.add_page()
        pdf.text(72, 100, f"QUYẾT ĐỊNH — trang {number + 1}")
    x, y = title_at
    pdf.text(x, y, "CHỦ TỊCH")
    pdf.text(x - 10, y + 110, "Nguyễn Văn Ký")
    pdf.output(str(path))
    return path
