"""Process pools for CPU-bound work (OpenCV clean-up, Tesseract OCR).

Pools always start their workers with ``spawn``: forking a process after Qt has
started threads can deadlock, and the frozen Windows build can only spawn.
Each worker runs with ``OMP_THREAD_LIMIT=1``, because Tesseract's OpenMP
threads fighting over two cores made it 5-6 times slower.
"""

from __future__ import annotations

import multiprocessing
import multiprocessing.connection
import os
import threading
from concurrent.futures import ProcessPoolExecutor

START_METHOD = "spawn"


def _initialise_worker() -> None:
    os.environ["OMP_THREAD_LIMIT"] = "1"
    _exit_with_parent()


def _exit_with_parent() -> None:
    """End this worker when the program that started it ends, however it ended.

    A worker holds both ends of its task queue, so it never sees the program
    killed (SIGKILL, a crash): it would wait forever, holding memory and the
    program's inherited pipes.
    """
    parent = multiprocessing.parent_process()
    if parent is None:
        return

    def watch() -> None:
        multiprocessing.connection.wait([parent.sentinel])
        os._exit(1)

    threading.Thread(target=watch, name="exit-with-parent", daemon=True).start()


def default_workers() -> int:
    """One worker per core, at least one."""
    return max(1, os.cpu_count() or 1)


def process_pool(max_workers: int | None = None) -> ProcessPoolExecutor:
    """A process pool started with ``spawn`` whose workers limit OpenMP to one thread."""
    return ProcessPoolExecutor(
        max_workers=max_workers or default_workers(),
        mp_context=multiprocessing.get_context(START_METHOD),
        initializer=_initialise_worker,
    )
