"""Times as a person reads them in Norwegian: "25. november 2026 kl. 16.23", in Oslo's
local time (summer time included), with bokmål month names whatever language is active.

One home for the format of the pages and reports people get about themselves (the
access report staff make, the self-service pages). What machines read keeps ISO 8601:
the JSON downloads and the `datetime` attribute of `<time>`.
"""

from __future__ import annotations

import datetime as dt

from django import template
from django.utils import dateformat, timezone, translation

register = template.Library()

DATETIME_FORMAT = r"j. F Y \k\l. H.i"  # Språkrådet's clock: a dot between hours and minutes
DATE_FORMAT = "j. F Y"


def _in_oslo(value: dt.date | dt.datetime | str) -> dt.date | dt.datetime:
    if isinstance(value, str):  # a time from the JSON's data (ISO 8601, with its offset)
        value = dt.datetime.fromisoformat(value)
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value, timezone.get_default_timezone())
    return value


def _format(value: dt.date | dt.datetime | str | None, pattern: str) -> str:
    if value in (None, ""):
        return ""
    with translation.override("nb"):
        return dateformat.format(_in_oslo(value), pattern)


@register.filter
def norwegian_datetime(value: dt.datetime | str | None) -> str:
    """`25. november 2026 kl. 16.23`; empty for no time."""
    return _format(value, DATETIME_FORMAT)


@register.filter
def norwegian_date(value: dt.date | dt.datetime | str | None) -> str:
    """`25. november 2026`: the day only (a datetime's day in Oslo)."""
    return _format(value, DATE_FORMAT)


@register.filter
def html_datetime(value: dt.datetime | str | None) -> str:
    """For `<time datetime>`: ISO 8601 to the second, with the offset. HTML allows at most
    three digits of a second's fraction, and a person's record needs none."""
    if value in (None, ""):
        return ""
    return _in_oslo(value).isoformat(timespec="seconds")
