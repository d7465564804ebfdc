"""Choosing the officer's notices: only what is new since the last look, counts only, and
the facts read from a real store."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from workstation.domain import Applicant, Dossier, DossierStatus
from workstation.notices import Notice, NoticeKind, Observation, choose_notices, observe
from workstation.store.dossiers import add_dossier
from workstation.store.outbox import MessageKind, claim_next, enqueue, mark_needs_attention

NOW = datetime(2026, 3, 16, 3, 0, tzinfo=UTC)
HOUR = timedelta(hours=1)


def kinds(notices: list[Notice]) -> dict[NoticeKind, int]:
    return {n.kind: n.count for n in notices}


def test_the_first_look_summarises_what_already_needs_the_officer() -> None:
    first = Observation(
        needs_attention=2, overdue=frozenset({"a"}), due_soon=frozenset({"b", "c"}), online=True
    )
    assert kinds(choose_notices(None, first)) == {
        NoticeKind.OUTBOX_ATTENTION: 2,
        NoticeKind.OVERDUE: 1,
        NoticeKind.DUE_SOON: 2,
    }
    assert choose_notices(None, Observation()) == []


def test_nothing_new_is_not_told_twice() -> None:
    seen = Observation(needs_attention=1, overdue=frozenset({"a"}), tokens=frozenset({"T1"}))
    assert choose_notices(seen, seen) == []
    fewer = Observation(needs_attention=0, overdue=frozenset(), tokens=frozenset({"T1"}))
    assert choose_notices(seen, fewer) == []  # things settled are no news either


def test_only_the_newly_overdue_and_newly_due_are_counted() -> None:
    before = Observation(overdue=frozenset({"a"}), due_soon=frozenset({"b"}))
    # b fell overdue, c came within a day.
    now = Observation(overdue=frozenset({"a", "b"}), due_soon=frozenset({"c"}))
    assert kinds(choose_notices(before, now)) == {NoticeKind.OVERDUE: 1, NoticeKind.DUE_SOON: 1}


def test_more_messages_needing_the_officer_is_told_with_the_total() -> None:
    notices = choose_notices(Observation(needs_attention=1), Observation(needs_attention=3))
    assert notices == [Notice(NoticeKind.OUTBOX_ATTENTION, 3)]
    assert notices[0].urgent and notices[0].text_key == "notice.outbox_attention"


def test_a_token_pulled_out_is_told_but_an_unknown_listing_is_not() -> None:
    present = Observation(tokens=frozenset({"T1", "T2"}))
    assert kinds(choose_notices(present, Observation(tokens=frozenset({"T2"})))) == {
        NoticeKind.TOKEN_REMOVED: 1
    }
    assert choose_notices(present, Observation(tokens=None)) == []  # listing failed this once
    assert choose_notices(Observation(tokens=None), Observation(tokens=frozenset())) == []


def test_back_online_only_after_being_offline() -> None:
    back = choose_notices(Observation(online=False), Observation(online=True))
    assert back == [Notice(NoticeKind.BACK_ONLINE)] and not back[0].urgent
    assert choose_notices(Observation(online=None), Observation(online=True)) == []
    assert choose_notices(Observation(online=True), Observation(online=False)) == []


def test_statuses_the_central_system_set_become_supplement_and_result_notices() -> None:
    now = Observation(
        came_back=(
            DossierStatus.SUPPLEMENT_REQUESTED,
            DossierStatus.PROCESSED,
            DossierStatus.PROCESSED,
            DossierStatus.PROCESSING,  # the back office at work: no news for the counter
        )
    )
    assert kinds(choose_notices(Observation(), now)) == {
        NoticeKind.SUPPLEMENT_REQUESTED: 1,
        NoticeKind.RESULT_READY: 2,
    }


def _dossier(services, due_at, status=DossierStatus.RECEIVED) -> str:  # type: ignore[no-untyped-def]
    with services.database.transaction() as session:
        saved = add_dossier(
            session,
            Dossier(
                procedure_code="1.001193",
                applicant=Applicant(name="Phạm Thị Hoa"),
                received_at=NOW - 72 * HOUR,
                due_at=due_at,
                status=status,
            ),
        )
        enqueue(session, MessageKind.DOSSIER_CREATED, saved.id, {"id": saved.id})
    return saved.id


def test_observe_reads_open_dossiers_by_appointment_and_messages_needing_the_officer(
    services,
) -> None:
    overdue = _dossier(services, NOW - HOUR)
    soon = _dossier(services, NOW + 5 * HOUR)
    _dossier(services, NOW + 48 * HOUR)  # not soon
    _dossier(services, NOW - HOUR, DossierStatus.PROCESSED)  # finished in time or not: done
    _dossier(services, NOW - HOUR, DossierStatus.SUPPLEMENT_REQUESTED)  # clock paused
    _dossier(services, None)  # no appointment
    with services.database.transaction() as session:
        [claimed] = claim_next(session, limit=1, now=NOW)
        mark_needs_attention(session, claimed.message_id, "refused")

    seen = observe(services.database, NOW, online=False, tokens=lambda: frozenset({"T1"}))
    assert seen.overdue == {overdue}
    assert seen.due_soon == {soon}
    assert seen.needs_attention == 1
    assert (seen.online, seen.tokens) == (False, frozenset({"T1"}))


def test_observe_counts_only_statuses_received_after_the_last_look(services) -> None:
    dossier = _dossier(services, NOW + 48 * HOUR)

    def received(status: DossierStatus) -> None:
        with services.database.transaction() as session:
            enqueue(session, MessageKind.DOSSIER_STATUS_RECEIVED, dossier, {"status": int(status)})

    received(DossierStatus.PROCESSING)
    first = observe(services.database, NOW)
    assert first.came_back == ()  # before the window opened: not news
    received(DossierStatus.SUPPLEMENT_REQUESTED)
    second = observe(services.database, NOW, after=first.last_message)
    assert second.came_back == (DossierStatus.SUPPLEMENT_REQUESTED,)
    third = observe(services.database, NOW, after=second.last_message)
    assert third.came_back == ()


def test_a_failing_token_listing_counts_as_unknown(services) -> None:
    def broken() -> frozenset[str]:
        raise OSError("token half pulled out")

    assert observe(services.database, NOW, tokens=broken).tokens is None
