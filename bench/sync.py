"""Sync throughput and memory: a 200 MB file and 500 small dossiers, against curl, on loopback.

Starts the reference central server (``workstation-central serve``) in a child
process, then sends through the sender (outbox, file check, tus upload, dossier)
and has ``curl`` PATCH the same bytes to tus uploads on the same server in the
same run (the big file's first bytes change before every run of either side, so
neither finds its content held and skips keeping it). For the small dossiers ours
does the whole job (per batch of 50: one file check, their files in one
``POST /v1/files`` and one ``POST /v1/batch``) while curl only PATCHes the bytes
to uploads created for it beforehand, untimed.
Each side gets a warm-up run that is not counted, then ``--rounds`` measured
runs in alternating order (the machine is shared, and whoever runs second finds
the page cache and the server warm); the median of each is compared, and every
run is printed. Prints both throughputs, their ratio and
this process's peak memory (the client's: the server runs apart). Targets:
≥ 0.8× curl, < 150 MB.

    PYTHONPATH=src python bench/sync.py [--big-mb 200] [--small 500] [--rounds 5] [--sealed]

``--sealed`` stores and sends with encryption at rest on: blobs are sealed in
segments and opened a segment at a time as they upload, so memory stays flat.

``--big-mb 0`` skips the big file. The machine's load (``uptime``) is printed before
and after, since the figures mean little on a loaded machine.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import os
import resource
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from statistics import median

ROOT = Path(__file__).resolve().parents[1]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _write_random(path: Path, size: int) -> None:
    with path.open("wb") as f:
        left = size
        while left:
            n = min(left, 1 << 20)
            f.write(os.urandom(n))
            left -= n


def _payload(dossier_id: str, digest: str, size: int) -> dict:
    return {
        "id": dossier_id,
        "code": None,
        "procedure_code": "1.001193",
        "status": 1,
        "applicant": {"type": 1, "name": "Nguyễn Văn Thử"},
        "components": [
            {
                "id": f"{dossier_id}-c",
                "documents": [
                    {
                        "id": f"{dossier_id}-d",
                        "sha256": digest,
                        "media_type": "application/pdf",
                        "file_name": "hs.pdf",
                        "size_bytes": size,
                    }
                ],
            }
        ],
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--big-mb", type=int, default=200, help="0: no big file")
    parser.add_argument("--small", type=int, default=500)
    parser.add_argument("--small-kb", type=int, default=40)
    parser.add_argument("--rounds", type=int, default=5, help="measured rounds (median kept)")
    parser.add_argument(
        "--sealed", action="store_true", help="with encryption at rest on (the sealing codec)"
    )
    args = parser.parse_args()

    load_before = _uptime()
    work = Path(tempfile.mkdtemp(prefix="bench-sync-"))
    os.environ["WORKSTATION_HOME"] = str(work / "home")
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src"), "BENCH_PASSWORD": "bench-pass"}
    central = [sys.executable, "-m", "workstation_central"]
    data = str(work / "central")
    subprocess.run(
        [*central, "create-officer", "--data", data, "--user", "bench",
         "--password-env", "BENCH_PASSWORD"],
        env=env, check=True, capture_output=True,
    )  # fmt: skip
    port = _free_port()
    server = subprocess.Popen([*central, "serve", "--data", data, "--port", str(port)], env=env)
    url = f"http://127.0.0.1:{port}"

    import httpx

    from workstation.services import open_services
    from workstation.store.outbox import MessageKind, enqueue
    from workstation.sync.client import HttpCentralClient
    from workstation.sync.sender import Sender

    try:
        for _ in range(200):
            try:
                httpx.get(f"{url}/v1/catalogue", timeout=1)
                break
            except httpx.TransportError:
                time.sleep(0.05)
        services = open_services()
        if args.sealed:
            from workstation.store import protection
            from workstation.store.sealing import SealingCodec, key_id_of

            key = os.urandom(32)
            protection.install_codec(SealingCodec({key_id_of(key): key}, key_id_of(key)))
        client = HttpCentralClient(url)
        client.login("bench", "bench-pass")
        sender = Sender(services.database, services.blobs, client)

        # One big file: a warm-up of each (not counted), then ``--rounds`` measured
        # rounds in alternating order (ours first, then curl first), the median kept.
        size = args.big_mb << 20
        big = work / "big.bin"
        _write_random(big, size)
        counter = iter(range(1_000_000))

        def renew_big() -> int:
            """New content each time, so neither side finds it held: both pay its keeping."""
            n = next(counter)
            with big.open("r+b") as f:
                f.write(n.to_bytes(8, "big"))
            return n

        def ours_big_once() -> float:
            n = renew_big()
            with big.open("rb") as f:
                digest = services.blobs.put_file(f)
            dossier_id = f"big{n}"
            with services.database.transaction() as session:
                payload = _payload(dossier_id, digest, size)
                enqueue(session, MessageKind.DOSSIER_CREATED, dossier_id, payload)
            started = time.perf_counter()
            assert sender.send_due() == 1
            return size / (time.perf_counter() - started)

        def curl_big_once() -> float:
            renew_big()
            with big.open("rb") as f:
                digest = hashlib.file_digest(f, "sha256").hexdigest()
            location = _tus_create(client, digest, size)
            started = time.perf_counter()
            _curl([_curl_patch(url + location, big, None)], token=client.access_token)
            return size / (time.perf_counter() - started)

        ours_big_runs: list[float] = []
        curl_big_runs: list[float] = []
        if args.big_mb:
            ours_big_runs, curl_big_runs = _alternate(ours_big_once, curl_big_once, args.rounds)

        # Many small dossiers, the same way ------------------------------------------
        small = args.small_kb << 10
        batches = iter(range(1_000_000))

        def small_files(count: int) -> list[tuple[Path, str]]:
            batch = next(batches)
            made = []
            for i in range(count):
                path = work / f"s{batch}-{i}.bin"
                path.write_bytes(os.urandom(small))
                made.append((path, hashlib.sha256(path.read_bytes()).hexdigest()))
            return made

        def ours_small_once(count: int = args.small) -> float:
            files = small_files(count)
            with services.database.transaction() as session:
                for path, d in files:
                    with path.open("rb") as f:
                        services.blobs.put_file(f)
                    enqueue(session, MessageKind.DOSSIER_CREATED, path.stem,
                            _payload(path.stem, d, small))  # fmt: skip
            started = time.perf_counter()
            assert sender.send_due() == count
            return count / (time.perf_counter() - started)

        def curl_small_once(count: int = args.small) -> float:
            configs = [
                _curl_patch(url + _tus_create(client, d, small), path, None)
                for path, d in small_files(count)
            ]
            started = time.perf_counter()
            _curl(configs, token=client.access_token)
            return count / (time.perf_counter() - started)

        ours_small_runs, curl_small_runs = _alternate(ours_small_once, curl_small_once, args.rounds)
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        client.close()
        services.close()
    finally:
        server.terminate()
        server.wait(timeout=10)
        shutil.rmtree(work, ignore_errors=True)  # gigabytes of files and their copies

    ours_small, curl_small = median(ours_small_runs), median(curl_small_runs)
    print(f"load before: {load_before}")
    print(f"load after:  {_uptime()}")
    if args.big_mb:
        _print_big(args.big_mb, args.rounds, ours_big_runs, curl_big_runs)
    print(f"{args.small} dossiers of {args.small_kb} KB, median of {args.rounds}: "
          f"ours {ours_small:.0f}/s (batched check, files and writes), curl {curl_small:.0f}/s "
          f"(PATCH only), ratio {ours_small / curl_small:.2f} "
          "(target >= 0.8)")  # fmt: skip
    print("  runs, per s: ours " + " ".join(f"{r:.0f}" for r in ours_small_runs)
          + " | curl " + " ".join(f"{r:.0f}" for r in curl_small_runs))  # fmt: skip
    print(f"peak client memory: {peak_mb:.0f} MB (target < 150 MB)")
    return 0


def _uptime() -> str:
    return subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()


def _print_big(big_mb: int, rounds: int, ours_runs: list[float], curl_runs: list[float]) -> None:
    mb = 1 << 20
    ours_big, curl_big = median(ours_runs), median(curl_runs)
    print(f"{big_mb} MB file, median of {rounds} after a warm-up: "
          f"ours {ours_big / mb:.1f} MB/s, curl {curl_big / mb:.1f} MB/s, "
          f"ratio {ours_big / curl_big:.2f} (target >= 0.8)")  # fmt: skip
    print("  runs, MB/s: ours " + " ".join(f"{r / mb:.1f}" for r in ours_runs)
          + " | curl " + " ".join(f"{r / mb:.1f}" for r in curl_runs))  # fmt: skip


def _alternate(
    ours: Callable[[], float], curl: Callable[[], float], rounds: int
) -> tuple[list[float], list[float]]:
    """A warm-up of each (not counted: connections, caches, the server's first writes), then
    ``rounds`` measured rounds, ours first in even rounds and curl first in odd ones, so
    neither always runs on a machine the other has just warmed or loaded."""
    ours()
    curl()
    ours_runs: list[float] = []
    curl_runs: list[float] = []
    for round_ in range(rounds):
        if round_ % 2 == 0:
            ours_runs.append(ours())
            curl_runs.append(curl())
        else:
            curl_runs.append(curl())
            ours_runs.append(ours())
    return ours_runs, curl_runs


def _tus_create(client, digest: str, size: int) -> str:
    """A fresh tus upload for curl to fill (not timed)."""
    response = client._http.post(
        "/v1/uploads",
        headers={
            "Authorization": f"Bearer {client.access_token}",
            "Idempotency-Key": str(uuid.uuid4()),
            "Tus-Resumable": "1.0.0",
            "Upload-Length": str(size),
            "Upload-Metadata": "sha256 " + base64.b64encode(digest.encode()).decode(),
        },
    )
    response.raise_for_status()
    return response.headers["Location"]


def _curl_patch(url: str, path: Path, token: str | None) -> list[str]:
    return ["--url", url, "--upload-file", str(path)]


def _curl(uploads: list[list[str]], token: str | None = None) -> None:
    """One curl process, every upload a tus PATCH from offset 0 over one kept-alive connection."""
    common = ["curl", "-sS", "-f", "-o", "/dev/null", "-X", "PATCH", "-H", "Expect:"]
    common += ["-H", "Tus-Resumable: 1.0.0", "-H", "Upload-Offset: 0"]
    common += ["-H", "Content-Type: application/offset+octet-stream"]
    if token:
        common += ["-H", f"Authorization: Bearer {token}"]
    argv = list(common)
    for i, upload in enumerate(uploads):
        if i:
            argv.append("--next")
            argv += common[1:]
        argv += upload
    subprocess.run(argv, check=True)


if __name__ == "__main__":
    sys.exit(main())
