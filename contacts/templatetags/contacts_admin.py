from __future__ import annotations

import datetime as dt

from django import template
from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from common.urls import absolute_url
from contacts.admin import filters
from contacts.inbox import callbacks
from contacts.inbox.callback_stats import PromiseStats, promise_statistics
from contacts.models import Enquiry
from contacts.rights import subject_log

register = template.Library()


@register.simple_tag
def list_url(model: str, *, absolute: bool = False, **params: object) -> str:
    """An admin list with filters set, checked against the list's filters
    (contacts/admin/filters.py): `{% list_url "contacts.enquiry" status="ny" %}`. Absolute
    (on PILARO_SITE_URL) for e-mails."""
    path = filters.list_url(model, **params)
    return absolute_url(path) if absolute else path


STATS_CACHE_KEY, STATS_CACHE_SECONDS = "contacts:callback-stats", 300


@register.simple_tag
def enquiry_counts() -> dict[str, int]:
    return Enquiry.objects.index_counts()


@register.simple_tag
def subject_request_counts() -> dict[str, int]:
    """Open subject requests, how many are overdue and how many are due within the days
    staff are warned (CONTACTS_SUBJECT_REQUEST_WARN_DAYS)."""
    days = settings.CONTACTS_SUBJECT_REQUEST_WARN_DAYS
    return {**subject_log.deadline_counts(), "days": days}


@register.simple_tag
def callback_promise() -> dict[str, object]:
    """The promise as stated, the calls overdue now, and how the promise was kept over
    the last 30 and 90 days."""
    now = timezone.now()
    # Shared by every staff member's visit for a few minutes: a 90-day statistic needs no
    # fresher numbers, and the index stays fast however many enquiries there are.
    stats: list[PromiseStats] = cache.get_or_set(
        STATS_CACHE_KEY, lambda: promise_statistics(now=now), STATS_CACHE_SECONDS
    )
    return {
        "promise": settings.CONTACTS_CALLBACK_PROMISE,
        "hours": settings.CONTACTS_CALLBACK_WORKING_HOURS,
        "workday": settings.CONTACTS_WORKDAY,
        "overdue": Enquiry.objects.filter(callbacks.overdue(now)).count(),
        "windows": stats,
    }


@register.filter
def working_time(value: dt.timedelta | None) -> str:
    """Working time for staff: "2 t 5 min", "3 t", "45 min"; "–" when there is none."""
    if value is None:
        return "–"
    hours, minutes = divmod(round(value.total_seconds() / 60), 60)
    if not hours:
        return f"{minutes} min"
    return f"{hours} t {minutes} min" if minutes else f"{hours} t"
