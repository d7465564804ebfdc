"""Who the workstation trusts when it talks HTTPS to a service outside the machine.

The central system and a remote signing (CSC) service receive sign-ins, tokens,
PINs and citizens' data, so:

- certificates are always verified (never ``verify=False``);
- the central system's certificate authority can be pinned (the ``central_ca_file``
  setting, a PEM file): then only that authority is trusted for it, not the
  public roots;
- plain ``http://`` is refused unless the host is this machine (127.0.0.0/8,
  ``::1``, ``localhost``), before any connection is made.

A certificate the workstation does not trust is told apart from a server that
cannot be reached (:func:`untrusted_certificate`), so the officer hears that the
address may not be the province's system rather than that the network is down.
"""

from __future__ import annotations

import ipaddress
import ssl
from pathlib import Path
from urllib.parse import urlsplit

from workstation.errors import BadInput, ConfigError, ExternalPartError

LOOPBACK_NAMES = ("localhost",)


class InsecureAddress(BadInput):
    """A plain-HTTP (or unknown-scheme) address for a service off this machine (exit 3)."""

    code = "tls.insecure_url"


class UntrustedCertificate(ExternalPartError):
    """The service's certificate is not signed by an authority trusted for it (exit 4)."""

    code = "tls.untrusted"


def is_loopback(host: str | None) -> bool:
    """True for 127.0.0.0/8, ::1 and ``localhost``: addresses that never leave the machine."""
    if not host:
        return False
    if host.lower().rstrip(".") in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def require_secure_url(url: str, what: str) -> str:
    """``url`` if it is ``https://``, or ``http://`` to this machine; else :class:`InsecureAddress`.

    ``what`` names the service in the message (``central system``, ``remote signing service``).
    """
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    if scheme == "https" and parts.hostname:
        return url
    if scheme == "http" and is_loopback(parts.hostname):
        return url
    raise InsecureAddress(
        f"the {what} address must start with https:// (plain http:// only to this machine), "
        f"not {parts.scheme or 'no scheme'}://{parts.hostname or ''}",
        url=url,
        service=what,
    )


def verification(ca_file: str | Path | None) -> ssl.SSLContext | bool:
    """What httpx's ``verify`` gets: the pinned authority alone when ``ca_file`` is given,
    else True (the default trust store). Raises :class:`ConfigError` (``tls.ca_unreadable``)
    for a file that is not a readable PEM certificate."""
    if not ca_file:
        return True
    try:
        # With a cafile, create_default_context loads that file and no default roots.
        return ssl.create_default_context(cafile=str(ca_file))
    except (OSError, ssl.SSLError) as exc:
        raise ConfigError(
            f"the pinned certificate authority {ca_file} cannot be read as PEM: "
            f"{exc.__class__.__name__}",
            code="tls.ca_unreadable",
            path=str(ca_file),
        ) from exc


def untrusted_certificate(exc: BaseException) -> bool:
    """True when ``exc`` (or what caused it) is a refused certificate, not a network fault."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        if isinstance(current, ssl.SSLCertVerificationError):
            return True
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    return False
