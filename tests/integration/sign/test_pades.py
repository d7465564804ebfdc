"""PAdES signing on a real SoftHSM2 token, checked by poppler's pdfsig as well as our reading."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from workstation.errors import BadInput, ExternalPartError
from workstation.sign.pades import KeyChoice, TokenSigner

from .conftest import SoftHsmToken, one_page_pdf


def pdfsig(path: Path) -> str:
    return subprocess.run(["pdfsig", str(path)], capture_output=True, text=True, check=False).stdout


def key(token: SoftHsmToken, label: str = "signer") -> KeyChoice:
    return KeyChoice(token.module, token_label=token.label, key_label=label)


def test_signed_pdf_is_pades_and_valid_for_pdfsig(
    token: SoftHsmToken, pdf: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out" / "signed.pdf"
    with TokenSigner(key(token), token.pin) as signer:
        signed = signer.sign(pdf, out)
    report = pdfsig(out)
    assert "Signature is Valid" in report
    assert "ETSI.CAdES.detached" in report
    assert "Nguyễn Văn Ký" in report
    assert signed.field_name == "Signature1"
    assert signed.signing_time.endswith("+07:00")


def test_signing_appends_an_incremental_update_to_the_input(
    token: SoftHsmToken, pdf: Path, tmp_path: Path
) -> None:
    original = pdf.read_bytes()
    out = tmp_path / "signed.pdf"
    with TokenSigner(key(token), token.pin) as signer:
        signer.sign(pdf, out)
    assert out.read_bytes().startswith(original)
    assert pdf.read_bytes() == original


def test_a_second_signature_keeps_the_first_valid(
    token: SoftHsmToken, pdf: Path, tmp_path: Path
) -> None:
    with TokenSigner(key(token), token.pin) as signer:
        signer.sign(pdf, tmp_path / "one.pdf")
        second = signer.sign(tmp_path / "one.pdf", tmp_path / "two.pdf")
    report = pdfsig(tmp_path / "two.pdf")
    assert report.count("Signature is Valid") == 2
    assert second.field_name == "Signature2"


@pytest.mark.parametrize(
    ("label", "code"),
    [("expired", "sign.certificate_expired"), ("future", "sign.certificate_not_yet_valid")],
)
def test_certificate_outside_its_validity_is_refused_with_the_reason(
    token: SoftHsmToken, label: str, code: str
) -> None:
    with pytest.raises(BadInput) as caught, TokenSigner(key(token, label), token.pin):
        pass
    assert caught.value.code == code


def test_batch_logs_in_once_reports_progress_and_refuses_a_corrupt_file(
    token: SoftHsmToken, tmp_path: Path
) -> None:
    inputs = [one_page_pdf(tmp_path / f"in{i}.pdf") for i in range(3)]
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"%PDF-1.7\n" + b"\x00garbage" * 50)
    inputs.insert(1, broken)
    jobs = [(p, tmp_path / "out" / p.name) for p in inputs]
    seen: list[tuple[int, int]] = []
    with TokenSigner(key(token), token.pin) as signer:
        result = signer.sign_batch(jobs, progress=lambda done, total: seen.append((done, total)))
    assert [s.output.name for s in result.signed] == ["in0.pdf", "in1.pdf", "in2.pdf"]
    assert result.refused == [(broken, "sign.pdf_unreadable")]
    assert seen == [(1, 4), (2, 4), (3, 4), (4, 4)]
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["in0.pdf", "in1.pdf", "in2.pdf"]


def test_batch_cancelled_between_files_leaves_the_rest_unsigned(
    token: SoftHsmToken, tmp_path: Path
) -> None:
    inputs = [one_page_pdf(tmp_path / f"in{i}.pdf") for i in range(3)]
    jobs = [(p, tmp_path / "out" / p.name) for p in inputs]
    done: list[int] = []
    with TokenSigner(key(token), token.pin) as signer:
        result = signer.sign_batch(
            jobs, progress=lambda n, _: done.append(n), cancelled=lambda: len(done) >= 1
        )
    assert result.cancelled
    assert [s.output.name for s in result.signed] == ["in0.pdf"]
    assert result.remaining == inputs[1:]


def test_token_session_lost_mid_batch_stops_cleanly_and_finished_files_stay_valid(
    token: SoftHsmToken, tmp_path: Path
) -> None:
    inputs = [one_page_pdf(tmp_path / f"in{i}.pdf") for i in range(3)]
    out = tmp_path / "out"
    jobs = [(p, out / p.name) for p in inputs]
    with TokenSigner(key(token), token.pin) as signer:
        # Closing the session under the signer is what pulling the token out does to it.
        result = signer.sign_batch(jobs, progress=lambda n, _: signer.session.close())
    assert isinstance(result.stopped_by, ExternalPartError)
    assert result.stopped_by.code == "sign.token_failed"
    assert result.remaining == inputs[1:]
    assert sorted(p.name for p in out.iterdir()) == ["in0.pdf"]
    assert "Signature is Valid" in pdfsig(out / "in0.pdf")


def test_encrypted_pdf_is_refused_as_bad_input(
    token: SoftHsmToken, pdf: Path, tmp_path: Path
) -> None:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(pdf))
    writer.encrypt("secret", algorithm="AES-128")
    locked = tmp_path / "locked.pdf"
    with locked.open("wb") as f:
        writer.write(f)
    with TokenSigner(key(token), token.pin) as signer, pytest.raises(BadInput) as caught:
        signer.sign(locked, tmp_path / "out.pdf")
    assert caught.value.code == "sign.pdf_encrypted"
    assert not (tmp_path / "out.pdf").exists()
    assert list(tmp_path.glob(".*part")) == []


def test_with_a_time_stamp_authority_the_signature_is_pades_b_t(
    token: SoftHsmToken, pdf: Path, tmp_path: Path
) -> None:
    from workstation.sign.verify import verify_pdf

    from .tsa import loopback_tsa

    out = tmp_path / "bt.pdf"
    with loopback_tsa(token.authority) as url, TokenSigner(key(token), token.pin, tsa_url=url) as s:
        s.sign(pdf, out)
    assert "Signature is Valid" in pdfsig(out)
    (report,) = verify_pdf(out, [token.ca_file])
    assert report.timestamp
    assert report.intact and report.trusted


def test_an_unreachable_time_stamp_authority_fails_as_external_and_leaves_no_file(
    token: SoftHsmToken, pdf: Path, tmp_path: Path
) -> None:
    import socket

    with socket.socket() as free:
        free.bind(("127.0.0.1", 0))
        port = free.getsockname()[1]
    out = tmp_path / "bt.pdf"
    with (
        TokenSigner(key(token), token.pin, tsa_url=f"http://127.0.0.1:{port}/tsa") as s,
        pytest.raises(ExternalPartError) as caught,
    ):
        s.sign(pdf, out)
    assert caught.value.code == "sign.tsa_failed"
    assert [p.name for p in tmp_path.iterdir()] == ["in.pdf"]


def test_a_signed_file_never_replaces_its_input(token: SoftHsmToken, pdf: Path) -> None:
    original = pdf.read_bytes()
    with TokenSigner(key(token), token.pin) as signer, pytest.raises(BadInput) as caught:
        signer.sign(pdf, pdf)
    assert caught.value.code == "sign.output_is_input"
    assert pdf.read_bytes() == original


def test_truncated_or_garbled_pdfs_are_refused_as_bad_input_never_unexpected(
    token: SoftHsmToken, tmp_path: Path
) -> None:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    writer.add_blank_page(595, 842)
    whole = tmp_path / "whole.pdf"
    with whole.open("wb") as f:
        writer.write(f)
    data = whole.read_bytes()
    damaged = [data[:n] for n in (20, len(data) // 3, len(data) // 2, len(data) - 40)]
    damaged.append(data.replace(b"/Pages", b"/Pagez"))
    damaged.append(data.replace(b"/Type /Page\n", b"/Type /Garbage\n"))
    with TokenSigner(key(token), token.pin) as signer:
        for i, content in enumerate(damaged):
            source = tmp_path / f"damaged{i}.pdf"
            source.write_bytes(content)
            try:
                signer.sign(source, tmp_path / "out" / source.name)
            except BadInput as exc:
                assert exc.code == "sign.pdf_unreadable", (i, exc.code)
    leftovers = list((tmp_path / "out").glob(".*")) if (tmp_path / "out").exists() else []
    assert leftovers == []
