"""The working calendar behind the callback promise ("ring tilbake innen").

Working time is CONTACTS_WORKDAY (wall-clock hours in Oslo) on Monday to Friday, except
Norwegian public holidays (the `holidays` package: fixed days and the moving ones, påske,
Kristi himmelfart, pinse) and the days the company has declared closed
(CONTACTS_CLOSED_DAYS). An enquiry's due time is CONTACTS_CALLBACK_WORKING_HOURS of that
time after it came in; one that comes in outside working time starts counting when
working time next begins.

All arithmetic is on UTC instants: each working period is built from the day's wall-clock
hours in Oslo and converted, so a day on which the clocks change has its true length.
"""

from __future__ import annotations

import bisect
import datetime as dt
import functools
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone

# No promise is kept by searching further than this for working time (a closed range
# that never ends is a configuration error, which the system check reports first).
MAX_SEARCH_DAYS = 3 * 366
UTC = dt.UTC


class CalendarError(ValueError):
    """A working day or closed day that cannot be read; the message names it."""


def parse_workday(text: str) -> tuple[dt.time, dt.time]:
    """Working hours like 08:00-16:00 as (opens, closes); the day starts before it ends."""
    try:
        opens, closes = (dt.time.fromisoformat(part.strip()) for part in text.split("-"))
    except ValueError:
        raise CalendarError(f"{text!r} is not working hours like 08:00-16:00") from None
    if opens >= closes:
        raise CalendarError(f"{text!r}: the working day must start before it ends")
    return opens, closes


def _date(text: str, item: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise CalendarError(f"{item!r} is not a date (YYYY-MM-DD) or range FROM..TO") from None


def parse_closed_days(items: Iterable[str]) -> frozenset[dt.date]:
    """ISO dates and FROM..TO ranges (both days included) -> the set of closed days."""
    days: set[dt.date] = set()
    for item in items:
        first, _, last = item.partition("..")
        start = _date(first, item)
        end = _date(last, item) if last else start
        if end < start:
            raise CalendarError(f"{item!r}: the range ends before it starts")
        if (end - start).days > 366:
            raise CalendarError(f"{item!r}: a closed range of more than a year")
        days.update(start + dt.timedelta(n) for n in range((end - start).days + 1))
    return frozenset(days)


@functools.cache
def _public_holidays(year: int) -> frozenset[dt.date]:
    # Imported here, on the first date asked about, not when the app loads: the package's
    # country tables cost every command, worker and server 75 ms of CPU, and most never ask.
    import holidays

    # include_sundays=False (the package's default, stated here): with True every Sunday
    # of the year is listed as a holiday. Weekends are never working days anyway.
    found = holidays.country_holidays("NO", years=year, include_sundays=False)
    return frozenset(found)


@dataclass(frozen=True)
class WorkingCalendar:
    opens: dt.time
    closes: dt.time
    closed_days: frozenset[dt.date]
    tz: dt.tzinfo

    def is_working_day(self, day: dt.date) -> bool:
        return (
            day.weekday() < 5
            and day not in self.closed_days
            and day not in _public_holidays(day.year)
        )

    def period(self, day: dt.date) -> tuple[dt.datetime, dt.datetime] | None:
        """The day's working period (opens, closes) in UTC; None on a day off."""
        if not self.is_working_day(day):
            return None
        return (
            dt.datetime.combine(day, self.opens, self.tz).astimezone(UTC),
            dt.datetime.combine(day, self.closes, self.tz).astimezone(UTC),
        )

    def periods(self, first_day: dt.date) -> Iterator[tuple[dt.datetime, dt.datetime]]:
        """The working periods from `first_day` on."""
        for n in range(MAX_SEARCH_DAYS):
            if period := self.period(first_day + dt.timedelta(n)):
                yield period
        raise CalendarError(f"no working day within {MAX_SEARCH_DAYS} days of {first_day}")

    def _local_day(self, at: dt.datetime) -> dt.date:
        return at.astimezone(self.tz).date()

    def add(self, start: dt.datetime, working: dt.timedelta) -> dt.datetime:
        """The instant when `working` working time has passed since `start` (aware). From
        outside working time, the count starts when working time next begins."""
        start = start.astimezone(UTC)
        for opens, closes in self.periods(self._local_day(start)):
            begin = max(opens, start)
            if begin >= closes:
                continue
            if working <= closes - begin:
                return begin + working
            working -= closes - begin
        raise AssertionError("periods() ends by raising")  # pragma: no cover

    def is_working_time(self, at: dt.datetime) -> bool:
        day = self._local_day(at)
        if not self.is_working_day(day):
            return False
        return self.opens <= at.astimezone(self.tz).time() < self.closes

    def clock(self, first: dt.datetime, last: dt.datetime) -> WorkingClock:
        """A clock of working time for instants from `first` to `last`."""
        first_day, last_day = self._local_day(first), self._local_day(last)
        days = (first_day + dt.timedelta(n) for n in range((last_day - first_day).days + 1))
        return WorkingClock([p for p in map(self.period, days) if p])

    def between(self, start: dt.datetime, end: dt.datetime) -> dt.timedelta:
        """Working time from `start` to `end` (zero when `end` is not after `start`)."""
        if end <= start:
            return dt.timedelta(0)
        return self.clock(start, end).between(start, end)


class WorkingClock:
    """Working seconds elapsed from the first period's start up to any instant of a stretch
    of days: a binary search over the periods. contacts/inbox/callback_stats.py does the same
    sum in SQL, from these lists (epoch seconds), for thousands of enquiries at once."""

    def __init__(self, periods: list[tuple[dt.datetime, dt.datetime]]) -> None:
        self.opens = [p[0].timestamp() for p in periods]
        self.closes = [p[1].timestamp() for p in periods]
        self.before = []  # working seconds before each period
        total = 0.0
        for opens, closes in zip(self.opens, self.closes, strict=True):
            self.before.append(total)
            total += closes - opens

    def elapsed(self, at: dt.datetime) -> float:
        t = at.timestamp()
        i = bisect.bisect_right(self.opens, t) - 1  # the last period opened by `t`
        if i < 0:
            return 0.0
        return self.before[i] + min(t, self.closes[i]) - self.opens[i]

    def between(self, start: dt.datetime, end: dt.datetime) -> dt.timedelta:
        return dt.timedelta(seconds=max(0.0, self.elapsed(end) - self.elapsed(start)))


@functools.cache
def _calendar(workday: str, closed: tuple[str, ...]) -> WorkingCalendar:
    opens, closes = parse_workday(workday)
    return WorkingCalendar(
        opens, closes, parse_closed_days(closed), timezone.get_default_timezone()
    )


def working_calendar() -> WorkingCalendar:
    """The calendar the settings describe (read on each call, built once per setting)."""
    return _calendar(settings.CONTACTS_WORKDAY, tuple(settings.CONTACTS_CLOSED_DAYS))


def promised_hours() -> dt.timedelta:
    return dt.timedelta(hours=settings.CONTACTS_CALLBACK_WORKING_HOURS)


def callback_due(received_at: dt.datetime) -> dt.datetime:
    """When an enquiry that came in (or was let in from quarantine) at `received_at` is
    due for its call: CONTACTS_CALLBACK_WORKING_HOURS of working time later."""
    return working_calendar().add(received_at, promised_hours())
