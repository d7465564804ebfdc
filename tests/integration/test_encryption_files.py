"""Files beside an encrypted store: upgrade copies, forms, and the key commands over them."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest

from tests.fakes.fake_keyring import FakeFileKeyring
from tests.integration.test_store_transactions import _test_migration
from workstation.cli import main
from workstation.errors import StoreError
from workstation.services import open_services
from workstation.store import Database, protection, sealed_files

pytestmark = pytest.mark.integration


@pytest.fixture(autouse=True)
def test_keyring(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    path = tmp_path / "keyring.json"
    monkeypatch.setenv("WORKSTATION_FAKE_KEYRING", str(path))
    before = keyring.get_keyring()
    keyring.set_keyring(FakeFileKeyring())
    yield path
    keyring.set_keyring(before)
    protection.install_codec(protection.PlainCodec())


def _encrypted_store(settings, folders) -> Path:
    open_services(settings, folders).close()
    assert main(["key", "init", "--json"]) == 0
    return settings.database_path(folders)


def test_an_upgrade_of_an_encrypted_store_removes_its_copy_once_it_succeeded(
    settings, folders, tmp_path
) -> None:
    path = _encrypted_store(settings, folders)
    head = Database(path).head_revision()
    upgrade = _test_migration(tmp_path / "upgrade", head, 'op.execute("SELECT 1")')
    database = Database(path, extra_versions=[upgrade])
    try:
        database.migrate()
        assert database.revision() == "9001"
    finally:
        database.close()
    assert list(path.parent.glob(f"{path.name}.before-*")) == []


def test_a_failed_upgrade_of_an_encrypted_store_keeps_its_copy(settings, folders, tmp_path) -> None:
    path = _encrypted_store(settings, folders)
    head = Database(path).head_revision()
    failing = _test_migration(tmp_path / "failing", head, 'op.execute("SELECT * FROM nowhere")')
    database = Database(path, extra_versions=[failing])
    try:
        with pytest.raises(StoreError):
            database.migrate()
    finally:
        database.close()
    assert [p.name for p in path.parent.glob(f"{path.name}.before-*")] == [
        f"{path.name}.before-upgrade-from-{head}"
    ]


def test_an_upgrade_of_a_store_with_encryption_off_keeps_its_copy(
    settings, folders, tmp_path
) -> None:
    open_services(settings, folders).close()
    path = settings.database_path(folders)
    head = Database(path).head_revision()
    upgrade = _test_migration(tmp_path / "upgrade", head, 'op.execute("SELECT 1")')
    database = Database(path, extra_versions=[upgrade])
    try:
        database.migrate()
    finally:
        database.close()
    assert (path.parent / f"{path.name}.before-upgrade-from-{head}").is_file()


def test_a_rotation_seals_kept_forms_anew_and_they_still_read(settings, folders) -> None:
    _encrypted_store(settings, folders)
    services = open_services(settings, folders)
    try:
        form = sealed_files.write(folders.data / "forms" / "03-x.pdf", b"%PDF-1.7 form")
        first_key = protection.codec().current  # type: ignore[attr-defined]
    finally:
        services.close()
    assert main(["key", "rotate", "--json"]) == 0
    services = open_services(settings, folders)
    try:
        codec = protection.codec()
        assert codec.current != first_key  # type: ignore[attr-defined]
        assert codec.stream_key(form.read_bytes()[:64]) == codec.current  # type: ignore[attr-defined]
        assert sealed_files.read(form) == b"%PDF-1.7 form"
    finally:
        services.close()


def test_with_encryption_on_a_capture_a_scanner_broke_off_leaves_no_page_behind(
    settings, folders, tmp_path
) -> None:
    from tests.devices.test_escl import PAGE
    from tests.fakes.escl_server import Behaviour, FakeEsclScanner

    _encrypted_store(settings, folders)
    protection.install_codec(protection.PlainCodec())  # as a new `workstation scan` starts
    with FakeEsclScanner([PAGE], Behaviour(adf_pages=5, vanish_after=2)) as scanner:
        code = main(
            ["scan", "--device", f"escl:{scanner.root}", "--source", "adf", "--dpi", "75",
             "--page-size", "a5", "--no-ocr", "-o", str(tmp_path / "v.pdf")]
        )  # fmt: skip
    assert code == 4
    capture = folders.data / "capture"
    assert not capture.exists() or list(capture.iterdir()) == []
