"""Scanning an archive stack from a device into a batch folder: every page kept as it
arrives, numbered; a jam, an empty feeder or a killed process resumes after the last
kept page, none lost, none repeated."""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.fakes.paper_stack import FakePaperStack, write_stack
from tests.integration.test_cli import run
from workstation.archive import specimens
from workstation.archive.metadata import parse_record
from workstation.archive.scanrun import (
    FEEDER_EMPTY,
    ScanProgress,
    kept_pages,
    scan_batch,
    scan_progress,
    stack_size,
)
from workstation.errors import BadInput, ExternalPartError
from workstation.scan.devices.base import ScannedPage, ScanSettings, Source
from workstation.scan.devices.sane import SaneBackend, SaneDevice

ROOT = Path(__file__).resolve().parents[2]
FEEDER = ScanSettings(source=Source.ADF, dpi=50, page_size="a5")
GRID = ("--test-picture=Grid",)
JAM = ("--enable-test-options", "--read-return-value=SANE_STATUS_JAMMED")


class TestScanner(SaneDevice):
    """SANE's test scanner with options of its own (a picture, a jam)."""

    __test__ = False

    def __init__(self, extra: tuple[str, ...]) -> None:
        super().__init__(SaneBackend().open("sane:test:0").info)
        self.extra = extra

    def scan(self, settings, folder, cancelled=lambda: False) -> Iterator[ScannedPage]:  # type: ignore[no-untyped-def,override]
        return super().scan(settings, folder, cancelled, extra=self.extra)


def _hashes(paths: list[Path]) -> list[str]:
    return [hashlib.sha256(p.read_bytes()).hexdigest() for p in paths]


def test_each_page_is_kept_numbered_and_continuing_appends_after_the_last(
    sane_test_config: Path, tmp_path: Path
) -> None:
    batch = tmp_path / "batch"
    first = scan_batch(TestScanner(GRID), FEEDER, batch)
    assert (first.kept, first.added, first.stopped) == (10, 10, FEEDER_EMPTY)
    second = scan_batch(TestScanner(GRID), FEEDER, batch, resume=True)
    assert (second.kept, second.added, second.next_sheet) == (20, 10, 21)
    pages = kept_pages(batch)
    assert [p.name for p in pages] == [f"page-{n:05d}.png" for n in range(1, 21)]
    assert not (batch / ".scan" / "incoming").exists()


def test_a_jam_keeps_the_pages_and_continue_appends_after_the_last_kept(
    sane_test_config: Path, tmp_path: Path
) -> None:
    batch = tmp_path / "batch"
    scan_batch(TestScanner(GRID), FEEDER, batch, expected=25)
    jam = scan_batch(TestScanner(JAM), FEEDER, batch, resume=True)
    assert (jam.stopped, jam.kept, jam.added, jam.next_sheet) == ("device.jammed", 10, 0, 11)
    assert not jam.complete
    after = scan_batch(TestScanner(GRID), FEEDER, batch, resume=True)
    assert (after.kept, after.expected) == (20, 25)  # the size declared by the first run
    assert len(kept_pages(batch)) == 20


def test_a_jam_mid_stack_then_continue_holds_each_sheet_once_in_order(tmp_path: Path) -> None:
    stack = write_stack(tmp_path / "stack", 12)
    batch = tmp_path / "batch"
    jam = scan_batch(FakePaperStack(stack, jam_after=5), FEEDER, batch)
    assert (jam.stopped, jam.kept, jam.next_sheet) == ("device.jammed", 5, 6)
    done = scan_batch(FakePaperStack(stack, jam.next_sheet), FEEDER, batch, resume=True)
    assert (done.stopped, done.kept) == (FEEDER_EMPTY, 12)
    assert _hashes(kept_pages(batch)) == _hashes(stack)


