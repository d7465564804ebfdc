"""No PIN, password, token or key on disk: the whole demo, a sign-in, a sync and a signing,
then every file they wrote is searched.

The demo runs as the README runs it (``workstation demo`` in a child process), in
a folder of the test's own. Then, with that folder as the workstation's home, an
officer signs in to a reference central server on loopback with a known
password, sends the outbox, signs a stored PDF on the demo token with its PIN
and sends again, each a ``workstation`` child process logging at DEBUG. The
server's answers to ``/v1/auth/*`` are recorded on their way out, so the access
and refresh tokens it issued are known; the demo token's user PIN and SO PIN
are the project's own constants. Every file under the demo folder (data with
the SQLite store, its WAL and journal, blobs, the demo token's folder; config;
logs; outputs) and under the home the demo ran from is read as bytes and
searched for each secret as UTF-8, decomposed, JSON-escaped, UTF-16 and base64.
The keyring (a file outside these folders, standing for the OS keyring) is
where the refresh token belongs and is not searched. The reference server's
own folder (``central/``) is the province's side and is left out.

With the officer signed in, encryption at rest is switched on (``key init``)
and, after the signing, the data key is rotated (``key rotate``); both data keys,
the key-encryption key and the recovery passphrase (as printed and without its
dashes) are taken from the store and the keyring through
:mod:`workstation.store.keys` and searched for too, as raw bytes, hex, base64
and URL-safe base64. A command then fails unexpectedly (the keyring's file is
left unreadable, so ``key status`` meets an error the program has no type for),
which writes the command line's crash report to its log, and that report is
searched with the rest. Every child process is given a temporary folder of the
test's own (``TMPDIR``), searched as well. The keyring's own storage file is the
one place the key-encryption key belongs; it is outside every searched folder.

The search is shown to work by planting a token, then the key-encryption key,
in a log and seeing each found there.
"""

from __future__ import annotations

import base64
import json
import os
import socket
import threading
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import keyring
import pytest
import uvicorn

from tests.integration.sync.conftest import ALL_ROLES, workstation
from workstation.config import Settings, load_settings, save_settings
from workstation.paths import Folders
from workstation.sign import softhsm
from workstation.sign.demo_token import DEMO_KEY_LABEL, DEMO_PIN, DEMO_TOKEN_LABEL
from workstation.store import keys, open_database
from workstation.store.models import StoreRecoveryRow
from workstation_central.app import create_app, open_central
from workstation_central.models import Officer, OfficerRole
from workstation_central.security import hash_password

pytestmark = pytest.mark.integration

OFFICER = "canbo.bimat"
PASSWORD = "Mật-khẩu-Bí-mật-4729-xyz"


@dataclass
class TokenRecorder:
    """An ASGI wrapper keeping every access and refresh token the server hands out."""

    app: object
    issued: list[str] = field(default_factory=list)

    async def __call__(self, scope, receive, send):  # type: ignore[no-untyped-def]
        if scope["type"] != "http" or not scope["path"].startswith("/v1/auth/"):
            return await self.app(scope, receive, send)  # type: ignore[operator]
        body = bytearray()

        async def keep(message):  # type: ignore[no-untyped-def]
            if message["type"] == "http.response.body":
                body.extend(message.get("body", b""))
                if not message.get("more_body"):
                    self._took(bytes(body))
            await send(message)

        return await self.app(scope, receive, keep)  # type: ignore[operator]

    def _took(self, body: bytes) -> None:
        try:
            answer = json.loads(body)
        except ValueError:
            return
        if isinstance(answer, dict):
            self.issued += [answer[k] for k in ("access_token", "refresh_token") if k in answer]


