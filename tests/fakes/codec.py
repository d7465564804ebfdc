"""A codec that visibly changes stored bytes, to prove every stored byte passes the codec.

Not encryption, but shaped like it: its output is arbitrary bytes (not valid
UTF-8), as a real cipher's is, so the store must not assume sealed data is text.
Its keyed door is real (HMAC-SHA256), so blind search indexes made under it
hold no plain word.
"""

from __future__ import annotations

import hashlib
import hmac


class ScramblingCodec:
    name = "scrambling-test"
    key = b"fake data key"

    def seal(self, plain: bytes) -> bytes:
        return b"\xff\xfe" + bytes(b ^ 0xA5 for b in plain)

    def open(self, stored: bytes) -> bytes:
        assert stored[:2] == b"\xff\xfe", "not sealed by this codec"
        return bytes(b ^ 0xA5 for b in stored[2:])

    def keyed(self, purpose: str, value: str) -> str:
        """A real keyed door: HMAC-SHA256 under a key derived per purpose, hex, as the
        sealing codec's, so a blind index made under this codec holds no folded name."""
        derived = hmac.new(self.key, purpose.encode("utf-8"), hashlib.sha256).digest()
        return hmac.new(derived, value.encode("utf-8"), hashlib.sha256).hexdigest()


class FakeKeyedCodec(ScramblingCodec):
    """The scrambling codec under a data key of the test's choosing (another key: a key
    rotated, every keyed name different)."""

    name = "keyed-test"

    def __init__(self, key: bytes = b"fake data key") -> None:
        self.key = key
