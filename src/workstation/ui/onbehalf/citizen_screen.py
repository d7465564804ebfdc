"""The screen that faces the citizen: what the officer enters, the payment code, the rating.

A window of its own, opened on the second screen when the computer has one
(``QGuiApplication.screens()``), full screen there; with one screen, a window
the officer can turn toward the citizen (the choice:
:func:`workstation.onbehalf.screen_choice.place_citizen_screen`). Large
Vietnamese text. It mirrors one citizen's dossier at a time
(:meth:`CitizenScreen.mirror` replaces everything; the ID number masked but its
last four digits), then shows the payment code,
then asks for the rating (keys 1, 2, 3 … pick a level; the reason is optional;
Enter sends). It clears itself after :data:`IDLE_MS` without a change, and on
:meth:`clear`, so it never shows another citizen's data.

When a monitor is plugged in or pulled out while it is open
(``QGuiApplication.screenAdded`` / ``screenRemoved``), :meth:`follow_screens`
makes the choice again (:func:`~workstation.onbehalf.screen_choice.after_screens_changed`):
full screen on the citizen's monitor that was just pulled out, it becomes a
window on the officer's screen instead of covering it; a window moves full
screen onto a monitor just plugged in.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QFont, QGuiApplication, QHideEvent, QKeyEvent, QScreen
from PySide6.QtWidgets import (
    QApplication,
    QLabel,
    QLineEdit,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from workstation.i18n import tr
from workstation.onbehalf.citizen_view import CitizenLines, money
from workstation.onbehalf.ratings import RatingLevel
from workstation.onbehalf.screen_choice import (
    Placement,
    after_screens_changed,
    place_citizen_screen,
)
from workstation.ui.onbehalf.qr_image import qr_pixmap

IDLE_MS = 90_000
"""How long the screen keeps a citizen's data without a change before it clears itself."""
TEXT_POINTS = 22
WINDOW_SIZE = (900, 700)
"""The citizen's screen as a window (one screen): large enough for its large text."""


