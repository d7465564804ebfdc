"""The tray icon and its notices: what needs the officer, told without looking at the window.

:class:`Notifier` observes the workstation every :data:`OBSERVE_MS` (tokens on
``io`` when a PKCS#11 module is set, then the store on ``db``:
:func:`workstation.notices.observe`) and shows what
:func:`workstation.notices.choose_notices` picks as new. Where the desktop has a
system tray (:meth:`QSystemTrayIcon.isSystemTrayAvailable`) a tray icon carries
the central system's state in its tooltip and shows each notice as a balloon;
where it has none (some Linux desktops, the offscreen platform) the notice is
shown in the window's status bar instead. The ``notifications`` setting (``off``)
silences both; the status bar's own counts stay.
"""

from __future__ import annotations

import logging
from functools import partial

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QIcon, QPainter, QPixmap
from PySide6.QtWidgets import QMainWindow, QSystemTrayIcon

from workstation.domain import clock
from workstation.i18n import tr
from workstation.notices import Notice, Observation, choose_notices, observe, token_serials
from workstation.services import Services
from workstation.ui.background import run_in_background

log = logging.getLogger(__name__)

OBSERVE_MS = 60_000
BALLOON_MS = 10_000
STATE_COLOURS = {"online": "#2e7d32", "offline": "#c62828"}
"""The tray icon's colour by the central system's state; any other state: grey."""


def _icon(state: str) -> QIcon:
    pixmap = QPixmap(32, 32)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setBrush(QColor("#1565c0"))
    painter.setPen(Qt.PenStyle.NoPen)
    painter.drawRoundedRect(2, 2, 28, 28, 6, 6)
    painter.setBrush(QColor(STATE_COLOURS.get(state, "#9e9e9e")))
    painter.drawEllipse(18, 18, 12, 12)
    painter.end()
    return QIcon(pixmap)


def _tokens_present(pkcs11_module: str) -> frozenset[str] | None:
    """The configured module's token serials (``io``); None when they cannot be listed."""
    try:
        return token_serials(pkcs11_module)
    except Exception as exc:  # a module that fails now is unknown now, not an error dialog
        log.info("tokens not listed for the notices: %s", exc.__class__.__name__)
        return None


class Notifier(QObject):
    """Observes the workstation on a timer and tells the officer what is new."""

    notified = Signal(object)  # a Notice, once shown (tray balloon or status bar)
    observed = Signal(object)  # an Observation, after each look

    def __init__(
        self, services: Services, window: QMainWindow, *, use_tray: bool | None = None
    ) -> None:
        """``use_tray``: put notices in the system tray; None: where the desktop has one."""
        super().__init__(window)
        self.services = services
        self.window = window
        self.enabled = services.settings.notifications == "on"
        self.last: Observation | None = None
        self.shown: list[str] = []
        self._observing = False
        self.tray: QSystemTrayIcon | None = None
        if use_tray is None:
            use_tray = QSystemTrayIcon.isSystemTrayAvailable()
        if self.enabled and use_tray:
            self.tray = QSystemTrayIcon(_icon(""), self)
            self.tray.setToolTip(tr("app.name"))
            self.tray.activated.connect(lambda _reason: self._raise_window())
            self.tray.messageClicked.connect(self._raise_window)
        self._timer = QTimer(self)
        self._timer.setObjectName("notices")
        self._timer.setInterval(OBSERVE_MS)
        self._timer.timeout.connect(self.observe_now)

    @property
    def in_tray(self) -> bool:
        """Notices go to the system tray (else to the window's status bar)."""
        return self.tray is not None

    def start(self) -> None:
        """Show the tray icon and look now, then every :data:`OBSERVE_MS` (if enabled)."""
        if not self.enabled:
            return
        if self.tray is not None:
            self.tray.show()
        self._timer.start()
        self.observe_now()

    def stop(self) -> None:
        self._timer.stop()
        if self.tray is not None:
            self.tray.hide()

    def set_sync_state(self, state: str, text: str) -> None:
        """The central system's state (``Connection`` value) and its words, on the icon."""
        if self.tray is not None:
            self.tray.setIcon(_icon(state))
            self.tray.setToolTip(f"{tr('app.name')}\n{text}")

    def observe_now(self) -> None:
        """Look at the workstation off the UI thread (one look at a time)."""
        if not self.enabled or self._observing:
            return
        self._observing = True
        after = None if self.last is None else self.last.last_message
        online = self.services.sync_status.snapshot().online
        database = self.services.database
        module = self.services.settings.pkcs11_module

        def look(present: frozenset[str] | None) -> Observation:
            return observe(
                database, clock.now(), after=after, online=online, tokens=lambda: present
            )

        run_in_background(
            self,
            partial(_tokens_present, module),
            self.take,
            self._failed,
            "io",
            then=[("db", look)],
        )

    def _failed(self, exc: BaseException) -> None:
        # The next look tries again; the status bar says what the store's trouble is.
        self._observing = False
        log.warning("notices not observed: %s", getattr(exc, "code", exc.__class__.__name__))

    def take(self, now: Observation) -> None:
        """Tell what is new in ``now`` since the last look, and keep it as the last."""
        self._observing = False
        before, self.last = self.last, now
        self.show_notices(choose_notices(before, now))
        self.observed.emit(now)

    def show_notices(self, notices: list[Notice]) -> None:
        """Tell the officer: a tray balloon each, or one status-bar line without a tray."""
        texts = []
        for notice in notices:
            text = tr(notice.text_key, count=notice.count)
            log.info("notice %s (%d)", notice.kind.value, notice.count)
            texts.append(text)
            if self.tray is not None:
                icon = (
                    QSystemTrayIcon.MessageIcon.Warning
                    if notice.urgent
                    else QSystemTrayIcon.MessageIcon.Information
                )
                self.tray.showMessage(tr("app.name"), text, icon, BALLOON_MS)
        if texts and self.tray is None:
            self.window.statusBar().showMessage(" · ".join(texts))
        self.shown.extend(texts)
        for notice in notices:
            self.notified.emit(notice)

    def _raise_window(self) -> None:
        self.window.showNormal()
        self.window.raise_()
        self.window.activateWindow()
