"""The outbox use cases the window and the command line share: listing, counting, retrying."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.store_helpers import T0
from tests.store_helpers import received_dossier as _received
from workstation.errors import NotFound
from workstation.outbox import (
    State,
    count_by_state,
    list_outbox,
    retry_all_needing_attention,
    retry_item,
)
from workstation.store.database import Database
from workstation.store.outbox import (
    claim_next,
    mark_needs_attention,
    mark_sent,
    record_failure,
)

pytestmark = pytest.mark.integration


def _message_ids(database: Database) -> list[str]:
    return [item.message_id for item in list_outbox(database)]


def test_each_item_names_its_dossier_by_short_number_until_a_code_is_issued(database):
    first = _received(database, "Nguyễn Văn An")
    _received(database, "Lê Thị Hoa")
    items = list_outbox(database)
    assert [i.dossier for i in items] == ["#000001", "#000002"]
    assert [i.kind for i in items] == ["dossier.created"] * 2
    assert [i.state for i in items] == [State.PENDING] * 2
    assert all(i.attempts == 0 and i.reason is None for i in items)
    with database.transaction() as session:
        from workstation.store.models import DossierRow

        session.get(DossierRow, first.id).code = "000.00.00.H01-260312-0001"
    assert list_outbox(database)[0].dossier == "000.00.00.H01-260312-0001"


def test_failures_show_their_reason_attempts_and_next_attempt(database):
    _received(database)
    later = T0 + timedelta(minutes=5)
    with database.transaction() as session:
        (entry,) = claim_next(session, now=T0)
        record_failure(session, entry.message_id, "network.unreachable", later)
    (item,) = list_outbox(database)
    assert (item.state, item.attempts, item.reason) == (State.PENDING, 1, "network.unreachable")
    assert item.next_attempt_at == later
    assert item.retryable


def test_list_is_paged_by_id_and_filtered_by_state(database):
    for n in range(5):
        _received(database, f"Người {n}")
    ids = _message_ids(database)
    with database.transaction() as session:
        mark_needs_attention(session, ids[1], "central.refused")
        mark_sent(session, ids[3])
    first = list_outbox(database, limit=2)
    rest = list_outbox(database, after_id=first[-1].id, limit=10)
    assert [i.message_id for i in first + rest] == ids
    attention = list_outbox(database, states=[State.NEEDS_ATTENTION])
    assert [i.message_id for i in attention] == [ids[1]]


def test_counts_cover_every_state(database):
    for n in range(4):
        _received(database, f"Người {n}")
    ids = _message_ids(database)
    with database.transaction() as session:
        mark_needs_attention(session, ids[0], "central.refused")
        mark_sent(session, ids[1])
        claim_next(session, now=T0 + timedelta(days=1), limit=1)
    counts = count_by_state(database)
    assert (counts.pending, counts.sending, counts.sent, counts.needs_attention) == (1, 1, 1, 1)
    assert counts.waiting == 3


def test_retrying_an_item_queues_it_again_with_attempts_afresh(database):
    _received(database)
    (message_id,) = _message_ids(database)
    with database.transaction() as session:
        claim_next(session, now=T0)
        mark_needs_attention(session, message_id, "central.refused")
    assert retry_item(database, message_id) is True
    (item,) = list_outbox(database)
    assert (item.state, item.attempts, item.next_attempt_at) == (State.PENDING, 0, None)


def test_a_sent_or_in_flight_item_is_not_retried(database):
    _received(database, "A")
    _received(database, "B")
    sent, flying = _message_ids(database)
    with database.transaction() as session:
        mark_sent(session, sent)
        claim_next(session, now=T0)
    assert retry_item(database, sent) is False
    assert retry_item(database, flying) is False
    assert [i.state for i in list_outbox(database)] == [State.SENT, State.SENDING]


def test_retrying_an_unknown_item_says_it_is_not_found(database):
    with pytest.raises(NotFound) as caught:
        retry_item(database, "00000000-0000-0000-0000-000000000000")
    assert caught.value.code == "outbox.not_found"


def test_retry_all_queues_only_the_items_needing_attention(database):
    for n in range(3):
        _received(database, f"Người {n}")
    ids = _message_ids(database)
    with database.transaction() as session:
        mark_needs_attention(session, ids[0], "central.refused")
        mark_needs_attention(session, ids[2], "central.refused")
        mark_sent(session, ids[1])
    assert retry_all_needing_attention(database) == 2
    assert [i.state for i in list_outbox(database)] == [State.PENDING, State.SENT, State.PENDING]
    assert retry_all_needing_attention(database) == 0
