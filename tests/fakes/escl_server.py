"""A fake eSCL (AirScan) scanner: a real HTTP server on 127.0.0.1 that speaks the protocol.

It follows Mopria's eSCL as real office scanners do (see PITFALLS "SANE"):
``GET /eSCL/ScannerCapabilities`` and ``/eSCL/ScannerStatus`` answer XML;
``POST /eSCL/ScanJobs`` with a ``scan:ScanSettings`` document answers 201 and a
*relative* ``Location`` (sent in lower case when ``lower_case_headers``);
each ``GET <job>/NextDocument`` returns one page in the asked format (PNG or
JPEG) at the asked resolution and colour mode, sent chunked when ``chunked``;
a platen job answers 404 once its page is fetched; a feeder job answers 409
with the status ``ScannerAdfEmpty`` after its last page; a second job while one
runs gets 503. It can also play a jam (409, ``ScannerAdfJam``), a busy
scanner (503 to the first ``busy`` job requests) and a slow one
(``slow_s`` before each page). Pages come from image files, taken in turn.

It can announce itself by DNS-SD (:meth:`FakeEsclScanner.announced`) on
loopback multicast with python-zeroconf, the TXT record as real scanners send it.

Proved faithful by scanning from it with Debian's ``sane-airscan``
(tests/devices/test_escl.py); a fake only because no eSCL scanner is reachable here.
"""

from __future__ import annotations

import contextlib
import io
import socket
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from xml.etree import ElementTree

from PIL import Image

SCAN = "http://schemas.hp.com/imaging/escl/2011/05/03"
PWG = "http://www.pwg.org/schemas/2010/12/sm"
UNITS_PER_INCH = 300
MAX_WIDTH = 2550  # 8.5 in, in 300ths of an inch
MAX_HEIGHT = 3508  # A4's height
RESOLUTIONS = (75, 150, 200, 300)
UUID = "4509a320-00a0-008f-00b6-002507510eca"


@dataclass
class Behaviour:
    """What the fake scanner does; tests change it between jobs."""

    adf_pages: int = 3
    """Sheets in the feeder."""
    jam_after: int | None = None
    """Jam once this many feeder pages were delivered."""
    busy: int = 0
    """Answer 503 to this many job requests first."""
    slow_s: float = 0.0
    vanish_after: int | None = None
    """Go silent once this many pages were delivered: the next page stops half-way through
    its body and the connection drops, and every later request is dropped unanswered
    (a scanner unplugged or switched off mid-batch)."""
    lower_case_headers: bool = True
    chunked: bool = True
    duplex: bool = True


@dataclass
class _Job:
    id: str
    source: str
    dpi: int
    mode: str
    fmt: str
    width: int
    height: int
    duplex: bool
    delivered: int = 0
    done: bool = False


@dataclass
class _State:
    images: list[Path]
    behaviour: Behaviour
    jobs: dict[str, _Job] = field(default_factory=dict)
    adf_state: str = "ScannerAdfLoaded"
    requests: list[str] = field(default_factory=list)
    vanished: bool = False
    lock: threading.Lock = field(default_factory=threading.Lock)
    next_image: int = 0


