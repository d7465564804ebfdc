"""``workstation digitize`` end to end with the real Tesseract, Ghostscript and poppler.

Pages are small (A6 at 300 dpi) so the whole file runs in well under a minute.
"""

from __future__ import annotations

import json
import re
import shutil
import struct
import subprocess
import zlib
from functools import cache
from pathlib import Path

import pikepdf
import pikepdf.pdfa
import pytest
from PIL import Image

from workstation.cli import main
from workstation.errors import Cancelled
from workstation.scan import specimens
from workstation.scan.ocr import recognise, recognise_pages
from workstation.scan.pdf import DocumentInfo
from workstation.scan.pipeline import DigitizeOptions, digitize

pytestmark = pytest.mark.integration

A6 = (105.0, 148.0)


@cache
def plain() -> specimens.Specimen:
    return specimens.text_page(11, size_mm=A6, margin_mm=10, lines=8, first_line=4)


@cache
def sealed() -> specimens.Specimen:
    page = specimens.text_page(12, size_mm=A6, margin_mm=10, lines=8)
    return specimens.add_seal(page, centre=(0.65, 0.8))


def save_png(page: specimens.Specimen, path: Path) -> Path:
    Image.fromarray(page.image).save(path, dpi=(page.dpi, page.dpi))
    return path


@pytest.fixture
def scans(tmp_path: Path) -> list[Path]:
    skewed = specimens.add_noise(specimens.skew(plain(), 2.0))
    return [
        save_png(skewed, tmp_path / "p1.png"),
        save_png(sealed(), tmp_path / "p2.png"),
    ]


