"""Fixtures for the GUI tests: real widgets over a real store, and leak checks.

Every GUI test fails if, once its widgets are closed, background work is still
in flight, an executor thread is still alive, or a ``QTimer`` it started is
still running, whatever object the timer belongs to (as napari's fixtures do:
``QTimer.start`` is wrapped to remember every timer started). Windows the test
left behind are then deleted, so a leak is blamed on the test that made it,
not on the next one. Vietnamese is typed one ``QKeyEvent`` per character:
``qtbot.keyClicks`` aborts on non-Latin-1 text.
"""

from __future__ import annotations

import gc
import io
import threading
import weakref
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path

import pytest
import shiboken6
from PIL import Image, ImageDraw
from PySide6.QtCore import QEvent, Qt, QThreadPool, QTimer
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QWidget

from workstation.domain import Applicant, Dossier, clock
from workstation.intake.receive import NewDossier, receive_dossier
from workstation.services import Services
from workstation.ui import background
from workstation.ui.dossiers.section import DossiersSection

SAMPLE_PROCEDURE = "1.001193"


def _describe(timer: QTimer) -> str:
    parent = timer.parent()
    owner = type(parent).__name__ if parent is not None else "no parent"
    return f"{timer.objectName() or 'QTimer'} under {owner}, {timer.interval()} ms"


@pytest.fixture(autouse=True)
def garbage_collected_on_ui_thread() -> Iterator[None]:
    """As in the running window: Python's collector never runs on a worker thread.

    A worker that collects a cycle holding a Qt object deadlocked the suite (see
    ``workstation.ui.collector``). Collection is off during the test and runs
    here, on the UI thread, after everything else has been torn down.
    """
    gc.disable()
    try:
        yield
    finally:
        gc.collect()
        gc.enable()


@pytest.fixture(autouse=True)
def no_leftover_threads_or_timers(
    garbage_collected_on_ui_thread: None, qapp: QApplication, monkeypatch: pytest.MonkeyPatch
) -> Iterator[None]:
    """Fail a test that leaves background work, a worker thread or a running QTimer behind."""
    threads_before = set(threading.enumerate())
    started: weakref.WeakSet[QTimer] = weakref.WeakSet()
    start = QTimer.start

    def recording_start(timer: QTimer, *args: object) -> None:
        started.add(timer)
        start(timer, *args)

    monkeypatch.setattr(QTimer, "start", recording_start)
    yield
    # pytest-qt has closed the widgets registered with qtbot by now.
    idle = background.wait_for_idle(10_000)
    background.shutdown()
    for widget in QApplication.topLevelWidgets():
        if widget.isVisible():  # not registered with qtbot: keep it from the next test's screen
            widget.close()
    timers = [_describe(t) for t in list(started) if shiboken6.isValid(t) and t.isActive()]
    for timer in list(started):
        if shiboken6.isValid(timer):
            timer.stop()  # do not let it fire into the next test
    # Delete the windows the test made (popups and tooltips belong to Qt's own objects).
    for widget in QApplication.topLevelWidgets():
        if widget.parent() is None and widget.windowType() in (
            Qt.WindowType.Window,
            Qt.WindowType.Dialog,
        ):
            widget.deleteLater()
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    new_threads = [t.name for t in set(threading.enumerate()) - threads_before if t.is_alive()]
    assert idle, "background work was still running at the end of the test"
    assert not background.worker_threads(), "an executor thread outlived the test"
    assert not new_threads, f"threads left running: {new_threads}"
    assert QThreadPool.globalInstance().activeThreadCount() == 0, "QThreadPool still busy"
    assert not timers, f"QTimers left running: {timers}"


@pytest.fixture
def services(services: Services) -> Iterator[Services]:
    """The shared real services, closed only once the background work on them is done."""
    yield services
    background.wait_for_idle(10_000)


@pytest.fixture
def type_text() -> Callable[[QWidget, str], None]:
    """Type ``text`` into a widget one QKeyEvent per character (safe for Vietnamese)."""

    def type_into(widget: QWidget, text: str) -> None:
        for ch in text:
            for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
                event = QKeyEvent(kind, Qt.Key.Key_unknown, Qt.KeyboardModifier.NoModifier, ch)
                QApplication.sendEvent(widget, event)

    return type_into


@pytest.fixture
def receive(services: Services, sample_page: Path) -> Callable[..., Dossier]:
    """Receive a dossier through the core, as the counter would: ``receive(name, files=...)``."""

    def receive_one(name: str, files: list[Path] | None = None, minutes_ago: int = 0) -> Dossier:
        return receive_dossier(
            services.database,
            services.blobs,
            services.catalogue,
            NewDossier(
                procedure_code=SAMPLE_PROCEDURE,
                applicant=Applicant(name=name),
                files=files or [sample_page],
                received_at=clock.now() - timedelta(minutes=minutes_ago),
            ),
        )

    return receive_one


@pytest.fixture
def pdf_file(tmp_path: Path) -> Path:
    """A two-page PDF made with Pillow, with something drawn on each page."""
    pages = []
    for number in (1, 2):
        page = Image.new("RGB", (827, 1169), "white")
        draw = ImageDraw.Draw(page)
        draw.rectangle((80, 80, 747, 200), outline="black", width=4)
        draw.text((100, 120), f"Trang {number}", fill="black")
        pages.append(page)
    path = tmp_path / "giay-chung-sinh.pdf"
    buffer = io.BytesIO()
    pages[0].save(buffer, "PDF", resolution=100.0, save_all=True, append_images=pages[1:])
    path.write_bytes(buffer.getvalue())
    return path


@pytest.fixture
def damaged_pdf(tmp_path: Path) -> Path:
    path = tmp_path / "hong.pdf"
    path.write_bytes(b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> garbage\n%%EOF")
    return path


@pytest.fixture
def section(qtbot, services: Services) -> DossiersSection:
    """The dossiers section, shown, with its first page of the list loaded."""
    section = DossiersSection(services)
    qtbot.addWidget(section)
    section.resize(1200, 800)
    section.show()
    with qtbot.waitSignal(section.model.page_loaded):
        pass
    return section
