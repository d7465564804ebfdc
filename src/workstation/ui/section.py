"""What every page of the main window is: a :class:`Section`.

A capability adds one subclass and one entry in :data:`workstation.ui.sections.SECTIONS`;
the main window lists it in the navigation and stacks it, without knowing more.
"""

from __future__ import annotations

from typing import ClassVar

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QWidget

from workstation.i18n import tr
from workstation.officers import Action, SignedIn
from workstation.services import Services


class Section(QWidget):
    """One page of the main window, listed on the left under ``tr(title_key)``.

    Emit ``store_changed`` after changing the store, so the window can refresh
    what depends on it (the outbox count in the status bar, every section's
    :meth:`refresh`).
    """

    title_key: ClassVar[str] = ""
    action: ClassVar[Action | None] = None
    """What the page is for, when it needs a role (:data:`workstation.officers.ACTION_ROLES`):
    the window disables it, naming the role, for an officer without it."""
    store_changed = Signal()

    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services = services

    @classmethod
    def title(cls) -> str:
        return tr(cls.title_key)

    def apply_officer(self, officer: SignedIn | None) -> None:
        """The officer acting now is known (None: nobody): disable what their roles do not
        allow within the page. The window already disables a page whose :attr:`action`
        they may not do. Nothing by default."""

    def refresh(self) -> None:
        """Re-read what the page shows: the store changed (here, in another section or by
        the sender). Nothing by default."""
