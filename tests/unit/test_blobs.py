"""The blob store: content addressed, atomic, never overwritten, damage detected."""

from __future__ import annotations

import hashlib
import os
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from workstation.errors import StoreError
from workstation.store.blobs import BlobStore


def test_blob_is_named_by_its_sha256_and_read_back(tmp_path) -> None:
    blobs = BlobStore(tmp_path / "blobs")
    digest = blobs.put(b"trang 1")
    assert digest == hashlib.sha256(b"trang 1").hexdigest()
    assert blobs.read(digest) == b"trang 1"
    assert (tmp_path / "blobs" / digest[:2] / digest[2:4] / digest).exists()


def test_storing_the_same_content_twice_never_rewrites_the_file(tmp_path) -> None:
    blobs = BlobStore(tmp_path)
    digest = blobs.put(b"same")
    path = tmp_path / digest[:2] / digest[2:4] / digest
    before = path.stat().st_mtime_ns, path.stat().st_ino
    assert blobs.put(b"same") == digest
    assert (path.stat().st_mtime_ns, path.stat().st_ino) == before


def test_no_temporary_file_is_left_behind(tmp_path) -> None:
    blobs = BlobStore(tmp_path)
    blobs.put(b"a")
    blobs.put(b"b")
    assert not [p for p in tmp_path.rglob(".incoming-*")]
    assert len(list(blobs.digests())) == 2


def test_damaged_blob_is_reported_not_returned(tmp_path) -> None:
    blobs = BlobStore(tmp_path)
    digest = blobs.put(b"original")
    (tmp_path / digest[:2] / digest[2:4] / digest).write_bytes(b"tampered")
    with pytest.raises(StoreError) as caught:
        blobs.read(digest)
    assert caught.value.code == "store.blob_damaged"


def test_missing_blob_is_reported(tmp_path) -> None:
    with pytest.raises(StoreError) as caught:
        BlobStore(tmp_path).read("0" * 64)
    assert caught.value.code == "store.blob_missing"


def test_unwritable_store_raises_a_store_error(tmp_path) -> None:
    root = tmp_path / "not-a-folder"
    root.write_text("a file where the blob folder should be")
    with pytest.raises(StoreError) as caught:
        BlobStore(root).put(b"page")
    assert caught.value.code == "store.blob_write_failed"


def _age(path, hours: float) -> None:
    then = time.time() - hours * 3600
    os.utime(path, (then, then))


def test_old_unreferenced_blobs_are_removed_young_and_referenced_ones_kept(tmp_path) -> None:
    blobs = BlobStore(tmp_path)
    keep, drop, young = blobs.put(b"keep"), blobs.put(b"drop"), blobs.put(b"young")
    for digest in (keep, drop):
        _age(tmp_path / digest[:2] / digest[2:4] / digest, hours=2)
    assert blobs.remove_unreferenced({keep}) == [drop]
    assert blobs.exists(keep) and blobs.exists(young) and not blobs.exists(drop)


def test_interrupted_writes_are_cleared_once_old(tmp_path) -> None:
    blobs = BlobStore(tmp_path)
    digest = blobs.put(b"page")
    folder = tmp_path / digest[:2] / digest[2:4]
    stale, fresh = folder / ".incoming-crashed", folder / ".incoming-writing"
    stale.write_bytes(b"half a pa")
    fresh.write_bytes(b"half a pa")
    _age(stale, hours=2)
    blobs.remove_unreferenced({digest})
    assert not stale.exists() and fresh.exists()


def test_malformed_digest_is_refused(tmp_path) -> None:
    with pytest.raises(ValueError):
        BlobStore(tmp_path).read("../../etc/passwd")


@settings(max_examples=30, deadline=None)
@given(st.binary(max_size=4096))
def test_any_content_round_trips(tmp_path_factory, data: bytes) -> None:
    blobs = BlobStore(tmp_path_factory.mktemp("blobs"))
    assert blobs.read(blobs.put(data)) == data
