"""The signature's placement is kept per role in the officer's signing profile and offered again.

The box dragged on the page preview and the anchor text used for a batch
are written to the officer's ``signing.json`` for the role signed; the next
time a document of that role is chosen, the same anchor and box are offered.
"""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, Qt

from tests.gui.test_signing_section import open_section, queue_documents, sign_with_pin
from tests.softhsm_token import SoftHsmToken, shared_token
from workstation.sign.profile import (
    SavedPlacement,
    SigningProfile,
    load_profile,
    profile_file,
    save_profile,
)


@pytest.fixture(scope="module")
def token(tmp_path_factory: pytest.TempPathFactory) -> SoftHsmToken:
    return shared_token(tmp_path_factory)


def choose_first(qtbot, queue) -> None:
    with qtbot.waitSignal(queue.preview.page_shown, timeout=20_000):
        queue.table.selectRow(0)


def test_dragged_box_and_anchor_are_kept_per_role_and_offered_next_time(
    qtbot, services, receive, tmp_path, token, type_text
) -> None:
    queue_documents(services, receive, tmp_path, 1)
    section = open_section(qtbot, services, token, type_text)
    queue = section.queue
    choose_first(qtbot, queue)
    canvas = queue.preview.canvas
    with qtbot.waitSignal(queue.preview.box_changed):
        qtbot.mousePress(canvas, Qt.MouseButton.LeftButton, pos=QPoint(210, 300))
        qtbot.mouseMove(canvas, QPoint(300, 340))
        qtbot.mouseRelease(canvas, Qt.MouseButton.LeftButton, pos=QPoint(389, 379))
    dragged = queue.preview.box()
    type_text(queue.anchor_edit, "CHỦ TỊCH")
    with qtbot.waitSignal(queue.queue_loaded, timeout=20_000):
        sign_with_pin(qtbot, section, type_text, token.pin, select_all=False)
    saved = load_profile(services.folders.config).placements["certified_copy"]
    assert saved == SavedPlacement("CHỦ TỊCH", 0, dragged)

    # Next time (a new window), a document of the same role is offered the same placement.
    (tmp_path / "next").mkdir()
    queue_documents(services, receive, tmp_path / "next", 1)
    second = open_section(qtbot, services, token, type_text)  # kept: the queue is its child
    again = second.queue
    assert again.anchor_edit.text() == ""
    choose_first(qtbot, again)
    assert again.anchor_edit.text() == "CHỦ TỊCH"
    assert again.preview.box() == pytest.approx(dragged, abs=1.0)


def test_profile_keeps_other_entries_and_an_unreadable_file_is_an_empty_profile(tmp_path) -> None:
    save_profile(tmp_path, SigningProfile(placements={"result": SavedPlacement("Nguyễn Văn A")}))
    from workstation.sign.profile import remember_placement

    remember_placement(tmp_path, "seal", SavedPlacement("", 1, (10.0, 20.0, 110.0, 80.0)))
    profile = load_profile(tmp_path)
    assert profile.placements == {
        "result": SavedPlacement("Nguyễn Văn A"),
        "seal": SavedPlacement("", 1, (10.0, 20.0, 110.0, 80.0)),
    }
    profile_file(tmp_path).write_text("{not json", encoding="utf-8")
    assert load_profile(tmp_path) == SigningProfile()
