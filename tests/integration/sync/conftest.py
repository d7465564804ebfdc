"""The reference central server on loopback, an officer to sign in as, a test keyring.

``central`` serves from SQLite (the default); ``central_db`` is parametrised over
SQLite and PostgreSQL (a temporary cluster, :mod:`tests.postgres`, started once
per run when a test first asks for it), for the tests where the database
matters: idempotency, concurrency, sequences.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import keyring
import pytest
import uvicorn

from tests.fakes.fake_keyring import FakeFileKeyring
from tests.postgres import Cluster, temporary_cluster
from workstation_central.app import Central, create_app, open_central
from workstation_central.models import Officer, OfficerRole
from workstation_central.security import hash_password

ROOT = Path(__file__).resolve().parents[3]
PASSWORD = "mật-khẩu-thử"
ALL_ROLES = ("counter_officer", "records_clerk", "signing_officer", "administrator")
"""``canbo1`` holds every role: the sync tests are about sending, not the role gate."""


@dataclass
class Server:
    url: str
    central: Central
    app: object
    data: Path
    thread: threading.Thread
    server: uvicorn.Server
    sock: socket.socket

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)
        self.sock.close()
        self.central.close()


def start_server(
    data: Path, sock: socket.socket | None = None, db_url: str | None = None
) -> Server:
    """Serve a reference central server from ``data`` on a free loopback port, in a thread.

    ``db_url``: its database (default: SQLite in ``data``).
    """
    central = open_central(data, db_url)
    with central.sessions() as db:
        db.merge(Officer(user="canbo1", password_hash=hash_password(PASSWORD)))
        db.flush()
        for role in ALL_ROLES:
            db.merge(OfficerRole(user="canbo1", role=role))
        db.commit()
    app = create_app(central)
    if sock is None:
        sock = socket.socket()
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # a restart takes the port again
        sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    while not server.started and thread.is_alive():
        threading.Event().wait(0.01)
    return Server(f"http://127.0.0.1:{port}", central, app, data, thread, server, sock)


@pytest.fixture
def central(tmp_path: Path) -> Iterator[Server]:
    running = start_server(tmp_path / "central")
    yield running
    running.stop()


@pytest.fixture(scope="session")
def postgres_cluster() -> Iterator[Cluster]:
    """One temporary PostgreSQL cluster for the run, removed at its end."""
    with temporary_cluster() as cluster:
        yield cluster


@pytest.fixture(params=["sqlite", "postgresql"])
def central_db_url(request: pytest.FixtureRequest) -> Iterator[str | None]:
    """The central server's database: None (SQLite in its folder) or a fresh PostgreSQL one."""
    if request.param == "sqlite":
        yield None
        return
    cluster: Cluster = request.getfixturevalue("postgres_cluster")
    with cluster.new_database() as url:
        yield url


@pytest.fixture
def central_db(tmp_path: Path, central_db_url: str | None) -> Iterator[Server]:
    """The reference server on loopback, on SQLite and again on PostgreSQL."""
    running = start_server(tmp_path / "central", db_url=central_db_url)
    yield running
    running.stop()


@pytest.fixture(autouse=True)
def test_keyring(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Secrets in a file under the test's folder, for this process and its children."""
    monkeypatch.setenv("WORKSTATION_FAKE_KEYRING", str(tmp_path / "keyring.json"))
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "tests.fakes.fake_keyring.FakeFileKeyring")
    before = keyring.get_keyring()
    keyring.set_keyring(FakeFileKeyring())
    yield
    keyring.set_keyring(before)


def workstation(
    *args: str, stdin: str = "", extra_env: dict[str, str] | None = None
) -> subprocess.CompletedProcess:
    """Run the ``workstation`` command in a child process (its own home, the test keyring)."""
    env = {**os.environ, "PYTHONPATH": f"{ROOT / 'src'}{os.pathsep}{ROOT}", **(extra_env or {})}
    return subprocess.run(
        [sys.executable, "-m", "workstation", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )


def central_command(*args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": f"{ROOT / 'src'}{os.pathsep}{ROOT}"}
    return subprocess.run(
        [sys.executable, "-m", "workstation_central", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
