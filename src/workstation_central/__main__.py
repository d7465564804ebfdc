"""``python -m workstation_central``: the same as the ``workstation-central`` command."""

import sys

from workstation_central.cli import main

sys.exit(main())
