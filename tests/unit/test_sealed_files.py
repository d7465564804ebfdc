"""Files kept in the data folder outside the blob store: sealed with encryption on, resumably."""

from __future__ import annotations

import hashlib
import os
import time
from datetime import timedelta
from pathlib import Path

import pytest

from workstation.store import protection, sealed_files
from workstation.store.keys import KeyMissing
from workstation.store.sealing import SealingCodec, key_id_of

PLAIN = b"%PDF-1.7 Nguyen Van A 001099012345 " * 200


def _codec(*keys: bytes) -> SealingCodec:
    keys = keys or (os.urandom(32),)
    return SealingCodec({key_id_of(k): k for k in keys}, key_id_of(keys[-1]))


@pytest.fixture
def sealing():
    codec = _codec()
    protection.install_codec(codec)
    yield codec
    protection.install_codec(protection.PlainCodec())


def test_with_encryption_off_a_kept_file_is_written_as_it_is(tmp_path: Path) -> None:
    path = sealed_files.write(tmp_path / "forms" / "form.pdf", PLAIN)
    assert path.read_bytes() == PLAIN
    assert sealed_files.read(path) == PLAIN


def test_with_encryption_on_a_kept_file_is_sealed_and_reads_back(tmp_path, sealing) -> None:
    path = sealed_files.write(tmp_path / "forms" / "form.pdf", PLAIN)
    stored = path.read_bytes()
    assert b"001099012345" not in stored and sealed_files.is_sealed(path)
    assert sealed_files.read(path) == PLAIN
    assert [p.name for p in path.parent.iterdir()] == ["form.pdf"]  # no temporary left


def test_a_file_written_before_encryption_was_on_still_reads(tmp_path, sealing) -> None:
    path = tmp_path / "form.pdf"
    path.write_bytes(PLAIN)
    assert sealed_files.read(path) == PLAIN


def test_a_sealed_file_is_refused_without_the_key(tmp_path, sealing) -> None:
    path = sealed_files.write(tmp_path / "form.pdf", PLAIN)
    protection.install_codec(protection.PlainCodec())
    with pytest.raises(KeyMissing):
        sealed_files.read(path)


def test_sealing_the_kept_files_seals_each_once_and_renames_reused_documents(
    tmp_path: Path,
) -> None:
    data = tmp_path / "data"
    digest = hashlib.sha256(PLAIN).hexdigest()
    plain = {
        data / "forms" / "03-x.pdf": PLAIN,
        data / "receipts" / "R1.pdf": PLAIN,
        data / "reused" / f"{digest}.pdf": PLAIN,
    }
    for path, content in plain.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
    database = data / "store.sqlite3"
    copy = data / "store.sqlite3.before-upgrade-from-0900"
    copy.write_bytes(b"SQLite format 3\x00 001099012345")
    codec = _codec()

    assert sealed_files.seal_kept_files(data, codec, database) == 4
    assert sealed_files.seal_kept_files(data, codec, database) == 0  # nothing left to do
    protection.install_codec(codec)
    try:
        reused = data / "reused" / sealed_files.kept_name(digest, ".pdf")
        assert [p.name for p in (data / "reused").iterdir()] == [reused.name]
        assert digest not in reused.name
        for path in [data / "forms" / "03-x.pdf", data / "receipts" / "R1.pdf", reused, copy]:
            assert sealed_files.is_sealed(path)
            assert b"001099012345" not in path.read_bytes()
        assert sealed_files.read(copy) == b"SQLite format 3\x00 001099012345"
    finally:
        protection.install_codec(protection.PlainCodec())


def test_a_sealing_killed_half_way_is_finished_by_running_it_again(tmp_path: Path) -> None:
    data = tmp_path / "data"
    form = data / "forms" / "02-x.pdf"
    form.parent.mkdir(parents=True)
    form.write_bytes(PLAIN)
    (form.parent / ".sealing-abc").write_bytes(PLAIN[:100])  # a sealed copy cut off
    codec = _codec()
    assert sealed_files.seal_kept_files(data, codec) == 1
    assert [p.name for p in form.parent.iterdir()] == ["02-x.pdf"]
    assert codec.stream_key(form.read_bytes()[:64]) == codec.current


def test_a_rotation_seals_kept_files_anew_under_the_new_key(tmp_path: Path) -> None:
    old_key, new_key = os.urandom(32), os.urandom(32)
    data = tmp_path / "data"
    old = _codec(old_key)
    protection.install_codec(old)
    try:
        form = sealed_files.write(data / "forms" / "f.pdf", PLAIN)
        digest = hashlib.sha256(PLAIN).hexdigest()
        reused = sealed_files.write(data / "reused" / sealed_files.kept_name(digest, ".pdf"), PLAIN)
        both = _codec(old_key, new_key)
        assert sealed_files.seal_kept_files(data, both) == 2
        new = _codec(new_key)
        protection.install_codec(new)
        assert sealed_files.read(form) == PLAIN
        renamed = data / "reused" / sealed_files.kept_name(digest, ".pdf")
        assert renamed != reused and not reused.exists()
        assert sealed_files.read(renamed) == PLAIN
    finally:
        protection.install_codec(protection.PlainCodec())


def test_the_plain_working_folder_is_emptied_of_what_is_old_enough(tmp_path: Path) -> None:
    old = sealed_files.plain_copy(tmp_path, PLAIN)
    an_hour_ago = time.time() - 3700
    os.utime(old, (an_hour_ago, an_hour_ago))
    fresh = sealed_files.plain_copy(tmp_path, PLAIN)
    assert fresh.parent == tmp_path / sealed_files.PLAIN_FOLDER
    assert sealed_files.empty_plain_folder(tmp_path, timedelta(hours=1)) == 1
    assert not old.exists() and fresh.exists()
    assert sealed_files.empty_plain_folder(tmp_path) == 1
    assert not fresh.exists()


def test_a_plain_copy_of_a_sealed_file_is_its_plain_content(tmp_path, sealing) -> None:
    kept = sealed_files.write(tmp_path / "forms" / "f.pdf", PLAIN)
    copy = sealed_files.plain_copy(tmp_path, kept)
    assert copy.read_bytes() == PLAIN and copy.parent.name == sealed_files.PLAIN_FOLDER
