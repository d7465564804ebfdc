"""Files an officer brings in: page images and PDFs, checked before anything is stored.

:func:`inspect_file` opens a file only if it is a regular file (a FIFO would
block forever, ``/dev/zero`` never ends), decides what it is from its content
(not its name), and has :func:`workstation.pages.check_pages`, the decoder the
preview uses, read every page: a damaged, unsupported or oversized file is
refused with a clear message before the store is touched, and a file that is
accepted can be shown. The file's bytes are never all held: the checks read
from the file, and :meth:`InspectedFile.open` gives it back to be streamed
into the blob store. :func:`inspect_files` decodes long files in the process
pool (CPU-heavy work stays off the program's threads, and a decoder crashing
on a hostile file does not take the program with it); a page or two is
decoded in place, quicker than starting a worker.
"""

from __future__ import annotations

import logging
import os
import stat
from collections.abc import Callable, Sequence
from concurrent.futures import Executor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from workstation import pages
from workstation.domain import Page
from workstation.errors import BadInput
from workstation.workers import default_workers, process_pool

log = logging.getLogger(__name__)

MAX_FILE_BYTES = 500 * 1024 * 1024
MAX_PAGE_PIXELS = pages.MAX_PAGE_PIXELS
MAX_PAGES = pages.MAX_PAGES
HEAVY_PIXELS = 40_000_000
"""Pixels in one file above which its pages are decoded in the process pool (4 A4 at 300 dpi)."""
HEAVY_PDF_PAGES = 20
"""Pages in one PDF above which its pages are checked in the process pool."""

Identity = tuple[int, int, int, int]
"""(device, inode, size, modification time in ns): the file as it was checked."""


@dataclass(frozen=True)
class InspectedFile:
    """A readable page file with what we learned about it (its bytes stay on disk)."""

    path: Path
    media_type: str
    pages: tuple[Page, ...]
    size_bytes: int
    identity: Identity

    def open(self) -> BinaryIO:
        """The file, open for reading, as it was checked; ``file.changed`` if it is not."""
        stream, identity = open_regular(self.path)
        if identity != self.identity:
            stream.close()
            raise _changed(self.path.name)
        return stream


def media_type_of(data: bytes) -> str | None:
    """The kind of page file whose content starts with ``data``, or None."""
    return pages.media_type_of(data)


