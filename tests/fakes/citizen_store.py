"""A fake of the central system's citizen store, for :class:`workstation.reuse.ReuseLookup`.

The real store is the reference server's ``GET /v1/citizens/{id}/documents`` and
file download (``tests/integration/sync/test_reuse.py`` uses it); this fake
serves documents held in memory through the same two calls of
:class:`workstation.sync.client.CentralClient`, where a test needs no server.
"""

from __future__ import annotations

import hashlib
from typing import Any, BinaryIO


class FakeCitizenStoreClient:
    """Serves ``documents`` (file name → bytes), all filed under ``component_name``."""

    def __init__(self, documents: dict[str, bytes], component_name: str) -> None:
        self.files = {hashlib.sha256(data).hexdigest(): data for data in documents.values()}
        self.listing = [
            {
                "sha256": hashlib.sha256(data).hexdigest(),
                "name": name,
                "media_type": "application/pdf",
                "bytes": len(data),
                "dossier_id": "earlier-dossier",
                "dossier_code": None,
                "component_code": None,
                "component_name": component_name,
            }
            for name, data in documents.items()
        ]

    def citizen_documents(self, id_number: str) -> list[dict[str, Any]]:
        return list(self.listing)

    def download_file(self, sha256: str, target: BinaryIO, limit: int) -> int:
        data = self.files[sha256]
        target.write(data)
        return len(data)
