"""The detail panel: whole dossier loaded in the background, page images and PDFs shown."""

from __future__ import annotations

import pytest

from workstation.errors import BadInput
from workstation.i18n import tr
from workstation.ui.dossiers.dossier_detail import DossierDetail
from workstation.ui.dossiers.render import render_page

pytestmark = pytest.mark.gui


def test_selecting_a_dossier_in_the_list_shows_its_page_image(qtbot, receive, section):
    dossier = receive("Nguyễn Thị Hồng Nhung")
    with qtbot.waitSignal(section.model.page_loaded):
        section.model.reload()
    with qtbot.waitSignal(section.detail.dossier_shown) as blocker:
        assert section.list_view.select_dossier(dossier.id)
    assert blocker.args == [dossier.id]
    detail = section.detail
    pixmap = detail.preview.pixmap()
    assert not pixmap.isNull()
    assert pixmap.width() > 0 and pixmap.height() > 0
    assert detail.preview.image.width() == 1654  # the sample is A4 at 200 dpi
    assert detail.fields["procedure"].text() == "1.001193 — Đăng ký khai sinh"
    assert detail.fields["applicant"].text() == "Nguyễn Thị Hồng Nhung (Công dân)"
    assert detail.fields["status"].text() == "Đã tiếp nhận"
    assert detail.fields["channel"].text() == "Trực tiếp"
    assert detail.fields["owner"].text() == "Là người nộp hồ sơ"
    assert detail.fields["collection"].text() == "Trực tiếp tại Bộ phận Một cửa"
    component = detail.components.topLevelItem(0)
    assert component.text(0) == "Tờ khai đăng ký khai sinh"
    assert component.text(1) == "Đã số hóa"
    assert component.child(0).text(0) == "to-khai-khai-sinh.png"


def test_pdf_dossier_renders_its_pages(qtbot, services, receive, pdf_file):
    dossier = receive("Trần Minh Đức", files=[pdf_file])
    detail = DossierDetail(services.database, services.blobs, services.catalogue)
    qtbot.addWidget(detail)
    detail.resize(800, 900)
    detail.show()
    with qtbot.waitSignal(detail.dossier_shown):
        detail.show_dossier(dossier.id)
    preview = detail.preview
    assert not preview.pixmap().isNull()
    assert preview.image.width() > 0
    assert preview.page_box.maximum() == 2
    assert preview.page_box.isEnabled()
    # The page is paper: rendered on white, with the drawn frame in black.
    assert preview.image.pixelColor(5, 5).name() == "#ffffff"
    with qtbot.waitSignal(preview.page_shown) as blocker:
        preview.page_box.setValue(2)
    assert blocker.args == [2]
    assert not preview.pixmap().isNull()


def test_missing_stored_file_is_said_in_the_panel(qtbot, services, receive):
    dossier = receive("Lê Thị Hoa")
    sha = dossier.components[0].documents[0].sha256
    services.blobs._path(sha).unlink()
    detail = DossierDetail(services.database, services.blobs, services.catalogue)
    qtbot.addWidget(detail)
    with qtbot.waitSignal(detail.dossier_shown):
        detail.show_dossier(dossier.id)
    assert detail.preview.pixmap().isNull()
    assert detail.preview.page_label.text() == tr("error.store.blob_missing")


def test_unknown_dossier_is_said_in_the_panel(qtbot, services):
    detail = DossierDetail(services.database, services.blobs, services.catalogue)
    qtbot.addWidget(detail)
    expected = tr("error.dossier.not_found", dossier="no-such-dossier")
    detail.show_dossier("no-such-dossier")
    qtbot.waitUntil(lambda: detail.placeholder.text() == expected)


def test_render_page_refuses_bytes_that_are_no_image(qtbot):
    with pytest.raises(BadInput) as caught:
        render_page(b"not an image", "image/png", 1, "x.png")
    assert caught.value.code == "preview.unreadable"
    with pytest.raises(BadInput) as caught:
        render_page(b"%PDF-1.4 broken", "application/pdf", 1, "x.pdf")
    assert caught.value.code == "preview.unreadable"


def test_page_count_reads_as_english_in_english(qtbot, services, receive, pdf_file):
    from workstation import i18n

    i18n.set_language("en")
    dossier = receive("Trần Minh Đức", files=[pdf_file])
    single = receive("Lê Thị Hoa")
    detail = DossierDetail(services.database, services.blobs, services.catalogue)
    qtbot.addWidget(detail)
    with qtbot.waitSignal(detail.dossier_shown):
        detail.show_dossier(dossier.id)
    assert detail.components.topLevelItem(0).child(0).text(1) == "2 pages"
    with qtbot.waitSignal(detail.dossier_shown):
        detail.show_dossier(single.id)
    assert detail.components.topLevelItem(0).child(0).text(1) == "1 page"
