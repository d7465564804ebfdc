"""A long archive split killed mid-batch (SIGKILL) resumes where it stopped: every
input page lands in exactly one place, none lost, none repeated."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pikepdf
import pytest

from workstation.archive import specimens
from workstation.archive.batch import split
from workstation.scan.pipeline import DigitizeOptions

pytestmark = [pytest.mark.integration]


def _page_lines(state: Path) -> list[int]:
    if not state.exists():
        return []
    pages = []
    for line in state.read_text(encoding="utf-8").splitlines():
        try:
            entry = json.loads(line)
        except ValueError:
            continue
        if "page" in entry:
            pages.append(entry["page"])
    return pages


@pytest.mark.skipif(os.name != "posix", reason="SIGKILL is POSIX")
def test_split_killed_mid_batch_resumes_without_losing_or_repeating_a_page(
    home: Path, tmp_path: Path
) -> None:
    stack = specimens.write_stack(tmp_path / "in", [4, 7, 3, 9, 5], lines=4)
    out = tmp_path / "out"
    state = out / ".batch" / "state.jsonl"
    command = [sys.executable, "-m", "workstation", "archive", "split", str(tmp_path / "in")]
    command += ["-o", str(out), "--no-ocr", "--jobs", "1", "--lang", "vie", "--json"]
    runner = subprocess.Popen(
        command,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env=dict(os.environ),
        start_new_session=True,  # its worker processes die with it
    )
    try:
        deadline = time.monotonic() + 60
        while len(_page_lines(state)) < 5 and runner.poll() is None:
            assert time.monotonic() < deadline, "the split never started"
            time.sleep(0.002)  # polling the state file, not timing the code
        os.killpg(runner.pid, signal.SIGKILL)
    finally:
        runner.wait(timeout=30)
    assert runner.returncode == -signal.SIGKILL
    done_before = len(set(_page_lines(state)))
    assert 5 <= done_before < len(stack.files), "the kill did not land mid-batch"
    assert not (out / "batch.json").exists()

    seen: list[int] = []
    report = split(
        stack.files, out, DigitizeOptions(jobs=1, ocr=False), progress=lambda p: seen.append(p.done)
    )
    assert report.resumed_pages == done_before
    assert seen[0] == done_before + 1 and seen[-1] == len(stack.files)
    lines = _page_lines(state)
    assert sorted(lines) == list(range(len(stack.files))), "a page was repeated or lost"
    assert [(r.first_page, r.last_page) for r in report.records] == stack.expected
    written = 0
    for record in report.records:
        with pikepdf.open(out / record.file) as pdf:
            assert len(pdf.pages) == record.last_page - record.first_page + 1
            written += len(pdf.pages)
    assert written + len(report.separators) == len(stack.files)
    assert not report.warnings
