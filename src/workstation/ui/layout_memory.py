"""The window's layout as Qt saves it: geometry, every splitter and every column header.

:func:`capture` reads them into a plain mapping (:mod:`workstation.layouts` keeps it
per officer); :func:`apply` gives them back. Each splitter and header is named by
its place in the window (class and index among its parent's children of that
class, down from the window), so no widget needs an object name; a header is
restored only if it has as many columns as when it was saved, so a table that
changed in a new version keeps its default widths.
"""

from __future__ import annotations

import base64
from typing import Any

from PySide6.QtCore import QByteArray, QObject, Qt
from PySide6.QtWidgets import QHeaderView, QMainWindow, QSplitter


def _place(widget: QObject, window: QMainWindow) -> str:
    parts = []
    while widget is not window and widget.parent() is not None:
        parent = widget.parent()
        same = [c for c in parent.children() if type(c) is type(widget)]
        parts.append(f"{type(widget).__name__}{same.index(widget)}")
        widget = parent
    return "/".join(reversed(parts))


def _text(state: QByteArray) -> str:
    return base64.b64encode(bytes(state.data())).decode("ascii")


def _bytes(text: str) -> QByteArray:
    return QByteArray(base64.b64decode(text))


def capture(window: QMainWindow) -> dict[str, Any]:
    """The window's geometry, splitter positions and column widths, as JSON-ready text."""
    return {
        "geometry": _text(window.saveGeometry()),
        "splitters": {
            _place(s, window): _text(s.saveState()) for s in window.findChildren(QSplitter)
        },
        "headers": {
            _place(h, window): {"count": h.count(), "state": _text(h.saveState())}
            for h in window.findChildren(QHeaderView)
            if h.orientation() == Qt.Orientation.Horizontal and h.count()
        },
    }


def apply(window: QMainWindow, layout: dict[str, Any]) -> int:
    """Give the window a captured layout back; returns how many parts were restored."""
    restored = 0
    try:
        if layout.get("geometry"):
            restored += window.restoreGeometry(_bytes(layout["geometry"]))
        splitters = layout.get("splitters", {})
        for splitter in window.findChildren(QSplitter):
            state = splitters.get(_place(splitter, window))
            if state:
                restored += splitter.restoreState(_bytes(state))
        headers = layout.get("headers", {})
        for header in window.findChildren(QHeaderView):
            saved = headers.get(_place(header, window))
            if saved and saved.get("count") == header.count():
                restored += header.restoreState(_bytes(saved["state"]))
    except (TypeError, ValueError, AttributeError):  # a damaged file: what was restored stays
        pass
    return restored
