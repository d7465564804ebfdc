"""A codec that visibly changes stored bytes, to prove every stored byte passes the codec.

Not encryption: it XORs with a fixed byte and base64-encodes, so stored text and
files differ from the plain ones while staying valid UTF-8 for text columns.
"""

from __future__ import annotations

import base64


class ScramblingCodec:
    name = "scrambling (tests only)"

    def seal(self, plain: bytes) -> bytes:
        return base64.b64encode(bytes(b ^ 0x5A for b in plain))

    def open(self, stored: bytes) -> bytes:
        return bytes(b ^ 0x5A for b in base64.b64decode(stored))
