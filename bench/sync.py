"""Sync throughput and memory: a 200 MB file and 500 small dossiers, against curl, on loopback.

Starts the reference central server (``workstation-central serve``) in a child
process, then sends through the sender (outbox, file check, tus upload, dossier)
and has ``curl`` PATCH the same bytes to tus uploads on the same server in the
same run. Prints both throughputs, their ratio and this process's peak memory
(the client's: the server runs apart). Targets: ≥ 0.8× curl, < 150 MB.

    PYTHONPATH=src python bench/sync.py [--big-mb 200] [--small 500]
"""

from __future__ import annotations

import argparse
import base64
import os
import resource
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

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
    parser.add_argument("--big-mb", type=int, default=200)
    parser.add_argument("--small", type=int, default=500)
    parser.add_argument("--small-kb", type=int, default=40)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()

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
        client = HttpCentralClient(url)
        client.login("bench", "bench-pass")
        sender = Sender(services.database, services.blobs, client)

        # One big file, best of ``--rounds`` each (the machine is shared) -------------
        size = args.big_mb << 20
        big = work / "big.bin"
        _write_random(big, size)
        ours_big = curl_big = 0.0
        for round_ in range(args.rounds):
            with big.open("r+b") as f:  # new content each round, so nothing is skipped as held
                f.write(round_.to_bytes(8, "big"))
            with big.open("rb") as f:
                digest = services.blobs.put_file(f)
            dossier_id = f"big{round_}"
            with services.database.transaction() as session:
                payload = _payload(dossier_id, digest, size)
                enqueue(session, MessageKind.DOSSIER_CREATED, dossier_id, payload)
            started = time.perf_counter()
            assert sender.send_due() == 1
            ours_big = max(ours_big, size / (time.perf_counter() - started))

            location = _tus_create(client, digest, size)
            started = time.perf_counter()
            _curl([_curl_patch(url + location, big, None)], token=client.access_token)
            curl_big = max(curl_big, size / (time.perf_counter() - started))

        # Many small dossiers ------------------------------------------------------
        small = args.small_kb << 10
        files = []
        with services.database.transaction() as session:
            for i in range(args.small):
                path = work / f"s{i}.bin"
                path.write_bytes(os.urandom(small))
                files.append(path)
                with path.open("rb") as f:
                    d = services.blobs.put_file(f)
                enqueue(session, MessageKind.DOSSIER_CREATED, f"s{i}", _payload(f"s{i}", d, small))
        started = time.perf_counter()
        assert sender.send_due() == args.small
        ours_small = args.small / (time.perf_counter() - started)

        import hashlib

        configs = []
        for path in files:
            d = hashlib.sha256(path.read_bytes()).hexdigest()
            configs.append(_curl_patch(url + _tus_create(client, d, small), path, None))
        started = time.perf_counter()
        _curl(configs, token=client.access_token)
        curl_small = args.small / (time.perf_counter() - started)
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        client.close()
        services.close()
    finally:
        server.terminate()
        server.wait(timeout=10)

    mb = 1 << 20
    print(f"{args.big_mb} MB file: ours {ours_big / mb:.1f} MB/s, curl {curl_big / mb:.1f} MB/s, "
          f"ratio {ours_big / curl_big:.2f} (target >= 0.8)")  # fmt: skip
    print(f"{args.small} dossiers of {args.small_kb} KB: ours {ours_small:.0f}/s "
          f"(check, tus create, HEAD, PATCH, dossier), curl {curl_small:.0f}/s (PATCH only), "
          f"ratio {ours_small / curl_small:.2f}")  # fmt: skip
    print(f"peak client memory: {peak_mb:.0f} MB (target < 150 MB)")
    return 0


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
