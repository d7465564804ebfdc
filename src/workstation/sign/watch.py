"""Notice a token plugged in or pulled out, by polling the module's slots.

Most token modules sold in Viet Nam do not implement PKCS#11 slot events
(``C_WaitForSlotEvent``), so the workstation asks the module for the slots
with a token present every second or so and compares with what it saw
before. :class:`TokenWatch` does one comparison (``poll``);
:func:`watch_tokens` loops until stopped, yielding each change, for the
window's token status or a command. Tokens are told apart by label and
serial, never by slot number.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from workstation.sign.tokens import CKF_TOKEN_INITIALIZED

log = logging.getLogger(__name__)

DEFAULT_INTERVAL = 1.0


@dataclass(frozen=True)
class TokenEvent:
    """A token that came (``inserted``) or went (``removed``)."""

    kind: str
    label: str
    serial: str


def present_tokens(lib: Any) -> set[tuple[str, str]]:
    """``(label, serial)`` of every initialised token in a slot now."""
    found = set()
    for slot in lib.get_slots(token_present=True):
        token = slot.get_token()
        if int(token.flags) & CKF_TOKEN_INITIALIZED:
            found.add((token.label, token.serial.decode("ascii", "replace").strip()))
    return found


class TokenWatch:
    """Compares the tokens present with the last poll; the first poll reports all as inserted."""

    def __init__(self, lib: Any) -> None:
        self.lib = lib
        self.present: set[tuple[str, str]] = set()

    def poll(self) -> list[TokenEvent]:
        """The changes since the last poll; none when the module fails this once."""
        from pkcs11.exceptions import PKCS11Error

        try:
            now = present_tokens(self.lib)
        except PKCS11Error as exc:  # a token half pulled out can fail the listing; ask again later
            log.info("token poll failed: %s", exc.__class__.__name__)
            return []
        events = [TokenEvent("removed", *t) for t in sorted(self.present - now)]
        events += [TokenEvent("inserted", *t) for t in sorted(now - self.present)]
        self.present = now
        if events:
            log.info("tokens changed: %d event(s), %d present", len(events), len(now))
        return events


def watch_tokens(
    lib: Any, stop: threading.Event, *, interval: float = DEFAULT_INTERVAL
) -> Iterator[TokenEvent]:
    """Yield token changes until ``stop`` is set (checked every ``interval`` seconds)."""
    watch = TokenWatch(lib)
    while not stop.is_set():
        yield from watch.poll()
        stop.wait(interval)
