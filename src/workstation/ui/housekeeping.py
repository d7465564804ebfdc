"""Upkeep the store needs while the window stays open all day: :class:`Housekeeping`.

Receiving clears what it leaves behind at every start
(:func:`workstation.services.open_services`), but a counter PC often runs for
days without a restart, and an abandoned dialog or a refused save leaves a
citizen's file in the blob store. So the window runs
:func:`workstation.intake.cleanup.clean_up_blobs` again every
:data:`CLEAN_UP_EVERY_MS`, on the ``db`` executor like every other use of the
store. At the same turn it queues the audit log's chain head for the central
system (:func:`workstation.audit.queue_head`, only when the chain grew) and
runs the retention purge (:func:`workstation.retention.apply` with the
settings' periods: local copies the central system confirmed, once their
period has passed), and removes the plain working copies (``viewing/``,
:mod:`workstation.store.sealed_files`) older than an hour; that folder is
emptied when the housekeeping starts and stops (the window's start and exit);
at start it also removes capture batches (``capture/``) untouched for an hour.
A failed clean-up, head or purge is logged by code and retried at the next
turn: it never interrupts the officer.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from PySide6.QtCore import QObject, QTimer, Signal

from workstation.audit import QueuedHead, queue_head, workstation_name
from workstation.intake.cleanup import CleanUp, clean_up_blobs
from workstation.retention import Periods, Purge, apply
from workstation.services import Services
from workstation.store import sealed_files
from workstation.ui.background import BackgroundTask, run_in_background
from workstation.ui.errors import error_code

log = logging.getLogger(__name__)

CLEAN_UP_EVERY_MS = 60 * 60 * 1000
"""Once an hour: as often as an unreferenced blob becomes old enough to go."""
PLAIN_COPIES_KEPT = timedelta(hours=1)
"""How long a plain working copy (a PDF open in a viewer, a reused document) may stay."""


class Housekeeping(QObject):
    """Runs the blob clean-up on a timer; ``cleaned(result)`` after each run.

    Each turn also queues the audit log's head: ``head_queued(QueuedHead | None)``, and
    runs the retention purge: ``purged(Purge)``.
    """

    cleaned = Signal(object)
    failed = Signal(str)
    head_queued = Signal(object)
    purged = Signal(object)

    def __init__(
        self,
        services: Services,
        parent: QObject | None = None,
        interval_ms: int = CLEAN_UP_EVERY_MS,
    ) -> None:
        super().__init__(parent)
        self._services = services
        self.timer = QTimer(self)
        self.timer.setObjectName("housekeeping")
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self.clean_up_now)
        self.timer.timeout.connect(self.queue_audit_head_now)
        self.timer.timeout.connect(self.apply_retention_now)

    def start(self) -> None:
        self._empty_plain_folder()
        try:  # pages of a capture the window was closed on, or a crash left: plain
            sealed_files.remove_stale_captures(self._services.folders.data, PLAIN_COPIES_KEPT)
        except OSError as exc:
            log.warning("housekeeping: stale captures not removed [%s]", type(exc).__name__)
        self.timer.start()

    def stop(self) -> None:
        self.timer.stop()
        self._empty_plain_folder()
        remove_scans = getattr(self._services.scan_into, "remove_scans", None)
        if remove_scans is not None:  # pages scanned for a dossier not received
            remove_scans()

    def _empty_plain_folder(self, older_than: timedelta = timedelta(0)) -> None:
        try:
            sealed_files.empty_plain_folder(self._services.folders.data, older_than)
        except OSError as exc:
            log.warning("housekeeping: plain working copies not removed [%s]", type(exc).__name__)

    def clean_up_now(self) -> BackgroundTask:
        """Start one clean-up in the background (also what the timer does)."""
        database, blobs = self._services.database, self._services.blobs
        data = self._services.folders.data

        def clean_up() -> CleanUp:
            sealed_files.empty_plain_folder(data, PLAIN_COPIES_KEPT)
            return clean_up_blobs(database, blobs)

        return run_in_background(self, clean_up, self._cleaned, self._failed)

    def queue_audit_head_now(self) -> BackgroundTask:
        """Queue the audit log's chain head for the central system, in the background."""
        database, name = self._services.database, workstation_name(self._services.settings)

        def queue() -> QueuedHead | None:
            return queue_head(database, name)

        return run_in_background(self, queue, self.head_queued.emit, self._head_failed)

    def apply_retention_now(self) -> BackgroundTask:
        """Run the retention purge with the settings' periods, in the background."""
        services = self._services
        database, blobs, data = services.database, services.blobs, services.folders.data
        periods = Periods.from_settings(services.settings)

        def purge() -> Purge:
            return apply(database, blobs, data, periods)

        return run_in_background(self, purge, self.purged.emit, self._purge_failed)

    def _purge_failed(self, exc: BaseException) -> None:
        log.warning(
            "housekeeping: retention purge failed [%s]; trying again later", error_code(exc)
        )
        self.failed.emit(error_code(exc))

    def _head_failed(self, exc: BaseException) -> None:
        log.warning("housekeeping: audit head not queued [%s]; trying again later", error_code(exc))
        self.failed.emit(error_code(exc))

    def _cleaned(self, result: CleanUp) -> None:
        if result.blobs or result.interrupted_writes:
            log.info(
                "housekeeping removed %d unreferenced blob(s), %d interrupted write(s)",
                result.blobs,
                result.interrupted_writes,
            )
        self.cleaned.emit(result)

    def _failed(self, exc: BaseException) -> None:
        code = error_code(exc)
        log.warning("housekeeping: blob clean-up failed [%s]; trying again later", code)
        self.failed.emit(code)