def test_a_batch_with_pages_is_only_continued_when_asked(tmp_path: Path) -> None:
    stack = write_stack(tmp_path / "stack", 3)
    batch = tmp_path / "batch"
    scan_batch(FakePaperStack(stack), FEEDER, batch)
    with pytest.raises(BadInput) as caught:
        scan_batch(FakePaperStack(stack), FEEDER, batch)
    assert caught.value.code == "archive.scan_batch_exists"
    assert len(kept_pages(batch)) == 3


def test_a_gap_in_the_numbering_is_refused_not_numbered_around(tmp_path: Path) -> None:
    stack = write_stack(tmp_path / "stack", 4)
    batch = tmp_path / "batch"
    scan_batch(FakePaperStack(stack), FEEDER, batch)
    (batch / "page-00002.png").unlink()
    with pytest.raises(BadInput) as caught:
        scan_batch(FakePaperStack(stack, 5), FEEDER, batch, resume=True)
    assert caught.value.code == "archive.scan_batch_damaged"
    assert caught.value.params["page"] == 2


def test_progress_after_each_page_tells_time_left_only_from_a_declared_size(
    tmp_path: Path,
) -> None:
    stack = write_stack(tmp_path / "stack", 4)
    seen: list[ScanProgress] = []
    scan_batch(FakePaperStack(stack), FEEDER, tmp_path / "b", expected=10, progress=seen.append)
    assert [p.kept for p in seen] == [1, 2, 3, 4]
    assert all(p.expected == 10 and p.seconds_left is not None for p in seen)
    seen.clear()
    scan_batch(FakePaperStack(stack), FEEDER, tmp_path / "c", progress=seen.append)
    assert all(p.seconds_left is None for p in seen)  # no size declared: no guess


def test_time_left_is_the_pages_still_to_come_at_this_run_s_pace() -> None:
    progress = scan_progress(kept=14, this_run=4, elapsed_s=60, expected=20)
    assert (progress.pages_per_minute, progress.seconds_left) == (4.0, 90.0)
    assert scan_progress(kept=14, this_run=4, elapsed_s=60, expected=None).seconds_left is None


def test_the_stack_size_is_the_records_pages_plus_one_separator_sheet_each() -> None:
    base = {"fonds": "F1", "file_number": "1", "title": "T"}
    records = [parse_record({**base, "pages": n}, strict=False) for n in (4, 7)]
    assert stack_size(records) == 4 + 7 + 2
    assert stack_size([*records, parse_record(base, strict=False)]) is None


def _kept(batch: Path) -> int:
    try:
        return len(kept_pages(batch))
    except (OSError, BadInput):
        return 0


def _kill_when(process: subprocess.Popen[bytes], batch: Path, pages: int) -> None:
    try:
        deadline = time.monotonic() + 120
        while _kept(batch) < pages and process.poll() is None:
            assert time.monotonic() < deadline, "the scan never started"
            time.sleep(0.01)  # polling the batch folder, not timing the code
        os.killpg(process.pid, signal.SIGKILL)
    finally:
        process.wait(timeout=30)
    assert process.returncode == -signal.SIGKILL


@pytest.mark.skipif(os.name != "posix", reason="SIGKILL is POSIX")
def test_a_scan_killed_mid_stack_resumes_with_each_sheet_once_in_order(tmp_path: Path) -> None:
    stack = write_stack(tmp_path / "stack", 30)
    batch = tmp_path / "batch"
    command = [sys.executable, "-m", "tests.fakes.paper_stack", str(tmp_path / "stack")]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), str(ROOT)])}
    process = subprocess.Popen(
        [*command, str(batch), "1"], cwd=ROOT, env=env, start_new_session=True
    )
    _kill_when(process, batch, 4)
    kept = len(kept_pages(batch))
    assert 4 <= kept < len(stack), "the kill did not land mid-stack"
    # the clerk puts the stack back from the sheet after the last kept one
    subprocess.run([*command, str(batch), str(kept + 1), "0"], cwd=ROOT, env=env, check=True)
    assert _hashes(kept_pages(batch)) == _hashes(stack)


