"""The dossier list model: pages of 200 loaded in the background, search without diacritics."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from PySide6.QtCore import QModelIndex, Qt

from tests.fakes.store import UnreliableDatabase
from workstation.domain import Applicant, Dossier, clock, short_number
from workstation.errors import StoreError
from workstation.i18n import tr
from workstation.intake.receive import DOSSIER_CREATED, dossier_message
from workstation.store.dossiers import add_dossier
from workstation.store.outbox import enqueue
from workstation.ui import background
from workstation.ui.dossiers.dossier_list_model import (
    DOSSIER_ID_ROLE,
    PAGE_SIZE,
    Column,
    DossierListModel,
)
from workstation.ui.errors import reporter

pytestmark = pytest.mark.gui


def cell(model: DossierListModel, row: int, column: Column) -> str:
    return model.data(model.index(row, column))


def loaded_model(qtbot, services) -> DossierListModel:
    model = DossierListModel(services.database, services.catalogue)
    with qtbot.waitSignal(model.page_loaded):
        pass
    return model


def test_received_dossier_shows_in_the_list(qtbot, services, receive):
    dossier = receive("Nguyễn Thị Hồng Nhung")
    model = loaded_model(qtbot, services)
    assert model.rowCount() == 1
    assert model.total == 1
    assert model.data(model.index(0, 0), DOSSIER_ID_ROLE) == dossier.id
    assert cell(model, 0, Column.APPLICANT) == "Nguyễn Thị Hồng Nhung"
    assert cell(model, 0, Column.STATUS) == "Đã tiếp nhận"
    assert cell(model, 0, Column.PROCEDURE) == "1.001193"
    assert cell(model, 0, Column.CODE) == short_number(dossier)
    expected_time = clock.local(dossier.received_at).strftime("%d/%m/%Y %H:%M")
    assert cell(model, 0, Column.RECEIVED_AT) == expected_time
    assert re.fullmatch(r"\d\d/\d\d/\d{4} \d\d:\d\d", expected_time)
    assert model.headerData(Column.APPLICANT, Qt.Orientation.Horizontal) == "Người nộp"


def test_newest_dossier_comes_first(qtbot, services, receive):
    receive("Lê Văn Cũ", minutes_ago=30)
    receive("Phạm Thị Mới", minutes_ago=1)
    model = loaded_model(qtbot, services)
    assert [cell(model, r, Column.APPLICANT) for r in range(2)] == ["Phạm Thị Mới", "Lê Văn Cũ"]


def add_many(services, count: int) -> None:
    start = clock.now()
    with services.database.transaction() as session:
        for n in range(count):
            dossier = Dossier(
                procedure_code="1.001193",
                applicant=Applicant(name=f"Người nộp số {n:04d}"),
                received_at=start - timedelta(seconds=n),
            )
            add_dossier(session, dossier)
            enqueue(session, DOSSIER_CREATED, dossier.id, dossier_message(dossier))


def test_model_fetches_pages_of_200_until_the_store_is_exhausted(qtbot, services):
    add_many(services, 450)
    model = loaded_model(qtbot, services)
    assert PAGE_SIZE == 200
    assert model.rowCount() == 200
    assert model.total == 450
    rows = []
    while model.canFetchMore(QModelIndex()):
        with qtbot.waitSignal(model.page_loaded):
            model.fetchMore(QModelIndex())
        rows.append(model.rowCount())
    assert rows == [400, 450]
    names = [cell(model, r, Column.APPLICANT) for r in range(450)]
    assert names == [f"Người nộp số {n:04d}" for n in range(450)]  # no gap, no repeat


def test_fetch_more_while_a_page_is_loading_asks_once(qtbot, services):
    add_many(services, 450)
    model = loaded_model(qtbot, services)
    model.fetchMore(QModelIndex())
    assert model.loading and not model.canFetchMore(QModelIndex())
    model.fetchMore(QModelIndex())  # ignored: the page is on its way
    with qtbot.waitSignal(model.page_loaded):
        pass
    assert model.rowCount() == 400


@pytest.mark.parametrize(
    ("search", "expected"),
    [("nguyen", ["Nguyễn Văn An"]), ("duc", ["Trần Minh Đức"]), ("ĐỨC", ["Trần Minh Đức"])],
)
def test_search_ignores_diacritics_and_case(qtbot, services, receive, search, expected):
    for minutes, name in enumerate(["Nguyễn Văn An", "Trần Minh Đức", "Lê Thị Hoa"]):
        receive(name, minutes_ago=minutes)
    model = loaded_model(qtbot, services)
    assert model.rowCount() == 3
    with qtbot.waitSignal(model.page_loaded):
        model.set_search(search)
    assert [cell(model, r, Column.APPLICANT) for r in range(model.rowCount())] == expected
    assert model.total == len(expected)
    with qtbot.waitSignal(model.page_loaded):
        model.set_search("")
    assert model.rowCount() == 3


def test_page_of_an_abandoned_search_is_dropped(qtbot, services, receive):
    receive("Nguyễn Văn An", minutes_ago=1)
    receive("Trần Minh Đức")
    model = loaded_model(qtbot, services)
    pages: list[int] = []
    model.page_loaded.connect(pages.append)
    model.set_search("nguyen")
    model.set_search("duc")  # the officer typed on before the first search came back
    assert background.wait_for_idle(5_000)  # both pages have arrived
    assert pages == [1]  # only the page of the search still asked for was taken
    assert not model.loading
    assert [cell(model, r, Column.APPLICANT) for r in range(model.rowCount())] == ["Trần Minh Đức"]


def test_reload_shows_a_dossier_added_since(qtbot, services, receive):
    model = loaded_model(qtbot, services)
    assert model.rowCount() == 0
    receive("Võ Thị Sáu")
    with qtbot.waitSignal(model.page_loaded):
        model.reload()
    assert model.rowCount() == 1


def add_with_code(services, name: str, code: str | None) -> Dossier:
    dossier = Dossier(
        procedure_code="1.001193",
        applicant=Applicant(name=name),
        received_at=clock.now(),
        code=code,
    )
    with services.database.transaction() as session:
        dossier = add_dossier(session, dossier)
        enqueue(session, DOSSIER_CREATED, dossier.id, dossier_message(dossier))
    return dossier


def test_code_column_shows_the_official_code_plainly(qtbot, services):
    add_with_code(services, "Lê Thị Hoa", "000.00.31.H42-241120-0001")
    model = loaded_model(qtbot, services)
    index = model.index(0, Column.CODE)
    assert model.data(index) == "000.00.31.H42-241120-0001"
    assert model.data(index, Qt.ItemDataRole.ForegroundRole) is None
    assert model.data(index, Qt.ItemDataRole.ToolTipRole) == "000.00.31.H42-241120-0001"


@pytest.mark.parametrize("language", ["vi", "en"])
def test_local_number_is_muted_and_explained_until_a_code_is_issued(qtbot, services, language):
    from workstation import i18n

    i18n.set_language(language)
    dossier = add_with_code(services, "Lê Thị Hoa", None)
    model = loaded_model(qtbot, services)
    index = model.index(0, Column.CODE)
    assert model.data(index) == short_number(dossier)
    brush = model.data(index, Qt.ItemDataRole.ForegroundRole)
    assert brush is not None
    assert brush.color().saturation() == 0 and 80 <= brush.color().value() <= 160  # a grey
    tooltip = model.data(index, Qt.ItemDataRole.ToolTipRole)
    assert tooltip == tr("dossiers.local_number_tooltip", id=short_number(dossier))
    assert short_number(dossier) in tooltip
    assert ("chưa được cấp mã" if language == "vi" else "no dossier code yet") in tooltip
    assert model.data(model.index(0, Column.APPLICANT), Qt.ItemDataRole.ForegroundRole) is None


def test_procedure_tooltip_is_its_name_looked_up_once(qtbot, services, receive, monkeypatch):
    receive("Nguyễn Văn An")
    receive("Trần Minh Đức")
    lookups: list[str] = []
    get = services.catalogue.get

    def counting_get(code, on=None):
        lookups.append(code)
        return get(code, on)

    monkeypatch.setattr(services.catalogue, "get", counting_get)
    model = loaded_model(qtbot, services)
    for _ in range(3):
        for row in range(2):
            index = model.index(row, Column.PROCEDURE)
            assert model.data(index) == "1.001193"
            assert model.data(index, Qt.ItemDataRole.ToolTipRole) == "Đăng ký khai sinh"
    assert lookups == ["1.001193"]  # both received today: one lookup serves every hover


def test_a_failed_page_is_reported_and_reload_tries_again(qtbot, services, receive):
    receive("Võ Thị Sáu")
    database = UnreliableDatabase(services.database)
    database.refuse(StoreError("database is locked", code="store.failed"))
    model = DossierListModel(database, services.catalogue)
    with (
        qtbot.assertNotEmitted(reporter().error_shown),
        qtbot.waitSignal(model.page_failed) as blocker,
    ):
        pass
    assert blocker.args == [tr("error.store.failed")]
    assert not model.loading and not model.canFetchMore(QModelIndex())
    database.recover()
    with qtbot.waitSignal(model.page_loaded):
        model.reload()
    assert model.rowCount() == 1 and model.failure is None
