"""Due dates: the working-day calendar, the counter's cut-off, limits of every kind, pauses."""

from __future__ import annotations

import json
from datetime import date, datetime, time

import pytest

from workstation.cli import main
from workstation.domain.calendar import DayKind, PublishedDay, WorkingCalendar, load_calendar
from workstation.domain.catalogue import TimeLimit, TimeUnit
from workstation.domain.clock import VIETNAM
from workstation.domain.due_dates import (
    CountingRules,
    Pause,
    compute_due,
    load_rules,
    rules_in_force,
)
from workstation.errors import BadInput

CALENDAR = load_calendar()
RULES = rules_in_force(load_rules(), date(2026, 1, 1))


def due(received: str, amount: int, unit: TimeUnit = TimeUnit.WORKING_DAYS, **kw) -> datetime:
    result = compute_due(
        datetime.fromisoformat(received), TimeLimit(amount, unit), CALENDAR, RULES, **kw
    )
    return result.due.replace(tzinfo=None)


def test_live_receipt_five_working_days_from_friday_morning_is_next_friday() -> None:
    # DOMAIN.md: received 09:32 Friday 27/10/2023, 5 working days -> Friday 03/11/2023.
    assert due("2023-10-27T09:32", 5) == datetime(2023, 11, 3, 9, 32)


def test_due_date_is_in_vietnam_time_whatever_zone_the_receipt_came_in() -> None:
    utc = datetime.fromisoformat("2023-10-27T02:32:00+00:00")
    result = compute_due(utc, TimeLimit(5, TimeUnit.WORKING_DAYS), CALENDAR, RULES)
    assert result.due.isoformat() == "2023-11-03T09:32:00+07:00"
    assert result.due.tzinfo is VIETNAM


def test_tet_2026_is_five_days_off_from_monday_16_to_friday_20_february() -> None:
    kinds = [CALENDAR.kind(date(2026, 2, d)) for d in range(14, 24)]
    assert kinds == [DayKind.WEEKEND] * 2 + [DayKind.DAY_OFF] * 5 + [DayKind.WEEKEND] * 2 + [
        DayKind.WORKING_DAY
    ]


def test_working_days_skip_tet_2026() -> None:
    result = compute_due(
        datetime(2026, 2, 13, 10, 0), TimeLimit(5, TimeUnit.WORKING_DAYS), CALENDAR, RULES
    )
    assert result.due.replace(tzinfo=None) == datetime(2026, 2, 27, 10, 0)
    assert [d for d, _ in result.days_off] == [date(2026, 2, d) for d in range(16, 21)]
    assert "day_off_skipped" in {r.code for r in result.rules}


def test_saturday_22_august_2026_is_worked_and_31_august_is_off() -> None:
    assert CALENDAR.kind(date(2026, 8, 22)) is DayKind.MAKE_UP_DAY
    assert CALENDAR.kind(date(2026, 8, 31)) is DayKind.DAY_OFF
    assert CALENDAR.kind(date(2026, 9, 1)) is DayKind.DAY_OFF
    assert CALENDAR.kind(date(2026, 9, 2)) is DayKind.DAY_OFF
    # Friday 21/08 morning, 2 working days: Saturday 22/08 counts, then Monday 24/08.
    assert due("2026-08-21T09:00", 1) == datetime(2026, 8, 22, 9, 0)
    assert due("2026-08-21T09:00", 2) == datetime(2026, 8, 24, 9, 0)
    # Friday 28/08, 1 working day: Monday 31/08 to Wednesday 02/09 are off.
    assert due("2026-08-28T09:00", 1) == datetime(2026, 9, 3, 9, 0)


def test_hung_kings_day_on_sunday_2026_gives_monday_27_april_off() -> None:
    assert CALENDAR.kind(date(2026, 4, 27)) is DayKind.DAY_OFF
    assert CALENDAR.needs_verifying(date(2026, 4, 27))


def test_published_data_overrides_the_statutory_calendar() -> None:
    # A province that works on a day the package lists as off, and closes an extra day.
    calendar = WorkingCalendar(
        [
            PublishedDay(date(2026, 11, 24), works=True, name="làm việc"),
            PublishedDay(date(2026, 11, 25), works=False, name="nghỉ thêm"),
        ]
    )
    assert calendar.kind(date(2026, 11, 24)) is DayKind.WORKING_DAY
    assert calendar.kind(date(2026, 11, 25)) is DayKind.DAY_OFF
    assert calendar.name(date(2026, 11, 25)) == "nghỉ thêm"


def test_dossier_received_after_15h_counts_from_next_working_day() -> None:
    assert due("2023-10-27T15:00", 5) == datetime(2023, 11, 3, 15, 0)
    assert due("2023-10-27T15:01", 5) == datetime(2023, 11, 6, 15, 1)


def test_dossier_received_on_a_sunday_counts_from_monday() -> None:
    assert due("2023-10-29T10:00", 1) == datetime(2023, 10, 31, 10, 0)


