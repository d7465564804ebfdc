"""Short numbers that never collide, and a search that means what it says."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text

from workstation.domain import Applicant, Dossier, short_number
from workstation.errors import BadInput, NotFound
from workstation.store.database import Database, open_database
from workstation.store.dossiers import (
    add_dossier,
    count_dossiers,
    delete_dossier,
    find_dossier,
    get_dossier,
    list_dossiers,
)
from workstation.store.outbox import MessageKind, enqueue

pytestmark = pytest.mark.integration

T0 = datetime(2026, 3, 12, 2, 0, tzinfo=UTC)


def _add(database: Database, name: str, **fields) -> Dossier:
    with database.transaction() as session:
        dossier = add_dossier(
            session,
            Dossier(
                procedure_code="1.001193",
                applicant=Applicant(name=name),
                received_at=fields.pop("received_at", T0),
                **fields,
            ),
        )
        enqueue(session, MessageKind.DOSSIER_CREATED, dossier.id, {"id": dossier.id})
    return dossier


def test_dossiers_are_numbered_in_order_and_a_number_is_never_given_twice(database) -> None:
    first, second = _add(database, "Một"), _add(database, "Hai")
    assert (first.number, second.number) == (1, 2)
    with database.transaction() as session:
        delete_dossier(session, second.id)
        enqueue(session, MessageKind.DOSSIER_DELETED, second.id, {"id": second.id})
    third = _add(database, "Ba")
    assert third.number == 3
    with database.reading() as session:
        assert get_dossier(session, third.id).number == 3
        assert sorted(s.number for s in list_dossiers(session)) == [1, 3]


def test_numbering_carries_on_after_the_highest_if_the_counter_went_missing(database) -> None:
    _add(database, "Một")
    _add(database, "Hai")
    with database.engine.begin() as connection:
        connection.exec_driver_sql("DELETE FROM counters")
    assert _add(database, "Ba").number == 3
    assert _add(database, "Bốn").number == 4


def test_several_dossiers_saved_in_one_transaction_get_distinct_numbers(database) -> None:
    with database.transaction() as session:
        saved = [
            add_dossier(
                session,
                Dossier(procedure_code="1.001193", applicant=Applicant(name=n), received_at=T0),
            )
            for n in ("A", "B", "C")
        ]
        for dossier in saved:
            enqueue(session, MessageKind.DOSSIER_CREATED, dossier.id, {"id": dossier.id})
    assert [d.number for d in saved] == [1, 2, 3]


def test_a_store_from_before_short_numbers_numbers_its_dossiers_by_reception(tmp_path) -> None:
    path = tmp_path / "store.sqlite3"
    old = Database(path)
    old.migrate("0002")
    with old.engine.begin() as connection:
        for n, minutes in enumerate((30, 10, 20)):  # inserted out of reception order
            connection.execute(
                text(
                    "INSERT INTO applicants (id, type, name, name_search) "
                    "VALUES (:a, 1, :name, :name)"
                ),
                {"a": f"a{n}", "name": f"nguoi {n}"},
            )
            connection.execute(
                text(
                    "INSERT INTO dossiers (id, procedure_code, procedure_version, applicant_id, "
                    "status, channel, received_at, created_at, updated_at) VALUES "
                    "(:d, '1.001193', 1, :a, 2, 'counter', :t, :t, :t)"
                ),
                {"d": f"d{n}", "a": f"a{n}", "t": datetime(2026, 3, 12, 2, minutes)},
            )
    old.close()

    upgraded = open_database(path)
    with upgraded.reading() as session:
        numbers = {d: get_dossier(session, d).number for d in ("d0", "d1", "d2")}
    assert numbers == {"d1": 1, "d2": 2, "d0": 3}
    assert _add(upgraded, "Sau nâng cấp").number == 4
    upgraded.close()


def test_two_letters_of_a_name_never_find_dossiers_by_the_start_of_their_id(database) -> None:
    _add(database, "Lê Văn Tư", id="ab3f0c1e-0000-4000-8000-000000000000")
    with database.reading() as session:
        assert list_dossiers(session, search="ab") == []
        assert count_dossiers(session, "ab3f0c1e") == 0


@pytest.mark.parametrize("typed", ["#000002", "#2", "000002", " #000002 "])
def test_the_whole_short_number_finds_its_dossier(database, typed) -> None:
    _add(database, "Một")
    second = _add(database, "Hai")
    for n in range(3, 25):
        _add(database, f"Người {n}")  # #000020 … must not match "#2"
    with database.reading() as session:
        assert [s.id for s in list_dossiers(session, search=typed)] == [second.id]
        assert count_dossiers(session, typed) == 1


def test_part_of_a_short_number_finds_nothing(database) -> None:
    for _ in range(1, 13):
        _add(database, "Người nộp")
    with database.reading() as session:
        assert count_dossiers(session, "9" * 30) == 0  # no number that long, no overflow
        assert count_dossiers(session, "#" + "9" * 30) == 0
        assert count_dossiers(session, "00001") == 0  # five of six digits
        assert count_dossiers(session, "12") == 0


def test_a_dossier_is_found_by_what_the_officer_has_at_hand(database) -> None:
    _add(database, "Một")
    coded = _add(database, "Hai", code="000.00.31.H42-241120-0001", received_at=T0)
    with database.reading() as session:
        for reference in (
            short_number(coded),
            "2",
            "#2",
            coded.id,
            coded.id.upper(),
            "000.00.31.H42-241120-0001",
        ):
            assert find_dossier(session, reference).id == coded.id, reference
        for unknown in (
            "#000099",
            coded.id[:8],
            "000.00.31.H42-241120-0002",
            "Hai",
            "9" * 30,
            "#" + "9" * 30,
        ):
            with pytest.raises(NotFound):
                find_dossier(session, unknown)


def test_a_search_longer_than_any_name_or_code_is_bad_input(database) -> None:
    with database.reading() as session:
        for call in (
            lambda: list_dossiers(session, search="a" * 50_000),
            lambda: count_dossiers(session, "a" * 201),
        ):
            with pytest.raises(BadInput) as caught:
                call()
            assert caught.value.code == "search.too_long"
        assert count_dossiers(session, "a" * 200) == 0


def test_numbers_keep_their_width_order_with_time(database) -> None:
    dossiers = [_add(database, f"N{n}", received_at=T0 + timedelta(minutes=n)) for n in range(3)]
    assert [short_number(d) for d in dossiers] == ["#000001", "#000002", "#000003"]


def test_two_programs_saving_at_once_never_share_a_number(tmp_path) -> None:
    import threading

    path = tmp_path / "store.sqlite3"
    open_database(path).close()
    window, command = open_database(path), open_database(path)
    numbers: list[int] = []

    def save_many(database: Database) -> None:
        for n in range(20):
            numbers.append(_add(database, f"Người {n}").number or 0)

    threads = [threading.Thread(target=save_many, args=(db,)) for db in (window, command)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    window.close()
    command.close()
    assert sorted(numbers) == list(range(1, 41))
