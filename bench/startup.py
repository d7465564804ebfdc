"""How long a command takes to start, next to Python's own start-up.

    .venv/bin/python bench/startup.py [--runs 9]

An officer's script or a counter's barcode hook may call ``workstation`` many
times, so start-up is most of what it waits for. Ours: the median wall time
of ``workstation --version``, ``workstation dossier list`` on a small store
(the demo's three dossiers) and ``workstation doctor``, each a fresh process.
Reference, from the same run: ``python -c pass`` (the interpreter alone) and
``python -c "import sqlalchemy"`` (the floor for any command that opens the
store). Targets here: ``--version`` under 0.15 s, ``dossier list`` under 0.4 s.

To see where the time goes: ``python -X importtime -m workstation dossier list``.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SOURCE = Path(__file__).resolve().parents[1] / "src"
TARGETS = {"--version": 0.15, "dossier list": 0.4}


def timed(command: list[str], env: dict[str, str], runs: int) -> tuple[float, float]:
    """Median wall seconds and median CPU seconds of ``runs`` fresh processes of ``command``.

    CPU time (user + system, from the child's resource usage) moves far less than
    wall time when other work shares the machine.
    """
    walls, cpus = [], []
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        subprocess.run(command, env=env, check=False, capture_output=True)
        walls.append(time.perf_counter() - start)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return statistics.median(walls), statistics.median(cpus)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9, help="processes per figure (median)")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="bench-startup-"))
    env = {k: v for k, v in os.environ.items() if not k.startswith("WORKSTATION_")}
    env["WORKSTATION_HOME"] = str(folder / "demo-run")
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(SOURCE), env.get("PYTHONPATH")]))
    workstation = [sys.executable, "-m", "workstation"]
    # The demo's folder is a workstation home: a small store with three dossiers.
    home = folder / "home"
    subprocess.run([*workstation, "demo", "--folder", str(home)], env=env, check=True,
                   capture_output=True)  # fmt: skip
    env["WORKSTATION_HOME"] = str(home)

    python, python_cpu = timed([sys.executable, "-c", "pass"], env, args.runs)
    floor, floor_cpu = timed([sys.executable, "-c", "import sqlalchemy"], env, args.runs)
    print(f"{'':<36} {'wall':>7} {'cpu':>7}")
    print(f"{'reference: python -c pass':<36} {python:6.3f}s {python_cpu:6.3f}s")
    print(f"{'reference: python -c import sqlalchemy':<36} {floor:6.3f}s {floor_cpu:6.3f}s")
    for name in ("--version", "dossier list", "doctor"):
        ours, ours_cpu = timed([*workstation, *name.split()], env, args.runs)
        target = TARGETS.get(name)
        verdict = (
            ""
            if target is None
            else f"  target < {target} s: " + ("met" if ours < target else "MISSED")
        )
        print(
            f"{'workstation ' + name:<36} {ours:6.3f}s {ours_cpu:6.3f}s"
            f"  wall = {ours / python:5.1f} × python, {ours / floor:4.2f} × import sqlalchemy"
            f"{verdict}"
        )


if __name__ == "__main__":
    main()
