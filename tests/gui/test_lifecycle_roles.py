"""The Dossiers section's life-cycle steps are counter work: for a records clerk they are
disabled with a tooltip naming the counter officer's role (the register, a printout, stays),
their shortcuts open nothing, and a step that gets through anyway is refused by the core gate,
recorded, and leaves the dossier as it was."""

from __future__ import annotations

from datetime import timedelta
from functools import partial

import pytest
from PySide6.QtCore import Qt

from tests.fakes.printer import FakePrinter
from workstation import lifecycle
from workstation.domain import Applicant, DossierStatus, clock
from workstation.i18n import tr
from workstation.intake.receive import CodeIssuer, NewDossier, receive_dossier
from workstation.officers import Gate, Role, SignedIn
from workstation.onbehalf.officer import OfficerSource
from workstation.store import audit
from workstation.store.dossiers import get_dossier
from workstation.ui.errors import ErrorDialog

pytestmark = pytest.mark.gui

CLERK = SignedIn("vanthu", OfficerSource.CENTRAL_SIGN_IN, frozenset({Role.RECORDS_CLERK}))
COUNTER = SignedIn("canbo1", OfficerSource.CENTRAL_SIGN_IN, frozenset({Role.COUNTER_OFFICER}))


@pytest.fixture
def shown(qtbot, services, sample_page, section):
    """A received dossier selected in the section, its detail loaded; the records clerk is
    the officer the core gate sees acting."""
    dossier = receive_dossier(
        services.database,
        services.blobs,
        services.catalogue,
        NewDossier(
            procedure_code="1.001193",
            applicant=Applicant(name="Nguyễn Thị Hồng Nhung"),
            files=[sample_page],
            received_at=clock.now() - timedelta(minutes=30),
        ),
        issuer=CodeIssuer.from_settings(services.settings),
    )
    services.gate = Gate(services.database, lambda: CLERK)
    section.lifecycle.printer = FakePrinter()
    with qtbot.waitSignal(section.model.page_loaded):
        section.model.reload()
    with qtbot.waitSignal(section.detail.dossier_loaded):
        assert section.list_view.select_dossier(dossier.id)
    return dossier


def enabled_steps(section) -> set[str]:
    return {name for name, action in section.lifecycle.actions.items() if action.isEnabled()}


def test_a_records_clerk_sees_the_life_cycle_steps_disabled_naming_the_counter_officer(
    section, shown
) -> None:
    section.apply_officer(COUNTER)
    assert {"supplement", "refuse", "extend", "stop"} <= enabled_steps(section)
    section.apply_officer(CLERK)
    assert enabled_steps(section) == {"register"}
    tip = section.lifecycle.actions["refuse"].toolTip()
    assert tr("role.counter_officer") in tip
    assert not section.new_dossier_action.isEnabled()  # receiving is a counter officer's too
    section.apply_officer(COUNTER)  # the roles follow the officer acting now
    assert "refuse" in enabled_steps(section)


def test_the_refusal_shortcut_opens_nothing_for_a_records_clerk(qtbot, section, shown) -> None:
    section.apply_officer(CLERK)
    with qtbot.waitActive(section):
        section.activateWindow()
    section.list_view.table.setFocus()
    qtbot.keyClick(
        section.list_view.table,
        Qt.Key.Key_T,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    assert section.lifecycle.dialog is None


def test_a_step_that_gets_through_anyway_is_refused_recorded_and_changes_nothing(
    qtbot, services, section, shown
) -> None:
    with qtbot.waitSignal(section.lifecycle.step_failed, timeout=20_000) as failed:
        section.lifecycle._run(partial(lifecycle.refuse, reasons=["Không thuộc thẩm quyền"]))
    assert failed.args == ["role.required"]
    for dialog in section.window().findChildren(ErrorDialog):
        dialog.close()
    with services.database.reading() as session:
        assert get_dossier(session, shown.id).status == shown.status != DossierStatus.NOT_RECEIVED
        last = audit.list_entries(session)[-1]
    assert (last.action, last.officer, last.object_id) == ("action.refused", "vanthu", "lifecycle")
    assert last.dossier_id == shown.id