@pytest.fixture(scope="module")
def digitized(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    """One digitised document shared by the checks on its PDF."""
    folder = tmp_path_factory.mktemp("digitized")
    skewed = specimens.add_noise(specimens.skew(plain(), 2.0))
    inputs = [save_png(skewed, folder / "p1.png"), save_png(sealed(), folder / "p2.png")]
    blank = specimens.text_page(13, size_mm=A6, lines=0)
    Image.fromarray(blank.image).save(folder / "p3.tif", dpi=(300, 300), compression="tiff_lzw")
    inputs.append(folder / "p3.tif")
    out = folder / "out.pdf"
    report = digitize(
        inputs,
        out,
        DigitizeOptions(colour="auto", jobs=2),
        DocumentInfo("Giấy đề nghị", dossier_code="000.00.01.H01-261203-0001", component="TP1"),
    )
    return out, report.as_json()


def test_the_output_passes_a_pdfa_2b_validator(digitized) -> None:  # type: ignore[no-untyped-def]
    out, _ = digitized
    report = pikepdf.pdfa.validate_written(out, "2b")
    assert report.verdict == "pass", [str(f) for f in report.findings]


def test_the_xmp_declares_pdfa_2b_and_the_document(digitized) -> None:  # type: ignore[no-untyped-def]
    out, _ = digitized
    with pikepdf.open(out) as pdf:
        meta = pdf.open_metadata()
        assert meta["pdfaid:part"] == "2"
        assert meta["pdfaid:conformance"] == "B"
        assert meta["dc:title"] == "Giấy đề nghị"
        assert "000.00.01.H01-261203-0001" in meta["dc:description"]
        assert "component TP1" in meta["dc:description"]
        assert "3 pages" in meta["dc:description"]


def test_the_output_intent_is_srgb(digitized) -> None:  # type: ignore[no-untyped-def]
    out, _ = digitized
    with pikepdf.open(out) as pdf:
        (intent,) = pdf.Root.OutputIntents
        assert intent.S == "/GTS_PDFA1"
        profile = intent.DestOutputProfile
        assert int(profile.N) == 3
        icc = profile.read_bytes()
        assert icc[12:20] == b"mntrRGB "  # a display profile of RGB colour
        assert b"s\x00R\x00G\x00B" in icc or b"sRGB" in icc


def test_every_font_is_embedded_and_nothing_is_encrypted(digitized) -> None:  # type: ignore[no-untyped-def]
    out, _ = digitized
    listing = subprocess.run(
        ["pdffonts", str(out)], capture_output=True, text=True, check=True
    ).stdout.splitlines()[2:]
    assert listing, "the text layer has a font"
    assert all(line.split()[-5] == "yes" for line in listing), listing
    with pikepdf.open(out) as pdf:
        assert not pdf.is_encrypted
        assert "/Encrypt" not in pdf.trailer


def test_one_page_per_image_in_order(digitized) -> None:  # type: ignore[no-untyped-def]
    out, report = digitized
    with pikepdf.open(out) as pdf:
        assert len(pdf.pages) == 3
    assert [p["index"] for p in report["pages"]] == [0, 1, 2]
    assert report["bytes"] == out.stat().st_size


def test_the_text_layer_holds_vietnamese_words_with_their_diacritics(digitized) -> None:  # type: ignore[no-untyped-def]
    out, _ = digitized
    text = subprocess.run(
        ["pdftotext", "-layout", str(out), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "Nguyễn Thị Hồng Nhung" in text  # the first line of the skewed, noisy page
    words = set(text.split())
    assert {"đăng", "hộ", "kinh"} <= words or {"đồng", "trăm"} <= words


def test_the_invisible_words_lie_over_the_printed_ones(digitized) -> None:  # type: ignore[no-untyped-def]
    out, _ = digitized
    html = subprocess.run(
        ["pdftotext", "-bbox", "-f", "2", "-l", "2", str(out), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    first = re.search(r'xMin="([\d.]+)" yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)"', html)
    assert first, html[:500]
    x_min, y_min, y_max = (float(v) for v in first.groups())
    margin_pt = 10 / 25.4 * 72  # the specimen's first line starts 10 mm from the corner
    line_pt = 12 * 1.3  # 12-point text: its tallest letters span about 1.3 × 12 pt
    assert abs(x_min - margin_pt) < 4
    assert margin_pt - 4 < y_min < margin_pt + line_pt
    assert 8 < y_max - y_min < 2 * line_pt


def test_ghostscript_reads_the_output_without_complaint(digitized) -> None:  # type: ignore[no-untyped-def]
    out, _ = digitized
    done = subprocess.run(
        ["gs", "-q", "-dNOPAUSE", "-dBATCH", "-dSAFER", "-sDEVICE=nullpage", str(out)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0
    assert "rror" not in done.stdout + done.stderr


def test_auto_keeps_the_sealed_page_in_colour_and_reduces_the_others(digitized) -> None:  # type: ignore[no-untyped-def]
    out, report = digitized
    pages = report["pages"]
    assert [p["colour"] for p in pages] == ["bw", "colour", "bw"]
    assert pages[1]["colour_content"] == ["seal"]
    assert pages[2]["blank"] and pages[2]["warnings"] == ["blank"]
    assert pages[0]["skew_deg"] == pytest.approx(2.0, abs=0.15)
    with pikepdf.open(out) as pdf:
        first = [x for _, x in sorted(pdf.pages[0].Resources.XObject.items())]
        second = [x for _, x in sorted(pdf.pages[1].Resources.XObject.items())]
        assert [i.Filter for i in first] == ["/CCITTFaxDecode"]
        # Mixed raster content: a JPEG background under a G4 text mask.
        assert [i.Filter for i in second] == ["/DCTDecode", "/CCITTFaxDecode"]
        assert second[1].get("/ImageMask") is True


def test_auto_keeps_pages_written_on_in_black_ink_in_colour_and_says_why(capsys, tmp_path) -> None:  # type: ignore[no-untyped-def]
    typed = specimens.text_page(14, size_mm=A6, margin_mm=10, lines=6)
    inputs = [
        save_png(typed, tmp_path / "typed.png"),
        save_png(specimens.add_pen_signature(typed, at=(0.25, 0.8)), tmp_path / "signed.png"),
        save_png(specimens.add_handwritten_notes(typed, at=(0.1, 0.75)), tmp_path / "notes.png"),
    ]
    out = tmp_path / "auto.pdf"
    argv = ["digitize", *map(str, inputs), "-o", str(out), "--colour", "auto", "--json"]
    code = main([*argv, "--no-ocr"])
    pages = json.loads(capsys.readouterr().out)["pages"]
    assert code == 0
    assert [p["colour"] for p in pages] == ["bw", "colour", "colour"]
    assert [p["colour_content"] for p in pages] == [[], ["handwriting"], ["handwriting"]]


def test_the_json_report_has_every_field_of_a_page(capsys, scans, tmp_path) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "cli.pdf"
    code = main(["digitize", *map(str, scans), "-o", str(out), "--jobs", "2", "--json"])
    printed, _ = capsys.readouterr()
    assert code == 0
    report = json.loads(printed)
    assert report["output"] == str(out) and report["bytes"] == out.stat().st_size
    page = report["pages"][0]
    for key in (
        "index",
        "skew_deg",
        "rotation",
        "blank",
        "colour",
        "warnings",
        "ocr_confidence",
        "ms",
    ):
        assert key in page
    assert page["colour"] == "colour"  # components are colour by policy
    assert page["ocr_confidence"] > 60
    assert {"load", "clean", "ocr", "encode"} <= set(page["ms"])


def test_a_pdf_of_bare_scans_is_taken_as_page_images(capsys, tmp_path) -> None:  # type: ignore[no-untyped-def]
    scan = tmp_path / "scan.pdf"
    Image.fromarray(plain().image).save(scan, resolution=300)
    out = tmp_path / "out.pdf"
    code = main(["digitize", str(scan), "-o", str(out), "--colour", "auto", "--json"])
    printed, _ = capsys.readouterr()
    assert code == 0
    assert len(json.loads(printed)["pages"]) == 1
    text = subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True).stdout
    assert "Nguyễn" in text


def _truncated_png(tmp_path: Path) -> Path:
    whole = save_png(plain(), tmp_path / "whole.png").read_bytes()
    (tmp_path / "cut.png").write_bytes(whole[: len(whole) // 2])
    return tmp_path / "cut.png"


def _encrypted_pdf(tmp_path: Path) -> Path:
    Image.fromarray(plain().image).save(tmp_path / "plain.pdf", resolution=300)
    with pikepdf.open(tmp_path / "plain.pdf") as pdf:
        pdf.save(tmp_path / "locked.pdf", encryption=pikepdf.Encryption(owner="o", user="u"))
    return tmp_path / "locked.pdf"


def _corrupt_pdf(tmp_path: Path) -> Path:
    (tmp_path / "bad.pdf").write_bytes(b"%PDF-1.7\n1 0 obj << /Type /Catalog >>\ngarbage")
    return tmp_path / "bad.pdf"


def _bomb_png(tmp_path: Path) -> Path:
    """A PNG whose header promises 40 000 × 40 000 pixels (1.6 Gpx) over a few bytes."""
    header = struct.pack(">IIBBBBB", 40_000, 40_000, 8, 2, 0, 0, 0)
    chunk = b"IHDR" + header
    ihdr = struct.pack(">I", len(header)) + chunk + struct.pack(">I", zlib.crc32(chunk))
    end = struct.pack(">I", 0) + b"IEND" + struct.pack(">I", zlib.crc32(b"IEND"))
    (tmp_path / "bomb.png").write_bytes(b"\x89PNG\r\n\x1a\n" + ihdr + end)
    return tmp_path / "bomb.png"


@pytest.mark.parametrize(
    ("make", "code"),
    [
        (_truncated_png, "capture.damaged"),
        (_encrypted_pdf, "capture.encrypted_pdf"),
        (_corrupt_pdf, "capture.damaged"),
        (_bomb_png, "capture.page_too_large"),
    ],
)
def test_bad_input_exits_3_and_leaves_nothing_at_the_output(
    capsys, scans, tmp_path, make, code
) -> None:  # type: ignore[no-untyped-def]
    bad = make(tmp_path)
    out = tmp_path / "out" / "doc.pdf"
    exit_code = main(["digitize", str(scans[0]), str(bad), "-o", str(out), "--json"])
    printed, _ = capsys.readouterr()
    assert exit_code == 3
    assert json.loads(printed)["error"]["code"] == code
    assert not out.exists()
    assert not out.parent.exists() or not list(out.parent.iterdir())


def test_cancelling_between_pages_stops_without_writing(scans, tmp_path) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "out.pdf"
    seen: list[tuple[int, int]] = []
    with pytest.raises(Cancelled):
        digitize(
            scans * 3,
            out,
            DigitizeOptions(jobs=1, ocr=False),
            DocumentInfo("x"),
            cancelled=lambda: bool(seen),
            progress=lambda done, total: seen.append((done, total)),
        )
    assert seen[0] == (1, 6)
    assert len(seen) < 6
    assert not out.exists()


def test_pages_recognised_in_the_pool_come_back_in_order_with_progress() -> None:
    small = specimens.text_page(21, size_mm=(100.0, 40.0), margin_mm=8, lines=2, first_line=4)
    blank = specimens.text_page(22, size_mm=(100.0, 40.0), lines=0)
    seen: list[int] = []
    results = recognise_pages(
        [(small.image, 300), (blank.image, 300), (small.image, 300)],
        jobs=2,
        progress=lambda done, _result: seen.append(done),
    )
    assert seen == [1, 2, 3]
    assert "Nguyễn" in results[0].text and "Nguyễn" in results[2].text
    assert results[1].words == []


def test_a_page_over_its_time_limit_is_given_up_with_a_warning() -> None:
    result = recognise(plain().image, 300, timeout_s=0.01)
    assert result.words == []
    assert result.warnings == ["ocr_timeout"]


def test_tesseract_knows_vietnamese() -> None:
    assert shutil.which("tesseract")
    listed = subprocess.run(["tesseract", "--list-langs"], capture_output=True, text=True).stdout
    assert "vie" in listed.split()
