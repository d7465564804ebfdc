"""The pipeline takes pages as a device delivers them, not once the batch has ended."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from workstation.errors import BadInput
from workstation.scan.devices.base import ScanSettings, Source
from workstation.scan.devices.demo import DemoFeeder
from workstation.scan.pdf import DocumentInfo
from workstation.scan.pipeline import DigitizeOptions, digitize_arriving

OPTIONS = DigitizeOptions(jobs=1, ocr=False)


def test_pages_of_a_feeder_batch_become_one_pdf(tmp_path: Path) -> None:
    feeder = DemoFeeder(sheets=2).scan(ScanSettings(source=Source.ADF), tmp_path / "batch")
    report = digitize_arriving(
        (page.path for page in feeder), tmp_path / "out.pdf", OPTIONS, DocumentInfo(title="t")
    )
    assert [p.index for p in report.pages] == [0, 1]
    assert (tmp_path / "out.pdf").is_file()


def test_each_page_is_checked_as_it_arrives_before_the_device_is_asked_for_more(
    tmp_path: Path,
) -> None:
    bad = tmp_path / "bad.png"
    bad.write_bytes(b"\x89PNG\r\n\x1a\n truncated")
    asked = []

    def device() -> Iterator[Path]:
        yield from (p.path for p in DemoFeeder(sheets=1).scan(ScanSettings(), tmp_path / "b"))
        yield bad
        asked.append("third")
        yield bad

    with pytest.raises(BadInput):
        digitize_arriving(device(), tmp_path / "out.pdf", OPTIONS, DocumentInfo(title="t"))
    assert asked == []
    assert not (tmp_path / "out.pdf").exists()


def test_a_device_that_gives_nothing_writes_nothing(tmp_path: Path) -> None:
    with pytest.raises(BadInput) as caught:
        digitize_arriving(iter(()), tmp_path / "out.pdf", OPTIONS, DocumentInfo(title="t"))
    assert caught.value.code == "capture.no_pages"
    assert not (tmp_path / "out.pdf").exists()
