"""Printable separator sheets: one A4 page per record, put in front of it in the stack.

Each sheet carries both separators a capture station may look for: a tall
Code 39 barcode reading ``PATCHT`` (the industry's patch-T convention, which
document scanners and capture software split on), and a large QR code holding
the record's metadata as versioned JSON (:func:`~workstation.archive.metadata.qr_payload`),
so splitting also fills in the record. The same metadata is printed in words
for the clerk, in the forms' Vietnamese serif font (embedded). The QR code is
drawn as vector rectangles, sharp at any printer resolution.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import zxingcpp
from fpdf import FPDF
from fpdf.enums import XPos, YPos

from workstation.archive.metadata import RecordMetadata, field_specs, qr_payload
from workstation.forms.sheet import printable
from workstation.forms.texts import FONT_STYLES, font_files

PATCH_T = "PATCHT"
FAMILY = "SheetSerif"
QR_MM = 80.0
"""Large, so a dense payload still has modules of a millimetre or more (read at 100 dpi)."""
BAR_NARROW = 0.6
BAR_HEIGHT = 30.0


class _SeparatorPdf(FPDF):
    def __init__(self) -> None:
        super().__init__(orientation="P", unit="mm", format="A4")
        for style, path in zip(FONT_STYLES, font_files(date.today()), strict=True):
            self.add_font(FAMILY, style, str(path))
        self.set_margins(20, 15, 20)
        self.set_auto_page_break(False)
        self.set_creator("Một Cửa workstation")
        self.set_title("Tờ phân cách hồ sơ lưu trữ")

    def qr(self, payload: str, x: float, y: float, size: float) -> None:
        symbol = zxingcpp.create_barcode(payload, zxingcpp.BarcodeFormat.QRCode, ec_level="M")
        view = memoryview(symbol.to_image(scale=1, add_quiet_zones=False))
        height, width = view.shape[0], view.shape[1]
        flat = view.tobytes()
        module = size / width
        self.set_fill_color(0)
        for r in range(height):
            row = flat[r * width : (r + 1) * width]
            c = 0
            while c < width:  # one rectangle per run of dark modules
                if row[c] >= 128:
                    c += 1
                    continue
                start = c
                while c < width and row[c] < 128:
                    c += 1
                self.rect(x + start * module, y + r * module, (c - start) * module, module, "F")


def _labels() -> dict[str, str]:
    return {spec["key"]: spec["vi"] for spec in field_specs()["record"]}


def _shown(record: RecordMetadata, key: str) -> str:
    value = getattr(record, key)
    if value is None or value == "":
        return ""
    if isinstance(value, date):
        return f"{value.day:02d}/{value.month:02d}/{value.year}"
    return str(value)


def separator_sheets(records: list[RecordMetadata | None], out: Path | None = None) -> bytes:
    """One separator sheet per record as a PDF; written to ``out`` when given.

    A ``None`` record gives a plain patch-T sheet, as scanner vendors print
    them: the heading and the Code 39 only, no metadata (the split finds the
    record's boundary and asks the clerk for its metadata).
    """
    pdf = _SeparatorPdf()
    labels = _labels()
    for number, record in enumerate(records, start=1):
        pdf.add_page()
        pdf.set_font(FAMILY, "B", 18)
        pdf.cell(
            0, 10, printable("TỜ PHÂN CÁCH HỒ SƠ"), align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT
        )
        pdf.set_font(FAMILY, "I", 11)
        pdf.cell(0, 6, f"{number}/{len(records)}", align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        wide = BAR_NARROW * 3
        bar_w = (len(PATCH_T) + 2) * (3 * wide + 7 * BAR_NARROW)
        pdf.set_fill_color(0)
        pdf.code39(f"*{PATCH_T}*", x=(pdf.w - bar_w) / 2, y=36, w=wide, h=BAR_HEIGHT)
        if record is None:
            continue
        pdf.qr(qr_payload(record), (pdf.w - QR_MM) / 2, 36 + BAR_HEIGHT + 10, QR_MM)
        pdf.set_y(36 + BAR_HEIGHT + 10 + QR_MM + 8)
        for key in ("archive_code", *labels):
            if key == "archive_code":
                label, value = "Mã hồ sơ", record.archive_code
            else:
                label, value = labels[key], _shown(record, key)
            if not value:
                continue
            pdf.set_font(FAMILY, "", 11.5)
            pdf.write(6, printable(f"{label}: "))
            pdf.set_font(FAMILY, "B", 11.5)
            pdf.write(6, printable(value[:300]))
            pdf.ln(6.5)
    data = bytes(pdf.output())
    if out is not None:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_bytes(data)
    return data
