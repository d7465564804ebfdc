"""Where the screen facing the citizen opens: a pure choice, so it is tested without Qt.

The counter's computer may have a second monitor turned toward the citizen. The
citizen's screen then fills a screen other than the officer's; with one screen
it is a window the officer can turn toward the citizen. The setting
``citizen_screen`` says whether it opens by itself when the window starts
(``auto``, the default) or only when the officer asks for it (``off``: F11, or
when the citizen is asked to rate the service); the settings refuse any other value.

Monitors come and go while the window runs (a cable pulled, a projector
plugged in): :func:`after_screens_changed` says where the citizen's screen goes
then, so a full-screen citizen's view never stays over the officer's only
screen and a window moves to a monitor that has just been plugged in.
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
    on any of them); ``officer`` the screen the officer's window is on (None, or a screen
    no longer in ``screens``: unknown, then the first screen is taken to be theirs).
    """
    if not screens:
        return Placement(None)
    # An officer's screen that is gone (a monitor just unplugged) is as good as unknown.
    theirs = officer if officer is not None and officer in screens else screens[0]
    others = [s for s in screens if s != theirs]
    return Placement(others[0] if others else None)


def after_screens_changed(
    screens: Sequence[S],
    officer: S | None,
    full_on: S | None,
    full_screen: bool,
    shown: bool,
) -> Placement[S] | None:
    """Where the citizen's screen goes after a monitor was added or removed; None: it stays.

    ``screens`` and ``officer`` as for :func:`place_citizen_screen`, as they are now (a
    removed screen left out); ``full_screen`` whether the citizen's screen is full screen,
    ``full_on`` the screen it was put on full screen (None if that screen is gone or it is a
    window); ``shown`` whether it is open at all (a closed one is placed when it opens).
    Full screen on a screen still there and still not the officer's, it stays; a window
    stays a window while there is no other screen; anything else moves to the new choice.
    """
    if not shown:
        return None
    choice = place_citizen_screen(screens, officer)
    if full_screen and choice.screen is not None and full_on is not None:
        return None if choice.screen == full_on else choice
    if not full_screen and choice.screen is None:
        return None
    return choice


def opens_by_itself(mode: CitizenScreenMode | str) -> bool:
    """Whether the citizen's screen opens when the window starts, without the officer asking."""
    return CitizenScreenMode(mode) is CitizenScreenMode.AUTO
