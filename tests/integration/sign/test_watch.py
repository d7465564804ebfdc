"""Noticing tokens plugged in and pulled out, on real SoftHSM2 slots behind a fake USB port."""

from __future__ import annotations

import threading

import pkcs11

from tests.fakes.token import FakeSlotsModule
from workstation.sign.watch import TokenEvent, TokenWatch, watch_tokens

from .conftest import SoftHsmToken


def test_first_poll_reports_present_tokens_then_only_changes(token: SoftHsmToken) -> None:
    port = FakeSlotsModule(pkcs11.lib(str(token.module)))
    watch = TokenWatch(port)
    first = watch.poll()
    assert any(e.kind == "inserted" and e.label == token.label for e in first)
    assert watch.poll() == []
    port.pull_out(token.label)
    (removed,) = watch.poll()
    assert (removed.kind, removed.label) == ("removed", token.label)
    assert watch.poll() == []
    port.plug_in(token.label)
    (inserted,) = watch.poll()
    assert inserted == TokenEvent("inserted", token.label, removed.serial)


def test_watch_yields_a_removal_and_ends_when_stopped(token: SoftHsmToken) -> None:
    port = FakeSlotsModule(pkcs11.lib(str(token.module)))
    stop = threading.Event()
    seen = []
    for event in watch_tokens(port, stop, interval=0.01):
        seen.append(event)
        if event.label == token.label and event.kind == "inserted":
            port.pull_out(token.label)
        if event.kind == "removed":
            stop.set()
    assert seen[-1] == TokenEvent("removed", token.label, seen[-1].serial)


def test_a_batch_stopped_by_a_pulled_token_resumes_with_the_rest(
    token: SoftHsmToken, tmp_path
) -> None:
    from workstation.sign.pades import KeyChoice, TokenSigner

    from .conftest import one_page_pdf

    key = KeyChoice(token.module, token.label, key_label="signer")
    inputs = [one_page_pdf(tmp_path / f"in{i}.pdf") for i in range(3)]
    out = tmp_path / "out"
    with TokenSigner(key, token.pin) as signer:
        # Closing the session under the signer is what pulling the token out does to it.
        first = signer.sign_batch(
            [(p, out / p.name) for p in inputs], progress=lambda n, _: signer.session.close()
        )
    assert first.stopped_by is not None and first.remaining == inputs[1:]
    with TokenSigner(key, token.pin) as signer:  # plugged in again, PIN typed again
        rest = signer.sign_batch([(p, out / p.name) for p in first.remaining])
    assert rest.stopped_by is None
    assert sorted(p.name for p in out.iterdir()) == ["in0.pdf", "in1.pdf", "in2.pdf"]