def capabilities_xml(duplex: bool) -> bytes:
    modes = "".join(
        f"<scan:ColorMode>{m}</scan:ColorMode>" for m in ("RGB24", "Grayscale8", "BlackAndWhite1")
    )
    formats = "".join(
        f"<pwg:DocumentFormat>{f}</pwg:DocumentFormat>"
        f"<scan:DocumentFormatExt>{f}</scan:DocumentFormatExt>"
        for f in ("image/jpeg", "image/png")
    )
    resolutions = "".join(
        f"<scan:DiscreteResolution><scan:XResolution>{r}</scan:XResolution>"
        f"<scan:YResolution>{r}</scan:YResolution></scan:DiscreteResolution>"
        for r in RESOLUTIONS
    )
    caps = (
        f"<scan:MinWidth>16</scan:MinWidth><scan:MaxWidth>{MAX_WIDTH}</scan:MaxWidth>"
        f"<scan:MinHeight>16</scan:MinHeight><scan:MaxHeight>{MAX_HEIGHT}</scan:MaxHeight>"
        "<scan:MaxScanRegions>1</scan:MaxScanRegions>"
        "<scan:SettingProfiles><scan:SettingProfile>"
        f"<scan:ColorModes>{modes}</scan:ColorModes>"
        f"<scan:DocumentFormats>{formats}</scan:DocumentFormats>"
        f"<scan:SupportedResolutions><scan:DiscreteResolutions>{resolutions}"
        "</scan:DiscreteResolutions></scan:SupportedResolutions>"
        "</scan:SettingProfile></scan:SettingProfiles>"
        "<scan:SupportedIntents><scan:Intent>Document</scan:Intent>"
        "<scan:Intent>TextAndGraphic</scan:Intent><scan:Intent>Photo</scan:Intent>"
        "</scan:SupportedIntents>"
        "<scan:MaxOpticalXResolution>300</scan:MaxOpticalXResolution>"
        "<scan:MaxOpticalYResolution>300</scan:MaxOpticalYResolution>"
    )
    duplex_caps = f"<scan:AdfDuplexInputCaps>{caps}</scan:AdfDuplexInputCaps>" if duplex else ""
    options = "<scan:AdfOption>DetectPaperLoaded</scan:AdfOption>" + (
        "<scan:AdfOption>Duplex</scan:AdfOption>" if duplex else ""
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        f'<scan:ScannerCapabilities xmlns:scan="{SCAN}" xmlns:pwg="{PWG}">'
        "<pwg:Version>2.63</pwg:Version><pwg:MakeAndModel>Fake eSCL Scanner</pwg:MakeAndModel>"
        "<pwg:SerialNumber>FAKE0001</pwg:SerialNumber>"
        f"<scan:UUID>{UUID}</scan:UUID>"
        "<scan:AdminURI>http://fake-scanner.local/</scan:AdminURI>"
        f"<scan:Platen><scan:PlatenInputCaps>{caps}</scan:PlatenInputCaps></scan:Platen>"
        f"<scan:Adf><scan:AdfSimplexInputCaps>{caps}</scan:AdfSimplexInputCaps>{duplex_caps}"
        f"<scan:AdfOptions>{options}</scan:AdfOptions></scan:Adf>"
        "</scan:ScannerCapabilities>"
    ).encode()


