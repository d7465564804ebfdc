"""Search of stored archive records in the archive section: typed Vietnamese (or without its
accents) lists the matching records with their place and dates; a record's PDF opens."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PySide6.QtCore import QUrl

from workstation.archive.records import store_batch
from workstation.ui.archive.section import ArchiveSection

COMMON = {"fonds": "H01", "catalogue": 3, "retention": "Vĩnh viễn", "access": "public"}
SHEETS = [
    {**COMMON, "box": 12, "file_number": "1", "title": "Hồ sơ cấp phép xây dựng"},
    {
        **COMMON,
        "box": 14,
        "file_number": "2",
        "title": "Hồ sơ đất đai phường Đông Ba",
        "start_date": "2019-03-14",
        "end_date": "2020-01-02",
    },
    {**COMMON, "box": 14, "file_number": "3", "title": "Hồ sơ đất đai xã Hương Long"},
]


@pytest.fixture
def stored(services, tmp_path: Path) -> None:
    """Three records of a split batch stored through the core, as the clerk's Ctrl+S does."""
    from PIL import Image

    folder = tmp_path / "batch"
    folder.mkdir()
    records = []
    for number, sheet in enumerate(SHEETS, start=1):
        name = f"record-{number:03d}.pdf"
        Image.new("RGB", (827, 1169), "white").save(folder / name, "PDF", resolution=100.0)
        sheet = {**sheet, "language": "vi"}
        records.append(
            {
                "first_page": number * 2,
                "last_page": number * 2,
                "file": name,
                "metadata": sheet,
                "warnings": [],
                "pages": 1,
            }
        )
    report = {"records": records, "separators": [1, 3, 5], "warnings": [], "pages": 6}
    (folder / "batch.json").write_text(json.dumps(report, ensure_ascii=False), encoding="utf-8")
    assert store_batch(services.database, services.blobs, folder).stored == [1, 2, 3]


@pytest.fixture
def view(qtbot, services, stored) -> tuple[ArchiveSection, list[QUrl]]:
    opened: list[QUrl] = []
    section = ArchiveSection(services)
    qtbot.addWidget(section)
    section.search.deleteLater()
    from workstation.ui.archive.search import ArchiveSearch

    # The system's PDF viewer cannot run here: the search is given an opener that keeps the URL.
    section.search = ArchiveSearch(services, open_url=opened.append)
    section.tabs.removeTab(1)
    section.tabs.addTab(section.search, "search")
    section.resize(1200, 800)
    section.show()
    return section, opened


def rows(section: ArchiveSection) -> list[list[str]]:
    table = section.search.table
    return [
        [table.item(r, c).text() for c in range(table.columnCount())]
        for r in range(table.rowCount())
    ]


def test_typing_vietnamese_lists_the_matching_records_with_their_place_and_dates(
    qtbot, view, type_text
) -> None:
    section, _ = view
    with qtbot.waitSignal(section.search.results_shown):
        section.show_search()
    assert len(rows(section)) == 3
    with qtbot.waitSignal(section.search.results_shown, timeout=5000) as shown:
        type_text(section.search.box, "đất đai Đông Ba")
    assert shown.args == [1]
    assert rows(section) == [
        ["H01", "3", "14", "2", "Hồ sơ đất đai phường Đông Ba", "2019-03-14 – 2020-01-02"]
    ]
    assert "Hồ sơ đất đai phường Đông Ba" in section.search.details.text()


def test_accents_are_optional_and_enter_opens_the_records_pdf(qtbot, view, type_text) -> None:
    section, opened = view
    with qtbot.waitSignal(section.search.results_shown):
        section.show_search()
    with qtbot.waitSignal(section.search.results_shown, timeout=5000) as shown:
        type_text(section.search.box, "dat dai")
    assert shown.args == [2]
    assert [row[3] for row in rows(section)] == ["2", "3"]
    section.search.table.setCurrentCell(1, 0)
    assert "Hương Long" in section.search.details.text()
    with qtbot.waitSignal(section.search.pdf_opened) as done:
        section.search.box.returnPressed.emit()
    path = Path(done.args[0])
    assert opened == [QUrl.fromLocalFile(str(path))]
    assert path.read_bytes().startswith(b"%PDF")


def test_a_text_no_record_holds_empties_the_list(qtbot, view, type_text) -> None:
    section, _ = view
    with qtbot.waitSignal(section.search.results_shown):
        section.show_search()
    with qtbot.waitSignal(section.search.results_shown, timeout=5000) as shown:
        type_text(section.search.box, "không có hồ sơ này")
    assert shown.args == [0] and rows(section) == []
