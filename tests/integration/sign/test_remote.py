"""Remote signing (CSC API v1) against a fake service on loopback, checked by pdfsig and verify."""

from __future__ import annotations

import datetime as dt
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.fakes.csc_server import FakeCredential, FakeCscService, fake_csc_server
from workstation.errors import BadInput, ExternalPartError
from workstation.sign import softhsm
from workstation.sign.pades import Appearance
from workstation.sign.remote import CscClient, RemoteChoice, RemoteSigner
from workstation.sign.signer import DocumentSigner
from workstation.sign.verify import verify_pdf

from .conftest import SoftHsmToken, one_page_pdf

ACCESS = "test-access-token"


@pytest.fixture(scope="module")
def service(token: SoftHsmToken) -> Iterator[FakeCscService]:
    now = dt.datetime.now(dt.UTC)

    def credential(name: str, **kwargs: object) -> FakeCredential:
        key = softhsm.new_signing_key()
        cert = token.authority.issue(
            key, name, not_before=now - dt.timedelta(days=1), not_after=now + dt.timedelta(days=30)
        )
        return FakeCredential(key, [cert, token.authority.certificate], **kwargs)  # type: ignore[arg-type]

    service = FakeCscService(
        ACCESS,
        {
            "phone-ok": credential("Trần Thị Từ Xa", polls_before_confirm=2),
            "phone-no": credential("Thử từ chối", rejects=True),
            "phone-slow": credential("Thử chậm", polls_before_confirm=1000),
            "with-pin": credential("Thử PIN", pin="1357"),
            "batch": credential("Thử lô", scal="1", multisign=2, polls_before_confirm=1),
        },
    )
    with fake_csc_server(service):
        yield service


def choice(service: FakeCscService, credential: str, **kwargs: object) -> RemoteChoice:
    options = {"confirm_timeout": 5.0, "poll_interval": 0.01, **kwargs}
    return RemoteChoice(service.url, credential, ACCESS, **options)  # type: ignore[arg-type]


def test_credentials_are_listed(service: FakeCscService) -> None:
    client = CscClient(choice(service, ""))
    try:
        assert client.list_credentials() == sorted(service.credentials)
    finally:
        client.close()


def test_signing_waits_for_the_phone_and_gives_a_valid_pades_file(
    token: SoftHsmToken, service: FakeCscService, tmp_path: Path
) -> None:
    source = one_page_pdf(tmp_path / "in.pdf")
    out = tmp_path / "out.pdf"
    look = Appearance("copy", copy_form="SAO Y", agency="UBND xã Thử Nghiệm")
    before = service.calls.count("credentials/authorize")
    with RemoteSigner(choice(service, "phone-ok")) as signer:
        assert isinstance(signer, DocumentSigner)
        signer.sign(source, out, look)
    assert service.calls.count("credentials/authorize") - before == 3  # two pending, then yes
    report = subprocess.run(["pdfsig", str(out)], capture_output=True, text=True).stdout
    assert "Signature is Valid" in report and "ETSI.CAdES.detached" in report
    (mine,) = verify_pdf(out, [token.ca_file])
    assert mine.intact and mine.trusted and "Trần Thị Từ Xa" in mine.signer


def test_a_request_rejected_on_the_phone_stops_the_batch_and_writes_nothing(
    service: FakeCscService, tmp_path: Path
) -> None:
    inputs = [one_page_pdf(tmp_path / f"in{i}.pdf") for i in range(2)]
    out = tmp_path / "out"
    with RemoteSigner(choice(service, "phone-no")) as signer:
        result = signer.sign_batch([(p, out / p.name) for p in inputs])
    assert result.stopped_by is not None and result.stopped_by.code == "sign.remote_rejected"
    assert result.remaining == inputs
    assert not out.exists() or list(out.iterdir()) == []


def test_an_unconfirmed_request_times_out_as_an_external_part(
    service: FakeCscService, tmp_path: Path
) -> None:
    source = one_page_pdf(tmp_path / "in.pdf")
    with (
        pytest.raises(ExternalPartError) as caught,
        RemoteSigner(choice(service, "phone-slow", confirm_timeout=0.05)) as signer,
    ):
        signer.sign(source, tmp_path / "out.pdf")
    assert caught.value.code == "sign.remote_timeout"
    assert not (tmp_path / "out.pdf").exists()


