"""A TCP proxy that breaks connections on purpose, between the client and the central server.

Each connection it accepts meets one fault, drawn from a seeded random generator:
dropped before anything is forwarded, a 503 answered without forwarding, a delay,
the response cut after a few bytes (the server has applied the request, the client
never hears so), or nothing. ``throttle`` slows every forwarded piece, so a test
can kill the client mid-upload. It is the network between two real parts, not a
stand-in for either.
"""

from __future__ import annotations

import contextlib
import random
import socket
import threading
import time

FAULTS = ("drop", "error", "delay", "cut", "none")

_ERROR = b"HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"


class FaultyProxy:
    def __init__(
        self,
        target_port: int,
        *,
        seed: int = 0,
        weights: dict[str, float] | None = None,
        throttle: float = 0.0,
    ) -> None:
        self.target_port = target_port
        self.rng = random.Random(seed)
        self.weights = weights or {"drop": 1, "error": 1, "delay": 1, "cut": 1, "none": 3}
        self.throttle = throttle  # seconds slept per forwarded piece
        self.faults: dict[str, int] = dict.fromkeys(FAULTS, 0)
        self._lock = threading.Lock()
        self._listener = socket.socket()
        self._listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._listener.bind(("127.0.0.1", 0))
        self._listener.listen(64)
        self.port = self._listener.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self._closed = False
        threading.Thread(target=self._accept, daemon=True).start()

    def close(self) -> None:
        self._closed = True
        with contextlib.suppress(OSError):
            self._listener.close()

    def _draw(self) -> str:
        with self._lock:
            names = list(self.weights)
            fault = self.rng.choices(names, [self.weights[n] for n in names])[0]
            self.faults[fault] += 1
            return fault

    def _accept(self) -> None:
        while not self._closed:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(client,), daemon=True).start()

    def _serve(self, client: socket.socket) -> None:
        fault = self._draw()
        try:
            if fault == "drop":
                client.recv(1024)
                return
            if fault == "error":
                client.recv(65536)
                client.sendall(_ERROR)
                return
            if fault == "delay":
                time.sleep(0.05 + self.rng.random() * 0.15)
            upstream = socket.create_connection(("127.0.0.1", self.target_port))
            limit = 20 + int(self.rng.random() * 300) if fault == "cut" else None
            threading.Thread(target=self._pump, args=(client, upstream, None), daemon=True).start()
            self._pump(upstream, client, limit)
        except OSError:
            pass
        finally:
            with contextlib.suppress(OSError):
                client.close()

    def _pump(self, source: socket.socket, sink: socket.socket, limit: int | None) -> None:
        """Copy ``source`` to ``sink``; after ``limit`` bytes, cut both."""
        forwarded = 0
        try:
            while True:
                data = source.recv(65536)
                if not data:
                    break
                if limit is not None and forwarded + len(data) >= limit:
                    sink.sendall(data[: max(limit - forwarded, 1)])
                    break
                if self.throttle:
                    time.sleep(self.throttle)
                sink.sendall(data)
                forwarded += len(data)
        except OSError:
            pass
        finally:
            for end in (source, sink):
                with contextlib.suppress(OSError):
                    end.shutdown(socket.SHUT_RDWR)
                with contextlib.suppress(OSError):
                    end.close()
