"""The core runs without Qt: importing and using it never loads PySide6.

import-linter checks the import graph statically (``lint-imports``, run by the
test command; its contract's source is the whole ``workstation`` package, so a
new package is covered the day it lands). This test checks the same at run
time, including imports hidden inside functions and a core module reaching
Qt through ``workstation.ui`` (which the static contract lets through, since
ui's own imports of Qt are allowed): it imports every module outside
``workstation.ui``, found by walking the package, not from a list, then runs
commands.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

CORE_USE = """
import sys, tempfile, pathlib, os
os.environ["WORKSTATION_HOME"] = tempfile.mkdtemp()
import importlib, pkgutil, workstation
SKIP = ("workstation.ui", "workstation.store.migrations")  # migrations run alembic on import
core = [
    m.name for m in pkgutil.walk_packages(workstation.__path__, "workstation.")
    if not m.name.startswith(SKIP)
]
for name in core:
    importlib.import_module(name)
print("CORE-MODULES:", len(core), " ".join(core))
from workstation.cli import main
from workstation.cli.demo import run
from workstation.services import open_services
main(["dossier", "list"])
main(["doctor"])
loaded = sorted(m for m in sys.modules if m.split(".")[0] in {"PySide6", "shiboken6", "pytestqt"})
print("QT-MODULES:", loaded)
"""


@pytest.mark.integration
def test_core_and_command_line_never_load_qt() -> None:
    result = subprocess.run(
        [sys.executable, "-c", CORE_USE], capture_output=True, text=True, check=False
    )
    assert "QT-MODULES: []" in result.stdout, result.stdout + result.stderr
    imported = result.stdout.split("CORE-MODULES:", 1)[1].split()
    # Found by walking, so the packages that are still empty today are in it too.
    for package in (
        "workstation.scan",
        "workstation.sign",
        "workstation.sync",
        "workstation.tasks",
    ):
        assert package in imported


def test_process_pools_spawn_and_limit_openmp_threads(monkeypatch) -> None:
    import os

    from workstation.workers import START_METHOD, process_pool

    monkeypatch.delenv("OMP_THREAD_LIMIT", raising=False)  # the worker must set it itself
    assert START_METHOD == "spawn"
    with process_pool(1) as pool:
        assert pool.submit(os.getenv, "OMP_THREAD_LIMIT").result(timeout=60) == "1"
        assert pool._mp_context.get_start_method() == "spawn"
