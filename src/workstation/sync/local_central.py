"""A reference central server on this machine, for the demo and ``./dev.sh run``.

The reference server (``workstation_central``, installed with the ``central``
extra, never in the desktop bundle) runs as a child process on loopback, its
database and files in a folder of the demo's own, with one demo officer whose
password is made afresh for each start and never written down. The workstation
talks to it over HTTP like to any province's system: nothing here imports it.
"""

from __future__ import annotations

import contextlib
import importlib.util
import logging
import os
import secrets
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

from workstation.errors import ExternalPartError

log = logging.getLogger(__name__)

DEMO_OFFICER = "canbo.demo"
_PASSWORD_VARIABLE = "WORKSTATION_DEMO_CENTRAL_PASSWORD"


class NoLocalCentral(ExternalPartError):
    """The reference central server is not installed here or did not start."""

    code = "sync.no_local_central"


@dataclass
class LocalCentral:
    """A running local reference server: its address and the demo officer's sign-in."""

    url: str
    user: str
    password: str
    data: Path
    process: subprocess.Popen[bytes]

    def stop(self) -> None:
        """Stop the server (it keeps what it received in ``data``)."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)

    def __enter__(self) -> LocalCentral:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.stop()


def _child_environment(password: str) -> dict[str, str]:
    """The environment of the server's process: it imports the same code as this one."""
    spec = importlib.util.find_spec("workstation_central")
    if spec is None or not spec.submodule_search_locations:
        raise NoLocalCentral(
            "the reference central server is not installed (pip install '.[central]')",
            reason="not installed",
        )
    source = str(Path(next(iter(spec.submodule_search_locations))).parent)
    path = os.pathsep.join(p for p in (source, os.environ.get("PYTHONPATH", "")) if p)
    return {**os.environ, "PYTHONPATH": path, _PASSWORD_VARIABLE: password}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


_ALL_ROLES = [
    argument
    for role in ("counter_officer", "records_clerk", "signing_officer", "administrator")
    for argument in ("--role", role)
]
"""The demo officer holds every role, so the demo shows every capability."""


def start_local_central(data: Path, *, timeout: float = 60.0) -> LocalCentral:
    """Start the reference server on a free loopback port, with data in ``data``.

    Creates the demo officer (a fresh random password each time) and waits until
    the server answers. Raises :class:`NoLocalCentral` if it is not installed or
    does not start.
    """
    password = secrets.token_urlsafe(16)
    env = _child_environment(password)
    data.mkdir(parents=True, exist_ok=True)
    command = [sys.executable, "-m", "workstation_central"]
    officer = subprocess.run(
        [*command, "create-officer", "--data", str(data), "--user", DEMO_OFFICER,
         "--password-env", _PASSWORD_VARIABLE, *_ALL_ROLES],
        env=env, capture_output=True, timeout=timeout, check=False,
    )  # fmt: skip
    if officer.returncode != 0:
        raise NoLocalCentral(
            "the local central server could not make its demo officer",
            reason=f"exit {officer.returncode}",
        )
    port = _free_port()
    process = subprocess.Popen(
        [*command, "serve", "--data", str(data), "--host", "127.0.0.1", "--port", str(port)],
        env={k: v for k, v in env.items() if k != _PASSWORD_VARIABLE},
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    central = LocalCentral(f"http://127.0.0.1:{port}", DEMO_OFFICER, password, data, process)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise NoLocalCentral(
                "the local central server stopped at start", reason=f"exit {process.returncode}"
            )
        with contextlib.suppress(httpx.TransportError):
            httpx.get(f"{central.url}/v1/catalogue", timeout=1.0)
            log.info("local central server on port %d", port)
            return central
        time.sleep(0.1)
    central.stop()
    raise NoLocalCentral("the local central server did not answer in time", reason="timeout")
