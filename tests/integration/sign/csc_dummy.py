"""Certomancer's own CSC test server (``certomancer-csc-dummy``) on loopback.

An independent implementation of the Cloud Signature Consortium API v1 by
pyHanko's author, serving every key of a Certomancer PKI as a credential
named ``<architecture>/<certificate label>``. It is an aiohttp application;
here it runs on its own event loop in a thread, bound to 127.0.0.1 on a
free port. It answers at once (no phone to wait for) and checks no access
token; our fake (``tests/fakes/csc_server.py``) covers those parts.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def csc_dummy_server(config: object, *, hash_pinning: bool = True) -> Iterator[str]:
    """Serve ``config``'s keys over CSC v1; yields the base URL ending in ``/csc/v1``.

    ``hash_pinning``: SCAL 2 (each authorisation binds the hashes); without
    it SCAL 1, one authorisation for up to ten signatures.
    """
    from aiohttp import web
    from csc_dummy.csc_dummy_server import CSCWithCertomancer, DummyServiceParams

    csc = CSCWithCertomancer(
        config,  # type: ignore[arg-type]
        service_params=DummyServiceParams(hash_pinning_required=hash_pinning),
    )
    csc.register_routes()
    loop = asyncio.new_event_loop()
    runner = web.AppRunner(csc.app, access_log=None)
    loop.run_until_complete(runner.setup())
    site = web.TCPSite(runner, "127.0.0.1", 0)
    loop.run_until_complete(site.start())
    port = runner.addresses[0][1]
    thread = threading.Thread(target=loop.run_forever, name="csc-dummy", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{port}/csc/v1"
    finally:
        loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout=10)
        loop.run_until_complete(runner.cleanup())
        loop.close()
