"""Where the screen facing the citizen opens: a pure choice, so it is tested without Qt.

The counter's computer may have a second monitor turned toward the citizen. The
citizen's screen then fills a screen other than the officer's; with one screen
it is a window the officer can turn toward the citizen. The setting
``citizen_screen`` says whether it opens by itself when the window starts
(``auto``, the default) or only when the officer asks for it (``off``: F11, or
when the citizen is asked to rate the service); the settings refuse any other value.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Generic, TypeVar

S = TypeVar("S")


class CitizenScreenMode(StrEnum):
    """The setting ``citizen_screen``."""

    AUTO = "auto"  # opens by itself: on another screen when there is one, else a window
    OFF = "off"  # opens only when the officer asks for it


@dataclass(frozen=True)
class Placement(Generic[S]):
    """Where the citizen's screen goes: full screen on ``screen``, or a window (None)."""

    screen: S | None

    @property
    def full_screen(self) -> bool:
        return self.screen is not None


def place_citizen_screen(screens: Sequence[S], officer: S | None) -> Placement[S]:
    """Full screen on the first screen that is not the officer's, or a window if there is none.

    ``screens`` in the system's order (not "the second" by itself: the officer may work
    on any of them); ``officer`` the screen the officer's window is on (None: unknown,
    then the first screen is taken to be theirs).
    """
    if not screens:
        return Placement(None)
    theirs = officer if officer is not None else screens[0]
    others = [s for s in screens if s != theirs]
    return Placement(others[0] if others else None)


def opens_by_itself(mode: CitizenScreenMode | str) -> bool:
    """Whether the citizen's screen opens when the window starts, without the officer asking."""
    return CitizenScreenMode(mode) is CitizenScreenMode.AUTO
