"""How the callback promise is kept, on the admin index: median and 90th percentile of the
working time to first contact, and promises kept out of those due, over 30 and 90 days.

The expected values are worked out by hand below (working time 08:00-16:00, Monday to
Friday, Norwegian holidays), at Thursday 11 March 2027 12:00 in Oslo. Percentiles
interpolate between ranks, as PostgreSQL's percentile_cont: p of n sorted values is at
rank (n - 1) * p, counted from 0."""

from __future__ import annotations

import datetime as dt
import random
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from contacts.calendar import working_calendar
from contacts.inbox.callback_stats import percentile, promise_statistics
from contacts.models import Enquiry
from tests.contacts.factories import make_enquiry

pytestmark = pytest.mark.django_db
OSLO = ZoneInfo("Europe/Oslo")
NOW = dt.datetime(2027, 3, 11, 12, 0, tzinfo=OSLO)


def oslo(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=OSLO)


@pytest.fixture(autouse=True)
def promise(settings):
    settings.CONTACTS_WORKDAY = "08:00-16:00"
    settings.CONTACTS_CALLBACK_WORKING_HOURS = 8
    settings.CONTACTS_CLOSED_DAYS = []


def enquiry(received: dt.datetime, contacted: dt.datetime | None = None, **fields) -> Enquiry:
    made = make_enquiry(received_at=received, **fields)
    if contacted:
        Enquiry.objects.filter(pk=made.pk).update(contacted_at=contacted)
    return made


@pytest.fixture
def history() -> None:
    # Working time to first contact, due time, promise kept?
    # In the last 30 days (contacted after Tuesday 9 February 12:00):
    enquiry(oslo(2027, 3, 8, 9), oslo(2027, 3, 8, 10))  # 1 h; due Tue 9 Mar 09:00: kept
    enquiry(oslo(2027, 3, 8, 15), oslo(2027, 3, 9, 9))  # 1 + 1 = 2 h; due Tue 15:00: kept
    enquiry(oslo(2027, 3, 5, 14), oslo(2027, 3, 8, 11))  # Fri 2 + Mon 3 = 5 h; due Mon 14: kept
    enquiry(oslo(2027, 3, 6, 10), oslo(2027, 3, 8, 12))  # Saturday: Mon 4 h; due Mon 16: kept
    enquiry(oslo(2027, 3, 2, 9), oslo(2027, 3, 3, 13))  # 7 + 5 = 12 h; due Wed 3 09:00: broken
    enquiry(oslo(2027, 3, 10, 15), oslo(2027, 3, 10, 15, 30))  # 30 min; due Thu 15:00: not yet
    enquiry(oslo(2027, 3, 9, 8))  # due Tue 9 Mar 16:00, never contacted: broken, overdue now
    enquiry(oslo(2027, 3, 10, 14))  # due Thu 11 Mar 14:00: not due yet
    enquiry(oslo(2027, 3, 1, 10), status="spam")  # due 2 March, but no promise owed to spam
    enquiry(oslo(2027, 3, 8, 9), oslo(2027, 3, 8, 9, 30), callback_due_at=None)  # no promise
    # 30 to 90 days back (contacted after Friday 11 December 2026 12:00):
    enquiry(oslo(2027, 1, 4, 8), oslo(2027, 1, 4, 16))  # 8 h; due Mon 4 Jan 16:00: kept
    # Wed 23 Dec 1 h, Thu 24 Dec (a working day) 8 h, 25 Dec a holiday, Mon 28 Dec 1 h:
    enquiry(oslo(2026, 12, 23, 15), oslo(2026, 12, 28, 9))  # 10 h; due Thu 24 Dec 15: broken
    # Older than 90 days: in neither.
    enquiry(oslo(2026, 11, 23, 9), oslo(2026, 11, 24, 10))


def test_the_statistics_by_hand(history):
    last_30, last_90 = promise_statistics(now=NOW)

    # 30 days: 0.5, 1, 2, 4, 5, 12 h. Median (2 + 4) / 2 = 3 h; 90th at rank 4.5:
    # 5 + 0.5 * (12 - 5) = 8.5 h. Due: the first five and the one never contacted; kept 4.
    assert (last_30.days, last_30.contacted) == (30, 6)
    assert last_30.median == dt.timedelta(hours=3)
    assert last_30.p90 == dt.timedelta(hours=8, minutes=30)
    assert (last_30.kept, last_30.due) == (4, 6)
    # 90 days: 0.5, 1, 2, 4, 5, 8, 10, 12 h. Median (4 + 5) / 2 = 4.5 h; 90th at rank 6.3:
    # 10 + 0.3 * (12 - 10) = 10.6 h. Due: two more, one of them kept.
    assert (last_90.days, last_90.contacted) == (90, 8)
    assert last_90.median == dt.timedelta(hours=4, minutes=30)
    assert last_90.p90 == dt.timedelta(hours=10, minutes=36)
    assert (last_90.kept, last_90.due) == (5, 8)


