"""The hot folder takes each finished file, never one still being written."""

from __future__ import annotations

import threading
from pathlib import Path

from tests.conftest import SAMPLES
from workstation.scan.devices.base import ScanSettings
from workstation.scan.devices.hotfolder import HotFolder, open_elsewhere

PAGE = (SAMPLES / "to-khai-khai-sinh.png").read_bytes()


def test_a_file_written_in_chunks_over_many_polls_is_taken_only_once_closed(
    tmp_path: Path,
) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    polls = threading.Semaphore(0)
    device = HotFolder(inbox, poll_s=0.005, stable_polls=2, idle_polls=3, polled=polls.release)
    chunks = [PAGE[i : i + len(PAGE) // 4 + 1] for i in range(0, len(PAGE), len(PAGE) // 4 + 1)]
    closed = threading.Event()

    def writer() -> None:
        with (inbox / "scan0001.png").open("wb") as out:
            for chunk in chunks:
                out.write(chunk)
                out.flush()
                for _ in range(6):  # size and mtime stay put for six polls while still open
                    polls.acquire()
        closed.set()

    thread = threading.Thread(target=writer)
    thread.start()
    pages = []
    for page in device.scan(ScanSettings(max_pages=1), tmp_path / "batch"):
        assert closed.is_set()  # nothing is taken while the writer still holds the file
        pages.append(page)
    thread.join()
    assert len(pages) == 1
    assert pages[0].path.read_bytes() == PAGE
    assert not (inbox / "scan0001.png").exists()  # moved, so never taken twice


def test_temporary_and_hidden_files_are_left_alone(tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for name in (".scan.png", "~scan.png", "scan.png.part", "notes.txt"):
        (inbox / name).write_bytes(PAGE)
    (inbox / "b.png").write_bytes(PAGE)
    (inbox / "a.png").write_bytes(PAGE)
    device = HotFolder(inbox, poll_s=0.001, stable_polls=1, idle_polls=2)
    pages = list(device.scan(ScanSettings(), tmp_path / "batch"))
    assert [p.path.name for p in pages] == ["page-0001.png", "page-0002.png"]
    assert sorted(p.name for p in inbox.iterdir()) == [
        ".scan.png", "notes.txt", "scan.png.part", "~scan.png"
    ]  # fmt: skip


def test_a_file_open_in_this_process_is_seen_as_open(tmp_path: Path) -> None:
    path = tmp_path / "x.png"
    path.write_bytes(b"x")
    with path.open("rb"):
        assert open_elsewhere(path)
    assert not open_elsewhere(path)
