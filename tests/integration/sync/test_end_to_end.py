"""Dossiers received at the counter reach the reference central server once, byte for byte."""

from __future__ import annotations

import hashlib
import json

import pytest

from tests.integration.sync.conftest import PASSWORD, central_command, workstation

pytestmark = pytest.mark.integration


def _login(url: str) -> None:
    done = workstation(
        "login", "--server", url, "--user", "canbo1", "--password-stdin", stdin=PASSWORD + "\n"
    )
    assert done.returncode == 0, done.stderr


def test_received_dossiers_arrive_once_each_with_identical_files(central, add_by_command, tmp_path):
    pages = []
    for i in range(3):
        page = tmp_path / f"page{i}.png"
        from PIL import Image

        Image.new("L", (300 + i, 200), 255).save(page)
        pages.append(page)
    for i, page in enumerate(pages):
        assert add_by_command(f"Nguyễn Văn {i}", file=page) == 0
    assert add_by_command("Trần Thị Chung", file=pages[0]) == 0  # a file shared by two dossiers

    _login(central.url)
    done = workstation("sync", "--server", central.url, "--once", "--json")
    assert done.returncode == 0, done.stderr
    summary = json.loads(done.stdout)
    assert {k: summary[k] for k in ("sent", "waiting", "needs_attention")} == {
        "sent": 5,  # and the audit log's head
        "waiting": 0,
        "needs_attention": [],
    }

    again = workstation("sync", "--server", central.url, "--once", "--json")
    assert json.loads(again.stdout)["sent"] == 0

    listing = central_command("inventory", "--data", str(central.data), "--json")
    held = json.loads(listing.stdout)["dossiers"]
    assert len(held) == 4
    assert len({d["id"] for d in held}) == 4
    expected = {hashlib.sha256(p.read_bytes()).hexdigest() for p in pages}
    sent = {f["sha256"] for d in held for f in d["files"]}
    assert sent == expected
    for d in held:
        for f in d["files"]:
            stored = central.central.file_path(f["sha256"]).read_bytes()
            assert hashlib.sha256(stored).hexdigest() == f["sha256"]
            assert len(stored) == f["bytes"]
    assert {d["status"] for d in held} == {1} or all(1 <= d["status"] <= 10 for d in held)


def test_a_wrong_password_exits_3(central):
    done = workstation(
        "login", "--server", central.url, "--user", "canbo1", "--password-stdin", stdin="sai\n"
    )
    assert done.returncode == 3
    assert "password" in done.stderr


def test_an_unreachable_server_exits_4_naming_the_address(add_by_command, sample_page):
    import socket

    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    url = f"http://127.0.0.1:{sock.getsockname()[1]}"
    sock.close()  # nothing listens there now
    done = workstation(
        "login", "--server", url, "--user", "canbo1", "--password-stdin", stdin="x\n"
    )
    assert done.returncode == 4
    assert url in done.stderr


def test_sync_with_the_central_system_unreachable_exits_4_naming_it_and_keeps_the_outbox(
    central, add_by_command
):
    _login(central.url)
    assert add_by_command("Đỗ Thị Hoa") == 0
    central.stop()  # signed in, then the central system goes away: nothing listens now
    done = workstation("sync", "--server", central.url, "--once")
    assert done.returncode == 4, done.stderr
    assert central.url in done.stderr
    as_json = workstation("sync", "--server", central.url, "--once", "--json")
    assert as_json.returncode == 4
    assert json.loads(as_json.stdout)["error"]["code"] == "sync.unreachable"
    items = json.loads(workstation("outbox", "--json").stdout)["items"]
    assert [i["state"] for i in items] == ["pending"]
    assert "sync.unreachable" in items[0]["last_error"]


def test_sync_without_sign_in_says_so_and_keeps_the_outbox(central, add_by_command):
    assert add_by_command("Lê Văn Bình") == 0
    done = workstation("sync", "--server", central.url, "--once", "--json")
    assert done.returncode == 3
    assert json.loads(done.stdout)["error"]["code"] == "sync.not_signed_in"
    listing = workstation("outbox", "--json")
    items = json.loads(listing.stdout)["items"]
    assert [i["state"] for i in items] == ["pending"]


def test_logout_removes_the_kept_sign_in(central, add_by_command):
    _login(central.url)
    assert workstation("logout", "--server", central.url).returncode == 0
    assert add_by_command("Phạm Văn Cường") == 0
    done = workstation("sync", "--server", central.url, "--once", "--json")
    assert json.loads(done.stdout)["error"]["code"] == "sync.not_signed_in"
