"""How times are written for people, in Oslo's local time (summer time included).

- Staff lists, forms and messages: short and numeric, `25.11.2026 16:23` (`short_date`,
  `short_datetime`; `DATE` is also the input format of the admin's date fields).
- Pages and reports a person gets about themselves: in words, with bokmål month names
  whatever language is active, `25. november 2026 kl. 16.23` (`in_words`).
What machines read keeps ISO 8601: the JSON downloads and `<time datetime>`.
"""

from __future__ import annotations

import datetime as dt

from django.utils import dateformat, timezone, translation

DATE = "%d.%m.%Y"
DATE_TIME = "%d.%m.%Y %H:%M"
WORDS_DATE_TIME = r"j. F Y \k\l. H.i"  # Språkrådet's clock: a dot between hours and minutes
WORDS_DATE = "j. F Y"


def in_oslo(value: dt.date | dt.datetime | str) -> dt.date | dt.datetime:
    """A datetime in Oslo's time; a date as it is; an ISO 8601 text (with its offset) read."""
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value, timezone.get_default_timezone())
    return value


def short_date(value: dt.date | dt.datetime) -> str:
    """`25.11.2026` (a datetime's day in Oslo)."""
    return in_oslo(value).strftime(DATE)


def short_datetime(value: dt.datetime) -> str:
    """`25.11.2026 16:23` in Oslo."""
    return in_oslo(value).strftime(DATE_TIME)


def in_words(value: dt.date | dt.datetime | str | None, *, with_time: bool = True) -> str:
    """`25. november 2026 kl. 16.23` (or the day only); empty for no value."""
    if value in (None, ""):
        return ""
    with translation.override("nb"):
        return dateformat.format(in_oslo(value), WORDS_DATE_TIME if with_time else WORDS_DATE)
