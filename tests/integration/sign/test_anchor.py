"""Placing the signer's box by a text on the page, found with PDFium, and signed there."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.integration.sign.conftest import one_page_pdf
from tests.integration.sign.result_pages import result_pdf
from workstation.errors import BadInput
from workstation.sign.anchor import Anchor, anchored_box, box_at_anchor, find_anchor

A4 = (595.28, 841.89)


def test_anchor_text_is_found_on_the_last_page_where_the_layout_put_it(tmp_path: Path) -> None:
    pdf = result_pdf(tmp_path / "kq.pdf", (380, 600), pages=2)
    anchor = find_anchor(pdf.read_bytes(), "chủ tịch")  # any case, Vietnamese letters
    assert anchor is not None and anchor.page == 1
    x1, y1, x2, _y2 = anchor.box
    assert 375 <= x1 <= 385 and x2 > x1 + 40
    assert abs(y1 - (A4[1] - 600)) < 6  # PDF points from the bottom: 600 pt from the top


def test_box_goes_under_the_anchor_centred_on_it(tmp_path: Path) -> None:
    pdf = result_pdf(tmp_path / "kq.pdf", (100, 500))
    page, box = anchored_box(pdf.read_bytes(), "CHỦ TỊCH", 200, 110)
    anchor = find_anchor(pdf.read_bytes(), "CHỦ TỊCH")
    assert anchor is not None and page == 0
    assert box[3] <= anchor.box[1]  # its top is under the text
    assert abs((box[0] + box[2]) / 2 - (anchor.box[0] + anchor.box[2]) / 2) < 1
    assert box[2] - box[0] == 200 and box[3] - box[1] == 110


def test_box_near_the_edge_stays_on_the_page() -> None:
    anchor = Anchor(0, (560, 40, 590, 52), A4)
    x1, y1, x2, _y2 = box_at_anchor(anchor, 200, 110)
    assert x1 >= 0 and x2 <= A4[0] and y1 >= 0


def test_missing_anchor_text_is_refused_with_its_code(tmp_path: Path) -> None:
    pdf = one_page_pdf(tmp_path / "blank.pdf")
    with pytest.raises(BadInput) as caught:
        anchored_box(pdf.read_bytes(), "CHỦ TỊCH", 200, 110)
    assert caught.value.code == "sign.anchor_not_found"


def test_signature_is_placed_at_the_anchor_by_the_command_line(
    tmp_path: Path, token, monkeypatch, capsys
) -> None:
    import json

    from pyhanko.pdf_utils.reader import PdfFileReader

    from workstation.cli import main

    pdf = result_pdf(tmp_path / "kq.pdf", (360, 560))
    monkeypatch.setenv("TEST_TOKEN_PIN", token.pin)
    code = main(
        ["sign", str(pdf), "-o", str(tmp_path / "out"), "--module", str(token.module),
         "--token", token.label, "--key", "signer", "--pin-env", "TEST_TOKEN_PIN",
         "--appearance", "signer", "--title", "CHỦ TỊCH", "--name", "Nguyễn Văn Ký",
         "--anchor", "CHỦ TỊCH", "--json"]
    )  # fmt: skip
    out = json.loads(capsys.readouterr().out)
    assert code == 0, out
    anchor = find_anchor(pdf.read_bytes(), "CHỦ TỊCH")
    with (tmp_path / "out" / "kq.pdf").open("rb") as f:
        sig = PdfFileReader(f).embedded_signatures[0]
        rect = (
            [float(v) for v in sig.sig_field["/Kids"][0]["/Rect"]]
            if "/Kids" in (sig.sig_field)
            else [float(v) for v in sig.sig_field["/Rect"]]
        )
    assert anchor is not None
    assert rect[3] <= anchor.box[1] + 0.5
    assert rect[0] < (anchor.box[0] + anchor.box[2]) / 2 < rect[2]
