"""Work-arounds for defects of the Qt binding, applied once when ``workstation.ui`` is imported.

PySide6 6.12.0: ``SignalInstance.emit()`` and ``SignalInstance.disconnect()``
return ``True`` without taking a reference to it, so every call made from
Python lowers ``True``'s reference count by one. Python 3.12 and later make
``True`` and ``False`` immortal and do not care; on Python 3.11 the count
reaches zero after a few hundred signals and the interpreter aborts with
"Fatal Python error: bool_dealloc".

The same binding does the same to ``None``: every call from Python of a Qt
method that returns nothing (``setText``, ``setEnabled``, ``processEvents``…)
lowers ``None``'s reference count by one. ``None`` starts with a few thousand
references, so a window used for an afternoon would abort with "Fatal Python
error: none_dealloc".

Until a fixed binding is released we do for 3.11 what 3.12 does: give
``True``, ``False`` and ``None`` a reference count no leak can use up.
:func:`signal_leaks_bool_references` and :func:`void_call_leaks_none_references`
detect the defects, so the work-around is applied only where it is needed.
"""

from __future__ import annotations

import ctypes
import logging
import sys

from PySide6.QtCore import QObject, Signal

log = logging.getLogger(__name__)

_PIN = 1 << 40  # a trillion leaked references: more signals than a workstation will ever emit


class _Probe(QObject):
    probed = Signal()


def signal_leaks_bool_references() -> bool:
    """Whether emitting a signal from Python loses a reference to ``True``."""
    probe = _Probe()
    before = sys.getrefcount(True)
    for _ in range(8):
        probe.probed.emit()
    return sys.getrefcount(True) <= before - 8


def void_call_leaks_none_references() -> bool:
    """Whether calling a Qt method that returns nothing loses a reference to ``None``."""
    probe = _Probe()
    before = sys.getrefcount(None)
    for _ in range(8):
        probe.setObjectName("probe")
    return sys.getrefcount(None) <= before - 8


def _pin(value: object) -> None:
    ctypes.c_ssize_t.from_address(id(value)).value += _PIN


def pin_booleans() -> None:
    """Raise the reference counts of ``True`` and ``False`` beyond any leak's reach."""
    for value in (True, False):
        _pin(value)


def pin_none() -> None:
    """Raise the reference count of ``None`` beyond any leak's reach."""
    _pin(None)


_applied = False


def apply() -> None:
    """Apply the work-arounds this binding and interpreter need; safe to call again."""
    global _applied
    if _applied:
        return
    _applied = True
    if sys.version_info < (3, 12) and sys.implementation.name == "cpython":
        if signal_leaks_bool_references():
            log.debug("PySide6 leaks bool references on emit; pinning True and False")
            pin_booleans()
        if void_call_leaks_none_references():
            log.debug("PySide6 leaks None references on void calls; pinning None")
            pin_none()
