"""The blob store: content addressed, atomic, never overwritten, damage detected."""

from __future__ import annotations

import hashlib
import os
import time
from datetime import timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from workstation.errors import StoreError
from workstation.store.blobs import BlobStore


def _age(path, hours: float) -> None:
    then = time.time() - hours * 3600
    os.utime(path, (then, then))


def test_blob_is_named_by_its_sha256_and_read_back(tmp_path) -> None:
    blobs = BlobStore(tmp_path / "blobs")
    digest = blobs.put(b"trang 1")
    assert digest == hashlib.sha256(b"trang 1").hexdigest()
    assert blobs.read(digest) == b"trang 1"
    assert (tmp_path / "blobs" / digest[:2] / digest[2:4] / digest).exists()


def test_storing_the_same_content_twice_never_rewrites_the_file_but_renews_its_claim(
    tmp_path,
) -> None:
    blobs = BlobStore(tmp_path)
    digest = blobs.put(b"same")
    path = tmp_path / digest[:2] / digest[2:4] / digest
    _age(path, hours=2)
    before = path.stat()
    assert blobs.put(b"same") == digest
    with path.open("rb") as f:
        assert blobs.put_file(f) == digest
    after = path.stat()
    assert after.st_ino == before.st_ino and path.read_bytes() == b"same"
    assert after.st_mtime > time.time() - 60, "the claim is renewed: a clean-up must keep it"
    assert blobs.remove_unreferenced(set()) == []


def test_no_temporary_file_is_left_behind(tmp_path) -> None:
    blobs = BlobStore(tmp_path)
    blobs.put(b"a")
    blobs.put(b"b")
    assert not [p for p in tmp_path.rglob(".incoming-*")]
    assert len(list(blobs.names())) == 2


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


def test_a_file_is_stored_streaming_under_its_sha256(tmp_path) -> None:
    source = tmp_path / "scan.tif"
    content = os.urandom(3 * 2**20 + 17)  # more than one chunk
    source.write_bytes(content)
    blobs = BlobStore(tmp_path / "blobs")
    with source.open("rb") as f:
        digest = blobs.put_file(f)
    assert digest == hashlib.sha256(content).hexdigest()
    assert blobs.read(digest) == content
    assert not list((tmp_path / "blobs").rglob(".incoming-*"))


def test_a_file_goes_through_a_sealing_codec_too(tmp_path) -> None:
    from tests.fakes.codec import ScramblingCodec
    from workstation.store import protection

    source = tmp_path / "scan.png"
    source.write_bytes(b"page bytes" * 1000)
    protection.install_codec(ScramblingCodec())
    try:
        blobs = BlobStore(tmp_path / "blobs")
        with source.open("rb") as f:
            digest = blobs.put_file(f)
        assert not list((tmp_path / "blobs").rglob(digest)), "named by the codec's keyed name"
        stored = blobs.path_of_name(blobs.name_of(digest)).read_bytes()
        assert stored != source.read_bytes()
        assert blobs.read(digest) == source.read_bytes()
    finally:
        protection.install_codec(protection.PlainCodec())


class _FailingSource:
    def read(self, size: int = -1) -> bytes:
        raise OSError(5, "Input/output error")


def test_a_failing_source_is_its_own_error_not_the_store_s(tmp_path) -> None:
    blobs = BlobStore(tmp_path)
    with pytest.raises(OSError) as caught:
        blobs.put_file(_FailingSource())
    assert not isinstance(caught.value, StoreError) and caught.value.errno == 5
    assert not list(tmp_path.rglob(".incoming-*"))


def test_writes_interrupted_at_the_top_of_the_store_are_cleared_once_old(tmp_path) -> None:
    blobs = BlobStore(tmp_path)
    stale, fresh = tmp_path / ".incoming-killed", tmp_path / ".incoming-copying"
    stale.write_bytes(b"\0" * 1000)
    fresh.write_bytes(b"\0" * 1000)
    _age(stale, hours=1)
    assert blobs.remove_interrupted(timedelta(minutes=10)) == 1
    assert not stale.exists() and fresh.exists()


def test_a_blob_claimed_while_being_removed_is_put_back(tmp_path) -> None:
    """The clean-up's second look: a claim between its first look and its move wins."""
    blobs = BlobStore(tmp_path)
    digest = blobs.put(b"page")
    path = tmp_path / digest[:2] / digest[2:4] / digest
    _age(path, hours=2)
    real_rename = os.rename

    def claim_then_rename(source, target):  # the claim lands just before the move
        assert blobs.renew(digest)
        real_rename(source, target)

    os.rename = claim_then_rename
    try:
        removed = blobs.remove_unreferenced(set(), older_than=timedelta(minutes=1))
    finally:
        os.rename = real_rename
    assert removed == [] and blobs.read(digest) == b"page"
    assert not list(tmp_path.rglob(".removing-*"))
