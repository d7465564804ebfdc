"""The blind name index: the dossier list finds what the plain folded column found, pages
through a name's dossiers in order, keeps no folded name in the store under a keyed codec,
and is rebuilt when the key changes; the archive's index likewise."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlalchemy import text

from tests.fakes.codec import FakeKeyedCodec
from tests.store_helpers import T0
from workstation.domain import Applicant, Document, Dossier
from workstation.domain.text import fold
from workstation.dossiers import list_dossiers as list_page
from workstation.store import protection
from workstation.store.archive import add_record, find_records
from workstation.store.database import Database
from workstation.store.dossiers import (
    PageKey,
    add_dossier,
    count_dossiers,
    delete_dossier,
    list_dossiers,
)
from workstation.store.outbox import MessageKind, enqueue
from workstation.store.search_index import index_dossier_name, rebuild_search_index

pytestmark = pytest.mark.integration

NAMES = [
    "Nguyễn Văn Đức",
    "Trần Thị Hồng Nhung",
    "Lê Minh Đức",
    "Đặng Thu Hà",
    "Phạm Đức Anh",
    "Hoàng Văn Đông",
    "Đỗ Thị Ngọc Ánh",
    "Nguyễn Thị Đào",
    "Bùi Quang Dũng",
    "Vũ Ngọc Yến",
    "Ngô Bảo Châu",
    "Dương Quá",
]
# Typed as an officer types them: with or without diacritics and đ, any case, whole names,
# first names, family and middle names, starts of words.
SAME_AS_BEFORE = [
    "Đức",
    "duc",
    "ĐỨC",
    "DUC",
    "Nguyễn",
    "nguyen",
    "nguyen van",
    "Nguyễn Văn Đức",
    "nguyen van duc",
    "tran thi hong",
    "Trần Thị Hồng Nhung",
    "hồng nhung",
    "đặng",
    "Dang Thu",
    "ngoc",
    "Ngọc Ánh",
    "do thi",
    "đỗ",
    "pham duc anh",
    "dũng",
    "dung",
    "bui",
    "Ngô Bảo",
    "chau",
    "Dương",
    "duong qua",
    "ngu",
    "ho",
    "  nguyễn   văn  ",
    "khổng tử",
]


def receive(database: Database, name: str, minutes: int = 0) -> Dossier:
    with database.transaction() as session:
        dossier = add_dossier(
            session,
            Dossier(
                procedure_code="1.001193",
                applicant=Applicant(name=name),
                received_at=T0 + timedelta(minutes=minutes),
            ),
        )
        enqueue(session, MessageKind.DOSSIER_CREATED, dossier.id, {"id": dossier.id})
    return dossier


def found(database: Database, search: str) -> set[str]:
    with database.reading() as session:
        names = {s.applicant_name for s in list_dossiers(session, search=search)}
        assert count_dossiers(session, search) == len(names)
    return names


@pytest.fixture
def named(database: Database) -> Database:
    for minutes, name in enumerate(NAMES):
        receive(database, name, minutes)
    return database


@pytest.fixture
def keyed_codec() -> Iterator[FakeKeyedCodec]:
    codec = FakeKeyedCodec()
    protection.install_codec(codec)
    yield codec
    protection.install_codec(protection.PlainCodec())


@pytest.mark.parametrize("search", SAME_AS_BEFORE)
def test_a_name_search_finds_what_the_folded_column_found(named, search) -> None:
    # What the list did before: the folded name holds the folded search text.
    before = {n for n in NAMES if fold(search) in fold(n)}
    assert found(named, search) == before


def test_the_words_of_a_name_may_come_in_any_order(named) -> None:
    assert found(named, "Đức Nguyễn") == {"Nguyễn Văn Đức"}
    assert found(named, "nhung tran") == {"Trần Thị Hồng Nhung"}
    assert found(named, "anh duc") == {"Phạm Đức Anh"}


def test_a_piece_from_inside_a_word_no_longer_finds_a_name(named) -> None:
    # The blind index holds whole words and their starts only: "yen" is Yến, not the end
    # of Nguyễn; "uyen" and "ung" (inside Nhung, Dũng) find nothing; "nh" starts Nhung.
    assert found(named, "yen") == {"Vũ Ngọc Yến"}
    assert found(named, "uyen") == set()
    assert found(named, "ung") == set()
    assert found(named, "nh") == {"Trần Thị Hồng Nhung"}


def test_a_name_search_pages_newest_first_without_losing_or_repeating_a_dossier(
    database,
) -> None:
    saved = [receive(database, f"Nguyễn Văn Số {n}", n // 2) for n in range(7)]  # two a minute
    receive(database, "Trần Văn Khác", 100)
    pages, after = [], None
    with database.reading() as session:
        while True:
            page = list_dossiers(session, search="nguyen van", after=after, limit=3)
            if not page:
                break
            pages.append([s.id for s in page])
            after = PageKey(page[-1].received_at, page[-1].id)
    assert [len(p) for p in pages] == [3, 3, 1]
    assert [i for p in pages for i in p] == [d.id for d in reversed(saved)]


def test_the_first_page_carries_the_count_of_every_match(database) -> None:
    for n in range(5):
        receive(database, f"Lê Thị {n}", n)
    receive(database, "Phạm Văn Bình", 9)
    short, full = list_page(database, "le thi", limit=10), list_page(database, "le thi", limit=2)
    assert (len(short), short.total) == (5, 5)
    assert (len(full), full.total) == (2, 5)


def test_deleting_a_dossier_takes_its_tokens_with_it(named) -> None:
    with named.reading() as session:
        (dossier,) = list_dossiers(session, search="Dương Quá")
    with named.transaction() as session:
        delete_dossier(session, dossier.id)
        enqueue(session, MessageKind.DOSSIER_DELETED, dossier.id, {"id": dossier.id})
    with named.engine.connect() as connection:
        left = connection.exec_driver_sql(
            "SELECT count(*) FROM dossier_search_tokens WHERE number = ?", (dossier.number,)
        ).scalar()
    assert left == 0
    assert found(named, "duong") == set()


def test_a_dossier_indexed_under_another_name_or_none_is_found_only_as_such(named) -> None:
    with named.reading() as session:
        (dossier,) = list_dossiers(session, search="Bùi Quang Dũng")
    with named.transaction() as session:
        index_dossier_name(session, dossier.id, "Bùi Quang Dũng Mới")
    assert found(named, "dung moi") == {"Bùi Quang Dũng"}
    with named.transaction() as session:
        index_dossier_name(session, dossier.id, None)  # a name forgotten
    assert found(named, "bui quang") == set()
    assert found(named, "dung") == set()


def _archive(database: Database, title: str) -> None:
    document = Document(sha256="0" * 64, media_type="application/pdf", file_name="", size_bytes=1)
    metadata = {"fonds": "UBND", "box": 12, "file_number": "7", "title": title}
    with database.transaction() as session:
        add_record(session, "record-1", "batch", 1, document, metadata, [])


def _words_of(names: list[str]) -> set[str]:
    return {w for n in names for w in fold(n).split() if len(w) >= 4} | {fold(n) for n in names}


def test_under_a_keyed_codec_no_folded_name_reaches_the_store_file(database, keyed_codec) -> None:
    planted = ["Nguyễn Thị Hồng Nhung", "Trương Quốc Khánh"]
    for n, name in enumerate(planted):
        receive(database, name, n)
    _archive(database, "Hồ sơ cấp phép xây dựng của ông Trương Quốc Khánh")
    assert found(database, "hồng nhung") == {"Nguyễn Thị Hồng Nhung"}
    assert found(database, "khanh truong") == {"Trương Quốc Khánh"}
    with database.reading() as session:
        assert len(find_records(session, "truong quoc khanh")) == 1
    database.close()  # the database file and whatever its WAL still holds
    stored = b"".join(
        p.read_bytes() for p in database.path.parent.iterdir() if p.name.startswith("store")
    )
    for word in _words_of(planted) | {"xay dung"}:
        assert word.encode("utf-8") not in stored, word
    for name in planted:
        assert name.encode("utf-8") not in stored


def test_rebuilding_the_index_after_the_key_changes_finds_every_name_again(named) -> None:
    _archive(named, "Hồ sơ đất đai của bà Đặng Thu Hà")
    protection.install_codec(FakeKeyedCodec(b"the new key"))
    try:
        assert found(named, "nguyen van duc") == set()  # made with the plain codec's tokens
        with named.transaction() as session:
            assert rebuild_search_index(session) == (len(NAMES), 1)
        assert found(named, "nguyen van duc") == {"Nguyễn Văn Đức"}
        assert found(named, "duc") == {"Nguyễn Văn Đức", "Lê Minh Đức", "Phạm Đức Anh"}
        with named.reading() as session:
            assert [r.metadata["box"] for r in find_records(session, "dat dai dang")] == [12]
        with named.engine.connect() as connection:
            tokens = connection.execute(text("SELECT token FROM dossier_search_tokens")).scalars()
            assert not {"nguyen", "duc", "ng"} & set(tokens)
    finally:
        protection.install_codec(protection.PlainCodec())
