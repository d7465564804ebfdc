"""A temporary PostgreSQL cluster for tests: Debian's ``postgresql``, started and removed here.

The cluster lives in a fresh folder under the system's temporary directory,
listens on a Unix socket in that folder only (no TCP), on a port number found
free, with ``trust`` authentication for its own superuser. PostgreSQL refuses
to run as root (and CI runs as root), so as root the cluster's programs run as
an unprivileged user (``runuser -u nobody``) that owns the folder. Each test
gets its own database (:meth:`Cluster.new_database`), dropped afterwards.
"""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

SUPERUSER = "postgres"
UNPRIVILEGED = "nobody"


class NoPostgres(RuntimeError):
    """PostgreSQL's server programs are not installed."""


def server_programs() -> Path:
    """The folder of Debian's PostgreSQL server programs (initdb, pg_ctl), newest version."""
    found = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/initdb"),
        key=lambda p: int(Path(p).parts[-3]) if Path(p).parts[-3].isdigit() else 0,
    )
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    if initdb:
        return Path(initdb).resolve().parent
    raise NoPostgres("PostgreSQL is not installed: ./dev.sh setup installs Debian's postgresql")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Cluster:
    folder: Path
    port: int
    programs: Path
    as_user: list[str]

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://{SUPERUSER}@/{database}?host={self.folder}&port={self.port}"

    def psql(self, sql: str) -> None:
        subprocess.run(
            [str(self.programs / "psql"), "-X", "-q", "-v", "ON_ERROR_STOP=1",
             "-h", str(self.folder), "-p", str(self.port), "-U", SUPERUSER,
             "-d", "postgres", "-c", sql],
            check=True, capture_output=True, timeout=60,
        )  # fmt: skip

    @contextlib.contextmanager
    def new_database(self) -> Iterator[str]:
        """A fresh, empty database for one test; its SQLAlchemy URL. Dropped afterwards."""
        name = "t_" + uuid.uuid4().hex[:12]
        self.psql(f"CREATE DATABASE {name}")
        try:
            yield self.url(name)
        finally:
            self.psql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@contextlib.contextmanager
def temporary_cluster() -> Iterator[Cluster]:
    """Start a throw-away PostgreSQL cluster; stop it and remove its folder afterwards."""
    programs = server_programs()
    folder = Path(tempfile.mkdtemp(prefix="central-pg-"))
    as_user: list[str] = []
    if os.geteuid() == 0:
        shutil.chown(folder, user=UNPRIVILEGED)
        as_user = ["runuser", "-u", UNPRIVILEGED, "--"]
    os.chmod(folder, 0o700)
    port = _free_port()
    cluster = Cluster(folder, port, programs, as_user)
    data = folder / "data"

    def run(*args: str) -> None:
        done = subprocess.run(
            [*as_user, *args], capture_output=True, text=True, timeout=120, cwd=folder
        )
        if done.returncode != 0:
            raise RuntimeError(f"{Path(args[0]).name} failed: {done.stderr or done.stdout}")

    try:
        run(str(programs / "initdb"), "-D", str(data), "-U", SUPERUSER, "--auth=trust",
            "-E", "UTF8", "--locale=C.UTF-8", "--no-sync")  # fmt: skip
        options = (
            f"-k {folder} -p {port} -c listen_addresses='' -c fsync=off "
            "-c synchronous_commit=off -c full_page_writes=off -c max_connections=60"
        )
        run(str(programs / "pg_ctl"), "-D", str(data), "-o", options,
            "-l", str(folder / "server.log"), "-w", "-t", "60", "start")  # fmt: skip
        try:
            yield cluster
        finally:
            run(str(programs / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop")
    finally:
        shutil.rmtree(folder, ignore_errors=True)