def test_cancelling_the_wait_cancels_the_batch_silently(
    service: FakeCscService, tmp_path: Path
) -> None:
    inputs = [one_page_pdf(tmp_path / f"in{i}.pdf") for i in range(2)]
    cancel = threading.Event()
    with RemoteSigner(choice(service, "phone-slow", confirm_timeout=60), cancel=cancel) as signer:
        threading.Timer(0.05, cancel.set).start()
        result = signer.sign_batch([(p, tmp_path / "out" / p.name) for p in inputs])
    assert result.cancelled and result.stopped_by is None
    assert result.remaining == inputs


def test_a_credential_with_a_pin_needs_the_right_pin(
    service: FakeCscService, tmp_path: Path
) -> None:
    source = one_page_pdf(tmp_path / "in.pdf")
    with pytest.raises(BadInput) as missing, RemoteSigner(choice(service, "with-pin")):
        pass
    assert missing.value.code == "sign.pin_missing"
    with (
        pytest.raises(BadInput) as wrong,
        RemoteSigner(choice(service, "with-pin"), pin="0000") as signer,
    ):
        signer.sign(source, tmp_path / "out.pdf")
    assert wrong.value.code == "sign.pin_wrong"
    with RemoteSigner(choice(service, "with-pin"), pin="1357") as signer:
        signer.sign(source, tmp_path / "out.pdf")


def test_a_wrong_access_token_or_credential_is_bad_input(service: FakeCscService) -> None:
    with (
        pytest.raises(BadInput) as caught,
        RemoteSigner(RemoteChoice(service.url, "phone-ok", "x")),
    ):
        pass
    assert caught.value.code == "sign.remote_unauthorised"
    with pytest.raises(BadInput) as unknown, RemoteSigner(choice(service, "nobody")):
        pass
    assert unknown.value.code == "sign.remote_credential_unknown"


def test_an_unreachable_service_is_an_external_part() -> None:
    with (
        pytest.raises(ExternalPartError) as caught,
        RemoteSigner(RemoteChoice("http://127.0.0.1:9/csc/v1", "x", ACCESS, request_timeout=2)),
    ):
        pass
    assert caught.value.code == "sign.remote_unreachable"


def test_sign_command_signs_remotely_with_the_access_token_from_the_environment(
    token: SoftHsmToken,
    service: FakeCscService,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from workstation.cli import main

    source = one_page_pdf(tmp_path / "in.pdf")
    monkeypatch.setenv("WORKSTATION_CSC_TOKEN", ACCESS)
    argv = ["sign", str(source), "-o", str(tmp_path / "out"), "--remote", service.url]
    code = main([*argv, "--credential", "phone-ok", "--json"])
    out = capsys.readouterr().out
    assert code == 0, out
    (report,) = verify_pdf(tmp_path / "out" / "in.pdf", [token.ca_file])
    assert report.intact and report.trusted
    monkeypatch.setenv("WORKSTATION_CSC_TOKEN", "wrong")
    assert main([*argv, "--credential", "phone-ok"]) == 3
    assert "access token" in capsys.readouterr().err


def test_a_scal_1_credential_is_confirmed_once_for_as_many_files_as_it_allows(
    token: SoftHsmToken, service: FakeCscService, tmp_path: Path
) -> None:
    inputs = [one_page_pdf(tmp_path / f"in{i}.pdf") for i in range(3)]
    out = tmp_path / "out"
    before = service.calls.count("credentials/authorize")
    with RemoteSigner(choice(service, "batch")) as signer:
        result = signer.sign_batch([(p, out / p.name) for p in inputs])
    assert len(result.signed) == 3 and result.stopped_by is None
    # one confirmation (a pending poll, then yes) for two files, one more for the third
    assert service.calls.count("credentials/authorize") - before == 4
    for p in inputs:
        (report,) = verify_pdf(out / p.name, [token.ca_file])
        assert report.intact and report.trusted
