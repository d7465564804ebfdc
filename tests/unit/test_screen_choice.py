"""Where the citizen's screen opens, decided without Qt, and whether it opens by itself."""

from __future__ import annotations

import pytest

from workstation.config import CITIZEN_SCREEN_MODES, Settings
from workstation.errors import ConfigError
from workstation.onbehalf.screen_choice import (
    CitizenScreenMode,
    Placement,
    after_screens_changed,
    opens_by_itself,
    place_citizen_screen,
)


@pytest.mark.parametrize(
    ("screens", "officer", "citizen"),
    [
        (["A", "B"], "A", "B"),  # the second monitor faces the citizen
        (["A", "B"], "B", "A"),  # the officer works on the other one: not "the second"
        (["A", "B", "C"], "B", "A"),  # the first screen that is not the officer's
        (["A", "B"], None, "B"),  # officer's screen unknown: the first is taken as theirs
    ],
)
def test_with_another_screen_it_fills_the_first_that_is_not_the_officers(
    screens, officer, citizen
) -> None:
    placement = place_citizen_screen(screens, officer)
    assert placement.screen == citizen and placement.full_screen


@pytest.mark.parametrize(("screens", "officer"), [(["A"], "A"), (["A"], None), ([], None)])
def test_with_one_screen_or_none_it_is_a_window(screens, officer) -> None:
    placement = place_citizen_screen(screens, officer)
    assert placement.screen is None and not placement.full_screen


def test_an_officers_screen_no_longer_there_counts_as_unknown() -> None:
    # The officer's monitor was just pulled out and Qt has not moved their window yet:
    # the one screen left is theirs, so the citizen's view must not cover it.
    assert place_citizen_screen(["B"], "A") == Placement(None)
    assert place_citizen_screen(["B", "C"], "A") == Placement("C")


@pytest.mark.parametrize(
    ("screens", "officer", "full_on", "full_screen", "expected"),
    [
        # The citizen's monitor B pulled out: Qt put the full-screen view over the officer's
        # screen; it becomes a window there.
        (["A"], "A", None, True, Placement(None)),
        # … and with a third monitor still there, it goes full screen on that one instead.
        (["A", "C"], "A", None, True, Placement("C")),
        # A monitor plugged in while the view is a window: full screen on it.
        (["A", "B"], "A", None, False, Placement("B")),
        # The officer's own monitor pulled out: their window moved onto B, the citizen's.
        (["B"], "B", "B", True, Placement(None)),
        # Full screen on the citizen's monitor, which is still there: a third one changes
        # nothing; neither does one screen for a window.
        (["A", "B", "C"], "A", "B", True, None),
        (["A"], "A", None, False, None),
    ],
)
def test_after_a_monitor_comes_or_goes_the_citizens_screen_moves_only_when_it_must(
    screens, officer, full_on, full_screen, expected
) -> None:
    assert after_screens_changed(screens, officer, full_on, full_screen, True) == expected


def test_a_closed_citizens_screen_is_not_opened_by_a_monitor_plugged_in() -> None:
    assert after_screens_changed(["A", "B"], "A", None, False, shown=False) is None


def test_it_opens_by_itself_unless_the_setting_turns_that_off() -> None:
    assert Settings().citizen_screen == "auto" and opens_by_itself(Settings().citizen_screen)
    assert not opens_by_itself(Settings(citizen_screen="off").citizen_screen)


def test_the_settings_offer_exactly_the_modes() -> None:
    assert tuple(m.value for m in CitizenScreenMode) == CITIZEN_SCREEN_MODES


@pytest.mark.parametrize("value", ["on", "second", "", "AUTO"])
def test_another_value_of_the_setting_is_refused(value) -> None:
    with pytest.raises(ConfigError) as caught:
        Settings(citizen_screen=value)
    assert caught.value.code == "config.invalid_value"
