"""The checklist offers what the citizen's store of digitised documents holds (the
reference central server on loopback) and Ctrl+R attaches it without scanning."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from tests.integration.sync.conftest import PASSWORD, start_server
from workstation.domain import Applicant, clock
from workstation.intake.receive import ChecklistRequest, ComponentReceipt, receive_dossier
from workstation.reuse import ReuseLookup
from workstation.sync.client import HttpCentralClient
from workstation.sync.sender import Sender
from workstation.ui.intake.checklist import ChecklistPanel

pytestmark = pytest.mark.gui

ID_NUMBER = "001185012345"


def _client(url: str) -> HttpCentralClient:
    client = HttpCentralClient(url)
    client.login("canbo1", PASSWORD)
    return client


@pytest.fixture
def central(tmp_path: Path) -> Iterator[str]:
    """The reference server holding one earlier dossier of the citizen, with its proof of
    residence."""
    server = start_server(tmp_path / "central")
    yield server.url
    server.stop()


@pytest.fixture
def earlier(central, services, sample_page, tmp_path) -> Path:
    proof = tmp_path / "hop-dong-thue-nha.png"
    shutil.copy(sample_page, proof)
    receive_dossier(
        services.database,
        services.blobs,
        services.catalogue,
        ChecklistRequest(
            procedure_code="1.004222",
            applicant=Applicant(name="Hoàng Văn Nam", id_number=ID_NUMBER),
            components=[
                ComponentReceipt("CT01", (sample_page,), 1),
                ComponentReceipt("CHO", (proof,), 1),
            ],
            received_at=clock.now() - timedelta(minutes=10),
        ),
    )
    client = _client(central)
    try:
        Sender(services.database, services.blobs, client).send_due()
    finally:
        client.close()
    return proof


def _panel(qtbot, services, reuse) -> ChecklistPanel:
    panel = ChecklistPanel(reuse=reuse)
    qtbot.addWidget(panel)
    panel.set_procedure(services.catalogue.get("1.004194", clock.now().date()))
    panel.show()
    return panel


def test_the_row_the_store_can_fill_says_so_and_ctrl_r_attaches_it_unscanned(
    qtbot, services, folders, central, earlier
):
    reuse = ReuseLookup(lambda: _client(central), folders.data / "reused")
    panel = _panel(qtbot, services, reuse)
    with qtbot.waitSignal(panel.reuse_looked_up, timeout=20_000):
        panel.look_up(ID_NUMBER, services.catalogue.get("1.004194", clock.now().date()))
    row = panel.row("CHO")
    assert "hop-dong-thue-nha.png" in row.message.text() and "Ctrl+R" in row.message.text()
    with qtbot.waitActive(panel):
        panel.activateWindow()
    row.pages_edit.setFocus()
    with qtbot.waitSignal(panel.reused, timeout=20_000) as attached:
        qtbot.keyClick(row.pages_edit, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)
    assert attached.args == ["CHO"]
    [path] = row.files
    assert path.read_bytes() == earlier.read_bytes()
    assert row.receipt().reused
    assert not panel.row("CT01").receipt().reused


def test_offline_the_checklist_says_it_cannot_look_up(qtbot, services, folders):
    reuse = ReuseLookup(
        lambda: HttpCentralClient("http://127.0.0.1:9", refresh_token="x", timeout=2),
        folders.data / "reused",
    )
    panel = _panel(qtbot, services, reuse)
    with qtbot.waitSignal(panel.reuse_looked_up, timeout=20_000):
        panel.look_up(ID_NUMBER, services.catalogue.get("1.004194", clock.now().date()))
    assert panel.reuse_label.isVisible()
    assert "Không tra cứu được kho dữ liệu số hóa" in panel.reuse_label.text()
    assert all(not r.reusable for r in panel.rows)


def test_without_a_central_system_the_checklist_says_there_is_nothing_to_ask(qtbot, services):
    panel = _panel(qtbot, services, None)
    with qtbot.waitSignal(panel.reuse_looked_up):
        panel.look_up(ID_NUMBER, services.catalogue.get("1.004194", clock.now().date()))
    assert "Chưa cấu hình hệ thống trung tâm" in panel.reuse_label.text()
