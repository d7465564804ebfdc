"""The demo token: made by ``workstation demo`` in the demo's own data folder, found by
``tokens`` run in that home (as ``./dev.sh run`` does: the demo folder is the home)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from workstation.sign.demo_token import DEMO_PIN, DEMO_TOKEN_LABEL, point_at_demo_token
from workstation.sign.verify import verify_pdf

WORKSTATION = [sys.executable, "-m", "workstation"]


def run(*argv: str, home: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "SOFTHSM2_CONF"}
    env["WORKSTATION_HOME"] = str(home)
    return subprocess.run(
        [*WORKSTATION, *argv], capture_output=True, text=True, check=False, env=env
    )


def test_demo_makes_the_demo_token_signs_the_sample_and_tokens_finds_it(tmp_path: Path) -> None:
    home = tmp_path / "home"
    folder = tmp_path / "demo"
    demo = run("demo", "--folder", str(folder), "--json", home=home)
    assert demo.returncode == 0, demo.stderr
    report = json.loads(demo.stdout)
    signed = Path(report["signing"]["signed"])
    token_folder = Path(report["signing"]["demo_token"])
    assert token_folder == folder / "data" / "demo-token"
    assert not (home / "data" / "demo-token").exists()  # never the officer's own data
    readme = (token_folder / "README.txt").read_text(encoding="utf-8")
    assert "workstation demo" in readme and DEMO_PIN not in readme  # where, never the PIN
    (signature,) = verify_pdf(signed, [token_folder / "ca.pem"])
    assert signature.intact and signature.trusted
    assert "Cán bộ thử nghiệm (demo)" in signature.signer
    pdfsig = subprocess.run(["pdfsig", str(signed)], capture_output=True, text=True).stdout
    assert "Signature is Valid" in pdfsig

    again = run("demo", "--folder", str(folder), "--json", home=home)
    assert again.returncode == 0, again.stderr  # the token made before is used again
    assert json.loads(again.stdout)["signing"]["demo_token"] == str(token_folder)

    listed = run("tokens", "--module", "/usr/lib/softhsm/libsofthsm2.so", "--json", home=folder)
    assert listed.returncode == 0, listed.stderr
    assert [t["label"] for t in json.loads(listed.stdout)["tokens"]] == [DEMO_TOKEN_LABEL]


def test_an_existing_softhsm_configuration_is_never_replaced_by_the_demo_token(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from workstation.paths import Folders

    folders = Folders(config=tmp_path / "c", data=tmp_path / "d", logs=tmp_path / "l")
    (folders.data / "demo-token").mkdir(parents=True)
    (folders.data / "demo-token" / "softhsm2.conf").write_text("x", encoding="utf-8")
    (folders.data / "demo-token" / "ready").write_text("ready", encoding="utf-8")
    monkeypatch.setenv("SOFTHSM2_CONF", "/elsewhere.conf")
    assert not point_at_demo_token(folders)
    assert os.environ["SOFTHSM2_CONF"] == "/elsewhere.conf"
    monkeypatch.delenv("SOFTHSM2_CONF")
    assert point_at_demo_token(folders)
    assert os.environ["SOFTHSM2_CONF"] == str(folders.data / "demo-token" / "softhsm2.conf")
