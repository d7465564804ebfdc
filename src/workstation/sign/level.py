"""The signature policy: which PAdES baseline level a signature is made at.

The administrator sets ``signature_level`` (and may lock it for the machine);
``workstation sign --level`` and the signing section use it when they are not
told otherwise. A level is reached with the other settings:

- B-B: a signature without a time-stamp (``tsa_url`` is not used);
- B-T: time-stamped by the time-stamp authority (``tsa_url`` required);
- B-LT: time-stamped, with the chain's OCSP answers and CRLs embedded
  (``tsa_url`` and ``trust_roots`` required).

Whatever the level, trusted roots still make the signer refuse a revoked
certificate before signing (Decree 23/2025); only B-LT embeds what that check
fetched. An empty level is the level the settings allow, as before the policy
existed. A level the settings cannot reach stops signing with
``sign.level_needs_tsa`` or ``sign.level_needs_trust`` (exit 3) rather than
sign below the policy.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from workstation.errors import BadInput

LEVELS = ("B-B", "B-T", "B-LT")


@dataclass(frozen=True)
class SignaturePlan:
    """How to sign at one level: the time-stamp authority, the roots, whether to embed."""

    level: str
    tsa_url: str | None
    trust_roots: tuple[Path, ...]
    """Roots of the revocation check before signing; empty: no check."""
    embed_revocation: bool
    """Embed the revocation answers (B-LT)."""


def signature_plan(level: str, tsa_url: str | None, trust_roots: Sequence[Path]) -> SignaturePlan:
    """The plan for ``level`` (one of :data:`LEVELS`, or empty: what the others allow).

    Raises :class:`BadInput` (``sign.level_unknown``, ``sign.level_needs_tsa``,
    ``sign.level_needs_trust``) when the level cannot be reached.
    """
    roots = tuple(trust_roots)
    tsa = tsa_url or None
    if not level:
        level = "B-LT" if tsa and roots else "B-T" if tsa else "B-B"
    if level not in LEVELS:
        raise BadInput(
            f"signature level must be one of {', '.join(LEVELS)}, not {level!r}",
            code="sign.level_unknown",
            level=level,
        )
    if level == "B-B":
        return SignaturePlan(level, None, roots, embed_revocation=False)
    if tsa is None:
        raise BadInput(
            f"signature level {level} needs a time-stamp authority (tsa_url)",
            code="sign.level_needs_tsa",
            level=level,
        )
    if level == "B-T":
        return SignaturePlan(level, tsa, roots, embed_revocation=False)
    if not roots:
        raise BadInput(
            "signature level B-LT needs trusted roots (trust_roots) for the revocation data",
            code="sign.level_needs_trust",
            level=level,
        )
    return SignaturePlan(level, tsa, roots, embed_revocation=True)
