"""The officer acting at the window: what their roles allow, and the lock.

:class:`OfficerGuard` asks the core who acts now (``Services.current_officer``,
on the ``io`` executor: it reads the keyring) and applies their roles: a
section whose :attr:`~workstation.ui.section.Section.action` they may not do
is disabled in the navigation and on its page, with a tooltip naming the
role; so is Settings for anyone but an administrator. An attempt that gets
through anyway (a shortcut, a stale state) goes to the core gate, which
records the refusal, and the typed message is shown.

File → Sign out ends the acting officer's sign-in on this PC (recorded) and
locks the window. The lock: after ``lock_after_seconds`` without a key press or mouse move
(0: never), or on Ctrl+L, the window's content is replaced by a
:class:`~workstation.ui.officers.lock_page.LockPage`, its open dialogs are
hidden, its menus disabled and its title is the application's name only,
until the same officer signs in again or another takes over (the core
records the sign-in and the take-over). Without a central system there is no
password to check: the lock only hides, and one click goes on.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QApplication, QDialog, QLabel, QMenu, QStackedWidget

from workstation.i18n import tr
from workstation.officers import ACTION_ROLES, Action, SignedIn
from workstation.ui.actions import set_shortcuts
from workstation.ui.background import run_in_background
from workstation.ui.errors import show_error, user_message
from workstation.ui.officers.lock_page import LockPage

if TYPE_CHECKING:
    from workstation.ui.main_window import MainWindow

log = logging.getLogger(__name__)

_INPUT = frozenset(
    {
        QEvent.Type.KeyPress,
        QEvent.Type.MouseButtonPress,
        QEvent.Type.MouseMove,
        QEvent.Type.Wheel,
        QEvent.Type.TouchBegin,
    }
)
LOCK_KEYS = "Ctrl+L"


class OfficerGuard(QObject):
    """Applies the acting officer's roles to ``window`` and locks it (see the module)."""

    officer_known = Signal(object)  # the SignedIn acting now, or None, after each look
    locked = Signal()
    unlocked = Signal(str)  # the same officer signed in again
    taken_over = Signal(str)  # another officer signed in: their user name
    refused = Signal(str)  # an attempt the gate refused: the message shown
    signed_out = Signal()

    def __init__(self, window: MainWindow, pages: QStackedWidget, menu: QMenu) -> None:
        super().__init__(window)
        self.window = window
        self.services = window.services
        self.pages = pages
        self.officer: SignedIn | None = None
        self.is_locked = False
        self._locked_by: str | None = None
        self._hidden: list[QDialog] = []
        self._title = window.windowTitle()
        self.central = bool(self.services.settings.central_url)
        self._settings_tip = window.settings_action.toolTip()

        self.lock_page = LockPage(self._sign_in, window)
        self.lock_page.set_needs_password(self.central)
        self.lock_page.signed_in.connect(self._signed_in)
        pages.addWidget(self.lock_page)

        self.lock_action = QAction(tr("officers.lock"), window)
        set_shortcuts(self.lock_action, LOCK_KEYS)
        self.lock_action.triggered.connect(self.lock)
        menu.addAction(self.lock_action)
        self.sign_out_action = QAction(tr("officers.sign_out"), window)
        self.sign_out_action.triggered.connect(self.sign_out)
        self.sign_out_action.setVisible(self.central)
        menu.addAction(self.sign_out_action)

        self.officer_label = QLabel(tr("officers.status_nobody"))
        window.statusBar().addPermanentWidget(self.officer_label)

        self.idle_timer = QTimer(self)
        self.idle_timer.setObjectName("idle lock")
        self.idle_timer.setSingleShot(True)
        self.idle_timer.timeout.connect(self.lock)
        self.idle_ms = self.services.settings.lock_after_seconds * 1000
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self)
        self._restart_idle()
        if self.central:
            self.reload()
        else:  # no keyring to read: the OS user, every role, known at once
            self._known(self.services.current_officer())

    # Who acts now ------------------------------------------------------------

    def reload(self) -> None:
        """Ask again who acts now (after a sign-in elsewhere), in the background."""
        run_in_background(
            self, self.services.current_officer, self._known, self._not_known, executor="io"
        )

    def _not_known(self, exc: BaseException) -> None:
        log.warning("acting officer unknown: %s", getattr(exc, "code", type(exc).__name__))
        self._known(None)

    def _known(self, officer: SignedIn | None) -> None:
        self.officer = officer
        self.officer_label.setText(
            tr("officers.status", user=officer.user) if officer else tr("officers.status_nobody")
        )
        for index, section in enumerate(self.window.sections):
            section.apply_officer(officer)
            action = getattr(section, "action", None)
            if action is not None:
                allowed = self.may(action)
                item = self.window.navigation.item(index)
                flags = item.flags()
                enabled = Qt.ItemFlag.ItemIsEnabled
                item.setFlags(flags | enabled if allowed else flags & ~enabled)
                item.setToolTip("" if allowed else self.role_needed(action))
                section.setEnabled(allowed)
        allowed = self.may(Action.SETTINGS)
        settings = self.window.settings_action
        settings.setEnabled(allowed)
        settings.setToolTip(self._settings_tip if allowed else self.role_needed(Action.SETTINGS))
        self.officer_known.emit(officer)

    def may(self, action: Action) -> bool:
        """Whether the officer acting now may do ``action`` (as last known)."""
        return self.officer is not None and self.officer.may(action)

    @staticmethod
    def role_needed(action: Action) -> str:
        """The tooltip of something ``action``'s role is needed for."""
        return tr("officers.role_needed", role=tr(f"role.{ACTION_ROLES[action]}"))

    def refuse(self, action: Action) -> None:
        """An attempt at ``action`` the officer's roles do not allow: the core gate records
        the refusal (or lets it through, if the roles changed meanwhile) and the typed
        message is shown."""
        services = self.services
        run_in_background(
            self, lambda: services.require(action), lambda _ok: self.reload(), self._refused
        )

    def _refused(self, exc: BaseException) -> None:
        self.refused.emit(user_message(exc))
        show_error(self.window, exc)

    # The lock ----------------------------------------------------------------

    def lock(self) -> None:
        """Hide everything the window shows until an officer signs in."""
        if self.is_locked:
            return
        self.is_locked = True
        self._locked_by = self.officer.user if self.officer and self.central else None
        self.idle_timer.stop()
        self._hidden = [d for d in self.window.findChildren(QDialog) if d.isVisible()]
        for dialog in self._hidden:
            dialog.hide()
        self._title = self.window.windowTitle()
        self.window.setWindowTitle(tr("app.name"))
        self.window.menuBar().setEnabled(False)
        self.lock_page.prepare(self._locked_by)
        self.pages.setCurrentWidget(self.lock_page)
        log.info("window locked")
        self.locked.emit()

    def sign_out(self) -> None:
        """End the acting officer's sign-in on this PC (recorded) and lock the window."""
        desk = self.services.desk
        if desk is None or not self.central:
            return
        self.lock()
        self._locked_by = None
        self.lock_page.prepare(None)
        run_in_background(self, desk.sign_out, self._signed_out, self._refused, executor="io")

    def _signed_out(self, _officer: SignedIn | None) -> None:
        self._known(None)
        self.signed_out.emit()

    def _sign_in(self, user: str, password: str) -> SignedIn | None:
        """The lock page's sign-in (on ``io``): the central system's, else who acts now."""
        if not self.central or self.services.desk is None:
            return self.services.current_officer()
        return self.services.desk.sign_in(user, password)

    def _signed_in(self, officer: SignedIn | None) -> None:
        before = self._locked_by
        self.is_locked = False
        self.pages.setCurrentIndex(0)
        self.window.menuBar().setEnabled(True)
        self.window.setWindowTitle(self._title)
        for dialog in self._hidden:
            dialog.show()
        self._hidden = []
        self._known(officer)
        self._restart_idle()
        user = officer.user if officer else ""
        if before is not None and user != before:
            log.info("window taken over by another officer")
            self.taken_over.emit(user)
        else:
            self.unlocked.emit(user)

    # Idle --------------------------------------------------------------------

    def set_idle_ms(self, ms: int) -> None:
        """Lock after ``ms`` milliseconds without input (0: never)."""
        self.idle_ms = ms
        self._restart_idle()

    def _restart_idle(self) -> None:
        if self.idle_ms > 0 and not self.is_locked:
            self.idle_timer.start(self.idle_ms)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in _INPUT and not self.is_locked and self.idle_ms > 0:
            self.idle_timer.start(self.idle_ms)
        return False

    def stop(self) -> None:
        """The window closes: no more locking."""
        self.idle_timer.stop()
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self)
