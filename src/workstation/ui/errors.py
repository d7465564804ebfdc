"""The one error path of the interface: every failure the officer sees opens :class:`ErrorDialog`.

The dialog shows the message in the interface language (Vietnamese first) and,
under "details", a report for technical support: the stable code, the English
detail, the low-level cause, versions, time and, for unexpected errors, the
traceback. The report passes through :func:`workstation.logs.redact`, which
masks citizen ID numbers (12 and 9 digits) and the values of PIN, password,
secret and token assignments, and nothing else: names, addresses and file names
in an error's detail or cause stay in the report as they are.
:func:`install_excepthook` sends any unhandled
exception raised in a slot to the same dialog and to the log.
"""

from __future__ import annotations

import logging
import platform
import sys
import traceback
from collections.abc import Callable
from datetime import datetime
from types import TracebackType

import PySide6
import shiboken6
from PySide6.QtCore import QObject, Qt, QThread, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from workstation import __version__
from workstation.domain import clock
from workstation.errors import Cancelled, WorkstationError
from workstation.i18n import tr
from workstation.logs import redact, structural_traceback

log = logging.getLogger(__name__)

UNEXPECTED = "internal.unexpected"


def error_code(exc: BaseException) -> str:
    """The stable code of ``exc`` (``internal.unexpected`` for anything not ours)."""
    return exc.code if isinstance(exc, WorkstationError) else UNEXPECTED


def user_message(exc: BaseException, language: str | None = None) -> str:
    """What the officer reads about ``exc``, in ``language`` (default: the interface language)."""
    if isinstance(exc, WorkstationError):
        return exc.user_message(language)
    return tr(f"error.{UNEXPECTED}", language)


def error_report(exc: BaseException, when: datetime | None = None) -> str:
    """A plain-text report of ``exc`` for technical support.

    ID numbers, PINs, passwords, secrets and tokens are masked by
    :func:`workstation.logs.redact`; no other personal data is removed.
    """
    when = clock.local(when) if when else clock.now()
    ours = isinstance(exc, WorkstationError)
    detail = exc.detail if ours else f"{type(exc).__qualname__}: {exc}"
    lines = [
        "Workstation error report",
        f"Code: {error_code(exc)}",
        f"Message: {user_message(exc)}",
        f"Detail: {detail}",
    ]
    cause = exc.__cause__ or (None if exc.__suppress_context__ else exc.__context__)
    if cause is not None:
        lines.append(f"Cause: {type(cause).__qualname__}: {cause}")
    lines += [
        f"Version: workstation {__version__}; Python {platform.python_version()}; "
        f"PySide6 {PySide6.__version__}; {platform.platform()}",
        f"Time: {when.isoformat(timespec='seconds')}",
    ]
    if not ours:
        lines += ["", "Traceback:"]
        lines += traceback.format_exception(type(exc), exc, exc.__traceback__)
    return redact("\n".join(line.rstrip("\n") for line in lines))