def test_calendar_days_landing_on_sunday_move_to_monday() -> None:
    # Thursday 05/03/2026 + 3 days = Sunday 08/03 -> Monday 09/03.
    result = compute_due(
        datetime(2026, 3, 5, 10, 0), TimeLimit(3, TimeUnit.CALENDAR_DAYS), CALENDAR, RULES
    )
    assert result.due.replace(tzinfo=None) == datetime(2026, 3, 9, 10, 0)
    assert "moved_to_working_day" in {r.code for r in result.rules}


def test_calendar_days_count_weekends_and_days_off() -> None:
    # 10 calendar days from Thursday 12/02/2026 run through Tết to Sunday 22/02 -> Monday 23/02.
    assert due("2026-02-12T08:00", 10, TimeUnit.CALENDAR_DAYS) == datetime(2026, 2, 23, 8, 0)
    assert due("2026-03-02T08:00", 10, TimeUnit.CALENDAR_DAYS) == datetime(2026, 3, 12, 8, 0)


def test_same_day_procedure_is_due_at_close_of_office_hours() -> None:
    assert due("2026-03-06T09:00", 0, TimeUnit.SAME_DAY) == datetime(2026, 3, 6, 17, 0)


def test_same_day_procedure_received_after_15h_is_due_next_working_day() -> None:
    # Friday 15:30 -> Monday.
    assert due("2026-03-06T15:30", 0, TimeUnit.SAME_DAY) == datetime(2026, 3, 9, 17, 0)


def test_hours_count_office_hours_only() -> None:
    # 09:00 + 4 h: 09:00-11:30 is 2.5 h, then 13:30 + 1.5 h = 15:00.
    assert due("2026-03-03T09:00", 4, TimeUnit.WORKING_HOURS) == datetime(2026, 3, 3, 15, 0)
    # Received in the lunch break: the clock starts at 13:30.
    assert due("2026-03-03T12:10", 2, TimeUnit.WORKING_HOURS) == datetime(2026, 3, 3, 15, 30)
    # Friday 14:00 + 6 h: 3 h on Friday, the rest from Monday 07:00.
    assert due("2026-03-06T14:00", 6, TimeUnit.WORKING_HOURS) == datetime(2026, 3, 9, 10, 0)


def test_eight_working_hours_make_one_working_day() -> None:
    assert due("2023-10-27T09:32", 40, TimeUnit.WORKING_HOURS) == due("2023-10-27T09:32", 5)
    assert due("2026-03-03T09:00", 16, TimeUnit.WORKING_HOURS) == datetime(2026, 3, 5, 9, 0)


def test_request_to_supplement_pauses_the_clock_until_the_supplement_arrives() -> None:
    paused = [Pause(datetime(2026, 3, 6, 10, 0), datetime(2026, 3, 10, 10, 0))]
    # Friday 10:00 to Tuesday 10:00 is 16 office hours: two working days.
    assert due("2026-03-05T09:00", 3) == datetime(2026, 3, 10, 9, 0)
    assert due("2026-03-05T09:00", 3, pauses=paused) == datetime(2026, 3, 12, 9, 0)


def test_pause_shorter_than_a_day_moves_the_appointment_by_office_time() -> None:
    paused = [Pause(datetime(2026, 3, 5, 10, 0), datetime(2026, 3, 5, 14, 30))]
    # 10:00-11:30 and 13:30-14:30 = 2.5 office hours; 09:00 + 2.5 h = 11:30.
    assert due("2026-03-05T09:00", 3, pauses=paused) == datetime(2026, 3, 10, 11, 30)


def test_pause_in_a_calendar_day_limit_moves_it_by_calendar_days() -> None:
    paused = [Pause(datetime(2026, 3, 3, 10, 0), datetime(2026, 3, 5, 10, 0))]
    assert due("2026-03-02T08:00", 10, TimeUnit.CALENDAR_DAYS, pauses=paused) == datetime(
        2026, 3, 16, 8, 0
    )


def test_pause_before_receipt_or_ending_before_it_starts_is_refused() -> None:
    with pytest.raises(BadInput) as caught:
        due("2026-03-05T09:00", 3, pauses=[Pause(datetime(2026, 3, 4), datetime(2026, 3, 6))])
    assert caught.value.code == "due.bad_pause"
    with pytest.raises(BadInput):
        due("2026-03-05T09:00", 3, pauses=[Pause(datetime(2026, 3, 6), datetime(2026, 3, 5, 10))])
    with pytest.raises(BadInput) as caught:
        due("2026-03-05T09:00", 1, pauses=[Pause(datetime(2026, 3, 20), datetime(2026, 3, 21))])
    assert caught.value.code == "due.pause_after_due"


