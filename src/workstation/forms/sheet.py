"""The page every form is printed on: fonts, header, codes, field lines, tables, signatures.

Built on fpdf2: pure Python (nothing to compile on Windows), embeds a subset
of a TrueType font (so every Vietnamese glyph prints and the file stays
small), draws tables that break across pages with their heading repeated, and
draws vector rectangles for the Code 39 and QR symbols, which then stay sharp
at any printer's resolution. The QR code's modules come from zxing-cpp's
encoder (already used to read ID cards); Code 39 is fpdf2's own.

Layout follows Decree 30/2020 Annex I for administrative documents: A4,
left margin 25 mm, right 15 mm, the issuing agency top left, the national
motto top right, place and date under the motto, the title centred.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from urllib.parse import quote

import zxingcpp
from fpdf import FPDF
from fpdf.enums import XPos, YPos

from workstation.errors import BadInput
from workstation.forms.model import Agency
from workstation.forms.texts import FONT_STYLES, FormTexts, font_files

FAMILY = "FormSerif"
LEFT, RIGHT, TOP, BOTTOM = 25.0, 15.0, 15.0, 18.0
BODY_SIZE = 12.5
LINE = 6.2
QR_SIZE = 24.0
PAYMENT_QR_SIZE = 30.0  # a VietQR payload is longer than the status address: more modules
BARCODE_NARROW = 0.2  # mm: 8 mil, read by counter scanners and at 300 dpi
BARCODE_HEIGHT = 11.0
CODE39 = set("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ-. $/+%")


def printable(text: str | None) -> str:
    """``text`` in NFC (fonts map precomposed Vietnamese letters; shaping is not needed)."""
    return unicodedata.normalize("NFC", text or "")


def status_address(agency: Agency, code: str) -> str:
    """What the QR code holds: the status lookup address with the dossier code.

    ``{code}`` in the address is replaced; otherwise the code is appended. With
    no address configured, the QR code holds the dossier code alone.
    """
    quoted = quote(code, safe="")
    if "{code}" in agency.status_url:
        return agency.status_url.replace("{code}", quoted)
    return agency.status_url + quoted


class Sheet(FPDF):
    """An A4 page (portrait or landscape) with the forms' font and a footer naming the form."""

    def __init__(self, texts: FormTexts, on: date, landscape: bool = False) -> None:
        super().__init__(orientation="L" if landscape else "P", unit="mm", format="A4")
        # The line after a multi_cell starts under it (fpdf2 would continue to its right).
        self._next = {"new_x": XPos.LEFT, "new_y": YPos.NEXT}
        self.texts = texts
        for style, path in zip(FONT_STYLES, font_files(on), strict=True):
            self.add_font(FAMILY, style, str(path))
        self.set_margins(LEFT, TOP, RIGHT)
        self.set_auto_page_break(True, BOTTOM)
        self.set_font(FAMILY, "", BODY_SIZE)
        self.set_creator("Một Cửa workstation")
        self.set_title(printable(texts["title"]))
        self.add_page()

    @property
    def width(self) -> float:
        """Width between the margins."""
        return self.w - self.l_margin - self.r_margin

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font(FAMILY, "I", 8.5)
        self.set_text_color(90)
        label = f"{self.texts['number']} · {self.texts.footer_source}"
        self.cell(self.width / 2, 5, printable(label))
        self.cell(self.width / 2, 5, f"{self.page_no()}/{{nb}}", align="R")
        self.set_text_color(0)

    # Header ------------------------------------------------------------

    def header_block(self, agency: Agency, code: str | None, day: date) -> None:
        """Agency and motto side by side, then the code and the place and date."""
        top = self.get_y()
        left_w, right_w = self.width * 0.42, self.width * 0.58
        if agency.parent:
            self.set_font(FAMILY, "", 12)
            self.multi_cell(left_w, 5.5, printable(agency.parent).upper(), align="C", **self._next)
        self.set_font(FAMILY, "B", 12)
        self.multi_cell(left_w, 5.5, printable(agency.name).upper(), align="C", **self._next)
        self._rule(self.l_margin + left_w * 0.3, left_w * 0.4)
        left_bottom = self.get_y()
        self.set_xy(self.l_margin + left_w, top)
        self.set_font(FAMILY, "B", 12)
        self.cell(right_w, 5.5, printable(self.texts["motto"]), align="C")
        self.set_xy(self.l_margin + left_w, top + 5.5)
        self.set_font(FAMILY, "B", 13)
        motto = printable(self.texts["motto_line"])
        self.cell(right_w, 6, motto, align="C")
        line_w = self.get_string_width(motto)
        self.set_y(top + 11.5)
        self._rule(self.l_margin + left_w + (right_w - line_w) / 2, line_w)
        self.set_y(max(left_bottom, self.get_y()) + 2.5)
        row = self.get_y()
        if code:
            self.set_font(FAMILY, "", 12)
            self.cell(left_w, 6, printable(f"{self.texts['code']}: {code}"), align="C")
        self.set_xy(self.l_margin + left_w, row)
        self.set_font(FAMILY, "I", 12.5)
        self.cell(right_w, 6, printable(self.texts.date_line(agency.place, day)), align="C")
        self.set_y(row + 8)
        self.set_font(FAMILY, "", BODY_SIZE)

    def _rule(self, x: float, width: float) -> None:
        y = self.get_y() + 1.2
        self.set_line_width(0.3)
        self.line(x, y, x + width, y)
        self.set_y(y + 1)

    # Dossier code as symbols --------------------------------------------

    def code_symbols(self, agency: Agency, code: str) -> None:
        """The Code 39 barcode of ``code`` on the left, the status QR code on the right."""
        text = code.upper()
        if not set(text) <= CODE39:
            raise BadInput(
                "the dossier code has characters Code 39 cannot carry",
                code="forms.code_not_printable",
            )
        top = self.get_y()
        wide = BARCODE_NARROW * 3
        symbol_w = (len(text) + 2) * (3 * wide + 7 * BARCODE_NARROW)
        x = self.l_margin + (self.width * 0.42 - symbol_w) / 2
        self.set_fill_color(0)
        self.code39(f"*{text}*", x=max(self.l_margin, x), y=top + 3, w=wide, h=BARCODE_HEIGHT)
        self.set_xy(self.l_margin, top + 4 + BARCODE_HEIGHT)
        self.set_font(FAMILY, "", 10)
        self.cell(self.width * 0.42, 5, text, align="C")
        qr_x = self.l_margin + self.width - QR_SIZE - 18
        self._qr(status_address(agency, code), qr_x, top)
        self.set_xy(self.l_margin + self.width * 0.42, top + QR_SIZE + 0.5)
        self.set_font(FAMILY, "I", 8.5)
        self.cell(self.width * 0.58, 4, printable(self.texts["scan_hint"]), align="R")
        self.set_y(top + QR_SIZE + 6)
        self.set_font(FAMILY, "", BODY_SIZE)

    def payment_symbol(self, payload: str, hint: str) -> None:
        """The VietQR payment code at the left margin, ``hint`` beside it (kept on one page)."""
        if self.get_y() + PAYMENT_QR_SIZE + 4 > self.page_break_trigger:
            self.add_page()
        top = self.get_y() + 1
        self._qr(payload, self.l_margin, top, PAYMENT_QR_SIZE)
        self.set_xy(self.l_margin + PAYMENT_QR_SIZE + 5, top + PAYMENT_QR_SIZE / 2 - LINE)
        self.set_font(FAMILY, "I", 11)
        self.multi_cell(self.width - PAYMENT_QR_SIZE - 5, 5.5, printable(hint), **self._next)
        self.set_xy(self.l_margin, top + PAYMENT_QR_SIZE + 2)
        self.set_font(FAMILY, "", BODY_SIZE)

    def _qr(self, payload: str, x: float, y: float, side: float = QR_SIZE) -> None:
        symbol = zxingcpp.create_barcode(payload, zxingcpp.BarcodeFormat.QRCode, ec_level="M")
        modules = [
            [value < 128 for value in row]
            for row in _rows(symbol.to_image(scale=1, add_quiet_zones=False))
        ]
        size = side / len(modules)
        self.set_fill_color(0)
        for r, row in enumerate(modules):
            c = 0
            while c < len(row):  # one rectangle per run of dark modules
                if not row[c]:
                    c += 1
                    continue
                start = c
                while c < len(row) and row[c]:
                    c += 1
                self.rect(x + start * size, y + r * size, (c - start) * size, size, "F")

    # Body ----------------------------------------------------------------

    def title_block(self, *subtitles: str) -> None:
        self.ln(2)
        self.set_font(FAMILY, "B", 14)
        self.multi_cell(self.width, 7, printable(self.texts["title"]), align="C", **self._next)
        self.set_font(FAMILY, "I", 12)
        for line in subtitles:
            self.multi_cell(self.width, 6, printable(line), align="C", **self._next)
        self.ln(3)
        self.set_font(FAMILY, "", BODY_SIZE)

    def paragraph(self, text: str, style: str = "") -> None:
        self.set_font(FAMILY, style, BODY_SIZE)
        self.multi_cell(self.width, LINE, printable(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_font(FAMILY, "", BODY_SIZE)

    def field(self, label: str, value: str | None) -> None:
        """``Label: value``, the value in bold (a dotted blank when missing), wrapping as needed."""
        self.set_x(self.l_margin)
        self.set_font(FAMILY, "", BODY_SIZE)
        self.write(LINE, printable(f"{label}: "))
        self.set_font(FAMILY, "B", BODY_SIZE)
        self.write(LINE, printable(value) or str(self.texts["blank"]))
        self.set_font(FAMILY, "", BODY_SIZE)
        self.ln(LINE)

    def table(
        self,
        columns: Sequence[str],
        rows: Sequence[Sequence[str]],
        widths: Sequence[float],
        align: Sequence[str],
        size: float = 11.5,
    ) -> None:
        """A bordered table whose heading repeats on each page it runs onto."""
        self.set_font(FAMILY, "", size)
        with super().table(
            col_widths=tuple(widths),
            text_align=tuple(align),
            line_height=size * 0.45,
            padding=1.2,
            width=self.width,
            align="LEFT",
            headings_style=_bold_heading(),
            v_align="M",
        ) as table:
            heading = table.row()
            for name in columns:
                heading.cell(printable(name), align="C")
            for values in rows:
                row = table.row()
                for value in values:
                    row.cell(printable(value))
        self.ln(2)
        self.set_font(FAMILY, "", BODY_SIZE)

    def signatures(self, *blocks: tuple[str, str | None]) -> None:
        """Signature blocks side by side: a title, "(Ký và ghi rõ họ tên)", room, the name."""
        if self.get_y() + 42 > self.page_break_trigger:
            self.add_page()
        self.ln(4)
        top = self.get_y()
        width = self.width / len(blocks)
        for index, (title, name) in enumerate(blocks):
            x = self.l_margin + index * width
            self.set_xy(x, top)
            self.set_font(FAMILY, "B", 12)
            self.multi_cell(width, 6, printable(title), align="C", **self._next)
            self.set_x(x)
            self.set_font(FAMILY, "I", 11)
            self.multi_cell(
                width, 5, printable(self.texts["signature_hint"]), align="C", **self._next
            )
            if name:
                self.set_xy(x, top + 34)
                self.set_font(FAMILY, "B", 12)
                self.multi_cell(width, 6, printable(name), align="C", **self._next)
        self.set_y(top + 42)
        self.set_font(FAMILY, "", BODY_SIZE)

    def save(self, path: Path | None = None) -> bytes:
        """The PDF's bytes, also written to ``path`` when given."""
        data = bytes(self.output())
        if path is not None:
            path.write_bytes(data)
        return data


def _rows(image) -> list[list[int]]:  # type: ignore[no-untyped-def]
    """Rows of grey values of a zxing-cpp image (it exposes the buffer protocol)."""
    view = memoryview(image)
    height, width = view.shape[0], view.shape[1]
    flat = view.tobytes()
    return [list(flat[r * width : (r + 1) * width]) for r in range(height)]


def _bold_heading():  # type: ignore[no-untyped-def]
    from fpdf.fonts import FontFace

    return FontFace(family=FAMILY, emphasis="BOLD")
