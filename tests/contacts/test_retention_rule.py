"""The retention rules, stated once with literals, and their SQL forms held to their Python
forms."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from django.db import connection

from contacts.models import Enquiry
from contacts.retention.rules import (
    retention_date,
    retention_date_expression,
    retention_sql,
    spam_retention_date,
    spam_retention_date_expression,
)
from tests.contacts.factories import make_enquiry

DAY0 = dt.datetime(2026, 3, 1, 12, 0, tzinfo=dt.UTC)


def day(n: int) -> dt.datetime:
    return DAY0 + dt.timedelta(days=n)


@pytest.fixture(autouse=True)
def short_retention(settings):
    settings.CONTACTS_RETENTION_DAYS = 10
    settings.CONTACTS_RETENTION_MAX_DAYS = 30


@pytest.mark.parametrize(
    ("last_activity", "erased"),
    [(0, 10), (15, 25), (20, 30), (25, 30), (400, 30)],
)
def test_an_enquiry_is_kept_ten_days_after_activity_but_never_past_thirty(last_activity, erased):
    assert retention_date(day(0), day(last_activity)) == day(erased)


CASES = list(itertools.product([0, 3, 29], [0, 5, 19, 21, 40]))


@pytest.mark.django_db
def test_the_bulk_update_form_agrees_with_the_python_form():
    rows = {make_enquiry(received_at=day(received)).pk: (received, act) for received, act in CASES}

    for pk, (received, act) in rows.items():
        Enquiry.objects.filter(pk=pk).update(
            retain_until=retention_date_expression(day(received + act))
        )

    stored = dict(Enquiry.objects.values_list("pk", "retain_until"))
    for pk, (received, act) in rows.items():
        assert stored[pk] == retention_date(day(received), day(received + act)), (received, act)


@pytest.mark.django_db
def test_the_sql_fragment_agrees_with_the_python_form():
    fragment, params = retention_sql("received", "active")
    with connection.cursor() as cursor:
        for received, act in CASES:
            cursor.execute(
                f"SELECT {fragment} FROM (SELECT %(r)s::timestamptz AS received, "  # noqa: S608
                "%(a)s::timestamptz AS active) AS t",
                {**params, "r": day(received), "a": day(received + act)},
            )
            assert cursor.fetchone()[0] == retention_date(day(received), day(received + act))


@pytest.mark.parametrize(
    ("retain_until", "marked", "erased"),
    # Marked on day 5: kept 7 days from then (day 12), unless it was due sooner.
    [(10, 5, 10), (12, 5, 12), (30, 5, 12), (30, 29, 30)],
)
def test_spam_is_kept_seven_days_from_its_marking_unless_due_sooner(
    settings, retain_until, marked, erased
):
    settings.CONTACTS_SPAM_RETENTION_DAYS = 7

    assert spam_retention_date(day(retain_until), day(marked)) == day(erased)


@pytest.mark.django_db
def test_the_spam_rule_in_bulk_agrees_with_the_python_form(settings):
    settings.CONTACTS_SPAM_RETENTION_DAYS = 7
    rows = {}
    for retain_until, marked in itertools.product([3, 10, 12, 30], [0, 5, 29]):
        enquiry = make_enquiry(received_at=day(0), retain_until=day(retain_until))
        rows[enquiry.pk] = (retain_until, marked)

    for pk, (_, marked) in rows.items():
        Enquiry.objects.filter(pk=pk).update(
            retain_until=spam_retention_date_expression(day(marked))
        )

    stored = dict(Enquiry.objects.values_list("pk", "retain_until"))
    for pk, (retain_until, marked) in rows.items():
        assert stored[pk] == spam_retention_date(day(retain_until), day(marked))