class ErrorDialog(QDialog):
    """Shows one failure: the officer's message, and a copyable report under "details"."""

    report_copied = Signal()

    def __init__(self, exc: BaseException, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.error = exc
        self.report = error_report(exc)
        self.setWindowTitle(tr("error.dialog.title"))
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.setWindowModality(
            Qt.WindowModality.WindowModal if parent else Qt.WindowModality.ApplicationModal
        )

        icon = QLabel()
        size = self.style().pixelMetric(QStyle.PixelMetric.PM_MessageBoxIconSize)
        icon.setPixmap(
            self.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxCritical).pixmap(size)
        )
        self.message_label = QLabel(user_message(exc))
        self.message_label.setWordWrap(True)
        self.message_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        top = QHBoxLayout()
        top.addWidget(icon, 0, Qt.AlignmentFlag.AlignTop)
        top.addWidget(self.message_label, 1)

        self.details = QPlainTextEdit(self.report)
        self.details.setReadOnly(True)
        self.details.setVisible(False)
        self.details.setMinimumHeight(160)

        buttons = self.buttons = QDialogButtonBox()
        self.details_button = QPushButton(tr("error.dialog.details"))
        self.details_button.setCheckable(True)
        self.details_button.toggled.connect(self.details.setVisible)
        self.copy_button = QPushButton(tr("error.dialog.copy"))
        self.copy_button.clicked.connect(self.copy_report)
        # Enter closes the dialog, whichever button has the focus.
        for button in (self.details_button, self.copy_button):
            button.setAutoDefault(False)
        close = QPushButton(tr("common.close"))
        close.setDefault(True)
        close.clicked.connect(self.accept)
        self.close_button = close
        buttons.addButton(self.details_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.copy_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(close, QDialogButtonBox.ButtonRole.AcceptRole)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.details, 1)
        layout.addWidget(buttons)
        self.resize(520, 180)
        close.setFocus(Qt.FocusReason.OtherFocusReason)

    def add_action(self, text: str, action: Callable[[], None]) -> QPushButton:
        """A further button (e.g. "Open settings") that runs ``action`` and keeps the dialog."""
        button = QPushButton(text)
        button.setAutoDefault(False)
        button.clicked.connect(action)
        self.buttons.addButton(button, QDialogButtonBox.ButtonRole.ActionRole)
        return button

    def copy_report(self) -> None:
        """Put the report on the clipboard, for pasting into a support request."""
        QGuiApplication.clipboard().setText(self.report)
        self.copy_button.setText(tr("error.dialog.copied"))
        self.report_copied.emit()


class ErrorReporter(QObject):
    """Announces each error dialog opened, so tests and the status bar can follow."""

    error_shown = Signal(object)
    settings_problems_shown = Signal(object)
    """The start-up notice of unusable settings (``SettingsProblemDialog``) opened."""


_reporter: ErrorReporter | None = None


def reporter() -> ErrorReporter:
    global _reporter
    if _reporter is None or not shiboken6.isValid(_reporter):
        _reporter = ErrorReporter()
    return _reporter


def window_of(obj: QObject | None) -> QWidget | None:
    """The window ``obj`` belongs to (``obj`` or its nearest widget ancestor), if any."""
    while obj is not None:
        if isinstance(obj, QWidget):
            return obj.window()
        obj = obj.parent()
    return None


def show_error(parent: QWidget | None, exc: BaseException) -> ErrorDialog | None:
    """Open the error dialog for ``exc`` over ``parent`` (non-blocking); nothing for Cancelled."""
    if isinstance(exc, Cancelled):
        return None
    dialog = ErrorDialog(exc, parent)
    dialog.show()
    dialog.raise_()
    reporter().error_shown.emit(dialog)
    return dialog


def _open_dialogs() -> list[ErrorDialog]:
    return [
        w for w in QApplication.topLevelWidgets() if isinstance(w, ErrorDialog) and w.isVisible()
    ]


def install_excepthook() -> Callable[[], None]:
    """Route unhandled exceptions on the UI thread to the log and the error dialog.

    Returns a function that puts the previous hook back. While an error dialog
    is open, further unhandled exceptions are only logged, so a failing paint
    handler cannot bury the officer under dialogs.
    """
    previous = sys.excepthook

    def hook(exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        if issubclass(exc_type, KeyboardInterrupt | SystemExit):
            previous(exc_type, exc, tb)
            return
        # The stack without the message, which may carry a file name or a citizen's name.
        log.error("unhandled exception: %s", structural_traceback(exc))
        if isinstance(exc, Cancelled):
            return
        app = QApplication.instance()
        if app is None or QThread.currentThread() is not app.thread() or _open_dialogs():
            return
        try:
            show_error(QApplication.activeWindow(), exc)
        except Exception:
            log.error("the error dialog itself failed: %s", structural_traceback(sys.exc_info()[1]))
            previous(exc_type, exc, tb)

    sys.excepthook = hook

    def uninstall() -> None:
        if sys.excepthook is hook:
            sys.excepthook = previous

    return uninstall
