"""The signature policy: the level a signature is made at, and what it needs."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from workstation.cli import main
from workstation.errors import BadInput
from workstation.services import Services
from workstation.sign.level import signature_plan

TSA = "http://tsa.example.gov.vn"
ROOTS = [Path("/etc/ssl/rootca.pem")]


@pytest.mark.parametrize(
    ("tsa", "roots", "level"),
    [(TSA, ROOTS, "B-LT"), (TSA, [], "B-T"), (None, ROOTS, "B-B"), (None, [], "B-B")],
)
def test_without_a_policy_the_level_is_the_highest_the_settings_reach(tsa, roots, level):
    assert signature_plan("", tsa, roots).level == level


def test_b_b_drops_the_time_stamp_but_keeps_the_revocation_check_without_embedding():
    plan = signature_plan("B-B", TSA, ROOTS)
    assert plan.tsa_url is None
    assert plan.trust_roots == tuple(ROOTS)
    assert not plan.embed_revocation


def test_b_t_time_stamps_and_checks_but_does_not_embed_revocation_data():
    plan = signature_plan("B-T", TSA, ROOTS)
    assert (plan.tsa_url, plan.embed_revocation) == (TSA, False)


def test_b_lt_time_stamps_and_embeds_revocation_data():
    plan = signature_plan("B-LT", TSA, ROOTS)
    assert (plan.tsa_url, plan.embed_revocation) == (TSA, True)


@pytest.mark.parametrize(
    ("level", "tsa", "roots", "code"),
    [
        ("B-T", None, ROOTS, "sign.level_needs_tsa"),
        ("B-LT", None, ROOTS, "sign.level_needs_tsa"),
        ("B-LT", TSA, [], "sign.level_needs_trust"),
        ("B-X", TSA, ROOTS, "sign.level_unknown"),
    ],
)
def test_a_level_the_settings_cannot_reach_stops_signing(level, tsa, roots, code):
    with pytest.raises(BadInput) as caught:
        signature_plan(level, tsa, roots)
    assert caught.value.code == code


def test_the_window_signs_at_the_settings_level_before_opening_any_token(services):
    opened: list[dict] = []

    def configured(**settings) -> Services:
        return dataclasses.replace(
            services,
            settings=dataclasses.replace(services.settings, **settings),
            signer_factory=lambda **arguments: opened.append(arguments),
        )

    with pytest.raises(BadInput) as caught:
        configured(signature_level="B-T", tsa_url="").open_signer(key=None, pin="1234")
    assert caught.value.code == "sign.level_needs_tsa"
    assert opened == []
    configured(signature_level="B-B", tsa_url=TSA).open_signer(key=None, pin="1234")
    assert opened[0]["tsa_url"] is None  # the policy wins over the configured authority


def test_sign_command_takes_the_signature_level_setting_and_refuses_an_unreachable_one(
    folders, tmp_path, monkeypatch, capsys
):
    monkeypatch.setenv("WORKSTATION_SIGNATURE_LEVEL", "B-LT")
    monkeypatch.setenv("WORKSTATION_TSA_URL", TSA)
    monkeypatch.setenv("WORKSTATION_TRUST_ROOTS", "")
    pdf = tmp_path / "a.pdf"
    pdf.write_bytes(b"%PDF-1.7\n")
    code = main(["sign", str(pdf), "-o", str(tmp_path / "out"), "--pin-env", "NO_SUCH_PIN"])
    assert code == 3
    assert "trust_roots" in capsys.readouterr().err