@pytest.fixture
def recorded_central(tmp_path: Path) -> Iterator[tuple[str, TokenRecorder]]:
    """The reference server on loopback with one officer, its sign-in answers recorded."""
    central = open_central(tmp_path / "server")
    with central.sessions() as db:
        db.merge(Officer(user=OFFICER, password_hash=hash_password(PASSWORD)))
        db.flush()
        db.add_all(OfficerRole(user=OFFICER, role=role) for role in ALL_ROLES)
        db.commit()
    recorder = TokenRecorder(create_app(central))
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(recorder, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    while not server.started and thread.is_alive():
        threading.Event().wait(0.01)
    yield f"http://127.0.0.1:{sock.getsockname()[1]}", recorder
    server.should_exit = True
    thread.join(timeout=10)
    sock.close()
    central.close()


def forms_of(secret: str) -> list[bytes]:
    """The ways a secret could sit in a file: as text, decomposed, JSON-escaped, UTF-16, base64."""
    text = secret.encode("utf-8")
    forms = {
        text,
        unicodedata.normalize("NFD", secret).encode("utf-8"),
        json.dumps(secret).strip('"').encode("ascii"),
        secret.encode("utf-16-le"),
        base64.b64encode(text),
        base64.urlsafe_b64encode(text).rstrip(b"="),
    }
    return sorted(forms)


def key_forms(key: bytes) -> list[bytes]:
    """The ways a key could sit in a file: raw, hex, base64, URL-safe base64."""
    b64, urlsafe = base64.b64encode(key), base64.urlsafe_b64encode(key)
    return [key, key.hex().encode(), key.hex().upper().encode(), b64, urlsafe, urlsafe.rstrip(b"=")]


def needles(secrets: dict[str, str], raw_keys: dict[str, bytes]) -> dict[str, list[bytes]]:
    """Every form searched for, by what it stands for."""
    found = {what: forms_of(secret) for what, secret in secrets.items()}
    return found | {what: key_forms(key) for what, key in raw_keys.items()}


def written_files(*roots: Path, leave_out: tuple[Path, ...] = ()) -> list[Path]:
    return sorted(
        p
        for root in roots
        for p in root.rglob("*")
        if p.is_file() and not any(p.is_relative_to(skip) for skip in leave_out)
    )


def secrets_found(
    files: list[Path], secrets: dict[str, str], raw_keys: dict[str, bytes] | None = None
) -> list[tuple[str, Path]]:
    """(what, file) for each secret or key found in any of its forms in any file."""
    forms = needles(secrets, raw_keys or {})
    found = []
    for path in files:
        content = path.read_bytes()
        for what, ways in forms.items():
            if any(form in content for form in ways):
                found.append((what, path))
    return found


def run_ok(*args: str, env: dict[str, str], stdin: str = "") -> str:
    done = workstation(*args, stdin=stdin, extra_env=env)
    assert done.returncode == 0, (args, done.returncode, done.stderr[-2000:])
    return done.stdout


def store_keys(folders: Folders) -> tuple[dict[str, bytes], bytes]:
    """The store's data keys (by id) and its key-encryption key, as the program reads them."""
    database = open_database(load_settings(folders).database_path(folders))
    try:
        codec, _sealing = keys.loaded_codec(database)
        assert codec is not None, "encryption is not on"
        # The codec keeps the unwrapped keys to itself; the test reads them to search for them.
        data_keys = {key_id: codec._keys[key_id] for key_id in codec.key_ids}
        with database.reading() as session:
            recovery = session.get(StoreRecoveryRow, 1)
            assert recovery is not None
            store_id = recovery.store_id
    finally:
        database.close()
    kek = keyring.get_password(keys.SERVICE, store_id)
    assert kek, "the key-encryption key is not in the keyring"
    return data_keys, base64.b64decode(kek)


def test_no_pin_password_token_or_key_is_left_in_any_file_the_demo_and_a_session_wrote(
    tmp_path: Path, home: Path, recorded_central: tuple[str, TokenRecorder]
) -> None:
    url, recorder = recorded_central
    demo = tmp_path / "demo"
    temp = tmp_path / "tmp"
    temp.mkdir()
    debug = {"WORKSTATION_LOG_LEVEL": "DEBUG", "TMPDIR": str(temp)}
    shown = json.loads(run_ok("demo", "--folder", str(demo), "--json", env=debug))
    assert shown["central"].get("arrived", 0) >= 1, shown["central"]
    assert "demo_token" in shown["signing"], shown["signing"]

    # The demo's folder is a workstation home: an officer works in it against the server.
    folders = Folders(demo / "config", demo / "data", demo / "logs")
    save_settings(Settings(central_url=url), folders)
    session = {
        **debug,
        "WORKSTATION_HOME": str(demo),
        "OFFICER_PASSWORD": PASSWORD,
        "TOKEN_PIN": DEMO_PIN,
        "SOFTHSM2_CONF": str(demo / "data" / "demo-token" / "softhsm2.conf"),
    }
    run_ok("login", "--user", OFFICER, "--password-env", "OFFICER_PASSWORD", env=session)
    passphrase = json.loads(run_ok("key", "init", "--json", env=session))["recovery_passphrase"]
    assert passphrase, "key init printed no recovery passphrase"
    first_keys, _ = store_keys(folders)
    run_ok("sync", "--once", env=session)
    document = shown["digitised"]["document_id"]
    run_ok(
        "sign", "--dossier", shown["digitised"]["dossier_code"], "--document", document,
        "--module", str(softhsm.SOFTHSM2_MODULE_LINUX), "--token", DEMO_TOKEN_LABEL,
        "--key", DEMO_KEY_LABEL, "--pin-env", "TOKEN_PIN",
        env=session,
    )  # fmt: skip
    run_ok("key", "rotate", env=session)
    run_ok("sync", "--once", env=session)  # a fresh access token, the signed PDF sent
    data_keys, kek = store_keys(folders)
    assert set(data_keys).isdisjoint(first_keys), "the rotation made no new data key"

    # A crash: the keyring's file cut short, so reading it fails in a way the program
    # has no type for. The command line writes its crash report to its log.
    kept = Path(os.environ["WORKSTATION_FAKE_KEYRING"])
    whole = kept.read_bytes()
    kept.write_bytes(whole[:-1])
    crashed = workstation("key", "status", extra_env=session)
    kept.write_bytes(whole)
    assert crashed.returncode == 1, (crashed.returncode, crashed.stderr[-2000:])
    logs = b"".join(p.read_bytes() for p in (demo / "logs").rglob("*.log*"))
    assert b"key status failed unexpectedly" in logs, "no crash report was written"

    assert len(set(recorder.issued)) >= 3, "the server issued fewer tokens than expected"
    secrets = {"password": PASSWORD, "token PIN": DEMO_PIN, "SO PIN": softhsm.SO_PIN}
    secrets |= {f"token {n}": token for n, token in enumerate(sorted(set(recorder.issued)))}
    secrets |= {"passphrase": passphrase, "passphrase undashed": passphrase.replace("-", "")}
    key_needles = {f"data key {kid}": key for kid, key in (first_keys | data_keys).items()}
    key_needles["key-encryption key"] = kek
    searched = (demo, home, temp)
    files = written_files(*searched, leave_out=(demo / "central", kept))
    assert any(p.name == "store.sqlite3" for p in files)
    assert any(p.suffix == ".log" or ".log" in p.name for p in files), "no log was written"
    assert any("blobs" in p.parts for p in files)
    assert secrets_found(files, secrets, key_needles) == []

    # The search finds what is there: a token and a key planted in a log are found in it.
    planted = demo / "logs" / "planted.log"
    planted.write_text(f"refresh with {recorder.issued[-1]}\n", encoding="utf-8")
    found = secrets_found(written_files(*searched, leave_out=(demo / "central",)), secrets)
    assert [path for _what, path in found] == [planted]
    planted.write_bytes(b"kek " + base64.urlsafe_b64encode(kek).rstrip(b"="))
    found = secrets_found(written_files(*searched, leave_out=(demo / "central",)), {}, key_needles)
    assert found == [("key-encryption key", planted)]


def test_the_search_finds_a_secret_written_escaped_or_encoded(tmp_path: Path) -> None:
    secrets = {"password": PASSWORD}
    escaped = tmp_path / "payload.json"
    escaped.write_text(json.dumps({"p": PASSWORD}), encoding="utf-8")  # \\u-escaped
    encoded = tmp_path / "blob"
    encoded.write_bytes(b"x" + base64.b64encode(PASSWORD.encode()) + b"y")
    clean = tmp_path / "clean.log"
    clean.write_text("nothing here\n", encoding="utf-8")
    found = secrets_found(written_files(tmp_path), secrets)
    assert sorted(path for _what, path in found) == sorted([escaped, encoded])  # not clean
