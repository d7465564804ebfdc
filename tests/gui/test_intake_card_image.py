"""Filling the applicant from a scanned or photographed chip ID card at the intake view."""

from __future__ import annotations

from pathlib import Path

from tests.gui.test_intake_view import CARD, open_view
from tests.integration.test_cccd_images import card_scan
from workstation.services import Services


def test_a_photographed_card_fills_the_applicant_as_the_reader_does(
    qtbot, services: Services, tmp_path: Path
) -> None:
    photo = tmp_path / "photo.jpg"
    card_scan(CARD, angle=-12.0, noise=10.0).convert("RGB").save(photo, quality=80)
    view = open_view(qtbot, services)
    with qtbot.waitSignal(view.card_read, timeout=20_000):
        view.read_card_image(photo)
    assert view.name_edit.text() == "Khuất Lưu Huy Nhật"
    assert view.id_number_edit.text() == "049202000284"
    assert view.address_edit.text() == "Cẩm Bào, Cẩm Yên, Thạch Thất, Hà Nội"
    assert "24/02/2002" in view.card_label.text() and "Nam" in view.card_label.text()
    assert view.card is not None and view.card.id_number == "049202000284"
    assert view.message("card") == []


def test_an_image_without_a_card_is_refused_in_vietnamese_and_changes_nothing(
    qtbot, services: Services, tmp_path: Path
) -> None:
    from PIL import Image

    blank = tmp_path / "blank.png"
    Image.new("L", (600, 400), 240).save(blank)
    view = open_view(qtbot, services)
    view.name_edit.setText("Nguyễn Văn An")
    with qtbot.waitSignal(view.card_read, timeout=20_000):
        view.read_card_image(blank)
    assert view.message("card") and "Không tìm thấy mã QR" in view.message("card")[0]
    assert view.name_edit.text() == "Nguyễn Văn An" and view.id_number_edit.text() == ""
    assert view.card is None


def test_a_file_that_is_no_image_is_refused_at_the_card_field(
    qtbot, services: Services, tmp_path: Path
) -> None:
    notes = tmp_path / "notes.png"
    notes.write_text("not an image", encoding="utf-8")
    view = open_view(qtbot, services)
    with qtbot.waitSignal(view.card_read, timeout=20_000):
        view.read_card_image(notes)
    assert view.message("card") and "Không đọc được ảnh" in view.message("card")[0]
    assert view.name_edit.text() == ""
