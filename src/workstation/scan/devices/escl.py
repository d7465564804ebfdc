"""Driverless network scanners over eSCL (Apple's AirScan, Mopria's eSCL), with httpx.

A device is its eSCL root URL, the one ``/ScannerCapabilities`` is appended
to; its id is ``escl:`` + that URL, which the officer can also type
(``escl:http://192.168.1.20:8080/eSCL``). A scan is one job:
``POST ScanJobs`` (201 and a ``Location``, possibly relative and with a
lower-case header name), then ``GET <job>/NextDocument`` once per page until
the scanner says there is none left: 404 (platen, or a finished job) or 409
with the feeder reported ``ScannerAdfEmpty``; ``ScannerAdfJam`` is a jam.
503 means busy: retried with a growing delay (honouring ``Retry-After``) a
few times, then :func:`~workstation.scan.devices.base.busy`. XML from the
network is parsed with defusedxml (no entity expansion).
"""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urljoin, urlsplit
from xml.etree.ElementTree import Element

import httpx
from defusedxml import ElementTree
from defusedxml.common import DefusedXmlException

from workstation.errors import BadInput, Cancelled
from workstation.scan.devices.base import (
    CancelCheck,
    ColourMode,
    DeviceError,
    DeviceInfo,
    DeviceOptions,
    ScannedPage,
    ScanSettings,
    Source,
    adf_empty,
    busy,
    gone,
    jammed,
    never,
    unsupported_source,
)

log = logging.getLogger(__name__)

PREFIX = "escl:"
NS = {
    "scan": "http://schemas.hp.com/imaging/escl/2011/05/03",
    "pwg": "http://www.pwg.org/schemas/2010/12/sm",
}
MM_PER_UNIT = 25.4 / 300
MODES = {
    ColourMode.COLOR: "RGB24",
    ColourMode.GRAY: "Grayscale8",
    ColourMode.LINEART: "BlackAndWhite1",
}
TIMEOUT = httpx.Timeout(10.0, read=120.0)


def parse_address(device_id: str) -> str:
    """The eSCL root URL in ``escl:http://host:port/eSCL`` (no trailing slash)."""
    url = device_id.removeprefix(PREFIX).rstrip("/")
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise BadInput(f"not an eSCL address: {url}", code="device.bad_address", address=url)
    return url


class EsclBackend:
    """eSCL scanners at addresses the officer entered, and those found on the network.

    ``discovery_s`` > 0 browses DNS-SD (:mod:`.discovery`) for that many
    seconds; ``interfaces`` limits it to some local addresses.
    """

    name = "escl"

    def __init__(
        self,
        addresses: tuple[str, ...] = (),
        discovery_s: float = 0.0,
        interfaces: list[str] | None = None,
    ) -> None:
        self.addresses = addresses
        self.discovery_s = discovery_s
        self.interfaces = interfaces

    def list_devices(self) -> list[DeviceInfo]:
        found = [DeviceInfo(PREFIX + parse_address(a), a, self.name) for a in self.addresses]
        if self.discovery_s <= 0:
            return found
        from workstation.scan.devices.discovery import discover_escl

        known = {d.id for d in found}
        for service in discover_escl(self.discovery_s, self.interfaces):
            if any(PREFIX + root in known for root in service.roots):
                continue  # entered by hand too: listed once, as entered
            detail = "found on the network" + (f", {service.name}" if service.name else "")
            found.append(DeviceInfo(service.device_id, service.model, self.name, detail))
        return found

    def open(self, device_id: str) -> EsclDevice:
        return EsclDevice(parse_address(device_id))