def open_regular(path: Path) -> tuple[BinaryIO, Identity]:
    """Open ``path`` for reading if it is a regular file of at most :data:`MAX_FILE_BYTES`.

    Links are followed; a folder, device, FIFO or socket is refused
    (``file.not_regular``) without being opened for real: the file is opened
    non-blocking and checked again through the open descriptor, so a file
    swapped for a FIFO in between is refused too.
    """
    path = Path(path)
    name = path.name or str(path)
    try:
        status = os.stat(path)
        if not stat.S_ISREG(status.st_mode):
            raise _not_regular(name)
        flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
        fd = os.open(path, flags | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError as exc:
        raise BadInput(f"no such file: {name}", code="file.not_found", name=name) from exc
    except (PermissionError, IsADirectoryError) as exc:
        raise _unreadable(name, exc) from exc
    except OSError as exc:
        raise _unreadable(name, exc) from exc
    try:
        status = os.fstat(fd)
        if not stat.S_ISREG(status.st_mode):
            raise _not_regular(name)
        if status.st_size > MAX_FILE_BYTES:
            raise BadInput(
                f"{name} is {status.st_size // 2**20} MB;"
                f" the limit is {MAX_FILE_BYTES // 2**20} MB",
                code="file.too_large",
                name=name,
            )
        if hasattr(os, "set_blocking"):
            os.set_blocking(fd, True)
        stream = os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise
    return stream, (status.st_dev, status.st_ino, status.st_size, status.st_mtime_ns)


def inspect_file(path: Path, executor: Executor | None = None) -> InspectedFile:
    """Check ``path`` is a whole page image or PDF; raise :class:`BadInput` if not.

    The pages are decoded in ``executor`` (a process pool) when one is given,
    here otherwise.
    """
    sniffed = _sniff(Path(path))
    return _finish(_start(sniffed, executor))


def inspect_files(
    paths: Sequence[Path], progress: Callable[[int, int], None] | None = None
) -> list[InspectedFile]:
    """:func:`inspect_file` for each of ``paths``, in order; long files decoded in the pool.

    Every file's headers are read first (sizes, page counts, limits: cheap, no
    pixels), so an oversized file is refused before anything is decoded. A file
    of more than :data:`HEAVY_PIXELS` (or a PDF of more than
    :data:`HEAVY_PDF_PAGES` pages) is decoded in the process pool; a page or
    two is decoded here, which is quicker than starting a worker.
    ``progress(done, total)`` is called as each file is done. The first refusal
    is raised (the others are not waited for).
    """
    progress = progress or (lambda *_: None)
    total = len(paths)
    sniffed = [_sniff(Path(path)) for path in paths]
    heavy = sum(1 for item in sniffed if item[-1])
    if not heavy:
        inspected = []
        for done, item in enumerate(sniffed):
            progress(done, total)
            inspected.append(_finish(_start(item, None)))
        progress(total, total)
        return inspected
    with process_pool(min(heavy, default_workers())) as pool:
        try:
            started = [_start(item, pool if item[-1] else None) for item in sniffed]
            inspected = []
            for done, job in enumerate(started):
                progress(done, total)
                inspected.append(_finish(job))
        except BaseException:
            pool.shutdown(wait=True, cancel_futures=True)
            raise
    progress(total, total)
    return inspected


Sniffed = tuple[Path, str, Identity, bool]


def _sniff(path: Path) -> Sniffed:
    """What ``path`` is, from its first bytes and its headers; whether decoding it is heavy."""
    stream, identity = open_regular(path)
    with stream:
        media_type = media_type_of(stream.read(1024))
        if media_type is None:
            raise BadInput(
                f"{path.name} is neither a PDF nor a PNG, JPEG or TIFF image",
                code="file.unsupported",
                name=path.name,
            )
        stream.seek(0)
        sizes = pages.page_sizes(stream, media_type, path.name)
    if media_type == pages.PDF_TYPE:
        heavy = len(sizes) > HEAVY_PDF_PAGES
    else:
        heavy = sum(size[0] * size[1] for size in sizes if size) > HEAVY_PIXELS
    return path, media_type, identity, heavy


def _start(sniffed: Sniffed, executor: Executor | None) -> tuple[Path, str, Identity, Any]:
    """Start decoding the pages of a sniffed file (in ``executor`` if given, else here)."""
    path, media_type, identity, _ = sniffed
    if executor is None:
        outcome: Any = check_file_pages(str(path), media_type, identity)
    else:
        outcome = executor.submit(check_file_pages, str(path), media_type, identity)
    return path, media_type, identity, outcome


def _finish(job: tuple[Path, str, Identity, Any]) -> InspectedFile:
    path, media_type, identity, outcome = job
    if isinstance(outcome, list):
        sizes = outcome
    else:
        try:
            sizes = outcome.result()
        except BrokenProcessPool as exc:
            # The decoder died on this file (or the system ended it): a file that
            # crashes a decoder is not one we can show.
            log.warning("a page decoder stopped while checking a %s file", media_type)
            raise _damaged(path.name, media_type) from exc
    return InspectedFile(
        path=path,
        media_type=media_type,
        pages=tuple(
            Page(number=n)
            if size is None
            else Page(number=n, width_px=int(size[0]), height_px=int(size[1]))
            for n, size in enumerate(sizes, start=1)
        ),
        size_bytes=identity[2],
        identity=identity,
    )


def check_file_pages(path: str, media_type: str, identity: Identity) -> tuple[Any, ...]:
    """Decode every page of the file at ``path`` (in a pool worker); each page's size.

    A refusal is raised as :class:`BadInput`, which reaches the caller whole.
    """
    name = Path(path).name
    stream, now = open_regular(Path(path))
    with stream:
        if now != identity:
            raise _changed(name)
        return pages.check_pages(stream, media_type, name)


def _damaged(name: str, media_type: str) -> BadInput:
    if media_type == pages.PDF_TYPE:
        return BadInput(f"{name} is a damaged PDF", code="file.pdf_damaged", name=name)
    return BadInput(f"{name} is a damaged image", code="file.image_damaged", name=name)


def _changed(name: str) -> BadInput:
    return BadInput(f"{name} changed while it was being received", code="file.changed", name=name)


def _not_regular(name: str) -> BadInput:
    return BadInput(
        f"{name} is not an ordinary file (a folder, device or pipe)",
        code="file.not_regular",
        name=name,
    )


def _unreadable(name: str, exc: OSError) -> BadInput:
    return BadInput(
        f"cannot read {name}: {exc.strerror or exc.__class__.__name__}",
        code="file.unreadable",
        name=name,
    )
