"""Finding driverless (eSCL) scanners on the network by DNS-SD over multicast DNS.

Office scanners that speak eSCL announce ``_uscan._tcp`` (HTTP) and
``_uscans._tcp`` (HTTPS) services; python-zeroconf browses for both. Each
answer is read the way sane-airscan reads it: the TXT key ``rs`` is the path
of the eSCL root (``eSCL`` when the key is absent, the server's root when it
is empty, slashes trimmed), ``ty`` the make and model, ``UUID`` the device's
identity (an optional ``urn:`` / ``uuid:`` prefix, 32 hex digits), ``pdl``
the page formats it sends; TXT keys are case-insensitive (RFC 6763 §6.4).

A scanner announced over both protocols and several addresses is one device
(grouped by its UUID, else by its instance name); its id is ``escl:`` + the
root URL at its first IPv4 address, over plain HTTP when it offers it (our
client checks certificates, and office scanners' are self-signed), so the id
is the same one an officer would type by hand. Everything in an answer comes
from the network: malformed records are skipped, never raised.
"""

from __future__ import annotations

import ipaddress
import logging
import string
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Protocol

log = logging.getLogger(__name__)

SERVICE_TYPES = ("_uscan._tcp.local.", "_uscans._tcp.local.")
DEFAULT_BROWSE_S = 2.0
RESOLVE_MS = 1500
MAX_TXT_VALUE = 255


class ServiceRecord(Protocol):
    """What we read of a resolved service: python-zeroconf's ``ServiceInfo`` has it."""

    type: str
    name: str
    port: int | None
    properties: Mapping[bytes, bytes | None]
    interface_index: int | None

    def parsed_addresses(self) -> list[str]: ...


@dataclass(frozen=True)
class EsclService:
    """One eSCL scanner as announced; ``roots`` are its eSCL root URLs, best first."""

    name: str
    model: str
    uuid: str
    roots: tuple[str, ...]
    formats: tuple[str, ...] = ()

    @property
    def device_id(self) -> str:
        return "escl:" + self.roots[0]


def txt_fields(properties: Mapping[bytes, bytes | None]) -> dict[str, str | None]:
    """TXT keys folded to lower case, values decoded (``None`` for a key without ``=``)."""
    fields: dict[str, str | None] = {}
    for key, value in properties.items():
        try:
            name = key.decode("ascii").lower()
        except (UnicodeDecodeError, AttributeError):
            continue
        if name in fields:  # RFC 6763 §6.4: only the first occurrence counts
            continue
        fields[name] = None if value is None else value[:MAX_TXT_VALUE].decode("utf-8", "replace")
    return fields


def parse_uuid(text: str | None) -> str:
    """The UUID in a TXT value as 32 lower-case hex digits, or ``""`` when it is not one."""
    if not text:
        return ""
    rest = text.strip()
    for prefix in ("urn:", "uuid:"):
        if rest.lower().startswith(prefix):
            rest = rest[len(prefix) :]
    digits = [c for c in rest if c in string.hexdigits]
    if len(digits) != 32:  # other characters (dashes, braces) are skipped, as sane-airscan does
        return ""
    return "".join(digits).lower()


def escl_root(secure: bool, address: str, port: int, rs: str | None, interface: int | None) -> str:
    """The eSCL root URL of a service at ``address``:``port`` whose TXT ``rs`` is ``rs``."""
    scheme = "https" if secure else "http"
    ip = ipaddress.ip_address(address)
    host = address
    if ip.version == 6:
        # a link-local address needs its interface, written %25 inside a URL (RFC 6874)
        zone = f"%25{interface}" if ip.is_link_local and interface else ""
        host = f"[{ip.compressed}{zone}]"
    if rs is None:
        path = "/eSCL"
    else:
        trimmed = rs.strip("/")
        path = f"/{trimmed}" if trimmed else ""
    return f"{scheme}://{host}:{port}{path}"


