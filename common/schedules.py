"""Periodic jobs at an hour in Oslo, summer and winter.

procrastinate's cron is in UTC, and Oslo is UTC+1 in winter and UTC+2 in summer. A job meant
for 03:17 in Oslo is therefore scheduled at both UTC hours it can fall on (01:17 and 02:17)
and does its work only at the one that is 03 in Oslo (`is_oslo_hour`). `oslo_daily` writes
that pattern once: the two hours, the guard, and the queueing lock that keeps one job per
schedule however many workers schedule it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from zoneinfo import ZoneInfo

from procrastinate.contrib.django import app

OSLO = ZoneInfo("Europe/Oslo")


def is_oslo_hour(timestamp: int, hour: int) -> bool:
    """Whether the UTC `timestamp` a periodic job was scheduled for is `hour` in Oslo."""
    return dt.datetime.fromtimestamp(timestamp, OSLO).hour == hour


def utc_hours(hour: int) -> list[int]:
    """The UTC hours that can be `hour` in Oslo: one for each offset Oslo has in a year."""
    offsets = {
        dt.datetime(2026, month, 1, tzinfo=OSLO).utcoffset() // dt.timedelta(hours=1)
        for month in (1, 7)
    }
    if any(hour - offset < 0 for offset in offsets):
        # The UTC day would differ from Oslo's, and a weekday in the cron with it.
        raise ValueError(f"oslo_daily cannot schedule {hour}:00 in Oslo")
    return sorted(hour - offset for offset in offsets)


def oslo_daily(
    *,
    hour: int,
    minute: int = 0,
    weekday: str = "*",
    periodic_id: str,
    name: str,
    queue: str,
    **task_options,
) -> Callable[[Callable[[], object]], object]:
    """Run the decorated function (no arguments) at `hour`:`minute` in Oslo, every day or
    on the cron `weekday` ("1" is Monday), as the procrastinate task `name` on `queue`.
    `task_options` go to the task (`retry=...`)."""
    cron = f"{minute} {','.join(map(str, utc_hours(hour)))} * * {weekday}"

    def decorate(function: Callable[[], object]) -> object:
        def at_the_hour(timestamp: int) -> None:
            if is_oslo_hour(timestamp, hour):
                function()

        for attribute in ("__module__", "__name__", "__qualname__", "__doc__"):
            setattr(at_the_hour, attribute, getattr(function, attribute))
        task = app.task(queue=queue, queueing_lock=periodic_id, name=name, **task_options)
        return app.periodic(cron=cron, periodic_id=periodic_id)(task(at_the_hour))

    return decorate
