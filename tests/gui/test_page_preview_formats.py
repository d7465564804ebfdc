"""The preview shows every page of every format the file chooser offers, off the UI thread.

A TIFF page used to crash the whole program (a Qt image reader outliving the
buffer it read, on the ``io`` thread); pages now come from the core's one
decoder, the same that accepted the file at intake.
"""

from __future__ import annotations

import pytest

from tests.page_samples import FORMATS, WIDTH, page_file
from workstation.domain import Document, Page
from workstation.store.blobs import sha256_of
from workstation.ui.dossiers.page_preview import PagePreview

pytestmark = pytest.mark.gui


@pytest.mark.parametrize("kind", list(FORMATS))
def test_each_page_of_each_offered_format_is_shown(qtbot, services, kind) -> None:
    _, _, _, media_type, pages = FORMATS[kind]
    data = page_file(kind)
    services.blobs.put(data)
    document = Document(
        sha256=sha256_of(data),
        media_type=media_type,
        file_name=f"scan-{kind}",
        size_bytes=len(data),
        pages=tuple(Page(number=n) for n in range(1, pages + 1)),
    )
    preview = PagePreview(services.blobs)
    qtbot.addWidget(preview)
    preview.resize(600, 800)
    preview.show()
    for number in range(1, pages + 1):
        with qtbot.waitSignal(preview.page_shown, timeout=20_000) as shown:
            if number == 1:
                preview.show_document(document)
            else:
                preview.page_box.setValue(number)
        assert shown.args == [number], preview.page_label.text()
        assert not preview.pixmap().isNull()
        image = preview.image
        if media_type != "application/pdf":
            assert image.width() == WIDTH
        scale = image.width() / WIDTH
        assert (
            image.pixelColor(int(200 * scale), int((100 + 40 * number - 10) * scale)).value() < 60
        )
        assert image.pixelColor(int(20 * scale), int(20 * scale)).value() > 200