class EsclDevice:
    """One eSCL scanner by its root URL."""

    def __init__(
        self,
        root: str,
        *,
        retries: int = 5,
        backoff_s: float = 0.5,
        client: httpx.Client | None = None,
    ) -> None:
        self.root = root.rstrip("/")
        self.info = DeviceInfo(PREFIX + self.root, self.root, "escl")
        self.retries = retries
        self.backoff_s = backoff_s
        self._own_client = client is None
        self._client = client or httpx.Client(timeout=TIMEOUT, follow_redirects=False)
        self._options: DeviceOptions | None = None
        self._formats: set[str] = set()

    def close(self) -> None:
        """Close the connections to the scanner (also done when a scan ends)."""
        if self._own_client:
            self._client.close()

    def __del__(self) -> None:
        with contextlib.suppress(Exception):
            self.close()

    def _request(self, method: str, url: str, pages: int = 0, **kwargs: object) -> httpx.Response:
        try:
            return self._client.request(method, url, **kwargs)  # type: ignore[arg-type]
        except httpx.HTTPError as exc:
            raise gone(self.info.id, pages) from exc

    def _xml(self, response: httpx.Response) -> Element:
        try:
            return ElementTree.fromstring(response.content, forbid_dtd=True)
        except (ElementTree.ParseError, DefusedXmlException) as exc:
            raise DeviceError("the scanner's XML cannot be read", code="device.bad_reply") from exc

    def options(self) -> DeviceOptions:
        if self._options is None:
            response = self._request("GET", f"{self.root}/ScannerCapabilities")
            if response.status_code != 200:
                raise DeviceError(
                    f"capabilities answered {response.status_code}", code="device.bad_reply"
                )
            try:
                self._options = self._parse(self._xml(response))
            except ValueError as exc:  # a number that is none
                raise DeviceError(
                    "the scanner's capabilities cannot be read", code="device.bad_reply"
                ) from exc
        return self._options

    def _parse(self, root: Element) -> DeviceOptions:
        sources = []
        if root.find("scan:Platen", NS) is not None:
            sources.append(Source.FLATBED)
        if root.find("scan:Adf/scan:AdfSimplexInputCaps", NS) is not None:
            sources.append(Source.ADF)
        if root.find("scan:Adf/scan:AdfDuplexInputCaps", NS) is not None:
            sources.append(Source.ADF_DUPLEX)
        modes = {m.text for m in root.iterfind(".//scan:ColorMode", NS)}
        resolutions = {int(r.text or 0) for r in root.iterfind(".//scan:XResolution", NS)}
        self._formats = {f.text or "" for f in root.iterfind(".//pwg:DocumentFormat", NS)}
        self._formats |= {f.text or "" for f in root.iterfind(".//scan:DocumentFormatExt", NS)}
        width = max((int(w.text or 0) for w in root.iterfind(".//scan:MaxWidth", NS)), default=0)
        height = max((int(h.text or 0) for h in root.iterfind(".//scan:MaxHeight", NS)), default=0)
        return DeviceOptions(
            sources=tuple(sources),
            resolutions=tuple(sorted(r for r in resolutions if r > 0)),
            modes=tuple(m for m in ColourMode if MODES[m] in modes),
            max_width_mm=round(width * MM_PER_UNIT, 1) if width else None,
            max_height_mm=round(height * MM_PER_UNIT, 1) if height else None,
        )

    def settings_xml(self, settings: ScanSettings) -> bytes:
        """The ``scan:ScanSettings`` document for a job."""
        options = self.options()
        if settings.source not in options.sources:
            raise unsupported_source(self.info.id, settings.source)
        width_mm, height_mm = settings.area_mm(options)
        width = round((width_mm or 215.9) / MM_PER_UNIT)
        height = round((height_mm or 297) / MM_PER_UNIT)
        dpi = options.nearest_resolution(settings.dpi)
        fmt = "image/png" if "image/png" in self._formats else "image/jpeg"
        source = "Platen" if settings.source is Source.FLATBED else "Feeder"
        duplex = "true" if settings.source is Source.ADF_DUPLEX else "false"
        return (
            '<?xml version="1.0" encoding="UTF-8"?>'
            f'<scan:ScanSettings xmlns:scan="{NS["scan"]}" xmlns:pwg="{NS["pwg"]}">'
            "<pwg:Version>2.63</pwg:Version><scan:Intent>Document</scan:Intent>"
            "<pwg:ScanRegions><pwg:ScanRegion>"
            f"<pwg:Height>{height}</pwg:Height><pwg:Width>{width}</pwg:Width>"
            "<pwg:XOffset>0</pwg:XOffset><pwg:YOffset>0</pwg:YOffset>"
            "<pwg:ContentRegionUnits>escl:ThreeHundredthsOfInches</pwg:ContentRegionUnits>"
            "</pwg:ScanRegion></pwg:ScanRegions>"
            f"<pwg:InputSource>{source}</pwg:InputSource>"
            f"<scan:ColorMode>{MODES[settings.mode]}</scan:ColorMode>"
            f"<scan:XResolution>{dpi}</scan:XResolution><scan:YResolution>{dpi}</scan:YResolution>"
            f"<pwg:DocumentFormat>{fmt}</pwg:DocumentFormat>"
            f"<scan:DocumentFormatExt>{fmt}</scan:DocumentFormatExt>"
            f"<scan:Duplex>{duplex}</scan:Duplex>"
            "</scan:ScanSettings>"
        ).encode()

    def _adf_state(self, pages: int) -> str:
        response = self._request("GET", f"{self.root}/ScannerStatus", pages)
        if response.status_code != 200:
            return ""
        return (self._xml(response).findtext("scan:AdfState", "", NS) or "").strip()

    def _wait(self, attempt: int, response: httpx.Response, cancelled: CancelCheck) -> None:
        delay = self.backoff_s * 2**attempt
        with contextlib.suppress(ValueError):
            delay = max(delay, min(float(response.headers.get("retry-after", 0)), 30.0))
        end = time.monotonic() + delay
        while time.monotonic() < end:
            if cancelled():
                raise Cancelled()
            time.sleep(min(0.05, max(0.0, end - time.monotonic())))

    def _start_job(self, settings: ScanSettings, cancelled: CancelCheck) -> str:
        body = self.settings_xml(settings)
        for attempt in range(self.retries + 1):
            response = self._request(
                "POST", f"{self.root}/ScanJobs", content=body,
                headers={"Content-Type": "text/xml"},
            )  # fmt: skip
            if response.status_code == 201:
                location = response.headers.get("location")
                if not location:
                    raise DeviceError("job created without a Location", code="device.bad_reply")
                return urljoin(self.root + "/", location).rstrip("/")
            if response.status_code == 503 and attempt < self.retries:
                self._wait(attempt, response, cancelled)
                continue
            if response.status_code == 503:
                raise busy(self.info.id)
            if response.status_code == 409:
                raise self._feeder_failure(0)
            raise DeviceError(
                f"scan job refused with {response.status_code}", code="device.bad_reply"
            )
        raise busy(self.info.id)

    def _feeder_failure(self, pages: int) -> DeviceError:
        state = self._adf_state(pages)
        if "Jam" in state:
            return jammed(self.info.id, pages)
        if "Empty" in state or pages == 0:
            return adf_empty(self.info.id)
        return gone(self.info.id, pages)

    def scan(
        self, settings: ScanSettings, folder: Path, cancelled: CancelCheck = never
    ) -> Iterator[ScannedPage]:
        folder.mkdir(parents=True, exist_ok=True)
        dpi = self.options().nearest_resolution(settings.dpi)
        job = self._start_job(settings, cancelled)
        log.info("eSCL job started")
        pages = 0
        finished = False
        try:
            while settings.max_pages is None or pages < settings.max_pages:
                if cancelled():
                    raise Cancelled()
                outcome = self._next_document(job, pages, folder, cancelled)
                if outcome is None:
                    finished = True
                    break
                side = "back" if settings.source is Source.ADF_DUPLEX and pages % 2 else "front"
                yield ScannedPage(pages, outcome, dpi, settings.mode, side)
                pages += 1
                if settings.source is Source.FLATBED:
                    break
        finally:
            if not finished:
                with contextlib.suppress(httpx.HTTPError):
                    self._client.delete(job)
        log.info("eSCL job ended after %d page(s)", pages)

    def _next_document(
        self, job: str, pages: int, folder: Path, cancelled: CancelCheck
    ) -> Path | None:
        """Fetch one page into ``folder``; ``None`` when the job has no more."""
        for attempt in range(self.retries + 1):
            target = folder / f"page-{pages + 1:04d}.img"
            partial = target.with_suffix(".part")
            try:
                with self._client.stream("GET", f"{job}/NextDocument") as response:
                    status = response.status_code
                    if status == 200:
                        kind = response.headers.get("content-type", "")
                        target = target.with_suffix(".png" if "png" in kind else ".jpg")
                        with partial.open("wb") as out:
                            for chunk in response.iter_bytes():
                                out.write(chunk)
                        partial.replace(target)
                        return target
            except httpx.HTTPError as exc:
                partial.unlink(missing_ok=True)
                raise gone(self.info.id, pages) from exc
            if status == 503 and attempt < self.retries:
                self._wait(attempt, response, cancelled)
                continue
            if status == 404 and pages > 0:
                return None
            if status == 409:
                failure = self._feeder_failure(pages)
                if failure.code == "device.adf_empty" and pages > 0:
                    return None
                raise failure
            if status == 503:
                raise busy(self.info.id)
            raise gone(self.info.id, pages)
        raise busy(self.info.id)
