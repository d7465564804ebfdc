"""A codec that visibly changes stored bytes, to prove every stored byte passes the codec.

Not encryption, but shaped like it: its output is arbitrary bytes (not valid
UTF-8), as a real cipher's is, so the store must not assume sealed data is text.
"""

from __future__ import annotations

import hashlib


class ScramblingCodec:
    name = "scrambling-test"

    def seal(self, plain: bytes) -> bytes:
        return b"\xff\xfe" + bytes(b ^ 0xA5 for b in plain)

    def open(self, stored: bytes) -> bytes:
        assert stored[:2] == b"\xff\xfe", "not sealed by this codec"
        return bytes(b ^ 0xA5 for b in stored[2:])

    def keyed(self, purpose: str, value: str) -> str:
        return hashlib.sha256(f"{purpose}:{value}".encode()).hexdigest()
