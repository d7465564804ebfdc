"""The capture view on real parts: SANE's test scanner, the demo feeder, a hot folder, the store.

Pages go through the real process pool (clean-up, Tesseract, encoding); the
tests wait on the view's signals or on its state, never sleep.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Iterator
from pathlib import Path

import pypdf
import pytest
from PIL import Image
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QTimer
from PySide6.QtGui import QDropEvent
from PySide6.QtWidgets import QApplication

from tests.devices.test_files_demo_profiles import _text_pdf
from tests.gui.capture_helpers import SANE_TEST, sane_test_scanner, write_profiles
from tests.integration.test_receive_dossier import receive
from tests.page_samples import page_file
from workstation.i18n import translate
from workstation.scan.devices.base import DeviceInfo
from workstation.scan.specimens import add_seal, text_page
from workstation.services import Services
from workstation.store.documents import page_captures
from workstation.store.outbox import pending
from workstation.ui.background import EXECUTORS
from workstation.ui.capture.capture_view import CaptureView
from workstation.ui.capture.page_strip import MIME_TYPE
from workstation.ui.capture.pages import PageState

BATCH_TIMEOUT_MS = 120_000


@pytest.fixture
def sane(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = sane_test_scanner(tmp_path / "sane")
    monkeypatch.setenv("SANE_CONFIG_DIR", str(folder))
    return folder


def open_view(qtbot, services: Services) -> CaptureView:  # type: ignore[no-untyped-def]
    view = CaptureView(services)
    qtbot.addWidget(view)
    view.resize(1100, 800)
    view.show()
    qtbot.waitExposed(view)
    view.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is view)
    with qtbot.waitSignal(view.devices_loaded, timeout=30_000):
        view.load_devices()
    return view


@pytest.fixture
def view(qtbot, services: Services, sane: Path) -> Iterator[CaptureView]:  # type: ignore[no-untyped-def]
    write_profiles(
        services,
        flatbed={"source": "flatbed", "dpi": 200},
        feeder={"source": "adf", "dpi": 200},
    )
    yield open_view(qtbot, services)


def all_processed(view: CaptureView) -> bool:
    return bool(view.pages) and all(
        p.state is not PageState.PROCESSING for p in view.pages.values()
    )


def scan_and_process(qtbot, view: CaptureView, device: str, profile: str) -> None:  # type: ignore[no-untyped-def]
    view.choose(device, profile)
    with qtbot.waitSignal(view.batch_finished, timeout=BATCH_TIMEOUT_MS):
        view.scan()
    qtbot.waitUntil(lambda: all_processed(view), timeout=BATCH_TIMEOUT_MS)


def key(qtbot, view: CaptureView, which: Qt.Key, modifier=Qt.KeyboardModifier.NoModifier) -> None:  # type: ignore[no-untyped-def]
    view.strip.setFocus()
    qtbot.keyClick(view.strip, which, modifier)


def test_device_list_offers_the_sane_test_scanner_and_the_demo_feeder(view: CaptureView) -> None:
    ids = [view.device_box.itemData(i) for i in range(view.device_box.count())]
    assert SANE_TEST in ids and "demo" in ids
    assert "files" not in ids


def test_ten_page_batch_never_freezes_the_event_loop_for_two_seconds(
    qtbot, view: CaptureView
) -> None:
    gaps: list[float] = []
    last = [time.monotonic()]

    def beat() -> None:
        now = time.monotonic()
        gaps.append(now - last[0])
        last[0] = now

    heartbeat = QTimer()
    heartbeat.setInterval(20)
    heartbeat.timeout.connect(beat)
    heartbeat.start()
    try:
        scan_and_process(qtbot, view, SANE_TEST, "feeder")
    finally:
        heartbeat.stop()
    assert len(view.pages) == 10
    assert all(p.state is PageState.READY for p in view.pages.values())
    assert all(not view.strip.item(row).icon().isNull() for row in range(10))
    assert max(gaps) < 2.0, f"the event loop froze for {max(gaps):.2f} s"


def test_pages_are_shown_and_processed_while_the_feeder_still_runs(
    qtbot, view: CaptureView, sane: Path
) -> None:
    sane_test_scanner(sane, read_delay_us=40_000)  # about 3 s per page
    view.choose(SANE_TEST, "feeder")
    with qtbot.waitSignal(view.page_processed, timeout=BATCH_TIMEOUT_MS):
        view.scan()
    assert view.runs, "the batch had ended before its first page was processed"
    assert not view.strip.item(0).icon().isNull()
    assert view.progress.maximum() >= 1
    with qtbot.waitSignal(view.batch_finished, timeout=BATCH_TIMEOUT_MS):
        view.cancel()
    qtbot.waitUntil(lambda: all_processed(view), timeout=BATCH_TIMEOUT_MS)


def test_keyboard_moves_turns_and_deletes_pages(qtbot, view: CaptureView) -> None:
    scan_and_process(qtbot, view, "demo", "demo")
    first, second, third = view.strip.page_ids()
    view.strip.setCurrentRow(0)
    key(qtbot, view, Qt.Key.Key_Right, Qt.KeyboardModifier.ControlModifier)
    assert view.strip.page_ids() == [second, first, third]
    assert view.strip.item(1).text().startswith(translate("capture_ui.page.label", number=2))

    key(qtbot, view, Qt.Key.Key_R)
    assert view.pages[first].quarter_turns == 1
    with qtbot.waitSignal(view.page_processed, timeout=BATCH_TIMEOUT_MS):
        pass
    turned = view.pages[first].result
    assert turned is not None and turned.encoded.pixel_width > turned.encoded.pixel_height

    key(qtbot, view, Qt.Key.Key_Delete)
    assert view.strip.page_ids() == [second, third]
    assert first not in view.pages


def test_dropping_a_dragged_page_puts_it_where_it_was_dropped(qtbot, view: CaptureView) -> None:
    scan_and_process(qtbot, view, "demo", "demo")
    first, second, third = view.strip.page_ids()
    mime = view.strip.mimeData([view.strip.item(2)])
    assert mime.hasFormat(MIME_TYPE)
    target = view.strip.visualItemRect(view.strip.item(0))
    drop = QDropEvent(
        QPointF(target.left() + 2, target.center().y()),
        Qt.DropAction.MoveAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    view.strip.dropEvent(drop)
    assert view.strip.page_ids() == [third, first, second]
    assert drop.dropAction() != Qt.DropAction.MoveAction  # the drag's source removes nothing
    assert len(view.pages) == 3


def test_a_drop_without_our_pages_changes_nothing(qtbot, view: CaptureView) -> None:
    scan_and_process(qtbot, view, "demo", "demo")
    before = view.strip.page_ids()
    mime = QMimeData()
    mime.setText("3,2,1")
    drop = QDropEvent(
        QPointF(QPoint(5, 5)),
        Qt.DropAction.MoveAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    view.strip.dropEvent(drop)
    assert view.strip.page_ids() == before


def test_rescanned_page_takes_the_selected_pages_place(qtbot, view: CaptureView) -> None:
    scan_and_process(qtbot, view, "demo", "demo")
    first, second, third = view.strip.page_ids()
    view.strip.setCurrentRow(1)
    view.choose(SANE_TEST, "flatbed")
    with qtbot.waitSignal(view.batch_finished, timeout=BATCH_TIMEOUT_MS):
        key(
            qtbot,
            view,
            Qt.Key.Key_R,
            Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
        )
    ids = view.strip.page_ids()
    assert len(ids) == 3 and ids[0] == first and ids[2] == third
    assert ids[1] not in (first, second, third)
    assert view.pages[ids[1]].device_id == SANE_TEST


def test_manual_duplex_interleaves_fronts_and_reversed_backs(qtbot, view: CaptureView) -> None:
    scan_and_process(qtbot, view, "demo", "demo")
    fronts = view.strip.page_ids()
    scan_and_process(qtbot, view, "demo", "demo")
    backs = view.strip.page_ids()[3:]
    key(
        qtbot,
        view,
        Qt.Key.Key_D,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    assert view.strip.page_ids() == [
        fronts[0], backs[2], fronts[1], backs[1], fronts[2], backs[0],
    ]  # fmt: skip


def test_uneven_duplex_is_refused_with_a_vietnamese_reason(qtbot, view: CaptureView) -> None:
    scan_and_process(qtbot, view, "demo", "demo")
    before = view.strip.page_ids()
    view.interleave()
    assert view.strip.page_ids() == before
    assert view.message.text() == translate("error.capture.duplex_uneven", "vi", fronts=2, backs=1)


def test_blank_page_is_flagged_for_review_never_dropped_and_kept_on_request(
    qtbot, view: CaptureView, sane: Path
) -> None:
    sane_test_scanner(sane, picture="Solid white")
    scan_and_process(qtbot, view, SANE_TEST, "flatbed")
    (page_id,) = view.strip.page_ids()
    page = view.pages[page_id]
    assert page.flagged_blank
    assert translate("capture_ui.page.blank", "vi") in view.strip.item(0).text()
    assert translate("capture.warning.blank", "vi") in view.strip.item(0).toolTip()

    view.strip.clearSelection()
    key(qtbot, view, Qt.Key.Key_F3)
    assert view.strip.selected_ids() == [page_id]
    assert translate("capture.warning.blank", "vi") in view.details.text()
    with qtbot.waitSignal(view.page_processed, timeout=BATCH_TIMEOUT_MS):
        key(qtbot, view, Qt.Key.Key_B)
    assert not page.flagged_blank and page.not_blank
    assert page.result is not None and not page.result.report.blank
    assert view.strip.page_ids() == [page_id]


def test_cancel_mid_batch_keeps_every_page_already_captured(
    qtbot, view: CaptureView, sane: Path
) -> None:
    sane_test_scanner(sane, read_delay_us=20_000)
    view.choose(SANE_TEST, "feeder")
    with qtbot.waitSignal(view.page_arrived, timeout=BATCH_TIMEOUT_MS):
        view.scan()
    with qtbot.waitSignal(view.batch_finished, timeout=BATCH_TIMEOUT_MS):
        qtbot.keyClick(view.strip, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: all_processed(view), timeout=BATCH_TIMEOUT_MS)
    captured = list(view.pages.values())
    assert 1 <= len(captured) < 10
    assert all(p.state is PageState.READY for p in captured)
    assert all(Path(p.source.path).is_file() for p in captured)
    assert view.message.text() == ""  # a cancel is silent
    assert not view.cancel_button.isEnabled()


def test_two_batches_on_one_scanner_run_one_after_the_other(qtbot, view: CaptureView) -> None:
    events: list[str] = []
    view.page_arrived.connect(lambda _id: events.append("page"))
    view.batch_finished.connect(lambda _device: events.append("end"))
    view.choose("demo", "demo")
    view.scan()
    view.scan()
    assert len(view.runs) == 2
    qtbot.waitUntil(lambda: not view.runs, timeout=BATCH_TIMEOUT_MS)
    assert events == ["page"] * 3 + ["end"] + ["page"] * 3 + ["end"]
    assert EXECUTORS["scanner:demo"] == 1
    qtbot.waitUntil(lambda: all_processed(view), timeout=BATCH_TIMEOUT_MS)


def test_two_scanners_work_side_by_side(qtbot, view: CaptureView, sane: Path) -> None:
    sane_test_scanner(sane, read_delay_us=20_000)
    view.choose(SANE_TEST, "feeder")
    view.scan()
    view.choose("demo", "demo")
    with qtbot.waitSignal(
        view.batch_finished, timeout=BATCH_TIMEOUT_MS, check_params_cb=lambda d: d == "demo"
    ):
        view.scan()
    assert [run.device_id for run in view.runs] == [SANE_TEST]  # still scanning meanwhile
    view.cancel()
    qtbot.waitUntil(lambda: not view.runs, timeout=BATCH_TIMEOUT_MS)
    qtbot.waitUntil(lambda: all_processed(view), timeout=BATCH_TIMEOUT_MS)


def test_a_scanner_that_does_not_answer_is_told_in_vietnamese(
    qtbot, services: Services, sane: Path
) -> None:
    missing = DeviceInfo("sane:test:9", "Máy quét đã tắt", "sane")
    services = dataclasses.replace(services, capture_devices=lambda: [missing])
    write_profiles(services, feeder={"source": "adf", "dpi": 200})
    view = open_view(qtbot, services)
    view.choose(missing.id, "feeder")
    with qtbot.waitSignal(view.batch_finished, timeout=BATCH_TIMEOUT_MS):
        view.scan()
    assert view.message.text() == translate("error.device.gone", "vi", pages=0)
    assert not view.pages


def test_an_unreadable_page_is_marked_with_a_vietnamese_reason_and_blocks_saving(
    qtbot, services: Services, tmp_path: Path, sample_page: Path
) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "a.png").write_bytes(sample_page.read_bytes())
    (inbox / "b.png").write_bytes(sample_page.read_bytes()[:2000])  # cut off while copying
    device = DeviceInfo(f"hotfolder:{inbox}", "Thư mục quét", "hotfolder")
    services = dataclasses.replace(services, capture_devices=lambda: [device])
    write_profiles(services, feeder={"source": "adf", "dpi": 200})
    view = open_view(qtbot, services)
    scan_and_process(qtbot, view, device.id, "feeder")
    states = sorted(p.state for p in view.pages.values())
    assert states == [PageState.FAILED, PageState.READY]
    failed = next(p for p in view.pages.values() if p.state is PageState.FAILED)
    assert failed.error == translate("error.capture.damaged", "vi", file=2)
    assert translate("capture_ui.page.failed", "vi") in view.strip.item(1).text()
    assert view.message.text() == failed.error
    view.save_pdf(tmp_path / "out.pdf")
    assert view.message.text() == translate("capture_ui.save.failed_pages", "vi")
    assert not (tmp_path / "out.pdf").exists()


def test_saved_into_a_dossier_component_with_each_pages_measurements(
    qtbot, view: CaptureView, services: Services, sample_page: Path, type_text
) -> None:
    dossier = receive(services, sample_page)
    scan_and_process(qtbot, view, "demo", "demo")
    reports = [view.pages[i].result.report for i in view.strip.page_ids()]  # type: ignore[union-attr]
    expected = [(r.dpi, r.colour, r.skew_deg, r.blank, r.ocr_confidence) for r in reports]
    type_text(view.dossier_edit, f"#{dossier.number}")
    type_text(view.component_edit, "1")
    with qtbot.waitSignal(view.document_added, timeout=BATCH_TIMEOUT_MS) as added:
        key(qtbot, view, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    document = added.args[0]
    assert document.page_count == 3
    with services.database.reading() as session:
        captures = page_captures(session, document.id)
        queued = pending(session)
    assert [(c.dpi, c.colour, c.skew_deg, c.blank, c.ocr_confidence) for c in captures] == expected
    assert [m.kind for m in queued][-1] == "document.added"
    assert not view.pages and view.strip.count() == 0


def test_saved_as_a_standalone_pdfa_in_the_strips_order(
    qtbot, view: CaptureView, tmp_path: Path
) -> None:
    scan_and_process(qtbot, view, "demo", "demo")
    view.strip.setCurrentRow(0)
    view.delete_selected()
    out = tmp_path / "so-hoa.pdf"
    with qtbot.waitSignal(view.saved, timeout=BATCH_TIMEOUT_MS):
        view.save_pdf(out)
    reader = pypdf.PdfReader(out)
    assert len(reader.pages) == 2
    assert b"pdfaid" in reader.xmp_metadata.stream.get_data()


def test_imported_image_and_pdf_pages_join_the_batch_and_are_processed_like_scans(
    qtbot, view: CaptureView, tmp_path: Path
) -> None:
    scan_and_process(qtbot, view, "demo", "demo")
    scanned = view.strip.page_ids()
    image = tmp_path / "trang.png"
    image.write_bytes(page_file("png"))
    scans = tmp_path / "ban-quet.pdf"
    scans.write_bytes(page_file("pdf"))  # two bare page images, no text layer
    view.profile_box.setCurrentIndex(view.profile_box.findData("flatbed"))
    with qtbot.waitSignal(view.batch_finished, timeout=BATCH_TIMEOUT_MS) as ended:
        view.import_files([image, scans])
    assert ended.args == ["files"]
    qtbot.waitUntil(lambda: all_processed(view), timeout=BATCH_TIMEOUT_MS)
    ids = view.strip.page_ids()
    assert len(ids) == len(scanned) + 3 and ids[: len(scanned)] == scanned
    imported = [view.pages[i] for i in ids[len(scanned) :]]
    assert all(p.state is PageState.READY and p.device_id == "files" for p in imported)
    assert all(not view.strip.item(row).icon().isNull() for row in range(len(ids)))
    assert [p.source.kind for p in imported] == ["image", "pdf", "pdf"]
    assert view.message.text() == ""
    out = tmp_path / "gop.pdf"
    with qtbot.waitSignal(view.saved, timeout=BATCH_TIMEOUT_MS):
        view.save_pdf(out)
    assert len(pypdf.PdfReader(out).pages) == len(ids)


def test_an_imported_pdf_with_a_text_layer_is_told_and_not_merged_with_the_pages(
    qtbot, view: CaptureView, tmp_path: Path
) -> None:
    signed_or_typed = tmp_path / "van-ban.pdf"
    _text_pdf(signed_or_typed)
    image = tmp_path / "trang.png"
    image.write_bytes(page_file("png"))
    view.profile_box.setCurrentIndex(view.profile_box.findData("flatbed"))
    with qtbot.waitSignal(view.batch_finished, timeout=BATCH_TIMEOUT_MS):
        view.import_files([signed_or_typed, image])
    qtbot.waitUntil(lambda: all_processed(view), timeout=BATCH_TIMEOUT_MS)
    kept, page = (view.pages[i] for i in view.strip.page_ids())
    assert kept.state is PageState.FAILED
    assert kept.error == translate("error.device.pdf_kept", "vi")
    assert page.state is PageState.READY
    view.save_pdf(tmp_path / "out.pdf")
    assert view.message.text() == translate("capture_ui.save.failed_pages", "vi")


def test_c_cycles_a_pages_colour_and_a_seal_keeps_its_page_in_colour(
    qtbot, view: CaptureView, tmp_path: Path
) -> None:
    plain = text_page(1, dpi=200, lines=12)
    sealed = add_seal(text_page(2, dpi=200, lines=12))
    files = []
    for name, page in (("plain.png", plain), ("sealed.png", sealed)):
        Image.fromarray(page.image).save(tmp_path / name, dpi=(200, 200))
        files.append(tmp_path / name)
    view.profile_box.setCurrentIndex(view.profile_box.findData("flatbed"))
    with qtbot.waitSignal(view.batch_finished, timeout=BATCH_TIMEOUT_MS):
        view.import_files(files)
    qtbot.waitUntil(lambda: all_processed(view), timeout=BATCH_TIMEOUT_MS)
    first, second = (view.pages[i] for i in view.strip.page_ids())

    def press_c_on(row: int) -> None:
        view.strip.setCurrentRow(row)
        with qtbot.waitSignal(view.page_processed, timeout=BATCH_TIMEOUT_MS):
            key(qtbot, view, Qt.Key.Key_C)

    press_c_on(0)
    assert first.colour == "color" and first.result.report.colour == "colour"  # type: ignore[union-attr]
    press_c_on(0)
    assert first.colour == "gray" and first.result.report.colour == "gray"  # type: ignore[union-attr]
    assert translate("capture_ui.details.colour_choice", "vi", choice="xám") in view.details.text()
    press_c_on(0)
    assert first.colour == "auto" and first.result.report.colour == "bw"  # type: ignore[union-attr]

    for _ in range(3):
        press_c_on(1)
    assert second.colour == "auto"
    assert second.result is not None and second.result.report.colour == "colour"
    assert translate("capture_ui.details.colour_kept", "vi") in view.details.text()
    press_c_on(1)
    assert second.colour is None


def test_every_page_action_has_a_shortcut(view: CaptureView) -> None:
    actions = [
        view.scan_action, view.import_action, view.cancel_action, view.earlier_action,
        view.later_action,
        view.rotate_left_action, view.rotate_right_action, view.delete_action,
        view.rescan_action, view.next_blank_action, view.keep_action, view.colour_action,
        view.interleave_action, view.save_dossier_action, view.save_pdf_action,
    ]  # fmt: skip
    assert all(not action.shortcut().isEmpty() for action in actions)
    assert len({action.shortcut().toString() for action in actions}) == len(actions)
    QApplication.processEvents()


def test_section_lists_devices_when_first_shown_and_reports_a_filed_document(
    qtbot, services: Services, sane: Path
) -> None:
    from workstation.ui.capture.section import CaptureSection

    section = CaptureSection(services)
    qtbot.addWidget(section)
    assert section.view.device_box.count() == 0
    with qtbot.waitSignal(section.view.devices_loaded, timeout=30_000):
        section.show()
    assert section.view.device_box.findData("demo") >= 0
    with qtbot.waitSignal(section.store_changed, timeout=1_000):
        section.view.document_added.emit(object())
