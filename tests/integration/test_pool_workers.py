"""A process-pool worker does not outlive the program that started it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.integration

PROGRAM = """
import time
from workstation.workers import process_pool

if __name__ == "__main__":
    pool = process_pool(1)
    print(pool.submit(__import__("os").getpid).result(), flush=True)
    time.sleep(600)
"""


def _running(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return False
    return state not in ("Z", "X")  # a zombie has ended, only its exit status is left


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc")
@pytest.mark.timeout(60)
def test_a_worker_ends_when_its_program_is_killed(tmp_path) -> None:
    script = tmp_path / "program.py"
    script.write_text(PROGRAM)
    program = subprocess.Popen(
        [sys.executable, str(script)],
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)},
    )
    worker = int(program.stdout.readline())
    assert _running(worker)
    program.send_signal(signal.SIGKILL)
    program.wait()
    program.stdout.close()
    while _running(worker):  # bounded by the test's timeout
        time.sleep(0.05)