def service_from_record(record: ServiceRecord) -> EsclService | None:
    """An :class:`EsclService` from one resolved answer, or ``None`` when it is unusable."""
    secure = record.type.lower().startswith("_uscans.")
    port = record.port
    if not port or not 0 < port < 65536:
        return None
    fields = txt_fields(record.properties or {})
    addresses = []
    for address in record.parsed_addresses():
        try:
            addresses.append(ipaddress.ip_address(address))
        except ValueError:
            continue
    if not addresses:
        return None
    addresses.sort(key=lambda a: (a.version, a.is_link_local))  # IPv4 first, link-local last
    roots = tuple(
        escl_root(secure, a.compressed, port, fields.get("rs"), record.interface_index)
        for a in addresses
    )
    instance = record.name.removesuffix("." + record.type).strip() or record.name
    formats = tuple(f.strip() for f in (fields.get("pdl") or "").split(",") if f.strip())
    return EsclService(
        name=instance,
        model=(fields.get("ty") or "").strip() or instance,
        uuid=parse_uuid(fields.get("uuid")),
        roots=roots,
        formats=formats,
    )


def merge(services: Iterable[EsclService]) -> list[EsclService]:
    """One entry per scanner: HTTP roots before HTTPS, IPv4 before IPv6, in a stable order."""
    groups: dict[str, list[EsclService]] = {}
    for service in services:
        groups.setdefault(service.uuid or service.name, []).append(service)
    merged = []
    for group in groups.values():
        roots: list[str] = []
        for service in sorted(group, key=lambda s: s.roots[0].startswith("https:")):
            roots += [r for r in service.roots if r not in roots]
        plain = [r for r in roots if r.startswith("http:")]
        ordered = tuple(plain + [r for r in roots if r not in plain])
        first = group[0]
        formats = tuple(dict.fromkeys(f for s in group for f in s.formats))
        merged.append(EsclService(first.name, first.model, first.uuid, ordered, formats))
    return sorted(merged, key=lambda s: (s.model.lower(), s.roots[0]))


@dataclass
class _Names:
    found: set[tuple[str, str]] = field(default_factory=set)

    def add_service(self, zc: object, type_: str, name: str) -> None:
        self.found.add((type_, name))

    def update_service(self, zc: object, type_: str, name: str) -> None:
        self.found.add((type_, name))

    def remove_service(self, zc: object, type_: str, name: str) -> None:
        self.found.discard((type_, name))


def discover_escl(
    browse_s: float = DEFAULT_BROWSE_S, interfaces: list[str] | None = None
) -> list[EsclService]:
    """The eSCL scanners that answer within ``browse_s`` seconds.

    ``interfaces`` limits the search to the given local addresses (the tests use
    ``["127.0.0.1"]``); by default every interface is asked. Returns ``[]``
    when multicast cannot be used here (no network, port 5353 refused): a
    missing network is no reason to stop listing the other devices.
    """
    from zeroconf import InterfaceChoice, IPVersion, ServiceBrowser, Zeroconf

    try:
        if interfaces:
            zc = Zeroconf(interfaces=interfaces, ip_version=IPVersion.V4Only)
        else:
            zc = Zeroconf(interfaces=InterfaceChoice.All)
    except OSError as exc:
        log.warning("eSCL discovery unavailable: %s", exc.__class__.__name__)
        return []
    try:
        names = _Names()
        browser = ServiceBrowser(zc, list(SERVICE_TYPES), names)
        time.sleep(browse_s)
        browser.cancel()
        services = []
        for type_, name in sorted(names.found):
            info = zc.get_service_info(type_, name, timeout=RESOLVE_MS)
            service = service_from_record(info) if info is not None else None
            if service is not None:
                services.append(service)
    finally:
        zc.close()
    found = merge(services)
    log.info("eSCL discovery: %d answer(s), %d scanner(s)", len(services), len(found))
    return found
