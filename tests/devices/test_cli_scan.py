"""``workstation devices`` and ``workstation scan``: from a device to a PDF, and into a dossier."""

from __future__ import annotations

import json
from pathlib import Path

import pypdf

from tests.devices.test_files_demo_profiles import _text_pdf
from tests.integration.test_cli import run
from workstation.paths import user_folders
from workstation.store.documents import page_captures
from workstation.store.outbox import pending


def test_devices_lists_every_device_with_the_id_scan_takes(capsys, sane_test_config) -> None:
    code, out, _ = run(capsys, "devices", "--json")
    assert code == 0
    ids = [d["id"] for d in json.loads(out)["devices"]]
    assert {"sane:test:0", "files", "demo"} <= set(ids)


def test_scan_from_the_demo_feeder_writes_the_pdf_with_digitize_s_report(
    capsys, tmp_path: Path
) -> None:
    code, out, _ = run(
        capsys, "scan", "--device", "demo", "--source", "flatbed", "-o", str(tmp_path), "--json"
    )
    assert code == 0
    report = json.loads(out)
    assert Path(report["output"]).parent == tmp_path and Path(report["output"]).is_file()
    page = report["pages"][0]
    assert {"index", "skew_deg", "blank", "colour", "warnings", "ocr_confidence", "ms"} <= set(page)
    assert page["ocr_confidence"] > 50 and page["warnings"] == []
    assert not list((user_folders().data / "capture").iterdir())  # batch folder cleared


def test_scan_a_feeder_batch_from_sane_s_test_scanner(
    capsys, sane_test_config, tmp_path: Path
) -> None:
    out_pdf = tmp_path / "lo.pdf"
    code, out, _ = run(
        capsys, "scan", "--device", "sane:test:0", "--source", "adf", "--dpi", "20",
        "--page-size", "a5", "--no-ocr", "-o", str(out_pdf), "--json",
    )  # fmt: skip
    assert code == 0, out
    assert len(json.loads(out)["pages"]) == 10 and out_pdf.is_file()


def test_a_scanner_that_is_not_there_exits_4_and_writes_no_pdf(
    capsys, sane_test_config, tmp_path: Path
) -> None:
    out_pdf = tmp_path / "x.pdf"
    code, out, _ = run(
        capsys, "scan", "--device", "sane:nosuch:0", "--no-ocr", "-o", str(out_pdf), "--json"
    )
    assert code == 4
    assert json.loads(out)["error"]["code"] == "device.gone"
    assert not out_pdf.exists()


def test_scan_into_a_dossier_component_stores_the_pdf_and_its_page_measurements(
    capsys, add_by_command, tmp_path: Path, services
) -> None:
    assert add_by_command("Trần Văn Bình") == 0
    capsys.readouterr()
    code, out, _ = run(
        capsys, "scan", "--device", "demo", "--source", "flatbed", "--no-ocr", "-o",
        str(tmp_path / "a.pdf"), "--dossier", "1", "--component", "1", "--json",
    )  # fmt: skip
    assert code == 0, out
    document_id = json.loads(out)["document_id"]
    with services.database.transaction() as session:
        captures = page_captures(session, document_id)
        kinds = [m.kind for m in pending(session)]
    assert [(c.dpi, c.colour) for c in captures] == [(200, "colour")]
    assert kinds == ["dossier.created", "document.added"]


def test_a_pdf_with_a_text_layer_is_kept_byte_for_byte(capsys, tmp_path: Path) -> None:
    source = tmp_path / "in.pdf"
    _text_pdf(source)
    out_pdf = tmp_path / "out.pdf"
    code, out, _ = run(
        capsys, "scan", "--device", "files", "--file", str(source), "-o", str(out_pdf), "--json"
    )
    assert code == 0, out
    assert json.loads(out)["kept"] is True
    assert out_pdf.read_bytes() == source.read_bytes()


def test_scan_from_an_escl_scanner_given_by_its_address(capsys, tmp_path: Path) -> None:
    from tests.devices.test_escl import PAGE
    from tests.fakes.escl_server import Behaviour, FakeEsclScanner

    with FakeEsclScanner([PAGE], Behaviour(adf_pages=2)) as scanner:
        code, out, _ = run(
            capsys, "scan", "--device", f"escl:{scanner.root}", "--source", "adf", "--dpi", "75",
            "--page-size", "a5", "--no-ocr", "-o", str(tmp_path / "e.pdf"), "--json",
        )  # fmt: skip
    assert code == 0, out
    report = json.loads(out)
    assert len(report["pages"]) == 2 and report["device"] == f"escl:{scanner.root}"


def test_a_scanner_that_vanishes_mid_batch_keeps_the_whole_pages_and_writes_no_pdf(
    capsys, tmp_path: Path
) -> None:
    from tests.devices.test_escl import PAGE
    from tests.fakes.escl_server import Behaviour, FakeEsclScanner

    out_pdf = tmp_path / "v.pdf"
    with FakeEsclScanner([PAGE], Behaviour(adf_pages=5, vanish_after=2)) as scanner:
        code, out, _ = run(
            capsys, "scan", "--device", f"escl:{scanner.root}", "--source", "adf", "--dpi", "75",
            "--page-size", "a5", "--no-ocr", "-o", str(out_pdf), "--json",
        )  # fmt: skip
    assert code == 4
    error = json.loads(out)["error"]
    assert error["code"] == "device.gone"
    assert not out_pdf.exists()
    batches = list((user_folders().data / "capture").iterdir())
    assert len(batches) == 1  # the batch is kept for the officer
    kept = sorted(p.name for p in batches[0].iterdir())
    assert kept == ["page-0001.png", "page-0002.png"]  # the half-sent third page is not there


def test_blank_backs_of_a_duplex_batch_are_flagged_for_review_not_dropped(
    capsys, tmp_path: Path
) -> None:
    from PIL import Image

    from tests.devices.test_escl import PAGE
    from tests.fakes.escl_server import Behaviour, FakeEsclScanner

    back = tmp_path / "back.png"
    Image.new("RGB", (620, 877), "white").save(back)
    out_pdf = tmp_path / "d.pdf"
    with FakeEsclScanner([PAGE, back], Behaviour(adf_pages=2)) as scanner:
        code, out, _ = run(
            capsys, "scan", "--device", f"escl:{scanner.root}", "--source", "adf-duplex",
            "--dpi", "200", "--page-size", "a5", "--no-ocr", "-o", str(out_pdf), "--json",
        )  # fmt: skip
    assert code == 0, out
    pages = json.loads(out)["pages"]
    assert [p["blank"] for p in pages] == [False, True, False, True]
    assert all("blank" in p["warnings"] for p in pages[1::2])
    assert len(pypdf.PdfReader(out_pdf).pages) == 4  # every side kept, in order
