"""The entry script of the windowed executable (Windows: ``workstation-gui.exe``).

The Start-menu and desktop entries run it, so opening the window does not open
a console beside it. A windowed program has no standard streams
(``sys.stdout`` and ``sys.stderr`` are None); they go to the null device so
that a stray print or a log handler on stderr cannot fail. Commands are for
``workstation.exe``, the console executable.
"""

import os
import sys

from workstation.__main__ import main

if __name__ == "__main__":
    for name in ("stdout", "stderr"):
        if getattr(sys, name) is None:
            setattr(sys, name, open(os.devnull, "w", encoding="utf-8"))  # noqa: SIM115
    sys.exit(main())
