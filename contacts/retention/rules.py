"""The retention rules, once: keep an enquiry a set time after its last activity, never past
a hard maximum after it was received; an enquiry marked as spam is kept a short time from
then, and marking it never keeps it longer than it would have been kept anyway. A post
held in quarantine (sent faster than a person fills the form) is kept a short time from
its arrival; let into the inbox, it is kept as any enquiry.

Python needs the rule for one row in memory (a new enquiry, a staff edit) and SQL needs it
for many rows in one UPDATE (an action on a selection) or INSERT (the benchmark's seed).
Both forms are here, side by side, and tests/contacts/test_retention_rule.py checks that
they agree.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db.models import DateTimeField, ExpressionWrapper, F, Value
from django.db.models.expressions import Combinable
from django.db.models.functions import Least


def after_activity() -> dt.timedelta:
    return dt.timedelta(days=settings.CONTACTS_RETENTION_DAYS)


def hard_maximum() -> dt.timedelta:
    return dt.timedelta(days=settings.CONTACTS_RETENTION_MAX_DAYS)


def spam_retention() -> dt.timedelta:
    return dt.timedelta(days=settings.CONTACTS_SPAM_RETENTION_DAYS)


def quarantine_retention() -> dt.timedelta:
    return dt.timedelta(days=settings.CONTACTS_QUARANTINE_RETENTION_DAYS)


def quarantine_retention_date(received_at: dt.datetime) -> dt.datetime:
    """When a post held in quarantine is erased unless staff let it in: staff do not act
    on it (no e-mail tells them of it), so the time runs from its arrival."""
    return received_at + quarantine_retention()


def retention_date(received_at: dt.datetime, last_activity_at: dt.datetime) -> dt.datetime:
    """When an enquiry received and last touched at these times is erased."""
    return min(last_activity_at + after_activity(), received_at + hard_maximum())


def retention_date_expression(
    last_activity_at: dt.datetime | Combinable, received_at: Combinable | None = None
) -> Least:
    """The same rule as a database expression, for rows updated in bulk.

    `received_at` defaults to the row's own column.
    """
    activity = (
        last_activity_at if isinstance(last_activity_at, Combinable) else Value(last_activity_at)
    )
    received = received_at if received_at is not None else F("received_at")
    return Least(
        ExpressionWrapper(activity + Value(after_activity()), output_field=DateTimeField()),
        ExpressionWrapper(received + Value(hard_maximum()), output_field=DateTimeField()),
    )


def retention_sql(received_at: str, last_activity_at: str) -> tuple[str, dict]:
    """The same rule as an SQL fragment over two columns, with its named parameters."""
    return (
        f"LEAST({last_activity_at} + %(retention_after_activity)s, "
        f"{received_at} + %(retention_hard_maximum)s)",
        {"retention_after_activity": after_activity(), "retention_hard_maximum": hard_maximum()},
    )


def spam_retention_date(retain_until: dt.datetime, now: dt.datetime) -> dt.datetime:
    """When an enquiry marked as spam at `now` (or acted on while spam) is erased: the
    spam period from now, unless it was due to be erased sooner. It only ever shortens."""
    return min(retain_until, now + spam_retention())


def spam_retention_date_expression(now: dt.datetime) -> Least:
    """The same rule as a database expression over the row's own `retain_until`."""
    return Least(
        F("retain_until"),
        Value(now + spam_retention(), output_field=DateTimeField()),
    )
