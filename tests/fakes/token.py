"""A fake PIN state around a real SoftHSM2 token.

SoftHSM2 never reports a low PIN counter, never locks a PIN and cannot be
pulled out, so these cases wrap a real SoftHSM2 token (``pkcs11.Token``)
and change only what the module would report: its flags, or the error its
login raises. Everything else goes to the real token.
"""

from __future__ import annotations

from typing import Any


class FakePinStateToken:
    """A real token whose module reports extra PIN flags, or fails the login."""

    def __init__(self, real: Any, extra_flags: int = 0, login_error: Exception | None = None):
        self.real = real
        self.extra_flags = extra_flags
        self.login_error = login_error
        self.login_attempts = 0

    @property
    def flags(self) -> int:
        return int(self.real.flags) | self.extra_flags

    @property
    def label(self) -> str:
        return self.real.label

    @property
    def serial(self) -> bytes:
        return self.real.serial

    def open(self, **kwargs: Any) -> Any:
        self.login_attempts += 1
        if self.login_error is not None:
            raise self.login_error
        return self.real.open(**kwargs)


class FakeSlotsModule:
    """A real PKCS#11 module (``pkcs11.lib``) whose tokens can be pulled out and plugged in.

    ``pull_out(label)`` hides that token's slot from ``get_slots`` as the
    module does once the token leaves its USB port; ``plug_in`` shows it again.
    """

    def __init__(self, real: Any) -> None:
        self.real = real
        self.pulled_out: set[str] = set()

    def pull_out(self, label: str) -> None:
        self.pulled_out.add(label)

    def plug_in(self, label: str) -> None:
        self.pulled_out.discard(label)

    def get_slots(self, token_present: bool = False) -> list[Any]:
        slots = self.real.get_slots(token_present=token_present)
        return [s for s in slots if s.get_token().label not in self.pulled_out]


class FakePulledOutSigner:
    """A real signer (a logged-in SoftHSM2 ``TokenSigner``) whose token is pulled out after
    ``signatures`` signatures: every later signature fails as the module reports a token
    gone from its port (``sign.token_failed``). SoftHSM2 cannot be unplugged."""

    def __init__(self, real: Any, signatures: int) -> None:
        self.real = real
        self.left = signatures

    @property
    def certificate_subject(self) -> str:
        return self.real.certificate_subject

    def __enter__(self) -> FakePulledOutSigner:
        self.real.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        self.real.__exit__(*exc)

    def sign(self, source: Any, output: Any, look: Any = None) -> Any:
        from workstation.errors import ExternalPartError

        if self.left <= 0:
            raise ExternalPartError("the token was removed", code="sign.token_failed")
        self.left -= 1
        return (
            self.real.sign(source, output, look)
            if look is not None
            else self.real.sign(source, output)
        )

    def sign_batch(self, jobs: Any, look: Any = None, **kwargs: Any) -> Any:
        from workstation.sign.pades import PdfSigningSession

        # The real batch logic, with this object's sign(): stops at the failure.
        return PdfSigningSession.sign_batch(self, jobs, look, **kwargs)  # type: ignore[arg-type]
