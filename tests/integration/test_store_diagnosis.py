"""A store that cannot be opened or written says what is actually wrong.

"Damaged, restore from a backup" is said only of a file that is no database:
told of a read-only folder, a full disk or another program holding the file,
an officer could throw good dossiers away. Full disks and read-only folders
are real file systems here: a small tmpfs mounted for the test (which needs
root); a read-only folder falls back to file permissions without it.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from workstation import i18n
from workstation.domain import Applicant, Dossier
from workstation.errors import ExitCode, StoreError
from workstation.store.database import Database, open_database
from workstation.store.diagnosis import _DETAILS
from workstation.store.dossiers import add_dossier
from workstation.store.outbox import MessageKind, enqueue

pytestmark = pytest.mark.integration

BACKUP = {"vi": "khôi phục", "en": "restore"}  # the advice to restore a backup


@pytest.fixture
def small_filesystem(tmp_path) -> Iterator[Callable[..., Path]]:
    """``small_filesystem(size)`` mounts a tmpfs of ``size`` and returns its folder."""
    mounted: list[Path] = []

    def mount(size: str, name: str = "disk") -> Path:
        folder = tmp_path / name
        folder.mkdir()
        result = subprocess.run(
            ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder)],
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode != 0:
            pytest.skip(f"cannot mount a small file system here (needs root): {result.stderr}")
        mounted.append(folder)
        return folder

    yield mount
    for folder in reversed(mounted):
        subprocess.run(["umount", "-l", str(folder)], check=False)


def _fill(folder: Path) -> None:
    fd = os.open(folder / "filler", os.O_WRONLY | os.O_CREAT)
    try:
        while True:
            os.write(fd, b"\0" * 65536)
    except OSError:
        pass
    finally:
        os.close(fd)


def _refusal(action: Callable[[], object]) -> StoreError:
    with pytest.raises(StoreError) as caught:
        action()
    return caught.value


def _assert_says_what_to_do(error: StoreError, code: str) -> None:
    assert error.code == code
    assert error.exit_code == ExitCode.EXTERNAL
    assert "\n" not in error.detail
    for language in ("vi", "en"):
        message = error.user_message(language)
        assert f"error.{code}" != message and str(error.params["path"]) in message
        assert BACKUP[language] not in message  # nothing here calls for a backup


def test_every_diagnosis_has_a_message_in_both_languages() -> None:
    for code in _DETAILS:
        for language in ("vi", "en"):
            assert f"error.{code}" in i18n.catalogue(language), (code, language)


def test_a_file_that_is_no_database_is_called_damaged(tmp_path) -> None:
    path = tmp_path / "store.sqlite3"
    path.write_bytes(b"not a database" * 500)
    error = _refusal(lambda: open_database(path))
    assert error.code == "store.corrupt"
    assert BACKUP["vi"] in error.user_message("vi")


def test_a_read_only_data_folder_is_not_called_damaged(tmp_path, small_filesystem) -> None:
    if os.geteuid() == 0:
        folder = small_filesystem("4m")
        open_database(folder / "store.sqlite3").close()
        subprocess.run(["mount", "-o", "remount,ro", str(folder)], check=True)
    else:
        folder = tmp_path / "data"
        open_database(folder / "store.sqlite3").close()
        for name in folder.iterdir():
            name.chmod(0o444)
        folder.chmod(0o555)
    try:
        for path in (folder / "store.sqlite3", folder / "new.sqlite3"):
            _assert_says_what_to_do(_refusal(lambda p=path: open_database(p)), "store.read_only")
    finally:
        if os.geteuid() != 0:
            folder.chmod(0o755)


def test_a_full_disk_is_not_called_damaged(small_filesystem) -> None:
    folder = small_filesystem("1m")
    _fill(folder)
    error = _refusal(lambda: open_database(folder / "store.sqlite3"))
    _assert_says_what_to_do(error, "store.disk_full")


def test_a_write_that_finds_the_disk_full_says_so(small_filesystem) -> None:
    folder = small_filesystem("1m")
    database = open_database(folder / "store.sqlite3")
    _fill(folder)

    def write() -> None:
        with database.transaction() as session:
            for _ in range(50):
                dossier = add_dossier(
                    session,
                    Dossier(
                        procedure_code="1.001193",
                        applicant=Applicant(name="Nguyễn Văn An"),
                        received_at=datetime.now(UTC),
                    ),
                )
                enqueue(session, MessageKind.DOSSIER_CREATED, dossier.id, {"pad": "x" * 5000})

    _assert_says_what_to_do(_refusal(write), "store.disk_full")
    database.close()


def test_a_database_held_by_another_program_is_not_called_damaged(tmp_path) -> None:
    path = tmp_path / "store.sqlite3"
    open_database(path).close()
    other = sqlite3.connect(path, isolation_level=None)
    try:
        other.execute("PRAGMA locking_mode=EXCLUSIVE")
        other.execute("BEGIN EXCLUSIVE")
        other.execute("UPDATE alembic_version SET version_num = version_num")

        def open_store() -> None:
            database = Database(path, busy_timeout_ms=200)  # the store waits 10 s
            try:
                database.migrate()
            finally:
                database.close()

        _assert_says_what_to_do(_refusal(open_store), "store.locked")
    finally:
        other.execute("ROLLBACK")
        other.close()
    open_database(path).close()  # once the other program lets go, the store opens


def test_a_write_the_database_itself_refuses_is_not_blamed_on_the_disk(tmp_path) -> None:
    database = open_database(tmp_path / "store.sqlite3")
    with database.engine.begin() as connection:
        connection.exec_driver_sql(
            "CREATE TRIGGER refuse BEFORE INSERT ON applicants "
            "BEGIN SELECT RAISE(ABORT, 'refused'); END"
        )

    def write() -> None:
        with database.transaction() as session:
            dossier = add_dossier(
                session,
                Dossier(
                    procedure_code="1.001193",
                    applicant=Applicant(name="Nguyễn Văn An"),
                    received_at=datetime.now(UTC),
                ),
            )
            enqueue(session, MessageKind.DOSSIER_CREATED, dossier.id, {"id": dossier.id})

    assert _refusal(write).code == "store.database_refused"
    assert [p.name for p in tmp_path.iterdir() if "probe" in p.name] == []
    database.close()