def test_appointment_time_rule_is_configurable() -> None:
    end_of_day = CountingRules(
        effective_from=date(2018, 1, 1),
        counter_cutoff=time(15),
        office_hours=((time(7), time(11, 30)), (time(13, 30), time(17))),
        hours_per_day=8,
        appointment_time="end_of_day",
    )
    fixed = CountingRules(**{**end_of_day.__dict__, "appointment_time": "08:00"})
    limit = TimeLimit(5, TimeUnit.WORKING_DAYS)
    received = datetime(2023, 10, 27, 9, 32)
    assert compute_due(received, limit, CALENDAR, end_of_day).due.hour == 17
    assert compute_due(received, limit, CALENDAR, fixed).due.replace(tzinfo=None) == datetime(
        2023, 11, 3, 8, 0
    )


def test_received_in_the_lunch_break_keeps_its_appointment_inside_office_hours() -> None:
    assert due("2026-03-05T12:15", 1) == datetime(2026, 3, 6, 13, 30)


def test_rules_version_in_force_is_picked_by_the_day_of_receipt(tmp_path) -> None:
    path = tmp_path / "rules.json"
    base = {"counter_cutoff": "15:00", "office_hours": [["07:00", "11:30"], ["13:30", "17:00"]]}
    path.write_text(
        json.dumps(
            {
                "versions": [
                    base | {"effective_from": "2020-01-01", "hours_per_day": 8},
                    base
                    | {
                        "effective_from": "2027-01-01",
                        "hours_per_day": 7,
                        "counter_cutoff": "16:00",
                    },
                ]
            }
        ),
        encoding="utf-8",
    )
    versions = load_rules(path)
    assert rules_in_force(versions, date(2026, 12, 31)).hours_per_day == 8
    assert rules_in_force(versions, date(2027, 1, 1)).counter_cutoff == time(16)
    with pytest.raises(BadInput) as caught:
        rules_in_force(versions, date(2019, 1, 1))
    assert caught.value.code == "calendar.no_rules"


def test_malformed_rules_file_is_bad_input(tmp_path) -> None:
    path = tmp_path / "rules.json"
    path.write_text('{"versions": [{"effective_from": "2020-01-01"}]}', encoding="utf-8")
    with pytest.raises(BadInput) as caught:
        load_rules(path)
    assert caught.value.code == "calendar.rules_unreadable"


def test_due_date_command_prints_the_due_moment_and_the_rules(capsys) -> None:
    code = main(["due-date", "--days", "5", "--received", "2023-10-27T09:32", "--json"])
    out = json.loads(capsys.readouterr().out)
    assert code == 0
    assert out["due"] == "2023-11-03T09:32:00+07:00"
    assert out["receipt_text"] == "09 giờ 32 phút, Thứ Sáu ngày 03/11/2023"
    assert [r["code"] for r in out["rules"]][:2] == ["before_cutoff", "working_days"]
    assert all(r["message"] and r["message_en"] for r in out["rules"])


def test_due_date_command_reads_the_time_limit_from_the_catalogue(capsys) -> None:
    # 2.000575 (household business registration): 3 working days in the sample catalogue.
    code = main(["due-date", "--procedure", "2.000575", "--received", "2026-03-06T16:00", "--json"])
    out = json.loads(capsys.readouterr().out)
    assert code == 0
    assert out["limit"] == {"amount": 3, "unit": "working_days"}
    assert out["procedure"]["code"] == "2.000575"
    assert out["due"] == "2026-03-12T16:00:00+07:00"


def test_due_date_command_takes_pauses(capsys) -> None:
    argv = ["due-date", "--days", "3", "--received", "2026-03-05T09:00", "--json"]
    code = main([*argv, "--pause", "2026-03-06T10:00/2026-03-10T10:00"])
    assert code == 0
    assert json.loads(capsys.readouterr().out)["due"] == "2026-03-12T09:00:00+07:00"


def test_due_date_command_refuses_an_unknown_procedure_as_bad_input(capsys) -> None:
    code = main(["due-date", "--procedure", "9.999999", "--received", "2026-03-05T09:00"])
    assert code == 3
    assert "9.999999" in capsys.readouterr().err


def test_due_date_command_refuses_calendar_days_without_days(capsys) -> None:
    assert main(["due-date", "--hours", "3", "--calendar-days"]) == 3


def test_online_dossier_after_15h_counts_the_same_day_until_office_hours_close() -> None:
    limit = TimeLimit(5, TimeUnit.WORKING_DAYS)
    at_1600 = compute_due(datetime(2023, 10, 27, 16, 0), limit, CALENDAR, RULES, online=True)
    assert at_1600.due.replace(tzinfo=None) == datetime(2023, 11, 3, 16, 0)
    at_2000 = compute_due(datetime(2023, 10, 27, 20, 0), limit, CALENDAR, RULES, online=True)
    assert at_2000.day_zero == date(2023, 10, 30)
    assert at_2000.due.replace(tzinfo=None) == datetime(2023, 11, 6, 17, 0)


def test_due_date_command_takes_online_submissions(capsys) -> None:
    argv = ["due-date", "--days", "5", "--received", "2023-10-27T16:00", "--online", "--json"]
    assert main(argv) == 0
    assert json.loads(capsys.readouterr().out)["due"] == "2023-11-03T16:00:00+07:00"
