"""The bundle's entry script: PyInstaller freezes this, which runs the workstation's own main."""

import sys

from workstation.__main__ import main

if __name__ == "__main__":
    sys.exit(main())
