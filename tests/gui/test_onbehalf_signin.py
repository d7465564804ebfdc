"""The officer picks how the citizen signs in (VNeID level 2 or the national portal's
account), by keyboard; the demo provider's ways say demo; the proof records the one used."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from tests.fakes.printer import FakePrinter
from tests.integration.onbehalf_helpers import OWNER_ID, received
from workstation.onbehalf.identity import AccountKind
from workstation.services import Services
from workstation.store.outbox import pending
from workstation.ui.intake.intake_view import IntakeView


@pytest.fixture
def view(qtbot, services: Services) -> IntakeView:
    view = IntakeView(services)
    view.printer = FakePrinter()
    qtbot.addWidget(view)
    view.resize(1400, 950)
    view.show()
    qtbot.waitExposed(view)
    view.activateWindow()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is view.search.edit)
    return view


def test_both_ways_of_signing_in_are_offered_and_marked_demo(view: IntakeView) -> None:
    box = view.onbehalf.signin_box
    offered = [(box.itemData(i), box.itemText(i)) for i in range(box.count())]
    assert [kind for kind, _ in offered] == [AccountKind.VNEID_LEVEL2, AccountKind.PORTAL]
    assert offered[0][1].startswith("Tài khoản định danh điện tử VNeID mức 2")
    assert offered[1][1].startswith("Tài khoản Cổng Dịch vụ công quốc gia")
    assert all("bản demo" in text for _, text in offered)
    assert not box.isEnabled()  # nothing to confirm before a dossier is received


@pytest.mark.parametrize(
    ("downs", "kind", "shown"),
    [
        (0, "vneid_level2", "VNeID mức 2"),
        (1, "portal", "Cổng Dịch vụ công quốc gia"),
    ],
)
def test_the_citizen_confirms_by_the_way_picked_and_the_proof_says_which(
    qtbot, services: Services, view: IntakeView, sample_page: Path, downs, kind, shown
) -> None:
    panel = view.onbehalf
    dossier = received(services, sample_page)
    panel.dossier_received(dossier.id)
    qtbot.waitUntil(lambda: panel.dossier is not None)
    assert panel.signin_box.isEnabled()
    panel.signin_box.setFocus()
    for _ in range(downs):
        qtbot.keyClick(panel.signin_box, Qt.Key.Key_Down)
    with qtbot.waitSignal(panel.submitted, timeout=20_000):
        qtbot.keyClick(panel.signin_box, Qt.Key.Key_F6)
    with services.database.reading() as session:
        proof = pending(session)[-1].payload["proof"]
    assert proof["account"] == {"id_number": OWNER_ID, "kind": kind}
    assert proof["method"] == "demo" and proof["provider"] == "demo"
    assert shown in panel.proof_label.text() and "bản demo" in panel.proof_label.text()
    assert not panel.signin_box.isEnabled()  # confirmed: nothing more to pick