class CitizenScreen(QWidget):
    """The citizen-facing window; ``rated(level, reason)`` when the citizen has rated."""

    rated = Signal(str, str)
    cleared = Signal()
    opened = Signal(bool)  # full screen (on a screen of its own) or a window
    moved = Signal(bool)  # placed again after a monitor came or went: full screen or a window

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.setWindowTitle(tr("onbehalf_ui.citizen_title"))
        self.setAttribute(Qt.WidgetAttribute.WA_ShowWithoutActivating)
        font = QFont(self.font())
        font.setPointSize(TEXT_POINTS)
        self.setFont(font)
        self.idle = QTimer(self)
        self.idle.setObjectName("citizen screen idle")
        self.idle.setSingleShot(True)
        self.idle.setInterval(IDLE_MS)
        self.idle.timeout.connect(self.clear)
        self.levels: tuple[RatingLevel, ...] = ()
        self.level: str | None = None
        self.full_on: QScreen | None = None  # the screen it was put on full screen
        app = QGuiApplication.instance()
        if isinstance(app, QGuiApplication):
            app.screenAdded.connect(self._screen_added)
            app.screenRemoved.connect(self._screen_removed)

        self.pages = QStackedWidget()
        self.welcome = QLabel(tr("onbehalf_ui.citizen_welcome"))
        self.welcome.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.details = QLabel()
        self.details.setTextFormat(Qt.TextFormat.PlainText)
        self.details.setWordWrap(True)
        payment = QWidget()
        self.payment_text = QLabel()
        self.payment_text.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.payment_text.setTextFormat(Qt.TextFormat.PlainText)
        self.qr_label = QLabel()
        self.qr_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        box = QVBoxLayout(payment)
        box.addWidget(self.payment_text)
        box.addWidget(self.qr_label, 1)
        rating = QWidget()
        self.rating_text = QLabel()
        self.rating_text.setTextFormat(Qt.TextFormat.PlainText)
        self.rating_text.setWordWrap(True)
        self.reason_edit = QLineEdit()
        self.reason_edit.setPlaceholderText(tr("onbehalf_ui.reason_placeholder"))
        self.reason_edit.setMaxLength(500)
        self.reason_edit.returnPressed.connect(self._send_rating)
        box = QVBoxLayout(rating)
        box.addWidget(self.rating_text)
        box.addWidget(self.reason_edit)
        box.addStretch(1)
        self.thanks = QLabel(tr("onbehalf_ui.citizen_thanks"))
        self.thanks.setAlignment(Qt.AlignmentFlag.AlignCenter)
        for page in (self.welcome, self.details, payment, rating, self.thanks):
            self.pages.addWidget(page)
        self.rating_page = rating
        self.payment_page = payment
        layout = QVBoxLayout(self)
        layout.addWidget(self.pages)

    # Where it opens -----------------------------------------------------------------

    def open(self, officer: QWidget | None = None) -> None:
        """Show the screen: full screen on a screen other than the officer's if there is
        one, else a window. ``officer``: the officer's window (else the active one)."""
        officer = officer or self._officer()
        where = officer.screen() if officer is not None else QGuiApplication.primaryScreen()
        placement = place_citizen_screen(QGuiApplication.screens(), where)
        self._place(placement, where)
        if officer is not None and officer is not self:
            officer.activateWindow()  # the officer keeps typing where they were
        self.opened.emit(placement.full_screen)

    def _officer(self) -> QWidget | None:
        """The officer's window: the one this screen belongs to, else the active one."""
        parent = self.parentWidget()
        officer = parent.window() if parent is not None else QApplication.activeWindow()
        return None if officer is self else officer

    def _place(self, placement: Placement[QScreen], officer_screen: QScreen | None) -> None:
        if placement.screen is not None:
            self.full_on = placement.screen
            self.setScreen(placement.screen)
            self.setGeometry(placement.screen.geometry())
            self.showFullScreen()
            return
        self.full_on = None
        if self.isFullScreen():
            self.showNormal()  # back from full screen: a window on the officer's screen
            if officer_screen is not None:
                self.setScreen(officer_screen)
                self.move(officer_screen.availableGeometry().topLeft())
            self.resize(*WINDOW_SIZE)
        elif not self.isVisible():
            self.resize(*WINDOW_SIZE)
        self.show()

    def follow_screens(self, gone: QScreen | None = None) -> Placement[QScreen] | None:
        """Place the screen again after a monitor came or went (``gone``: the one removed,
        still listed while Qt tells of it); what was done, or None if it stays."""
        screens = [s for s in QGuiApplication.screens() if s is not gone]
        officer = self._officer()
        where = officer.screen() if officer is not None else None
        full_screen = self.isFullScreen() or self.full_on is not None
        if self.full_on is not None and self.full_on is gone:
            self.full_on = None  # never kept past the screen's life
        move = after_screens_changed(
            screens, None if where is gone else where, self.full_on, full_screen, self.isVisible()
        )
        if move is None:
            return None
        self._place(move, None if where is gone else where)
        if officer is not None:
            officer.activateWindow()
        self.moved.emit(move.full_screen)
        return move

    def _screen_added(self, _screen: QScreen) -> None:
        self.follow_screens()

    def _screen_removed(self, screen: QScreen) -> None:
        self.follow_screens(gone=screen)

    # What it shows ----------------------------------------------------------------------

    def mirror(self, lines: CitizenLines) -> None:
        """Show one citizen's dossier as the officer enters it (replacing what was there)."""
        text = [
            f"{tr('onbehalf_ui.citizen_procedure')}: {lines.procedure}",
            f"{tr('onbehalf_ui.citizen_name')}: {lines.name}",
            f"{tr('onbehalf_ui.citizen_id')}: {lines.id_number}",
        ]
        if lines.filer_name:
            filer = f"{tr('onbehalf_ui.citizen_filer')}: {lines.filer_name}"
            text.append(f"{filer} ({lines.filer_id_number})" if lines.filer_id_number else filer)
        if lines.components:
            text.append(tr("onbehalf_ui.citizen_components"))
            text += [f"  • {c}" for c in lines.components]
        if lines.fee:
            text.append(f"{tr('onbehalf_ui.citizen_fee')}: {lines.fee}")
        if lines.due:
            text.append(f"{tr('onbehalf_ui.citizen_due')}: {lines.due}")
        mode = "onbehalf_ui.mode_online" if lines.online else "onbehalf_ui.mode_paper"
        text.append(tr(mode))
        self.details.setText("\n".join(text))
        self.pages.setCurrentWidget(self.details)
        self._touched()

    def show_payment(self, payload: str, due: int, account_name: str = "") -> None:
        """Show the VietQR code of what is due."""
        self.payment_text.setText(
            tr("onbehalf_ui.citizen_pay", amount=money(due), account=account_name)
        )
        self.qr_label.setPixmap(qr_pixmap(payload, scale=8))
        self.pages.setCurrentWidget(self.payment_page)
        self._touched()

    def ask_rating(self, levels: Sequence[RatingLevel]) -> None:
        """Ask the citizen to rate the service (keys 1 … n, optional reason, Enter)."""
        self.levels = tuple(levels)
        self.level = None
        self.reason_edit.clear()
        self._show_levels()
        self.pages.setCurrentWidget(self.rating_page)
        self.activateWindow()
        self.reason_edit.setFocus(Qt.FocusReason.OtherFocusReason)
        self._touched()

    def _show_levels(self) -> None:
        lines = [tr("onbehalf_ui.citizen_rate")]
        for number, level in enumerate(self.levels, start=1):
            mark = "▶ " if level.code == self.level else "   "
            lines.append(f"{mark}{number}. {level.label('vi')}")
        self.rating_text.setText("\n".join(lines))

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if self.pages.currentWidget() is self.rating_page and event.text().isdigit():
            index = int(event.text()) - 1
            if 0 <= index < len(self.levels):
                self.level = self.levels[index].code
                self._show_levels()
                self._touched()
                return
        super().keyPressEvent(event)

    def pick_level(self, number: int) -> None:
        """Pick level ``number`` (from 1), as the key would."""
        self.level = self.levels[number - 1].code
        self._show_levels()

    def _send_rating(self) -> None:
        if self.level is None:
            return
        level, reason = self.level, self.reason_edit.text().strip()
        self.level = None
        self.reason_edit.clear()
        self.pages.setCurrentWidget(self.thanks)
        self._touched()
        self.rated.emit(level, reason)

    def showing(self) -> str:
        """Which page is up: welcome, details, payment, rating or thanks."""
        names = ("welcome", "details", "payment", "rating", "thanks")
        return names[self.pages.currentIndex()]

    def text(self) -> str:
        """Every text the screen holds now (what a citizen could read)."""
        return "\n".join(
            w.text() for w in (self.details, self.payment_text, self.rating_text, self.thanks)
        ) + ("\n" + self.reason_edit.text() if self.reason_edit.text() else "")

    def clear(self) -> None:
        """Forget the citizen: back to the welcome page with nothing of theirs kept."""
        self.idle.stop()
        self.details.clear()
        self.payment_text.clear()
        self.qr_label.clear()
        self.rating_text.clear()
        self.reason_edit.clear()
        self.levels, self.level = (), None
        self.pages.setCurrentWidget(self.welcome)
        self.cleared.emit()

    def _touched(self) -> None:
        if self.isVisible():
            self.idle.start()

    def hideEvent(self, event: QHideEvent) -> None:
        self.idle.stop()
        super().hideEvent(event)
