"""Small helpers for actions: shortcuts the officer can discover.

A toolbar button shows only its text; the shortcut that does the same is
worth knowing at a busy counter, so the tooltip names it:
"Tiếp nhận hồ sơ mới (Ctrl+N)".
"""

from __future__ import annotations

from PySide6.QtGui import QAction, QKeySequence


def set_shortcuts(action: QAction, *keys: QKeySequence | QKeySequence.StandardKey | str) -> None:
    """Give ``action`` these shortcuts (the first one shown), and name it in the tooltip.

    A standard key expands to this platform's bindings for it; a binding given
    twice is kept once. The tooltip is the action's text followed by the first
    shortcut, in the platform's own notation.
    """
    sequences: list[QKeySequence] = []
    for key in keys:
        if isinstance(key, QKeySequence.StandardKey):
            found = QKeySequence.keyBindings(key)
        else:
            found = [QKeySequence(key)]
        sequences += [s for s in found if not s.isEmpty() and s not in sequences]
    action.setShortcuts(sequences)
    text = action.text().replace("&&", "\0").replace("&", "").replace("\0", "&")
    if sequences:
        shortcut = sequences[0].toString(QKeySequence.SequenceFormat.NativeText)
        action.setToolTip(f"{text.rstrip('…')} ({shortcut})")
    else:
        action.setToolTip(text)
