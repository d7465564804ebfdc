"""The window's housekeeping schedule runs the retention purge with the settings' periods."""

from __future__ import annotations

import dataclasses
import os
import time

from workstation.ui.housekeeping import Housekeeping

MONTH = 30 * 24 * 3600


def test_each_turn_runs_the_retention_purge_with_the_settings_periods(qtbot, services) -> None:
    stale = services.folders.data / "capture" / "into-abandoned"
    stale.mkdir(parents=True)
    (stale / "page-1.png").write_bytes(b"a page scanned into a dossier never saved")
    then = time.time() - MONTH
    for path in (stale / "page-1.png", stale):
        os.utime(path, (then, then))
    settings = dataclasses.replace(services.settings, retention_scans_days=7)
    housekeeping = Housekeeping(dataclasses.replace(services, settings=settings))

    purges = []
    housekeeping.purged.connect(purges.append)
    with qtbot.waitSignals([housekeeping.purged, housekeeping.cleaned, housekeeping.head_queued]):
        housekeeping.timer.timeout.emit()  # what the schedule does every turn

    assert [p.folders["capture"] for p in purges] == [1]
    assert not stale.exists()


def test_with_every_period_at_zero_the_purge_keeps_everything(qtbot, services) -> None:
    stale = services.folders.data / "capture" / "into-abandoned"
    stale.mkdir(parents=True)
    then = time.time() - MONTH
    os.utime(stale, (then, then))
    housekeeping = Housekeeping(services)  # the defaults: 0, kept until deleted by hand
    with qtbot.waitSignal(housekeeping.purged) as blocker:
        housekeeping.apply_retention_now()
    assert not blocker.args[0].anything
    assert stale.exists()