def _text(root: ElementTree.Element, path: str, default: str = "") -> str:
    found = root.find(path, {"scan": SCAN, "pwg": PWG})
    return found.text.strip() if found is not None and found.text else default


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def log_message(self, format: str, *args: object) -> None:
        pass

    @property
    def state(self) -> _State:
        return self.server.state

    def _send(
        self, status: int, body: bytes = b"", ctype: str = "text/xml", **headers: str
    ) -> None:
        behaviour = self.state.behaviour
        self.send_response(status)
        name = (lambda n: n.lower()) if behaviour.lower_case_headers else (lambda n: n)
        self.send_header(name("Content-Type"), ctype)
        for key, value in headers.items():
            self.send_header(name(key.replace("_", "-")), value)
        if behaviour.chunked and body and status == 200 and ctype.startswith("image/"):
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            for start in range(0, len(body), 16384):
                piece = body[start : start + 16384]
                self.wfile.write(f"{len(piece):x}\r\n".encode() + piece + b"\r\n")
            self.wfile.write(b"0\r\n\r\n")
        else:
            self.send_header(name("Content-Length"), str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    def _drop(self) -> bool:
        """Whether the scanner is gone: then the connection closes with no answer."""
        if self.state.vanished:
            self.close_connection = True
        return self.state.vanished

    def do_GET(self) -> None:
        self.state.requests.append(f"GET {self.path}")
        if self._drop():
            return
        if self.path == "/eSCL/ScannerCapabilities":
            self._send(200, capabilities_xml(self.state.behaviour.duplex))
        elif self.path == "/eSCL/ScannerStatus":
            self._send(200, self._status())
        elif self.path.startswith("/eSCL/ScanJobs/") and self.path.endswith("/NextDocument"):
            self._next_document(self.path.split("/")[3])
        else:
            self._send(404)

    def do_DELETE(self) -> None:
        self.state.requests.append(f"DELETE {self.path}")
        if self._drop():
            return
        job_id = self.path.rstrip("/").split("/")[-1]
        with self.state.lock:
            job = self.state.jobs.get(job_id)
            if job is None:
                self._send(404)
                return
            job.done = True
        self._send(200)

    def do_POST(self) -> None:
        self.state.requests.append(f"POST {self.path}")
        if self._drop():
            return
        length = int(self.headers.get("Content-Length", "0"))
        body = self.rfile.read(length)
        if self.path.rstrip("/") != "/eSCL/ScanJobs":
            self._send(404)
            return
        behaviour = self.state.behaviour
        with self.state.lock:
            if behaviour.busy > 0:
                behaviour.busy -= 1
                self._send(503, retry_after="1")
                return
            if any(not job.done for job in self.state.jobs.values()):
                self._send(503)
                return
            try:
                job = self._new_job(body)
            except (ElementTree.ParseError, ValueError):
                self._send(400)
                return
            if job.source == "Feeder" and behaviour.adf_pages <= 0:
                self.state.adf_state = "ScannerAdfEmpty"
                self._send(409)
                return
            self.state.jobs[job.id] = job
        self._send(201, location=f"/eSCL/ScanJobs/{job.id}")

    def _new_job(self, body: bytes) -> _Job:
        root = ElementTree.fromstring(body)
        width = int(_text(root, ".//pwg:Width", str(MAX_WIDTH)))
        height = int(_text(root, ".//pwg:Height", str(MAX_HEIGHT)))
        return _Job(
            id=str(uuid.uuid4()),
            source=_text(root, "pwg:InputSource", "Platen"),
            dpi=int(_text(root, "scan:XResolution", "300")),
            mode=_text(root, "scan:ColorMode", "RGB24"),
            fmt=_text(root, "scan:DocumentFormatExt")
            or _text(root, "pwg:DocumentFormat")
            or "image/jpeg",
            width=min(width, MAX_WIDTH),
            height=min(height, MAX_HEIGHT),
            duplex=_text(root, "scan:Duplex", "false") == "true",
        )

    def _status(self) -> bytes:
        jobs = "".join(
            f"<scan:JobInfo><pwg:JobUri>/eSCL/ScanJobs/{j.id}</pwg:JobUri>"
            f"<pwg:JobUuid>{j.id}</pwg:JobUuid><scan:Age>1</scan:Age>"
            f"<pwg:ImagesCompleted>{j.delivered}</pwg:ImagesCompleted>"
            f"<pwg:JobState>{'Completed' if j.done else 'Processing'}</pwg:JobState>"
            "</scan:JobInfo>"
            for j in self.state.jobs.values()
        )
        busy = any(not j.done for j in self.state.jobs.values())
        return (
            '<?xml version="1.0" encoding="UTF-8"?>'
            f'<scan:ScannerStatus xmlns:scan="{SCAN}" xmlns:pwg="{PWG}">'
            f"<pwg:Version>2.63</pwg:Version><pwg:State>{'Processing' if busy else 'Idle'}"
            f"</pwg:State><scan:AdfState>{self.state.adf_state}</scan:AdfState>"
            f"<scan:Jobs>{jobs}</scan:Jobs></scan:ScannerStatus>"
        ).encode()

    def _next_document(self, job_id: str) -> None:
        behaviour = self.state.behaviour
        with self.state.lock:
            job = self.state.jobs.get(job_id)
            if job is None or job.done:
                self._send(404)
                return
            if job.source == "Platen":
                if job.delivered >= 1:
                    job.done = True
                    self._send(404)
                    return
            else:
                sides = 2 if job.duplex else 1
                if behaviour.jam_after is not None and job.delivered >= behaviour.jam_after:
                    self.state.adf_state = "ScannerAdfJam"
                    job.done = True
                    self._send(409)
                    return
                if job.delivered % sides == 0:
                    if behaviour.adf_pages <= 0:
                        self.state.adf_state = "ScannerAdfEmpty"
                        job.done = True
                        self._send(409)
                        return
                    behaviour.adf_pages -= 1
            vanishing = behaviour.vanish_after is not None and (
                job.delivered >= behaviour.vanish_after
            )
            job.delivered += 1
            image = self.state.images[self.state.next_image % len(self.state.images)]
            self.state.next_image += 1
        if behaviour.slow_s:
            time.sleep(behaviour.slow_s)
        body = _render(image, job)
        if vanishing:
            self.state.vanished = True
            self.send_response(200)
            self.send_header("Content-Type", job.fmt)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body[: len(body) // 2])
            self.wfile.flush()
            self.close_connection = True
            return
        self._send(200, body, job.fmt)


def _render(path: Path, job: _Job) -> bytes:
    """The page image as the job asked: its area at its resolution, colour mode and format."""
    width = max(1, round(job.width / UNITS_PER_INCH * job.dpi))
    height = max(1, round(job.height / UNITS_PER_INCH * job.dpi))
    with Image.open(path) as source:
        page = source.convert("RGB").resize((width, height))
    if job.mode == "Grayscale8":
        page = page.convert("L")
    elif job.mode == "BlackAndWhite1":
        page = page.convert("1")
    out = io.BytesIO()
    kind = "PNG" if job.fmt == "image/png" else "JPEG"
    if kind == "JPEG" and page.mode == "1":
        page = page.convert("L")
    page.save(out, kind, dpi=(job.dpi, job.dpi))
    return out.getvalue()


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    state: _State


class FakeEsclScanner:
    """Use as ``with FakeEsclScanner(images) as scanner:``; ``scanner.root`` is its eSCL root."""

    def __init__(self, images: list[Path], behaviour: Behaviour | None = None) -> None:
        self.state = _State(images, behaviour or Behaviour())
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.state = self.state
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def behaviour(self) -> Behaviour:
        return self.state.behaviour

    @property
    def port(self) -> int:
        return self._server.server_address[1]

    @property
    def root(self) -> str:
        return f"http://127.0.0.1:{self.port}/eSCL"

    @contextlib.contextmanager
    def announced(
        self, instance: str, *, secure: bool = False, txt: dict[str, str] | None = None
    ) -> Iterator[None]:
        """Announce this scanner as ``instance`` over mDNS on 127.0.0.1 while the block runs."""
        from zeroconf import IPVersion, ServiceInfo, Zeroconf

        kind = "_uscans._tcp.local." if secure else "_uscan._tcp.local."
        properties = txt if txt is not None else {
            "txtvers": "1", "ty": "Fake eSCL Scanner", "rs": "/eSCL", "UUID": UUID,
            "pdl": "image/jpeg,image/png", "cs": "color,grayscale,binary", "is": "platen,adf",
            "duplex": "T", "vers": "2.63",
        }  # fmt: skip
        info = ServiceInfo(
            kind,
            f"{instance}.{kind}",
            addresses=[socket.inet_aton("127.0.0.1")],
            port=self.port,
            properties=properties,
            server="fake-scanner.local.",
        )
        zc = Zeroconf(interfaces=["127.0.0.1"], ip_version=IPVersion.V4Only)
        try:
            zc.register_service(info)
            yield
            zc.unregister_service(info)
        finally:
            zc.close()

    def __enter__(self) -> FakeEsclScanner:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join()
