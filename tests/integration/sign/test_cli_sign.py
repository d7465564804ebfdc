"""``workstation tokens``, ``sign`` and ``verify`` end to end on SoftHSM2, exit codes included."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from workstation.cli import main

from .conftest import SoftHsmToken, one_page_pdf


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def sign_args(token: SoftHsmToken, inputs: list[Path], out: Path, *extra: str) -> list[str]:
    return [
        "sign",
        *map(str, inputs),
        "-o",
        str(out),
        "--module",
        str(token.module),
        "--token",
        token.label,
        "--key",
        "signer",
        "--pin-env",
        "TEST_TOKEN_PIN",
        *extra,
    ]


def test_tokens_lists_the_token_as_json(
    token: SoftHsmToken, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(["tokens", "--module", str(token.module), "--json"], capsys)
    assert code == 0
    data = json.loads(out)
    labels = [t["label"] for t in data["tokens"]]
    assert token.label in labels


def test_tokens_with_a_missing_module_exits_4(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(["tokens", "--module", str(tmp_path / "none.so")], capsys)
    assert code == 4
    assert "does not exist" in err


def test_sign_then_verify_with_copy_stamp_exits_0_with_a_crl(
    token: SoftHsmToken,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("TEST_TOKEN_PIN", token.pin)
    inputs = [one_page_pdf(tmp_path / f"scan{i}.pdf") for i in range(2)]
    out = tmp_path / "signed"
    code, stdout, _ = run(
        sign_args(
            token,
            inputs,
            out,
            "--appearance",
            "copy",
            "--copy-form",
            "SAO Y",
            "--agency",
            "UBND xã Hòa Bình",
            "--json",
        ),
        capsys,
    )
    assert code == 0, stdout
    assert len(json.loads(stdout)["signed"]) == 2
    crl = tmp_path / "ca.crl"
    crl.write_bytes(token.authority.crl())
    code, stdout, _ = run(
        [
            "verify",
            str(out / "scan0.pdf"),
            "--trust",
            str(token.ca_file),
            "--crl",
            str(crl),
            "--json",
        ],
        capsys,
    )
    assert code == 0, stdout
    assert json.loads(stdout)["signatures"][0]["verdict"] == "valid"


def test_verify_without_revocation_data_exits_5(
    token: SoftHsmToken,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("TEST_TOKEN_PIN", token.pin)
    source = one_page_pdf(tmp_path / "in.pdf")
    assert run(sign_args(token, [source], tmp_path / "out"), capsys)[0] == 0
    code, stdout, _ = run(
        ["verify", str(tmp_path / "out" / "in.pdf"), "--trust", str(token.ca_file)], capsys
    )
    assert code == 5
    assert "revocation: unknown" in stdout and "INDETERMINATE" in stdout


def test_wrong_pin_exits_3_and_the_pin_is_nowhere_in_the_output_nor_the_log(
    token: SoftHsmToken,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level("DEBUG")
    monkeypatch.setattr("sys.stdin", io.StringIO("97531\n"))
    source = one_page_pdf(tmp_path / "in.pdf")
    args = sign_args(token, [source], tmp_path / "out")
    args[args.index("--pin-env") : args.index("--pin-env") + 2] = ["--pin-stdin"]
    code, out, err = run([*args, "--json"], capsys)
    assert code == 3
    error = json.loads(out)["error"]
    assert error["code"] == "sign.pin_wrong"
    assert "97531" not in out + err
    assert caplog.records
    assert not [r for r in caplog.records if "97531" in r.getMessage() + str(r.exc_info)]
    assert not (tmp_path / "out").exists() or list((tmp_path / "out").iterdir()) == []


def test_unknown_token_exits_4(
    token: SoftHsmToken,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("TEST_TOKEN_PIN", token.pin)
    args = sign_args(token, [one_page_pdf(tmp_path / "in.pdf")], tmp_path / "out")
    args[args.index("--token") + 1] = "Không cắm"
    assert run(args, capsys)[0] == 4


def test_corrupt_input_exits_3_and_leaves_no_output(
    token: SoftHsmToken,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("TEST_TOKEN_PIN", token.pin)
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"%PDF-1.4\nthis is not really a pdf")
    code, _, _ = run(sign_args(token, [broken], tmp_path / "out"), capsys)
    assert code == 3
    assert not (tmp_path / "out" / "broken.pdf").exists()
