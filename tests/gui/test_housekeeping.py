"""The window clears unreferenced blobs on a schedule, not only at start."""

from __future__ import annotations

import dataclasses
import os
import time

from tests.fakes.store import UnreliableDatabase
from workstation.ui.errors import reporter
from workstation.ui.housekeeping import Housekeeping
from workstation.ui.main_window import MainWindow

HOUR_AND_A_BIT = 3_700


def _age(path, seconds: int) -> None:
    then = time.time() - seconds
    os.utime(path, (then, then))


def test_a_blob_left_by_an_abandoned_receive_is_removed_while_the_window_is_open(
    qtbot, services, receive, sample_page
) -> None:
    kept = receive("Nguyễn Văn An").components[0].documents[0].sha256
    orphan = services.blobs.put(b"%PDF-1.4 a citizen's scan nobody saved")
    for digest in (kept, orphan):
        _age(services.blobs._path(digest), HOUR_AND_A_BIT)
    housekeeping = Housekeeping(services)
    with qtbot.waitSignal(housekeeping.cleaned) as blocker:
        housekeeping.clean_up_now()
    assert blocker.args[0].blobs == 1
    assert not services.blobs.exists(orphan)
    assert services.blobs.exists(kept)


def test_a_blob_just_stored_for_a_dossier_being_typed_stays(qtbot, services) -> None:
    fresh = services.blobs.put(b"stored a minute ago, the officer is still typing")
    housekeeping = Housekeeping(services)
    with qtbot.waitSignal(housekeeping.cleaned) as blocker:
        housekeeping.clean_up_now()
    assert blocker.args[0].blobs == 0
    assert services.blobs.exists(fresh)


def test_the_window_runs_housekeeping_on_a_timer_and_stops_it_on_close(qtbot, services) -> None:
    window = MainWindow(services)
    qtbot.addWidget(window)
    assert window.housekeeping.timer.isActive()
    assert window.housekeeping.timer.interval() >= 60_000
    window.close()
    assert not window.housekeeping.timer.isActive()


def test_a_failed_clean_up_keeps_every_file_and_never_interrupts_the_officer(
    qtbot, services
) -> None:
    orphan = services.blobs.put(b"%PDF-1.4 a scan whose dossier the store cannot confirm")
    _age(services.blobs._path(orphan), HOUR_AND_A_BIT)
    database = UnreliableDatabase(services.database)
    database.refuse()
    housekeeping = Housekeeping(dataclasses.replace(services, database=database))
    with (
        qtbot.assertNotEmitted(reporter().error_shown),
        qtbot.waitSignal(housekeeping.failed) as blocker,
    ):
        housekeeping.clean_up_now()
    assert blocker.args == ["store.database_refused"]
    assert services.blobs.exists(orphan)


def test_the_plain_working_folder_is_emptied_at_start_every_hour_and_at_exit(
    qtbot, services
) -> None:
    from workstation.store import sealed_files

    data = services.folders.data
    left_by_a_crash = sealed_files.plain_copy(data, b"%PDF-1.4 a record left open")
    window = MainWindow(services)
    qtbot.addWidget(window)
    assert not left_by_a_crash.exists()  # emptied when the window starts
    old = sealed_files.plain_copy(data, b"%PDF-1.4 opened this morning")
    _age(old, HOUR_AND_A_BIT)
    in_use = sealed_files.plain_copy(data, b"%PDF-1.4 open in the viewer now")
    with qtbot.waitSignal(window.housekeeping.cleaned):
        window.housekeeping.clean_up_now()
    assert not old.exists() and in_use.exists()
    window.close()
    assert not in_use.exists()  # and when it closes


def test_pages_of_a_capture_left_behind_are_removed_when_the_window_starts(qtbot, services) -> None:
    capture = services.folders.data / "capture"
    left = capture / "batch-left-by-a-crash"
    left.mkdir(parents=True)
    (left / "page-0001.png").write_bytes(b"\x89PNG a citizen's page")
    _age(left / "page-0001.png", HOUR_AND_A_BIT)
    running = capture / "batch-being-scanned"
    running.mkdir()
    (running / "page-0001.png").write_bytes(b"\x89PNG arriving now")
    window = MainWindow(services)
    qtbot.addWidget(window)
    assert not left.exists() and running.exists()
