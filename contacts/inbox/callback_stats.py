"""How the callback promise is kept, for the admin index: over the last 30 and 90 days, the
median and 90th percentile of the time to first contact, in working time (the working
calendar, contacts/calendar.py), and how many of the promises that fell due were kept.

- Time to first contact: enquiries first contacted in the window, from when they came in
  to the contact. Counted from arrival also for one let in from quarantine: it is how
  long the person waited.
- Promises: enquiries whose due time fell in the window; kept when contact was recorded
  by the due time. Spam is left out (no promise is owed to it); an enquiry closed without
  recorded contact counts as not kept.

One query, whatever the number of enquiries: the working periods of the stretch come from
the calendar (one home for the rule) as arrays, and PostgreSQL finds each timestamp's
period by binary search (`width_bucket`), sums as WorkingClock.elapsed does, and
returns the percentiles (`percentile_cont`) and counts. Only numbers leave the database.
tests/contacts/test_callback_stats.py checks the SQL against the Python calendar.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import connection
from django.utils import timezone

from contacts.calendar import working_calendar
from contacts.models import EnquiryStatus

WINDOWS = (30, 90)
# The clock starts this long before the longest window: an enquiry contacted in the
# window that came in earlier still than that makes the query run again from its arrival.
LEAD = dt.timedelta(days=60)


@dataclass(frozen=True)
class PromiseStats:
    days: int
    contacted: int  # first contacts in the window
    median: dt.timedelta | None  # working time to first contact; None when none
    p90: dt.timedelta | None
    due: int  # promises that fell due in the window
    kept: int  # of those, contacted by the due time


def percentile(ordered: Sequence[float], fraction: float) -> float | None:
    """Linear interpolation between the closest ranks, as PostgreSQL's percentile_cont
    (which the statistics use): of 1..10 hours the median is 5.5, the 90th 9.1."""
    if not ordered:
        return None
    rank = (len(ordered) - 1) * fraction
    low, high = math.floor(rank), math.ceil(rank)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


# elapsed(t) = before[i] + least(t, closes[i]) - opens[i] for the last period i opened by
# t (width_bucket: 0 when t is before the first period, and then NULL, so 0).
_ELAPSED = "coalesce(k.before[{i}] + least({t}, k.closes[{i}]) - k.opens[{i}], 0)"
_ROWS = f"""
WITH k(opens, closes, before) AS (SELECT %(opens)s::float8[], %(closes)s::float8[],
    %(before)s::float8[])
SELECT e.received_at, e.contacted_at, e.callback_due_at,
    {_ELAPSED.format(t="e.c", i="w.c")} - {_ELAPSED.format(t="e.r", i="w.r")} AS seconds
FROM (
    SELECT received_at, contacted_at, callback_due_at,
        extract(epoch FROM received_at)::float8 AS r,
        extract(epoch FROM contacted_at)::float8 AS c
    FROM contacts_enquiry
    WHERE callback_due_at IS NOT NULL AND status <> %(spam)s
        AND (callback_due_at > %(since)s AND callback_due_at <= %(now)s
             OR contacted_at > %(since)s AND contacted_at <= %(now)s)
) AS e
CROSS JOIN k
-- Working time only for the rows contacted in the window: the others need none.
LEFT JOIN LATERAL (SELECT width_bucket(e.r, k.opens) AS r, width_bucket(e.c, k.opens) AS c)
    AS w ON e.contacted_at > %(since)s
"""  # noqa: S608


def _window_columns(days: int) -> str:
    contacted = f"contacted_at > %(since_{days})s AND contacted_at <= %(now)s"
    fell_due = f"callback_due_at > %(since_{days})s AND callback_due_at <= %(now)s"
    return (
        f"count(*) FILTER (WHERE {contacted}), "
        f"percentile_cont(ARRAY[0.5, 0.9]) WITHIN GROUP (ORDER BY seconds) "
        f"FILTER (WHERE {contacted}), "
        f"count(*) FILTER (WHERE {fell_due}), "
        f"count(*) FILTER (WHERE {fell_due} AND contacted_at <= callback_due_at)"
    )


def _query(now: dt.datetime, windows: Sequence[int], start: dt.datetime) -> tuple:
    clock = working_calendar().clock(start, now)
    columns = ", ".join(_window_columns(days) for days in windows)
    earliest = (
        "min(received_at) FILTER (WHERE contacted_at > %(since)s AND contacted_at <= %(now)s)"
    )
    params = {
        "opens": clock.opens,
        "closes": clock.closes,
        "before": clock.before,
        "spam": EnquiryStatus.SPAM.value,
        "now": now,
        "since": now - dt.timedelta(days=max(windows)),
        **{f"since_{days}": now - dt.timedelta(days=days) for days in windows},
    }
    with connection.cursor() as cursor:
        sql = f"SELECT {earliest}, {columns} FROM ({_ROWS}) AS timed"  # noqa: S608 - fixed
        cursor.execute(sql, params)
        return cursor.fetchone()


def _seconds(value: float | None) -> dt.timedelta | None:
    return None if value is None else dt.timedelta(seconds=round(value))


def promise_statistics(
    *, now: dt.datetime | None = None, windows: Sequence[int] = WINDOWS
) -> list[PromiseStats]:
    now = now or timezone.now()
    start = now - dt.timedelta(days=max(windows)) - LEAD
    row = _query(now, windows, start)
    if row[0] is not None and row[0] < start:  # contacted long after it came: run again
        row = _query(now, windows, row[0])
    stats = []
    for n, days in enumerate(windows):
        contacted, quantiles, due, kept = row[1 + 4 * n : 5 + 4 * n]
        median, p90 = quantiles or (None, None)
        stats.append(PromiseStats(days, contacted, _seconds(median), _seconds(p90), due, kept))
    return stats
