"""`oslo_daily`: a job at an hour in Oslo runs at that hour, summer and winter, once."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from procrastinate.contrib.django import app

from common.schedules import is_oslo_hour, oslo_daily, utc_hours

OSLO = ZoneInfo("Europe/Oslo")
UTC = dt.UTC
CALLS: list[int] = []


@oslo_daily(hour=3, minute=17, periodic_id="test-oslo-daily", name="test.oslo", queue="q")
def job() -> None:
    """A job."""
    CALLS.append(1)


def test_an_hour_in_oslo_is_one_of_two_utc_hours():
    assert utc_hours(3) == [1, 2]
    assert utc_hours(8) == [6, 7]


def test_an_hour_whose_utc_day_differs_is_refused():
    with pytest.raises(ValueError, match="cannot schedule 1:00"):
        utc_hours(1)


@pytest.mark.parametrize(
    ("utc", "runs"),
    [
        (dt.datetime(2027, 1, 12, 2, 17, tzinfo=UTC), True),  # winter: UTC+1
        (dt.datetime(2027, 1, 12, 1, 17, tzinfo=UTC), False),
        (dt.datetime(2027, 7, 12, 1, 17, tzinfo=UTC), True),  # summer: UTC+2
        (dt.datetime(2027, 7, 12, 2, 17, tzinfo=UTC), False),
    ],
)
def test_the_job_works_only_at_the_utc_hour_that_is_its_hour_in_oslo(utc, runs):
    CALLS.clear()

    job(timestamp=int(utc.timestamp()))

    assert is_oslo_hour(int(utc.timestamp()), 3) is runs
    assert ([1] if runs else []) == CALLS
    [periodic] = [
        p
        for p in app.periodic_registry.periodic_tasks.values()
        if p.periodic_id == "test-oslo-daily"
    ]
    assert periodic.cron == "17 1,2 * * *"
    assert (job.name, job.queue, job.queueing_lock) == ("test.oslo", "q", "test-oslo-daily")
    assert job.__doc__ == "A job."
