"""Encryption at rest: switching it on, losing the keyring and recovering, rotating, resuming.

Real SQLite files, real blob folders, the real command line (in-process, and in
child processes killed half-way); the keyring is the file-backed test keyring.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import redirect_stdout
from dataclasses import replace
from pathlib import Path

import keyring
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from sqlalchemy import insert, select

from tests.fakes.fake_keyring import FakeFileKeyring
from workstation.cli import main
from workstation.config import load_settings, save_settings
from workstation.domain import Applicant, ApplicantType
from workstation.intake.receive import NewDossier, receive_dossier
from workstation.paths import Folders
from workstation.services import open_services
from workstation.store import protection
from workstation.store.dossiers import get_dossier, referenced_blobs
from workstation.store.keys import KeyMissing, SealingUnfinished
from workstation.store.models import ApplicantRow

pytestmark = pytest.mark.integration
ROOT = Path(__file__).resolve().parents[2]
ID_NUMBER = "079201009876"


@pytest.fixture(autouse=True)
def test_keyring(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Secrets in a file under the test's folder, for this process and its children."""
    path = tmp_path / "keyring.json"
    monkeypatch.setenv("WORKSTATION_FAKE_KEYRING", str(path))
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "tests.fakes.fake_keyring.FakeFileKeyring")
    before = keyring.get_keyring()
    keyring.set_keyring(FakeFileKeyring())
    yield path
    keyring.set_keyring(before)
    protection.install_codec(protection.PlainCodec())


def run(*argv: str, stdin: str = "") -> tuple[int, dict]:
    """``workstation ARGV --json`` in this process: exit code and the JSON it printed."""
    out = io.StringIO()
    old_stdin = sys.stdin
    sys.stdin = io.StringIO(stdin)
    try:
        with redirect_stdout(out):
            code = main([*argv, "--json"])
    finally:
        sys.stdin = old_stdin
    return code, json.loads(out.getvalue() or "{}")


