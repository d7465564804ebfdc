"""Every command that changes a dossier, the store or the machine is refused, before it does
anything, to an officer who lacks the role it needs: exit 3 naming the role, the refusal in
the audit log; a listing command still works for them.

A records clerk signed in against the reference server runs each command in this process
(``workstation.cli.main``): the gate answers before the handler reads any argument's file,
so the dossiers and files named need not exist.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterator

import pytest

from tests.integration.sync.conftest import PASSWORD, Server, start_server
from workstation.cli import build_parser, main
from workstation.cli.roles import command_action
from workstation.config import load_settings
from workstation.services import open_services
from workstation.store import audit, protection
from workstation_central.models import Officer, OfficerRole
from workstation_central.security import hash_password

pytestmark = pytest.mark.integration

CLERK_PASSWORD = "Lưu-trữ-2026"

REFUSED: list[tuple[list[str], str]] = [
    (["dossier", "add", "--procedure", "1.001193", "--applicant-name", "A", "--file", "x.png"],
     "counter_officer"),
    (["dossier", "import", "x.json"], "counter_officer"),
    (["dossier", "submit-online", "#1"], "counter_officer"),
    (["dossier-code", "issue", "--agency", "000.00.00.H01", "--slot", "1"], "counter_officer"),
    (["scan", "--device", "demo", "-o", "out.pdf", "--dossier", "#1", "--component", "C1"],
     "counter_officer"),
    (["payment", "record", "#1", "--method", "cash"], "counter_officer"),
    (["result", "hand-over", "#1", "--collector-id", "001"], "counter_officer"),
    (["result-form", "file", "--template", "t", "--dossier", "#1", "scan.png"],
     "counter_officer"),
    (["signing-queue", "request", "#1", "doc-1"], "counter_officer"),
    (["signing-queue", "add-result", "#1", "result.pdf"], "counter_officer"),
    (["signing-queue", "send-back", "req-1", "--comment", "thiếu dấu"], "signing_officer"),
    (["sign", "--dossier", "#1", "--document", "doc-1"], "signing_officer"),
    (["key", "init"], "administrator"),
    (["key", "rotate"], "administrator"),
    (["retention", "apply"], "administrator"),
]  # fmt: skip


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """One reference server for the module, with a records clerk (that role only)."""
    running = start_server(tmp_path_factory.mktemp("central"))
    with running.central.sessions() as db:
        db.merge(Officer(user="vanthu", password_hash=hash_password(CLERK_PASSWORD)))
        db.flush()
        db.merge(OfficerRole(user="vanthu", role="records_clerk"))
        db.commit()
    yield running
    running.stop()


@pytest.fixture
def clerk(server, folders, monkeypatch) -> Iterator[object]:
    """The records clerk acting on this PC (signed in as ``workstation login`` does)."""
    monkeypatch.setenv("WORKSTATION_CENTRAL_URL", server.url)
    monkeypatch.setenv("WORKSTATION_LANGUAGE", "en")
    services = open_services(load_settings(folders), folders)
    services.desk.sign_in("vanthu", CLERK_PASSWORD)
    yield services
    services.close()


def refusals(services) -> list[tuple[str, str, str | None]]:
    with services.database.reading() as session:
        return [
            (e.action, e.officer, e.object_id)
            for e in audit.list_entries(session)
            if e.action == "action.refused"
        ]


@pytest.mark.parametrize(("argv", "role"), REFUSED, ids=[" ".join(a[:2]) for a, _ in REFUSED])
def test_a_command_that_changes_the_store_is_refused_without_its_role_with_exit_3(
    clerk, capsys, argv, role
) -> None:
    assert main([*argv, "--json"]) == 3
    error = json.loads(capsys.readouterr().out)["error"]
    assert error["code"] == "role.required"
    assert role in error["detail"]
    assert {"counter_officer": "counter officer", "signing_officer": "signing officer",
            "administrator": "administrator"}[role] in error["message_en"]  # fmt: skip
    action = command_action(build_parser().parse_args(argv))
    assert refusals(clerk) == [("action.refused", "vanthu", str(action))]


def test_a_listing_command_still_works_for_an_officer_without_those_roles(clerk, capsys) -> None:
    for argv in (["dossier", "list"], ["signing-queue", "list"], ["audit", "list"]):
        assert main([*argv, "--json"]) == 0, capsys.readouterr()
    capsys.readouterr()
    assert refusals(clerk) == []


@pytest.fixture
def plain_codec_after() -> Iterator[None]:
    """Switching encryption on installs the sealing codec in this process: undo it after."""
    yield
    protection.install_codec(protection.PlainCodec())


def test_key_init_rotate_and_recover_are_recorded_naming_the_keys_only(
    server, folders, tmp_path, monkeypatch, capsys, plain_codec_after
) -> None:
    monkeypatch.setenv("WORKSTATION_CENTRAL_URL", server.url)
    services = open_services(load_settings(folders), folders)
    services.desk.sign_in("canbo1", PASSWORD)  # every role, the administrator's among them
    services.close()
    assert main(["key", "init", "--json"]) == 0
    made = json.loads(capsys.readouterr().out)
    assert main(["key", "rotate", "--json"]) == 0
    rotated = json.loads(capsys.readouterr().out)["key_id"]
    (tmp_path / "keyring.json").unlink()  # a reset keyring: nobody's sign-in is left either
    monkeypatch.setattr("sys.stdin", io.StringIO(made["recovery_passphrase"] + "\n"))
    assert main(["key", "recover", "--passphrase-stdin", "--json"]) == 0, capsys.readouterr()
    recovered = json.loads(capsys.readouterr().out)["keys"]
    assert main(["audit", "list", "--json"]) == 0
    keyed = [
        (e["action"], e["officer"], e["object_id"])
        for e in json.loads(capsys.readouterr().out)
        if e["action"].startswith("key.")
    ]
    assert keyed[:2] == [("key.init", "canbo1", made["key_id"]), ("key.rotate", "canbo1", rotated)]
    assert [(a, key_id) for a, _o, key_id in keyed[2:]] == [("key.recover", k) for k in recovered]
    assert made["recovery_passphrase"] not in json.dumps(keyed)
