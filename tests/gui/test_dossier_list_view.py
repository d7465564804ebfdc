"""The dossier list on screen: searching by keyboard, selection that rests before loading."""

from __future__ import annotations

import dataclasses
import threading

import pytest
from PySide6.QtCore import Qt

from tests.fakes.store import UnreliableDatabase
from workstation import i18n
from workstation.errors import StoreError
from workstation.i18n import tr
from workstation.ui import background
from workstation.ui.background import run_in_background
from workstation.ui.dossiers.dossier_list_view import SEARCH_PAUSE_MS, SELECTION_PAUSE_MS
from workstation.ui.dossiers.section import DossiersSection

pytestmark = pytest.mark.gui


@pytest.fixture
def three(receive, section, qtbot):
    """Three dossiers in the section's list, newest first: Hoa, Đức, An."""
    dossiers = [
        receive(name, minutes_ago=minutes)
        for minutes, name in ((3, "Nguyễn Văn An"), (2, "Trần Minh Đức"), (1, "Lê Thị Hoa"))
    ]
    with qtbot.waitSignal(section.model.page_loaded):
        section.model.reload()
    return {d.applicant.name.split()[-1]: d for d in dossiers}


def names(section) -> list[str]:
    model = section.model
    return [model.summary(row).applicant_name for row in range(model.rowCount())]


def test_typing_searches_after_a_pause(qtbot, section, three, type_text):
    view = section.list_view
    searches: list[int] = []
    section.model.modelReset.connect(lambda: searches.append(1))
    type_text(view.search_box, "đức")
    assert view._search_timer.isActive() and searches == []  # one search, not one a letter
    assert view._search_timer.interval() == SEARCH_PAUSE_MS
    with qtbot.waitSignal(section.model.page_loaded):
        pass
    assert searches == [1]
    assert names(section) == ["Trần Minh Đức"]
    assert view.count_label.text() == "1 hồ sơ"


def test_enter_searches_at_once(qtbot, section, three, type_text):
    view = section.list_view
    type_text(view.search_box, "nguyen")
    with qtbot.waitSignal(section.model.page_loaded):
        qtbot.keyClick(view.search_box, Qt.Key.Key_Return)
    assert not view._search_timer.isActive()
    assert names(section) == ["Nguyễn Văn An"]
    assert view.count_label.text() == "1 hồ sơ"


def test_escape_clears_the_search(qtbot, section, three, type_text):
    view = section.list_view
    type_text(view.search_box, "hoa")
    with qtbot.waitSignal(section.model.page_loaded):
        qtbot.keyClick(view.search_box, Qt.Key.Key_Return)
    with qtbot.waitSignal(section.model.page_loaded):
        qtbot.keyClick(view.search_box, Qt.Key.Key_Escape)
    assert view.search_box.text() == ""
    assert section.model.search is None
    assert names(section) == ["Lê Thị Hoa", "Trần Minh Đức", "Nguyễn Văn An"]
    assert view.count_label.text() == "3 hồ sơ"


def test_count_is_singular_or_plural_in_english(qtbot, services, receive):
    from workstation.ui.dossiers.section import DossiersSection

    i18n.set_language("en")
    receive("Nguyễn Văn An")
    section = DossiersSection(services)
    qtbot.addWidget(section)
    with qtbot.waitSignal(section.model.page_loaded):
        pass
    assert section.list_view.count_label.text() == "1 dossier"
    receive("Trần Minh Đức")
    with qtbot.waitSignal(section.model.page_loaded):
        section.reload_action.trigger()
    assert section.list_view.count_label.text() == "2 dossiers"


def test_a_new_dossier_clears_an_active_search_and_is_selected(qtbot, section, three, receive):
    view = section.list_view
    view.search_box.setText("an")
    with qtbot.waitSignal(section.model.page_loaded):
        view._search_now()
    newest = receive("Phạm Thị Mới")
    with qtbot.waitSignal(section.detail.dossier_shown):
        view.show_new_dossier(newest.id)
    assert view.search_box.text() == "" and section.model.search is None
    assert not view._search_timer.isActive()
    assert len(names(section)) == 4
    assert view.selected_id() == newest.id


def test_tab_leaves_the_table(section):
    assert not section.list_view.table.tabKeyNavigation()


def test_moving_through_the_rows_loads_only_where_the_selection_rests(qtbot, section, three):
    view = section.list_view
    asked: list[str] = []
    view.dossier_selected.connect(asked.append)
    view.select_dossier(three["Hoa"].id)
    view.select_dossier(three["Đức"].id)
    assert view._selection_timer.interval() == SELECTION_PAUSE_MS
    with qtbot.waitSignal(section.detail.dossier_shown) as blocker:
        view.select_dossier(three["An"].id)
    assert asked == [three["An"].id]
    assert blocker.args == [three["An"].id]


def test_the_shown_dossier_stays_until_the_next_one_arrives(qtbot, section, three):
    detail = section.detail
    with qtbot.waitSignal(detail.dossier_shown):
        section.list_view.select_dossier(three["Hoa"].id)
    release = threading.Event()
    run_in_background(None, lambda: release.wait(10), lambda _: None)  # hold the db thread
    detail.show_dossier(three["Đức"].id)
    assert detail.pages.currentIndex() == 1  # no "loading" placeholder in between
    assert detail.fields["applicant"].text().startswith("Lê Thị Hoa")
    with qtbot.waitSignal(detail.dossier_shown):
        release.set()
    assert detail.fields["applicant"].text().startswith("Trần Minh Đức")


def test_hiding_the_list_drops_a_pending_selection(qtbot, section, three):
    view = section.list_view
    view.select_dossier(three["Hoa"].id)
    assert view._selection_timer.isActive()
    section.hide()
    assert not view._selection_timer.isActive()


def test_a_search_that_drops_the_shown_dossier_clears_the_detail(qtbot, section, three):
    view, detail = section.list_view, section.detail
    with qtbot.waitSignal(detail.dossier_shown):
        view.select_dossier(three["Hoa"].id)
    page = detail.preview.image
    view.search_box.setText("hoa")
    with qtbot.waitSignals([section.model.page_loaded, detail.dossier_shown]):
        view._search_now()  # still in the list: still selected and shown
    assert view.selected_id() == three["Hoa"].id
    assert detail.dossier is not None and detail.pages.currentIndex() == 1
    assert detail.preview.image is page  # the same page stays up, not drawn again
    view.search_box.setText("duc")
    with qtbot.waitSignal(view.selection_cleared):
        view._search_now()
    assert view.selected_id() is None
    assert detail.dossier is None
    assert detail.pages.currentWidget() is detail.placeholder
    assert detail.placeholder.text() == tr("dossier.detail.empty")


def test_a_failed_list_says_so_and_reload_tries_again(qtbot, services, receive):
    for name in ("Nguyễn Văn An", "Trần Minh Đức", "Lê Thị Hoa"):
        receive(name)
    database = UnreliableDatabase(services.database)
    section = DossiersSection(dataclasses.replace(services, database=database))
    qtbot.addWidget(section)
    section.show()
    with qtbot.waitSignal(section.model.page_loaded):
        pass
    view = section.list_view
    database.refuse(StoreError("database is locked", code="store.failed"))
    with qtbot.waitSignal(section.model.page_failed):
        section.reload_action.trigger()
    assert view.count_label.text() == tr("dossiers.load_failed")
    assert view.count_label.toolTip() == tr("error.store.failed")
    database.recover()
    with qtbot.waitSignal(section.model.page_loaded):
        section.reload_action.trigger()
    assert view.count_label.text() == "3 hồ sơ"
    assert background.wait_for_idle(5_000)
