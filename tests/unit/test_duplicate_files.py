"""A file added twice to one dossier is warned about: same file, a link to it, or same content."""

from __future__ import annotations

import os
import shutil
import threading

import pytest

from workstation.intake.duplicates import duplicate_files


def pairs(warnings) -> list[tuple[str, dict[str, str]]]:
    return [(w.code, dict(w.params)) for w in warnings]


def test_different_files_give_no_warning(tmp_path) -> None:
    a, b = tmp_path / "a.png", tmp_path / "b.png"
    a.write_bytes(b"page one")
    b.write_bytes(b"page two")  # same size, other content
    assert duplicate_files([a, b]) == []


def test_the_same_path_twice_is_warned_about_once_naming_the_second(tmp_path) -> None:
    a, b = tmp_path / "a.png", tmp_path / "b.png"
    a.write_bytes(b"page one")
    b.write_bytes(b"page two, longer")
    [warning] = duplicate_files([a, b, a])
    assert warning.field == "files"
    assert pairs([warning]) == [
        ("dossier.file_added_twice", {"name": "a.png", "position": "3", "first": "a.png"})
    ]


def test_a_link_to_a_chosen_file_is_the_same_file(tmp_path) -> None:
    a = tmp_path / "a.png"
    a.write_bytes(b"page one")
    link = tmp_path / "link.png"
    link.symlink_to(a)
    assert [w.code for w in duplicate_files([a, link])] == ["dossier.file_added_twice"]


def test_the_same_content_under_another_name_is_warned_about(tmp_path) -> None:
    a = tmp_path / "to-khai.png"
    a.write_bytes(b"\x89PNG same scan")
    copy = tmp_path / "to-khai (1).png"
    shutil.copyfile(a, copy)
    other = tmp_path / "other.png"
    other.write_bytes(b"\x89PNG else scan")
    assert pairs(duplicate_files([a, other, copy])) == [
        (
            "dossier.file_same_content",
            {"name": "to-khai (1).png", "position": "3", "first": "to-khai.png"},
        )
    ]


def test_missing_files_and_fifos_are_left_to_intake_without_blocking(tmp_path) -> None:
    fifo = tmp_path / "pipe.png"
    os.mkfifo(fifo)
    a = tmp_path / "a.png"
    a.write_bytes(b"x")
    result: list[object] = []
    worker = threading.Thread(
        target=lambda: result.append(duplicate_files([fifo, tmp_path / "gone.png", a, fifo]))
    )
    worker.start()
    worker.join(10)
    alive = worker.is_alive()
    if alive:  # unblock the reader so the test process can end
        with open(fifo, "wb"):
            pass
        worker.join()
    assert not alive, "a FIFO blocked the duplicate check"
    assert result == [[]]


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="needs /dev/zero")
def test_a_device_is_never_read(tmp_path) -> None:
    link = tmp_path / "zero.png"
    link.symlink_to("/dev/zero")
    assert duplicate_files(["/dev/zero", link]) == []