def test_no_contacts_and_no_promises_yet():
    [last_30, last_90] = promise_statistics(now=NOW)

    assert (last_30.contacted, last_30.median, last_30.p90, last_30.due) == (0, None, None, 0)
    assert last_90.kept == 0


def test_percentiles_interpolate_between_ranks():
    hours = [float(h) for h in range(1, 11)]

    assert percentile(hours, 0.5) == 5.5
    assert percentile(hours, 0.9) == pytest.approx(9.1)
    assert percentile([7.0], 0.9) == 7.0
    assert percentile([], 0.5) is None


def test_the_sql_agrees_with_the_python_calendar():
    """Random arrivals and contact delays over the last 90 days (weekends, Christmas, the
    change to summer time, evenings): the SQL's percentiles equal those of
    WorkingCalendar.between for the same rows."""
    rng = random.Random(15)
    calendar = working_calendar()
    since = NOW - dt.timedelta(days=90)
    seconds = {30: [], 90: []}
    for _ in range(40):
        received = since - dt.timedelta(days=5) + dt.timedelta(minutes=rng.randrange(130_000))
        contacted = received + dt.timedelta(minutes=rng.randrange(1, 6000))
        if contacted > NOW:
            continue
        enquiry(received, contacted)
        for days in seconds:
            if contacted > NOW - dt.timedelta(days=days):
                seconds[days].append(calendar.between(received, contacted).total_seconds())

    for stats in promise_statistics(now=NOW):
        ordered = sorted(seconds[stats.days])
        assert stats.contacted == len(ordered) > 5
        assert stats.median.total_seconds() == round(percentile(ordered, 0.5))
        assert stats.p90.total_seconds() == round(percentile(ordered, 0.9))


def test_an_enquiry_contacted_long_after_it_came_is_counted_from_its_arrival():
    # Received Monday 5 October 2026 15:00, contacted Tuesday 9 March 2027 09:00: far
    # before the clock's usual start. 1 h that Monday, 1 h that Tuesday, and the working
    # days between (not counted here by hand: the calendar's own between() is tested).
    received, contacted = oslo(2026, 10, 5, 15), oslo(2027, 3, 9, 9)
    enquiry(received, contacted)

    [last_30, _] = promise_statistics(now=NOW)

    assert last_30.median == working_calendar().between(received, contacted)
    assert last_30.median > dt.timedelta(hours=8 * 100)


def text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


@pytest.fixture
def frozen():
    """Thursday 11 March 2027 12:00 in Oslo, the clock running: from before the login."""
    with time_machine.travel(NOW, tick=True):
        yield


def test_the_admin_index_shows_them(frozen, history, client, alice):
    html = client.get("/intern/").content.decode()
    shown = text(html)

    assert "Ring tilbake innen 1 virkedag (8 arbeidstimer): 1 over fristen" in shown
    assert "Siste 30 dager 3 t 8 t 30 min 4 av 6" in shown
    assert "Siste 90 dager 4 t 30 min 10 t 36 min 5 av 8" in shown
    assert '/intern/contacts/enquiry/?frist=forfalt"' in html


def test_the_admin_index_runs_as_many_queries_for_many_enquiries(frozen, client, alice):
    def queries() -> int:
        cache.clear()  # the statistics are kept a few minutes: count their queries too
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/intern/").status_code == 200
        return len(ctx.captured_queries)

    enquiry(oslo(2027, 3, 8, 9), oslo(2027, 3, 8, 10))
    few = queries()
    for day in range(1, 11):
        enquiry(oslo(2027, 3, day, 9), oslo(2027, 3, day, 15))
        enquiry(oslo(2027, 2, day, 9))
    many = queries()

    assert few == many


def test_the_index_keeps_the_statistics_a_few_minutes(frozen, history, client, alice):
    assert "Siste 30 dager 3 t 8 t 30 min 4 av 6" in text(client.get("/intern/").content.decode())
    enquiry(oslo(2027, 3, 9, 9))  # due Wednesday 10 March 09:00, not contacted: broken

    shown = text(client.get("/intern/").content.decode())
    assert "Siste 30 dager 3 t 8 t 30 min 4 av 6" in shown  # as it was
    assert "2 over fristen" in shown  # the overdue count is live

    with time_machine.travel(NOW + dt.timedelta(minutes=6), tick=True):
        shown = text(client.get("/intern/").content.decode())
    assert "Siste 30 dager 3 t 8 t 30 min 4 av 7" in shown
