"""Colour policies: how each kind of captured page may be stored, read from data.

The digitisation rules (Circular 01/2023) want components, results and
electronic copies in colour at 200 dpi or more and 100 % scale; an archive may
allow black-and-white or grey for plain-text pages. Whatever the policy or the
officer's choice, a page carrying a seal, a signature, a photo or handwriting
is never reduced: a black-and-white seal proves nothing.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from workstation.errors import BadInput, ConfigError
from workstation.paths import resources_dir

COLOUR, GRAY, BW = "colour", "gray", "bw"
CHOICES = ("policy", "color", "gray", "auto")
"""What ``--colour`` takes: the purpose's policy, or a mode for every page."""


@dataclass(frozen=True)
class ColourPolicy:
    """One purpose's rule: ``mode`` is ``colour`` or ``auto`` (reduce plain pages)."""

    purpose: str
    mode: str
    min_dpi: int
    scale: float
    allow: tuple[str, ...] = ()


def policies_path() -> Path:
    return resources_dir() / "capture" / "colour-policies.json"


@cache
def load_policies(path: Path | None = None) -> tuple[str, dict[str, ColourPolicy]]:
    """The default purpose and every purpose's policy."""
    path = path or policies_path()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        policies = {
            name: ColourPolicy(
                purpose=name,
                mode=entry["mode"],
                min_dpi=int(entry["min_dpi"]),
                scale=float(entry["scale"]),
                allow=tuple(entry.get("allow", ())),
            )
            for name, entry in data["policies"].items()
        }
        default = data["default"]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise ConfigError(
            f"colour policies unreadable: {exc.__class__.__name__}",
            code="capture.policies_unreadable",
        ) from exc
    return default, policies


def policy_for(purpose: str | None) -> ColourPolicy:
    """The policy of ``purpose`` (default purpose when ``None``)."""
    default, policies = load_policies()
    name = purpose or default
    if name not in policies:
        raise BadInput(
            f"unknown purpose {name!r}; known: {', '.join(sorted(policies))}",
            code="capture.unknown_purpose",
            purpose=name,
        )
    return policies[name]


def page_mode(choice: str, policy: ColourPolicy, has_colour_content: bool) -> str:
    """How to store one page: ``colour``, ``gray`` or ``bw``.

    ``choice`` is ``policy`` (follow ``policy``), ``color``, ``gray`` or ``auto``
    (black-and-white unless the page has colour content). Colour content always
    wins: a page with a seal, signature, photo or handwriting stays colour.
    """
    if has_colour_content or choice == "color":
        return COLOUR
    if choice == "gray":
        return GRAY
    if choice == "auto":
        return BW
    if policy.mode == COLOUR:
        return COLOUR
    return BW if BW in policy.allow or not policy.allow else GRAY
