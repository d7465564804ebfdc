"""Which tests share one pytest-xdist worker, and the scheduler that keeps them together.

``./dev.sh test`` runs the suite on two workers (``-n 2 --dist loadgroup``): every
other test is handed out on its own to whichever worker is free. The tests of one
group go to a single worker, one after the other. xdist's own ``xdist_group``
marker groups nothing under pytest 9.2 (xdist renames ``item._nodeid``, which pytest
no longer reads), so groups are named here by node id prefix, which the controller
sees without collecting.
"""

from __future__ import annotations

import pytest

GROUPS: dict[str, str] = {
    # The bundle and its .deb are built once per run, by the worker that then runs
    # every test asking for them (tests/bundle/conftest.py).
    "tests/bundle/": "bundle",
    # ``xvfb-run -a`` picks the first free display number: two at once can pick the same.
    "tests/gui/test_gui_launch.py::test_workstation_program_starts_under_xvfb": "xvfb",
    "tests/integration/test_window_under_xvfb.py::": "xvfb",
    # A module whose module-scoped set-up is dear (seconds of OCR): made once, not per worker.
    "tests/integration/test_digitize.py::": "test_digitize",
}


def group_of(nodeid: str) -> str | None:
    """The group a test belongs to, or None when any worker may run it alone."""
    for prefix, group in GROUPS.items():
        if nodeid.startswith(prefix):
            return group
    return None


def make_scheduler(config: pytest.Config, log: object) -> object:
    """xdist's ``loadgroup`` scheduling, with the groups of :data:`GROUPS` as well."""
    from xdist.scheduler import LoadGroupScheduling

    class PrefixGroupScheduling(LoadGroupScheduling):
        def _split_scope(self, nodeid: str) -> str:
            group = group_of(nodeid)
            return f"group:{group}" if group is not None else super()._split_scope(nodeid)

    return PrefixGroupScheduling(config, log)  # type: ignore[arg-type]