@pytest.mark.skipif(os.name != "posix", reason="SIGKILL is POSIX")
def test_archive_scan_killed_mid_feeder_resumes_numbering_after_the_last_kept_page(
    sane_test_config: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    conf = sane_test_config / "test.conf"
    slow = {"test-picture": '"Grid"', "read-delay": "true", "read-delay-duration": "100000"}
    lines = [ln for ln in conf.read_text().splitlines() if ln.split(" ")[0] not in slow]
    conf.write_text("\n".join([*lines, *(f"{k} {v}" for k, v in slow.items())]) + "\n")
    batch = tmp_path / "batch"
    args = ["archive", "scan", "--device", "sane:test:0", "--source", "adf", "--dpi", "50"]
    args += ["--page-size", "a5", "-o", str(batch), "--pages", "20", "--json"]
    process = subprocess.Popen(
        [sys.executable, "-m", "workstation", *args],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=dict(os.environ),
        start_new_session=True,  # scanimage dies with it
    )
    _kill_when(process, batch, 3)
    kept = len(kept_pages(batch))
    assert 3 <= kept < 10, "the kill did not land mid-feeder"
    code, out, _ = run(capsys, *args, "--resume")
    assert code == 0, out
    report = json.loads(out)
    assert (report["kept"], report["added"], report["expected"]) == (kept + 10, 10, 20)
    pages = kept_pages(batch)
    assert [p.name for p in pages] == [f"page-{n:05d}.png" for n in range(1, kept + 11)]
    assert len(set(_hashes(pages))) == 1  # every page the whole test picture, none cut short


def test_archive_scan_on_a_jam_exits_4_telling_the_sheet_to_continue_from(
    sane_test_config: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    conf = sane_test_config / "test.conf"
    conf.write_text(conf.read_text() + 'read-status-code "SANE_STATUS_JAMMED"\n')
    batch = tmp_path / "batch"
    code, out, _ = run(
        capsys, "archive", "scan", "--device", "sane:test:0", "--source", "adf", "--dpi", "50",
        "-o", str(batch),
    )  # fmt: skip
    assert code == 4
    assert "stopped: device.jammed" in out and "from sheet 1" in out


def test_archive_scan_takes_the_stack_size_from_the_records_file_and_names_the_next_sheet(
    sane_test_config: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    records = tmp_path / "records.json"
    listed = [specimens.record(1, 4).as_json(), specimens.record(2, 7).as_json()]
    records.write_text(json.dumps(listed, ensure_ascii=False), encoding="utf-8")
    batch = tmp_path / "batch"
    argv = ["archive", "scan", "--device", "sane:test:0", "--source", "adf", "--dpi", "50"]
    code, out, _ = run(capsys, *argv, "-o", str(batch), "--records", str(records))
    assert code == 0, out
    assert "10 pages kept" in out and "from sheet 11 and run again with --resume" in out
    code, out, _ = run(capsys, *argv, "-o", str(batch), "--resume", "--json")
    report = json.loads(out)
    assert (report["kept"], report["expected"], report["complete"]) == (20, 13, True)


def test_a_page_that_cannot_be_written_stops_the_run_keeping_the_pages_before_it(
    tmp_path: Path,
) -> None:
    stack = write_stack(tmp_path / "stack", 5)
    batch = tmp_path / "batch"
    scan_batch(FakePaperStack(stack, jam_after=2), FEEDER, batch)
    (batch / "page-00003.png").mkdir()  # in the way of the next page, as a full disk would be
    with pytest.raises(ExternalPartError) as caught:
        scan_batch(FakePaperStack(stack, 3), FEEDER, batch, resume=True)
    assert (caught.value.code, caught.value.params["page"]) == ("archive.scan_write_failed", 3)
    (batch / "page-00003.png").rmdir()
    assert _hashes(kept_pages(batch)) == _hashes(stack[:2])