def child(*argv: str) -> subprocess.Popen:
    """``workstation ARGV`` in a child process (same home, same test keyring)."""
    env = {**os.environ, "PYTHONPATH": f"{ROOT / 'src'}{os.pathsep}{ROOT}"}
    return subprocess.Popen(
        [sys.executable, "-m", "workstation", *argv],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def receive(settings, folders: Folders, page: Path, name: str = "Lê Thị Mai") -> str:
    services = open_services(settings, folders)
    try:
        dossier = receive_dossier(
            services.database,
            services.blobs,
            services.catalogue,
            NewDossier(
                procedure_code="1.001193",
                applicant=Applicant(
                    name=name,
                    type=ApplicantType.CITIZEN,
                    id_number=ID_NUMBER,
                    address="Số 12 ngõ Hòe Nhai, phường Ba Đình",
                ),
                files=[page],
            ),
        )
    finally:
        services.close()
    return dossier.id


def read_back(settings, folders: Folders, dossier_id: str) -> tuple[str, bytes]:
    services = open_services(settings, folders)
    try:
        with services.database.reading() as session:
            dossier = get_dossier(session, dossier_id)
        document = dossier.components[0].documents[0]
        return dossier.applicant.id_number or "", services.blobs.read(document.sha256)
    finally:
        services.close()


def raw_values(settings, folders: Folders) -> bytes:
    """The database file and its WAL, as bytes on disk."""
    path = settings.database_path(folders)
    return b"".join(p.read_bytes() for p in path.parent.glob(f"{path.name}*") if p.is_file())


def test_switching_on_seals_what_was_stored_and_the_window_reads_it_back(
    settings, folders, sample_page
) -> None:
    dossier_id = receive(settings, folders, sample_page)
    assert ID_NUMBER.encode() in raw_values(settings, folders)
    code, report = run("key", "init")
    assert code == 0 and report["blobs"] == 1 and len(report["recovery_passphrase"]) == 35
    assert ID_NUMBER.encode() not in raw_values(settings, folders)
    digest = hashlib.sha256(sample_page.read_bytes()).hexdigest()
    blobs = settings.blob_path(folders)
    assert not list(blobs.rglob(digest)), "the blob is renamed to its keyed name"
    assert read_back(settings, folders, dossier_id) == (ID_NUMBER, sample_page.read_bytes())
    assert run("key", "status")[1]["encryption"] == "on"
    assert run("key", "init")[0] == 3, "switching on twice is refused"
    assert run("key", "init")[1]["error"]["code"] == "store.already_encrypted"


def test_a_sealed_store_refuses_to_open_without_its_key_and_recovers_with_the_passphrase(
    settings, folders, sample_page, test_keyring
) -> None:
    dossier_id = receive(settings, folders, sample_page)
    passphrase = run("key", "init")[1]["recovery_passphrase"]
    test_keyring.unlink()  # the keyring is lost (a new PC, a reset profile)
    with pytest.raises(KeyMissing):
        open_services(settings, folders)
    assert run("key", "status")[1]["keyring"] == "missing"
    code, refused = run("key", "recover", "--passphrase-stdin", stdin="AAAAA-BBBBB\n")
    assert code == 3 and refused["error"]["code"] == "store.recovery_refused"
    code, _ = run("key", "recover", "--passphrase-stdin", stdin=passphrase.lower() + "\n")
    assert code == 0
    assert read_back(settings, folders, dossier_id) == (ID_NUMBER, sample_page.read_bytes())


def test_a_store_set_up_for_the_province_s_recovery_key_recovers_with_it(
    settings, folders, sample_page, tmp_path, test_keyring
) -> None:
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    public_file, private_file = tmp_path / "province.pub.pem", tmp_path / "province.pem"
    public_file.write_bytes(
        private.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
    )
    private_file.write_bytes(
        private.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    settings = replace(settings, recovery_public_key_file=str(public_file))
    save_settings(settings, folders)
    dossier_id = receive(settings, folders, sample_page)
    code, report = run("key", "init")
    assert code == 0 and report["recovery_passphrase"] is None
    assert run("key", "status")[1]["recovery"] == ["public_key"]
    test_keyring.unlink()
    with pytest.raises(KeyMissing):
        open_services(settings, folders)
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    wrong = tmp_path / "other.pem"
    wrong.write_bytes(
        other.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    assert run("key", "recover", "--recovery-key", str(wrong))[0] == 3
    assert run("key", "recover", "--recovery-key", str(private_file))[0] == 0
    assert read_back(settings, folders, dossier_id) == (ID_NUMBER, sample_page.read_bytes())


def test_rotation_seals_everything_under_a_new_key_and_forgets_the_old(
    settings, folders, sample_page
) -> None:
    dossier_id = receive(settings, folders, sample_page)
    code, refused = run("key", "rotate")
    assert code == 3 and refused["error"]["code"] == "store.not_encrypted"
    first = run("key", "init")[1]["key_id"]
    names_before = {p.name for p in settings.blob_path(folders).rglob("*") if p.is_file()}
    code, report = run("key", "rotate")
    assert code == 0 and report["key_id"] != first and report["blobs"] == 1
    names_after = {p.name for p in settings.blob_path(folders).rglob("*") if p.is_file()}
    assert names_after and not names_after & names_before, "blob names follow the key"
    assert bytes.fromhex(first) not in raw_values(settings, folders)
    status = run("key", "status")[1]
    assert status["key_id"] == report["key_id"] and status["encryption"] == "on"
    assert read_back(settings, folders, dossier_id) == (ID_NUMBER, sample_page.read_bytes())


def _many_blobs(settings, folders, count: int = 40) -> dict[str, bytes]:
    """Unreferenced blobs of 2 MiB each, so a walk over them takes a while."""
    services = open_services(settings, folders)
    try:
        contents = {}
        for i in range(count):
            content = os.urandom(1024) * 2048 + i.to_bytes(4, "big")
            contents[services.blobs.put(content)] = content
        return contents
    finally:
        services.close()


def _kill_when_blobs_renamed(process: subprocess.Popen, blobs: Path, names: set[str]) -> None:
    """SIGKILL ``process`` as soon as one blob of ``names`` has been sealed anew."""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and process.poll() is None:
        present = {p.name for p in blobs.glob("??/??/*") if not p.name.startswith(".")}
        if present - names:
            process.send_signal(signal.SIGKILL)
            process.wait()
            return
        time.sleep(0.002)
    raise AssertionError(f"the walk ended before it could be killed: {process.returncode}")


def _assert_whole(settings, folders, dossier_id, page: Path, contents: dict[str, bytes]) -> None:
    assert read_back(settings, folders, dossier_id) == (ID_NUMBER, page.read_bytes())
    services = open_services(settings, folders)
    try:
        for digest, content in contents.items():
            assert services.blobs.read(digest) == content
        on_disk = set(services.blobs.names())
        with services.database.reading() as session:
            referenced = referenced_blobs(session)
        expected = {services.blobs.name_of(d) for d in [*contents, *referenced]}
        assert on_disk == expected, "every blob once, under its keyed name"
    finally:
        services.close()
    assert ID_NUMBER.encode() not in raw_values(settings, folders)


def test_switching_on_killed_half_way_is_refused_until_run_again_and_loses_nothing(
    settings, folders, sample_page
) -> None:
    dossier_id = receive(settings, folders, sample_page)
    contents = _many_blobs(settings, folders)
    blobs = settings.blob_path(folders)
    plain_names = {p.name for p in blobs.glob("??/??/*")}
    _kill_when_blobs_renamed(child("key", "init"), blobs, plain_names)
    left_plain = {p.name for p in blobs.glob("??/??/*")} & plain_names
    assert left_plain, "killed half-way: some blobs are still plain"
    with pytest.raises(SealingUnfinished):
        open_services(settings, folders)
    assert run("key", "status")[1]["encryption"] == "unfinished"
    code, report = run("key", "init")
    assert code == 0 and 0 < report["blobs"] <= len(left_plain)
    assert report["recovery_passphrase"], "a new passphrase: the first was never shown"
    _assert_whole(settings, folders, dossier_id, sample_page, contents)


def test_rotation_killed_half_way_is_finished_by_running_it_again(
    settings, folders, sample_page
) -> None:
    dossier_id = receive(settings, folders, sample_page)
    contents = _many_blobs(settings, folders)
    first = run("key", "init")[1]["key_id"]
    blobs = settings.blob_path(folders)
    old_names = {p.name for p in blobs.glob("??/??/*")}
    _kill_when_blobs_renamed(child("key", "rotate"), blobs, old_names)
    assert {p.name for p in blobs.glob("??/??/*")} & old_names, "killed half-way"
    with pytest.raises(SealingUnfinished):
        open_services(settings, folders)
    code, report = run("key", "rotate")
    assert code == 0 and report["key_id"] != first
    _assert_whole(settings, folders, dossier_id, sample_page, contents)
    assert run("key", "status")[1]["key_id"] == report["key_id"]


def test_a_store_with_encryption_on_seals_what_is_received_afterwards(
    settings, folders, sample_page
) -> None:
    run("key", "init")
    dossier_id = receive(settings, folders, sample_page)
    assert ID_NUMBER.encode() not in raw_values(settings, folders)
    page = sample_page.read_bytes()
    for path in settings.blob_path(folders).rglob("*"):
        if path.is_file():
            assert page[1000:1064] not in path.read_bytes()
    assert read_back(settings, folders, dossier_id) == (ID_NUMBER, page)


def test_settings_load_the_recovery_public_key_file(folders) -> None:
    save_settings(replace(load_settings(folders), recovery_public_key_file="/x/p.pem"), folders)
    assert load_settings(folders).recovery_public_key_file == "/x/p.pem"


def test_doctor_says_when_this_pc_s_keyring_has_lost_the_store_s_key(
    settings, folders, sample_page, test_keyring
) -> None:
    from workstation.doctor.check import Status
    from workstation.doctor.local import check_encryption

    receive(settings, folders, sample_page)
    assert check_encryption(settings, folders).facts["encryption"] == "off"
    run("key", "init")
    on = check_encryption(settings, folders)
    assert on.status is Status.OK and on.facts["recovery"] == ["passphrase"]
    test_keyring.unlink()
    lost = check_encryption(settings, folders)
    assert lost.status is Status.FAILED and lost.blocking and "key recover" in lost.fix


def test_a_process_opened_before_encryption_was_switched_on_cannot_write_plain_values(
    settings, folders, sample_page
) -> None:
    from workstation.errors import StoreError

    stale = open_services(settings, folders)  # the window, left open: the plain codec
    try:
        assert child("key", "init").wait(timeout=300) == 0
        with pytest.raises(StoreError) as caught:
            receive_dossier(
                stale.database,
                stale.blobs,
                stale.catalogue,
                NewDossier(
                    procedure_code="1.001193",
                    applicant=Applicant(
                        name="Lê Thị Mai", type=ApplicantType.CITIZEN, id_number=ID_NUMBER
                    ),
                    files=[sample_page],
                ),
            )
        assert caught.value.code == "store.database_refused"
    finally:
        stale.close()
    assert ID_NUMBER.encode() not in raw_values(settings, folders)


def test_switching_on_is_refused_on_a_pc_whose_keyring_would_not_keep_the_key_safe(
    settings, folders, sample_page
) -> None:
    from keyring.backends.fail import Keyring as NoKeyring

    dossier_id = receive(settings, folders, sample_page)
    keyring.set_keyring(NoKeyring())  # a headless PC with no Secret Service
    code, refused = run("key", "init")
    assert code == 4 and refused["error"]["code"] == "store.no_keyring"
    assert run("key", "status")[1]["encryption"] == "off", "nothing was changed"
    assert read_back(settings, folders, dossier_id)[0] == ID_NUMBER


def test_values_derived_with_the_key_are_rebuilt_under_each_new_key(
    settings, folders, sample_page
) -> None:
    from workstation.store.resealing import REKEYED

    receive(settings, folders, sample_page)
    tokens: list[str] = []

    def rebuild(database) -> None:
        tokens.append(protection.keyed("name", "mai"))

    REKEYED.append(rebuild)
    try:
        run("key", "init")
        run("key", "rotate")
    finally:
        REKEYED.remove(rebuild)
    assert len(tokens) == 2 and "mai" not in tokens and tokens[0] != tokens[1]


def test_switching_on_killed_while_sealing_the_database_loses_no_value(settings, folders) -> None:
    count = 6000
    people = [
        {"id": f"a{n}", "type": 1, "name": f"Người {n}", "id_number": f"0792010{n:05d}",
         "address": f"Số {n} phố Huế"}
        for n in range(count)
    ]  # fmt: skip
    services = open_services(settings, folders)
    try:
        with services.database.engine.begin() as connection:
            connection.execute(insert(ApplicantRow), people)
    finally:
        services.close()
    path = settings.database_path(folders)
    process = child("key", "init")
    watcher = sqlite3.connect(path)
    sealed = 0
    try:
        deadline = time.monotonic() + 120
        while process.poll() is None and time.monotonic() < deadline:
            (sealed,) = watcher.execute(
                "SELECT count(*) FROM applicants WHERE id_number LIKE 'sealed:%'"
            ).fetchone()
            if 0 < sealed < count:
                process.send_signal(signal.SIGKILL)
                break
            time.sleep(0.001)
        process.wait()
    finally:
        watcher.close()
    assert 0 < sealed < count, f"killed half-way through the applicants ({sealed})"
    with pytest.raises(SealingUnfinished):
        open_services(settings, folders)
    assert run("key", "init")[0] == 0
    services = open_services(settings, folders)
    try:
        with services.database.reading() as session:
            stored = {
                r.id: (r.name, r.id_number, r.address)
                for r in session.scalars(select(ApplicantRow))
            }
    finally:
        services.close()
    assert stored == {p["id"]: (p["name"], p["id_number"], p["address"]) for p in people}
    assert b"0792010" not in raw_values(settings, folders), "no value left plain"
