"""Benchmark: the longest UI-thread stall while the capture view takes a 30-page batch.

A ``QTimer`` heartbeat (every 5 ms) runs on the UI thread while the capture
view scans a batch from the demo feeder (30 sheets of the bundled Vietnamese
sample pages, 200 dpi A4) and processes every page (clean-up, Tesseract,
encoding, thumbnail) until the last thumbnail is shown; the longest gap
between two beats, less the interval, is the longest stall the officer could
feel. The reference, in the same run, is what a naive implementation gives:
the same batch and the same per-page work (:func:`workstation.scan.review.process_for_review`)
done on the UI thread, one page at a time, letting the event loop run between
pages. Target: under 200 ms for ours.

Run: ``PYTHONPATH=src QT_QPA_PLATFORM=offscreen python bench/capture_ui_stall.py [--pages 30]``.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import statistics
import tempfile
import time
from pathlib import Path

HEARTBEAT_MS = 5


class Heartbeat:
    """Records the gaps between beats of a fast timer on the UI thread."""

    def __init__(self) -> None:
        from PySide6.QtCore import Qt, QTimer

        self.timer = QTimer()
        self.timer.setTimerType(Qt.TimerType.PreciseTimer)
        self.timer.setInterval(HEARTBEAT_MS)
        self.timer.timeout.connect(self._beat)
        self.gaps: list[float] = []
        self._last = 0.0

    def start(self) -> None:
        self._last = time.perf_counter()
        self.timer.start()

    def stop(self) -> None:
        self.timer.stop()
        self._beat()

    def _beat(self) -> None:
        now = time.perf_counter()
        self.gaps.append(now - self._last)
        self._last = now

    @property
    def longest_stall_ms(self) -> float:
        return max(0.0, max(self.gaps) * 1000 - HEARTBEAT_MS)

    @property
    def p99_stall_ms(self) -> float:
        ordered = sorted(self.gaps)
        return max(0.0, ordered[int(len(ordered) * 0.99)] * 1000 - HEARTBEAT_MS)


def run_view(services, pages: int) -> tuple[Heartbeat, float]:  # type: ignore[no-untyped-def]
    """Our capture view: scan on the device's executor, pages in the process pool."""
    from PySide6.QtCore import QEventLoop

    from workstation.scan.devices.demo import DemoFeeder
    from workstation.ui.capture.capture_view import CaptureView
    from workstation.ui.capture.pages import PageState

    services = dataclasses.replace(
        services, open_capture_device=lambda _id: DemoFeeder(sheets=pages)
    )
    view = CaptureView(services)
    view.show()
    loop = QEventLoop()
    view.devices_loaded.connect(loop.quit)
    view.load_devices()
    loop.exec()
    view.choose("demo", "demo")

    def finished() -> bool:
        return (
            not view.runs
            and len(view.pages) == pages
            and all(p.state is not PageState.PROCESSING for p in view.pages.values())
        )

    done = QEventLoop()
    view.page_processed.connect(lambda _id: done.quit() if finished() else None)
    view.batch_finished.connect(lambda _d: done.quit() if finished() else None)
    beat = Heartbeat()
    started = time.perf_counter()
    beat.start()
    view.scan()
    done.exec()
    beat.stop()
    elapsed = time.perf_counter() - started
    failed = [p for p in view.pages.values() if p.state is not PageState.READY]
    if failed:
        raise SystemExit(f"{len(failed)} page(s) failed in the capture view")
    view.close()
    view.deleteLater()
    return beat, elapsed


def run_naive(services, pages: int, folder: Path) -> tuple[Heartbeat, float]:  # type: ignore[no-untyped-def]
    """The reference: the same batch and per-page work on the UI thread."""
    from PySide6.QtGui import QIcon, QImage, QPixmap
    from PySide6.QtWidgets import QApplication, QListWidget, QListWidgetItem

    from workstation.scan.devices.demo import DemoFeeder
    from workstation.scan.devices.profiles import profile
    from workstation.scan.pipeline import DigitizeOptions
    from workstation.scan.policy import policy_for
    from workstation.scan.review import ReviewJob, process_for_review, sources_of

    chosen = profile("demo")
    options = DigitizeOptions(
        language=services.settings.ocr_languages, jobs=1, colour=chosen.colour,
        purpose=chosen.purpose, deskew=chosen.deskew, blank_threshold=chosen.blank_threshold,
    )  # fmt: skip
    policy = policy_for(chosen.purpose)
    strip = QListWidget()
    strip.show()
    beat = Heartbeat()
    started = time.perf_counter()
    beat.start()
    for page in DemoFeeder(sheets=pages).scan(chosen.settings(), folder):
        for source in sources_of(page.path):
            reviewed = process_for_review(ReviewJob(source, options, policy))
            item = QListWidgetItem(f"{strip.count() + 1}")
            item.setIcon(QIcon(QPixmap.fromImage(QImage.fromData(reviewed.thumbnail))))
            strip.addItem(item)
        QApplication.processEvents()
    beat.stop()
    elapsed = time.perf_counter() - started
    strip.close()
    strip.deleteLater()
    return beat, elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=30)
    args = parser.parse_args()

    home = Path(tempfile.mkdtemp(prefix="capture-stall-"))
    os.environ["WORKSTATION_HOME"] = str(home)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

    from PySide6.QtWidgets import QApplication

    from workstation.services import open_services
    from workstation.ui import background

    app = QApplication.instance() or QApplication([])
    services = open_services()
    try:
        ours, ours_s = run_view(services, args.pages)
        naive, naive_s = run_naive(services, args.pages, home / "naive")
    finally:
        background.shutdown()
        services.close()
    del app

    print(f"capture view, {args.pages}-page batch from the demo feeder (200 dpi A4, OCR on)")
    print(f"{'':34}{'ours':>12}{'naive (UI thread)':>20}{'ratio':>10}")
    rows = [
        ("longest UI stall (ms)", ours.longest_stall_ms, naive.longest_stall_ms),
        ("99th percentile stall (ms)", ours.p99_stall_ms, naive.p99_stall_ms),
        ("median beat gap (ms)", statistics.median(ours.gaps) * 1000,
         statistics.median(naive.gaps) * 1000),
        ("batch, scan to last page (s)", ours_s, naive_s),
        ("pages per minute", args.pages / ours_s * 60, args.pages / naive_s * 60),
    ]  # fmt: skip
    for label, mine, theirs in rows:
        ratio = theirs / mine if mine else float("inf")
        print(f"{label:34}{mine:12.1f}{theirs:20.1f}{ratio:9.1f}x")
    verdict = "met" if ours.longest_stall_ms < 200 else "NOT met"
    print(f"target: longest stall under 200 ms during the batch: {verdict}")


if __name__ == "__main__":
    main()
