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
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SOURCE = Path(__file__).resolve().parents[1] / "src"
TARGETS = {"--version": 0.15, "dossier list": 0.4}


def timed(command: list[str], env: dict[str, str], runs: int) -> float:
    """Median seconds of ``runs`` fresh processes running ``command``."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(command, env=env, check=False, capture_output=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


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

    python = timed([sys.executable, "-c", "pass"], env, args.runs)
    floor = timed([sys.executable, "-c", "import sqlalchemy"], env, args.runs)
    print(f"reference: python -c pass                 {python:6.3f} s")
    print(f"reference: python -c 'import sqlalchemy'  {floor:6.3f} s")
    for name in ("--version", "dossier list", "doctor"):
        ours = timed([*workstation, *name.split()], env, args.runs)
        target = TARGETS.get(name)
        verdict = (
            ""
            if target is None
            else f"  target < {target} s: " + ("met" if ours < target else "MISSED")
        )
        print(
            f"workstation {name:<14} {ours:6.3f} s  = {ours / python:5.1f} × python, "
            f"{ours / floor:4.2f} × import sqlalchemy{verdict}"
        )


if __name__ == "__main__":
    main()
