"""Times as a person reads them in Norwegian, for the pages and reports people get about
themselves (the access report staff make, the self-service pages): common/dates.py."""

from __future__ import annotations

import datetime as dt

from django import template

from common import dates

register = template.Library()


@register.filter
def norwegian_datetime(value: dt.datetime | str | None) -> str:
    """`25. november 2026 kl. 16.23`; empty for no time."""
    return dates.in_words(value)


@register.filter
def norwegian_date(value: dt.date | dt.datetime | str | None) -> str:
    """`25. november 2026`: the day only (a datetime's day in Oslo)."""
    return dates.in_words(value, with_time=False)


@register.filter
def html_datetime(value: dt.datetime | str | None) -> str:
    """For `<time datetime>`: ISO 8601 to the second, with the offset. HTML allows at most
    three digits of a second's fraction, and a person's record needs none."""
    if value in (None, ""):
        return ""
    return dates.in_oslo(value).isoformat(timespec="seconds")
