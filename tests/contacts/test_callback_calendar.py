"""The working calendar behind "ring tilbake innen": 8 working hours (08:00-16:00 in Oslo,
Monday to Friday, not public holidays nor closed days) after an enquiry comes in, counted
from when working time next begins. Every expected time below is worked out by hand from
a wall calendar, not from the code."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core.checks import Error
from django.core.management import call_command
from django.core.management.base import SystemCheckError

from contacts.calendar import callback_due, working_calendar
from contacts.checks import check_callback_calendar
from tests.contacts.factories import make_enquiry

OSLO = ZoneInfo("Europe/Oslo")


def oslo(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=OSLO)


@pytest.fixture(autouse=True)
def promise(settings):
    settings.CONTACTS_WORKDAY = "08:00-16:00"
    settings.CONTACTS_CALLBACK_WORKING_HOURS = 8
    settings.CONTACTS_CLOSED_DAYS = []


@pytest.mark.parametrize(
    ("received", "due"),
    [
        # Friday afternoon: 1 h 30 min on Friday, 6 h 30 min on Monday.
        (oslo(2026, 11, 27, 14, 30), oslo(2026, 11, 30, 14, 30)),
        # In working hours on a Wednesday: the same time the next day.
        (oslo(2026, 11, 25, 9, 30), oslo(2026, 11, 26, 9, 30)),
        # At opening time: the whole day, due at closing the same day.
        (oslo(2026, 11, 25, 8, 0), oslo(2026, 11, 25, 16, 0)),
        # In the evening, and before opening: counted from 08:00 the next working day.
        (oslo(2026, 11, 25, 20, 0), oslo(2026, 11, 26, 16, 0)),
        (oslo(2026, 11, 26, 6, 15), oslo(2026, 11, 26, 16, 0)),
        # On a Saturday, and on an ordinary Sunday: Monday.
        (oslo(2026, 11, 28, 11, 0), oslo(2026, 11, 30, 16, 0)),
        (oslo(2026, 11, 29, 11, 0), oslo(2026, 11, 30, 16, 0)),
        # Skjærtorsdag 2027 (25 March; Easter Sunday is 28 March): Thursday, Good Friday
        # and Easter Monday (29 March) are holidays, so the day counted is Tuesday 30 March.
        (oslo(2027, 3, 25, 10, 0), oslo(2027, 3, 30, 16, 0)),
        # The day before: 1 h on Wednesday 24 March, then 7 h on Tuesday 30 March.
        (oslo(2027, 3, 24, 15, 0), oslo(2027, 3, 30, 15, 0)),
        # Kristi himmelfartsdag (Thursday 6 May 2027): Wednesday noon -> Friday noon.
        (oslo(2027, 5, 5, 12, 0), oslo(2027, 5, 7, 12, 0)),
        # 2. pinsedag and 17. mai fall on Monday 17 May 2027: Friday 14 May -> Tuesday.
        (oslo(2027, 5, 14, 12, 0), oslo(2027, 5, 18, 12, 0)),
        # 1. mai on a Friday (2026): Thursday 30 April 12:00 -> Monday 4 May 12:00.
        (oslo(2026, 4, 30, 12, 0), oslo(2026, 5, 4, 12, 0)),
    ],
)
def test_the_due_time_counts_eight_working_hours(received, due):
    assert callback_due(received) == due


def test_a_closed_day_and_a_closed_range_are_skipped(settings):
    settings.CONTACTS_CLOSED_DAYS = ["2026-12-24", "2026-12-28..2026-12-31"]

    # Wednesday 23 December 12:00: 4 h that day; then 24 (closed), 25 and 26 (holidays),
    # 27 (Sunday), 28 to 31 (closed), 1 January (holiday), 2 and 3 (weekend).
    assert callback_due(oslo(2026, 12, 23, 12, 0)) == oslo(2027, 1, 4, 12, 0)
    # Without the closed days: 4 h on Thursday 24 December.
    settings.CONTACTS_CLOSED_DAYS = []
    assert callback_due(oslo(2026, 12, 23, 12, 0)) == oslo(2026, 12, 24, 12, 0)


def test_the_due_time_is_right_across_the_change_to_summer_time():
    # Friday 27 March 2026 14:00 CET (13:00 UTC); the clocks go forward on Sunday 29 March.
    due = callback_due(oslo(2026, 3, 27, 14, 0))

    assert due == oslo(2026, 3, 30, 14, 0)  # 14:00 CEST on Monday, 6 h after opening
    assert due.astimezone(dt.UTC) == dt.datetime(2026, 3, 30, 12, 0, tzinfo=dt.UTC)


def test_the_due_time_is_right_across_the_change_to_winter_time():
    # Friday 23 October 2026 14:00 CEST; the clocks go back on Sunday 25 October.
    due = callback_due(oslo(2026, 10, 23, 14, 0))

    assert due.astimezone(dt.UTC) == dt.datetime(2026, 10, 26, 13, 0, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("start", "end", "hours"),
    [
        # Friday 15:00 to Monday 09:00, over the change to summer time: 1 h + 1 h.
        (oslo(2026, 3, 27, 15, 0), oslo(2026, 3, 30, 9, 0), 2),
        # Evening to the next evening: one whole working day.
        (oslo(2026, 11, 24, 18, 0), oslo(2026, 11, 25, 19, 0), 8),
        # Over Easter 2027, Wednesday 14:00 to Tuesday 09:30: 2 h + 1 h 30 min.
        (oslo(2027, 3, 24, 14, 0), oslo(2027, 3, 30, 9, 30), 3.5),
        # Backwards: none.
        (oslo(2026, 11, 25, 12, 0), oslo(2026, 11, 25, 11, 0), 0),
    ],
)
def test_working_time_between_two_instants(start, end, hours):
    assert working_calendar().between(start, end) == dt.timedelta(hours=hours)


def test_the_working_day_is_a_setting(settings):
    settings.CONTACTS_WORKDAY = "09:00-15:00"  # 6 h a day

    assert callback_due(oslo(2026, 11, 25, 12, 0)) == oslo(2026, 11, 26, 14, 0)


def test_sundays_are_days_off_but_not_counted_as_public_holidays():
    calendar = working_calendar()

    assert not calendar.is_working_day(dt.date(2026, 11, 29))  # a Sunday
    assert calendar.is_working_day(dt.date(2026, 11, 30))
    assert not calendar.is_working_day(dt.date(2027, 5, 6))  # Kristi himmelfartsdag


@pytest.mark.django_db
def test_an_enquiry_gets_its_due_time_when_it_is_stored():
    enquiry = make_enquiry(received_at=oslo(2026, 11, 27, 14, 30))

    enquiry.refresh_from_db()
    assert enquiry.callback_due_at == oslo(2026, 11, 30, 14, 30)
    assert enquiry.contacted_at is None


@pytest.mark.parametrize(
    ("setting", "value", "error_id", "message"),
    [
        ("CONTACTS_CLOSED_DAYS", ["2026-12-24", "2026-13-01"], "contacts.E011", "'2026-13-01'"),
        ("CONTACTS_CLOSED_DAYS", ["2026-12-31..2026-12-27"], "contacts.E011", "ends before"),
        ("CONTACTS_CLOSED_DAYS", ["24.12.2026"], "contacts.E011", "'24.12.2026'"),
        ("CONTACTS_WORKDAY", "16:00-08:00", "contacts.E010", "start before it ends"),
        ("CONTACTS_WORKDAY", "8-16", "contacts.E010", "'8-16'"),
    ],
)
def test_the_system_check_names_a_bad_closed_day_or_workday(
    settings, setting, value, error_id, message
):
    setattr(settings, setting, value)

    [error] = check_callback_calendar(None)

    assert isinstance(error, Error)
    assert error.id == error_id
    assert message in error.msg
    with pytest.raises(SystemCheckError, match=error_id):
        call_command("check")


def test_good_closed_days_pass_the_check(settings):
    settings.CONTACTS_CLOSED_DAYS = ["2026-12-24", "2026-12-28..2026-12-31"]

    assert check_callback_calendar(None) == []
